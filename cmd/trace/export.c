/*
 * export.c: the exports of the hx-trace filter: the spans and metrics it
 * consumed, and the test records it counted, written after the input as
 * OTLP/JSON (a file, an OTLP/HTTP endpoint), Chrome trace events and
 * Prometheus text (a file, a node_exporter textfile directory).  The
 * formats are lib/trace's (hx_otlp, hx_otlp_http, hx_chrome, hx_prom).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rec/hx_test.h"
#include "trace/hx_chrome.h"
#include "trace/hx_otlp.h"
#include "trace/hx_otlp_http.h"
#include "trace.h"

int
trace_export_option(struct trace_export *x, int opt, const char *arg)
{
	struct hx_otlp_http h;
	struct hx_err_info err;

	switch (opt) {
	case OPT_OTLP:
		x->otlp = arg;
		break;
	case OPT_OTLP_ENDPOINT:
		if (hx_otlp_http_open(&h, arg, &err) < 0)
			hx_usage_error("--otlp-endpoint %s", err.message);
		hx_otlp_http_close(&h);
		x->otlp_endpoint = arg;
		break;
	case OPT_CHROME:
		x->chrome = arg;
		break;
	case OPT_PROM:
		x->prom = arg;
		break;
	case OPT_TEXTFILE_DIR:
		x->textfile_dir = arg;
		break;
	default:
		return 0;
	}
	return 1;
}

bool
trace_export_wanted(const struct trace_export *x)
{
	return x->otlp != NULL || x->otlp_endpoint != NULL ||
	    x->chrome != NULL || trace_export_tests(x);
}

bool
trace_export_tests(const struct trace_export *x)
{
	return x->prom != NULL || x->textfile_dir != NULL;
}

int
trace_export_on_test(struct trace_export *x, struct hx_record *rec,
    const json_t *j)
{
	struct hx_test t;
	char *message;

	if (hx_test_read(j, &t, &message) < 0) {
		hx_rec_bad(rec, "%s", message);
		free(message);
		return 0;
	}
	hx_rec_pass(rec);
	hx_prom_tests_add(&x->tests, &t);
	hx_test_clear(&t);
	return 0;
}

int
trace_export_on_metric(struct trace_export *x, const struct hx_metric *m,
    char **message)
{
	if (!trace_export_tests(x))
		return 0;
	return hx_prom_families_add(&x->families, m, message);
}

/* The Prometheus exposition, to a file and into a textfile directory. */
static int
write_prom(struct trace_export *x, const struct hx_spanset *set,
    struct hx_err_info *err)
{
	char *path;
	int rc = 0;

	if (x->prom != NULL)
		rc = hx_prom_write_file(set, &x->tests, x->prom, err);
	if (rc == 0 && x->textfile_dir != NULL) {
		path = hx_xasprintf("%s/hx_trace.prom", x->textfile_dir);
		rc = hx_prom_write_file(set, &x->tests, path, err);
		free(path);
	}
	return rc;
}

/* POST the OTLP requests to the endpoint, telling of retries. */
static int
post_otlp(struct trace_export *x, const struct hx_spanset *set,
    struct hx_err_info *err)
{
	struct hx_otlp_http h;
	int rc;

	if (hx_otlp_http_open(&h, x->otlp_endpoint, err) < 0)
		return -1;
	rc = hx_otlp_export(set, hx_otlp_http_post, &h, err);
	if (h.retries > 0)
		hx_warn("%s: %d request%s retried", x->otlp_endpoint,
		    h.retries, h.retries == 1 ? "" : "s");
	hx_otlp_http_close(&h);
	return rc;
}

int
trace_export_write(struct trace_export *x, const struct hx_spanset *set,
    struct hx_err_info *err)
{
	if (x->otlp != NULL && hx_otlp_write_file(set, x->otlp, err) < 0)
		return -1;
	if (x->chrome != NULL && hx_chrome_write_file(set, x->chrome, err) < 0)
		return -1;
	if (write_prom(x, set, err) < 0)
		return -1;
	if (x->otlp_endpoint != NULL && post_otlp(x, set, err) < 0)
		return -1;
	return 0;
}
