/*
 * hx_span.c: the span record read, checked and written, and the W3C
 * trace context (https://www.w3.org/TR/trace-context/).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "rec/hx_span.h"

static const char *const hx_span_kind_names[] = {
	"internal", "server", "client", NULL,
};

static const char *const hx_span_status_names[] = {
	"ok", "error", NULL,
};

const char *
hx_span_kind_name(enum hx_span_kind kind)
{
	return hx_span_kind_names[kind];
}

/* Whether the N characters at S are lowercase hex digits. */
static bool
lowercase_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

void
hx_span_init(struct hx_span *s)
{
	memset(s, 0, sizeof(*s));
}

bool
hx_span_id_valid(const char *s, size_t n)
{
	return strnlen(s, n + 1) == n && lowercase_hex(s, n) &&
	    strspn(s, "0") < n;
}

/* The id KEY of OBJ, N hex digits: as hx_field_string does. */
static int
id_field(const json_t *obj, const char *key, int how, size_t n,
    const char **out, char **message)
{
	const char *s;
	int rc;

	if ((rc = hx_field_string(obj, "span ", key, how, &s, message)) <= 0)
		return rc;
	if (!hx_span_id_valid(s, n))
		return hx_field_fault(message, "span ", key,
		    "is not %zu lowercase hex digits, not all zero: %s", n, s);
	*out = s;
	return 1;
}

/*
 * The counters object of JSON into OUT: integers from 0 up, or null for
 * a counter this machine does not have.
 */
static int
counters_field(const json_t *json, struct hx_span *out, char **message)
{
	const json_t *map = NULL;
	const char *name;
	json_t *v;
	size_t i = 0;
	int rc;

	if ((rc = hx_field_object(json, "span ", "counters",
	    HX_FIELD_OPTIONAL, &map, message)) <= 0)
		return rc;
	out->counters = hx_xcalloc(json_object_size(map) + 1,
	    sizeof(*out->counters));
	json_object_foreach((json_t *)map, name, v) {
		if (!json_is_null(v) && (!json_is_integer(v) ||
		    json_integer_value(v) < 0)) {
			*message = hx_xasprintf("span counters.%s is not an "
			    "integer from 0 up or null", name);
			return -1;
		}
		out->counters[i].name = name;
		out->counters[i].supported = !json_is_null(v);
		out->counters[i++].value = json_is_null(v) ? 0 :
		    (int64_t)json_integer_value(v);
	}
	out->ncounters = i;
	return 1;
}

int
hx_span_read(const json_t *json, struct hx_span *out, char **message)
{
	const char *w = "span ";
	int kind = 0, status = 0;

	hx_span_init(out);
	if (id_field(json, "trace_id", HX_FIELD_REQUIRED,
	    HX_SPAN_TRACE_ID_HEX, &out->trace_id, message) < 0 ||
	    id_field(json, "span_id", HX_FIELD_REQUIRED,
	    HX_SPAN_SPAN_ID_HEX, &out->span_id, message) < 0 ||
	    id_field(json, "parent_id", HX_FIELD_OPTIONAL,
	    HX_SPAN_SPAN_ID_HEX, &out->parent_id, message) < 0 ||
	    hx_field_string(json, w, "name", HX_FIELD_REQUIRED, &out->name,
	    message) < 0 ||
	    hx_field_string(json, w, "service", HX_FIELD_REQUIRED,
	    &out->service, message) < 0 ||
	    hx_field_string(json, w, "host", HX_FIELD_OPTIONAL, &out->host,
	    message) < 0 ||
	    hx_field_enum(json, w, "kind", HX_FIELD_REQUIRED,
	    hx_span_kind_names, &kind, message) < 0 ||
	    hx_field_integer(json, w, "start_ns", HX_FIELD_REQUIRED, 0,
	    &out->start_ns, message) < 0 ||
	    hx_field_integer(json, w, "end_ns", HX_FIELD_REQUIRED, 0,
	    &out->end_ns, message) < 0 ||
	    hx_field_enum(json, w, "status", HX_FIELD_REQUIRED,
	    hx_span_status_names, &status, message) < 0 ||
	    hx_field_string(json, w, "message", HX_FIELD_OPTIONAL,
	    &out->message, message) < 0 ||
	    hx_field_pairs(json, w, "attrs", HX_FIELD_OPTIONAL, &out->attrs,
	    &out->nattrs, message) < 0 ||
	    counters_field(json, out, message) < 0)
		goto fail;
	if (out->end_ns < out->start_ns) {
		hx_field_fault(message, w, "end_ns", "is before start_ns");
		goto fail;
	}
	if (out->parent_id != NULL &&
	    strcmp(out->parent_id, out->span_id) == 0) {
		hx_field_fault(message, w, "parent_id", "is the span's own id");
		goto fail;
	}
	out->kind = (enum hx_span_kind)kind;
	out->error = status == 1;
	return 0;
fail:
	hx_span_clear(out);
	return -1;
}

