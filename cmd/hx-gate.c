/*
 * hx-gate: apply a release policy to the whole record stream, pass the
 * stream on, append one gate record and exit 0 or 1 by its verdict;
 * optionally write JUnit XML, a Markdown summary and a proof bundle, and
 * read or record timing baselines in git notes.
 */
#include "config.h"

#include <errno.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_archive.h"
#include "hx_atomic.h"
#include "rec/hx_baseline.h"
#include "rec/hx_env.h"
#include "hx_err.h"
#include "hx_git.h"
#include "gate/hx_judge.h"
#include "gate/hx_policy.h"
#include "rec/hx_rec.h"
#include "gate/hx_report.h"

/* What one run was asked to do. */
struct gate {
	const char *policy_path;
	const char *baseline_spec;
	const char *target_branch;
	const char *junit_path;
	const char *summary_path;
	const char *bundle_path;
	const char *stdin_name;	/* standard input's name in refs */
	int64_t bundle_time;	/* the time of every bundle entry */
	bool record_baseline;
	bool bootstrap;		/* the first baseline: nothing to regress */
	bool quiet;
	struct hx_policy policy;
	struct hx_baseline baseline;
	struct hx_judge judge;
	FILE *stream;		/* a copy of the records, for the bundle */
	char *stream_buf;
	size_t stream_len;
	FILE *timing;		/* timing lines, for the baseline */
	char *timing_buf;
	size_t timing_len;
};

static void
usage(void)
{
	printf("Usage: hx-gate -p POLICY [-hkqV] [-b SOURCE]\n"
	    "               [--target-branch NAME] [--record-baseline "
	    "[--bootstrap]]\n"
	    "               [--junit FILE] [--summary FILE]\n"
	    "               [--bundle FILE.tar.gz] [--stdin-name FILE] "
	    "[FILE]...\n"
	    "Judge the records of a run (FILEs, or standard input) by the\n"
	    "policy POLICY, pass them on, append one gate record, and exit 0\n"
	    "when the policy passes, 1 when it fails.\n"
	    "\n"
	    "Options:\n"
	    "  -p, --policy FILE         the policy (see hx-policy(5))\n"
	    "  -b, --baseline SOURCE     compare timing with a baseline:\n"
	    "                            git (the note of the merge base\n"
	    "                            with the target branch), git:REV,\n"
	    "                            or a file of records\n"
	    "      --target-branch NAME  the branch for --baseline git\n"
	    "                            (default: the CI's target branch\n"
	    "                            variable, or main)\n"
	    "      --record-baseline     when the gate passes, store the\n"
	    "                            sample, wcet and stage records as\n"
	    "                            the git note of HEAD\n"
	    "      --bootstrap           with --record-baseline: record the\n"
	    "                            first baseline; no-regression rules\n"
	    "                            skip, every other rule is judged\n"
	    "      --junit FILE          write each rule as a JUnit test\n"
	    "      --summary FILE        write a Markdown summary\n"
	    "      --bundle FILE         write a reproducible proof bundle\n"
	    "      --stdin-name FILE     name standard input FILE in the\n"
	    "                            reports' references (FILE:LINE):\n"
	    "                            the run file piped in\n"
	    "  -k, --keep-going          bad input lines become error records\n"
	    "  -q, --quiet               print no verdict on standard error\n"
	    "  -h, --help                show this help and exit\n"
	    "  -V, --version             show the version and exit\n"
	    "\n"
	    "Exit status: 0 pass, 1 fail, 2 usage, 3 bad input or policy,\n"
	    "4 system failure.\n");
}

/*
 * Hand every record to the judge, then pass it on unchanged; one the
 * judge finds malformed is bad input.
 */
