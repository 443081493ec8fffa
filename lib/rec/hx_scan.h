/*
 * hx_scan: the validating scanner of the record stream.
 *
 * A record is one JSON object on one line with a string "type".  The
 * scanner checks a whole line in one pass without building a tree, and
 * refuses everything jansson would refuse (hx-records(5)), so that a line
 * one program passes through is a line another can parse.
 */
#ifndef HX_SCAN_H
#define HX_SCAN_H

#include <stddef.h>

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
enum hx_scan_status hx_scan_line(const char *line, size_t len,
    struct hx_scan *scan);

#endif
