/*
 * hx_table: a record stream held in memory for the prompt of hx: counted,
 * filtered by a field's value, its fields listed, shown as a text table.
 *
 * Records are any JSON objects, one a line; a field is a top-level name
 * or a dotted path into nested objects ("toolchain.name").  A value is
 * compared and shown as text: a string as it is, anything else as
 * compact JSON.
 */
#ifndef HX_TABLE_H
#define HX_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "hx_err.h"

struct hx_table;

/*
 * The objects of the JSON lines file PATH; other lines are skipped.
 * Returns NULL with ERR filled when PATH cannot be read.
 */
struct hx_table *hx_table_read(const char *path, struct hx_err_info *err);

/* Records held. */
size_t hx_table_count(const struct hx_table *t);

/*
 * The top-level fields in the order first seen, NULL-terminated, with in
 * *COUNTS (when not NULL, a new array) how many records have each.  Free
 * with hx_strv_free and free.
 */
char **hx_table_fields(const struct hx_table *t, size_t **counts);

/* The distinct values of FIELD as text, in the order first seen. */
char **hx_table_values(const struct hx_table *t, const char *field);

/* The records whose FIELD, as text, is VALUE: a new table. */
struct hx_table *hx_table_where(const struct hx_table *t, const char *field,
    const char *value);

/* Write the records as JSON lines to F; -1 with errno on failure. */
int hx_table_write_json(const struct hx_table *t, FILE *f);

/*
 * Write the records to F as a table: a header of field names, a row per
 * record, columns as wide as their values up to a limit, and as many
 * scalar fields as fit in WIDTH columns.  -1 with errno on failure.
 */
int hx_table_write_text(const struct hx_table *t, FILE *f, size_t width);

void hx_table_free(struct hx_table *t);

#endif
