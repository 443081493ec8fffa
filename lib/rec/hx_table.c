/*
 * hx_table: an array of JSON objects and what the prompt asks of it.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hx_json.h"
#include "hx_strv.h"
#include "rec/hx_table.h"

/* A column is at most this wide; longer values end in "...". */
#define CELL_MAX 32

struct hx_table {
	json_t **recs;
	size_t n, cap;
};

static struct hx_table *
table_new(void)
{
	return hx_xcalloc(1, sizeof(struct hx_table));
}

static void
table_add(struct hx_table *t, json_t *rec)
{
	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->recs = hx_xrealloc(t->recs, t->cap * sizeof(*t->recs));
	}
	t->recs[t->n++] = json_incref(rec);
}

struct hx_table *
hx_table_read(const char *path, struct hx_err_info *err)
{
	struct hx_table *t;
	json_t *rec;
	char *text, *line, *next;
	size_t len;

	if ((text = hx_json_read_text(path, &len)) == NULL) {
		hx_err_set(err, HX_EXIT_SYSTEM, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	t = table_new();
	for (line = text; line < text + len; line = next) {
		if ((next = memchr(line, '\n', (size_t)(text + len - line))) ==
		    NULL)
			next = text + len;
		if (next > line) {
			rec = json_loadb(line, (size_t)(next - line), 0, NULL);
			if (json_is_object(rec))
				table_add(t, rec);
			json_decref(rec);
		}
		next++;
	}
	free(text);
	return t;
}

/* The value at the dotted PATH in REC, or NULL. */
static json_t *
lookup(json_t *rec, const char *path)
{
	char *copy = hx_xstrdup(path), *name, *save = NULL;
	json_t *v = rec;

	for (name = strtok_r(copy, ".", &save); name != NULL && v != NULL;
	    name = strtok_r(NULL, ".", &save))
		v = json_is_object(v) ? json_object_get(v, name) : NULL;
	free(copy);
	return v;
}

/* V as text: a string as it is, else compact JSON.  A new string. */
static char *
text_of(const json_t *v)
{
	char *s;

	if (json_is_string(v))
		return hx_xstrdup(json_string_value(v));
	/* Only allocation fails here: the caller's x-allocators say so. */
	if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL)
		return hx_xstrdup("?");
	return s;
}

/* Index of S in V, NULL-terminated, or -1. */
static long
strv_index(char *const *v, const char *s)
{
	long i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(v[i], s) == 0)
			return i;
	return -1;
}

/* Append S, a new string, to *V of *N entries, NULL-terminated. */
static void
strv_push(char ***v, size_t *n, char *s)
{
	*v = hx_xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/*
 * The top-level fields in the order first seen, NULL-terminated, with in
 * *COUNTS (when not NULL, a new array) how many records have each.
 */
static char **
fields_of(const struct hx_table *t, size_t **counts)
{
	char **v = hx_xcalloc(1, sizeof(*v));
	size_t n = 0, *c = NULL, i;
	const char *key;
	json_t *value;
	long k;

	for (i = 0; i < t->n; i++)
		json_object_foreach(t->recs[i], key, value) {
			if ((k = strv_index(v, key)) < 0) {
				strv_push(&v, &n, hx_xstrdup(key));
				c = hx_xrealloc(c, n * sizeof(*c));
				c[n - 1] = 0;
				k = (long)n - 1;
			}
			c[k]++;
		}
	if (counts != NULL)
		*counts = c;
	else
		free(c);
	return v;
}

/* The distinct values of FIELD as text, in the order first seen. */
static char **
values_of(const struct hx_table *t, const char *field)
{
	char **v = hx_xcalloc(1, sizeof(*v)), *s;
	size_t n = 0, i;
	json_t *value;

	for (i = 0; i < t->n; i++) {
		if ((value = lookup(t->recs[i], field)) == NULL)
			continue;
		s = text_of(value);
		if (strv_index(v, s) < 0)
			strv_push(&v, &n, s);
		else
			free(s);
	}
	return v;
}

/* The records whose FIELD, as text, is VALUE: a new table. */
static struct hx_table *
where_is(const struct hx_table *t, const char *field, const char *value)
{
	struct hx_table *out = table_new();
	json_t *v;
	char *s;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if ((v = lookup(t->recs[i], field)) == NULL)
			continue;
		s = text_of(v);
		if (strcmp(s, value) == 0)
			table_add(out, t->recs[i]);
		free(s);
	}
	return out;
}

int
hx_table_conditions(char *const *conds, int n, struct hx_err_info *err)
{
	const char *eq;
	int i;

	if (n < 1)
		return hx_err_set(err, HX_EXIT_USAGE, "expected FIELD=VALUE");
	for (i = 0; i < n; i++)
		if ((eq = strchr(conds[i], '=')) == NULL || eq == conds[i])
			return hx_err_set(err, HX_EXIT_USAGE,
			    "%s: expected FIELD=VALUE", conds[i]);
	return 0;
}

struct hx_table *
hx_table_select(const struct hx_table *t, char *const *conds, int n)
{
	struct hx_table *out = table_new(), *next;
	char *field;
	const char *eq;
	size_t k;
	int i;

	for (k = 0; k < t->n; k++)
		table_add(out, t->recs[k]);
	for (i = 0; i < n; i++) {
		eq = strchr(conds[i], '=');
		field = hx_xasprintf("%.*s", (int)(eq - conds[i]), conds[i]);
		next = where_is(out, field, eq + 1);
		free(field);
		hx_table_free(out);
		out = next;
	}
	return out;
}

