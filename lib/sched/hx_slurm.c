/*
 * hx_slurm: the Slurm backend of hx-sched.
 *
 * A batch is one job, or the jobs of one pair or gang as a heterogeneous
 * job.  The selector's terms that Slurm can check become --constraint
 * features (label key=value is feature "key=value", key=true is feature
 * "key", arch=X is feature "X"); when a term has no Slurm form (!=,
 * notin, version comparisons, a bare key) the batch is pinned to the
 * planned node with --nodelist, as every member of a group is, so that
 * pairs land as the planner split or colocated them.  Names and
 * features are checked to be plain words, as Slurm wants them; the paths
 * of the output files are escaped for sbatch's reading of #SBATCH lines
 * and the command is quoted word by word for sh.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hx_atomic.h"
#include "hx_err.h"
#include "hx_file.h"
#include "hx_json.h"
#include "hx_spawn.h"
#include "hx_strv.h"
#include "sched/hx_slurm.h"

/* The most output of a Slurm command read: squeue of many jobs fits. */
#define SLURM_OUTPUT_MAX	(1 << 20)

/* What one selector term asks of Slurm. */
struct slurm_term {
	char *feature;		/* a constraint, or NULL */
	bool pin;		/* Slurm cannot check it: pin the node */
	const char *gpu_model;	/* borrowed: the gres type it names */
};

/* Whether S can be a Slurm feature, constraint operand or option value. */
static bool
slurm_token_ok(const char *s, const char *extra)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("_.-+", *s) == NULL &&
		    strchr(extra, *s) == NULL)
			return false;
	return true;
}

bool
hx_slurm_path_ok(const char *path)
{
	return strpbrk(path, "\n\\") == NULL;
}

/*
 * Write "#SBATCH --OPTION=PATH" for a file Slurm opens.  sbatch splits
 * the line into words at blanks outside quotes, taking a backslash as
 * an escape everywhere, so PATH goes in double quotes with each " as
 * \"; Slurm expands % in file names, so each % is written %%.
 */
static void
slurm_path_option(FILE *f, const char *option, const char *path)
{
	fprintf(f, "#SBATCH --%s=\"", option);
	for (; *path != '\0'; path++) {
		if (*path == '%')
			fputc('%', f);
		else if (*path == '"')
			fputc('\\', f);
		fputc(*path, f);
	}
	fputs("\"\n", f);
}

/* The feature that label KEY=VALUE stands for, or NULL when none can. */
static char *
slurm_feature(const char *key, const char *value)
{
	char *f;

	if (strcmp(key, "arch") == 0)
		f = hx_xstrdup(value);
	else if (strcmp(value, "true") == 0)
		f = hx_xstrdup(key);
	else
		f = hx_xasprintf("%s=%s", key, value);
	if (!slurm_token_ok(f, "=:")) {
		free(f);
		return NULL;
	}
	return f;
}

/* Copy the N bytes at S without the blanks around them. */
static char *
slurm_trim(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return hx_xasprintf("%.*s", (int)n, s);
}

/* Whether a node of INV has label KEY=VALUE (or arch VALUE). */
static bool
slurm_known(const struct hx_inventory *inv, const char *key,
    const char *value)
{
	const char *v;
	size_t i;

	for (i = 0; i < inv->n; i++) {
		v = strcmp(key, "arch") == 0 ? inv->nodes[i].arch :
		    hx_node_label(&inv->nodes[i], key);
		if (v != NULL && strcmp(v, value) == 0)
			return true;
	}
	return false;
}

/*
 * The "key in (a,b)" term KEY, LIST as (key=a|key=b), or NULL.  Values
 * no node of INV has are left out: Slurm refuses features it does not
 * know, and they cannot match.
 */
