/*
 * plan.c: hx-sched plan, job records in, placement records out, and
 * the plan run here or handed to Kubernetes or GitLab.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_clock.h"
#include "hx_progress.h"
#include "rec/hx_quarantine.h"
#include "rec/hx_rec.h"
#include "sched/hx_objects.h"
#include "sched/hx_reservation.h"
#include "sched/hx_selector.h"
#include "sched/hx_slurm.h"
#include "sched.h"

/* What the record callback fills. */
struct reading {
	struct hx_inventory *inv;
	struct sched_input *in;
	json_t *names;		/* job names seen, as an object */
	json_t *groups;		/* group: its first job and placement */
};

/* Keep JSON for as long as IN lives. */
static void
keep(struct sched_input *in, json_t *json)
{
	in->keep = hx_xgrow(in->keep, in->nkeep, sizeof(*in->keep));
	in->keep[in->nkeep++] = json_incref(json);
}

/* A job's selector must parse; returns 0, or -1 with *MESSAGE. */
static int
check_selector(const struct hx_job *job, char **message)
{
	struct hx_selector s;
	char *m;
	size_t i;

	for (i = 0; job->selector != NULL && job->selector[i] != NULL; i++) {
		if (hx_selector_parse(job->selector[i], &s, &m) < 0) {
			*message = hx_xasprintf("job %s selector[%zu]: %s",
			    job->name, i, m);
			free(m);
			return -1;
		}
		hx_selector_clear(&s);
	}
	return 0;
}

/*
 * The members of a group must agree on its placement; returns 0, or -1
 * with *MESSAGE naming JSON's job and the first member, from GROUPS.
 */
static int
check_group(json_t *groups, const json_t *json, const struct hx_job *job,
    char **message)
{
	const char *how = json_string_value(json_object_get(json,
	    "placement")), *first;
	json_t *g;

	if (job->group == NULL)
		return 0;
	if (how == NULL)
		how = "any";
	if ((g = json_object_get(groups, job->group)) == NULL) {
		json_object_set_new(groups, job->group, json_pack("{s:s,s:s}",
		    "job", job->name, "placement", how));
		return 0;
	}
	first = json_string_value(json_object_get(g, "placement"));
	if (strcmp(first, how) == 0)
		return 0;
	*message = hx_xasprintf("job %s placement is %s, but job %s of group "
	    "%s is %s", job->name, how, json_string_value(json_object_get(g,
	    "job")), job->group, first);
	return -1;
}

/* One job record. */
static void
on_job(struct reading *r, struct hx_record *rec, json_t *json)
{
	struct sched_input *in = r->in;
	struct hx_job job;
	char *m = NULL;

	if (hx_job_read(json, &job, &m) < 0 || check_selector(&job, &m) < 0 ||
	    check_group(r->groups, json, &job, &m) < 0) {
		if (m == NULL)
			m = hx_xstrdup("bad job");
		hx_rec_bad(rec, "%s", m);
		free(m);
		hx_job_clear(&job);
		return;
	}
	if (json_object_get(r->names, job.name) != NULL) {
		hx_rec_bad(rec, "job %s is there twice", job.name);
		hx_job_clear(&job);
		return;
	}
	json_object_set_new(r->names, job.name, json_true());
	keep(in, json);
	in->jobs = hx_xgrow(in->jobs, in->njobs, sizeof(*in->jobs));
	in->lines = hx_xgrow(in->lines, in->njobs, sizeof(*in->lines));
	in->jobs[in->njobs] = job;
	in->files = hx_xgrow(in->files, in->njobs, sizeof(*in->files));
	in->files[in->njobs] = hx_xstrdup(rec->file);
	in->lines[in->njobs++] = rec->line;
}

/*
 * The records of the stream: nodes join the inventory and pass on, jobs
 * are planned, planned placements are the previous plan, done and failed
 * ones the usage history, and pass on.
 */
