/*
 * hx_nodemanifest.c: the pinned node manifest read and checked.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_strv.h"
#include "rec/hx_field.h"
#include "sched/hx_nodemanifest.h"

/* Differences found, NULL-terminated. */
struct diffs {
	char **v;
	size_t n;
};

static const char *const keys[] = {
	"kernel", "driver", "firmware", "modules", "unpinned_modules",
	"require_signed", "signer", NULL,
};

/* Whether S is 64 lowercase hex digits. */
static bool
is_sha256(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The optional string KEY of the manifest into *OUT, or a fault. */
static const char *
string_member(json_t *j, const char *key, const char **out)
{
	json_t *v = json_object_get(j, key);

	if (v == NULL)
		return NULL;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return "expected a non-empty string";
	*out = json_string_value(v);
	return NULL;
}

/*
 * Read the members of J into M.  Returns NULL, or what is wrong with
 * *POINTER (to free) set to where.
 */
static const char *
read_members(json_t *j, struct hx_nodemanifest *m, char **pointer)
{
	static const char *const scalars[] = { "kernel", "driver",
	    "firmware", "signer" };
	const char **outs[] = { &m->kernel, &m->driver, &m->firmware,
	    &m->signer };
	const char *key, *what;
	json_t *v, *modules;
	size_t i;

	json_object_foreach(j, key, v)
		if (hx_field_index(keys, key) < 0) {
			*pointer = hx_xasprintf("/%s", key);
			return "unknown member";
		}
	for (i = 0; i < 4; i++)
		if ((what = string_member(j, scalars[i], outs[i])) != NULL) {
			*pointer = hx_xasprintf("/%s", scalars[i]);
			return what;
		}
	if ((v = json_object_get(j, "unpinned_modules")) != NULL) {
		*pointer = hx_xstrdup("/unpinned_modules");
		if (!json_is_string(v) ||
		    (strcmp(json_string_value(v), "allow") != 0 &&
		    strcmp(json_string_value(v), "refuse") != 0))
			return "expected \"allow\" or \"refuse\"";
		m->allow_unpinned = strcmp(json_string_value(v), "allow") == 0;
		free(*pointer);
		*pointer = NULL;
	}
	if ((v = json_object_get(j, "require_signed")) != NULL) {
		if (!json_is_boolean(v)) {
			*pointer = hx_xstrdup("/require_signed");
			return "expected true or false";
		}
		m->require_signed = json_is_true(v);
	}
	if ((modules = json_object_get(j, "modules")) == NULL)
		return NULL;
	if (!json_is_object(modules)) {
		*pointer = hx_xstrdup("/modules");
		return "expected an object of module names and sha256 digests";
	}
	m->modules = hx_xcalloc(json_object_size(modules) + 1,
	    sizeof(*m->modules));
	json_object_foreach(modules, key, v) {
		if (!json_is_string(v) || !is_sha256(json_string_value(v))) {
			*pointer = hx_xasprintf("/modules/%s", key);
			return "expected the sha256 of the module's file, 64 "
			    "lowercase hex digits";
		}
		m->modules[m->nmodules].name = key;
		m->modules[m->nmodules++].sha256 = json_string_value(v);
	}
	return NULL;
}

int
hx_nodemanifest_load(const char *path, struct hx_nodemanifest *m,
    char *err, size_t errlen)
{
	json_t *positions = NULL;
	const char *what;
	char *pointer = NULL;
	int status;

	memset(m, 0, sizeof(*m));
	if ((m->json = hx_json_load_manifest(path, &positions, err, errlen,
	    &status)) == NULL)
		return status;
	if (!json_is_object(m->json)) {
		pointer = hx_xstrdup("");
		what = "a node manifest is an object";
	} else
		what = read_members(m->json, m, &pointer);
	if (what != NULL)
		hx_json_locate(err, errlen, path, positions, pointer, "%s%s%s",
		    *pointer != '\0' ? pointer + 1 : "",
		    *pointer != '\0' ? ": " : "", what);
	free(pointer);
	json_decref(positions);
	if (what != NULL) {
		hx_nodemanifest_free(m);
		return HX_EXIT_INPUT;
	}
	return 0;
}

/* Add S (allocated) to OUT. */
static void
add(struct diffs *out, char *s)
{
	out->v = hx_xgrow(out->v, out->n + 1, sizeof(*out->v));
	out->v[out->n++] = s;
	out->v[out->n] = NULL;
}

/* Add to *OUT the difference of a pinned KEY from FOUND (WHY: unknown). */
static void
version(struct diffs *out, const char *key, const char *pinned,
    const char *found, const char *why)
{
	if (pinned == NULL || (found != NULL && strcmp(pinned, found) == 0))
		return;
	if (found != NULL)
		add(out, hx_xasprintf("%s %s is not the pinned "
		    "%s", key, found, pinned));
	else
		add(out, hx_xasprintf("%s is unknown (%s), not "
		    "the pinned %s", key, why != NULL ? why : "not read",
		    pinned));
}

/* The pin of module NAME in M, or NULL. */
static const struct hx_nodemanifest_pin *
pin_of(const struct hx_nodemanifest *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nmodules; i++)
		if (strcmp(m->modules[i].name, name) == 0)
			return &m->modules[i];
	return NULL;
}