static int
on_record(struct hx_record *rec, void *arg)
{
	struct gate *g = arg;
	json_t *json = NULL;
	char *message;

	if (hx_judge_wants(&g->judge, rec->type) &&
	    (json = hx_rec_json(rec)) == NULL)
		return 0;	/* with -k an error record took its place */
	if (hx_judge_add(&g->judge, rec->type, g->stdin_name != NULL &&
	    strcmp(rec->file, "stdin") == 0 ? g->stdin_name : rec->file,
	    rec->line, json, &message) < 0) {
		hx_rec_bad(rec, "%s", message);
		free(message);
		return 0;
	}
	hx_rec_pass(rec);
	if (g->stream != NULL) {
		fwrite(rec->text, 1, rec->len, g->stream);
		fputc('\n', g->stream);
	}
	if (g->timing != NULL && (strcmp(rec->type, "sample") == 0 ||
	    strcmp(rec->type, "wcet") == 0 ||
	    strcmp(rec->type, "stage") == 0)) {
		fwrite(rec->text, 1, rec->len, g->timing);
		fputc('\n', g->timing);
	}
	return 0;
}

static FILE *
memstream(char **buf, size_t *len)
{
	FILE *fp = open_memstream(buf, len);

	if (fp == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "open_memstream");
	return fp;
}

static void
memstream_close(FILE *fp)
{
	if (fp != NULL && fclose(fp) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "open_memstream");
}

static void
load_policy(struct gate *g)
{
	char err[1024];

	switch (hx_policy_load(g->policy_path, &g->policy, err, sizeof(err))) {
	case 0:
		return;
	case -1:
		hx_err(HX_EXIT_INPUT, "%s", err);
	default:
		hx_err(HX_EXIT_SYSTEM, "%s", err);
	}
}

/*
 * Read the baseline asked for.  A missing note is said, not fatal; a
 * missing file is exit 4 unless the policy skips a missing baseline.
 */
static void
load_baseline(struct gate *g)
{
	char err[1024];
	int rc;

	if (g->baseline_spec == NULL)
		return;
	rc = hx_baseline_load(g->baseline_spec, g->target_branch, &g->baseline,
	    err, sizeof(err));
	if (rc == -2 && errno == ENOENT &&
	    hx_policy_skips_missing_baseline(&g->policy))
		g->baseline.missing = hx_xstrdup(err);
	else if (rc == -2)
		hx_err(HX_EXIT_SYSTEM, "%s", err);
	else if (rc < 0)
		hx_err(HX_EXIT_INPUT, "%s", err);
	g->judge.baseline_source = g->baseline.source;
	if (g->baseline.missing != NULL) {
		g->judge.baseline_missing = g->baseline.missing;
		if (!g->quiet)
			hx_warn("no baseline: %s", g->baseline.missing);
	} else
		g->judge.baseline = &g->baseline;
}

/*
 * --bootstrap records a repository's first baseline, once: the regression
 * rules have nothing to compare with and skip, every other rule counts.
 * With a baseline there already it is a usage error, so that a CI script
 * cannot keep it and skip regressions for ever.
 */
static void
check_bootstrap(struct gate *g)
{
	if (!g->bootstrap)
		return;
	if (g->judge.baseline != NULL)
		hx_usage_error("--bootstrap: there is a baseline already (%s); "
		    "record without --bootstrap", g->baseline.source);
	g->judge.bootstrap = true;
}

/* Store this run's timing records as the note of HEAD. */
static int
record_baseline(struct gate *g, struct hx_verdict *verdict)
{
	char commit[HX_GIT_OID_HEX], err[1024];

	if (verdict->status != HX_VERDICT_PASS) {
		hx_warn("--record-baseline: the gate failed; "
		    "no baseline recorded");
		return 0;
	}
	if (g->timing_len == 0) {
		hx_warn("--record-baseline: no sample, wcet or stage "
		    "records to record");
		return -1;
	}
	if (hx_baseline_record(g->timing_buf, commit, err, sizeof(err)) < 0) {
		hx_warn("%s", err);
		return -1;
	}
	verdict->baseline_recorded = hx_xstrdup(commit);
	if (!g->quiet)
		hx_warn("baseline recorded as the note of %s under %s", commit,
		    hx_baseline_ref());
	return 0;
}

/*
 * The time every bundle entry carries, so that the same run gives the
 * same bytes (see hx_git_source_date_epoch); read before any record.
 */
