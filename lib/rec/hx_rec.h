/*
 * hx_rec: the filter loop of every hx program.
 *
 * A record is one JSON object on one line with a string "type".  The loop
 * reads named files or standard input through hx_reader, hands the types
 * a program consumes to its callback and copies every other line to
 * standard output byte for byte, through standard output's hx_writer.
 * New records are written compact with sorted keys.  The loop never ends
 * the program: it returns, and the program decides.
 */
#ifndef HX_REC_H
#define HX_REC_H

#include <stdbool.h>
#include <stddef.h>

#include "hx_err.h"
#include "hx_json.h"
#include "rec/hx_scan.h"
#include "rec/hx_writer.h"

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
	/*
	 * With keep_going, called with each bad line it turns into an error
	 * record (status 3, "FILE:LINE: what") for the program to show, as
	 * hx_err_warn does; NULL shows nothing.
	 */
	void (*warn)(const struct hx_err_info *bad);
	unsigned long bad_lines;	/* counted with keep_going */
	bool failed;			/* the loop ended on an error */
	struct hx_err_info error;	/* which, when failed */
};

/*
 * Set up the process for the record stream: ignore SIGPIPE so that a
 * closed stdout is seen as EPIPE, and make standard output's writer.
 * Call it first.
 */
void hx_rec_init(const char *argv0);

/* The writer of standard output, for a program's own records and slots. */
struct hx_writer *hx_rec_out(void);

/*
 * Read every file in ARGV (ARGC of them; none means standard input, "-"
 * names it) and run LOOP over their records.  Returns 0 at the end of the
 * input, what a callback returned to stop it, or -1 with loop->error
 * filled: status 3 for a bad line (unless keep_going), 4 for a file that
 * cannot be read or a write error, 0 (and no message) for a closed
 * standard output.  The caller ends with hx_rec_finish.
 */
int hx_rec_loop_run(struct hx_rec_loop *loop, int argc, char **argv);

/*
 * Parse REC with jansson (once; later calls return the same value).  On a
 * parse failure reports it like any bad line and returns NULL; the caller
 * then skips the record.
 */
json_t *hx_rec_json(struct hx_record *rec);

/*
 * Report REC as malformed: the loop stops after the callback returns,
 * with status 3, or with keep_going an error record goes downstream and
 * the loop goes on.
 */
void hx_rec_bad(struct hx_record *rec, const char *fmt, ...) HX_PRINTF(2, 3);

/* Copy REC's line to standard output unchanged; -1 after a write error. */
int hx_rec_pass(const struct hx_record *rec);

/* Write VALUE as one compact record with sorted keys; -1 after a write error. */
int hx_rec_emit(const json_t *value);

/*
 * The tail of every program: write out everything standard output's
 * writer holds, and say whether the program must end now.  Returns -1
 * with ERR filled when LOOP (NULL for none) failed, with its error, or
 * else when the write failed, as hx_rec_loop_run fills it (status 0 and
 * no message for a closed standard output); 0 when the program goes on.
 * The caller exits with hx_err_exit(ERR).
 */
int hx_rec_finish(const struct hx_rec_loop *loop, struct hx_err_info *err);

#endif
