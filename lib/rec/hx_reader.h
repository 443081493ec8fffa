/*
 * hx_reader: the records of one file, on their own.
 *
 * A reader opens a file or standard input (gzip inflated transparently),
 * and hands back one line at a time: a record with its top-level type, or
 * a malformed line with what is wrong and where.  It decides nothing:
 * whether a bad line ends the program, becomes an error record or is
 * skipped is the caller's choice.  The filter loop (hx_rec) reads standard
 * input through it; baselines and other side files use it directly.
 */
#ifndef HX_READER_H
#define HX_READER_H

#include <stddef.h>

#include "hx_err.h"
#include "rec/hx_scan.h"

struct hx_reader;

enum hx_reader_status {
	HX_READER_RECORD,	/* a record: text, len and scan.type */
	HX_READER_BAD,		/* a malformed line: scan.message, column */
	HX_READER_EOF,		/* no more input */
	HX_READER_ERROR,	/* a read failed: see the error info */
};

/* One line as the reader saw it; valid until the next call. */
struct hx_reader_line {
	const char *file;	/* "stdin" or the path, for diagnostics */
	unsigned long line;	/* its 1-based number */
	const char *text;	/* the line without its newline */
	size_t len;
	struct hx_scan scan;	/* its type, or what is wrong with it */
};

/*
 * Open PATH, "-" meaning standard input.  Returns NULL with ERR filled:
 * status 4 when it cannot be read, 2 when HX_LINE_MAX is bad.
 */
struct hx_reader *hx_reader_open(const char *path, struct hx_err_info *err);

/* As hx_reader_open, through a buffer of BUFSIZE bytes (hx_in_open_size). */
struct hx_reader *hx_reader_open_size(const char *path, size_t bufsize,
    struct hx_err_info *err);

/*
 * The next line that is not blank.  After corrupt gzip data the bad line
 * is the last one: the rest of the file cannot be read.
 */
enum hx_reader_status hx_reader_next(struct hx_reader *reader,
    struct hx_reader_line *line, struct hx_err_info *err);

void hx_reader_close(struct hx_reader *reader);

#endif
