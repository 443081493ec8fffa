/*
 * hx_depgraph: make-format dependency files into a graph of names, kept in
 * an open-addressing hash table that grows by doubling.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build/hx_depgraph.h"
#include "hx_err.h"
#include "hx_strv.h"

struct node {
	char *name;
	size_t *deps;		/* indexes of the prerequisites */
	size_t ndeps, capdeps;
	unsigned mark;		/* the walk that last visited it */
};

struct hx_depgraph {
	struct node *nodes;
	size_t n, cap;
	size_t *table;		/* node index + 1, 0 for an empty slot */
	size_t tablesize;
	unsigned walk;
};

struct hx_depgraph *
hx_depgraph_new(void)
{
	struct hx_depgraph *g = hx_xcalloc(1, sizeof(*g));

	g->tablesize = 256;
	g->table = hx_xcalloc(g->tablesize, sizeof(size_t));
	return g;
}

void
hx_depgraph_free(struct hx_depgraph *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->nodes[i].name);
		free(g->nodes[i].deps);
	}
	free(g->nodes);
	free(g->table);
	free(g);
}

static uint64_t
hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
grow_table(struct hx_depgraph *g)
{
	size_t i, slot;

	free(g->table);
	g->tablesize *= 2;
	g->table = hx_xcalloc(g->tablesize, sizeof(size_t));
	for (i = 0; i < g->n; i++) {
		slot = hash_name(g->nodes[i].name) & (g->tablesize - 1);
		while (g->table[slot] != 0)
			slot = (slot + 1) & (g->tablesize - 1);
		g->table[slot] = i + 1;
	}
}

/* The index of NAME, added when CREATE; (size_t)-1 when absent. */
static size_t
lookup(struct hx_depgraph *g, const char *name, bool create)
{
	size_t slot = hash_name(name) & (g->tablesize - 1), i;

	while (g->table[slot] != 0) {
		i = g->table[slot] - 1;
		if (strcmp(g->nodes[i].name, name) == 0)
			return i;
		slot = (slot + 1) & (g->tablesize - 1);
	}
	if (!create)
		return (size_t)-1;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->nodes = hx_xrealloc(g->nodes, g->cap * sizeof(*g->nodes));
	}
	memset(&g->nodes[g->n], 0, sizeof(*g->nodes));
	g->nodes[g->n].name = hx_xstrdup(name);
	g->table[slot] = ++g->n;
	if (g->n * 2 > g->tablesize)
		grow_table(g);
	return g->n - 1;
}

static void
add_edge(struct hx_depgraph *g, size_t from, size_t to)
{
	struct node *n = &g->nodes[from];

	if (from == to)
		return;
	if (n->ndeps == n->capdeps) {
		n->capdeps = n->capdeps ? n->capdeps * 2 : 8;
		n->deps = hx_xrealloc(n->deps, n->capdeps * sizeof(size_t));
	}
	n->deps[n->ndeps++] = to;
}

/*
 * Normalise WORD: make names under ROOT relative, drop other absolute
 * names and "./".  Returns WORD (changed in place) or NULL to drop it.
 */
static char *
normalise(char *word, const char *root)
{
	size_t len = strlen(root);

	if (*word == '/') {
		if (strncmp(word, root, len) != 0)
			return NULL;
		word += len;
	}
	while (word[0] == '.' && word[1] == '/')
		word += 2;
	return *word != '\0' ? word : NULL;
}

/*
 * Split the logical line LINE (continuations joined) into the words of one
 * rule and add its edges.  Backslash escapes a space; "$$" is a '$'.
 */