static char *
slurm_in_list(const struct hx_inventory *inv, const char *key,
    const char *list)
{
	const char *open = strchr(list, '('), *close = strrchr(list, ')');
	char *out, *items, *item, *save, *f, *next;

	if (open == NULL || close == NULL || close < open)
		return NULL;
	items = slurm_trim(open + 1, (size_t)(close - open - 1));
	out = NULL;
	for (item = strtok_r(items, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		char *v = slurm_trim(item, strlen(item));

		if (!slurm_known(inv, key, v)) {
			free(v);
			continue;
		}
		f = slurm_feature(key, v);
		free(v);
		if (f == NULL) {
			free(out);
			free(items);
			return NULL;
		}
		next = hx_xasprintf("%s%s%s", out == NULL ? "(" : out,
		    out == NULL ? "" : "|", f);
		free(out);
		free(f);
		out = next;
	}
	free(items);
	if (out == NULL)
		return NULL;
	next = hx_xasprintf("%s)", out);
	free(out);
	return next;
}

/* Translate the selector term S of job J into *T. */
static void
slurm_term(const struct hx_slurm_config *c, const struct hx_job *j,
    const char *s, struct slurm_term *t)
{
	const char *in = strstr(s, " in ");
	const char *eq = strchr(s, '=');
	char *key;

	memset(t, 0, sizeof(*t));
	t->pin = true;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '!' || strstr(s, " notin ") != NULL || strstr(s, "!=") ||
	    strpbrk(s, "<>") != NULL)
		return;
	if (in != NULL) {
		key = slurm_trim(s, (size_t)(in - s));
		if (strcmp(key, "gpu_model") != 0 && strcmp(key, "name") != 0)
			t->feature = slurm_in_list(c->inventory, key, in + 4);
	} else if (eq != NULL) {
		key = slurm_trim(s, (size_t)(eq - s));
		if (strcmp(key, "gpu_model") == 0 &&
		    j->resources.gpus > 0 && slurm_token_ok(eq + 1, "")) {
			t->gpu_model = eq + 1;
			t->pin = false;
		} else if (strcmp(key, "gpu_model") != 0 &&
		    strcmp(key, "name") != 0) {
			char *v = slurm_trim(eq + 1, strlen(eq + 1));

			t->feature = slurm_feature(key, v);
			free(v);
		}
	} else
		return;
	free(key);
	if (t->feature != NULL)
		t->pin = false;
}

/*
 * The partition (or with QOS, the QOS) of PRIORITY: that of the class
 * with the highest minimum it reaches, or NULL.
 */
static const char *
slurm_class(const struct hx_slurm_config *c, int64_t priority, bool qos)
{
	const struct hx_slurm_class *best = NULL;
	size_t i;

	for (i = 0; i < c->nclasses; i++)
		if ((qos ? c->classes[i].qos : c->classes[i].partition) !=
		    NULL && priority >= c->classes[i].min_priority &&
		    (best == NULL ||
		    c->classes[i].min_priority > best->min_priority))
			best = &c->classes[i];
	if (best == NULL)
		return NULL;
	return qos ? best->qos : best->partition;
}

char *
hx_slurm_output_path(const struct hx_slurm_config *config,
    const struct hx_job *job, const char *stream)
{
	return hx_xasprintf("%s/%s.%s", config->output_dir, job->name, stream);
}

/* The file name of a batch's script: its group or job name + ".sbatch". */
static char *
slurm_script_name(const struct hx_slurm_member *members)
{
	const struct hx_job *j = members[0].job;

	return hx_xasprintf("%s.sbatch", j->group != NULL ? j->group :
	    j->name);
}

/* Check that S, the FIELD of job NAME, can go on an #SBATCH line. */
static int
slurm_check(const char *name, const char *field, const char *s,
    struct hx_err_info *err)
{
	if (s == NULL || slurm_token_ok(s, ""))
		return 0;
	return hx_err_set(err, HX_EXIT_INPUT,
	    "job %s: %s \"%s\" cannot go to slurm (letters, digits and _.-+ "
	    "only)", name, field, s);
}

/*
 * The --constraint of job J (an and of the features its arch and
 * selector name), or NULL when none; sets *MODEL to the GPU model a term
 * names and *PIN when a term has no Slurm form.
 */
static char *
slurm_constraint(const struct hx_slurm_config *c, const struct hx_job *j,
    const char **model, bool *pin)
{
	char *out = NULL, *next;
	size_t i;

	if (j->arch != NULL && slurm_token_ok(j->arch, ""))
		out = hx_xstrdup(j->arch);
	else if (j->arch != NULL)
		*pin = true;
	for (i = 0; j->selector != NULL && j->selector[i] != NULL; i++) {
		struct slurm_term t;

		slurm_term(c, j, j->selector[i], &t);
		if (t.gpu_model != NULL)
			*model = t.gpu_model;
		if (t.feature != NULL) {
			next = hx_xasprintf("%s%s%s", out != NULL ? out : "",
			    out != NULL ? "&" : "", t.feature);
			free(out);
			out = next;
		}
		*pin = *pin || t.pin;
		free(t.feature);
	}
	return out;
}

