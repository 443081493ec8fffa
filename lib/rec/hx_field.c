/*
 * hx_field.c: one checked reader per kind of field, and the writers that
 * pair with them, so that every record type validates alike.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec/hx_field.h"

int
hx_field_index(const char *const *names, const char *name)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int
hx_field_fault(char **message, const char *where, const char *key,
    const char *fmt, ...)
{
	va_list ap;
	char *rest;

	va_start(ap, fmt);
	rest = hx_xvasprintf(fmt, ap);
	va_end(ap);
	*message = hx_xasprintf("%s%s %s", where, key, rest);
	free(rest);
	return -1;
}

/*
 * The member KEY of OBJ: 1 with *V set, 0 when an optional one is left
 * out, -1 when a required one is or when IS (if given) says it is not
 * WHAT it must be.
 */
static int
member(const json_t *obj, const char *where, const char *key, int how,
    bool (*is)(const json_t *), const char *what, json_t **v,
    char **message)
{
	*v = json_object_get(obj, key);
	if (*v == NULL && (how & HX_FIELD_REQUIRED))
		return hx_field_fault(message, where, key, "is missing");
	if (*v == NULL)
		return 0;
	if (is != NULL && !is(*v))
		return hx_field_fault(message, where, key, "is not %s", what);
	return 1;
}

static bool
is_string(const json_t *v)
{
	return json_is_string(v);
}

static bool
is_boolean(const json_t *v)
{
	return json_is_boolean(v);
}

static bool
is_integer(const json_t *v)
{
	return json_is_integer(v);
}

static bool
is_object(const json_t *v)
{
	return json_is_object(v);
}

static bool
is_array(const json_t *v)
{
	return json_is_array(v);
}

int
hx_field_string(const json_t *obj, const char *where, const char *key,
    int how, const char **out, char **message)
{
	json_t *v;
	int rc = member(obj, where, key, how, is_string, "a string", &v,
	    message);

	if (rc > 0)
		*out = json_string_value(v);
	return rc;
}

int
hx_field_boolean(const json_t *obj, const char *where, const char *key,
    int how, bool *out, char **message)
{
	json_t *v;
	int rc = member(obj, where, key, how, is_boolean, "a boolean", &v,
	    message);

	if (rc > 0)
		*out = json_is_true(v);
	return rc;
}

int
hx_field_integer(const json_t *obj, const char *where, const char *key,
    int how, int64_t min, int64_t *out, char **message)
{
	json_t *v;
	int rc;

	if ((rc = member(obj, where, key, how, is_integer, "an integer", &v,
	    message)) <= 0)
		return rc;
	if (json_integer_value(v) < min)
		return hx_field_fault(message, where, key, min == 0 ?
		    "is negative" : "is less than %lld", (long long)min);
	*out = (int64_t)json_integer_value(v);
	return 1;
}

int
hx_field_number(const json_t *obj, const char *where, const char *key,
    int how, double min, double *out, char **message)
{
	json_t *v;
	double x;
	int rc;

	if ((rc = member(obj, where, key, how, NULL, NULL, &v,
	    message)) <= 0)
		return rc;
	if (json_is_null(v) && (how & HX_FIELD_NULL)) {
		*out = NAN;
		return 1;
	}
	if (!json_is_number(v))
		return hx_field_fault(message, where, key, "is not a number");
	x = json_number_value(v);
	if (!isfinite(x))
		return hx_field_fault(message, where, key, "is not finite");
	if (x < min)
		return hx_field_fault(message, where, key, min == 0 ?
		    "is negative" : "is less than %g", min);
	*out = x;
	return 1;
}

/* "a, b or c" of the NULL-terminated NAMES. */
static char *
alternatives(const char *const *names)
{
	char *list = hx_xstrdup(names[0]), *longer;
	size_t i;

	for (i = 1; names[i] != NULL; i++) {
		longer = hx_xasprintf("%s%s%s", list, names[i + 1] != NULL ?
		    ", " : " or ", names[i]);
		free(list);
		list = longer;
	}
	return list;
}

int
hx_field_enum(const json_t *obj, const char *where, const char *key,
    int how, const char *const *names, int *out, char **message)
{
	const char *s = NULL;
	char *list;
	int rc;

	if ((rc = hx_field_string(obj, where, key, how, &s, message)) <= 0)
		return rc;
	if ((*out = hx_field_index(names, s)) >= 0)
		return 1;
	list = alternatives(names);
	hx_field_fault(message, where, key, "is not %s: %s", list, s);
	free(list);
	return -1;
}

int
hx_field_object(const json_t *obj, const char *where, const char *key,
    int how, const json_t **out, char **message)
{
	json_t *v;
	int rc = member(obj, where, key, how, is_object, "an object", &v,
	    message);

	if (rc > 0)
		*out = v;
	return rc;
}

int
hx_field_strings(const json_t *obj, const char *where, const char *key,
    int how, const char ***out, char **message)
{
	const char **list;
	json_t *v, *item;
	size_t i;
	int rc;

	if ((rc = member(obj, where, key, how, is_array, "an array", &v,
	    message)) <= 0)
		return rc;
	list = hx_xcalloc(json_array_size(v) + 1, sizeof(*list));
	json_array_foreach(v, i, item) {
		if (!json_is_string(item)) {
			free(list);
			*message = hx_xasprintf("%s%s[%zu] is not a string",
			    where, key, i);
			return -1;
		}
		list[i] = json_string_value(item);
	}
	*out = list;
	return 1;
}

int
hx_field_pairs(const json_t *obj, const char *where, const char *key,
    int how, struct hx_field_pair **out, size_t *n, char **message)
{
	struct hx_field_pair *pairs;
	const char *name;
	json_t *v, *value;
	size_t i = 0;
	int rc;

	if ((rc = member(obj, where, key, how, is_object, "an object", &v,
	    message)) <= 0)
		return rc;
	pairs = hx_xcalloc(json_object_size(v) + 1, sizeof(*pairs));
	json_object_foreach(v, name, value) {
		if (!json_is_string(value)) {
			free(pairs);
			*message = hx_xasprintf("%s%s.%s is not a string",
			    where, key, name);
			return -1;
		}
		pairs[i].name = name;
		pairs[i++].value = json_string_value(value);
	}
	*out = pairs;
	*n = i;
	return 1;
}

void
hx_field_set_string(json_t *obj, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(obj, key, hx_json_text(s, strlen(s)));
}

void
hx_field_set_text(json_t *obj, const char *key, const char *s, size_t len)
{
	if (s != NULL)
		json_object_set_new(obj, key, hx_json_text(s, len));
}

void
hx_field_set_strings(json_t *obj, const char *key, const char *const *list)
{
	json_t *array;
	size_t i;

	if (list == NULL)
		return;
	array = json_array();
	for (i = 0; list[i] != NULL; i++)
		json_array_append_new(array, hx_json_text(list[i],
		    strlen(list[i])));
	json_object_set_new(obj, key, array);
}

void
hx_field_set_pairs(json_t *obj, const char *key,
    const struct hx_field_pair *pairs, size_t n)
{
	json_t *map;
	size_t i;

	if (pairs == NULL)
		return;
	map = json_object();
	for (i = 0; i < n; i++)
		json_object_set_new(map, pairs[i].name, hx_json_text(
		    pairs[i].value, strlen(pairs[i].value)));
	json_object_set_new(obj, key, map);
}

json_t *
hx_field_number_json(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

json_t *
hx_field_measurement_json(double x)
{
	if (x == floor(x) && fabs(x) <= 9007199254740992.0)
		return json_integer((json_int_t)x);
	return hx_field_number_json(x);
}