static int
on_record(struct hx_record *rec, void *arg)
{
	struct reading *r = arg;
	struct hx_placement p;
	json_t *json;
	char *m;

	if ((json = hx_rec_json(rec)) == NULL)
		return 0;
	if (strcmp(rec->type, "job") == 0) {
		on_job(r, rec, json);
		return 0;
	}
	if (strcmp(rec->type, "node") == 0) {
		if (hx_inventory_add_record(r->inv, json, &m) < 0) {
			hx_rec_bad(rec, "%s", m);
			free(m);
			return 0;
		}
		return hx_rec_pass(rec) < 0 ? -1 : 0;
	}
	if (hx_placement_read(json, &p, &m) < 0) {
		hx_rec_bad(rec, "%s", m);
		free(m);
		return 0;
	}
	keep(r->in, json);
	r->in->history = hx_xgrow(r->in->history, r->in->nhistory,
	    sizeof(*r->in->history));
	r->in->history[r->in->nhistory++] = p;
	if (p.status != HX_PLACEMENT_PLANNED)
		return hx_rec_pass(rec) < 0 ? -1 : 0;
	return 0;
}

/* --share TEAM=WEIGHT, added to *TEAMS. */
static void
add_share(struct hx_plan_team **teams, size_t *n, char *arg)
{
	char *eq = strchr(arg, '='), *end;
	double w;

	if (eq == NULL || eq == arg)
		hx_usage_error("--share: expected TEAM=WEIGHT: %s", arg);
	*eq = '\0';
	w = strtod(eq + 1, &end);
	if (end == eq + 1 || *end != '\0' || !(w > 0) || w > 1e9)
		hx_usage_error("--share: not a positive weight: %s", eq + 1);
	*teams = hx_xgrow(*teams, *n, sizeof(**teams));
	(*teams)[*n].name = arg;
	(*teams)[(*n)++].weight = w;
}

