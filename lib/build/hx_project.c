/*
 * hx_project: the project manifest, and the path patterns it uses for
 * inputs, build files and the timing policy.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hx_err.h"
#include "hx_hash.h"
#include "hx_strv.h"
#include "build/hx_project.h"

/* What a manifest being loaded needs for its messages. */
struct load {
	const char *file;
	json_t *positions;	/* JSON pointer -> where the value starts */
	char *err;
	size_t errlen;
};

/* Say what is wrong with the value at POINTER; returns HX_EXIT_INPUT. */
#define FAULT(l, pointer, ...) (hx_json_locate((l)->err, (l)->errlen, \
	(l)->file, (l)->positions, (pointer), __VA_ARGS__), HX_EXIT_INPUT)

/* Refuse a member of OBJ (at POINTER) whose name is not in KNOWN. */
static int
known_keys(struct load *l, json_t *obj, const char *pointer,
    const char *const *known)
{
	const char *const *k;
	const char *key;
	char *at;
	json_t *v;
	int rc;

	json_object_foreach(obj, key, v) {
		for (k = known; *k != NULL && strcmp(*k, key) != 0; k++)
			continue;
		if (*k != NULL)
			continue;
		at = hx_xasprintf("%s/%s", pointer, key);
		rc = FAULT(l, at, "unknown key \"%s\"", key);
		free(at);
		return rc;
	}
	return 0;
}

/*
 * The array of strings OBJ[KEY] (at POINTER/KEY) as a NULL-terminated
 * copy in *OUT: DEFAULTS when the key is absent and not REQUIRED.
 * REQUIRED also refuses an empty array.  Returns 0, or HX_EXIT_INPUT with
 * nothing left in *OUT.
 */
static int
strings(struct load *l, json_t *obj, const char *pointer, const char *key,
    const char *const *defaults, bool required, char ***out)
{
	json_t *a = json_object_get(obj, key), *v;
	char *at = hx_xasprintf("%s/%s", pointer, key), *item;
	size_t i, n = 0;
	int rc = 0;

	if (a == NULL && !required) {
		while (defaults != NULL && defaults[n] != NULL)
			n++;
		*out = hx_xcalloc(n + 1, sizeof(char *));
		for (i = 0; i < n; i++)
			(*out)[i] = hx_xstrdup(defaults[i]);
	} else if (a == NULL)
		rc = FAULT(l, pointer, "%s: missing (an array of strings)",
		    key);
	else if (!json_is_array(a) || (required && json_array_size(a) == 0))
		rc = FAULT(l, at, "%s: expected a%s array of strings", key,
		    required ? " non-empty" : "n");
	else {
		*out = hx_xcalloc(json_array_size(a) + 1, sizeof(char *));
		json_array_foreach(a, i, v) {
			if (json_is_string(v)) {
				(*out)[i] = hx_xstrdup(json_string_value(v));
				continue;
			}
			item = hx_xasprintf("%s/%zu", at, i);
			rc = FAULT(l, item, "%s: expected a string", key);
			free(item);
			hx_strv_free(*out);
			*out = NULL;
			break;
		}
	}
	free(at);
	return rc;
}

/*
 * The string OBJ[KEY] (at POINTER/KEY) in *OUT, DFLT when absent (a
 * required key has none).  Returns 0 or HX_EXIT_INPUT.
 */
static int
string(struct load *l, json_t *obj, const char *pointer, const char *key,
    const char *dflt, const char **out)
{
	json_t *v = json_object_get(obj, key);
	char *at;
	int rc;

	*out = json_is_string(v) ? json_string_value(v) : dflt;
	if (v == NULL && dflt != NULL)
		return 0;
	if (v == NULL)
		return FAULT(l, pointer, "%s: missing (a string)", key);
	if (json_is_string(v))
		return 0;
	at = hx_xasprintf("%s/%s", pointer, key);
	rc = FAULT(l, at, "%s: expected a string", key);
	free(at);
	return rc;
}

