/*
 * hx_quarantine.c: a list of fnmatch(3) patterns of test names.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "rec/hx_quarantine.h"

struct hx_quarantine {
	char **patterns;
	size_t n;
};

struct hx_quarantine *
hx_quarantine_new(void)
{
	return hx_xcalloc(1, sizeof(struct hx_quarantine));
}

/* Add PATTERN, a test name or an fnmatch(3) pattern, to Q. */
static void
add_pattern(struct hx_quarantine *q, const char *pattern)
{
	q->patterns = hx_xrealloc(q->patterns,
	    (q->n + 1) * sizeof(*q->patterns));
	q->patterns[q->n++] = hx_xstrdup(pattern);
}

int
hx_quarantine_add_file(struct hx_quarantine *q, const char *path)
{
	char *line = NULL, *s, *e;
	size_t cap = 0;
	FILE *fp;
	int failed, saved;

	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	errno = 0;
	while (getline(&line, &cap, fp) >= 0) {
		for (s = line; *s == ' ' || *s == '\t'; s++)
			continue;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' ||
		    e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*s != '\0' && *s != '#')
			add_pattern(q, s);
	}
	/* The reason a read failed (EISDIR for a directory) is kept. */
	saved = errno;
	free(line);
	failed = ferror(fp);
	fclose(fp);
	if (failed) {
		errno = saved != 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

int
hx_quarantine_add_json(struct hx_quarantine *q, const json_t *patterns,
    char **message)
{
	json_t *item;
	size_t i;

	if (patterns == NULL)
		return 0;
	if (!json_is_array(patterns)) {
		*message = hx_xstrdup("quarantine is not an array");
		return -1;
	}
	json_array_foreach(patterns, i, item)
		if (!json_is_string(item)) {
			*message = hx_xasprintf("quarantine[%zu] is not a "
			    "string", i);
			return -1;
		}
	json_array_foreach(patterns, i, item)
		add_pattern(q, json_string_value(item));
	return 0;
}

bool
hx_quarantine_match(const struct hx_quarantine *q, const char *name)
{
	size_t i;

	if (q == NULL || name == NULL)
		return false;
	for (i = 0; i < q->n; i++)
		if (fnmatch(q->patterns[i], name, 0) == 0)
			return true;
	return false;
}

void
hx_quarantine_free(struct hx_quarantine *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->n; i++)
		free(q->patterns[i]);
	free(q->patterns);
	free(q);
}
