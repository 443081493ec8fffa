/*
 * emit.c: a plan handed to Kubernetes (a Job manifest per job, a
 * Deployment and a Service for the service of a group) or to GitLab
 * (runner tags per job).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_atomic.h"
#include "hx_file.h"
#include "hx_hash.h"
#include "hx_strv.h"
#include "rec/hx_span.h"
#include "sched/hx_selector.h"
#include "sched.h"

/* The port a group's service listens on, in its Service. */
#define SERVICE_PORT 7070
/* Where an hx-offload container finds its token, from its Secret. */
#define TOKEN_DIR "/var/run/hx-offload"

/*
 * A DNS-1123 name for NAME: lowercase letters, digits and '-', at most
 * 63 bytes; when NAME is not one already, what is left of it and eight
 * hex digits of its hash, so that different names stay different.
 */
static char *
k8s_name(const char *name, const char *suffix)
{
	char hex[HX_SHA256_HEX], *s = hx_xmalloc(strlen(name) + 1), *out;
	size_t i, n = 0;
	bool same = true;

	for (i = 0; name[i] != '\0'; i++) {
		char c = (char)tolower((unsigned char)name[i]);

		if (!isalnum((unsigned char)c) && c != '-')
			c = '-';
		same = same && c == name[i];
		if (c == '-' && (n == 0 || s[n - 1] == '-'))
			continue;
		s[n++] = c;
	}
	while (n > 0 && s[n - 1] == '-')
		n--;
	s[n] = '\0';
	if (same && n == i && n + strlen(suffix) <= 63)
		out = hx_xasprintf("%s%s", s, suffix);
	else {
		hx_hash_sha256_buf(name, strlen(name), hex);
		if (n > 40)
			s[n = 40] = '\0';
		out = hx_xasprintf("%s%s%.8s%s", s, n > 0 ? "-" : "", hex,
		    suffix);
	}
	free(s);
	return out;
}

/* The Kubernetes label key and value of a selector key and value. */
static const char *
k8s_key(const char *key)
{
	if (strcmp(key, "arch") == 0)
		return "kubernetes.io/arch";
	if (strcmp(key, "gpu_model") == 0)
		return "nvidia.com/gpu.product";
	return key;
}

static const char *
k8s_value(const char *key, const char *value)
{
	if (strcmp(key, "arch") == 0 && strcmp(value, "x86_64") == 0)
		return "amd64";
	if (strcmp(key, "arch") == 0 && strcmp(value, "aarch64") == 0)
		return "arm64";
	return value;
}

/* A JSON array of the NULL-terminated strings of KEY's values. */
static json_t *
k8s_values(const char *key, char *const *values)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; values[i] != NULL; i++)
		json_array_append_new(a, json_string(k8s_value(key,
		    values[i])));
	return a;
}

/*
 * The values label S->key has on the nodes of INV that satisfy the
 * version comparison S, sorted, as a JSON array for an In expression.
 */
static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *
version_values(const struct hx_selector *s, const struct hx_inventory *inv)
{
	const char **values = hx_xcalloc(inv->n + 1, sizeof(*values));
	json_t *a = json_array();
	size_t i, n = 0;

	for (i = 0; i < inv->n; i++)
		if (hx_selector_match(s, &inv->nodes[i]) &&
		    (values[n] = hx_node_label(&inv->nodes[i], s->key)) !=
		    NULL)
			n++;
	qsort(values, n, sizeof(*values), compare_strings);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(values[i], values[i - 1]) != 0)
			json_array_append_new(a, json_string(values[i]));
	free(values);
	return a;
}

/* One match expression. */
static json_t *
expression(const char *key, const char *op, json_t *values)
{
	json_t *e = json_object();

	json_object_set_new(e, "key", json_string(k8s_key(key)));
	json_object_set_new(e, "operator", json_string(op));
	if (values != NULL)
		json_object_set_new(e, "values", values);
	return e;
}

/*
 * Set the nodeSelector (from key=value) and the required node affinity
 * (from the rest) of a pod SPEC for JOB; a version comparison becomes In
 * with the values of the nodes of INV that satisfy it.
 */
