/*
 * hx_rec: the record stream.
 *
 * The scanner is a single pass over the line that validates the whole JSON
 * grammar (RFC 8259) and UTF-8 but builds nothing: only the value of the
 * top-level "type" key is kept.  Runs of ordinary string bytes are skipped
 * eight at a time.  Consumed records alone are parsed with jansson.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_in.h"
#include "hx_utf8.h"
#include "rec/hx_rec.h"

#define MAX_DEPTH 1024
#define OUT_CAP ((size_t)1 << 18)

/* Scanner: ---------------------------------------------------------------- */

struct scanner {
	const unsigned char *s, *p, *end;
	const char *message;
};

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const unsigned char *
skip_ws(const unsigned char *p, const unsigned char *end)
{
	while (p < end && is_ws(*p))
		p++;
	return p;
}

/* Fail at P with MESSAGE, naming a NUL byte as such. */
static int
fail(struct scanner *sc, const unsigned char *p, const char *message)
{
	if (p < sc->end && *p == '\0')
		message = "NUL byte";
	else if (p >= sc->end && message == NULL)
		message = "unexpected end of line";
	sc->p = p;
	sc->message = message;
	return -1;
}

static int
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/*
 * Whether any byte of X needs a closer look inside a string: below 0x20,
 * '"', '\\', or with its top bit set (UTF-8).  Exact, from the classic
 * "has zero byte" and "has byte less than" bit tricks.
 */
static int
has_special_byte(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t high = 0x8080808080808080ull;
	uint64_t quote = x ^ (ones * '"'), slash = x ^ (ones * '\\');

	return ((x | ((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) |
	    ((slash - ones) & ~slash)) & high) != 0;
}

/*
 * Skip the string whose opening quote is at sc->p.  On return sc->p is past
 * the closing quote.  *ESCAPED says whether it held a backslash escape.
 */
static int
scan_string(struct scanner *sc, int *escaped)
{
	const unsigned char *p = sc->p + 1, *end = sc->end;
	uint64_t x;
	size_t n;

	*escaped = 0;
	for (;;) {
		while ((size_t)(end - p) >= 8) {
			memcpy(&x, p, 8);
			if (has_special_byte(x))
				break;
			p += 8;
		}
		if (p >= end)
			return fail(sc, p, "unterminated string");
		if (*p == '"') {
			sc->p = p + 1;
			return 0;
		}
		if (*p == '\\') {
			*escaped = 1;
			if (p + 1 >= end)
				return fail(sc, p + 1, "unterminated string");
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u':
				if (end - p < 6 || !is_hex(p[2]) || !is_hex(p[3]) ||
				    !is_hex(p[4]) || !is_hex(p[5]))
					return fail(sc, p, "bad \\u escape in a string");
				p += 6;
				break;
			default:
				return fail(sc, p, "bad escape in a string");
			}
		} else if (*p < 0x20) {
			return fail(sc, p, "control character in a string");
		} else if (*p >= 0x80) {
			if ((n = hx_utf8_length(p, end)) == 0)
				return fail(sc, p, "invalid UTF-8");
			p += n;
		} else
			p++;
	}
}

static int
scan_digits(const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p == *pp)
		return -1;
	*pp = p;
	return 0;
}