char **
hx_table_complete(const struct hx_table *t, const char *text)
{
	const char *eq = strchr(text, '=');
	char **names, **v = hx_xcalloc(1, sizeof(*v)), *field;
	size_t n = 0, i;

	if (eq == NULL) {
		names = fields_of(t, NULL);
		for (i = 0; names[i] != NULL; i++)
			strv_push(&v, &n, hx_xasprintf("%s=", names[i]));
	} else {
		field = hx_xasprintf("%.*s", (int)(eq - text), text);
		names = values_of(t, field);
		for (i = 0; names[i] != NULL; i++)
			strv_push(&v, &n, hx_xasprintf("%s=%s", field,
			    names[i]));
		free(field);
	}
	hx_strv_free(names);
	return v;
}

int
hx_table_write_count(const struct hx_table *t, FILE *f)
{
	struct hx_table *of;
	char **types;
	size_t i;

	fprintf(f, "%zu record%s", t->n, t->n == 1 ? "" : "s");
	types = values_of(t, "type");
	for (i = 0; types[i] != NULL; i++) {
		of = where_is(t, "type", types[i]);
		fprintf(f, "%s %zu %s", i == 0 ? ":" : ",", of->n, types[i]);
		hx_table_free(of);
	}
	fputc('\n', f);
	hx_strv_free(types);
	return ferror(f) ? -1 : 0;
}

int
hx_table_write_fields(const struct hx_table *t, FILE *f)
{
	size_t *counts, i;
	char **names = fields_of(t, &counts);

	for (i = 0; names[i] != NULL; i++)
		fprintf(f, "%-20s %zu\n", names[i], counts[i]);
	hx_strv_free(names);
	free(counts);
	return ferror(f) ? -1 : 0;
}

int
hx_table_write_json(const struct hx_table *t, FILE *f)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (json_dumpf(t->recs[i], f, JSON_COMPACT) != 0 ||
		    fputc('\n', f) == EOF)
			return -1;
	return fflush(f) == EOF ? -1 : 0;
}

/* Columns of S: its UTF-8 characters, as a terminal counts most. */
static size_t
columns(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Cut S after N characters. */
static void
cut(char *s, size_t n)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80 && n-- == 0) {
			*s = '\0';
			return;
		}
}

/* The text of V in a cell, at most CELL_MAX columns: a new string. */
static char *
cell(json_t *v)
{
	char *s = v == NULL ? hx_xstrdup("-") : text_of(v), *p;

	for (p = s; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	if (columns(s) > CELL_MAX) {
		cut(s, CELL_MAX - 3);
		p = hx_xasprintf("%s...", s);
		free(s);
		s = p;
	}
	return s;
}

/* Print S and, unless it is the LAST column, pad it past WIDTH. */
static int
put_cell(FILE *f, const char *s, size_t width, bool last)
{
	size_t w = columns(s);

	if (fputs(s, f) == EOF)
		return -1;
	while (!last && w++ < width + 2)
		if (fputc(' ', f) == EOF)
			return -1;
	return 0;
}

int
hx_table_write_text(const struct hx_table *t, FILE *f, size_t width)
{
	char **fields = fields_of(t, NULL), ***cells;
	size_t nf = 0, *w, *order, i, j, k, ncol = 0, used = 0, last = 0;
	int pass;
	bool *shown;
	json_t *v;
	int rc = 0;

	if (t->n == 0) {
		hx_strv_free(fields);
		return 0;
	}
	while (fields[nf] != NULL)
		nf++;
	w = hx_xcalloc(nf + 1, sizeof(*w));
	shown = hx_xcalloc(nf + 1, sizeof(*shown));
	cells = hx_xcalloc(t->n + 1, sizeof(*cells));
	for (i = 0; i < t->n; i++) {
		cells[i] = hx_xcalloc(nf + 1, sizeof(**cells));
		for (k = 0; k < nf; k++) {
			v = json_object_get(t->recs[i], fields[k]);
			cells[i][k] = cell(v);
			if (columns(cells[i][k]) > w[k])
				w[k] = columns(cells[i][k]);
		}
	}
	/* type, name and status first: what a reader looks for. */
	order = hx_xcalloc(nf + 1, sizeof(*order));
	for (pass = 0, j = 0; pass < 2; pass++)
		for (k = 0; k < nf; k++)
			if ((strcmp(fields[k], "type") == 0 ||
			    strcmp(fields[k], "name") == 0 ||
			    strcmp(fields[k], "status") == 0) == (pass == 0))
				order[j++] = k;
	/* Scalar fields only, in that order, while they fit. */
	for (j = 0; j < nf; j++) {
		k = order[j];
		if (columns(fields[k]) > w[k])
			w[k] = columns(fields[k]);
		for (i = 0; i < t->n; i++) {
			v = json_object_get(t->recs[i], fields[k]);
			if (json_is_object(v) || json_is_array(v))
				break;
		}
		if (i == t->n && (ncol == 0 || used + w[k] + 2 <= width)) {
			shown[k] = true;
			used += w[k] + 2;
			ncol++;
			last = k;
		}
	}
	for (i = 0; rc == 0 && i <= t->n; i++) {
		for (j = 0; rc == 0 && j < nf; j++)
			if (shown[k = order[j]])
				rc = put_cell(f, i == 0 ? fields[k] :
				    cells[i - 1][k], w[k], k == last);
		if (rc == 0 && fputc('\n', f) == EOF)
			rc = -1;
	}
	for (i = 0; i < t->n; i++)
		hx_strv_free(cells[i]);
	free(cells);
	free(order);
	free(shown);
	free(w);
	hx_strv_free(fields);
	return rc == 0 && fflush(f) != EOF ? 0 : -1;
}

void
hx_table_free(struct hx_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		json_decref(t->recs[i]);
	free(t->recs);
	free(t);
}
