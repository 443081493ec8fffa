/*
 * hx_writer: the one object every record goes out through.
 *
 * A writer owns a file descriptor (standard output for the record stream)
 * and a buffer.  Lines written with hx_writer_line and records written
 * with hx_writer_record go out in the order they were written.
 *
 * Parallel producers keep that order with slots: the thread that reads
 * the input reserves a slot where a job's records belong, and whichever
 * thread runs the job fills it later.  Everything written after an
 * unfilled slot waits behind it, within a bounded window: reserving blocks
 * while too many slots are open, and writing blocks while too many bytes
 * wait.  The writer knows nothing of jobs; hx_pool knows nothing of the
 * writer.
 *
 * A write error is kept, not reported: every later call returns -1 and
 * drops its data, and hx_writer_error says what happened (EPIPE: the
 * reader went away).  The program decides what to do about it.
 */
#ifndef HX_WRITER_H
#define HX_WRITER_H

#include <stddef.h>

#include "hx_json.h"

struct hx_writer;
struct hx_writer_slot;

/*
 * A writer to FD.  At most SLOTS slots are open at once, and at most
 * BYTES bytes wait behind an open slot (0: defaults).
 */
struct hx_writer *hx_writer_new(int fd, size_t slots, size_t bytes);

/* LEN bytes of TEXT and a newline. */
int hx_writer_line(struct hx_writer *w, const char *text, size_t len);

/* VALUE as one compact line with sorted keys. */
int hx_writer_record(struct hx_writer *w, const json_t *value);

/*
 * Reserve the place for what is written next, to be filled later from
 * any thread.  Blocks while the window is full.  Call it from the thread
 * that writes lines.
 */
struct hx_writer_slot *hx_writer_reserve(struct hx_writer *w);

/* Add VALUE to SLOT, from the one thread that fills it. */
int hx_writer_slot_record(struct hx_writer_slot *slot, const json_t *value);

/*
 * SLOT is complete: what it holds goes out in its turn, and SLOT must not
 * be used again.
 */
void hx_writer_slot_done(struct hx_writer_slot *slot);

/*
 * Write out everything, waiting for open slots to be filled.  Returns 0,
 * or -1 after a write error.
 */
int hx_writer_flush(struct hx_writer *w);

/* Treat W as if a write had failed with ERROR: nothing more goes out. */
void hx_writer_fail(struct hx_writer *w, int error);

/* 0, or the errno of the first write that failed. */
int hx_writer_error(struct hx_writer *w);

/* Free W; what was not flushed is lost. */
void hx_writer_free(struct hx_writer *w);

#endif