/*
 * Write the #SBATCH options of member M to F; those of a member of a
 * GROUP are pinned to its node, and the group's script has its own
 * output.
 */
static int
slurm_options(FILE *f, const struct hx_slurm_config *c,
    const struct hx_slurm_member *m, bool group, struct hx_err_info *err)
{
	const struct hx_job *j = m->job;
	const char *partition = slurm_class(c, j->priority, false);
	const char *qos = slurm_class(c, j->priority, true);
	const char *model = NULL;
	char *path, *constraint;
	bool pin = group;

	if (slurm_check(j->name, "name", j->name, err) == -1 ||
	    slurm_check(j->name, "team", j->team, err) == -1 ||
	    slurm_check(j->name, "node", m->placement->node, err) == -1 ||
	    slurm_check(j->name, "reservation", m->reservation, err) == -1 ||
	    slurm_check(j->name, "partition", partition, err) == -1 ||
	    slurm_check(j->name, "qos", qos, err) == -1 ||
	    (j->group != NULL &&
	    slurm_check(j->name, "group", j->group, err) == -1))
		return -1;
	constraint = slurm_constraint(c, j, &model, &pin);
	if (constraint != NULL)
		fprintf(f, "#SBATCH --constraint=%s\n", constraint);
	free(constraint);
	if (pin)
		fprintf(f, "#SBATCH --nodelist=%s\n", m->placement->node);
	fprintf(f, "#SBATCH --cpus-per-task=%" PRId64 "\n",
	    j->resources.cpus);
	if (j->resources.memory_bytes > 0)
		fprintf(f, "#SBATCH --mem=%" PRId64 "M\n",
		    (j->resources.memory_bytes + (1 << 20) - 1) >> 20);
	if (j->resources.gpus > 0)
		fprintf(f, "#SBATCH --gres=gpu:%s%s%" PRId64 "\n",
		    model != NULL ? model : "", model != NULL ? ":" : "",
		    j->resources.gpus);
	if (j->team != NULL)
		fprintf(f, "#SBATCH --account=%s\n", j->team);
	if (partition != NULL)
		fprintf(f, "#SBATCH --partition=%s\n", partition);
	if (qos != NULL)
		fprintf(f, "#SBATCH --qos=%s\n", qos);
	if (m->reservation != NULL)
		fprintf(f, "#SBATCH --reservation=%s\n", m->reservation);
	if (j->duration_ns > 0) {
		int64_t s = (j->duration_ns + 999999999) / 1000000000;

		fprintf(f, "#SBATCH --time=%" PRId64 "-%02d:%02d:%02d\n",
		    s / 86400, (int)(s / 3600 % 24), (int)(s / 60 % 60),
		    (int)(s % 60));
	}
	if (j->deadline_ns >= 0) {
		time_t t = (time_t)(j->deadline_ns / 1000000000);
		struct tm tm;
		char buf[32];

		localtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(f, "#SBATCH --deadline=%s\n", buf);
	}
	if (!group) {
		path = hx_slurm_output_path(c, j, "out");
		slurm_path_option(f, "output", path);
		free(path);
		path = hx_slurm_output_path(c, j, "err");
		slurm_path_option(f, "error", path);
		free(path);
	}
	return 0;
}

/*
 * Write the argv of J, quoted, after a space each; a riscv64 job's is the
 * argument list of the configured hx-emu, as with --exec local.
 */
static void
slurm_argv(FILE *f, const struct hx_slurm_config *c, const struct hx_job *j)
{
	size_t i;

	if (c->emu != NULL && j->arch != NULL &&
	    strcmp(j->arch, "riscv64") == 0) {
		fputc(' ', f);
		hx_strv_sh_quote(f, c->emu);
	}
	for (i = 0; j->argv[i] != NULL; i++) {
		fputc(' ', f);
		hx_strv_sh_quote(f, j->argv[i]);
	}
}

/* Write " >'OUT' 2>'ERR'", where job J's output goes. */
static void
slurm_redirect(FILE *f, const struct hx_slurm_config *c,
    const struct hx_job *j)
{
	char *path;

	fputs(" >", f);
	path = hx_slurm_output_path(c, j, "out");
	hx_strv_sh_quote(f, path);
	free(path);
	fputs(" 2>", f);
	path = hx_slurm_output_path(c, j, "err");
	hx_strv_sh_quote(f, path);
	free(path);
}