static void
constraints(json_t *spec, const struct hx_job *job,
    const struct hx_inventory *inv, const char *hostname)
{
	json_t *sel = json_object(), *exprs = json_array(), *aff;
	struct hx_selector s;
	char *m;
	size_t i;

	if (job->arch != NULL)
		json_object_set_new(sel, "kubernetes.io/arch",
		    json_string(k8s_value("arch", job->arch)));
	if (hostname != NULL)
		json_object_set_new(sel, "kubernetes.io/hostname",
		    json_string(hostname));
	for (i = 0; job->selector != NULL && job->selector[i] != NULL; i++) {
		if (hx_selector_parse(job->selector[i], &s, &m) < 0) {
			free(m);
			continue;
		}
		switch (s.op) {
		case HX_SELECTOR_EQ:
			json_object_set_new(sel, k8s_key(s.key),
			    json_string(k8s_value(s.key, s.values[0])));
			break;
		case HX_SELECTOR_NE:
		case HX_SELECTOR_NOTIN:
			json_array_append_new(exprs, expression(s.key, "NotIn",
			    k8s_values(s.key, s.values)));
			break;
		case HX_SELECTOR_IN:
			json_array_append_new(exprs, expression(s.key, "In",
			    k8s_values(s.key, s.values)));
			break;
		case HX_SELECTOR_EXISTS:
			json_array_append_new(exprs, expression(s.key,
			    "Exists", NULL));
			break;
		case HX_SELECTOR_ABSENT:
			json_array_append_new(exprs, expression(s.key,
			    "DoesNotExist", NULL));
			break;
		default:
			json_array_append_new(exprs, expression(s.key, "In",
			    version_values(&s, inv)));
			break;
		}
		hx_selector_clear(&s);
	}
	if (json_object_size(sel) > 0)
		json_object_set(spec, "nodeSelector", sel);
	if (json_array_size(exprs) > 0) {
		aff = json_pack("{s:{s:{s:[{s:O}]}}}", "nodeAffinity",
		    "requiredDuringSchedulingIgnoredDuringExecution",
		    "nodeSelectorTerms", "matchExpressions", exprs);
		json_object_set_new(spec, "affinity", aff);
	}
	json_decref(sel);
	json_decref(exprs);
}

/* The container of JOB, with ENV (or NULL) and PORT (or 0). */
static json_t *
container(const struct hx_job *job, const char *image, json_t *env,
    int port)
{
	json_t *c = json_object(), *cmd = json_array(), *limits = json_object();
	size_t i;

	for (i = 0; job->argv[i] != NULL; i++)
		json_array_append_new(cmd, json_string(job->argv[i]));
	json_object_set_new(c, "name", json_string("job"));
	json_object_set_new(c, "image", json_string(image));
	json_object_set_new(c, "command", cmd);
	if (job->resources.cpus > 0)
		json_object_set_new(limits, "cpu", json_sprintf("%lld",
		    (long long)job->resources.cpus));
	if (job->resources.memory_bytes > 0)
		json_object_set_new(limits, "memory", json_sprintf("%lld",
		    (long long)job->resources.memory_bytes));
	if (job->resources.gpus > 0)
		json_object_set_new(limits, "nvidia.com/gpu",
		    json_sprintf("%lld", (long long)job->resources.gpus));
	json_object_set_new(c, "resources", json_pack("{s:o}", "limits",
	    limits));
	if (env != NULL)
		json_object_set(c, "env", env);
	if (port > 0)
		json_object_set_new(c, "ports", json_pack("[{s:i}]",
		    "containerPort", port));
	return c;
}

/* The metadata of a manifest called NAME for placement P. */
static json_t *
metadata(const char *name, const struct hx_placement *p, const char *queue,
    json_t *labels)
{
	json_t *meta = json_object(), *ann = json_object();

	json_object_set_new(labels, "app.kubernetes.io/managed-by",
	    json_string("hx-sched"));
	if (queue != NULL)
		json_object_set_new(labels, "kueue.x-k8s.io/queue-name",
		    json_string(queue));
	json_object_set_new(ann, "hx-sched/job", json_string(p->job));
	json_object_set_new(ann, "hx-sched/node", json_string(p->node));
	json_object_set_new(ann, "hx-sched/reason", json_string(p->reason));
	if (p->team != NULL)
		json_object_set_new(ann, "hx-sched/team", json_string(p->team));
	if (p->group != NULL)
		json_object_set_new(ann, "hx-sched/group",
		    json_string(p->group));
	json_object_set_new(meta, "name", json_string(name));
	json_object_set_new(meta, "labels", labels);
	json_object_set_new(meta, "annotations", ann);
	return meta;
}

