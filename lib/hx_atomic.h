/*
 * hx_atomic: files that matter (cache entries, baselines, reports) are
 * written to a temporary file beside their final name, synced, and renamed
 * into place, so a reader sees the old file or the new one, never half.
 * A target that exists and is not a regular file (/dev/null, /dev/stdout,
 * a FIFO) is written in place instead, as a shell redirection would.
 */
#ifndef HX_ATOMIC_H
#define HX_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

struct hx_atomic {
	FILE *fp;		/* write the content here */
	char *path;		/* the final name */
	char *tmp;		/* the temporary name; NULL when written in place */
};

/*
 * Start writing PATH with permission bits MODE (before the umask).  Returns
 * 0, or -1 with errno set.
 */
int hx_atomic_open(struct hx_atomic *a, const char *path, unsigned mode);

/* Flush, sync and rename into place.  Returns 0, or -1 with errno set. */
int hx_atomic_commit(struct hx_atomic *a);

/* Give up: remove the temporary file; PATH is untouched. */
void hx_atomic_abort(struct hx_atomic *a);

/* Write all of BUF as PATH in one call.  Returns 0, or -1 with errno set. */
int hx_atomic_write(const char *path, const void *buf, size_t len,
    unsigned mode);

#endif