/* Whether J serves its group: it runs until the others have ended. */
static bool
slurm_service(const struct hx_job *j)
{
	return j->role != NULL && strcmp(j->role, "service") == 0;
}

/*
 * The body of a group's script: every member in the background (through
 * srun --het-group=I in a heterogeneous job, directly on the one node of
 * a colocated one), each but the services writing its exit status to
 * NAME.status; once those have ended, the services are stopped, and the
 * script fails when a member did.
 */
static void
slurm_group_body(FILE *f, const struct hx_slurm_config *c,
    const struct hx_slurm_member *members, size_t n, bool het)
{
	const struct hx_job *j;
	char *path;
	size_t i;

	fputs("pids=\nservices=\n", f);
	for (i = 0; i < n; i++) {
		j = members[i].job;
		if (!slurm_service(j))
			fputs("(", f);
		if (het)
			fprintf(f, "srun --het-group=%zu", i);
		slurm_argv(f, c, j);
		if (slurm_service(j)) {
			slurm_redirect(f, c, j);
			fputs(" &\nservices=\"$services $!\"\n", f);
			continue;
		}
		path = hx_slurm_output_path(c, j, "status");
		fputs("; echo $? >", f);
		hx_strv_sh_quote(f, path);
		free(path);
		fputs(")", f);
		slurm_redirect(f, c, j);
		fputs(" &\npids=\"$pids $!\"\n", f);
	}
	fputs("for p in $pids; do wait \"$p\"; done\n"
	    "for p in $services; do kill \"$p\" 2>/dev/null; done\n"
	    "wait\n"
	    "status=0\n", f);
	for (i = 0; i < n; i++) {
		if (slurm_service(members[i].job))
			continue;
		fputs("read s <", f);
		path = hx_slurm_output_path(c, members[i].job, "status");
		hx_strv_sh_quote(f, path);
		free(path);
		fputs(" && [ \"$s\" = 0 ] || status=1\n", f);
	}
	fputs("exit $status\n", f);
}

/*
 * The one job a colocated group runs as in *OUT (its selector, to free,
 * in *SELECTOR): the group's name, every member's selector and arch, the
 * sum of their resources, the first team, the highest priority, the
 * longest duration and the earliest deadline.
 */
static void
slurm_merge(const struct hx_slurm_member *members, size_t n,
    struct hx_job *out, const char ***selector)
{
	const struct hx_job *j;
	size_t i, k, ns = 0;

	*out = *members[0].job;
	out->name = out->group;
	for (i = 0; i < n; i++)
		for (k = 0; members[i].job->selector != NULL &&
		    members[i].job->selector[k] != NULL; k++)
			ns++;
	*selector = hx_xcalloc(ns + 1, sizeof(**selector));
	out->selector = *selector;
	ns = 0;
	memset(&out->resources, 0, sizeof(out->resources));
	for (i = 0; i < n; i++) {
		j = members[i].job;
		for (k = 0; j->selector != NULL && j->selector[k] != NULL; k++)
			(*selector)[ns++] = j->selector[k];
		if (out->arch == NULL)
			out->arch = j->arch;
		out->resources.cpus += j->resources.cpus;
		out->resources.memory_bytes += j->resources.memory_bytes;
		out->resources.gpus += j->resources.gpus;
		if (j->priority > out->priority)
			out->priority = j->priority;
		if (j->duration_ns > out->duration_ns)
			out->duration_ns = j->duration_ns;
		if (j->deadline_ns >= 0 && (out->deadline_ns < 0 ||
		    j->deadline_ns < out->deadline_ns))
			out->deadline_ns = j->deadline_ns;
	}
}

/* Whether the N members of a batch run as one job on one node. */
static bool
slurm_colocated(const struct hx_slurm_member *members, size_t n)
{
	return n > 1 && members[0].job->placement == HX_JOB_COLOCATED;
}

/*
 * The sbatch script of the N members of one batch in *OUT (a new
 * string): a single job, or a heterogeneous job with one component per
 * member of a pair or gang.  Returns 0, or -1 with ERR (HX_EXIT_INPUT)
 * naming what Slurm cannot be given, as a space in a team name.
 */
static int
slurm_script(const struct hx_slurm_config *config,
    const struct hx_slurm_member *members, size_t n, char **out,
    struct hx_err_info *err)
{
	const struct hx_job *first = members[0].job;
	char *buf = NULL, *path;
	size_t len = 0, i;
	FILE *f;