/* Write MANIFEST (released) to DIR/NAME.KIND.json. */
static void
write_manifest(const char *dir, const char *name, const char *kind,
    json_t *manifest)
{
	char *path = hx_xasprintf("%s/%s.%s.json", dir, name, kind);
	char *text = hx_json_to_string(manifest), *line;

	line = hx_xasprintf("%s\n", text);
	if (hx_atomic_write(path, line, strlen(line),
	    strcmp(kind, "secret") == 0 ? 0600 : 0644) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	free(line);
	free(text);
	free(path);
	json_decref(manifest);
}

/* Whether placed job J serves its group: a Deployment and a Service. */
static bool
is_service(const struct hx_job *job)
{
	return job->group != NULL && job->role != NULL &&
	    strcmp(job->role, "service") == 0;
}

/* Whether service JOB is hx-offload, the GPU service. */
static bool
is_offload(const struct hx_job *job)
{
	return strcmp(job->argv[0], "hx-offload") == 0;
}

/*
 * The Secret of hx-offload service NAME: a token of 32 random hex
 * digits that it asks of its clients.
 */
static void
emit_token(const char *dir, const char *name,
    const struct hx_placement *p)
{
	char token[33], *secret = hx_xasprintf("%s-token", name);
	json_t *sec;
	int e;

	if ((e = hx_span_new_id(token, 32)) != 0)
		hx_err(HX_EXIT_SYSTEM, "getrandom: %s", strerror(e));
	sec = json_pack("{s:s,s:s,s:o,s:s,s:{s:s}}", "apiVersion", "v1",
	    "kind", "Secret", "metadata", metadata(secret, p, NULL,
	    json_object()), "type", "Opaque", "stringData", "token", token);
	write_manifest(dir, name, "secret", sec);
	free(secret);
}

/*
 * The environment of a runner of SERVICE's group: its host and port,
 * and for hx-offload HX_OFFLOAD and the token of its Secret.
 */
static json_t *
runner_env(const struct hx_job *service)
{
	char *svc = k8s_name(service->name, "");
	char *secret = hx_xasprintf("%s-token", svc);
	char *addr = hx_xasprintf("tcp:%s:%d", svc, SERVICE_PORT);
	json_t *env;

	env = json_pack("[{s:s,s:s},{s:s,s:s}]", "name", "HX_SERVICE_HOST",
	    "value", svc, "name", "HX_SERVICE_PORT", "value", "7070");
	if (is_offload(service)) {
		json_array_append_new(env, json_pack("{s:s,s:s}", "name",
		    "HX_OFFLOAD", "value", addr));
		json_array_append_new(env, json_pack("{s:s,s:{s:{s:s,s:s}}}",
		    "name", "HX_OFFLOAD_TOKEN", "valueFrom", "secretKeyRef",
		    "name", secret, "key", "token"));
	}
	free(addr);
	free(secret);
	free(svc);
	return env;
}

/* The service of JOB's group among the placed jobs, or NULL. */
static const struct hx_job *
group_service(const struct hx_plan_result *res, size_t n,
    const struct sched_input *in, const struct hx_job *job)
{
	const struct hx_job *o;
	size_t i;

	for (i = 0; job->group != NULL && i < n; i++) {
		o = &in->jobs[res[i].job];
		if (res[i].placed && is_service(o) &&
		    strcmp(o->group, job->group) == 0)
			return o;
	}
	return NULL;
}

/* The Deployment and Service of a group's service job. */
static void
emit_service(const char *dir, const struct hx_job *job,
    const struct hx_placement *p, json_t *spec, const char *queue,
    const char *image)
{
	char *name = k8s_name(job->name, "");
	char *secret = hx_xasprintf("%s-token", name);
	json_t *sel = json_pack("{s:s}", "app.kubernetes.io/name", name);
	json_t *dep, *svc, *c, *cmd;

	c = container(job, image, NULL, SERVICE_PORT);
	if (is_offload(job)) {
		cmd = json_object_get(c, "command");
		json_array_append_new(cmd, json_string("--listen"));
		json_array_append_new(cmd, json_sprintf("tcp:0.0.0.0:%d",
		    SERVICE_PORT));
		json_array_append_new(cmd, json_string("--token-file"));
		json_array_append_new(cmd, json_string(TOKEN_DIR "/token"));
		json_object_set_new(c, "volumeMounts", json_pack(
		    "[{s:s,s:s,s:b}]", "name", "token", "mountPath",
		    TOKEN_DIR, "readOnly", 1));
		json_object_set_new(spec, "volumes", json_pack(
		    "[{s:s,s:{s:s}}]", "name", "token", "secret",
		    "secretName", secret));
		emit_token(dir, name, p);
	}
	json_object_set_new(spec, "containers", json_pack("[o]", c));
	dep = json_pack("{s:s,s:s,s:o,s:{s:i,s:{s:O},s:{s:{s:O},s:o}}}",
	    "apiVersion", "apps/v1", "kind", "Deployment", "metadata",
	    metadata(name, p, queue, json_deep_copy(sel)), "spec",
	    "replicas", 1, "selector", "matchLabels", sel, "template",
	    "metadata", "labels", sel, "spec", spec);
	svc = json_pack("{s:s,s:s,s:o,s:{s:O,s:[{s:i,s:i,s:s}]}}",
	    "apiVersion", "v1", "kind", "Service", "metadata",
	    metadata(name, p, NULL, json_object()), "spec", "selector", sel,
	    "ports", "port", SERVICE_PORT, "targetPort", SERVICE_PORT,
	    "protocol", "TCP");
	write_manifest(dir, name, "deployment", dep);
	write_manifest(dir, name, "service", svc);
	json_decref(sel);
	free(secret);
	free(name);
}

void
sched_emit_k8s(const struct hx_plan *plan, const struct sched_input *in,
    const struct hx_inventory *inv, const char *dir, const char *queue,
    const char *image)
{
	const struct hx_plan_result *res;
	const struct hx_job *job, *service;
	json_t *spec, *env, *manifest;
	char *name;
	size_t n, i;

	res = hx_plan_results(plan, &n);
	if (hx_file_mkdir_p(dir, 0755) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", dir);
	for (i = 0; i < n; i++) {
		if (!res[i].placed)
			continue;
		job = &in->jobs[res[i].job];
		spec = json_object();
		constraints(spec, job, inv, job->group != NULL &&
		    job->placement == HX_JOB_COLOCATED ?
		    res[i].placement.node : NULL);
		if (is_service(job)) {
			emit_service(dir, job, &res[i].placement, spec, queue,
			    image);
			continue;
		}
		env = NULL;
		if ((service = group_service(res, n, in, job)) != NULL)
			env = runner_env(service);
		json_object_set_new(spec, "restartPolicy",
		    json_string("Never"));
		json_object_set_new(spec, "containers", json_pack("[o]",
		    container(job, image, env, 0)));
		json_decref(env);
		name = k8s_name(job->name, "");
		manifest = json_pack("{s:s,s:s,s:o,s:{s:i,s:{s:o}}}",
		    "apiVersion", "batch/v1", "kind", "Job", "metadata",
		    metadata(name, &res[i].placement, queue, json_object()),
		    "spec", "backoffLimit", 0, "template", "spec", spec);
		if (queue != NULL)
			json_object_set_new(json_object_get(manifest, "spec"),
			    "suspend", json_true());
		write_manifest(dir, name, "job", manifest);
		free(name);
	}
}

/* S as a YAML double-quoted scalar (a JSON string is one). */
static void
yaml_string(FILE *fp, const char *s)
{
	json_t *j = json_string(s);
	char *text = json_dumps(j, JSON_ENCODE_ANY);

	fputs(text, fp);
	free(text);
	json_decref(j);
}

/* One YAML list item S, at INDENT. */
static void
yaml_item(FILE *fp, const char *indent, const char *s)
{
	fprintf(fp, "%s- ", indent);
	yaml_string(fp, s);
	fputc('\n', fp);
}

/*
 * The GitLab CI job of JOB placed at P: its runner tags (the arch, and
 * the key=value and key expressions as written), a comment for each
 * expression tags cannot say, the planned node and the script.
 */
static void
gitlab_job(FILE *fp, const struct hx_job *job, const struct hx_placement *p)
{
	struct hx_selector s;
	const char **other;
	char *m, *line;
	size_t i, n = 0, ntags = 0;

	for (i = 0; job->selector != NULL && job->selector[i] != NULL; i++)
		;
	other = hx_xcalloc(i + 1, sizeof(*other));
	yaml_string(fp, job->name);
	fputs(":\n  tags:", fp);
	if (job->arch != NULL) {
		line = hx_xasprintf("arch=%s", job->arch);
		fputc('\n', fp);
		yaml_item(fp, "    ", line);
		free(line);
		ntags++;
	}
	for (i = 0; job->selector != NULL && job->selector[i] != NULL; i++) {
		if (hx_selector_parse(job->selector[i], &s, &m) < 0) {
			free(m);
			continue;
		}
		if (s.op == HX_SELECTOR_EQ || s.op == HX_SELECTOR_EXISTS) {
			if (ntags++ == 0)
				fputc('\n', fp);
			yaml_item(fp, "    ", job->selector[i]);
		} else
			other[n++] = job->selector[i];
		hx_selector_clear(&s);
	}
	if (ntags == 0)
		fputs(" []\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "  # not a runner tag: %s\n", other[i]);
	free(other);
	fputs("  variables:\n    HX_SCHED_NODE: ", fp);
	yaml_string(fp, p->node);
	fputs("\n  script:\n", fp);
	line = hx_strv_sh_join(job->argv);
	yaml_item(fp, "    ", line);
	free(line);
}

void
sched_emit_gitlab(const struct hx_plan *plan, const struct sched_input *in,
    const char *path)
{
	const struct hx_plan_result *res;
	struct hx_atomic a;
	size_t n, i;
	FILE *fp;

	res = hx_plan_results(plan, &n);
	if (hx_atomic_open(&a, path, 0644) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	fp = a.fp;
	fputs("# GitLab CI jobs with the runner tags hx-sched planned "
	    "(hx-sched(1))\n", fp);
	for (i = 0; i < n; i++)
		if (res[i].placed)
			gitlab_job(fp, &in->jobs[res[i].job],
			    &res[i].placement);
	if (hx_atomic_commit(&a) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
}