/* Whether S is one of the NULL-terminated WORDS. */
static bool
one_of(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

bool
hx_project_inside(const char *path)
{
	const char *p;

	if (*path == '\0' || *path == '/')
		return false;
	for (p = path; p != NULL; p = strchr(p, '/'), p = p ? p + 1 : p)
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

/* Check the test arguments and environment of output V (at AT). */
static int
check_test_settings(struct load *l, json_t *v, const char *at)
{
	char *pointer, **args = NULL;
	const char *name;
	json_t *x;
	int rc;

	if ((rc = strings(l, v, at, "args", NULL, false, &args)) != 0)
		return rc;
	hx_strv_free(args);
	x = json_object_get(v, "env");
	if (x != NULL && !json_is_object(x)) {
		pointer = hx_xasprintf("%s/env", at);
		rc = FAULT(l, pointer, "env: expected an object of strings");
		free(pointer);
		return rc;
	}
	json_object_foreach(x, name, v)
		if (!json_is_string(v)) {
			pointer = hx_xasprintf("%s/env/%s", at, name);
			rc = FAULT(l, pointer, "env: %s: expected a string",
			    name);
			free(pointer);
			return rc;
		}
	return 0;
}

/* Check output V (at AT) and fill O from it. */
static int
load_output(struct load *l, json_t *v, const char *at, struct hx_output *o)
{
	static const char *const keys[] = { "name", "path", "kind", "args",
	    "env", "cwd", NULL };
	static const char *const kinds[] = { "exe", "test", "lib", NULL };
	const char *name, *path, *kind, *cwd;
	char *pointer;
	int rc;

	if (!json_is_object(v))
		return FAULT(l, at, "outputs: expected an object");
	if ((rc = known_keys(l, v, at, keys)) != 0 ||
	    (rc = string(l, v, at, "name", NULL, &name)) != 0 ||
	    (rc = string(l, v, at, "path", NULL, &path)) != 0 ||
	    (rc = string(l, v, at, "kind", "exe", &kind)) != 0 ||
	    (rc = string(l, v, at, "cwd", "", &cwd)) != 0 ||
	    (rc = check_test_settings(l, v, at)) != 0)
		return rc;
	pointer = hx_xasprintf("%s/%s", at, !one_of(kind, kinds) ? "kind" :
	    *name == '\0' ? "name" : "path");
	if (!one_of(kind, kinds))
		rc = FAULT(l, pointer, "kind: exe, test or lib, not \"%s\"",
		    kind);
	else if (*name == '\0')
		rc = FAULT(l, pointer, "name: expected a non-empty string");
	else if (!hx_project_inside(path))
		rc = FAULT(l, pointer, "path: a relative path that stays "
		    "inside the project, not \"%s\"", path);
	free(pointer);
	if (rc != 0)
		return rc;
	o->name = hx_xstrdup(name);
	o->path = hx_xstrdup(path);
	o->kind = hx_xstrdup(kind);
	o->args = json_incref(json_object_get(v, "args"));
	o->env = json_incref(json_object_get(v, "env"));
	o->cwd = json_object_get(v, "cwd") != NULL ? hx_xstrdup(cwd) : NULL;
	return 0;
}

/* Read the outputs into P: every one well formed, no name or path twice. */
static int
load_outputs(struct load *l, struct hx_project *p, json_t *outputs)
{
	char at[64];
	json_t *v;
	size_t i, k;
	int rc;

	if (!json_is_array(outputs) || json_array_size(outputs) == 0)
		return FAULT(l, outputs != NULL ? "/outputs" : "",
		    "outputs: expected a non-empty array of objects");
	p->outputs = hx_xcalloc(json_array_size(outputs), sizeof(*p->outputs));
	json_array_foreach(outputs, i, v) {
		snprintf(at, sizeof(at), "/outputs/%zu", i);
		if ((rc = load_output(l, v, at, &p->outputs[i])) != 0)
			return rc;
		p->noutputs++;
		for (k = 0; k < i; k++) {
			if (strcmp(p->outputs[k].name, p->outputs[i].name) == 0)
				return FAULT(l, at, "outputs: the name \"%s\" "
				    "is declared twice", p->outputs[i].name);
			if (strcmp(p->outputs[k].path, p->outputs[i].path) == 0)
				return FAULT(l, at, "outputs: the path \"%s\" "
				    "is declared twice", p->outputs[i].path);
		}
	}
	return 0;
}

/* Whether S is 64 lowercase hexadecimal digits. */
static bool
sha256_hex(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return false;
	return s[64] == '\0';
}

/* Check pin V (at AT) and fill PIN from it. */
static int
load_pin(struct load *l, json_t *v, const char *at, struct hx_pin *pin)
{
	static const char *const keys[] = { "path", "sha256", NULL };
	const char *path, *sha256;
	char *pointer;
	int rc;

	if (!json_is_object(v))
		return FAULT(l, at, "pins: expected an object");
	if ((rc = known_keys(l, v, at, keys)) != 0 ||
	    (rc = string(l, v, at, "path", NULL, &path)) != 0 ||
	    (rc = string(l, v, at, "sha256", NULL, &sha256)) != 0)
		return rc;
	pointer = hx_xasprintf("%s/%s", at, !hx_project_inside(path) ? "path" :
	    "sha256");
	if (!hx_project_inside(path))
		rc = FAULT(l, pointer, "path: a relative path that stays "
		    "inside the project, not \"%s\"", path);
	else if (!sha256_hex(sha256))
		rc = FAULT(l, pointer, "sha256: expected 64 lowercase "
		    "hexadecimal digits, not \"%s\"", sha256);
	free(pointer);
	if (rc != 0)
		return rc;
	pin->path = hx_xstrdup(path);
	pin->sha256 = hx_xstrdup(sha256);
	return 0;
}

/* Read the pins into P: every one well formed, no path twice. */
static int
load_pins(struct load *l, struct hx_project *p, json_t *pins)
{
	char at[64];
	json_t *v;
	size_t i, k;
	int rc;

	if (pins == NULL)
		return 0;
	if (!json_is_array(pins))
		return FAULT(l, "/pins", "pins: expected an array of objects");
	p->pins = hx_xcalloc(json_array_size(pins) + 1, sizeof(*p->pins));
	json_array_foreach(pins, i, v) {
		snprintf(at, sizeof(at), "/pins/%zu", i);
		if ((rc = load_pin(l, v, at, &p->pins[i])) != 0)
			return rc;
		p->npins++;
		for (k = 0; k < i; k++)
			if (strcmp(p->pins[k].path, p->pins[i].path) == 0)
				return FAULT(l, at, "pins: the path \"%s\" is "
				    "pinned twice", p->pins[i].path);
	}
	return 0;
}

/* Check the manifest J and fill P from it. */
static int
load_manifest(struct load *l, struct hx_project *p, json_t *j)
{
	static const char *const keys[] = { "name", "system", "configure",
	    "build", "flags", "inputs", "build_files", "no_timing", "outputs",
	    "pins", NULL };
	static const char *const systems[] = { "make", "cmake", "autotools",
	    "command", NULL };
	static const char *const all[] = { "**", NULL };
	static const char *const build_files[] = { "Makefile", "GNUmakefile",
	    "*.mk", "CMakeLists.txt", "*.cmake", "configure", "configure.ac",
	    "Makefile.am", "Makefile.in", HX_PROJECT_FILE, NULL };
	const char *name, *system;
	int rc;

	if (!json_is_object(j))
		return FAULT(l, "", "the manifest is an object");
	if ((rc = known_keys(l, j, "", keys)) != 0 ||
	    (rc = string(l, j, "", "name", NULL, &name)) != 0 ||
	    (rc = string(l, j, "", "system", "make", &system)) != 0)
		return rc;
	if (*name == '\0')
		return FAULT(l, "/name", "name: expected a non-empty string");
	if (!one_of(system, systems))
		return FAULT(l, "/system", "system: make, cmake, autotools or "
		    "command, not \"%s\"", system);
	p->name = hx_xstrdup(name);
	p->system = hx_xstrdup(system);
	if ((json_object_get(j, "configure") != NULL && (rc = strings(l, j,
	    "", "configure", NULL, true, &p->configure)) != 0) ||
	    (rc = strings(l, j, "", "build", NULL, true, &p->build)) != 0 ||
	    (rc = strings(l, j, "", "flags", NULL, false, &p->flags)) != 0 ||
	    (rc = strings(l, j, "", "inputs", all, false, &p->inputs)) != 0 ||
	    (rc = strings(l, j, "", "build_files", build_files, false,
	    &p->build_files)) != 0 ||
	    (rc = strings(l, j, "", "no_timing", NULL, false,
	    &p->no_timing)) != 0 ||
	    (rc = load_pins(l, p, json_object_get(j, "pins"))) != 0)
		return rc;
	return load_outputs(l, p, json_object_get(j, "outputs"));
}

int
hx_project_load(const char *dir, struct hx_project *p, char *err,
    size_t errlen)
{
	struct hx_json_error jerr;
	char resolved[PATH_MAX];
	struct load l = { NULL, NULL, err, errlen };
	int rc;

	memset(p, 0, sizeof(*p));
	if (realpath(dir, resolved) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return HX_EXIT_SYSTEM;
	}
	p->dir = hx_xstrdup(resolved);
	p->file = hx_xasprintf("%s/%s", strcmp(dir, ".") == 0 ? "." : dir,
	    HX_PROJECT_FILE);
	l.file = p->file;
	if ((p->json = hx_json_load_file_at(p->file, &l.positions,
	    &jerr)) == NULL) {
		if (jerr.line == 0) {
			snprintf(err, errlen, "%s: %s", p->file,
			    strerror(errno));
			return HX_EXIT_SYSTEM;
		}
		snprintf(err, errlen, "%s:%d:%d: %s", p->file, jerr.line,
		    jerr.column, jerr.text);
		return HX_EXIT_INPUT;
	}
	rc = load_manifest(&l, p, p->json);
	json_decref(l.positions);
	return rc;
}

void
hx_project_free(struct hx_project *p)
{
	size_t i;

	for (i = 0; i < p->noutputs; i++) {
		free(p->outputs[i].name);
		free(p->outputs[i].path);
		free(p->outputs[i].kind);
		json_decref(p->outputs[i].args);
		json_decref(p->outputs[i].env);
		free(p->outputs[i].cwd);
	}
	free(p->outputs);
	for (i = 0; i < p->npins; i++) {
		free(p->pins[i].path);
		free(p->pins[i].sha256);
	}
	free(p->pins);
	free(p->dir);
	free(p->file);
	free(p->name);
	free(p->system);
	hx_strv_free(p->configure);
	hx_strv_free(p->build);
	hx_strv_free(p->flags);
	hx_strv_free(p->inputs);
	hx_strv_free(p->build_files);
	hx_strv_free(p->no_timing);
	json_decref(p->json);
	memset(p, 0, sizeof(*p));
}

/*
 * Glob matching with '*', '?' inside a component and '**' across them,
 * "**" + "/" standing for nothing or anything that ends in '/'.  The
 * pattern is run as a nondeterministic automaton over the name: the set
 * of pattern positions alive after each byte, so the work is the
 * pattern's length times the name's, whatever the stars, and nothing
 * recurses (a backtracking matcher takes exponential time on patterns
 * such as "*a*a*a...*b", a memoised one the square of the name).
 */
enum glob_token { GLOB_END, GLOB_CHAR, GLOB_ONE, GLOB_STAR, GLOB_ANY,
    GLOB_DIRS };

/* The token at PAT, and its length in *LEN. */
static enum glob_token
glob_token(const char *pat, size_t *len)
{
	*len = 1;
	if (*pat == '\0')
		return GLOB_END;
	if (pat[0] == '*' && pat[1] == '*') {
		*len = pat[2] == '/' ? 3 : 2;
		return pat[2] == '/' ? GLOB_DIRS : GLOB_ANY;
	}
	return *pat == '*' ? GLOB_STAR : *pat == '?' ? GLOB_ONE : GLOB_CHAR;
}

/* A token of a compiled pattern; C is the byte of a GLOB_CHAR. */
struct glob_tok {
	enum glob_token token;
	char c;
};

/* Whether TOKEN matches the empty string and more: a kind of star. */
static bool
glob_star(enum glob_token token)
{
	return token == GLOB_STAR || token == GLOB_ANY || token == GLOB_DIRS;
}

/*
 * PAT as tokens up to its GLOB_END, each run of stars cut to one that
 * matches the same: "*" "*" is "*", "**" + "/" twice is once, a run with
 * "**" is "**", and so is one of three that alternate between "*" and
 * "**" + "/" (each covers what the others leave out).  The automaton's
 * work is then the name's length times the pattern's without its runs
 * of stars, where a fuzzer or a careless manifest put thousands.
 */
static struct glob_tok *
glob_compile(const char *pat, size_t *ntok)
{
	struct glob_tok *t = hx_xcalloc(strlen(pat) + 1, sizeof(*t));
	size_t n = 0, run = 0, len;
	enum glob_token token;

	for (;; pat += len) {
		token = glob_token(pat, &len);
		if (!glob_star(token)) {
			t[n++] = (struct glob_tok){ token, *pat };
			if (token == GLOB_END)
				break;
			run = 0;
		} else if (run > 0 && (t[n - 1].token == token ||
		    t[n - 1].token == GLOB_ANY))
			continue;
		else if (token == GLOB_ANY || run == 2) {
			n -= run;
			t[n++].token = GLOB_ANY;
			run = 1;
		} else {
			t[n++].token = token;
			run++;
		}
	}
	*ntok = n;
	return t;
}

/* A set of pattern positions, listed so that a step visits only those. */
struct glob_set {
	bool *has;		/* by position */
	size_t *at;		/* the positions in it */
	size_t n;
};

static void
glob_add(struct glob_set *set, size_t i)
{
	if (!set->has[i]) {
		set->has[i] = true;
		set->at[set->n++] = i;
	}
}

/* Make token I of T alive in SET, and what it reaches on no byte. */
static void
glob_enter(const struct glob_tok *t, struct glob_set *set, size_t i)
{
	while (!set->has[i]) {
		glob_add(set, i);
		if (!glob_star(t[i].token))
			return;
		i++;
	}
}

static void
glob_clear(struct glob_set *set)
{
	while (set->n > 0)
		set->has[set->at[--set->n]] = false;
}

/*
 * Match S against PAT.  LIVE: the tokens alive; INSIDE: the "**" + "/"
 * tokens that have taken bytes and wait for a '/' to end them.  The match
 * stops early when nothing is alive.
 */
static bool
glob_match(const char *pat, const char *s)
{
	size_t n, i, k;
	struct glob_tok *t = glob_compile(pat, &n);
	bool *has = hx_xcalloc(4 * n, sizeof(bool)), match;
	size_t *at = hx_xcalloc(4 * n, sizeof(size_t));
	struct glob_set sets[4], *live = &sets[0], *next = &sets[1];
	struct glob_set *inside = &sets[2], *next_inside = &sets[3], *x;
	enum glob_token token;

	for (k = 0; k < 4; k++)
		sets[k] = (struct glob_set){ has + k * n, at + k * n, 0 };
	glob_enter(t, live, 0);
	for (; *s != '\0' && live->n + inside->n > 0; s++) {
		for (k = 0; k < live->n + inside->n; k++) {
			i = k < live->n ? live->at[k] : inside->at[k - live->n];
			token = t[i].token;
			if (k >= live->n || token == GLOB_DIRS) {
				if (*s == '/')
					glob_enter(t, next, i);
				else
					glob_add(next_inside, i);
			} else if (token == GLOB_ANY ||
			    (token == GLOB_STAR && *s != '/'))
				glob_enter(t, next, i);
			else if (token == GLOB_ONE ? *s != '/' :
			    token == GLOB_CHAR && *s == t[i].c)
				glob_enter(t, next, i + 1);
		}
		glob_clear(live);
		glob_clear(inside);
		x = live, live = next, next = x;
		x = inside, inside = next_inside, next_inside = x;
	}
	match = *s == '\0' && live->has[n - 1];
	free(t);
	free(has);
	free(at);
	return match;
}

bool
hx_project_match(const char *pattern, const char *path)
{
	const char *slash;

	if (strchr(pattern, '/') == NULL && strstr(pattern, "**") == NULL) {
		slash = strrchr(path, '/');
		return glob_match(pattern, slash != NULL ? slash + 1 : path);
	}
	return glob_match(pattern, path);
}

bool
hx_project_match_any(char *const *patterns, const char *path)
{
	for (; patterns != NULL && *patterns != NULL; patterns++)
		if (hx_project_match(*patterns, path))
			return true;
	return false;
}

struct walk {
	const struct hx_project *p;
	const char *exclude;
	char **paths;
	size_t n, cap;
	const char **chain;	/* the real directories being walked */
	size_t depth;
	char *err;
	size_t errlen;
};

/* Whether the real directory REAL is one being walked, or above one. */
static bool
walking(const struct walk *w, const char *real)
{
	size_t i, len = strlen(real);

	for (i = 0; i < w->depth; i++)
		if (strncmp(w->chain[i], real, len) == 0 &&
		    (w->chain[i][len] == '\0' || w->chain[i][len] == '/'))
			return true;
	return false;
}

static void
add_input(struct walk *w, char *rel)
{
	if (w->n + 1 >= w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->paths = hx_xrealloc(w->paths, w->cap * sizeof(char *));
	}
	w->paths[w->n++] = rel;
}

static int walk_dir(struct walk *, const char *, const char *, const char *);

/* Whether REL is an input: it matches an input pattern, or it is pinned. */
static bool
is_input(const struct hx_project *p, const char *rel)
{
	size_t i;

	for (i = 0; i < p->npins; i++)
		if (strcmp(p->pins[i].path, rel) == 0)
			return true;
	return hx_project_match_any(p->inputs, rel);
}

/*
 * The symbolic link at PATH (REL in the project): followed to a file or a
 * directory inside the project; one that leads out, dangles or loops is
 * malformed input.  A link that is not an input and leads to no directory
 * is left alone.
 */
static int
walk_link(struct walk *w, const char *path, const char *rel)
{
	char real[PATH_MAX];
	size_t len = strlen(w->p->dir);
	bool input = is_input(w->p, rel);
	struct stat st;

	if (realpath(path, real) == NULL) {
		if (errno == ENOENT && !input)
			return 0;
		snprintf(w->err, w->errlen, "%s: %s", path, errno == ELOOP ?
		    "symbolic link loop" : errno == ENOENT ?
		    "symbolic link to nothing" : strerror(errno));
		return errno == ELOOP || errno == ENOENT ? HX_EXIT_INPUT :
		    HX_EXIT_SYSTEM;
	}
	if (stat(real, &st) != 0) {
		snprintf(w->err, w->errlen, "%s: %s", path, strerror(errno));
		return HX_EXIT_SYSTEM;
	}
	if (!S_ISDIR(st.st_mode) && !input)
		return 0;
	if (S_ISDIR(st.st_mode) && walking(w, real)) {
		snprintf(w->err, w->errlen, "%s: symbolic link loop (to %s, "
		    "a directory above it)", path, real);
		return HX_EXIT_INPUT;
	}
	if (strncmp(real, w->p->dir, len) != 0 || real[len] != '/') {
		snprintf(w->err, w->errlen, "%s: symbolic link leads out of "
		    "the project (to %s)", path, real);
		return HX_EXIT_INPUT;
	}
	if (S_ISDIR(st.st_mode))
		return w->exclude != NULL && strcmp(real, w->exclude) == 0 ?
		    0 : walk_dir(w, path, real, rel);
	if (S_ISREG(st.st_mode))
		add_input(w, hx_xstrdup(rel));
	return 0;
}

/*
 * Collect the input files under DIR (REL relative to the project, REAL
 * with links resolved).
 */
static int
walk_dir(struct walk *w, const char *dir, const char *real, const char *rel)
{
	struct dirent *e;
	struct stat st;
	char *path, *sub, *sub_real;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		snprintf(w->err, w->errlen, "%s: %s", dir, strerror(errno));
		return HX_EXIT_SYSTEM;
	}
	w->chain = hx_xrealloc(w->chain, (w->depth + 1) * sizeof(char *));
	w->chain[w->depth++] = real;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		/* Hidden files and the default output directory are never
		 * inputs. */
		if (e->d_name[0] == '.' || (*rel == '\0' &&
		    strcmp(e->d_name, HX_PROJECT_OUTPUT_DIR) == 0))
			continue;
		path = hx_xasprintf("%s/%s", dir, e->d_name);
		sub_real = hx_xasprintf("%s/%s", real, e->d_name);
		sub = *rel == '\0' ? hx_xstrdup(e->d_name) :
		    hx_xasprintf("%s/%s", rel, e->d_name);
		if (lstat(path, &st) != 0) {
			snprintf(w->err, w->errlen, "%s: %s", path,
			    strerror(errno));
			rc = HX_EXIT_SYSTEM;
		} else if (S_ISLNK(st.st_mode))
			rc = walk_link(w, path, sub);
		else if (S_ISDIR(st.st_mode)) {
			if (w->exclude == NULL ||
			    strcmp(sub_real, w->exclude) != 0)
				rc = walk_dir(w, path, sub_real, sub);
		} else if (S_ISREG(st.st_mode) && is_input(w->p, sub)) {
			add_input(w, sub);
			sub = NULL;
		}
		free(path);
		free(sub_real);
		free(sub);
	}
	w->depth--;
	closedir(d);
	return rc;
}

