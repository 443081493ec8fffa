/*
 * hx_strv: NULL-terminated arrays of strings, as argv and environ are.
 */
#include "config.h"

#include <stdlib.h>

#include "hx_strv.h"

void
hx_strv_free(char **v)
{
	char **p;

	for (p = v; p != NULL && *p != NULL; p++)
		free(*p);
	free(v);
}
