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

/*
 * Whether CONDS, N strings, are conditions "FIELD=VALUE" (at least one,
 * FIELD not empty); 0, or -1 with ERR naming the first that is not one.
 */
int hx_table_conditions(char *const *conds, int n, struct hx_err_info *err);

/*
 * The records whose every FIELD, as text, is its VALUE by the N
 * conditions CONDS, checked by hx_table_conditions: a new table.
 */
struct hx_table *hx_table_select(const struct hx_table *t,
    char *const *conds, int n);

/*
 * What completes TEXT, a condition being typed: "FIELD=" for each field,
 * or "FIELD=VALUE" for each value of FIELD once TEXT has its '='.  A
 * NULL-terminated array of new strings; free with hx_strv_free.
 */
char **hx_table_complete(const struct hx_table *t, const char *text);

/*
 * Write "N records: N TYPE, ..." (by their type field) and a newline to
 * F; -1 on failure.
 */
int hx_table_write_count(const struct hx_table *t, FILE *f);

/*
 * Write the top-level fields in the order first seen, each with how many
 * records have it, a line each, to F; -1 on failure.
 */
int hx_table_write_fields(const struct hx_table *t, FILE *f);

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
