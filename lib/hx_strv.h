/*
 * hx_strv: NULL-terminated arrays of strings, as argv and environ are.
 */
#ifndef HX_STRV_H
#define HX_STRV_H

/* Free each string of V, then V; V may be NULL. */
void hx_strv_free(char **v);

#endif