static void
read_bundle_time(struct gate *g)
{
	struct hx_git_head head;
	struct hx_git *git = hx_git_open(".");
	char err[512];
	bool have_head = git != NULL && hx_git_head(git, &head) == 0;

	if (git != NULL)
		hx_git_close(git);
	if (hx_git_source_date_epoch(have_head ? &head : NULL,
	    &g->bundle_time, err, sizeof(err)) < 0)
		hx_usage_error("%s", err);
}

/*
 * The proof bundle: the records, the policy, the gate record, the reports,
 * the baseline, the env record and a SHA256SUMS of them all.
 */
static int
write_bundle(struct gate *g, const char *gate_text, const char *junit,
    size_t junit_len, const char *summary)
{
	struct hx_bundle_entry e[7];
	char err[1024], *env_text, *text;
	struct hx_env env;
	size_t n = 0;
	int rc;

	hx_env_probe(&env);
	text = hx_json_to_string(env.record);
	env_text = hx_xasprintf("%s\n", text);
	free(text);
	hx_env_free(&env);
	e[n++] = (struct hx_bundle_entry){ "records.jsonl", g->stream_buf,
	    g->stream_len, NULL, 0 };
	e[n++] = (struct hx_bundle_entry){ "policy.json", g->policy.text,
	    g->policy.len, NULL, 0 };
	e[n++] = (struct hx_bundle_entry){ "gate.json", gate_text,
	    strlen(gate_text), NULL, 0 };
	e[n++] = (struct hx_bundle_entry){ "env.json", env_text,
	    strlen(env_text), NULL, 0 };
	e[n++] = (struct hx_bundle_entry){ "junit.xml", junit, junit_len,
	    NULL, 0 };
	e[n++] = (struct hx_bundle_entry){ "summary.md", summary,
	    strlen(summary), NULL, 0 };
	if (g->baseline.text != NULL)
		e[n++] = (struct hx_bundle_entry){ "baseline.jsonl",
		    g->baseline.text, g->baseline.len, NULL, 0 };
	rc = hx_archive_write_bundle_sums(g->bundle_path, e, n, g->bundle_time,
	    err, sizeof(err));
	if (rc < 0)
		hx_warn("--bundle: %s", err);
	free(env_text);
	return rc;
}

/*
 * Write the reports asked for, GATE_TEXT being the gate record's line for
 * the bundle; returns the exit status they call for.
 */
static int
write_reports(struct gate *g, const struct hx_verdict *verdict,
    const char *gate_text)
{
	char *summary = hx_report_markdown(verdict, g->policy.name);
	char *junit = NULL;
	size_t junit_len = 0;
	int status = HX_EXIT_OK;
	FILE *fp;

	if (g->junit_path != NULL || g->bundle_path != NULL) {
		fp = memstream(&junit, &junit_len);
		if (hx_report_junit(verdict, g->policy.name, fp) < 0)
			hx_err_errno(HX_EXIT_SYSTEM, "open_memstream");
		memstream_close(fp);
	}
	if (g->junit_path != NULL && hx_atomic_write(g->junit_path, junit,
	    junit_len, 0644) < 0) {
		hx_warn_errno("--junit: %s", g->junit_path);
		status = HX_EXIT_SYSTEM;
	}
	if (g->summary_path != NULL && hx_atomic_write(g->summary_path,
	    summary, strlen(summary), 0644) < 0) {
		hx_warn_errno("--summary: %s", g->summary_path);
		status = HX_EXIT_SYSTEM;
	}
	if (g->bundle_path != NULL && write_bundle(g, gate_text, junit,
	    junit_len, summary) < 0)
		status = HX_EXIT_SYSTEM;
	free(junit);
	free(summary);
	return status;
}

