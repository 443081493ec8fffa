/*
 * hx_rec: the filter loop every program runs over its input: records of
 * the types it consumes go to its callback, every other line passes
 * through byte for byte, and bad lines end the loop or become error
 * records.  Output goes through standard output's hx_writer.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rec/hx_error.h"
#include "rec/hx_reader.h"
#include "rec/hx_rec.h"
#include "rec/hx_writer.h"

/* Standard output's writer: every record of the program goes through it. */
static struct hx_writer *out;

/*
 * Keep descriptors 0, 1 and 2 taken: a program started with one closed
 * would otherwise get it back from its next open or pipe, and write
 * records into a file or a child's pipe.  A closed standard output is
 * still an error at the first write (EBADF).
 */
static void
hold_standard_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
			break;
}

void
hx_rec_init(const char *argv0)
{
	bool closed = fcntl(STDOUT_FILENO, F_GETFD) < 0;

	hx_err_set_progname(argv0);
	signal(SIGPIPE, SIG_IGN);
	hold_standard_fds();
	if (out == NULL)
		out = hx_writer_new(STDOUT_FILENO, 0, 0);
	if (closed)
		hx_writer_fail(out, EBADF);
}

struct hx_writer *
hx_rec_out(void)
{
	return out;
}

int
hx_rec_pass(const struct hx_record *rec)
{
	return hx_writer_line(out, rec->text, rec->len);
}

int
hx_rec_emit(const json_t *value)
{
	return hx_writer_record(out, value);
}

/* Fill ERR from the writer's error: EPIPE is a quiet end. */
static int
output_failed(struct hx_err_info *err)
{
	int error = hx_writer_error(out);

	if (error == EPIPE || error == 0)
		return hx_err_set(err, HX_EXIT_OK, "%s", "");
	errno = error;
	return hx_err_set_errno(err, HX_EXIT_SYSTEM, "stdout: write error");
}

int
hx_rec_finish(const struct hx_rec_loop *loop, struct hx_err_info *err)
{
	int rc = hx_writer_flush(out) == 0 ? 0 : output_failed(err);

	if (loop != NULL && loop->failed) {
		*err = loop->error;
		return -1;
	}
	return rc;
}

/*
 * A bad line: the end of the loop with status 3, or with keep_going an
 * error record downstream, counted.
 */
static void
report_bad(struct hx_rec_loop *loop, const char *file, unsigned long line,
    size_t column, const char *message)
{
	struct hx_error error = { 0 };
	struct hx_err_info bad;
	json_t *rec;

	if (loop->failed)
		return;
	if (!loop->keep_going) {
		loop->failed = true;
		if (column > 0)
			hx_err_set(&loop->error, HX_EXIT_INPUT,
			    "%s:%lu: %s at column %zu", file, line, message,
			    column);
		else
			hx_err_set(&loop->error, HX_EXIT_INPUT, "%s:%lu: %s",
			    file, line, message);
		return;
	}
	if (loop->warn != NULL) {
		hx_err_set(&bad, HX_EXIT_INPUT, "%s:%lu: %s", file, line,
		    message);
		loop->warn(&bad);
	}
	error.program = hx_err_progname();
	error.file = file;
	error.line = line;
	error.column = column;
	error.message = message;
	rec = hx_error_to_json(&error);
	hx_rec_emit(rec);
	json_decref(rec);
	loop->bad_lines++;
}

void
hx_rec_bad(struct hx_record *rec, const char *fmt, ...)
{
	va_list ap;
	char message[HX_ERR_MESSAGE_MAX];

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	report_bad(rec->loop, rec->file, rec->line, 0, message);
}

json_t *
hx_rec_json(struct hx_record *rec)
{
	struct hx_json_error err;

	if (rec->json == NULL) {
		rec->json = hx_json_parse(rec->text, rec->len, &err);
		if (rec->json == NULL) {
			report_bad(rec->loop, rec->file, rec->line,
			    (size_t)(err.column > 0 ? err.column : 0), err.text);
			return NULL;
		}
	}
	return rec->json;
}

static int
is_consumed(const struct hx_rec_loop *loop, const char *type)
{
	const char *const *t;

	if (loop->consume_all)
		return 1;
	if (loop->consume == NULL)
		return 0;
	for (t = loop->consume; *t != NULL; t++)
		if (strcmp(*t, type) == 0)
			return 1;
	return 0;
}

/* Stop LOOP for a write error: quietly for a closed pipe, else status 4. */
static int
loop_output_failed(struct hx_rec_loop *loop)
{
	loop->failed = true;
	return output_failed(&loop->error);
}

/* Run LOOP over one open input; returns what a callback stopped it with. */
static int
run_input(struct hx_rec_loop *loop, struct hx_reader *reader)
{
	struct hx_reader_line line;
	struct hx_record rec;
	int rc;

	for (;;) {
		switch (hx_reader_next(reader, &line, &loop->error)) {
		case HX_READER_EOF:
			return 0;
		case HX_READER_ERROR:
			loop->failed = true;
			return -1;
		case HX_READER_BAD:
			report_bad(loop, line.file, line.line, line.scan.column,
			    line.scan.message);
			break;
		case HX_READER_RECORD:
			if (!is_consumed(loop, line.scan.type)) {
				if (hx_writer_line(out, line.text,
				    line.len) < 0)
					return loop_output_failed(loop);
				continue;
			}
			rec.file = line.file;
			rec.line = line.line;
			rec.text = line.text;
			rec.len = line.len;
			rec.type = line.scan.type;
			rec.json = NULL;
			rec.loop = loop;
			rc = loop->fn(&rec, loop->arg);
			json_decref(rec.json);
			if (rc != 0 && !loop->failed)
				return rc;
			break;
		}
		if (loop->failed)
			return -1;
		if (hx_writer_error(out) != 0)
			return loop_output_failed(loop);
	}
}

int
hx_rec_loop_run(struct hx_rec_loop *loop, int argc, char **argv)
{
	static char stdin_name[] = "-";
	static char *stdin_only[] = { stdin_name, NULL };
	struct hx_reader *reader;
	int i, rc = 0;

	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (i = 0; i < argc && rc == 0; i++) {
		if ((reader = hx_reader_open(argv[i], &loop->error)) == NULL) {
			loop->failed = true;
			return -1;
		}
		rc = run_input(loop, reader);
		hx_reader_close(reader);
	}
	return rc;
}