int
hx_project_inputs(const struct hx_project *p, const char *exclude,
    char ***paths, size_t *count, char *err, size_t errlen)
{
	struct walk w = { p, exclude, NULL, 0, 0, NULL, 0, err, errlen };
	int rc;

	rc = walk_dir(&w, p->dir, p->dir, "");
	free(w.chain);
	if (w.paths == NULL)
		w.paths = hx_xcalloc(1, sizeof(char *));
	w.paths[w.n] = NULL;
	if (rc != 0) {
		hx_strv_free(w.paths);
		return rc;
	}
	hx_strv_sort(w.paths, w.n);
	*paths = w.paths;
	*count = w.n;
	return 0;
}

int
hx_project_check_pins(const struct hx_project *p, const char *dir,
    char *err, size_t errlen)
{
	char real[PATH_MAX], hex[HX_SHA256_HEX], *path;
	size_t len = strlen(dir), i;
	struct stat st;
	int rc = 0;

	for (i = 0; rc == 0 && i < p->npins; i++) {
		path = hx_xasprintf("%s/%s", dir, p->pins[i].path);
		if (realpath(path, real) == NULL || stat(real, &st) != 0)
			snprintf(err, errlen, "%s: pinned file %s: %s (pinned "
			    "sha256 %s)", p->file, p->pins[i].path,
			    strerror(errno), p->pins[i].sha256);
		else if (strncmp(real, dir, len) != 0 || real[len] != '/')
			snprintf(err, errlen, "%s: pinned file %s leads out "
			    "of the project (to %s)", p->file,
			    p->pins[i].path, real);
		else if (!S_ISREG(st.st_mode))
			snprintf(err, errlen, "%s: pinned file %s is not a "
			    "regular file", p->file, p->pins[i].path);
		else if (hx_hash_sha256_file(real, hex) != 0)
			snprintf(err, errlen, "%s: pinned file %s: %s",
			    p->file, p->pins[i].path, strerror(errno));
		else if (strcmp(hex, p->pins[i].sha256) != 0)
			snprintf(err, errlen, "%s: pinned file %s does not "
			    "match its pin: pinned sha256 %s, found %s",
			    p->file, p->pins[i].path, p->pins[i].sha256, hex);
		else {
			free(path);
			continue;
		}
		rc = HX_EXIT_SYSTEM;
		free(path);
	}
	return rc;
}