/* Skip the number at sc->p (RFC 8259 grammar). */
static int
scan_number(struct scanner *sc)
{
	const unsigned char *p = sc->p, *end = sc->end;

	if (*p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (scan_digits(&p, end) < 0)
		return fail(sc, p, "bad number");
	if (p < end && *p == '.') {
		p++;
		if (scan_digits(&p, end) < 0)
			return fail(sc, p, "bad number");
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (scan_digits(&p, end) < 0)
			return fail(sc, p, "bad number");
	}
	sc->p = p;
	return 0;
}

static int
scan_literal(struct scanner *sc, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return fail(sc, sc->p, "not JSON");
	sc->p += n;
	return 0;
}

/*
 * Decode the JSON string body [P, END) (no quotes) into OUT of size OUTSZ.
 * Returns its length, or -1 when it does not fit.  Only called on strings
 * the scanner has validated.
 */
static long
decode_string(const unsigned char *p, const unsigned char *end, char *out,
    size_t outsz)
{
	size_t n = 0;
	unsigned long cp, lo;
	char c;

	while (p < end) {
		if (*p != '\\') {
			if (n + 1 >= outsz)
				return -1;
			out[n++] = (char)*p++;
			continue;
		}
		c = (char)p[1];
		p += 2;
		switch (c) {
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			cp = strtoul((char[]){ (char)p[0], (char)p[1], (char)p[2],
			    (char)p[3], 0 }, NULL, 16);
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 6 &&
			    p[0] == '\\' && p[1] == 'u') {
				lo = strtoul((char[]){ (char)p[2], (char)p[3],
				    (char)p[4], (char)p[5], 0 }, NULL, 16);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
					p += 6;
				}
			}
			if (n + 5 >= outsz)
				return -1;
			if (cp < 0x80)
				out[n++] = (char)cp;
			else if (cp < 0x800) {
				out[n++] = (char)(0xc0 | cp >> 6);
				out[n++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				out[n++] = (char)(0xe0 | cp >> 12);
				out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[n++] = (char)(0x80 | (cp & 0x3f));
			} else {
				out[n++] = (char)(0xf0 | cp >> 18);
				out[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
				out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[n++] = (char)(0x80 | (cp & 0x3f));
			}
			continue;
		default:
			break;
		}
		if (n + 1 >= outsz)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return (long)n;
}

/* Whether the key [P, END) (raw, maybe escaped) spells "type". */
static int
key_is_type(const unsigned char *p, const unsigned char *end, int escaped)
{
	char buf[16];

	if (!escaped)
		return end - p == 4 && memcmp(p, "type", 4) == 0;
	return decode_string(p, end, buf, sizeof(buf)) == 4 &&
	    memcmp(buf, "type", 4) == 0;
}

enum state { S_VALUE, S_OBJ_FIRST, S_OBJ_KEY, S_COLON, S_ARR_FIRST, S_AFTER };

enum hx_scan_status
hx_rec_scan(const char *line, size_t len, struct hx_scan *scan)
{
	struct scanner sc;
	char stack[MAX_DEPTH];	/* '{' or '[' per open container */
	const unsigned char *key = NULL, *key_end = NULL, *start;
	int depth = 0, escaped, key_escaped = 0, type_next = 0;
	int have_type = 0, type_is_string = 0;
	enum state state = S_VALUE;

	sc.s = sc.p = (const unsigned char *)line;
	sc.end = sc.s + len;
	sc.message = NULL;
	scan->type[0] = '\0';
	scan->message = NULL;
	scan->column = 0;

	sc.p = skip_ws(sc.p, sc.end);
	if (sc.p == sc.end)
		return HX_SCAN_BLANK;
	if (*sc.p != '{') {
		if (*sc.p == '[' || *sc.p == '"' || *sc.p == '-' ||
		    (*sc.p >= '0' && *sc.p <= '9') || *sc.p == 't' ||
		    *sc.p == 'f' || *sc.p == 'n')
			fail(&sc, sc.p, "expected a JSON object");
		else
			fail(&sc, sc.p, "not JSON");
		goto bad;
	}

	for (;;) {
		sc.p = skip_ws(sc.p, sc.end);
		if (sc.p >= sc.end) {
			if (depth == 0 && state == S_AFTER)
				break;
			fail(&sc, sc.p, "unexpected end of line");
			goto bad;
		}
		switch (state) {
		case S_VALUE:
			start = sc.p;
			switch (*sc.p) {
			case '{':
			case '[':
				if (depth == MAX_DEPTH) {
					fail(&sc, sc.p, "nesting too deep");
					goto bad;
				}
				stack[depth++] = (char)*sc.p;
				state = *sc.p == '{' ? S_OBJ_FIRST : S_ARR_FIRST;
				sc.p++;
				type_next = 0;
				continue;
			case '"':
				if (scan_string(&sc, &escaped) < 0)
					goto bad;
				if (type_next) {
					type_is_string = 1;
					if (decode_string(start + 1, sc.p - 1,
					    scan->type, sizeof(scan->type)) < 0) {
						fail(&sc, start, "type longer than 63 bytes");
						goto bad;
					}
				}
				break;
			case 't':
				if (scan_literal(&sc, "true") < 0)
					goto bad;
				break;
			case 'f':
				if (scan_literal(&sc, "false") < 0)
					goto bad;
				break;
			case 'n':
				if (scan_literal(&sc, "null") < 0)
					goto bad;
				break;
			default:
				if (*sc.p != '-' && (*sc.p < '0' || *sc.p > '9')) {
					fail(&sc, sc.p, "expected a value");
					goto bad;
				}
				if (scan_number(&sc) < 0)
					goto bad;
				break;
			}
			type_next = 0;
			state = S_AFTER;
			continue;
		case S_OBJ_FIRST:
			if (*sc.p == '}') {
				sc.p++;
				depth--;
				state = S_AFTER;
				continue;
			}
			/* FALLTHROUGH */
		case S_OBJ_KEY:
			if (*sc.p != '"') {
				fail(&sc, sc.p, "expected a string key");
				goto bad;
			}
			key = sc.p + 1;
			if (scan_string(&sc, &key_escaped) < 0)
				goto bad;
			key_end = sc.p - 1;
			state = S_COLON;
			continue;
		case S_COLON:
			if (*sc.p != ':') {
				fail(&sc, sc.p, "expected ':' after a key");
				goto bad;
			}
			sc.p++;
			if (depth == 1 && key_is_type(key, key_end, key_escaped)) {
				if (have_type) {
					fail(&sc, key - 1, "duplicate \"type\" key");
					goto bad;
				}
				have_type = 1;
				type_next = 1;
			}
			state = S_VALUE;
			continue;
		case S_ARR_FIRST:
			if (*sc.p == ']') {
				sc.p++;
				depth--;
				state = S_AFTER;
				continue;
			}
			state = S_VALUE;
			continue;
		case S_AFTER:
			if (depth == 0) {
				fail(&sc, sc.p, "text after the record");
				goto bad;
			}
			if (*sc.p == ',') {
				sc.p++;
				state = stack[depth - 1] == '{' ? S_OBJ_KEY : S_VALUE;
				continue;
			}
			if (*sc.p == (stack[depth - 1] == '{' ? '}' : ']')) {
				sc.p++;
				depth--;
				continue;
			}
			fail(&sc, sc.p, stack[depth - 1] == '{' ?
			    "expected ',' or '}'" : "expected ',' or ']'");
			goto bad;
		}
	}
	if (!have_type) {
		scan->message = "no \"type\" field";
		scan->column = 1;
		return HX_SCAN_BAD;
	}
	if (!type_is_string) {
		scan->message = "\"type\" is not a string";
		scan->column = 1;
		return HX_SCAN_BAD;
	}
	return HX_SCAN_RECORD;
bad:
	scan->message = sc.message;
	scan->column = (size_t)(sc.p - sc.s) + 1;
	return HX_SCAN_BAD;
}

/* Output: ------------------------------------------------------------------ */

static char out_buf[OUT_CAP];
static size_t out_len;

/* Write all of BUF to stdout; a closed pipe ends the program quietly. */
static void
write_stdout(const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDOUT_FILENO, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				exit(HX_EXIT_OK);
			hx_err_errno(HX_EXIT_SYSTEM, "stdout: write error");
		}
		buf += n;
		len -= (size_t)n;
	}
}

