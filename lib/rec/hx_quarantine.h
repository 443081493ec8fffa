/*
 * hx_quarantine: the list of tests whose failures do not fail a run.
 * Each entry is a test name or an fnmatch(3) pattern.  hx-emu reads it
 * from a file (--quarantine), hx-gate from a policy's JSON arrays; both
 * match test names with it here.
 */
#ifndef HX_QUARANTINE_H
#define HX_QUARANTINE_H

#include <stdbool.h>

#include "hx_err.h"
#include "hx_json.h"

struct hx_quarantine;

/* An empty list. */
struct hx_quarantine *hx_quarantine_new(void);

/*
 * Add the entries of the file at PATH: one a line, surrounding blanks
 * stripped, blank lines and lines starting with '#' ignored.  Returns 0,
 * or -1, adding nothing, with ERR filled: status 4 and the errno text
 * when PATH cannot be read, 3 and "PATH:LINE: ..." for a line with a NUL
 * byte.
 */
int hx_quarantine_add_file(struct hx_quarantine *q, const char *path,
    struct hx_err_info *err);

/*
 * Add the entries of PATTERNS, a JSON array of strings (NULL adds
 * nothing).  Returns 0, or -1 with *MESSAGE (to free) saying which
 * element is not a string.
 */
int hx_quarantine_add_json(struct hx_quarantine *q, const json_t *patterns,
    char **message);

/* Whether NAME matches an entry of Q; a NULL Q or NAME matches none. */
bool hx_quarantine_match(const struct hx_quarantine *q, const char *name);

void hx_quarantine_free(struct hx_quarantine *q);

#endif
