/*
 * hx_depgraph: the dependency graph a build leaves behind in make-format
 * dependency files ("TARGET...: PREREQ..." lines, as gcc -MD and clang
 * -MD write them, and as a Makefile may write for its links), and the
 * set of source files each output is made from.
 */
#ifndef HX_DEPGRAPH_H
#define HX_DEPGRAPH_H

#include <stddef.h>

struct hx_depgraph;

struct hx_depgraph *hx_depgraph_new(void);
void hx_depgraph_free(struct hx_depgraph *g);

/*
 * Add every file whose name ends in ".d" under the directory ROOT (a
 * trailing '/' included).  Returns the number of files read, or -1.
 */
long hx_depgraph_scan(struct hx_depgraph *g, const char *root);

/*
 * Every name TARGET is made from, directly or through other targets,
 * sorted, as a NULL-terminated array of strings to free with
 * hx_strv_free; *COUNT is 0 when the graph knows nothing of
 * TARGET.
 */
char **hx_depgraph_closure(struct hx_depgraph *g, const char *target,
    size_t *count);

#endif
