/*
 * hx-trace: spans and counters around commands and across processes.
 *
 * As a filter it passes every record through byte for byte and reads the
 * span and metric records among them into a set (lib/trace/hx_spanset)
 * for its outputs: with --samples a sample record (unit ns) follows each
 * span, for hx-wcet; with --correlate a trace record per trace
 * (lib/trace/hx_correlate) follows the input, with --stages a stage
 * record per stage and profile (lib/trace/hx_stages); export.c writes the
 * exports.  hx-trace run (run.c) wraps a command in a span; hx-trace
 * gpu (gpu.c) reads GPU counters.
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_hash.h"
#include "hx_json.h"
#include "rec/hx_metric.h"
#include "rec/hx_rec.h"
#include "rec/hx_sample.h"
#include "rec/hx_span.h"
#include "trace/hx_correlate.h"
#include "trace/hx_spanset.h"
#include "trace/hx_stages.h"
#include "trace.h"

/* What the record callback fills and writes. */
struct filter {
	struct hx_spanset set;
	bool keep;		/* the set is needed at the end */
	bool samples;		/* a sample record after each span */
	struct trace_export export;
	json_t *seen;		/* "trace-span" to a digest */
};

static void
usage(void)
{
	printf("Usage: hx-trace [-hkV] [--correlate] [--samples] [--stages] "
	    "[--otlp FILE]\n"
	    "                [--otlp-endpoint URL] [--chrome FILE] "
	    "[--prom FILE]\n"
	    "                [--textfile-dir DIR] [FILE]...\n"
	    "       hx-trace run [-v] [--name NAME] [--service SERVICE] "
	    "[--spans FILE]\n"
	    "                [--grace SECONDS] [--load PROFILE] "
	    "[--profiles FILE]\n"
	    "                [--cpus LIST] [--rt PRIO] [--env FILE] "
	    "[--sysfs DIR]\n"
	    "                -- CMD [ARG]...\n"
	    "       hx-trace gpu [--count N] [--interval MS]\n"
	    "Pass records through and consume the span and metric records "
	    "among them;\n"
	    "run CMD and write a span record for it; or write metric records "
	    "of the GPUs.\n"
	    "\n"
	    "Options:\n"
	    "  -h, --help            show this help and exit\n"
	    "  -k, --keep-going      turn bad input into error records and "
	    "go on\n"
	    "  -V, --version         show the version and exit\n"
	    "      --correlate       write a trace record per trace at the "
	    "end\n"
	    "      --samples         write a sample record (ns) after each "
	    "span\n"
	    "      --stages          write a stage record per stage (and "
	    "profile) at the end\n"
	    "      --otlp FILE       write the spans and metrics to FILE as "
	    "OTLP/JSON\n"
	    "      --otlp-endpoint URL  POST them to the OTLP/HTTP receiver "
	    "at URL\n"
	    "      --chrome FILE     write them to FILE as Chrome trace "
	    "events (Perfetto)\n"
	    "      --prom FILE       write Prometheus text (latency, test "
	    "retries, metrics)\n"
	    "      --textfile-dir DIR  write it as DIR/hx_trace.prom for "
	    "node_exporter\n"
	    "\n"
	    "Options of run:\n"
	    "      --name NAME       the span's name (default: CMD's base "
	    "name)\n"
	    "      --service SERVICE the span's service (default: "
	    "$OTEL_SERVICE_NAME, or NAME)\n"
	    "      --spans FILE      append the span record to FILE, not "
	    "standard output\n"
	    "  -v, --verbose         print a line as CMD starts and ends\n"
	    "On a terminal, run shows CMD as running on one line of standard "
	    "error,\n"
	    "erased when it ends.\n"
	    "      --grace SECONDS   time CMD gets to end after a signal "
	    "(default 10)\n"
	    "      --load PROFILE    run CMD under the stress-ng load of "
	    "PROFILE (idle,\n"
	    "                        cpu, memory, io; span attribute "
	    "profile)\n"
	    "      --profiles FILE   the profiles of FILE's \"profiles\" "
	    "(a policy's)\n"
	    "      --cpus LIST       pin CMD to the CPUs of LIST (as taskset "
	    "-c: 0,2-3)\n"
	    "      --rt PRIO         run CMD with SCHED_FIFO priority PRIO "
	    "(1-99) if allowed\n"
	    "      --env FILE        write the run's env record (machine, "
	    "harness) to FILE\n"
	    "      --sysfs DIR       read frequencies and temperatures under "
	    "DIR, not /sys\n"
	    "\n"
	    "Options of gpu:\n"
	    "      --count N         read the GPUs N times (default 1; 0: "
	    "until stopped)\n"
	    "      --interval MS     milliseconds between readings "
	    "(default 1000)\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage, 3 bad input, 4 system failure; "
	    "run: CMD's.\n");
}

