/*
 * hx_junit: JUnit XML written by hand, escaped carefully.
 *
 * Times are seconds with three decimals in a plain dotted form, which the
 * xunit schema's SUREFIRE_TIME pattern accepts.  No timestamp or host name
 * is written, so two reports of the same run are byte-identical.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_atomic.h"
#include "hx_err.h"
#include "report/hx_junit.h"
#include "hx_utf8.h"

struct jcase {
	char *classname, *name, *message, *type, *body, *out, *err;
	int64_t time_ns;
	enum hx_junit_status status;
};

struct jsuite {
	char *name;
	int64_t time_ns;	/* beyond the cases' own */
	struct jcase *cases;
	size_t ncases, cap;
};

struct hx_junit {
	char *name;
	struct jsuite *suites;
	size_t nsuites;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? hx_xstrdup(s) : NULL;
}

struct hx_junit *
hx_junit_new(const char *name)
{
	struct hx_junit *j = hx_xcalloc(1, sizeof(*j));

	j->name = hx_xstrdup(name);
	return j;
}

void
hx_junit_suite(struct hx_junit *j, const char *name)
{
	j->suites = hx_xrealloc(j->suites, (j->nsuites + 1) * sizeof(*j->suites));
	memset(&j->suites[j->nsuites], 0, sizeof(*j->suites));
	j->suites[j->nsuites++].name = hx_xstrdup(name);
}

void
hx_junit_suite_time(struct hx_junit *j, int64_t ns)
{
	if (j->nsuites == 0)
		hx_junit_suite(j, j->name);
	j->suites[j->nsuites - 1].time_ns += ns;
}

void
hx_junit_add(struct hx_junit *j, const struct hx_junit_case *c)
{
	struct jsuite *s;
	struct jcase *k;

	if (j->nsuites == 0)
		hx_junit_suite(j, j->name);
	s = &j->suites[j->nsuites - 1];
	if (s->ncases == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->cases = hx_xrealloc(s->cases, s->cap * sizeof(*s->cases));
	}
	k = &s->cases[s->ncases++];
	k->classname = dup_or_null(c->classname);
	k->name = hx_xstrdup(c->name != NULL ? c->name : "");
	k->message = dup_or_null(c->message);
	k->type = dup_or_null(c->type);
	k->body = dup_or_null(c->body);
	k->out = dup_or_null(c->system_out);
	k->err = dup_or_null(c->system_err);
	k->time_ns = c->time_ns;
	k->status = c->status;
}

/* Write S escaped for XML text or attribute values. */
static void
put_escaped(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	size_t n;

	while (p < end) {
		switch (*p) {
		case '&': fputs("&amp;", fp); p++; continue;
		case '<': fputs("&lt;", fp); p++; continue;
		case '>': fputs("&gt;", fp); p++; continue;
		case '"': fputs("&quot;", fp); p++; continue;
		case '\'': fputs("&apos;", fp); p++; continue;
		case '\t': case '\n': case '\r': fputc(*p++, fp); continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fputs("\xef\xbf\xbd", fp);
			p++;
		} else if (*p < 0x80) {
			fputc(*p++, fp);
		} else if ((n = hx_utf8_length(p, end)) == 0) {
			fputs("\xef\xbf\xbd", fp);
			p++;
		} else {
			fwrite(p, 1, n, fp);
			p += n;
		}
	}
}

static void
put_attr(FILE *fp, const char *name, const char *value)
{
	if (value == NULL)
		return;
	fprintf(fp, " %s=\"", name);
	put_escaped(fp, value);
	fputc('"', fp);
}

static void
put_time(FILE *fp, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	fprintf(fp, "%" PRId64 ".%03" PRId64, ns / 1000000000,
	    (ns % 1000000000) / 1000000);
}

static void
put_element(FILE *fp, const char *tag, const char *text)
{
	if (text == NULL)
		return;
	fprintf(fp, "      <%s>", tag);
	put_escaped(fp, text);
	fprintf(fp, "</%s>\n", tag);
}

