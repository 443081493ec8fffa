/*
 * unit-rec: the record scanner and the line reader.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_in.h"
#include "rec/hx_reader.h"
#include "rec/hx_rec.h"
#include "../tap.h"

/* Scan S and check it is a record of type WANT. */
static void
record(const char *s, size_t len, const char *want, const char *what)
{
	struct hx_scan scan;
	enum hx_scan_status st = hx_scan_line(s, len, &scan);

	if (st != HX_SCAN_RECORD) {
		tap_ok(0, "%s", what);
		printf("# bad: %s at column %zu\n", scan.message, scan.column);
		return;
	}
	tap_is(scan.type, want, what);
}

#define RECORD(s, want, what) record(s, sizeof(s) - 1, want, what)

/* Scan S and check it is refused with MESSAGE at COLUMN (0: any). */
static void
bad(const char *s, size_t len, const char *message, size_t column,
    const char *what)
{
	struct hx_scan scan;
	enum hx_scan_status st = hx_scan_line(s, len, &scan);
	int pass = st == HX_SCAN_BAD && strcmp(scan.message, message) == 0 &&
	    (column == 0 || scan.column == column);

	tap_ok(pass, "%s", what);
	if (!pass)
		printf("# status %d, message %s, column %zu\n", st,
		    st == HX_SCAN_BAD ? scan.message : "-", scan.column);
}

#define BAD(s, message, column, what) \
	bad(s, sizeof(s) - 1, message, column, what)