static void
add_rule(struct hx_depgraph *g, char *line, const char *root)
{
	size_t targets[64], ntargets = 0, i, idx;
	bool after_colon = false;
	char *word = line, *r = line, *w = line, *name;

	for (;;) {
		char c = *r;

		if (c == '\\' && (r[1] == ' ' || r[1] == '#' || r[1] == '\\')) {
			*w++ = r[1];
			r += 2;
			continue;
		}
		if (c == '$' && r[1] == '$') {
			*w++ = '$';
			r += 2;
			continue;
		}
		if (!after_colon && c == ':' && (r[1] == ' ' || r[1] == '\t' ||
		    r[1] == '\0')) {
			*w = '\0';
			if ((name = normalise(word, root)) != NULL &&
			    ntargets < 64)
				targets[ntargets++] = lookup(g, name, true);
			after_colon = true;
			word = w = ++r;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\0') {
			*w = '\0';
			name = w > word ? normalise(word, root) : NULL;
			if (name != NULL) {
				if (!after_colon) {
					if (ntargets < 64)
						targets[ntargets++] =
						    lookup(g, name, true);
				} else {
					idx = lookup(g, name, true);
					for (i = 0; i < ntargets; i++)
						add_edge(g, targets[i], idx);
				}
			}
			if (c == '\0')
				return;
			word = w = ++r;
			continue;
		}
		*w++ = c;
		r++;
	}
}

/*
 * Add the rules of the dependency file at PATH.  Absolute names under
 * ROOT (with a trailing '/') are made relative to it; other absolute names
 * (system headers) are dropped.  Returns 0, or -1 with errno set.
 */
static int
add_file(struct hx_depgraph *g, const char *path, const char *root)
{
	char *line = NULL, *logical = NULL;
	size_t cap = 0, len, llen = 0;
	ssize_t n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		len = (size_t)n;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		logical = hx_xrealloc(logical, llen + len + 2);
		memcpy(logical + llen, line, len + 1);
		llen += len;
		if (len > 0 && line[len - 1] == '\\' &&
		    (len < 2 || line[len - 2] != '\\')) {
			logical[llen - 1] = ' ';
			continue;
		}
		if (llen > 0 && logical[0] != '#')
			add_rule(g, logical, root);
		llen = 0;
	}
	if (llen > 0)
		add_rule(g, logical, root);
	free(line);
	free(logical);
	fclose(fp);
	return 0;
}

/* Read the ".d" files under DIR into G; returns their count or -1. */
static long
scan_dir(struct hx_depgraph *g, const char *dir, const char *root)
{
	struct dirent *e;
	struct stat st;
	size_t len;
	long count = 0, sub;
	char *path;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = hx_xasprintf("%s/%s", dir, e->d_name);
		len = strlen(e->d_name);
		/* Gone since readdir: neither a directory nor a file. */
		if (lstat(path, &st) != 0)
			memset(&st, 0, sizeof(st));
		if (S_ISDIR(st.st_mode)) {
			if ((sub = scan_dir(g, path, root)) > 0)
				count += sub;
		} else if (S_ISREG(st.st_mode) && len > 2 &&
		    strcmp(e->d_name + len - 2, ".d") == 0 &&
		    add_file(g, path, root) == 0)
			count++;
		free(path);
	}
	closedir(d);
	return count;
}

long
hx_depgraph_scan(struct hx_depgraph *g, const char *root)
{
	char *dir = hx_xstrdup(root);
	size_t len = strlen(dir);
	long count;

	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	count = scan_dir(g, dir, root);
	free(dir);
	return count;
}

char **
hx_depgraph_closure(struct hx_depgraph *g, const char *target, size_t *count)
{
	size_t start = lookup(g, target, false), *stack, top = 0, i, n = 0, k;
	char **names;
	struct node *node;

	*count = 0;
	if (start == (size_t)-1)
		return hx_xcalloc(1, sizeof(char *));
	g->walk++;
	stack = hx_xcalloc(g->n + 1, sizeof(size_t));
	names = hx_xcalloc(g->n + 1, sizeof(char *));
	stack[top++] = start;
	g->nodes[start].mark = g->walk;
	while (top > 0) {
		node = &g->nodes[stack[--top]];
		for (i = 0; i < node->ndeps; i++) {
			k = node->deps[i];
			if (g->nodes[k].mark == g->walk)
				continue;
			g->nodes[k].mark = g->walk;
			names[n++] = hx_xstrdup(g->nodes[k].name);
			stack[top++] = k;
		}
	}
	free(stack);
	hx_strv_sort(names, n);
	*count = n;
	return names;
}
