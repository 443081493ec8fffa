/*
 * hx_profile: the load profiles, built in or read from a file.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "trace/hx_profile.h"

/*
 * The built-in profiles, sized for a CI machine of two cores: one
 * stressor each, so that the measured command keeps a core.
 */
static const char *const idle_args[] = { NULL };
static const char *const cpu_args[] = { "--cpu", "1", "--cpu-method",
    "matrixprod", NULL };
static const char *const memory_args[] = { "--vm", "1", "--vm-bytes",
    "256M", NULL };
static const char *const io_args[] = { "--hdd", "1", "--hdd-bytes", "64M",
    NULL };

static const struct {
	const char *name;
	const char *const *args;
} defaults[] = {
	{ "idle", idle_args },
	{ "cpu", cpu_args },
	{ "memory", memory_args },
	{ "io", io_args },
};

#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

/* Whether NAME is a profile name: letters, digits, '_', '-' and '.'. */
static int
good_name(const char *name)
{
	const char *s;

	if (*name == '\0')
		return 0;
	for (s = name; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", *s) == NULL)
			return 0;
	return 1;
}

int
hx_profile_check(const json_t *value, const char *path,
    const json_t *positions, char *err, size_t errlen)
{
	char pointer[1100];
	const char *name;
	json_t *args, *arg;
	size_t i;

	if (!json_is_object(value)) {
		hx_json_locate(err, errlen, path, positions, "/profiles",
		    "profiles must be an object");
		return -1;
	}
	json_object_foreach((json_t *)value, name, args) {
		snprintf(pointer, sizeof(pointer), "/profiles/%s", name);
		if (!good_name(name)) {
			hx_json_locate(err, errlen, path, positions, pointer,
			    "profile \"%s\": a name is letters, digits, '_', "
			    "'-' and '.'", name);
			return -1;
		}
		if (!json_is_array(args)) {
			hx_json_locate(err, errlen, path, positions, pointer,
			    "profile %s: the stress-ng arguments are an array "
			    "of strings", name);
			return -1;
		}
		json_array_foreach(args, i, arg)
			if (!json_is_string(arg)) {
				snprintf(pointer, sizeof(pointer),
				    "/profiles/%s/%zu", name, i);
				hx_json_locate(err, errlen, path, positions,
				    pointer, "profile %s: argument %zu is not "
				    "a string", name, i);
				return -1;
			}
	}
	return 0;
}

void
hx_profile_defaults(struct hx_profiles *out)
{
	size_t i;

	out->json = NULL;
	out->n = NDEFAULTS;
	out->list = hx_xcalloc(NDEFAULTS, sizeof(*out->list));
	for (i = 0; i < NDEFAULTS; i++) {
		out->list[i].name = defaults[i].name;
		out->list[i].args = (const char **)defaults[i].args;
	}
}

int
hx_profile_load(const char *path, struct hx_profiles *out, char *err,
    size_t errlen)
{
	struct hx_json_error jerr;
	json_t *positions = NULL, *value, *args;
	const char *name;
	char *text;
	size_t len, k;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((text = hx_json_read_text(path, &len)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -2;
	}
	out->json = hx_json_parse_at(text, len, &positions, &jerr);
	free(text);
	if (out->json == NULL) {
		snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line,
		    jerr.column, jerr.text);
		return -1;
	}
	value = json_object_get(out->json, "profiles");
	if (value == NULL) {
		hx_json_locate(err, errlen, path, positions, "", "no "
		    "\"profiles\" object");
		rc = -1;
	} else
		rc = hx_profile_check(value, path, positions, err, errlen);
	json_decref(positions);
	if (rc < 0) {
		hx_profile_free(out);
		return -1;
	}
	out->list = hx_xcalloc(json_object_size(value) + 1,
	    sizeof(*out->list));
	json_object_foreach(value, name, args) {
		struct hx_profile *p = &out->list[out->n++];

		p->name = name;
		p->args = hx_xcalloc(json_array_size(args) + 1,
		    sizeof(*p->args));
		for (k = 0; k < json_array_size(args); k++)
			p->args[k] = json_string_value(json_array_get(args,
			    k));
	}
	return 0;
}

const struct hx_profile *
hx_profile_find(const struct hx_profiles *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->list[i].name, name) == 0)
			return &p->list[i];
	return NULL;
}

char *
hx_profile_names(const struct hx_profiles *p)
{
	char *s = hx_xstrdup(""), *t;
	size_t i;

	for (i = 0; i < p->n; i++) {
		t = hx_xasprintf("%s%s%s", s, i > 0 ? ", " : "",
		    p->list[i].name);
		free(s);
		s = t;
	}
	return s;
}

void
hx_profile_free(struct hx_profiles *p)
{
	size_t i;

	if (p->json != NULL)
		for (i = 0; i < p->n; i++)
			free(p->list[i].args);
	free(p->list);
	json_decref(p->json);
	memset(p, 0, sizeof(*p));
}
