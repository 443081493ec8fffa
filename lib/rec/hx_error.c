/*
 * hx_error.c: the error record read, checked and written.
 */
#include "config.h"

#include <string.h>

#include "rec/hx_error.h"

int
hx_error_read(const json_t *json, struct hx_error *out, char **message)
{
	const char *w = "error ";
	int64_t line = 0, column = 0;

	hx_error_clear(out);
	if (hx_field_string(json, w, "program", HX_FIELD_REQUIRED,
	    &out->program, message) < 0 ||
	    hx_field_string(json, w, "file", HX_FIELD_REQUIRED, &out->file,
	    message) < 0 ||
	    hx_field_integer(json, w, "line", HX_FIELD_OPTIONAL, 1, &line,
	    message) < 0 ||
	    hx_field_integer(json, w, "column", HX_FIELD_OPTIONAL, 1, &column,
	    message) < 0 ||
	    hx_field_string(json, w, "message", HX_FIELD_REQUIRED,
	    &out->message, message) < 0) {
		hx_error_clear(out);
		return -1;
	}
	out->line = (unsigned long)line;
	out->column = (size_t)column;
	return 0;
}

json_t *
hx_error_to_json(const struct hx_error *e)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("error"));
	hx_field_set_string(rec, "program", e->program);
	hx_field_set_string(rec, "file", e->file);
	if (e->line > 0)
		json_object_set_new(rec, "line", json_integer(
		    (json_int_t)e->line));
	if (e->column > 0)
		json_object_set_new(rec, "column", json_integer(
		    (json_int_t)e->column));
	hx_field_set_string(rec, "message", e->message);
	return rec;
}

void
hx_error_clear(struct hx_error *e)
{
	memset(e, 0, sizeof(*e));
}
