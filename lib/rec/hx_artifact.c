/*
 * hx_artifact.c: the artifact record read, checked and written.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rec/hx_artifact.h"

const char *const hx_artifact_kind_names[] = { "exe", "test", "lib", NULL };
static const char *const status_names[] = { "fail", "ok", NULL };
static const char *const cache_names[] = { "miss", "hit", NULL };

void
hx_artifact_init(struct hx_artifact *a)
{
	memset(a, 0, sizeof(*a));
	a->size = -1;
	a->dirty = a->affected = a->needs_timing = a->reproducible = -1;
}

/* An optional boolean as -1 (left out), 0 or 1. */
static int
flag(const json_t *json, const char *key, int *out, char **message)
{
	bool b;
	int rc = hx_field_boolean(json, "artifact ", key, HX_FIELD_OPTIONAL,
	    &b, message);

	if (rc > 0)
		*out = b;
	return rc;
}

/* A string of N lowercase hexadecimal digits at KEY, when there. */
static int
hex(const json_t *json, const char *key, int how, size_t n,
    const char **out, char **message)
{
	int rc = hx_field_string(json, "artifact ", key, how, out, message);

	if (rc > 0 && (strlen(*out) != n || strspn(*out, "0123456789abcdef") !=
	    n))
		return hx_field_fault(message, "artifact ", key, "is not %zu "
		    "lowercase hexadecimal digits", n);
	return rc;
}

static int
read_toolchain(const json_t *json, struct hx_artifact_toolchain *tc,
    char **message)
{
	const char *w = "artifact toolchain.";
	const json_t *obj;

	if (hx_field_object(json, "artifact ", "toolchain", HX_FIELD_REQUIRED,
	    &obj, message) < 0 ||
	    hx_field_string(obj, w, "name", HX_FIELD_REQUIRED, &tc->name,
	    message) < 0 ||
	    hx_field_string(obj, w, "version", HX_FIELD_REQUIRED,
	    &tc->version, message) < 0 ||
	    hx_field_string(obj, w, "digest", HX_FIELD_REQUIRED, &tc->digest,
	    message) < 0 ||
	    hx_field_string(obj, w, "sysroot", HX_FIELD_OPTIONAL,
	    &tc->sysroot, message) < 0 ||
	    hx_field_string(obj, w, "cpu", HX_FIELD_OPTIONAL, &tc->cpu,
	    message) < 0)
		return -1;
	return 0;
}

/* What a test runs with: args, env (names without '=') and cwd. */
static int
read_run(const json_t *json, struct hx_artifact *a, char **message)
{
	const char *w = "artifact ";
	size_t i;

	if (hx_field_strings(json, w, "args", HX_FIELD_OPTIONAL, &a->args,
	    message) < 0 ||
	    hx_field_pairs(json, w, "env", HX_FIELD_OPTIONAL, &a->env,
	    &a->nenv, message) < 0 ||
	    hx_field_string(json, w, "cwd", HX_FIELD_OPTIONAL, &a->cwd,
	    message) < 0)
		return -1;
	for (i = 0; i < a->nenv; i++)
		if (*a->env[i].name == '\0' || strchr(a->env[i].name, '=') !=
		    NULL)
			return hx_field_fault(message, w, "env", "has a name "
			    "that is empty or holds '=': %s", a->env[i].name);
	return 0;
}

/* The pins: an array of {path, sha256} objects, when there. */
static int
read_pins(const json_t *json, struct hx_artifact *a, char **message)
{
	const char *w = "artifact pins[].";
	const json_t *array = json_object_get(json, "pins"), *item;
	size_t i;

	if (array == NULL)
		return 0;
	if (!json_is_array(array))
		return hx_field_fault(message, "artifact ", "pins", "is not "
		    "an array");
	a->pins = calloc(json_array_size(array) + 1, sizeof(*a->pins));
	if (a->pins == NULL)
		return hx_field_fault(message, "artifact ", "pins", "is too "
		    "large");
	json_array_foreach(array, i, item) {
		if (!json_is_object(item))
			return hx_field_fault(message, "artifact ", "pins",
			    "holds something other than an object");
		if (hx_field_string(item, w, "path", HX_FIELD_REQUIRED,
		    &a->pins[i].path, message) < 0 ||
		    hx_field_string(item, w, "sha256", HX_FIELD_REQUIRED,
		    &a->pins[i].sha256, message) < 0)
			return -1;
		if (strlen(a->pins[i].sha256) != 64 ||
		    strspn(a->pins[i].sha256, "0123456789abcdef") != 64)
			return hx_field_fault(message, w, "sha256", "is not 64 "
			    "lowercase hexadecimal digits");
		a->npins++;
	}
	return 0;
}

