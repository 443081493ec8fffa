/*
 * hx_json: jansson configured once for the whole suite.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hx_err.h"
#include "hx_json.h"
#include "hx_utf8.h"

#define PARSE_FLAGS JSON_REJECT_DUPLICATES
#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15))

static void
copy_error(struct hx_json_error *err, const json_error_t *jerr)
{
	if (err == NULL)
		return;
	err->line = jerr->line;
	err->column = jerr->column;
	snprintf(err->text, sizeof(err->text), "%s", jerr->text);
}

json_t *
hx_json_parse(const char *buf, size_t len, struct hx_json_error *err)
{
	json_error_t jerr;
	json_t *v;

	v = json_loadb(buf, len, PARSE_FLAGS, &jerr);
	if (v == NULL)
		copy_error(err, &jerr);
	return v;
}

/* Read all of the open file FP into a new buffer of *LEN bytes. */
static char *
slurp(FILE *fp, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	do {
		if (cap - n < 4096)
			buf = hx_xrealloc(buf, cap = cap ? 2 * cap : 8192);
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
	} while (got > 0);
	if (ferror(fp)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The text of a value being walked for its positions. */
struct walk {
	const char *p, *end, *line_start;
	int line;
	json_t *map;		/* pointer -> [line, column] */
	char path[1024];
};

static void
walk_ws(struct walk *w)
{
	while (w->p < w->end && strchr(" \t\r\n", *w->p) != NULL) {
		if (*w->p == '\n') {
			w->line++;
			w->line_start = w->p + 1;
		}
		w->p++;
	}
}

/* The 1-based column of w->p in characters, as jansson counts them. */
static int
walk_column(const struct walk *w)
{
	const char *q;
	int col = 1;

	for (q = w->line_start; q < w->p; q++)
		if (((unsigned char)*q & 0xc0) != 0x80)
			col++;
	return col;
}

/* Skip the string at w->p; returns its raw body in [*start, *stop). */
static void
walk_string(struct walk *w, const char **start, const char **stop)
{
	*start = ++w->p;
	while (w->p < w->end && *w->p != '"')
		w->p += *w->p == '\\' ? 2 : 1;
	*stop = w->p;
	if (w->p < w->end)
		w->p++;
}

/* Record where the value at w->p starts, then skip it and its children. */
static void
walk_value(struct walk *w)
{
	size_t base = strlen(w->path);
	const char *k, *kend;
	int index = 0;
	char open;

	walk_ws(w);
	if (w->p >= w->end)
		return;
	json_object_set_new(w->map, w->path,
	    json_pack("[ii]", w->line, walk_column(w)));
	if (*w->p == '"') {
		walk_string(w, &k, &kend);
		return;
	}
	if (*w->p != '{' && *w->p != '[') {
		while (w->p < w->end && strchr(",]} \t\r\n", *w->p) == NULL)
			w->p++;
		return;
	}
	open = *w->p++;
	for (;;) {
		walk_ws(w);
		if (w->p >= w->end || *w->p == (open == '{' ? '}' : ']')) {
			w->p++;
			break;
		}
		if (open == '{') {
			walk_string(w, &k, &kend);
			snprintf(w->path + base, sizeof(w->path) - base,
			    "/%.*s", (int)(kend - k), k);
			walk_ws(w);
			w->p++;		/* the colon */
		} else
			snprintf(w->path + base, sizeof(w->path) - base, "/%d",
			    index++);
		walk_value(w);
		w->path[base] = '\0';
		walk_ws(w);
		if (w->p < w->end && *w->p == ',')
			w->p++;
	}
}

/* Fill ERR for a file that cannot be read: line 0, errno kept. */
static void
read_error(struct hx_json_error *err)
{
	int saved = errno;

	if (err != NULL) {
		err->line = err->column = 0;
		snprintf(err->text, sizeof(err->text), "%s", strerror(saved));
	}
	errno = saved;
}

char *
hx_json_read_text(const char *path, size_t *len)
{
	struct stat st;
	char *text = NULL;
	FILE *fp;
	int saved;

	if ((fp = fopen(path, "re")) == NULL)
		return NULL;
	/* A directory opens, then reads as an empty text. */
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode))
		errno = EISDIR;
	else
		text = slurp(fp, len);
	saved = errno;
	fclose(fp);
	errno = saved;
	return text;
}

json_t *
hx_json_parse_at(const char *buf, size_t len, json_t **positions,
    struct hx_json_error *err)
{
	struct walk w;
	json_t *v;

	if ((v = hx_json_parse(buf, len, err)) != NULL && positions != NULL) {
		memset(&w, 0, sizeof(w));
		w.p = w.line_start = buf;
		w.end = buf + len;
		w.line = 1;
		w.map = *positions = json_object();
		walk_value(&w);
	}
	return v;
}

json_t *
hx_json_load_file_at(const char *path, json_t **positions,
    struct hx_json_error *err)
{
	char *text;
	size_t len;
	json_t *v;

	if ((text = hx_json_read_text(path, &len)) == NULL) {
		read_error(err);
		return NULL;
	}
	v = hx_json_parse_at(text, len, positions, err);
	free(text);
	return v;
}

json_t *
hx_json_load_manifest(const char *path, json_t **positions, char *err,
    size_t errlen, int *status)
{
	struct hx_json_error jerr;
	json_t *v;

	if ((v = hx_json_load_file_at(path, positions, &jerr)) != NULL)
		return v;
	if (jerr.line == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		*status = HX_EXIT_SYSTEM;
	} else {
		snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line,
		    jerr.column, jerr.text);
		*status = HX_EXIT_INPUT;
	}
	return NULL;
}

json_t *
hx_json_load_file(const char *path, struct hx_json_error *err)
{
	return hx_json_load_file_at(path, NULL, err);
}

void
hx_json_locate(char *buf, size_t len, const char *file,
    const json_t *positions, const char *pointer, const char *fmt, ...)
{
	json_t *pos = json_object_get(positions, pointer);
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	snprintf(buf, len, "%s:%d:%d: %s", file,
	    pos != NULL ? (int)json_integer_value(json_array_get(pos, 0)) : 1,
	    pos != NULL ? (int)json_integer_value(json_array_get(pos, 1)) : 1,
	    message);
}

struct dump_target {
	int (*write)(const char *, size_t, void *);
	void *arg;
};

static int
dump_callback(const char *buf, size_t len, void *data)
{
	struct dump_target *t = data;

	return t->write(buf, len, t->arg);
}

int
hx_json_dump(const json_t *value,
    int (*write)(const char *buf, size_t len, void *arg), void *arg)
{
	struct dump_target t = { write, arg };

	return json_dump_callback(value, dump_callback, &t, DUMP_FLAGS);
}

json_t *
hx_json_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	char *buf, *q;
	json_t *value;
	size_t n;

	/* At most three bytes out for each byte in. */
	q = buf = hx_xmalloc(3 * len + 1);
	while (p < end) {
		if (*p >= 0x80 && (n = hx_utf8_length(p, end)) != 0) {
			memcpy(q, p, n);
			q += n;
			p += n;
		} else if (*p >= 0x80 || *p == '\0') {
			memcpy(q, "\xef\xbf\xbd", 3);
			q += 3;
			p++;
		} else
			*q++ = (char)*p++;
	}
	value = json_stringn(buf, (size_t)(q - buf));
	free(buf);
	return value;
}

char *
hx_json_to_string(const json_t *value)
{
	char *s = json_dumps(value, DUMP_FLAGS);

	/* jansson fails to encode a valid value only for want of memory. */
	if (s == NULL)
		hx_err_out_of_memory();
	return s;
}