int
main(int argc, char **argv)
{
	enum { OPT_TARGET = 256, OPT_RECORD, OPT_JUNIT, OPT_SUMMARY,
	    OPT_BUNDLE, OPT_BOOTSTRAP, OPT_STDIN_NAME };
	static const struct option longopts[] = {
		{ "baseline", required_argument, NULL, 'b' },
		{ "bootstrap", no_argument, NULL, OPT_BOOTSTRAP },
		{ "bundle", required_argument, NULL, OPT_BUNDLE },
		{ "help", no_argument, NULL, 'h' },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "policy", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "record-baseline", no_argument, NULL, OPT_RECORD },
		{ "stdin-name", required_argument, NULL, OPT_STDIN_NAME },
		{ "summary", required_argument, NULL, OPT_SUMMARY },
		{ "target-branch", required_argument, NULL, OPT_TARGET },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct hx_rec_loop loop = { .warn = hx_err_warn };
	struct hx_err_info err;
	struct gate g = { 0 };
	struct hx_verdict verdict;
	json_t *gate_record;
	char *text, *gate_text = NULL;
	int c, status;

	hx_rec_init(argv[0]);
	while ((c = getopt_long(argc, argv, "b:hkp:qV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b':
			g.baseline_spec = optarg;
			break;
		case 'h':
			usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'k':
			loop.keep_going = true;
			break;
		case 'p':
			g.policy_path = optarg;
			break;
		case 'q':
			g.quiet = true;
			break;
		case 'V':
			printf("hx-gate %s\n", PACKAGE_VERSION);
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case OPT_BOOTSTRAP:
			g.bootstrap = true;
			break;
		case OPT_BUNDLE:
			g.bundle_path = optarg;
			break;
		case OPT_JUNIT:
			g.junit_path = optarg;
			break;
		case OPT_RECORD:
			g.record_baseline = true;
			break;
		case OPT_STDIN_NAME:
			g.stdin_name = optarg;
			break;
		case OPT_SUMMARY:
			g.summary_path = optarg;
			break;
		case OPT_TARGET:
			g.target_branch = optarg;
			break;
		default:
			hx_usage_error("bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (g.policy_path == NULL)
		hx_usage_error("no policy given (-p POLICY)");
	if (g.bootstrap && !g.record_baseline)
		hx_usage_error("--bootstrap is for --record-baseline");

	if (g.bundle_path != NULL)
		read_bundle_time(&g);
	load_policy(&g);
	hx_judge_init(&g.judge, &g.policy);
	load_baseline(&g);
	check_bootstrap(&g);
	if (g.bundle_path != NULL)
		g.stream = memstream(&g.stream_buf, &g.stream_len);
	if (g.record_baseline)
		g.timing = memstream(&g.timing_buf, &g.timing_len);
	loop.consume_all = true;
	loop.fn = on_record;
	loop.arg = &g;
	hx_rec_loop_run(&loop, argc, argv);
	if (hx_rec_finish(&loop, &err) < 0)
		hx_err_exit(&err);
	g.judge.bad_lines = loop.bad_lines;

	hx_judge_verdict(&g.judge, &verdict);
	status = verdict.status == HX_VERDICT_PASS ? HX_EXIT_OK :
	    HX_EXIT_VERDICT;
	memstream_close(g.timing);
	if (g.record_baseline && record_baseline(&g, &verdict) < 0)
		status = HX_EXIT_SYSTEM;
	gate_record = hx_verdict_record(&verdict);
	hx_rec_emit(gate_record);
	if (hx_rec_finish(NULL, &err) < 0)
		hx_err_exit(&err);
	if (g.stream != NULL) {
		text = hx_json_to_string(gate_record);
		gate_text = hx_xasprintf("%s\n", text);
		free(text);
		fputs(gate_text, g.stream);
		memstream_close(g.stream);
	}
	json_decref(gate_record);
	if (!g.quiet)
		hx_report_stderr(&verdict);
	c = write_reports(&g, &verdict, gate_text);
	if (c != HX_EXIT_OK)
		status = c;
	hx_verdict_free(&verdict);
	free(gate_text);
	hx_judge_free(&g.judge);
	hx_baseline_free(&g.baseline);
	hx_policy_free(&g.policy);
	free(g.stream_buf);
	free(g.timing_buf);
	return status;
}
