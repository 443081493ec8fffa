/*
 * hx_error: the error record, a line or an item a program could not use
 * (hx-records(5)), as -k writes it in place of a bad line.
 */
#ifndef HX_ERROR_H
#define HX_ERROR_H

#include <stddef.h>

#include "rec/hx_field.h"

/*
 * An error.  Strings are borrowed: from the JSON value hx_error_read
 * read, or from the caller that fills the struct to write it.
 */
struct hx_error {
	const char *program;	/* "hx-emu" */
	const char *file;	/* "stdin", a path, or the file it is about */
	unsigned long line;	/* from 1; 0: none */
	size_t column;		/* from 1; 0: not known */
	const char *message;
};

/*
 * Read and check the error record JSON into *OUT.  Returns 0, or -1 with
 * *MESSAGE (to free) naming the field, as "error line is less than 1".
 */
int hx_error_read(const json_t *json, struct hx_error *out,
    char **message);

/* The record of E, a new reference. */
json_t *hx_error_to_json(const struct hx_error *e);

/* Empty E (nothing is allocated). */
void hx_error_clear(struct hx_error *e);

#endif
