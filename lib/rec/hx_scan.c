/*
 * hx_scan: check one line of the record stream and find its type.
 *
 * The scanner is a single pass over the line that validates the whole JSON
 * grammar (RFC 8259) and UTF-8 but builds nothing: only the value of the
 * top-level "type" key is kept.  Runs of ordinary string bytes are skipped
 * eight at a time.  Consumed records alone are parsed with jansson.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "hx_utf8.h"
#include "rec/hx_scan.h"

#define MAX_DEPTH 1024

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

/* The code unit of the \uXXXX escape at P, or -1 when it is not one. */
static long
code_unit(const unsigned char *p, const unsigned char *end)
{
	if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !is_hex(p[2]) ||
	    !is_hex(p[3]) || !is_hex(p[4]) || !is_hex(p[5]))
		return -1;
	return strtol((char[]){ (char)p[2], (char)p[3], (char)p[4],
	    (char)p[5], 0 }, NULL, 16);
}

/*
 * Check the \u escape at P and return its length: 6, or 12 for a
 * surrogate pair; 0 after failing.  A lone surrogate and U+0000 are
 * refused, as jansson refuses them, so that a line the scanner passes
 * is one the parser accepts (hx-records(5)).
 */
static size_t
scan_unicode_escape(struct scanner *sc, const unsigned char *p)
{
	long cp = code_unit(p, sc->end), lo;

	if (cp < 0)
		return (size_t)(fail(sc, p, "bad \\u escape in a string"), 0);
	if (cp == 0)
		return (size_t)(fail(sc, p, "\\u0000 in a string"), 0);
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return (size_t)(fail(sc, p, "lone surrogate in a string"), 0);
	if (cp < 0xd800 || cp > 0xdbff)
		return 6;
	lo = code_unit(p + 6, sc->end);
	if (lo < 0xdc00 || lo > 0xdfff)
		return (size_t)(fail(sc, p, "lone surrogate in a string"), 0);
	return 12;
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
				if ((n = scan_unicode_escape(sc, p)) == 0)
					return -1;
				p += n;
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

/*
 * Whether the integer [P, END) (an optional '-' and digits without leading
 * zeros) fits in 64 bits, as jansson requires.
 */
static int
integer_fits(const unsigned char *p, const unsigned char *end)
{
	const char *limit = "9223372036854775807";
	size_t n;

	if (*p == '-') {
		p++;
		limit = "9223372036854775808";
	}
	n = (size_t)(end - p);
	return n < 19 || (n == 19 && memcmp(p, limit, 19) <= 0);
}

/* Whether the real [P, END) is finite as a double, as jansson requires. */
static int
real_fits(const unsigned char *p, const unsigned char *end)
{
	size_t n = (size_t)(end - p);
	char small[64], *buf = n < sizeof(small) ? small : hx_xmalloc(n + 1);
	double v;

	memcpy(buf, p, n);
	buf[n] = '\0';
	v = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return isfinite(v);
}

/* Skip the number at sc->p (RFC 8259 grammar). */
static int
scan_number(struct scanner *sc)
{
	const unsigned char *p = sc->p, *end = sc->end;
	int real = 0, exponent = 0;

	if (*p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (scan_digits(&p, end) < 0)
		return fail(sc, p, "bad number");
	if (p < end && *p == '.') {
		p++;
		real = 1;
		if (scan_digits(&p, end) < 0)
			return fail(sc, p, "bad number");
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		real = exponent = 1;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (scan_digits(&p, end) < 0)
			return fail(sc, p, "bad number");
	}
	if (!real && !integer_fits(sc->p, p))
		return fail(sc, sc->p, "integer does not fit in 64 bits");
	/* Only an exponent or a very long mantissa can overflow a double. */
	if ((exponent || p - sc->p > 300) && !real_fits(sc->p, p))
		return fail(sc, sc->p, "number too large");
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

/* A key of an open object, as the line spells it. */
struct key {
	const unsigned char *p, *end;
	int escaped;
};

/*
 * What is known of the keys of one open object: where they start in the
 * key list, a 64-bit filter of the plain keys seen, and whether they need
 * the exact check when the object closes (an escaped key, or too many to
 * check one by one).
 */
struct open_object {
	size_t base;
	uint64_t filter;
	int exact;
};

/* Keys checked one by one, as they come, up to this many in an object. */
#define KEYS_CHECKED_AT_ONCE 64

/* The keys of every open object, innermost last. */
struct keys {
	struct key *v;
	size_t n, cap;
	struct key small[64];
};

static inline void
keys_push(struct keys *k, const unsigned char *p, const unsigned char *end,
    int escaped)
{
	if (k->n == k->cap) {
		k->cap *= 2;
		if (k->v == k->small) {
			k->v = hx_xmalloc(k->cap * sizeof(*k->v));
			memcpy(k->v, k->small, sizeof(k->small));
		} else
			k->v = hx_xrealloc(k->v, k->cap * sizeof(*k->v));
	}
	k->v[k->n++] = (struct key){ p, end, escaped };
}

/* Compare two keys by the strings they decode to. */
static int
key_compare(const void *va, const void *vb)
{
	const struct key *a = va, *b = vb;
	size_t la = (size_t)(a->end - a->p), lb = (size_t)(b->end - b->p);
	char *da, *db;
	long na, nb;
	int c;

	if (!a->escaped && !b->escaped) {
		c = memcmp(a->p, b->p, la < lb ? la : lb);
		return c != 0 ? c : (la > lb) - (la < lb);
	}
	/* Decoding never makes a string longer than its escaped form. */
	da = hx_xmalloc(la + 1);
	db = hx_xmalloc(lb + 1);
	na = decode_string(a->p, a->end, da, la + 1);
	nb = decode_string(b->p, b->end, db, lb + 1);
	c = memcmp(da, db, (size_t)(na < nb ? na : nb));
	if (c == 0)
		c = (na > nb) - (na < nb);
	free(da);
	free(db);
	return c;
}

/* Whether A and B decode to the same string; cheap for plain keys. */
static int
same_key(const struct key *a, const struct key *b)
{
	if (!a->escaped && !b->escaped)
		return a->end - a->p == b->end - b->p &&
		    memcmp(a->p, b->p, (size_t)(a->end - a->p)) == 0;
	return key_compare(a, b) == 0;
}

/*
 * The first key of the N keys at V that repeats another, or NULL.  Few
 * keys are compared pairwise; many are sorted, so that a hostile line
 * costs n log n, not n squared.
 */
static const struct key *
repeated_key(struct key *v, size_t n)
{
	size_t i, j;

	if (n <= 8) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (same_key(&v[i], &v[j]))
					return &v[i];
		return NULL;
	}
	qsort(v, n, sizeof(*v), key_compare);
	for (i = 1; i < n; i++)
		if (key_compare(&v[i - 1], &v[i]) == 0)
			return v[i - 1].p > v[i].p ? &v[i - 1] : &v[i];
	return NULL;
}

/*
 * Check the key just pushed, the last of the object OBJ, unless the
 * object waits for the exact check: a key whose filter bit is clear is
 * new; one whose bit is set is compared with the keys before it.
 * Returns the key when it repeats one, else NULL.
 */
static inline const struct key *
check_new_key(struct keys *k, struct open_object *obj)
{
	const struct key *key = &k->v[k->n - 1];
	size_t len = (size_t)(key->end - key->p), i;
	uint64_t bit;

	if (obj->exact)
		return NULL;
	if (key->escaped || k->n - obj->base > KEYS_CHECKED_AT_ONCE) {
		obj->exact = 1;
		return NULL;
	}
	bit = (uint64_t)1 << ((len + (len > 0 ? key->p[len - 1] : 0)) & 63);
	if (obj->filter & bit)
		for (i = obj->base; i < k->n - 1; i++)
			if (same_key(&k->v[i], key))
				return key;
	obj->filter |= bit;
	return NULL;
}

enum state { S_VALUE, S_OBJ_FIRST, S_OBJ_KEY, S_COLON, S_ARR_FIRST, S_AFTER };

enum hx_scan_status
hx_scan_line(const char *line, size_t len, struct hx_scan *scan)
{
	struct scanner sc;
	char stack[MAX_DEPTH];	/* '{' or '[' per open container */
	struct open_object objects[MAX_DEPTH];	/* by depth; arrays unused */
	struct keys keys;
	const struct key *dup;
	enum hx_scan_status status;
	const unsigned char *key = NULL, *key_end = NULL, *start;
	const unsigned char *type_at = NULL;	/* the type's value */
	int depth = 0, escaped, key_escaped = 0, type_next = 0;
	int have_type = 0, type_is_string = 0;
	enum state state = S_VALUE;

	sc.s = sc.p = (const unsigned char *)line;
	sc.end = sc.s + len;
	sc.message = NULL;
	scan->type[0] = '\0';
	scan->message = NULL;
	scan->column = 0;

	keys.v = keys.small;
	keys.n = 0;
	keys.cap = sizeof(keys.small) / sizeof(keys.small[0]);

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
				objects[depth] = (struct open_object){ keys.n, 0,
				    0 };
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
					type_at = start;
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
			keys_push(&keys, key, key_end, key_escaped);
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
			if ((dup = check_new_key(&keys,
			    &objects[depth - 1])) != NULL) {
				fail(&sc, dup->p - 1, "duplicate key");
				goto bad;
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
				if (stack[depth] == '{' && objects[depth].exact &&
				    (dup = repeated_key(keys.v +
				    objects[depth].base, keys.n -
				    objects[depth].base)) != NULL) {
					fail(&sc, dup->p - 1, "duplicate key");
					goto bad;
				}
				keys.n = objects[depth].base;
				continue;
			}
			fail(&sc, sc.p, stack[depth - 1] == '{' ?
			    "expected ',' or '}'" : "expected ',' or ']'");
			goto bad;
		}
	}
	status = HX_SCAN_RECORD;
	if (!have_type) {
		scan->message = "no \"type\" field";
		scan->column = 1;
		status = HX_SCAN_BAD;
	} else if (!type_is_string) {
		scan->message = "\"type\" is not a string";
		scan->column = 1;
		status = HX_SCAN_BAD;
	} else if (scan->type[0] == '\0') {
		scan->message = "\"type\" is empty";
		scan->column = (size_t)(type_at - sc.s) + 1;
		status = HX_SCAN_BAD;
	}
	goto done;
bad:
	scan->message = sc.message;
	scan->column = (size_t)(sc.p - sc.s) + 1;
	status = HX_SCAN_BAD;
done:
	if (keys.v != keys.small)
		free(keys.v);
	return status;
}
