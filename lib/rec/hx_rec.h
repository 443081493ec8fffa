/*
 * hx_rec: the record stream every hx program reads and writes.
 *
 * A record is one JSON object on one line with a string "type".  The loop
 * reads named files or standard input (gzip inflated transparently), finds
 * each line's top-level type with a validating scanner that never builds a
 * tree, hands the types a program consumes to its callback and copies every
 * other line to standard output byte for byte.  New records are written
 * compact with sorted keys.
 */
#ifndef HX_REC_H
#define HX_REC_H

#include <stdbool.h>
#include <stddef.h>

#include "hx_err.h"
#include "hx_json.h"

/* The longest type name, in bytes. */
#define HX_REC_TYPE_MAX 63

/* What the scanner found in one line. */
enum hx_scan_status {
	HX_SCAN_RECORD,		/* a valid object with a string type */
	HX_SCAN_BLANK,		/* only whitespace: not a record, skipped */
	HX_SCAN_BAD,		/* malformed: see message and column */
};

struct hx_scan {
	char type[HX_REC_TYPE_MAX + 1];	/* the decoded top-level type */
	const char *message;		/* why the line is bad */
	size_t column;			/* 1-based byte column of the fault */
};

/*
 * Check that LINE (LEN bytes, no newline) is one JSON object with a string
 * "type" at the top level, and find that type.  Nested values and strings
 * are skipped correctly; UTF-8 is validated; NUL bytes are refused.
 */
enum hx_scan_status hx_rec_scan(const char *line, size_t len,
    struct hx_scan *scan);

struct hx_rec_loop;

/* One record handed to a program's callback. */
struct hx_record {
	const char *file;	/* "stdin" or the path, for diagnostics */
	unsigned long line;	/* 1-based line number in that file */
	const char *text;	/* the line as read, without its newline */
	size_t len;
	const char *type;	/* the top-level type */
	json_t *json;		/* filled by hx_rec_json; freed by the loop */
	struct hx_rec_loop *loop;
};

/* Return 0 to go on, anything else to stop the loop with that value. */
typedef int (*hx_rec_fn)(struct hx_record *rec, void *arg);

struct hx_rec_loop {
	const char *const *consume;	/* NULL-terminated types for fn */
	bool consume_all;		/* hand every record to fn */
	hx_rec_fn fn;
	void *arg;
	bool keep_going;		/* -k: bad lines become error records */
	unsigned long bad_lines;	/* counted with keep_going */
};

/*
 * Set up the process for the record stream: ignore SIGPIPE so a closed
 * stdout is seen as EPIPE and ends the program quietly.  Call it first.
 */
void hx_rec_init(const char *argv0);

/*
 * Read every file in ARGV (ARGC of them; none means standard input, "-"
 * names it) and run LOOP over their records.  Returns 0 at the end of the
 * input or what a callback returned to stop it.  Bad input ends the
 * program with status 3 unless keep_going is set.
 */
int hx_rec_loop_run(struct hx_rec_loop *loop, int argc, char **argv);

/*
 * Parse REC with jansson (once; later calls return the same value).  On a
 * parse failure reports it like any bad line and returns NULL; the caller
 * then skips the record.
 */
json_t *hx_rec_json(struct hx_record *rec);

/*
 * Report REC as malformed: "prog: FILE:LINE: message" and exit 3, or with
 * keep_going an error record downstream and a return.
 */
void hx_rec_bad(struct hx_record *rec, const char *fmt, ...) HX_PRINTF(2, 3);

/* Copy REC's line to standard output unchanged. */
void hx_rec_pass(const struct hx_record *rec);

/* Write VALUE as one compact record with sorted keys. */
void hx_rec_emit(const json_t *value);

/*
 * Build the error record for FILE:LINE (line 0: none) and message, as -k
 * sends it downstream.  A new reference.
 */
json_t *hx_rec_error_record(const char *file, unsigned long line,
    size_t column, const char *message);

/* Raw bytes to standard output through the record buffer. */
void hx_out_write(const char *buf, size_t len);

/*
 * Flush standard output.  A closed pipe ends the program with status 0;
 * any other write error with status 4.
 */
void hx_out_flush(void);

#endif
