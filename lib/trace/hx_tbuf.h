/*
 * hx_tbuf: a growing text buffer with the few writers the exporters of
 * hx-trace need (JSON strings, decimal integers and numbers), fast enough
 * to serialize millions of spans a second: no printf on the hot path.
 */
#ifndef HX_TBUF_H
#define HX_TBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct hx_tbuf {
	char *data;		/* LEN bytes, and room for a NUL */
	size_t len;
	size_t room;
};

void hx_tbuf_init(struct hx_tbuf *b);
void hx_tbuf_clear(struct hx_tbuf *b);

/* Make room for N more bytes at DATA + LEN, and a NUL. */
void hx_tbuf_grow(struct hx_tbuf *b, size_t n);

/*
 * The writers of bytes are inline: the exporters call them for every
 * piece of every span, mostly with literals whose length the compiler
 * then knows.
 */
static inline void
hx_tbuf_put(struct hx_tbuf *b, const char *s, size_t n)
{
	if (b->len + n >= b->room)
		hx_tbuf_grow(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

static inline void
hx_tbuf_puts(struct hx_tbuf *b, const char *s)
{
	hx_tbuf_put(b, s, strlen(s));
}

static inline void
hx_tbuf_putc(struct hx_tbuf *b, char c)
{
	if (b->len + 1 >= b->room)
		hx_tbuf_grow(b, 1);
	b->data[b->len++] = c;
}

/* S as a JSON string, quoted; bytes that are not UTF-8 become U+FFFD. */
void hx_tbuf_json_string(struct hx_tbuf *b, const char *s);
/* The same without the quotes, to write a string in pieces. */
void hx_tbuf_json_chars(struct hx_tbuf *b, const char *s);

/* N in decimal. */
void hx_tbuf_int(struct hx_tbuf *b, int64_t n);

/*
 * The same written at OUT, which the caller has made room for (at most
 * six bytes a byte of S; HX_TBUF_INT_MAX for N), without the checks of
 * room that writing piece by piece pays for every piece; they return
 * the end of what they wrote.
 */
#define HX_TBUF_INT_MAX	20
char *hx_tbuf_json_at(char *out, const char *s);
char *hx_tbuf_int_at(char *out, int64_t n);

/* NS nanoseconds as microseconds with three decimals ("12.345"). */
void hx_tbuf_micros(struct hx_tbuf *b, int64_t ns);

/*
 * The finite X as the shortest decimal that reads back as X (an integer
 * without a fraction), valid in JSON and in Prometheus text alike.
 */
void hx_tbuf_number(struct hx_tbuf *b, double x);

/* The NUL-terminated text. */
const char *hx_tbuf_text(struct hx_tbuf *b);

#endif