int
hx_artifact_read(const json_t *json, struct hx_artifact *out,
    char **message)
{
	const char *w = "artifact ";
	int64_t size = -1;
	int kind = 0, ok = 0, hit = 0, file;

	hx_artifact_init(out);
	if (hx_field_string(json, w, "name", HX_FIELD_REQUIRED, &out->name,
	    message) < 0 ||
	    hx_field_enum(json, w, "kind", HX_FIELD_REQUIRED,
	    hx_artifact_kind_names, &kind, message) < 0 ||
	    hx_field_enum(json, w, "status", HX_FIELD_REQUIRED, status_names,
	    &ok, message) < 0)
		goto bad;
	/* The fields that describe the file are there when it is. */
	file = ok ? HX_FIELD_REQUIRED : HX_FIELD_OPTIONAL;
	if (hx_field_string(json, w, "path", file, &out->path, message) < 0 ||
	    hx_field_string(json, w, "target", HX_FIELD_REQUIRED,
	    &out->target, message) < 0 ||
	    hx_field_string(json, w, "arch", file, &out->arch, message) < 0 ||
	    hex(json, "sha256", file, 64, &out->sha256, message) < 0 ||
	    hx_field_integer(json, w, "size", file, 0, &size, message) < 0 ||
	    read_toolchain(json, &out->toolchain, message) < 0 ||
	    hx_field_strings(json, w, "flags", HX_FIELD_REQUIRED, &out->flags,
	    message) < 0 ||
	    hex(json, "commit", HX_FIELD_OPTIONAL, 40, &out->commit,
	    message) < 0 ||
	    hx_field_string(json, w, "project", HX_FIELD_OPTIONAL,
	    &out->project, message) < 0 ||
	    flag(json, "dirty", &out->dirty, message) < 0 ||
	    hx_field_enum(json, w, "cache", HX_FIELD_REQUIRED, cache_names,
	    &hit, message) < 0 ||
	    hx_field_integer(json, w, "duration_ns", HX_FIELD_REQUIRED, 0,
	    &out->duration_ns, message) < 0 ||
	    flag(json, "affected", &out->affected, message) < 0 ||
	    flag(json, "needs_timing", &out->needs_timing, message) < 0 ||
	    read_run(json, out, message) < 0 ||
	    hx_field_string(json, w, "output_tail", HX_FIELD_OPTIONAL,
	    &out->output_tail, message) < 0 ||
	    hx_field_string(json, w, "message", HX_FIELD_OPTIONAL,
	    &out->message, message) < 0 ||
	    flag(json, "reproducible", &out->reproducible, message) < 0 ||
	    read_pins(json, out, message) < 0)
		goto bad;
	if (out->path != NULL && *out->path == '\0') {
		hx_field_fault(message, w, "path", "is empty");
		goto bad;
	}
	if (out->output_tail != NULL)
		out->output_tail_len = json_string_length(json_object_get(json,
		    "output_tail"));
	out->kind = (enum hx_artifact_kind)kind;
	out->ok = ok;
	out->cache_hit = hit;
	out->size = size;
	return 0;
bad:
	hx_artifact_clear(out);
	return -1;
}

/* Set KEY of OBJ to the boolean B unless it is -1. */
static void
set_flag(json_t *obj, const char *key, int b)
{
	if (b >= 0)
		json_object_set_new(obj, key, json_boolean(b));
}

json_t *
hx_artifact_to_json(const struct hx_artifact *a)
{
	json_t *rec = json_object(), *tc = json_object(), *pins, *pin;
	size_t i;

	json_object_set_new(rec, "type", json_string("artifact"));
	hx_field_set_string(rec, "name", a->name);
	hx_field_set_string(rec, "path", a->path);
	json_object_set_new(rec, "kind",
	    json_string(hx_artifact_kind_names[a->kind]));
	json_object_set_new(rec, "status", json_string(status_names[a->ok]));
	hx_field_set_string(rec, "target", a->target);
	hx_field_set_string(rec, "arch", a->arch);
	hx_field_set_string(rec, "sha256", a->sha256);
	if (a->size >= 0)
		json_object_set_new(rec, "size", json_integer(a->size));
	hx_field_set_string(tc, "name", a->toolchain.name);
	hx_field_set_string(tc, "version", a->toolchain.version);
	hx_field_set_string(tc, "digest", a->toolchain.digest);
	hx_field_set_string(tc, "sysroot", a->toolchain.sysroot);
	hx_field_set_string(tc, "cpu", a->toolchain.cpu);
	json_object_set_new(rec, "toolchain", tc);
	hx_field_set_strings(rec, "flags", a->flags);
	hx_field_set_string(rec, "commit", a->commit);
	hx_field_set_string(rec, "project", a->project);
	set_flag(rec, "dirty", a->dirty);
	json_object_set_new(rec, "cache",
	    json_string(cache_names[a->cache_hit]));
	json_object_set_new(rec, "duration_ns", json_integer(a->duration_ns));
	set_flag(rec, "affected", a->affected);
	set_flag(rec, "needs_timing", a->needs_timing);
	hx_field_set_strings(rec, "args", a->args);
	hx_field_set_pairs(rec, "env", a->env, a->nenv);
	hx_field_set_string(rec, "cwd", a->cwd);
	hx_field_set_text(rec, "output_tail", a->output_tail,
	    a->output_tail_len);
	hx_field_set_string(rec, "message", a->message);
	set_flag(rec, "reproducible", a->reproducible);
	if (a->pins != NULL) {
		pins = json_array();
		for (i = 0; i < a->npins; i++) {
			pin = json_object();
			hx_field_set_string(pin, "path", a->pins[i].path);
			hx_field_set_string(pin, "sha256", a->pins[i].sha256);
			json_array_append_new(pins, pin);
		}
		json_object_set_new(rec, "pins", pins);
	}
	return rec;
}

void
hx_artifact_clear(struct hx_artifact *a)
{
	free(a->flags);
	free(a->args);
	free(a->env);
	free(a->pins);
	hx_artifact_init(a);
}
