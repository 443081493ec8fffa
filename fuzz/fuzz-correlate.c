/*
 * fuzz-correlate: the spans of a record file correlated into traces
 * (lib/trace/hx_correlate), whatever their ids, parents, kinds, hosts
 * and times: cycles, self-parents through copies, skewed clocks.  The
 * critical path must add up to the root's duration, and no self time
 * nor part of a stage may be negative; the stage records of the traces
 * (lib/trace/hx_stages) must be ones hx_stage_read accepts.  The
 * reader's buffer is 2 to 64 bytes, as in fuzz-records: the 1 MiB
 * programs use cost more than the rest of a run.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "hx_json.h"
#include "rec/hx_reader.h"
#include "rec/hx_span.h"
#include "trace/hx_correlate.h"
#include "trace/hx_spanset.h"
#include "trace/hx_stages.h"
#include "fuzz.h"

/* Check what hx_correlate.h promises of T; abort when it does not hold. */
static void
check(const struct hx_correlate_trace *t)
{
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < t->npath; i++) {
		if (t->path[i].ns <= 0)
			abort();
		sum += t->path[i].ns;
	}
	if (sum != t->duration_ns)
		abort();
	for (i = 0; i < t->nservices; i++)
		if (t->services[i].self_ns < 0)
			abort();
	for (i = 0; i < t->nparts; i++)
		if (t->parts[i].ns < 0)
			abort();
	json_decref(hx_correlate_to_json(t));
}

/* The stage records of TRACES[0 .. N - 1], each read back. */
static void
check_stages(const struct hx_correlate_trace *traces, size_t n)
{
	struct hx_stage_record *stages, again;
	char *message = NULL;
	size_t i, nstages;
	json_t *j;

	hx_stages_collect(traces, n, &stages, &nstages);
	for (i = 0; i < nstages; i++) {
		j = hx_stage_to_json(&stages[i]);
		if (hx_stage_read(j, &again, &message) != 0)
			abort();
		hx_stage_clear(&again);
		json_decref(j);
	}
	hx_stages_free(stages, nstages);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_correlate_trace *traces;
	struct hx_reader_line line;
	struct hx_err_info err;
	struct hx_reader *reader;
	struct hx_spanset set;
	struct hx_span span;
	char *message = NULL;
	size_t i, n;
	json_t *json;

	if ((reader = hx_reader_open_size(fuzz_file(data, size),
	    2 + size % 63, &err)) == NULL)
		abort();
	hx_spanset_init(&set);
	while (hx_reader_next(reader, &line, &err) == HX_READER_RECORD) {
		if ((json = hx_json_parse(line.text, line.len, NULL)) == NULL)
			continue;
		if (hx_span_read(json, &span, &message) == 0)
			hx_spanset_add_span(&set, &span);
		hx_span_clear(&span);
		free(message);
		message = NULL;
		json_decref(json);
	}
	hx_reader_close(reader);
	hx_correlate(&set, &traces, &n);
	for (i = 0; i < n; i++)
		check(&traces[i]);
	check_stages(traces, n);
	hx_correlate_free(traces, n);
	hx_spanset_clear(&set);
	return 0;
}
