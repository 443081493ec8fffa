/*
 * trace.h: what the files of hx-trace share.  hx-trace.c parses the
 * command line and runs the filter; run.c is hx-trace run, gpu.c
 * hx-trace gpu; export.c writes the filter's exports.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "rec/hx_rec.h"
#include "trace/hx_prom.h"
#include "trace/hx_spanset.h"

/* hx-trace run ARGS (ARGV[0] is "run"): returns the exit status. */
int trace_run(int argc, char **argv);

/* hx-trace gpu ARGS (ARGV[0] is "gpu"): returns the exit status. */
int trace_gpu(int argc, char **argv);

/*
 * The whole number ARG of option OPT of subcommand CMD, from MIN to MAX,
 * or a usage error.
 */
long trace_parse_count(const char *cmd, const char *opt, const char *arg,
    long min, long max);


/* The export options, as getopt_long gives them. */
enum {
	OPT_OTLP = 512,
	OPT_OTLP_ENDPOINT,
	OPT_CHROME,
	OPT_PROM,
	OPT_TEXTFILE_DIR,
};

/* The exports the command line asks for, and what they count. */
struct trace_export {
	const char *otlp;		/* --otlp FILE */
	const char *otlp_endpoint;	/* --otlp-endpoint URL */
	const char *chrome;		/* --chrome FILE */
	const char *prom;		/* --prom FILE */
	const char *textfile_dir;	/* --textfile-dir DIR */
	struct hx_prom_tests tests;	/* the test records read */
	struct hx_prom_families families;	/* the metric families read */
};

/*
 * Take the export option OPT with ARG: 1, or 0 when OPT is none; a bad
 * endpoint URL is a usage error.
 */
int trace_export_option(struct trace_export *x, int opt, const char *arg);

/* Whether any export is asked for: the spans must be kept. */
bool trace_export_wanted(const struct trace_export *x);

/* Whether the test records are to be counted (a Prometheus export). */
bool trace_export_tests(const struct trace_export *x);

/* Count the test record REC (its JSON J) and pass it on; 0. */
int trace_export_on_test(struct trace_export *x, struct hx_record *rec,
    const json_t *j);

/*
 * Write every export of SET after the input.  Returns 0, or -1 with ERR
 * filled.
 */
/*
 * Check the metric record M as read, for the Prometheus export when there
 * is one.  Returns 0, or -1 with *MESSAGE (to free) saying what is bad.
 */
int trace_export_on_metric(struct trace_export *x, const struct hx_metric *m,
    char **message);

int trace_export_write(struct trace_export *x, const struct hx_spanset *set,
    struct hx_err_info *err);

#endif
