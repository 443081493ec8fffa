/*
 * hx_in: buffered line input with transparent gzip.
 *
 * Lines are found with memchr in one growing buffer, so a line is never
 * copied before it is returned.  A gzip stream (magic 1f 8b, several members
 * allowed, as gzip -c a b > c writes them) is inflated straight into that
 * buffer; the input may be a pipe, so detection reads ahead, never seeks.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "hx_err.h"
#include "hx_in.h"

#define ZCHUNK ((size_t)256 << 10)

struct hx_in {
	int fd;
	char *name;
	char *buf;		/* decoded bytes: [start, end) not yet returned */
	size_t cap, start, end;
	size_t scanned;		/* bytes after start already known to hold no '\n' */
	size_t max_line;
	unsigned long lineno;
	int eof;		/* no more decoded bytes will come */
	int detected;		/* gzip detection done */
	int gzip;
	int zdone;		/* the current gzip member ended */
	z_stream z;
	unsigned char *zbuf;	/* compressed bytes waiting for inflate */
	size_t zread;		/* how many to read into it at a time */
	char errmsg[160];
};

int
hx_in_max_line(size_t *max)
{
	const char *s = getenv("HX_LINE_MAX");
	char *end;
	unsigned long long v;

	*max = HX_IN_DEFAULT_MAX_LINE;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > SIZE_MAX)
		return -1;
	*max = (size_t)v;
	return 0;
}

struct hx_in *
hx_in_open(const char *path)
{
	return hx_in_open_size(path, HX_IN_BUFSIZE);
}

struct hx_in *
hx_in_open_size(const char *path, size_t bufsize)
{
	struct hx_in *in;
	size_t max_line;
	int fd;

	if (hx_in_max_line(&max_line) < 0) {
		errno = EINVAL;
		return NULL;
	}
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	in = hx_xcalloc(1, sizeof(*in));
	in->fd = fd;
	in->name = hx_xstrdup(strcmp(path, "-") == 0 ? "stdin" : path);
	in->cap = bufsize < 2 ? 2 : bufsize;
	in->buf = hx_xmalloc(in->cap);
	in->zread = in->cap < ZCHUNK ? in->cap : ZCHUNK;
	in->max_line = max_line;
	return in;
}

const char *
hx_in_name(const struct hx_in *in)
{
	return in->name;
}

unsigned long
hx_in_lineno(const struct hx_in *in)
{
	return in->lineno;
}

void
hx_in_set_max_line(struct hx_in *in, size_t max)
{
	in->max_line = max;
}

const char *
hx_in_error(const struct hx_in *in)
{
	return in->errmsg;
}

/* read(2) that retries on EINTR. */
static ssize_t
read_some(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/*
 * Read the first bytes and decide whether this is a gzip stream.  At least
 * two bytes are gathered (a pipe may deliver one at a time) unless the input
 * ends first.
 */
static enum hx_in_status
detect(struct hx_in *in)
{
	ssize_t n;

	in->detected = 1;
	while (in->end < 2) {
		n = read_some(in->fd, in->buf + in->end, in->cap - in->end);
		if (n < 0) {
			snprintf(in->errmsg, sizeof(in->errmsg), "read error: %s",
			    strerror(errno));
			return HX_IN_SYSERR;
		}
		if (n == 0) {
			in->eof = 1;
			break;
		}
		in->end += (size_t)n;
	}
	if (in->end >= 2 && (unsigned char)in->buf[0] == 0x1f &&
	    (unsigned char)in->buf[1] == 0x8b) {
		in->gzip = 1;
		in->zbuf = hx_xmalloc(in->zread > in->end ? in->zread :
		    in->end);
		memcpy(in->zbuf, in->buf, in->end);
		in->z.next_in = in->zbuf;
		in->z.avail_in = (uInt)in->end;
		in->end = 0;
		in->eof = 0;
		/* zlib fails to start only for want of memory. */
		if (inflateInit2(&in->z, 15 + 16) != Z_OK)
			hx_err_out_of_memory();
	}
	return HX_IN_LINE;
}

/* Inflate into the free part of the buffer; sets eof at the true end. */
static enum hx_in_status
fill_gzip(struct hx_in *in)
{
	size_t before = in->end;
	ssize_t n;
	int rc;

	while (in->end == before && !in->eof) {
		if (in->z.avail_in == 0) {
			n = read_some(in->fd, in->zbuf, in->zread);
			if (n < 0) {
				snprintf(in->errmsg, sizeof(in->errmsg),
				    "read error: %s", strerror(errno));
				return HX_IN_SYSERR;
			}
			if (n == 0) {
				if (!in->zdone) {
					snprintf(in->errmsg, sizeof(in->errmsg),
					    "truncated gzip stream");
					return HX_IN_BADDATA;
				}
				in->eof = 1;
				break;
			}
			in->z.next_in = in->zbuf;
			in->z.avail_in = (uInt)n;
		}
		if (in->zdone) {
			/* Another member follows the one that ended. */
			if (inflateReset(&in->z) != Z_OK) {
				snprintf(in->errmsg, sizeof(in->errmsg),
				    "cannot reset zlib");
				return HX_IN_SYSERR;
			}
			in->zdone = 0;
		}
		in->z.next_out = (Bytef *)in->buf + in->end;
		in->z.avail_out = (uInt)(in->cap - in->end);
		rc = inflate(&in->z, Z_NO_FLUSH);
		in->end = in->cap - in->z.avail_out;
		if (rc == Z_STREAM_END)
			in->zdone = 1;
		else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(in->errmsg, sizeof(in->errmsg),
			    "corrupt gzip data: %s",
			    in->z.msg != NULL ? in->z.msg : "inflate failed");
			return HX_IN_BADDATA;
		}
	}
	return HX_IN_LINE;
}

