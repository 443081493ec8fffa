/*
 * hx_strv: NULL-terminated arrays of strings, as argv and environ are.
 */
#ifndef HX_STRV_H
#define HX_STRV_H

#include <stddef.h>
#include <stdio.h>

/* Free each string of V, then V; V may be NULL. */
void hx_strv_free(char **v);

/* Sort the first N strings of V in strcmp(3) order. */
void hx_strv_sort(char **v, size_t n);

/* The strings of V joined with SEP between them: a new string. */
char *hx_strv_join(const char *const *v, const char *sep);

/*
 * Write S to FP as one word for a POSIX shell: in single quotes, each '
 * as '\''; any byte but NUL survives, newlines and $ included.
 */
void hx_strv_sh_quote(FILE *fp, const char *s);

/* V as one POSIX shell command line, each word quoted: a new string. */
char *hx_strv_sh_join(const char *const *v);

#endif