void
hx_out_flush(void)
{
	write_stdout(out_buf, out_len);
	out_len = 0;
}

void
hx_out_write(const char *buf, size_t len)
{
	if (len > OUT_CAP - out_len) {
		hx_out_flush();
		if (len >= OUT_CAP) {
			write_stdout(buf, len);
			return;
		}
	}
	memcpy(out_buf + out_len, buf, len);
	out_len += len;
}

static int
emit_piece(const char *buf, size_t len, void *arg)
{
	hx_out_write(buf, len);
	return 0;
}

void
hx_rec_emit(const json_t *value)
{
	if (hx_json_dump(value, emit_piece, NULL) < 0)
		hx_err(HX_EXIT_SYSTEM, "cannot encode a record");
	hx_out_write("\n", 1);
}

void
hx_rec_pass(const struct hx_record *rec)
{
	hx_out_write(rec->text, rec->len);
	hx_out_write("\n", 1);
}

/* The loop: --------------------------------------------------------------- */

void
hx_rec_init(const char *argv0)
{
	hx_err_set_progname(argv0);
	signal(SIGPIPE, SIG_IGN);
}

json_t *
hx_rec_error_record(const char *file, unsigned long line, size_t column,
    const char *message)
{
	json_t *rec = json_object();

	json_object_set_new(rec, "type", json_string("error"));
	json_object_set_new(rec, "program", json_string(hx_err_progname()));
	json_object_set_new(rec, "file", json_string(file));
	if (line > 0)
		json_object_set_new(rec, "line", json_integer((json_int_t)line));
	if (column > 0)
		json_object_set_new(rec, "column",
		    json_integer((json_int_t)column));
	json_object_set_new(rec, "message", json_string(message));
	return rec;
}