static void
put_case(FILE *fp, const struct jcase *k)
{
	static const char *const tags[] = { NULL, "failure", "error", "skipped" };
	const char *tag = tags[k->status];

	fputs("    <testcase", fp);
	put_attr(fp, "name", k->name);
	put_attr(fp, "classname", k->classname);
	if (k->time_ns >= 0) {
		fputs(" time=\"", fp);
		put_time(fp, k->time_ns);
		fputc('"', fp);
	}
	if (tag == NULL && k->out == NULL && k->err == NULL) {
		fputs("/>\n", fp);
		return;
	}
	fputs(">\n", fp);
	if (tag != NULL) {
		fprintf(fp, "      <%s", tag);
		put_attr(fp, "message", k->message);
		put_attr(fp, "type", k->type);
		if (k->body != NULL) {
			fputc('>', fp);
			put_escaped(fp, k->body);
			fprintf(fp, "</%s>\n", tag);
		} else
			fputs("/>\n", fp);
	}
	put_element(fp, "system-out", k->out);
	put_element(fp, "system-err", k->err);
	fputs("    </testcase>\n", fp);
}

/* The time of suite S: its cases' that have one, and its own. */
static int64_t
suite_time(const struct jsuite *s)
{
	int64_t total = s->time_ns;
	size_t i;

	for (i = 0; i < s->ncases; i++)
		if (s->cases[i].time_ns > 0)
			total += s->cases[i].time_ns;
	return total;
}

static void
put_suite(FILE *fp, const struct jsuite *s)
{
	size_t i, failures = 0, errors = 0, skipped = 0;
	int64_t total = suite_time(s);

	for (i = 0; i < s->ncases; i++) {
		failures += s->cases[i].status == HX_JUNIT_FAILURE;
		errors += s->cases[i].status == HX_JUNIT_ERROR;
		skipped += s->cases[i].status == HX_JUNIT_SKIPPED;
	}
	fputs("  <testsuite", fp);
	put_attr(fp, "name", s->name);
	fprintf(fp, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
	    "skipped=\"%zu\" time=\"", s->ncases, failures, errors, skipped);
	put_time(fp, total);
	fputs("\">\n", fp);
	for (i = 0; i < s->ncases; i++)
		put_case(fp, &s->cases[i]);
	fputs("  </testsuite>\n", fp);
}

int
hx_junit_write_stream(const struct hx_junit *j, FILE *fp)
{
	size_t i, k, tests = 0, failures = 0, errors = 0;
	int64_t total = 0;

	for (i = 0; i < j->nsuites; i++) {
		total += suite_time(&j->suites[i]);
		for (k = 0; k < j->suites[i].ncases; k++) {
			tests++;
			failures += j->suites[i].cases[k].status == HX_JUNIT_FAILURE;
			errors += j->suites[i].cases[k].status == HX_JUNIT_ERROR;
		}
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", fp);
	put_attr(fp, "name", j->name);
	fprintf(fp, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"",
	    tests, failures, errors);
	put_time(fp, total);
	fputs("\">\n", fp);
	for (i = 0; i < j->nsuites; i++)
		put_suite(fp, &j->suites[i]);
	fputs("</testsuites>\n", fp);
	if (ferror(fp)) {
		errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

int
hx_junit_write(const struct hx_junit *j, const char *path)
{
	struct hx_atomic a;
	int saved;

	if (hx_atomic_open(&a, path, 0644) < 0)
		return -1;
	if (hx_junit_write_stream(j, a.fp) < 0) {
		saved = errno;
		hx_atomic_abort(&a);
		errno = saved;
		return -1;
	}
	return hx_atomic_commit(&a);
}

void
hx_junit_free(struct hx_junit *j)
{
	size_t i, k;

	if (j == NULL)
		return;
	for (i = 0; i < j->nsuites; i++) {
		for (k = 0; k < j->suites[i].ncases; k++) {
			struct jcase *c = &j->suites[i].cases[k];

			free(c->classname);
			free(c->name);
			free(c->message);
			free(c->type);
			free(c->body);
			free(c->out);
			free(c->err);
		}
		free(j->suites[i].cases);
		free(j->suites[i].name);
	}
	free(j->suites);
	free(j->name);
	free(j);
}
