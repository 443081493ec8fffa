/*
 * hx_json: jansson configured once for the whole suite.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

json_t *
hx_json_load_file(const char *path, struct hx_json_error *err)
{
	json_error_t jerr;
	json_t *v;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL) {
		if (err != NULL) {
			err->line = err->column = 0;
			snprintf(err->text, sizeof(err->text), "%s",
			    strerror(errno));
		}
		return NULL;
	}
	v = json_loadf(fp, PARSE_FLAGS, &jerr);
	fclose(fp);
	if (v == NULL)
		copy_error(err, &jerr);
	return v;
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