static void
test_scanner(void)
{
	struct hx_scan scan;
	char *big, *deep;
	size_t n, i;

	RECORD("{\"type\":\"test\"}", "test", "a plain record");
	RECORD("{\"a\":{\"type\":\"inner\"},\"type\":\"outer\"}", "outer",
	    "a nested type key is not the record's type");
	RECORD("{\"x\":[{\"type\":\"no\"},[\"type\"]],\"type\":\"yes\"}", "yes",
	    "type keys inside arrays are skipped");
	RECORD("{\"type\":\"late\",\"a\":{\"type\":{\"type\":\"x\"}}}", "late",
	    "deeper type keys after the top-level one are skipped");
	RECORD("{\"note\":\"\\\"type\\\":\\\"fake\\\"\",\"type\":\"real\"}",
	    "real", "a type inside a string with escaped quotes is skipped");
	RECORD("{\"s\":\"a\\\\\",\"type\":\"t\"}", "t",
	    "an escaped backslash before the closing quote");
	RECORD("{\"typ\\u0065\":\"esc\"}", "esc", "an escaped key spells type");
	RECORD("{\"type\":\"a\\u00e9\\ud83d\\ude00\"}", "a\xc3\xa9\xf0\x9f\x98\x80",
	    "an escaped type value is decoded to UTF-8");
	RECORD(" \t{ \"type\" : \"ws\" , \"n\" : [ 1 , -2.5e+3 , 0 ] } ", "ws",
	    "whitespace everywhere JSON allows it");
	RECORD("{\"type\":\"crlf\"}\r", "crlf", "a CRLF line end");
	RECORD("{\"type\":\"u\",\"s\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
	    "u", "valid multi-byte UTF-8");
	RECORD("{\"v\":[true,false,null,{},[],\"\",0.5,1E9],\"type\":\"lit\"}",
	    "lit", "literals, empty containers and numbers");

	tap_ok(hx_scan_line("", 0, &scan) == HX_SCAN_BLANK, "an empty line is blank");
	tap_ok(hx_scan_line(" \t\r", 3, &scan) == HX_SCAN_BLANK,
	    "a line of whitespace is blank");

	BAD("hello", "not JSON", 1, "text that is not JSON");
	BAD("[1,2]", "expected a JSON object", 1, "an array is not a record");
	BAD("\"type\"", "expected a JSON object", 1, "a string is not a record");
	BAD("{\"kind\":\"x\"}", "no \"type\" field", 0, "no type");
	BAD("{\"type\":3}", "\"type\" is not a string", 0, "a numeric type");
	BAD("{\"type\":{\"type\":\"x\"}}", "\"type\" is not a string", 0,
	    "an object type");
	BAD("{\"type\":\"\"}", "\"type\" is empty", 9, "an empty type");
	BAD("{\"n\":1, \"type\" : \"\"}", "\"type\" is empty", 18,
	    "an empty type after another member, at its value");
	BAD("{\"type\":\"a\",\"type\":\"b\"}", "duplicate \"type\" key", 13,
	    "a duplicate type key");
	BAD("{\"type\":\"a\"} x", "text after the record", 14,
	    "text after the record");
	BAD("{\"type\":\"a\"}{}", "text after the record", 13,
	    "two objects on one line");
	BAD("{\"type\":\"a", "unterminated string", 0, "an unterminated string");
	BAD("{\"type\":\"a\"", "unexpected end of line", 12, "an unclosed object");
	BAD("{\"type\":\"\xff\"}", "invalid UTF-8", 10, "a byte that is never UTF-8");
	BAD("{\"type\":\"\xc0\x80\"}", "invalid UTF-8", 10, "an overlong sequence");
	BAD("{\"type\":\"\xed\xa0\x80\"}", "invalid UTF-8", 10,
	    "an encoded surrogate");
	BAD("{\"type\":\"\xe2\x82\"}", "invalid UTF-8", 10, "a cut sequence");
	BAD("{\"type\":\"a\",\"s\":\"x\0y\"}", "NUL byte", 19,
	    "a NUL byte in a string");
	BAD("{\"type\":\"a\"}\0", "NUL byte", 13, "a NUL byte after the record");
	BAD("{\"type\":\"a\tb\"}", "control character in a string", 11,
	    "a raw tab in a string");
	BAD("{\"type\":\"a\",\"n\":01}", "expected ',' or '}'", 18,
	    "a number with a leading zero");
	BAD("{\"type\":\"a\",\"n\":1.}", "bad number", 0, "a number ending in '.'");
	BAD("{\"type\":\"a\",\"n\":-}", "bad number", 0, "a lone minus");
	BAD("{\"type\":\"a\",\"b\":tru}", "not JSON", 0, "a cut literal");
	BAD("{\"type\":\"a\\x\"}", "bad escape in a string", 11, "a bad escape");
	BAD("{\"type\":\"\\u12g4\"}", "bad \\u escape in a string", 0,
	    "a bad \\u escape");
	BAD("{\"type\":\"a\",}", "expected a string key", 0, "a trailing comma");
	BAD("{type:\"a\"}", "expected a string key", 2, "an unquoted key");
	BAD("{\"type\" \"a\"}", "expected ':' after a key", 9, "a missing colon");
	BAD("{\"type\":\"a\" \"b\":1}", "expected ',' or '}'", 13,
	    "a missing comma");
	BAD("{\"type\":\"a\",\"l\":[1 2]}", "expected ',' or ']'", 20,
	    "a missing comma in an array");
	BAD("{\"type\":\"0123456789012345678901234567890123456789012345678901234"
	    "567890123456789\"}", "type longer than 63 bytes", 9, "a type over 63 bytes");

	n = 3000;
	deep = malloc(2 * n + 32);
	strcpy(deep, "{\"type\":\"d\",\"x\":");
	for (i = 0; i < n; i++)
		strcat(deep, "[");
	for (i = 0; i < n; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	bad(deep, strlen(deep), "nesting too deep", 0, "nesting over the limit");
	free(deep);

	n = 10u << 20;
	big = malloc(n + 64);
	strcpy(big, "{\"type\":\"big\",\"blob\":\"");
	i = strlen(big);
	memset(big + i, 'x', n);
	strcpy(big + i + n, "\"}");
	record(big, strlen(big), "big", "a 10 MB line");
	big[i + n / 2] = '"';
	bad(big, strlen(big), "expected ',' or '}'", i + n / 2 + 2,
	    "a fault in the middle of a 10 MB line is located");
	free(big);
}

/* Write CONTENT to a temporary file and open it with hx_in. */
static struct hx_in *
open_text(const char *content, size_t len, char *path)
{
	FILE *fp;
	int fd;

	strcpy(path, "/tmp/hx-unit-rec.XXXXXX");
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return NULL;
	fwrite(content, 1, len, fp);
	fclose(fp);
	return hx_in_open(path);
}

static void
test_reader(void)
{
	char path[64], *line, *big;
	size_t len, n;
	struct hx_in *in;
	const char text[] = "one\r\ntwo\n\nlast";

	in = open_text(text, sizeof(text) - 1, path);
	tap_ok(in != NULL, "open a file");
	tap_ok(hx_in_getline(in, &line, &len) == HX_IN_LINE && len == 4 &&
	    memcmp(line, "one\r", 4) == 0, "a CRLF line keeps its \\r");
	tap_ok(hx_in_getline(in, &line, &len) == HX_IN_LINE && len == 3 &&
	    memcmp(line, "two", 3) == 0, "the second line");
	tap_ok(hx_in_getline(in, &line, &len) == HX_IN_LINE && len == 0,
	    "an empty line");
	tap_ok(hx_in_getline(in, &line, &len) == HX_IN_LINE && len == 4 &&
	    memcmp(line, "last", 4) == 0 && hx_in_lineno(in) == 4,
	    "a last line without newline is line 4");
	tap_ok(hx_in_getline(in, &line, &len) == HX_IN_EOF, "then end of file");
	hx_in_close(in);
	unlink(path);

	in = open_text("short\nthis line is too long\nok\n", 31, path);
	hx_in_set_max_line(in, 10);
	hx_in_getline(in, &line, &len);
	tap_ok(hx_in_getline(in, &line, &len) == HX_IN_TOOLONG &&
	    hx_in_lineno(in) == 2, "a line over the limit is reported");
	tap_ok(hx_in_getline(in, &line, &len) == HX_IN_LINE && len == 2 &&
	    hx_in_lineno(in) == 3, "the line after it is read");
	hx_in_close(in);
	unlink(path);

	n = 10u << 20;
	big = malloc(n + 8);
	memset(big, 'y', n);
	memcpy(big + n, "\nz\n", 3);
	in = open_text(big, n + 3, path);
	tap_ok(hx_in_getline(in, &line, &len) == HX_IN_LINE && len == n &&
	    line[n - 1] == 'y', "a 10 MB line comes back whole");
	tap_ok(hx_in_getline(in, &line, &len) == HX_IN_LINE && len == 1 &&
	    *line == 'z', "and the line after it");
	hx_in_close(in);
	unlink(path);
	free(big);

	tap_ok(hx_in_open("/nonexistent/hx") == NULL, "a missing file fails");
}

/*
 * What a reader of PATH through BUFSIZE bytes (0: the default) hands
 * back, as text: status, line number and type or message of each line.
 */
static char *
transcript(const char *path, size_t bufsize)
{
	struct hx_reader_line line;
	struct hx_err_info err;
	struct hx_reader *r;
	enum hx_reader_status st;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	r = bufsize == 0 ? hx_reader_open(path, &err) :
	    hx_reader_open_size(path, bufsize, &err);
	if (r == NULL || out == NULL)
		exit(1);
	while ((st = hx_reader_next(r, &line, &err)) != HX_READER_EOF &&
	    st != HX_READER_ERROR)
		fprintf(out, "%d %lu %s %zu\n", st, line.line, st ==
		    HX_READER_RECORD ? line.scan.type : line.scan.message,
		    line.len);
	fprintf(out, "%d\n", st);
	hx_reader_close(r);
	fclose(out);
	return text;
}

/* Small buffers read what the default one reads, plain and gzip. */
static void
test_buffer_sizes(void)
{
	static const char records[] = "{\"type\":\"a\"}\n\n  \n"
	    "{\"type\":\"long\",\"pad\":\"0123456789012345678901234567890\"}\r\n"
	    "not json\n{\"type\":\"\"}\n{\"type\":\"last\"}";
	static const size_t sizes[] = { 2, 3, 7, 16 };
	unsigned char *gz;
	char path[64], *want, *got;
	size_t gzlen, i;
	FILE *fp;
	int pass, gzip;

	for (gzip = 0; gzip <= 1; gzip++) {
		hx_in_close(open_text(records, sizeof(records) - 1, path));
		if (gzip) {
			hx_in_gzip(records, sizeof(records) - 1, &gz, &gzlen);
			if ((fp = fopen(path, "w")) == NULL)
				exit(1);
			fwrite(gz, 1, gzlen, fp);
			fclose(fp);
			free(gz);
		}
		want = transcript(path, 0);
		pass = strstr(want, "0 4 long ") != NULL;
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			got = transcript(path, sizes[i]);
			if (strcmp(got, want) != 0) {
				printf("# %zu bytes:\n%s# want:\n%s", sizes[i],
				    got, want);
				pass = 0;
			}
			free(got);
		}
		tap_ok(pass, "buffers of 2 to 16 bytes read what 1 MiB reads%s",
		    gzip ? ", gzip" : "");
		free(want);
		unlink(path);
	}
}

/* The tail of a program: the loop's error first, then the write's. */
static void
test_finish(void)
{
	struct hx_rec_loop loop = { 0 };
	struct hx_err_info err;

	hx_rec_init("unit-rec");
	tap_ok(hx_rec_finish(NULL, &err) == 0, "finish: no loop, nothing to do");
	tap_ok(hx_rec_finish(&loop, &err) == 0, "finish: a loop that ended well");
	loop.failed = true;
	hx_err_set(&loop.error, HX_EXIT_INPUT, "stdin:2: not JSON");
	tap_ok(hx_rec_finish(&loop, &err) < 0 && err.status == HX_EXIT_INPUT,
	    "finish: a failed loop ends the program with its status");
	tap_is(err.message, "stdin:2: not JSON", "finish: and its message");
}

int
main(void)
{
	test_scanner();
	test_reader();
	test_buffer_sizes();
	test_finish();
	return tap_done();
}