	if (!hx_slurm_path_ok(config->output_dir))
		return hx_err_set(err, HX_EXIT_INPUT, "output directory %s "
		    "cannot go to slurm (no newline or backslash)",
		    config->output_dir);
	if ((f = open_memstream(&buf, &len)) == NULL)
		hx_err_out_of_memory();
	fputs("#!/bin/sh\n", f);
	fprintf(f, "# hx-sched: %s %s\n", n > 1 ? "group" : "job",
	    n > 1 ? first->group : first->name);
	fprintf(f, "#SBATCH --job-name=%s\n",
	    n > 1 ? first->group : first->name);
	if (n > 1) {
		path = hx_xasprintf("%s/%s.batch.out", config->output_dir,
		    first->group);
		slurm_path_option(f, "output", path);
		free(path);
	}
	if (slurm_colocated(members, n)) {
		struct hx_slurm_member merged = members[0];
		const char **selector;
		struct hx_job job;
		int rc;

		slurm_merge(members, n, &job, &selector);
		merged.job = &job;
		rc = slurm_options(f, config, &merged, true, err);
		free(selector);
		if (rc == -1)
			goto fail;
	}
	for (i = 0; n > 1 && !slurm_colocated(members, n) && i < n; i++) {
		if (i > 0)
			fputs("#SBATCH hetjob\n", f);
		if (slurm_options(f, config, &members[i], true, err) == -1)
			goto fail;
	}
	if (n > 1)
		slurm_group_body(f, config, members, n,
		    !slurm_colocated(members, n));
	else if (slurm_options(f, config, &members[0], false, err) == -1)
		goto fail;
	else {
		fputs("exec", f);
		slurm_argv(f, config, first);
		fputc('\n', f);
	}
	if (fclose(f) != 0)
		hx_err_out_of_memory();
	*out = buf;
	return 0;
fail:
	fclose(f);
	free(buf);
	return -1;
}

/*
 * Run the Slurm command ARGV, its output captured up to SLURM_OUTPUT_MAX
 * bytes, into *R.  WHAT names it in messages, as "sbatch
 * job.sh".  Returns 0 when it ran and exited 0 with all its output, or -1
 * with ERR (HX_EXIT_SYSTEM) saying why, with the first line of what it
 * wrote on standard error; *R needs freeing only after a 0.
 */
static int
slurm_command(char **argv, const char *what, struct hx_spawn_result *r,
    struct hx_err_info *err)
{
	struct hx_spawn spec = { .argv = argv, .capture = true,
		.tail_max = SLURM_OUTPUT_MAX };
	int e;

	if ((e = hx_spawn_run(&spec, r)) != 0) {
		errno = e;
		return hx_err_set_errno(err, HX_EXIT_SYSTEM, "cannot run %s",
		    argv[0]);
	}
	if (r->exited && r->status == 0 && r->out_truncated)
		hx_err_set(err, HX_EXIT_SYSTEM, "%s wrote more than %d bytes",
		    what, SLURM_OUTPUT_MAX);
	else if (!r->exited || r->status != 0)
		hx_err_set(err, HX_EXIT_SYSTEM, "%s failed: %.*s", what,
		    (int)strcspn(r->err, "\n"), r->err);
	else
		return 0;
	hx_spawn_result_free(r);
	return -1;
}

/*
 * Submit the script at PATH with sbatch --parsable; *JOB_ID gets the new
 * job's id (a new string).  Returns 0, or -1 with ERR (HX_EXIT_SYSTEM)
 * holding sbatch's message.
 */
static int
slurm_submit(const char *path, char **job_id, struct hx_err_info *err)
{
	char *argv[] = { "sbatch", "--parsable", (char *)path, NULL };
	struct hx_spawn_result r;
	char *what;
	size_t n;
	int rc;

	what = hx_xasprintf("sbatch %s", path);
	rc = slurm_command(argv, what, &r, err);
	free(what);
	if (rc == -1)
		return -1;
	n = strspn(r.out, "0123456789");
	if (n == 0) {
		hx_err_set(err, HX_EXIT_SYSTEM, "sbatch %s gave no job id",
		    path);
		hx_spawn_result_free(&r);
		return -1;
	}
	*job_id = hx_xasprintf("%.*s", (int)n, r.out);
	hx_spawn_result_free(&r);
	return 0;
}

/* Free what O holds and empty it. */
static void
slurm_outcome_clear(struct hx_slurm_outcome *o)
{
	free(o->state);
	free(o->node);
	memset(o, 0, sizeof(*o));
}