long
trace_parse_count(const char *cmd, const char *opt, const char *arg, long min,
    long max)
{
	char *name = hx_xasprintf("%s: %s", cmd, opt);
	long v = (long)hx_usage_uint(arg, name, (uint64_t)min, (uint64_t)max);

	free(name);
	return v;
}

/*
 * The sample record of SPAN: its duration in ns, named after it, with
 * the profile it ran under (the attribute "profile") as a label.
 */
static void
write_sample(const struct hx_span *span)
{
	struct hx_field_pair labels[4];
	struct hx_sample sample;
	size_t n = 0, i;
	json_t *rec;

	labels[n++] = (struct hx_field_pair){ "service", span->service };
	if (span->host != NULL)
		labels[n++] = (struct hx_field_pair){ "host", span->host };
	labels[n++] = (struct hx_field_pair){ "status", span->error ?
	    "error" : "ok" };
	for (i = 0; i < span->nattrs; i++)
		if (strcmp(span->attrs[i].name, "profile") == 0)
			labels[n++] = span->attrs[i];
	hx_sample_init(&sample);
	sample.name = span->name;
	sample.unit = HX_SAMPLE_NS;
	sample.value = (double)(span->end_ns - span->start_ns);
	sample.time_ns = span->start_ns;
	sample.labels = labels;
	sample.nlabels = n;
	rec = hx_sample_to_json(&sample);
	hx_rec_emit(rec);
	json_decref(rec);
}

/*
 * Whether SPAN repeats the ids of an earlier span of F with other
 * contents, for --correlate: then *MESSAGE says so.  A repeat with the
 * same contents is the same span.
 */
static int
repeated(struct filter *f, const struct hx_span *span, char **message)
{
	char digest[HX_SHA256_HEX], *key, *text;
	const char *seen;
	json_t *j;

	if (f->seen == NULL)
		return 0;
	j = hx_span_to_json(span);
	text = hx_json_to_string(j);
	hx_hash_sha256_buf(text, strlen(text), digest);
	free(text);
	json_decref(j);
	key = hx_xasprintf("%s-%s", span->trace_id, span->span_id);
	if ((seen = json_string_value(json_object_get(f->seen, key))) ==
	    NULL)
		json_object_set_new(f->seen, key, json_string(digest));
	free(key);
	if (seen == NULL || strcmp(seen, digest) == 0)
		return 0;
	*message = hx_xasprintf("span %s of trace %s: seen before with other "
	    "contents", span->span_id, span->trace_id);
	return -1;
}

/*
 * A span or metric record: checked, passed on, and kept when the
 * outputs need it.  A bad one is bad input.
 */
static int
on_record(struct hx_record *rec, void *arg)
{
	struct filter *f = arg;
	struct hx_metric metric;
	struct hx_span span;
	char *message;
	json_t *j;

	if ((j = hx_rec_json(rec)) == NULL)
		return 0;
	if (strcmp(rec->type, "test") == 0)
		return trace_export_on_test(&f->export, rec, j);
	if (strcmp(rec->type, "span") == 0) {
		if (hx_span_read(j, &span, &message) < 0)
			goto bad;
		if (repeated(f, &span, &message) < 0) {
			hx_span_clear(&span);
			goto bad;
		}
		hx_rec_pass(rec);
		if (f->samples)
			write_sample(&span);
		if (f->keep)
			hx_spanset_add_span(&f->set, &span);
		hx_span_clear(&span);
	} else {
		if (hx_metric_read(j, &metric, &message) < 0)
			goto bad;
		if (trace_export_on_metric(&f->export, &metric,
		    &message) < 0) {
			hx_metric_clear(&metric);
			goto bad;
		}
		hx_rec_pass(rec);
		if (f->keep)
			hx_spanset_add_metric(&f->set, &metric);
		hx_metric_clear(&metric);
	}
	return 0;
bad:
	hx_rec_bad(rec, "%s", message);
	free(message);
	return 0;
}