json_t *
hx_span_to_json(const struct hx_span *s)
{
	json_t *rec = json_object(), *map;
	size_t i;

	json_object_set_new(rec, "type", json_string("span"));
	hx_field_set_string(rec, "trace_id", s->trace_id);
	hx_field_set_string(rec, "span_id", s->span_id);
	hx_field_set_string(rec, "parent_id", s->parent_id);
	hx_field_set_string(rec, "name", s->name);
	hx_field_set_string(rec, "service", s->service);
	hx_field_set_string(rec, "host", s->host);
	json_object_set_new(rec, "kind",
	    json_string(hx_span_kind_name(s->kind)));
	json_object_set_new(rec, "start_ns", json_integer(s->start_ns));
	json_object_set_new(rec, "end_ns", json_integer(s->end_ns));
	json_object_set_new(rec, "status",
	    json_string(hx_span_status_names[s->error]));
	hx_field_set_string(rec, "message", s->message);
	hx_field_set_pairs(rec, "attrs", s->attrs, s->nattrs);
	if (s->counters != NULL) {
		map = json_object();
		for (i = 0; i < s->ncounters; i++)
			json_object_set_new(map, s->counters[i].name,
			    s->counters[i].supported ?
			    json_integer(s->counters[i].value) : json_null());
		json_object_set_new(rec, "counters", map);
	}
	return rec;
}

void
hx_span_clear(struct hx_span *s)
{
	free(s->attrs);
	free(s->counters);
	hx_span_init(s);
}

int
hx_span_traceparent_parse(const char *s, char trace_id[33],
    char parent_id[17])
{
	size_t len = strlen(s);

	if (len < HX_SPAN_TRACEPARENT_LEN || !lowercase_hex(s, 2) ||
	    strncmp(s, "ff", 2) == 0 || s[2] != '-' || s[35] != '-' ||
	    s[52] != '-' || !lowercase_hex(s + 53, 2))
		return -1;
	if (strncmp(s, "00", 2) == 0 ? len != HX_SPAN_TRACEPARENT_LEN :
	    len > HX_SPAN_TRACEPARENT_LEN && s[55] != '-')
		return -1;
	memcpy(trace_id, s + 3, HX_SPAN_TRACE_ID_HEX);
	trace_id[HX_SPAN_TRACE_ID_HEX] = '\0';
	memcpy(parent_id, s + 36, HX_SPAN_SPAN_ID_HEX);
	parent_id[HX_SPAN_SPAN_ID_HEX] = '\0';
	if (!hx_span_id_valid(trace_id, HX_SPAN_TRACE_ID_HEX) ||
	    !hx_span_id_valid(parent_id, HX_SPAN_SPAN_ID_HEX))
		return -1;
	return 0;
}

void
hx_span_traceparent_format(char out[56], const char *trace_id,
    const char *span_id)
{
	snprintf(out, HX_SPAN_TRACEPARENT_LEN + 1, "00-%.32s-%.16s-01",
	    trace_id, span_id);
}

int
hx_span_new_id(char *out, size_t nhex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char bytes[HX_SPAN_TRACE_ID_HEX / 2];
	size_t i, got;
	ssize_t n;

	if (nhex != HX_SPAN_SPAN_ID_HEX && nhex != HX_SPAN_TRACE_ID_HEX)
		return -EINVAL;
	do {
		for (got = 0; got < nhex / 2; got += (size_t)n)
			if ((n = getrandom(bytes + got, nhex / 2 - got,
			    0)) < 0 && errno != EINTR)
				return -errno;
			else if (n < 0)
				n = 0;
		for (i = 0; i < nhex / 2; i++) {
			out[2 * i] = digits[bytes[i] >> 4];
			out[2 * i + 1] = digits[bytes[i] & 0xf];
		}
		out[nhex] = '\0';
	} while (!hx_span_id_valid(out, nhex));
	return 0;
}