/* Whether a JobState is final. */
static bool
slurm_final(const char *state)
{
	static const char *const final[] = { "COMPLETED", "FAILED",
		"CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
		"BOOT_FAIL", "DEADLINE", "PREEMPTED", NULL };
	size_t i;

	for (i = 0; final[i] != NULL; i++)
		if (strcmp(state, final[i]) == 0)
			return true;
	return false;
}

/* The local time scontrol writes (2026-12-01T23:28:31) in ns, or 0. */
static int64_t
slurm_time(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL || (*end != '\0' && *end != ' '))
		return 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000000000;
}

/* Fill O from one line of scontrol -o show job; return its component. */
static size_t
slurm_parse_line(char *line, struct hx_slurm_outcome *o)
{
	char *field, *save, *v;
	size_t component = 0;

	for (field = strtok_r(line, " ", &save); field != NULL;
	    field = strtok_r(NULL, " ", &save)) {
		if ((v = strchr(field, '=')) == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(field, "HetJobOffset") == 0)
			component = strtoul(v, NULL, 10);
		else if (strcmp(field, "JobState") == 0)
			o->state = hx_xstrdup(v);
		else if (strcmp(field, "NodeList") == 0 &&
		    strcmp(v, "(null)") != 0)
			o->node = hx_xstrdup(v);
		else if (strcmp(field, "ExitCode") == 0)
			sscanf(v, "%d:%d", &o->exit_code, &o->signal);
		else if (strcmp(field, "StartTime") == 0)
			o->start_ns = slurm_time(v);
		else if (strcmp(field, "EndTime") == 0)
			o->end_ns = slurm_time(v);
	}
	return component;
}

/*
 * Ask scontrol -o show job JOB_ID how its N components stand: fill
 * OUTCOMES[0..N-1] in component order and set *DONE when every one is in
 * a final state.  Returns 0, or -1 with ERR (HX_EXIT_SYSTEM).
 */
static int
slurm_query(const char *job_id, struct hx_slurm_outcome *outcomes,
    size_t n, bool *done, struct hx_err_info *err)
{
	char *argv[] = { "scontrol", "-o", "show", "job", (char *)job_id,
		NULL };
	struct hx_spawn_result r;
	char *line, *save, *what;
	size_t i, seen = 0;
	int rc;

	what = hx_xasprintf("scontrol show job %s", job_id);
	rc = slurm_command(argv, what, &r, err);
	free(what);
	if (rc == -1)
		return -1;
	for (i = 0; i < n; i++)
		slurm_outcome_clear(&outcomes[i]);
	for (line = strtok_r(r.out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct hx_slurm_outcome o = { 0 };

		i = slurm_parse_line(line, &o);
		if (i >= n || o.state == NULL) {
			slurm_outcome_clear(&o);
			continue;
		}
		slurm_outcome_clear(&outcomes[i]);
		outcomes[i] = o;
		seen++;
	}
	hx_spawn_result_free(&r);
	*done = seen == n;
	for (i = 0; i < n; i++)
		if (outcomes[i].state == NULL || !slurm_final(outcomes[i].state))
			*done = false;
	return 0;
}

bool
hx_slurm_outcome_ok(const struct hx_slurm_outcome *o)
{
	return o->state != NULL && strcmp(o->state, "COMPLETED") == 0 &&
	    o->exit_code == 0 && o->signal == 0;
}

void
hx_slurm_batches(const struct hx_slurm_member *members, size_t n,
    struct hx_slurm_batch **batches, size_t *nbatches)
{
	struct hx_slurm_batch *b = hx_xcalloc(n > 0 ? n : 1, sizeof(*b));
	size_t i, k, nb = 0;

	for (i = 0; i < n; i++) {
		const char *g = members[i].job->group;

		for (k = 0; g != NULL && k < nb; k++)
			if (b[k].members[0].job->group != NULL &&
			    strcmp(b[k].members[0].job->group, g) == 0)
				break;
		if (g == NULL || k == nb) {
			k = nb++;
			b[k].members = hx_xcalloc(n, sizeof(*b[k].members));
		}
		b[k].members[b[k].n++] = members[i];
	}
	for (k = 0; k < nb; k++)
		b[k].outcomes = hx_xcalloc(b[k].n, sizeof(*b[k].outcomes));
	*batches = b;
	*nbatches = nb;
}

void
hx_slurm_batches_free(struct hx_slurm_batch *batches, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < batches[i].n; k++)
			slurm_outcome_clear(&batches[i].outcomes[k]);
		free(batches[i].outcomes);
		free(batches[i].members);
		free(batches[i].script);
		free(batches[i].job_id);
		free(batches[i].state);
		free(batches[i].held);
	}
	free(batches);
}

