/*
 * unit-table: the record table behind the prompt of hx: what it reads
 * and skips, its conditions and selections over dotted fields and
 * non-string values, its completions, and its count, field and text
 * outputs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_strv.h"
#include "rec/hx_table.h"
#include "../tap.h"

/* The records every check starts from, with lines the table skips. */
static const char records[] =
    "{\"type\":\"test\",\"name\":\"t1\",\"status\":\"pass\","
    "\"toolchain\":{\"name\":\"gcc\"},\"retries\":0}\n"
    "\n"
    "not json\n"
    "[1,2]\n"
    "{\"type\":\"sample\",\"name\":\"t1\",\"value\":3}\n"
    "{\"type\":\"test\",\"name\":\"t2\",\"status\":\"fail\","
    "\"toolchain\":{\"name\":\"clang\"},\"retries\":1,"
    "\"output\":\"line one\\tand\\na very long output that goes on\"}";

/* Write TEXT to a new temporary file; its path, a new string. */
static char *
file_of(const char *text)
{
	char *path = strdup("/tmp/unit-table.XXXXXX");
	FILE *f;
	int fd;

	if (path == NULL || (fd = mkstemp(path)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		perror("unit-table");
		exit(99);
	}
	fputs(text, f);
	fclose(f);
	return path;
}

/* What WRITE printed for T, a new string. */
static char *
output_of(int (*write)(const struct hx_table *, FILE *),
    const struct hx_table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL || write(t, f) != 0)
		tap_ok(0, "a table writes to memory");
	fclose(f);
	return buf;
}

/* The text table of T in WIDTH columns, a new string. */
static char *
text_of_table(const struct hx_table *t, size_t width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL || hx_table_write_text(t, f, width) != 0)
		tap_ok(0, "a table writes its text to memory");
	fclose(f);
	return buf;
}

/* How many records of T the conditions CONDS select. */
static size_t
count_where(const struct hx_table *t, char *const *conds, int n)
{
	struct hx_table *s = hx_table_select(t, conds, n);
	char *out = output_of(hx_table_write_json, s);
	size_t lines = 0;
	const char *p;

	for (p = out; *p != '\0'; p++)
		lines += *p == '\n';
	free(out);
	hx_table_free(s);
	return lines;
}

static void
check_conditions(void)
{
	struct hx_err_info err;
	char *good[] = { "type=test", "name=" };
	char *bad[] = { "type=test", "=x" };
	char *none[] = { "type" };

	tap_ok(hx_table_conditions(good, 2, &err) == 0,
	    "FIELD=VALUE with an empty value is a condition");
	tap_ok(hx_table_conditions(bad, 2, &err) == -1 &&
	    err.status == HX_EXIT_USAGE &&
	    strcmp(err.message, "=x: expected FIELD=VALUE") == 0,
	    "an empty field is refused, naming the condition");
	tap_ok(hx_table_conditions(none, 1, &err) == -1 &&
	    strcmp(err.message, "type: expected FIELD=VALUE") == 0,
	    "a condition without = is refused");
	tap_ok(hx_table_conditions(good, 0, &err) == -1 &&
	    strcmp(err.message, "expected FIELD=VALUE") == 0,
	    "no condition at all is refused");
}

static void
check_select(const struct hx_table *t)
{
	char *test[] = { "type=test" };
	char *dotted[] = { "toolchain.name=clang" };
	char *number[] = { "retries=1" };
	char *both[] = { "type=test", "status=pass" };
	char *neither[] = { "type=test", "status=skip" };
	char *missing[] = { "nosuch=x" };
	char *deeper[] = { "toolchain.name.x=gcc" };

	tap_ok(count_where(t, test, 1) == 2, "type=test selects two");
	tap_ok(count_where(t, dotted, 1) == 1,
	    "a dotted field reaches into an object");
	tap_ok(count_where(t, number, 1) == 1,
	    "a number is compared as its JSON text");
	tap_ok(count_where(t, both, 2) == 1, "conditions are all required");
	tap_ok(count_where(t, neither, 2) == 0,
	    "no record meets both: none selected");
	tap_ok(count_where(t, missing, 1) == 0,
	    "a record without the field is not selected");
	tap_ok(count_where(t, deeper, 1) == 0,
	    "a path through a string selects nothing");
}

static void
check_complete(const struct hx_table *t)
{
	char **v;
	char *joined;

	v = hx_table_complete(t, "");
	joined = hx_strv_join((const char *const *)v, " ");
	tap_is(joined, "type= name= status= toolchain= retries= value= "
	    "output=", "the fields complete in the order first seen");
	free(joined);
	hx_strv_free(v);
	v = hx_table_complete(t, "status=");
	joined = hx_strv_join((const char *const *)v, " ");
	tap_is(joined, "status=pass status=fail",
	    "a field's values complete once its = is typed");
	free(joined);
	hx_strv_free(v);
	v = hx_table_complete(t, "toolchain.name=");
	joined = hx_strv_join((const char *const *)v, " ");
	tap_is(joined, "toolchain.name=gcc toolchain.name=clang",
	    "a dotted field's values complete");
	free(joined);
	hx_strv_free(v);
}

static void
check_outputs(const struct hx_table *t)
{
	struct hx_table *empty;
	char *out, *path;

	out = output_of(hx_table_write_count, t);
	tap_is(out, "3 records: 2 test, 1 sample\n",
	    "the count names each type");
	free(out);
	out = output_of(hx_table_write_fields, t);
	tap_is(out, "type                 3\nname                 3\n"
	    "status               2\ntoolchain            2\n"
	    "retries              2\nvalue                1\n"
	    "output               1\n", "the fields with their counts");
	free(out);
	out = text_of_table(t, 200);
	tap_is(out,
	    "type    name  status  retries  value  output\n"
	    "test    t1    pass    0        -      -\n"
	    "sample  t1    -       -        3      -\n"
	    "test    t2    fail    1        -      "
	    "line one and a very long outp...\n",
	    "the text table: type, name, status first, objects left out, "
	    "long cells cut, tabs and newlines made spaces");
	free(out);
	out = text_of_table(t, 30);
	tap_is(out,
	    "type    name  status  value\n"
	    "test    t1    pass    -\n"
	    "sample  t1    -       3\n"
	    "test    t2    fail    -\n",
	    "a column that does not fit the width is left out, a later "
	    "narrower one shown");
	free(out);
	path = file_of("");
	empty = hx_table_read(path, &(struct hx_err_info){ 0 });
	out = output_of(hx_table_write_count, empty);
	tap_is(out, "0 records\n", "an empty file is an empty table");
	free(out);
	out = text_of_table(empty, 80);
	tap_is(out, "", "an empty table prints no header");
	free(out);
	hx_table_free(empty);
	unlink(path);
	free(path);
}

int
main(void)
{
	struct hx_err_info err;
	struct hx_table *t;
	char *path = file_of(records);

	t = hx_table_read(path, &err);
	tap_ok(t != NULL, "the records are read");
	check_conditions();
	check_select(t);
	check_complete(t);
	check_outputs(t);
	hx_table_free(t);
	unlink(path);
	free(path);
	tap_ok(hx_table_read("/nonexistent/unit-table", &err) == NULL &&
	    err.status == HX_EXIT_SYSTEM && strcmp(err.message,
	    "/nonexistent/unit-table: No such file or directory") == 0,
	    "a file that cannot be read is a system error naming it");
	return tap_done();
}
