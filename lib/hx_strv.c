/*
 * hx_strv: NULL-terminated arrays of strings, as argv and environ are.
 */
#include "config.h"

#include <stdio.h>
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

void
hx_strv_sh_quote(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", fp);
		else
			fputc(*s, fp);
	}
	fputc('\'', fp);
}

char *
hx_strv_sh_join(const char *const *v)
{
	char *s = NULL;
	size_t len = 0, i;
	FILE *fp;

	if ((fp = open_memstream(&s, &len)) == NULL)
		hx_err_out_of_memory();
	for (i = 0; v[i] != NULL; i++) {
		if (i > 0)
			fputc(' ', fp);
		hx_strv_sh_quote(fp, v[i]);
	}
	if (fclose(fp) != 0)
		hx_err_out_of_memory();
	return s;
}