int
hx_slurm_emit(const struct hx_slurm_config *config,
    struct hx_slurm_batch *batches, size_t n, const char *dir,
    struct hx_err_info *err)
{
	char *text = NULL, *name, *manifest = NULL, *path;
	size_t len = 0, i;
	FILE *m;

	if (hx_file_mkdir_p(dir, 0777) != 0)
		return hx_err_set_errno(err, HX_EXIT_SYSTEM,
		    "cannot create %s", dir);
	if ((m = open_memstream(&manifest, &len)) == NULL)
		hx_err_out_of_memory();
	for (i = 0; i < n; i++) {
		if (slurm_script(config, batches[i].members, batches[i].n,
		    &text, err) == -1)
			break;
		name = slurm_script_name(batches[i].members);
		fprintf(m, "%s\n", name);
		free(batches[i].script);
		batches[i].script = hx_xasprintf("%s/%s", dir, name);
		free(name);
		if (hx_atomic_write(batches[i].script, text, strlen(text),
		    0755) != 0) {
			hx_err_set_errno(err, HX_EXIT_SYSTEM,
			    "cannot write %s", batches[i].script);
			free(text);
			break;
		}
		free(text);
	}
	if (fclose(m) != 0)
		hx_err_out_of_memory();
	if (i < n) {
		free(manifest);
		return -1;
	}
	path = hx_xasprintf("%s/manifest", dir);
	if (hx_atomic_write(path, manifest, len, 0644) != 0) {
		hx_err_set_errno(err, HX_EXIT_SYSTEM, "cannot write %s", path);
		free(path);
		free(manifest);
		return -1;
	}
	free(path);
	free(manifest);
	return 0;
}

/*
 * Give each member of batch B its own outcome: a colocated group's one
 * job stands for all of its members; the exit status a group member
 * wrote to NAME.status is its own, and makes it COMPLETED (0) or FAILED
 * whatever the group did; a service's is 0 (it is stopped once the
 * others have ended).
 */
static void
slurm_member_outcomes(const struct hx_slurm_config *c,
    struct hx_slurm_batch *b)
{
	struct hx_slurm_outcome *o;
	char *path, *text;
	size_t i, len;

	for (i = 1; slurm_colocated(b->members, b->n) && i < b->n; i++) {
		o = &b->outcomes[i];
		*o = b->outcomes[0];
		o->state = o->state != NULL ? hx_xstrdup(o->state) : NULL;
		o->node = o->node != NULL ? hx_xstrdup(o->node) : NULL;
	}
	for (i = 0; b->n > 1 && i < b->n; i++) {
		o = &b->outcomes[i];
		if (slurm_service(b->members[i].job)) {
			o->exit_code = 0;
			o->signal = 0;
			continue;
		}
		path = hx_slurm_output_path(c, b->members[i].job, "status");
		if ((text = hx_json_read_text(path, &len)) != NULL) {
			o->exit_code = atoi(text);
			o->signal = 0;
			free(o->state);
			o->state = hx_xstrdup(o->exit_code == 0 ? "COMPLETED" :
			    "FAILED");
			free(text);
		}
		free(path);
	}
}

/* Tell CONFIG's watcher that batch B is now in STATE. */
static void
slurm_watch(const struct hx_slurm_config *config,
    const struct hx_slurm_batch *b, const char *state)
{
	if (config->watch != NULL)
		config->watch(config->watch_arg, b, state);
}

/*
 * The state of batch B in squeue's output OUT, lines of "ID[+OFFSET]
 * STATE PRIORITY REASON": a new string, or NULL when B is not queued.
 * *HELD gets the reason (a new string) when B is pending with priority
 * 0, which is how Slurm holds a job, else NULL.
 */
