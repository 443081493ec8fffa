/*
 * hx_selector.c: selector expressions parsed and matched.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hx_err.h"
#include "sched/hx_selector.h"

/* A parse in progress: the text and where it has got to. */
struct parser {
	const char *text;
	const char *p;
	char **message;
};

/* Fail at the parser's column with a formatted message. */
static int HX_PRINTF(2, 3)
fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = hx_xvasprintf(fmt, ap);
	va_end(ap);
	*ps->message = hx_xasprintf("column %zu: %s",
	    (size_t)(ps->p - ps->text) + 1, what);
	free(what);
	return -1;
}

static void
skip_blanks(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

/* Whether C may be part of a key or a value. */
static bool
word_char(int c)
{
	return isalnum(c) || strchr("._-/:+@~", c) != NULL;
}

/* Append V to the NULL-terminated VALUES of S. */
static void
add_value(struct hx_selector *s, char *v)
{
	size_t n = 0;

	while (s->values[n] != NULL)
		n++;
	s->values = hx_xrealloc(s->values, (n + 2) * sizeof(*s->values));
	s->values[n] = v;
	s->values[n + 1] = NULL;
}

/* Whether V is one of the VALUES of S. */
static bool
has_value(const struct hx_selector *s, const char *v)
{
	size_t i;

	for (i = 0; s->values[i] != NULL; i++)
		if (strcmp(s->values[i], v) == 0)
			return true;
	return false;
}

/* A key or value: at least one word character, copied. */
static int
word(struct parser *ps, const char *what, char **out)
{
	const char *start;

	skip_blanks(ps);
	start = ps->p;
	while (*ps->p != '\0' && word_char((unsigned char)*ps->p))
		ps->p++;
	if (ps->p == start)
		return *ps->p == '\0' ? fail(ps, "expected %s", what) :
		    fail(ps, "expected %s, not '%c'", what, *ps->p);
	*out = hx_xmalloc((size_t)(ps->p - start) + 1);
	memcpy(*out, start, (size_t)(ps->p - start));
	(*out)[ps->p - start] = '\0';
	return 0;
}

/* The list of "in (a,b)": one value or more. */
static int
value_list(struct parser *ps, struct hx_selector *out)
{
	char *v;

	skip_blanks(ps);
	if (*ps->p != '(')
		return fail(ps, "expected '('");
	ps->p++;
	for (;;) {
		if (word(ps, "a value", &v) < 0)
			return -1;
		add_value(out, v);
		skip_blanks(ps);
		if (*ps->p == ')')
			break;
		if (*ps->p != ',')
			return fail(ps, "expected ',' or ')'");
		ps->p++;
	}
	ps->p++;
	return 0;
}

/* The operator after the key, and what follows it. */
static int
operator(struct parser *ps, struct hx_selector *out)
{
	static const struct {
		const char *text;
		enum hx_selector_op op;
	} ops[] = {
		{ "!=", HX_SELECTOR_NE }, { ">=", HX_SELECTOR_GE },
		{ "<=", HX_SELECTOR_LE }, { "==", HX_SELECTOR_EQ },
		{ "=", HX_SELECTOR_EQ }, { ">", HX_SELECTOR_GT },
		{ "<", HX_SELECTOR_LT },
	};
	const char *save;
	char *v, *w;
	size_t i;

	skip_blanks(ps);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strncmp(ps->p, ops[i].text, strlen(ops[i].text)) == 0) {
			ps->p += strlen(ops[i].text);
			out->op = ops[i].op;
			if (word(ps, "a value", &v) < 0)
				return -1;
			add_value(out, v);
			if (out->op >= HX_SELECTOR_GE &&
			    !isdigit((unsigned char)*v)) {
				ps->p -= strlen(v);
				return fail(ps, "expected a version, as 1.2, "
				    "after %s", ops[i].text);
			}
			return 0;
		}
	if (*ps->p == '\0') {
		out->op = HX_SELECTOR_EXISTS;
		return 0;
	}
	save = ps->p;
	if (!word_char((unsigned char)*ps->p) || word(ps, "", &w) < 0)
		return fail(ps, "expected an operator");
	if (strcmp(w, "in") == 0)
		out->op = HX_SELECTOR_IN;
	else if (strcmp(w, "notin") == 0)
		out->op = HX_SELECTOR_NOTIN;
	else {
		free(w);
		ps->p = save;
		return fail(ps, "expected an operator");
	}
	free(w);
	return value_list(ps, out);
}

