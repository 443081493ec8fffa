/*
 * hx_prom: spans, test records and metrics as Prometheus text exposition
 * (format 0.0.4), for a scrape or a node_exporter textfile directory.
 *
 * Families (each with HELP and TYPE):
 *   hx_span_duration_seconds  histogram by service and name, with the
 *                             fixed buckets (le, seconds) 0.0001 0.0005
 *                             0.001 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1
 *                             2.5 5 10 30 60 300 1800 +Inf
 *   hx_span_errors_total      counter of spans in error, by service, name
 *   hx_test_runs_total        counter of test records
 *   hx_test_retries_total     counter of test runs that were retries
 *                             (attempt > 1)
 *   hx_test_flaky_total       counter of test runs marked flaky
 *   hx_test_failures_total    counter of test runs that count as failed
 *   hx_test_retry_ratio       gauge: retries over runs (0 without runs)
 *   each metric record's name the last reading of each label set (the
 *   record's labels and service); a counter's name gets "_total" when it
 *   lacks it.
 * Values are the totals of one hx-trace run's input: each export replaces
 * the last, which Prometheus' rate() and increase() read as a reset.  No
 * sample has a timestamp (node_exporter refuses them).
 */
#ifndef HX_PROM_H
#define HX_PROM_H

#include <stdint.h>

#include "hx_err.h"
#include "rec/hx_metric.h"
#include "rec/hx_test.h"
#include "trace/hx_spanset.h"

/* What the test records of a run add up to. */
struct hx_prom_tests {
	uint64_t runs, retries, flaky, failures;
};

/* Count the test T into TESTS (zeroed to start). */
void hx_prom_tests_add(struct hx_prom_tests *tests, const struct hx_test *t);

/* The metric families of the records read so far, and their kinds. */
struct hx_prom_family {
	char *name;
	enum hx_metric_kind kind;
};

struct hx_prom_families {
	struct hx_prom_family *v;	/* sorted by name */
	size_t n, cap;
};

void hx_prom_families_init(struct hx_prom_families *f);

/*
 * Check, as it is read, that the metric record M can be exported beside
 * those added to F before, and add its family.  Returns 0, or -1 with
 * *MESSAGE (to free) saying why not: its family is one of the families
 * above, or was read with the other kind (a counter x beside a gauge
 * x_total), or it is a counter below zero.
 */
int hx_prom_families_add(struct hx_prom_families *f,
    const struct hx_metric *m, char **message);

void hx_prom_families_clear(struct hx_prom_families *f);

/*
 * Write the exposition of SET and TESTS to PATH, atomically; SET's
 * metric records passed hx_prom_families_add.  Returns 0, or -1 with ERR
 * filled (HX_EXIT_SYSTEM) when PATH cannot be written.
 */
int hx_prom_write_file(const struct hx_spanset *set,
    const struct hx_prom_tests *tests, const char *path,
    struct hx_err_info *err);

#endif
