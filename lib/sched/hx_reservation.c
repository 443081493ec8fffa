/*
 * hx_reservation.c: reservation files read, times parsed, nodes covered.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rec/hx_field.h"
#include "sched/hx_reservation.h"

/* N digits at *P as a number, advancing *P; -1 when they are not. */
static int
digits(const char **p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + *(*p)++ - '0';
	}
	return v;
}

/* Whether *P starts with C, then step over it. */
static bool
expect(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

int
hx_reservation_time(const char *s, int64_t *ns)
{
	struct tm tm;
	int64_t frac = 0, scale = 1000000000, offset = 0;
	int sign, oh, om;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if ((tm.tm_year = digits(&s, 4)) < 0 || !expect(&s, '-') ||
	    (tm.tm_mon = digits(&s, 2)) < 1 || tm.tm_mon > 12 ||
	    !expect(&s, '-') || (tm.tm_mday = digits(&s, 2)) < 1 ||
	    tm.tm_mday > 31 || (*s != 'T' && *s != 't' && *s != ' '))
		return -1;
	s++;
	if ((tm.tm_hour = digits(&s, 2)) < 0 || tm.tm_hour > 23 ||
	    !expect(&s, ':') || (tm.tm_min = digits(&s, 2)) < 0 ||
	    tm.tm_min > 59 || !expect(&s, ':') ||
	    (tm.tm_sec = digits(&s, 2)) < 0 || tm.tm_sec > 60)
		return -1;
	if (expect(&s, '.')) {
		if (!isdigit((unsigned char)*s))
			return -1;
		for (; isdigit((unsigned char)*s); s++)
			if (scale > 1) {
				scale /= 10;
				frac += (*s - '0') * scale;
			}
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if ((oh = digits(&s, 2)) < 0 || oh > 23 || !expect(&s, ':') ||
		    (om = digits(&s, 2)) < 0 || om > 59)
			return -1;
		offset = sign * (oh * 3600 + om * 60);
	} else
		return -1;
	if (*s != '\0')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*ns = ((int64_t)t - offset) * 1000000000 + frac;
	return 0;
}

/* KEY (RFC 3339) or KEY_ns (an integer) of OBJ: one must be there. */
static int
read_time(const json_t *obj, const char *key, int64_t *out, char **message)
{
	char *key_ns = hx_xasprintf("%s_ns", key);
	const char *text = NULL;
	int rc;

	rc = hx_field_integer(obj, "reservation ", key_ns, HX_FIELD_OPTIONAL,
	    0, out, message);
	free(key_ns);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if ((rc = hx_field_string(obj, "reservation ", key, HX_FIELD_REQUIRED,
	    &text, message)) < 0)
		return -1;
	if (hx_reservation_time(text, out) < 0)
		return hx_field_fault(message, "reservation ", key,
		    "is not an RFC 3339 time: %s", text);
	return 0;
}

/* One reservation from OBJ into *R. */
static int
read_one(const json_t *obj, struct hx_reservation *r, char **message)
{
	const char **selector = NULL;
	size_t i;
	char *m;
	int rc;

	if (hx_field_string(obj, "reservation ", "name", HX_FIELD_OPTIONAL,
	    &r->name, message) < 0 ||
	    hx_field_string(obj, "reservation ", "team", HX_FIELD_REQUIRED,
	    &r->team, message) < 0 ||
	    read_time(obj, "start", &r->start_ns, message) < 0 ||
	    read_time(obj, "end", &r->end_ns, message) < 0 ||
	    hx_field_strings(obj, "reservation ", "nodes", HX_FIELD_OPTIONAL,
	    &r->nodes, message) < 0 ||
	    hx_field_strings(obj, "reservation ", "selector",
	    HX_FIELD_OPTIONAL, &selector, message) < 0)
		return -1;
	if (r->end_ns <= r->start_ns)
		rc = hx_field_fault(message, "reservation ", "end",
		    "is not after start");
	else if (r->nodes == NULL && selector == NULL)
		rc = hx_field_fault(message, "reservation ", "nodes",
		    "and selector are both missing");
	else
		rc = 0;
	for (i = 0; rc == 0 && selector != NULL && selector[i] != NULL;
	    i++) {
		r->selector = hx_xrealloc(r->selector, (i + 1) *
		    sizeof(*r->selector));
		if ((rc = hx_selector_parse(selector[i], &r->selector[i],
		    &m)) < 0) {
			*message = hx_xasprintf("reservation selector[%zu]: "
			    "%s", i, m);
			free(m);
		} else
			r->nselector = i + 1;
	}
	free(selector);
	return rc;
}

int
hx_reservation_parse(const char *buf, size_t len,
    struct hx_reservation_list *out, char **message)
{
	struct hx_reservation *r;
	char *m;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (hx_objects_parse(buf, len, "reservations", &out->objects,
	    message) < 0)
		return -1;
	out->items = hx_xcalloc(out->objects.n + 1, sizeof(*out->items));
	for (i = 0; i < out->objects.n; i++) {
		r = &out->items[i];
		r->line = out->objects.lines[i];
		out->n = i + 1;
		if (read_one(out->objects.items[i], r, &m) < 0) {
			*message = hx_xasprintf("%lu: %s", r->line, m);
			free(m);
			hx_reservation_list_clear(out);
			return -1;
		}
	}
	return 0;
}

bool
hx_reservation_covers(const struct hx_reservation *r,
    const struct hx_node *n)
{
	size_t i;

	if (r->nodes != NULL) {
		for (i = 0; r->nodes[i] != NULL; i++)
			if (strcmp(r->nodes[i], n->name) == 0)
				break;
		if (r->nodes[i] == NULL)
			return false;
	}
	for (i = 0; i < r->nselector; i++)
		if (!hx_selector_match(&r->selector[i], n))
			return false;
	return true;
}

void
hx_reservation_list_clear(struct hx_reservation_list *list)
{
	size_t i, j;

	for (i = 0; i < list->n; i++) {
		free(list->items[i].nodes);
		for (j = 0; j < list->items[i].nselector; j++)
			hx_selector_clear(&list->items[i].selector[j]);
		free(list->items[i].selector);
	}
	free(list->items);
	hx_objects_clear(&list->objects);
	memset(list, 0, sizeof(*list));
}
