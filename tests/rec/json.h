/*
 * json.h: the JSON helpers the unit tests of record types share.
 */
#ifndef HX_TESTS_REC_JSON_H
#define HX_TESTS_REC_JSON_H

#include <stdio.h>
#include <stdlib.h>

#include "hx_json.h"

/* The compact sorted text of REC, which is then released. */
static char *
text_of(json_t *rec)
{
	char *s = hx_json_to_string(rec);

	json_decref(rec);
	return s;
}

/* Any JSON value, as the tests spell it. */
static json_t *
parse(const char *s)
{
	json_error_t err;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &err);

	if (j == NULL) {
		printf("Bail out! cannot parse %s: %s\n", s, err.text);
		exit(1);
	}
	return j;
}

#endif
