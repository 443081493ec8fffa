/*
 * hx_in: line-oriented input from files and pipes, with gzip streams
 * recognised by their magic bytes and inflated transparently, and gzip in
 * memory for the baseline notes.  This module is the only one that
 * touches zlib.
 */
#ifndef HX_IN_H
#define HX_IN_H

#include <stddef.h>

/* The longest line read unless HX_LINE_MAX or hx_in_set_max_line says otherwise. */
#define HX_IN_DEFAULT_MAX_LINE ((size_t)64 << 20)
/* The buffer hx_in_open reads through at first; it grows for longer lines. */
#define HX_IN_BUFSIZE ((size_t)1 << 20)

struct hx_in;

enum hx_in_status {
	HX_IN_LINE,	/* a line was returned */
	HX_IN_EOF,	/* no more input */
	HX_IN_TOOLONG,	/* a line over the limit was skipped; its number counts */
	HX_IN_BADDATA,	/* corrupt or truncated gzip data: malformed input */
	HX_IN_SYSERR,	/* a read failed: system failure */
};

/*
 * The longest line to read: HX_LINE_MAX, else the default.  Returns 0, or
 * -1 when HX_LINE_MAX is not a positive number of bytes.
 */
int hx_in_max_line(size_t *max);

/*
 * Open PATH for reading, "-" meaning standard input.  Returns NULL with
 * errno set when the file cannot be opened, EINVAL when HX_LINE_MAX is
 * bad.
 */
struct hx_in *hx_in_open(const char *path);

/*
 * As hx_in_open, reading through BUFSIZE bytes (at least 2) at first,
 * and as much compressed data at a time: small buffers for many small
 * inputs (the fuzz targets), or to test lines across buffer boundaries.
 */
struct hx_in *hx_in_open_size(const char *path, size_t bufsize);

/* The name diagnostics use: "stdin" or the path as given. */
const char *hx_in_name(const struct hx_in *in);

/* The number of the line last returned (or skipped), counting from 1. */
unsigned long hx_in_lineno(const struct hx_in *in);

void hx_in_set_max_line(struct hx_in *in, size_t max);

/*
 * Return the next line in *LINE and *LEN, without its '\n'.  A last line
 * with no newline is returned like any other.  The line stays valid until
 * the next call.  On HX_IN_BADDATA and HX_IN_SYSERR, hx_in_error says why.
 */
enum hx_in_status hx_in_getline(struct hx_in *in, char **line, size_t *len);
const char *hx_in_error(const struct hx_in *in);

void hx_in_close(struct hx_in *in);

/*
 * LEN bytes of DATA as one gzip member in *OUT (to free), *OUTLEN bytes:
 * best compression, no name and time 0, so equal data gives equal bytes.
 */
void hx_in_gzip(const void *data, size_t len, unsigned char **out,
    size_t *outlen);

/*
 * Inflate the gzip stream DATA of LEN bytes into *OUT (NUL-terminated, to
 * free) and *OUTLEN.  Returns 0, or -1 when it is not whole gzip data,
 * with why in *WHY (static).
 */
int hx_in_gunzip(const void *data, size_t len, char **out, size_t *outlen,
    const char **why);

#endif
