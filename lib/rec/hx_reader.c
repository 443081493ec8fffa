/*
 * hx_reader: lines of a record file, scanned.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>

#include "hx_in.h"
#include "rec/hx_reader.h"

struct hx_reader {
	struct hx_in *in;
	bool ended;		/* corrupt data: nothing more can be read */
};

struct hx_reader *
hx_reader_open(const char *path, struct hx_err_info *err)
{
	return hx_reader_open_size(path, HX_IN_BUFSIZE, err);
}

struct hx_reader *
hx_reader_open_size(const char *path, size_t bufsize,
    struct hx_err_info *err)
{
	struct hx_reader *r;
	struct hx_in *in;
	size_t max;

	if (hx_in_max_line(&max) < 0) {
		hx_err_set(err, HX_EXIT_USAGE, "HX_LINE_MAX: not a positive "
		    "number of bytes: %s", getenv("HX_LINE_MAX"));
		return NULL;
	}
	if ((in = hx_in_open_size(path, bufsize)) == NULL) {
		hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", path);
		return NULL;
	}
	r = hx_xcalloc(1, sizeof(*r));
	r->in = in;
	return r;
}

/* Fill LINE as a bad line numbered NUMBER, with MESSAGE. */
static enum hx_reader_status
bad_line(struct hx_reader *r, struct hx_reader_line *line,
    unsigned long number, const char *message)
{
	line->line = number;
	line->text = NULL;
	line->len = 0;
	line->scan.type[0] = '\0';
	line->scan.message = message;
	line->scan.column = 0;
	return HX_READER_BAD;
}

enum hx_reader_status
hx_reader_next(struct hx_reader *r, struct hx_reader_line *line,
    struct hx_err_info *err)
{
	char *text;
	size_t len;

	line->file = hx_in_name(r->in);
	if (r->ended)
		return HX_READER_EOF;
	for (;;) {
		switch (hx_in_getline(r->in, &text, &len)) {
		case HX_IN_EOF:
			return HX_READER_EOF;
		case HX_IN_TOOLONG:
			return bad_line(r, line, hx_in_lineno(r->in),
			    "line too long (see HX_LINE_MAX)");
		case HX_IN_BADDATA:
			r->ended = true;
			return bad_line(r, line, hx_in_lineno(r->in) + 1,
			    hx_in_error(r->in));
		case HX_IN_SYSERR:
			hx_err_set(err, HX_EXIT_SYSTEM, "%s: %s",
			    hx_in_name(r->in), hx_in_error(r->in));
			return HX_READER_ERROR;
		case HX_IN_LINE:
			break;
		}
		line->line = hx_in_lineno(r->in);
		line->text = text;
		line->len = len;
		switch (hx_scan_line(text, len, &line->scan)) {
		case HX_SCAN_BLANK:
			continue;
		case HX_SCAN_BAD:
			return HX_READER_BAD;
		case HX_SCAN_RECORD:
			return HX_READER_RECORD;
		}
	}
}

void
hx_reader_close(struct hx_reader *r)
{
	if (r == NULL)
		return;
	hx_in_close(r->in);
	free(r);
}