/*
 * Report a bad line: exit 3, or with keep_going send an error record on
 * and count it.
 */
static void
report_bad(struct hx_rec_loop *loop, const char *file, unsigned long line,
    size_t column, const char *message)
{
	json_t *rec;

	if (!loop->keep_going) {
		hx_out_flush();
		if (column > 0)
			hx_err(HX_EXIT_INPUT, "%s:%lu: %s at column %zu", file,
			    line, message, column);
		hx_err(HX_EXIT_INPUT, "%s:%lu: %s", file, line, message);
	}
	hx_warn("%s:%lu: %s", file, line, message);
	rec = hx_rec_error_record(file, line, column, message);
	hx_rec_emit(rec);
	json_decref(rec);
	loop->bad_lines++;
}

void
hx_rec_bad(struct hx_record *rec, const char *fmt, ...)
{
	va_list ap;
	char *message;

	va_start(ap, fmt);
	if (vasprintf(&message, fmt, ap) < 0)
		hx_err(HX_EXIT_SYSTEM, "out of memory");
	va_end(ap);
	report_bad(rec->loop, rec->file, rec->line, 0, message);
	free(message);
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

/* Run LOOP over one open input; returns what a callback stopped it with. */
static int
run_input(struct hx_rec_loop *loop, struct hx_in *in)
{
	struct hx_record rec;
	struct hx_scan scan;
	char *line;
	size_t len;
	int rc;

	for (;;) {
		switch (hx_in_getline(in, &line, &len)) {
		case HX_IN_EOF:
			return 0;
		case HX_IN_TOOLONG:
			report_bad(loop, hx_in_name(in), hx_in_lineno(in), 0,
			    "line too long (see HX_LINE_MAX)");
			continue;
		case HX_IN_BADDATA:
			report_bad(loop, hx_in_name(in), hx_in_lineno(in) + 1, 0,
			    hx_in_error(in));
			return 0;
		case HX_IN_SYSERR:
			hx_out_flush();
			hx_err(HX_EXIT_SYSTEM, "%s: %s", hx_in_name(in),
			    hx_in_error(in));
		case HX_IN_LINE:
			break;
		}
		switch (hx_rec_scan(line, len, &scan)) {
		case HX_SCAN_BLANK:
			continue;
		case HX_SCAN_BAD:
			report_bad(loop, hx_in_name(in), hx_in_lineno(in),
			    scan.column, scan.message);
			continue;
		case HX_SCAN_RECORD:
			break;
		}
		if (!is_consumed(loop, scan.type)) {
			hx_out_write(line, len);
			hx_out_write("\n", 1);
			continue;
		}
		rec.file = hx_in_name(in);
		rec.line = hx_in_lineno(in);
		rec.text = line;
		rec.len = len;
		rec.type = scan.type;
		rec.json = NULL;
		rec.loop = loop;
		rc = loop->fn(&rec, loop->arg);
		json_decref(rec.json);
		if (rc != 0)
			return rc;
	}
}

int
hx_rec_loop_run(struct hx_rec_loop *loop, int argc, char **argv)
{
	static char stdin_name[] = "-";
	static char *stdin_only[] = { stdin_name, NULL };
	struct hx_in *in;
	int i, rc = 0;

	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (i = 0; i < argc && rc == 0; i++) {
		if ((in = hx_in_open(argv[i])) == NULL) {
			hx_out_flush();
			hx_err_errno(HX_EXIT_SYSTEM, "%s", argv[i]);
		}
		rc = run_input(loop, in);
		hx_in_close(in);
	}
	return rc;
}
