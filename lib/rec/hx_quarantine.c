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
hx_quarantine_add_file(struct hx_quarantine *q, const char *path,
    struct hx_err_info *err)
{
	char *line = NULL, *s, *e;
	size_t cap = 0;
	ssize_t len;
	unsigned long number = 0;
	size_t before = q->n;
	FILE *fp;
	int failed, saved, rc = 0;

	if ((fp = fopen(path, "re")) == NULL)
		return hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", path);
	errno = 0;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		number++;
		if ((size_t)len != strlen(line)) {
			rc = hx_err_set(err, HX_EXIT_INPUT, "%s:%lu: a NUL byte "
			    "in the line", path, number);
			break;
		}
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
	failed = rc == 0 && ferror(fp);
	fclose(fp);
	if (failed) {
		errno = saved != 0 ? saved : EIO;
		rc = hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", path);
	}
	/* A file that fails adds nothing. */
	while (rc < 0 && q->n > before)
		free(q->patterns[--q->n]);
	return rc;
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