/* Read the reservation file PATH into *RES; exits 3 when it is bad. */
static void
read_reservations(const char *path, struct hx_reservation_list *res)
{
	size_t len;
	char *text, *m;

	if ((text = hx_json_read_text(path, &len)) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	if (hx_reservation_parse(text, len, res, &m) < 0)
		hx_err(HX_EXIT_INPUT, "%s:%s", path, m);
	free(text);
}

/* Write the plan's placement and error records; 1 when a job is refused. */
static int
write_plan(const struct hx_plan *plan, const struct sched_input *in)
{
	const struct hx_plan_result *res;
	size_t n, i;
	int status = HX_EXIT_OK;

	res = hx_plan_results(plan, &n);
	for (i = 0; i < n; i++)
		if (res[i].placed)
			sched_emit(hx_placement_to_json(&res[i].placement));
		else {
			sched_error_record(in->files[res[i].job],
			    in->lines[res[i].job],
			    res[i].error);
			status = HX_EXIT_VERDICT;
		}
	return status;
}

/*
 * The output directory of --emit slurm, DIR/output made absolute, must
 * suit Slurm's options: a usage error before anything is read or written.
 */
static void
check_slurm_dir(const char *dir)
{
	char *cwd = NULL, *path;

	if (*dir != '/' && (cwd = getcwd(NULL, 0)) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "getcwd");
	path = hx_xasprintf("%s%s%s/output", cwd != NULL ? cwd : "",
	    cwd != NULL ? "/" : "", dir);
	if (!hx_slurm_path_ok(path))
		hx_usage_error("--emit slurm %s: Slurm cannot take a newline "
		    "or a backslash in %s", dir, path);
	free(path);
	free(cwd);
}

/*
 * --partition PRIORITY=NAME or --qos PRIORITY=NAME: jobs of at least
 * PRIORITY go to that Slurm partition or QOS.
 */
static void
add_class(struct sched_slurm *s, bool qos, const char *arg)
{
	const char *eq = strchr(arg, '='), *digits = arg + (*arg == '-');
	struct hx_slurm_class *c;
	char *end = NULL;
	long long min = 0;

	errno = 0;
	if (eq != NULL && isdigit((unsigned char)*digits))
		min = strtoll(arg, &end, 10);
	if (eq == NULL || end != eq || errno != 0 || eq[1] == '\0')
		hx_usage_error("--%s %s: expected PRIORITY=NAME",
		    qos ? "qos" : "partition", arg);
	s->classes = hx_xrealloc(s->classes, (s->nclasses + 1) *
	    sizeof(*s->classes));
	c = &s->classes[s->nclasses++];
	c->min_priority = min;
	c->partition = qos ? NULL : eq + 1;
	c->qos = qos ? eq + 1 : NULL;
}

static void
free_input(struct sched_input *in)
{
	size_t i;

	for (i = 0; i < in->njobs; i++)
		hx_job_clear(&in->jobs[i]);
	free(in->jobs);
	free(in->lines);
	for (i = 0; i < in->njobs; i++)
		free(in->files[i]);
	free(in->files);
	free(in->history);
	for (i = 0; i < in->nkeep; i++)
		json_decref(in->keep[i]);
	free(in->keep);
}

int
sched_plan(int argc, char **argv)
{
	enum { OPT_INVENTORY = 256, OPT_RESERVATIONS, OPT_NOW, OPT_HALF_LIFE,
	    OPT_SHARE, OPT_QUARANTINE, OPT_EXEC, OPT_EMIT, OPT_KUEUE,
	    OPT_IMAGE, OPT_STATE, OPT_PARTITION, OPT_QOS, OPT_SUBMIT };
	static const struct option longopts[] = {
		{ "emit", required_argument, NULL, OPT_EMIT },
		{ "exec", required_argument, NULL, OPT_EXEC },
		{ "half-life", required_argument, NULL, OPT_HALF_LIFE },
		{ "help", no_argument, NULL, 'h' },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "inventory", required_argument, NULL, OPT_INVENTORY },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "kueue", required_argument, NULL, OPT_KUEUE },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "qos", required_argument, NULL, OPT_QOS },
		{ "quarantine", required_argument, NULL, OPT_QUARANTINE },
		{ "reservations", required_argument, NULL, OPT_RESERVATIONS },
		{ "share", required_argument, NULL, OPT_SHARE },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "submit", no_argument, NULL, OPT_SUBMIT },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const consume[] = { "node", "job", "placement",
	    NULL };
	struct sched_source src = { .proc = "/proc" };
	struct hx_plan_options opt = { .now_ns = -1 };
	struct hx_reservation_list res = { 0 };
	struct hx_plan_team *teams = NULL;
	struct hx_rec_loop loop = { .warn = hx_err_warn };
	struct hx_err_info err;
	struct sched_input in = { 0 };
	struct hx_quarantine *quarantine = NULL;
	struct sched_slurm slurm = { 0 };
	const char *emit = NULL, *dest = NULL, *exec = NULL, *queue = NULL;
	const char *image = "debian:12", *reservations = NULL, *state = NULL;
	struct hx_inventory inv;
	struct reading r;
	struct hx_plan *plan;
	struct hx_progress *progress = NULL;
	bool verbose = false;
	int c, status;

	while ((c = getopt_long(argc, argv, "hkv", longopts, NULL)) != -1)
		switch (c) {
		case 'h':
			sched_usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'k':
			loop.keep_going = true;
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_EMIT:
			emit = optarg;
			if (optind >= argc)
				hx_usage_error("--emit %s: expected where to",
				    emit);
			dest = argv[optind++];
			break;
		case OPT_EXEC:
			exec = optarg;
			break;
		case OPT_HALF_LIFE:
			opt.half_life_ns = sched_duration_arg("--half-life",
			    optarg);
			break;
		case OPT_IMAGE:
			image = optarg;
			break;
		case OPT_INVENTORY:
			src.inventory = optarg;
			break;
		case OPT_KUEUE:
			queue = optarg;
			break;
		case OPT_NOW:
			opt.now_ns = sched_time_arg("--now", optarg);
			break;
		case OPT_PARTITION:
		case OPT_QOS:
			add_class(&slurm, c == OPT_QOS, optarg);
			break;
		case OPT_SUBMIT:
			slurm.submit = true;
			break;
		case OPT_QUARANTINE:
			if (quarantine == NULL)
				quarantine = hx_quarantine_new();
			if (hx_quarantine_add_file(quarantine, optarg,
			    &err) < 0)
				hx_err_exit(&err);
			break;
		case OPT_RESERVATIONS:
			reservations = optarg;
			break;
		case OPT_SHARE:
			add_share(&teams, &opt.nteams, optarg);
			break;
		case OPT_STATE:
			state = optarg;
			break;
		default:
			hx_usage_error("bad option");
		}
	argc -= optind;
	argv += optind;
	if (exec != NULL && strcmp(exec, "local") != 0)
		hx_usage_error("--exec: only local runs jobs here; Slurm and "
		    "Kubernetes take --emit");
	if (emit != NULL && strcmp(emit, "k8s") != 0 &&
	    strcmp(emit, "gitlab") != 0 && strcmp(emit, "slurm") != 0)
		hx_usage_error("--emit: not k8s, gitlab or slurm: %s", emit);
	if ((slurm.submit || slurm.nclasses > 0) &&
	    (emit == NULL || strcmp(emit, "slurm") != 0))
		hx_usage_error("--submit, --partition and --qos are for "
		    "--emit slurm");
	if (emit != NULL && exec != NULL)
		hx_usage_error("--exec and --emit exclude each other");
	if (queue != NULL && (emit == NULL || strcmp(emit, "k8s") != 0))
		hx_usage_error("--kueue is for --emit k8s");
	if (emit != NULL && strcmp(emit, "slurm") == 0)
		check_slurm_dir(dest);
	if (opt.now_ns < 0)
		opt.now_ns = hx_clock_real_ns();
	opt.teams = teams;
	opt.quarantine = quarantine;
	if (reservations != NULL)
		read_reservations(reservations, &res);

	hx_inventory_init(&inv);
	r.inv = &inv;
	r.in = &in;
	r.names = json_object();
	r.groups = json_object();
	loop.consume = consume;
	loop.fn = on_record;
	loop.arg = &r;
	sched_read_stream(&loop, argc, argv, &inv, &src);
	json_decref(r.names);
	json_decref(r.groups);

	plan = hx_plan_run(&inv, &res, in.jobs, in.njobs, in.history,
	    in.nhistory, &opt);
	status = write_plan(plan, &in);
	if (exec != NULL || slurm.submit)
		progress = hx_progress_new("hx-sched", STDERR_FILENO, verbose);
	slurm.progress = progress;
	if (exec != NULL) {
		sched_flush();
		if (sched_exec_local(plan, &in, state, progress) != HX_EXIT_OK)
			status = HX_EXIT_VERDICT;
	} else if (emit != NULL && strcmp(emit, "k8s") == 0)
		sched_emit_k8s(plan, &in, &inv, dest, queue, image);
	else if (emit != NULL && strcmp(emit, "slurm") == 0) {
		sched_flush();
		if (sched_emit_slurm(plan, &in, &inv, &res, dest, &slurm) !=
		    HX_EXIT_OK)
			status = HX_EXIT_VERDICT;
	} else if (emit != NULL)
		sched_emit_gitlab(plan, &in, dest);
	hx_progress_free(progress);
	sched_flush();
	hx_plan_free(plan);
	hx_reservation_list_clear(&res);
	hx_quarantine_free(quarantine);
	hx_inventory_clear(&inv);
	free_input(&in);
	free(teams);
	free(slurm.classes);
	return status;
}