/*
 * After the input: a trace record for each trace of SET when CORRELATE,
 * then a stage record for each stage and profile when STAGES.
 */
static void
write_traces(const struct hx_spanset *set, bool correlate, bool stages)
{
	struct hx_correlate_trace *traces;
	struct hx_stage_record *records;
	size_t i, n, nrecords;
	json_t *rec;

	hx_correlate(set, &traces, &n);
	for (i = 0; correlate && i < n; i++) {
		rec = hx_correlate_to_json(&traces[i]);
		hx_rec_emit(rec);
		json_decref(rec);
	}
	if (stages) {
		hx_stages_collect(traces, n, &records, &nrecords);
		for (i = 0; i < nrecords; i++) {
			rec = hx_stage_to_json(&records[i]);
			hx_rec_emit(rec);
			json_decref(rec);
		}
		hx_stages_free(records, nrecords);
	}
	hx_correlate_free(traces, n);
}

enum {
	OPT_CORRELATE = 256,
	OPT_SAMPLES,
	OPT_STAGES,
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "chrome", required_argument, NULL, OPT_CHROME },
		{ "correlate", no_argument, NULL, OPT_CORRELATE },
		{ "help", no_argument, NULL, 'h' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "otlp", required_argument, NULL, OPT_OTLP },
		{ "otlp-endpoint", required_argument, NULL, OPT_OTLP_ENDPOINT },
		{ "prom", required_argument, NULL, OPT_PROM },
		{ "samples", no_argument, NULL, OPT_SAMPLES },
		{ "stages", no_argument, NULL, OPT_STAGES },
		{ "textfile-dir", required_argument, NULL, OPT_TEXTFILE_DIR },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const consume[] = { "span", "metric", NULL };
	static const char *const consume_tests[] = { "span", "metric", "test",
	    NULL };
	struct hx_rec_loop loop = { .warn = hx_err_warn };
	struct hx_err_info err;
	struct filter f = { 0 };
	bool correlate = false, stages = false;
	int c;

	hx_rec_init(argv[0]);
	if (argc > 1 && strcmp(argv[1], "run") == 0)
		return trace_run(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "gpu") == 0)
		return trace_gpu(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "hkV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'k':
			loop.keep_going = true;
			break;
		case 'V':
			printf("hx-trace %s\n", PACKAGE_VERSION);
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case OPT_CORRELATE:
			correlate = true;
			break;
		case OPT_SAMPLES:
			f.samples = true;
			break;
		case OPT_STAGES:
			stages = true;
			break;
		default:
			if (!trace_export_option(&f.export, c, optarg))
				hx_usage_error("bad option");
		}
	}
	argc -= optind;
	argv += optind;

	hx_spanset_init(&f.set);
	if (correlate || stages)
		f.seen = json_object();
	hx_prom_families_init(&f.export.families);
	f.keep = correlate || stages || trace_export_wanted(&f.export);
	loop.consume = trace_export_tests(&f.export) ? consume_tests : consume;
	loop.fn = on_record;
	loop.arg = &f;
	if (hx_rec_loop_run(&loop, argc, argv) < 0) {
		hx_rec_finish(&loop, &err);
		hx_err_exit(&err);
	}
	if (correlate || stages)
		write_traces(&f.set, correlate, stages);
	if (trace_export_write(&f.export, &f.set, &loop.error) < 0) {
		hx_rec_finish(NULL, &err);
		hx_err_exit(&loop.error);
	}
	hx_spanset_clear(&f.set);
	json_decref(f.seen);
	hx_prom_families_clear(&f.export.families);
	if (hx_rec_finish(NULL, &err) < 0)
		hx_err_exit(&err);
	return HX_EXIT_OK;
}