/* Add to *OUT what is wrong with the loaded module MOD. */
static void
module(struct diffs *out, const struct hx_nodemanifest *m,
    const struct hx_facts_module *mod)
{
	const struct hx_nodemanifest_pin *pin = pin_of(m, mod->name);

	if (pin == NULL && !m->allow_unpinned)
		add(out, hx_xasprintf("module %s is loaded but "
		    "not pinned", mod->name));
	if (mod->sha256 == NULL) {
		if (pin != NULL || m->require_signed)
			add(out, hx_xasprintf("module %s: %s",
			    mod->name, mod->error != NULL ? mod->error :
			    "no file"));
		return;
	}
	if (pin != NULL && strcmp(pin->sha256, mod->sha256) != 0)
		add(out, hx_xasprintf("module %s: sha256 %s is "
		    "not the pinned %s", mod->name, mod->sha256, pin->sha256));
	if ((m->require_signed || m->signer != NULL) && mod->sig_id == NULL)
		add(out, hx_xasprintf("module %s is not signed",
		    mod->name));
	else if (m->signer != NULL && (mod->signer == NULL ||
	    strcmp(m->signer, mod->signer) != 0))
		add(out, hx_xasprintf("module %s is signed by "
		    "\"%s\", not \"%s\"", mod->name, mod->signer != NULL ?
		    mod->signer : "", m->signer));
}

/* Whether F lists module NAME as loaded. */
static bool
loaded(const struct hx_facts *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nmodules; i++)
		if (strcmp(f->modules[i].name, name) == 0)
			return true;
	return false;
}

char *
hx_nodemanifest_check(const struct hx_nodemanifest *m,
    const struct hx_facts *f)
{
	struct diffs out = { NULL, 0 };
	char *s;
	size_t i;

	version(&out, "kernel", m->kernel, f->kernel, f->kernel_why);
	version(&out, "driver", m->driver, f->driver, f->driver_why);
	version(&out, "firmware", m->firmware, f->firmware, f->firmware_why);
	for (i = 0; i < f->nmodules; i++)
		module(&out, m, &f->modules[i]);
	for (i = 0; i < m->nmodules; i++)
		if (!loaded(f, m->modules[i].name))
			add(&out, hx_xasprintf("module %s is "
			    "pinned but not loaded%s%s", m->modules[i].name,
			    f->modules_why != NULL ? ": " : "",
			    f->modules_why != NULL ? f->modules_why : ""));
	s = out.n > 0 ? hx_strv_join((const char *const *)out.v, "; ") :
	    NULL;
	hx_strv_free(out.v);
	return s;
}

void
hx_nodemanifest_free(struct hx_nodemanifest *m)
{
	free(m->modules);
	json_decref(m->json);
	memset(m, 0, sizeof(*m));
}
