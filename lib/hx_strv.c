/*
 * hx_strv: NULL-terminated arrays of strings, as argv and environ are.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_strv.h"

void
hx_strv_free(char **v)
{
	char **p;

	for (p = v; p != NULL && *p != NULL; p++)
		free(*p);
	free(v);
}

static int
compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
hx_strv_sort(char **v, size_t n)
{
	/* An empty array may be NULL, which qsort(3) must never see. */
	if (n > 1)
		qsort(v, n, sizeof(*v), compare);
}

char *
hx_strv_join(const char *const *v, const char *sep)
{
	size_t len = 1, i;
	char *s;

	for (i = 0; v[i] != NULL; i++)
		len += strlen(v[i]) + strlen(sep);
	s = hx_xcalloc(len, 1);
	for (i = 0; v[i] != NULL; i++) {
		if (i > 0)
			strcat(s, sep);
		strcat(s, v[i]);
	}
	return s;
}
