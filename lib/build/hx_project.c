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
#include "hx_strv.h"
#include "build/hx_project.h"

/*
 * The array of strings at KEY as a NULL-terminated copy: DEFAULTS when the
 * key is absent, NULL (with *WHAT naming the key) when it is not an array
 * of strings, or when REQUIRED and absent or empty.
 */
static char **
strings(json_t *obj, const char *key, const char *const *defaults,
    bool required, const char **what)
{
	json_t *a = json_object_get(obj, key), *v;
	char **out;
	size_t i, n = 0;

	if (a == NULL && !required) {
		while (defaults != NULL && defaults[n] != NULL)
			n++;
		out = hx_xcalloc(n + 1, sizeof(char *));
		for (i = 0; i < n; i++)
			out[i] = hx_xstrdup(defaults[i]);
		return out;
	}
	if (!json_is_array(a) || (required && json_array_size(a) == 0)) {
		*what = key;
		return NULL;
	}
	out = hx_xcalloc(json_array_size(a) + 1, sizeof(char *));
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			hx_strv_free(out);
			*what = key;
			return NULL;
		}
		out[i] = hx_xstrdup(json_string_value(v));
	}
	return out;
}

static const char *
string_or(json_t *obj, const char *key, const char *dflt)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

/* Whether a declared output path stays inside the project. */
static bool
safe_relative(const char *path)
{
	const char *p;

	if (*path == '\0' || *path == '/')
		return false;
	for (p = path; p != NULL; p = strchr(p, '/'), p = p ? p + 1 : p)
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

/* Read OUTPUTS into P; returns NULL, or what is wrong. */
static const char *
load_outputs(struct hx_project *p, json_t *outputs)
{
	struct hx_output *o;
	json_t *v, *x;
	const char *kind;
	size_t i;

	if (!json_is_array(outputs) || json_array_size(outputs) == 0)
		return "outputs: expected a non-empty array of objects";
	p->outputs = hx_xcalloc(json_array_size(outputs), sizeof(*o));
	json_array_foreach(outputs, i, v) {
		o = &p->outputs[p->noutputs];
		if (!json_is_object(v) || !json_is_string(json_object_get(v,
		    "name")) || !json_is_string(json_object_get(v, "path")))
			return "outputs: each needs a string name and path";
		kind = string_or(v, "kind", "exe");
		if (strcmp(kind, "exe") != 0 && strcmp(kind, "test") != 0 &&
		    strcmp(kind, "lib") != 0)
			return "outputs: kind is exe, test or lib";
		if (!safe_relative(string_or(v, "path", "")))
			return "outputs: a path is relative and stays inside "
			    "the project";
		x = json_object_get(v, "args");
		if (x != NULL && !json_is_array(x))
			return "outputs: args is an array of strings";
		x = json_object_get(v, "env");
		if (x != NULL && !json_is_object(x))
			return "outputs: env is an object of strings";
		o->name = hx_xstrdup(string_or(v, "name", ""));
		o->path = hx_xstrdup(string_or(v, "path", ""));
		o->kind = hx_xstrdup(kind);
		o->args = json_incref(json_object_get(v, "args"));
		o->env = json_incref(json_object_get(v, "env"));
		o->cwd = json_is_string(json_object_get(v, "cwd")) ?
		    hx_xstrdup(string_or(v, "cwd", "")) : NULL;
		p->noutputs++;
	}
	return NULL;
}

int
hx_project_load(const char *dir, struct hx_project *p, char *err,
    size_t errlen)
{
	static const char *const all[] = { "**", NULL };
	static const char *const build_files[] = { "Makefile", "GNUmakefile",
	    "*.mk", "CMakeLists.txt", "*.cmake", "configure", "configure.ac",
	    "Makefile.am", "Makefile.in", HX_PROJECT_FILE, NULL };
	struct hx_json_error jerr;
	char resolved[PATH_MAX];
	const char *what = NULL, *problem = NULL;
	json_t *j;

	memset(p, 0, sizeof(*p));
	if (realpath(dir, resolved) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return HX_EXIT_SYSTEM;
	}
	p->dir = hx_xstrdup(resolved);
	p->file = hx_xasprintf("%s/%s", strcmp(dir, ".") == 0 ? "." : dir,
	    HX_PROJECT_FILE);
	if ((j = hx_json_load_file(p->file, &jerr)) == NULL) {
		if (jerr.line == 0) {
			snprintf(err, errlen, "%s: %s", p->file,
			    strerror(errno));
			return HX_EXIT_SYSTEM;
		}
		snprintf(err, errlen, "%s:%d:%d: %s", p->file, jerr.line,
		    jerr.column, jerr.text);
		return HX_EXIT_INPUT;
	}
	p->json = j;
	if (!json_is_object(j)) {
		snprintf(err, errlen, "%s:1:1: the manifest is an object",
		    p->file);
		return HX_EXIT_INPUT;
	}
	p->name = hx_xstrdup(string_or(j, "name", ""));
	p->system = hx_xstrdup(string_or(j, "system", "make"));
	if (json_object_get(j, "configure") != NULL)
		p->configure = strings(j, "configure", NULL, true, &what);
	if ((p->build = strings(j, "build", NULL, true, &what)) == NULL ||
	    (p->flags = strings(j, "flags", NULL, false, &what)) == NULL ||
	    (p->inputs = strings(j, "inputs", all, false, &what)) == NULL ||
	    (p->build_files = strings(j, "build_files", build_files, false,
	    &what)) == NULL ||
	    (p->no_timing = strings(j, "no_timing", NULL, false, &what)) ==
	    NULL || what != NULL) {
		snprintf(err, errlen, "%s: %s: expected a%s array of strings",
		    p->file, what, strcmp(what, "build") == 0 ||
		    strcmp(what, "configure") == 0 ? " non-empty" : "n");
		return HX_EXIT_INPUT;
	}
	if (*p->name == '\0')
		problem = "name: expected a non-empty string";
	else if (strcmp(p->system, "make") != 0 &&
	    strcmp(p->system, "cmake") != 0 &&
	    strcmp(p->system, "autotools") != 0 &&
	    strcmp(p->system, "command") != 0)
		problem = "system: make, cmake, autotools or command";
	else
		problem = load_outputs(p, json_object_get(j, "outputs"));
	if (problem != NULL) {
		snprintf(err, errlen, "%s: %s", p->file, problem);
		return HX_EXIT_INPUT;
	}
	return 0;
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

/* Glob matching with '*', '?' inside a component and '**' across them. */
static bool
match_here(const char *pat, const char *s)
{
	for (; *pat != '\0'; pat++, s++) {
		if (pat[0] == '*' && pat[1] == '*') {
			pat += 2;
			if (*pat == '/') {
				/* "**" + "/": zero or more whole components. */
				pat++;
				for (;;) {
					if (match_here(pat, s))
						return true;
					if ((s = strchr(s, '/')) == NULL)
						return false;
					s++;
				}
			}
			for (;; s++) {
				if (match_here(pat, s))
					return true;
				if (*s == '\0')
					return false;
			}
		}
		if (*pat == '*') {
			for (;; s++) {
				if (match_here(pat + 1, s))
					return true;
				if (*s == '\0' || *s == '/')
					return false;
			}
		}
		if (*s == '\0' || (*pat == '?' ? *s == '/' : *pat != *s))
			return false;
	}
	return *s == '\0';
}

bool
hx_project_match(const char *pattern, const char *path)
{
	const char *slash;

	if (strchr(pattern, '/') == NULL && strstr(pattern, "**") == NULL) {
		slash = strrchr(path, '/');
		return match_here(pattern, slash != NULL ? slash + 1 : path);
	}
	return match_here(pattern, path);
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
};

/* Collect the input files under DIR (REL relative to the project). */
static int
walk_dir(struct walk *w, const char *dir, const char *rel)
{
	struct dirent *e;
	struct stat st;
	char *path, *sub;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		/* Hidden files and the default output directory are never
		 * inputs. */
		if (e->d_name[0] == '.' || (*rel == '\0' &&
		    strcmp(e->d_name, HX_PROJECT_OUTPUT_DIR) == 0))
			continue;
		path = hx_xasprintf("%s/%s", dir, e->d_name);
		sub = *rel == '\0' ? hx_xstrdup(e->d_name) :
		    hx_xasprintf("%s/%s", rel, e->d_name);
		if (lstat(path, &st) != 0)
			rc = -1;
		else if (S_ISDIR(st.st_mode)) {
			if (w->exclude == NULL || strcmp(path, w->exclude) != 0)
				rc = walk_dir(w, path, sub);
		} else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) &&
		    hx_project_match_any(w->p->inputs, sub)) {
			if (w->n + 1 >= w->cap) {
				w->cap = w->cap ? w->cap * 2 : 64;
				w->paths = hx_xrealloc(w->paths,
				    w->cap * sizeof(char *));
			}
			w->paths[w->n++] = sub;
			sub = NULL;
		}
		free(path);
		free(sub);
	}
	closedir(d);
	return rc;
}

char **
hx_project_inputs(const struct hx_project *p, const char *exclude,
    size_t *count)
{
	struct walk w = { p, exclude, NULL, 0, 0 };
	int saved;

	if (walk_dir(&w, p->dir, "") != 0) {
		saved = errno;
		w.paths = w.paths ? w.paths : hx_xcalloc(1, sizeof(char *));
		w.paths[w.n] = NULL;
		hx_strv_free(w.paths);
		errno = saved;
		return NULL;
	}
	if (w.paths == NULL)
		w.paths = hx_xcalloc(1, sizeof(char *));
	hx_strv_sort(w.paths, w.n);
	w.paths[w.n] = NULL;
	*count = w.n;
	return w.paths;
}