static char *
slurm_queue_state(const struct hx_slurm_batch *b, const char *out,
    char **held)
{
	size_t idlen = strlen(b->job_id), n, slen, plen;
	const char *line, *end, *state, *prio, *reason;

	*held = NULL;
	for (line = out; *line != '\0'; line += n + (line[n] == '\n')) {
		n = strcspn(line, "\n");
		end = line + n;
		if (strncmp(line, b->job_id, idlen) != 0 ||
		    strchr(" +", line[idlen]) == NULL ||
		    (state = memchr(line, ' ', n)) == NULL)
			continue;
		state++;
		slen = strcspn(state, " \n");
		prio = state + slen + (state[slen] == ' ');
		plen = strcspn(prio, " \n");
		reason = prio + plen + (prio[plen] == ' ');
		if (reason > end)
			reason = end;
		if (slen == 7 && strncmp(state, "PENDING", 7) == 0 &&
		    plen == 1 && *prio == '0')
			*held = hx_xasprintf("%.*s", (int)(end - reason),
			    reason);
		return hx_xasprintf("%.*s", (int)slen, state);
	}
	return NULL;
}

/*
 * Cancel the job of batch B, which Slurm holds: a held job (after an
 * scontrol hold, or a launch that failed: "launch failed requeued held")
 * never runs of itself, and waiting for it would wait for ever.
 */
static int
slurm_cancel(const struct hx_slurm_batch *b, struct hx_err_info *err)
{
	char *argv[] = { "scancel", b->job_id, NULL };
	struct hx_spawn_result r;
	char *what;
	int rc;

	what = hx_xasprintf("scancel %s", b->job_id);
	rc = slurm_command(argv, what, &r, err);
	free(what);
	if (rc == 0)
		hx_spawn_result_free(&r);
	return rc;
}

/*
 * Poll the N BATCHES once with one squeue for all that have not ended,
 * a cheap poll where scontrol would take a call per job: note each state
 * that changed, and for each batch that has left the queue ask scontrol
 * how it ended.  *LEFT gets the number of batches not ended.
 */
static int
slurm_poll(const struct hx_slurm_config *config,
    struct hx_slurm_batch *batches, size_t n, size_t *left,
    struct hx_err_info *err)
{
	char *argv[] = { "squeue", "-h", "-o", "%i %T %Q %r", "-j", NULL,
		NULL };
	struct hx_spawn_result r;
	struct hx_slurm_batch *b;
	char *ids = NULL, *state, *held;
	size_t len = 0, i;
	bool done = false;
	FILE *f;
	int rc;

	if ((f = open_memstream(&ids, &len)) == NULL)
		hx_err_out_of_memory();
	for (i = 0; i < n; i++)
		if (!batches[i].ended)
			fprintf(f, "%s%s", ftell(f) > 0 ? "," : "",
			    batches[i].job_id);
	if (fclose(f) != 0)
		hx_err_out_of_memory();
	argv[5] = ids;
	rc = slurm_command(argv, "squeue", &r, err);
	free(ids);
	if (rc == -1)
		return -1;
	*left = 0;
	for (i = 0; i < n; i++) {
		b = &batches[i];
		if (b->ended)
			continue;
		if ((state = slurm_queue_state(b, r.out, &held)) != NULL) {
			if (held != NULL && b->held == NULL) {
				b->held = held;
				held = NULL;
				if (slurm_cancel(b, err) == -1) {
					free(state);
					hx_spawn_result_free(&r);
					return -1;
				}
			}
			free(held);
			if (b->state == NULL || strcmp(state, b->state) != 0) {
				free(b->state);
				b->state = state;
				slurm_watch(config, b, state);
			} else
				free(state);
		} else if (slurm_query(b->job_id, b->outcomes,
		    slurm_colocated(b->members, b->n) ? 1 : b->n, &done,
		    err) == -1) {
			hx_spawn_result_free(&r);
			return -1;
		} else if (done) {
			slurm_member_outcomes(config, b);
			b->ended = true;
			slurm_watch(config, b, "ended");
			continue;
		}
		++*left;
	}
	hx_spawn_result_free(&r);
	return 0;
}

int
hx_slurm_run(const struct hx_slurm_config *config,
    struct hx_slurm_batch *batches, size_t n, int64_t poll_ns,
    struct hx_err_info *err)
{
	struct timespec ts = { poll_ns / 1000000000, poll_ns % 1000000000 };
	size_t i, left = n;

	for (i = 0; i < n; i++) {
		if (slurm_submit(batches[i].script, &batches[i].job_id,
		    err) == -1)
			return -1;
		slurm_watch(config, &batches[i], "submitted");
	}
	while (left > 0) {
		if (slurm_poll(config, batches, n, &left, err) == -1)
			return -1;
		if (left > 0)
			nanosleep(&ts, NULL);
	}
	return 0;
}