/* Append more decoded bytes after end; sets eof when none will come. */
static enum hx_in_status
fill(struct hx_in *in)
{
	ssize_t n;

	if (in->gzip)
		return fill_gzip(in);
	n = read_some(in->fd, in->buf + in->end, in->cap - in->end);
	if (n < 0) {
		snprintf(in->errmsg, sizeof(in->errmsg), "read error: %s",
		    strerror(errno));
		return HX_IN_SYSERR;
	}
	if (n == 0)
		in->eof = 1;
	in->end += (size_t)n;
	return HX_IN_LINE;
}

/* Make room after end: move pending bytes to the front, grow if full. */
static void
make_room(struct hx_in *in)
{
	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap) {
		in->cap *= 2;
		in->buf = hx_xrealloc(in->buf, in->cap);
	}
}

/* Drop bytes up to and including the next newline, after a too-long line. */
static enum hx_in_status
skip_rest_of_line(struct hx_in *in)
{
	enum hx_in_status st;
	char *nl;

	for (;;) {
		nl = memchr(in->buf + in->start, '\n', in->end - in->start);
		if (nl != NULL) {
			in->start = (size_t)(nl - in->buf) + 1;
			in->scanned = 0;
			return HX_IN_TOOLONG;
		}
		in->start = in->end = 0;
		if (in->eof)
			return HX_IN_TOOLONG;
		if ((st = fill(in)) != HX_IN_LINE)
			return st;
	}
}

enum hx_in_status
hx_in_getline(struct hx_in *in, char **line, size_t *len)
{
	enum hx_in_status st;
	char *nl;
	size_t pending;

	if (!in->detected && (st = detect(in)) != HX_IN_LINE)
		return st;
	for (;;) {
		pending = in->end - in->start;
		nl = memchr(in->buf + in->start + in->scanned, '\n',
		    pending - in->scanned);
		if (nl != NULL) {
			*line = in->buf + in->start;
			*len = (size_t)(nl - *line);
			in->start += *len + 1;
			in->scanned = 0;
			in->lineno++;
			if (*len > in->max_line)
				return HX_IN_TOOLONG;
			return HX_IN_LINE;
		}
		in->scanned = pending;
		if (pending > in->max_line) {
			in->lineno++;
			in->start = in->end;
			in->scanned = 0;
			return skip_rest_of_line(in);
		}
		if (in->eof) {
			if (pending == 0)
				return HX_IN_EOF;
			*line = in->buf + in->start;
			*len = pending;
			in->start = in->end;
			in->scanned = 0;
			in->lineno++;
			return HX_IN_LINE;
		}
		make_room(in);
		if ((st = fill(in)) != HX_IN_LINE)
			return st;
	}
}

void
hx_in_close(struct hx_in *in)
{
	if (in == NULL)
		return;
	if (in->gzip)
		inflateEnd(&in->z);
	if (in->fd != STDIN_FILENO)
		close(in->fd);
	free(in->zbuf);
	free(in->buf);
	free(in->name);
	free(in);
}

void
hx_in_gzip(const void *data, size_t len, unsigned char **out, size_t *outlen)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	/* zlib fails to start, or to finish into its bound, only for memory. */
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		hx_err_out_of_memory();
	*outlen = deflateBound(&z, (uLong)len);
	*out = hx_xmalloc(*outlen);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = *out;
	z.avail_out = (uInt)*outlen;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		hx_err_out_of_memory();
	*outlen = z.total_out;
	deflateEnd(&z);
}

int
hx_in_gunzip(const void *data, size_t len, char **out, size_t *outlen,
    const char **why)
{
	size_t cap = len * 4 + 64;
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		hx_err_out_of_memory();
	*out = hx_xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	do {
		if (z.total_out + 1 >= cap) {
			cap *= 2;
			*out = hx_xrealloc(*out, cap);
		}
		z.next_out = (Bytef *)*out + z.total_out;
		z.avail_out = (uInt)(cap - 1 - z.total_out);
		rc = inflate(&z, Z_NO_FLUSH);
	} while (rc == Z_OK || (rc == Z_BUF_ERROR && z.avail_out == 0));
	*outlen = z.total_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END || z.avail_in != 0) {
		*why = rc == Z_STREAM_END ? "data after the gzip stream" :
		    rc == Z_BUF_ERROR ? "truncated gzip stream" :
		    "corrupt gzip data";
		free(*out);
		*out = NULL;
		return -1;
	}
	(*out)[*outlen] = '\0';
	return 0;
}
