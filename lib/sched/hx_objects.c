/*
 * hx_objects.c: JSON lines or one JSON document, as a list of objects.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sched/hx_objects.h"

/* Keep VALUE (a new reference) for the life of O. */
static void
keep(struct hx_objects *o, json_t *value)
{
	o->keep = hx_xgrow(o->keep, o->nkeep, sizeof(*o->keep));
	o->keep[o->nkeep++] = value;
}

static void
add(struct hx_objects *o, json_t *item, unsigned long line)
{
	o->items = hx_xgrow(o->items, o->n, sizeof(*o->items));
	o->lines = hx_xgrow(o->lines, o->n, sizeof(*o->lines));
	o->items[o->n] = item;
	o->lines[o->n++] = line;
}

/* The elements of ARRAY, each an object, with the lines POSITIONS give. */
static int
document(struct hx_objects *o, json_t *array, const char *prefix,
    const json_t *positions, char **message)
{
	json_t *item, *pos;
	char pointer[64];
	size_t i;

	json_array_foreach(array, i, item) {
		snprintf(pointer, sizeof(pointer), "%s/%zu", prefix, i);
		pos = json_object_get(positions, pointer);
		if (!json_is_object(item)) {
			*message = hx_xasprintf("%d:%d: item %zu is not an "
			    "object", (int)json_integer_value(json_array_get(
			    pos, 0)), (int)json_integer_value(json_array_get(
			    pos, 1)), i);
			return -1;
		}
		add(o, item, (unsigned long)json_integer_value(
		    json_array_get(pos, 0)));
	}
	return 0;
}

/* One object a line; blank lines are skipped. */
static int
lines(struct hx_objects *o, const char *buf, size_t len, char **message)
{
	struct hx_json_error err;
	const char *p = buf, *end = buf + len, *nl;
	unsigned long line = 0;
	json_t *v;

	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (strspn(p, " \t\r") >= (size_t)(nl - p))
			continue;
		if ((v = hx_json_parse(p, (size_t)(nl - p), &err)) == NULL) {
			*message = hx_xasprintf("%lu:%d: %s", line, err.column,
			    err.text);
			return -1;
		}
		keep(o, v);
		if (!json_is_object(v)) {
			*message = hx_xasprintf("%lu:1: expected an object",
			    line);
			return -1;
		}
		add(o, v, line);
	}
	return 0;
}

int
hx_objects_parse(const char *buf, size_t len, const char *key,
    struct hx_objects *out, char **message)
{
	struct hx_json_error err;
	json_t *doc = NULL, *positions = NULL, *array = NULL;
	size_t skip = strspn(buf, " \t\r\n");
	char *prefix;
	int rc;

	memset(out, 0, sizeof(*out));
	if (skip < len && (buf[skip] == '[' || buf[skip] == '{'))
		doc = hx_json_parse_at(buf, len, &positions, &err);
	if (doc == NULL && skip < len && buf[skip] == '[') {
		*message = hx_xasprintf("%d:%d: %s", err.line, err.column,
		    err.text);
		return -1;
	}
	if (doc != NULL)
		array = json_is_array(doc) ? doc : json_object_get(doc, key);
	if (!json_is_array(array)) {
		json_decref(doc);
		json_decref(positions);
		rc = lines(out, buf, len, message);
	} else {
		keep(out, doc);
		prefix = array == doc ? hx_xstrdup("") :
		    hx_xasprintf("/%s", key);
		rc = document(out, array, prefix, positions, message);
		free(prefix);
		json_decref(positions);
	}
	if (rc < 0)
		hx_objects_clear(out);
	return rc;
}

void
hx_objects_clear(struct hx_objects *o)
{
	size_t i;

	for (i = 0; i < o->nkeep; i++)
		json_decref(o->keep[i]);
	free(o->keep);
	free(o->items);
	free(o->lines);
	memset(o, 0, sizeof(*o));
}
