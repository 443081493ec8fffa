/*
 * hx_project: the project manifest hx-build reads (hx-project(5)), DIR/hx.json:
 * the build command, the input files, the declared outputs with their
 * kinds and test arguments, and the path policy for change-based
 * selection.
 */
#ifndef HX_PROJECT_H
#define HX_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "hx_json.h"

/* The name of the manifest in a project directory. */
#define HX_PROJECT_FILE "hx.json"

/* Where outputs go by default, under the current directory. */
#define HX_PROJECT_OUTPUT_DIR "hx-out"

struct hx_output {
	char *name;		/* as records name it */
	char *path;		/* relative to the project directory */
	char *kind;		/* "exe", "test" or "lib" */
	json_t *args;		/* test arguments (array), or NULL */
	json_t *env;		/* test environment (object), or NULL */
	char *cwd;		/* test directory, or NULL */
};

/* A data file pinned by its SHA-256 (model weights, calibration tables). */
struct hx_pin {
	char *path;		/* relative to the project directory */
	char *sha256;		/* 64 lowercase hex digits */
};

struct hx_project {
	char *dir;		/* the project directory, absolute */
	char *file;		/* the manifest's path */
	char *name;
	char *system;		/* make, cmake, autotools or command */
	char **configure;	/* a command run before build, or NULL */
	char **build;		/* the build command */
	char **flags;		/* compiler flags the project adds */
	char **inputs;		/* patterns of files the build reads */
	char **build_files;	/* patterns of files feeding every output */
	char **no_timing;	/* patterns of changes that need no timing */
	struct hx_output *outputs;
	size_t noutputs;
	struct hx_pin *pins;	/* pinned files, also inputs */
	size_t npins;
	json_t *json;
};

/*
 * Read DIR/hx.json.  Returns 0, or an exit status (3 for a malformed
 * manifest, with file, line and column where the JSON is broken; 4 when it
 * cannot be read) with a message in ERR.
 */
int hx_project_load(const char *dir, struct hx_project *p, char *err,
    size_t errlen);

void hx_project_free(struct hx_project *p);

/*
 * Whether PATH (relative, '/'-separated) matches PATTERN: '*' and '?'
 * within one path component, '**' across components; a pattern with no
 * '/' matches the last component anywhere, as in .gitignore.
 */
bool hx_project_match(const char *pattern, const char *path);

/*
 * Whether the relative PATH stays inside the directory it is relative
 * to: not empty, not absolute, no ".." component.
 */
bool hx_project_inside(const char *path);

/* Whether PATH matches any of the NULL-terminated PATTERNS. */
bool hx_project_match_any(char *const *patterns, const char *path);

/*
 * The project's input files: every regular file under the directory that
 * matches an input pattern, skipping names that start with '.', hx-out at
 * the top and the directory EXCLUDE (absolute, or NULL).  Symbolic links
 * are followed to files and directories inside the project; one that
 * leads out of it, dangles or loops is an error (see hx-project(5)).
 * Returns 0 with a NULL-terminated array of relative paths, sorted
 * byte-wise, in *PATHS and its length in *COUNT; or an exit status (3 for
 * such a link, 4 when a directory cannot be read) with a message in ERR.
 */
int hx_project_inputs(const struct hx_project *p, const char *exclude,
    char ***paths, size_t *count, char *err, size_t errlen);

/*
 * Check every pinned file of P against its digest, in the tree DIR: the
 * project's own (P's dir), or a copy of it such as hx-build's staging
 * directory.  Returns 0, or HX_EXIT_SYSTEM with a message in ERR naming
 * the file and both digests (a missing file, one that is not a regular
 * file or leads out of DIR, or a different digest).
 */
int hx_project_check_pins(const struct hx_project *p, const char *dir,
    char *err, size_t errlen);

#endif
