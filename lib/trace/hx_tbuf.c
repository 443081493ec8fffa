/*
 * hx_tbuf.c: the text buffer of the exporters.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_utf8.h"
#include "trace/hx_tbuf.h"

void
hx_tbuf_init(struct hx_tbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void
hx_tbuf_clear(struct hx_tbuf *b)
{
	free(b->data);
	hx_tbuf_init(b);
}

void
hx_tbuf_grow(struct hx_tbuf *b, size_t n)
{
	while (b->len + n >= b->room)
		b->room = b->room != 0 ? 2 * b->room : 4096;
	b->data = hx_xrealloc(b->data, b->room);
}

void
hx_tbuf_json_string(struct hx_tbuf *b, const char *s)
{
	hx_tbuf_putc(b, '"');
	hx_tbuf_json_chars(b, s);
	hx_tbuf_putc(b, '"');
}

/* Whether a byte goes into a JSON string as it is: printable ASCII. */
static const unsigned char hx_tbuf_plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

void
hx_tbuf_json_chars(struct hx_tbuf *b, const char *s)
{
	size_t n = 6 * strlen(s);

	if (b->len + n >= b->room)
		hx_tbuf_grow(b, n);
	b->len = (size_t)(hx_tbuf_json_at(b->data + b->len, s) - b->data);
}

/*
 * Escape S for JSON in one pass: runs of bytes that need nothing are
 * copied at once; quote, backslash and control characters are escaped,
 * and a byte that starts no valid UTF-8 sequence becomes U+FFFD.  No
 * byte takes more than six.
 */
char *
hx_tbuf_json_at(char *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run;
	size_t n;

	for (;;) {
		run = p;
		while (hx_tbuf_plain[*p])
			p++;
		memcpy(out, run, (size_t)(p - run));
		out += p - run;
		if (*p == '\0')
			return out;
		if (*p >= 0x80) {
			n = hx_utf8_length(p, p + strlen((const char *)p));
			if (n == 0) {
				memcpy(out, "\\ufffd", 6);
				out += 6;
				p++;
			} else {
				memcpy(out, p, n);
				out += n;
				p += n;
			}
			continue;
		}
		*out++ = '\\';
		switch (*p) {
		case '"':
		case '\\':
			*out++ = (char)*p;
			break;
		case '\n':
			*out++ = 'n';
			break;
		case '\t':
			*out++ = 't';
			break;
		case '\r':
			*out++ = 'r';
			break;
		default:
			memcpy(out, "u00", 3);
			out[3] = hex[*p >> 4];
			out[4] = hex[*p & 15];
			out += 5;
		}
		p++;
	}
}

/* The two digits of each number below 100, for two digits a division. */
static const char hx_tbuf_pairs[] =
    "00010203040506070809101112131415161718192021222324"
    "25262728293031323334353637383940414243444546474849"
    "50515253545556575859606162636465666768697071727374"
    "75767778798081828384858687888990919293949596979899";

void
hx_tbuf_int(struct hx_tbuf *b, int64_t n)
{
	if (b->len + HX_TBUF_INT_MAX >= b->room)
		hx_tbuf_grow(b, HX_TBUF_INT_MAX);
	b->len = (size_t)(hx_tbuf_int_at(b->data + b->len, n) - b->data);
}

char *
hx_tbuf_int_at(char *out, int64_t n)
{
	char digits[24], *p = digits + sizeof(digits);
	uint64_t u = n < 0 ? -(uint64_t)n : (uint64_t)n;

	while (u >= 100) {
		p -= 2;
		memcpy(p, hx_tbuf_pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, hx_tbuf_pairs + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	if (n < 0)
		*--p = '-';
	memcpy(out, p, (size_t)(digits + sizeof(digits) - p));
	return out + (digits + sizeof(digits) - p);
}

void
hx_tbuf_micros(struct hx_tbuf *b, int64_t ns)
{
	int64_t frac = ns % 1000;

	if (ns < 0 && frac != 0) {
		hx_tbuf_putc(b, '-');
		ns = -ns;
		frac = -frac;
	}
	hx_tbuf_int(b, ns / 1000);
	if (b->len + 4 >= b->room)
		hx_tbuf_grow(b, 4);
	b->data[b->len++] = '.';
	b->data[b->len++] = (char)('0' + frac / 100);
	b->data[b->len++] = (char)('0' + frac / 10 % 10);
	b->data[b->len++] = (char)('0' + frac % 10);
}

void
hx_tbuf_number(struct hx_tbuf *b, double x)
{
	char text[32];
	int n;

	if (x == floor(x) && fabs(x) <= 9007199254740992.0) {
		hx_tbuf_int(b, (int64_t)x);
		return;
	}
	n = snprintf(text, sizeof(text), "%.15g", x);
	if (strtod(text, NULL) != x)
		n = snprintf(text, sizeof(text), "%.17g", x);
	hx_tbuf_put(b, text, (size_t)n);
}

const char *
hx_tbuf_text(struct hx_tbuf *b)
{
	if (b->len >= b->room)
		hx_tbuf_grow(b, 0);
	b->data[b->len] = '\0';
	return b->data;
}