int
hx_selector_parse(const char *text, struct hx_selector *out,
    char **message)
{
	struct parser ps = { text, text, message };

	memset(out, 0, sizeof(*out));
	out->values = hx_xcalloc(1, sizeof(*out->values));
	out->text = hx_xstrdup(text);
	skip_blanks(&ps);
	if (*ps.p == '!') {
		ps.p++;
		out->op = HX_SELECTOR_ABSENT;
		if (word(&ps, "a key", &out->key) < 0)
			goto fail;
	} else if (word(&ps, "a key", &out->key) < 0 ||
	    operator(&ps, out) < 0)
		goto fail;
	skip_blanks(&ps);
	if (*ps.p != '\0') {
		fail(&ps, "unexpected '%c'", *ps.p);
		goto fail;
	}
	return 0;
fail:
	hx_selector_clear(out);
	return -1;
}

/* The value of KEY for node N: a label, else a field; NULL when none. */
static const char *
node_value(const struct hx_node *n, const char *key)
{
	const char *v = hx_node_label(n, key);

	if (v != NULL)
		return v;
	if (strcmp(key, "arch") == 0)
		return n->arch;
	if (strcmp(key, "gpu_model") == 0)
		return n->gpu_model;
	return NULL;
}

/* Read one numeric component at *P: its value and the text after it. */
static unsigned long long
component(const char **p, const char **rest, size_t *restlen)
{
	unsigned long long v = 0;

	while (isdigit((unsigned char)**p))
		v = v * 10 + (unsigned)(*(*p)++ - '0');
	*rest = *p;
	while (**p != '\0' && **p != '.')
		(*p)++;
	*restlen = (size_t)(*p - *rest);
	if (**p == '.')
		(*p)++;
	return v;
}

int
hx_selector_version_compare(const char *a, const char *b)
{
	unsigned long long x, y;
	const char *ra, *rb;
	size_t la, lb;
	int c;

	while (*a != '\0' || *b != '\0') {
		x = component(&a, &ra, &la);
		y = component(&b, &rb, &lb);
		if (x != y)
			return x < y ? -1 : 1;
		if ((c = strncmp(ra, rb, la < lb ? la : lb)) != 0)
			return c;
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return 0;
}

bool
hx_selector_match(const struct hx_selector *s, const struct hx_node *n)
{
	const char *v = node_value(n, s->key);
	int c;

	switch (s->op) {
	case HX_SELECTOR_EXISTS:
		return v != NULL;
	case HX_SELECTOR_ABSENT:
		return v == NULL;
	case HX_SELECTOR_EQ:
		return v != NULL && strcmp(v, s->values[0]) == 0;
	case HX_SELECTOR_NE:
		return v == NULL || strcmp(v, s->values[0]) != 0;
	case HX_SELECTOR_IN:
		return v != NULL && has_value(s, v);
	case HX_SELECTOR_NOTIN:
		return v == NULL || !has_value(s, v);
	default:
		break;
	}
	if (v == NULL)
		return false;
	c = hx_selector_version_compare(v, s->values[0]);
	switch (s->op) {
	case HX_SELECTOR_GE:
		return c >= 0;
	case HX_SELECTOR_GT:
		return c > 0;
	case HX_SELECTOR_LE:
		return c <= 0;
	default:
		return c < 0;
	}
}

void
hx_selector_clear(struct hx_selector *s)
{
	size_t i;

	free(s->key);
	if (s->values != NULL)
		for (i = 0; s->values[i] != NULL; i++)
			free(s->values[i]);
	free(s->values);
	free(s->text);
	memset(s, 0, sizeof(*s));
}
