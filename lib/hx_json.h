/*
 * hx_json: the one module that configures jansson.  Programs use jansson's
 * value API (json_object_get, json_integer, ...) on what this module parses,
 * but parsing and serialising go through here, so every record is read with
 * the same flags and written compact with sorted keys.
 */
#ifndef HX_JSON_H
#define HX_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "hx_err.h"

/* Where and why a parse failed: 1-based line and column, and a message. */
struct hx_json_error {
	int line;
	int column;
	char text[160];
};

/*
 * Parse one JSON text of LEN bytes.  Duplicate object keys are rejected.
 * Returns a new reference, or NULL with *ERR filled in.
 */
json_t *hx_json_parse(const char *buf, size_t len, struct hx_json_error *err);

/*
 * Parse the JSON file at PATH (a policy, a manifest).  On failure returns
 * NULL with the position in *ERR; a file that cannot be read has line 0 and
 * errno set.
 */
json_t *hx_json_load_file(const char *path, struct hx_json_error *err);

/*
 * Parse the JSON file at PATH as hx_json_load_file does and, when
 * POSITIONS is not NULL, set *POSITIONS to where each value starts (a new
 * object for hx_json_where): jansson gives positions only for syntax
 * errors, so a second, small pass over the text records them, keyed by
 * JSON pointer ("/outputs/2/kind").  A directory has line 0 and EISDIR.
 */
json_t *hx_json_load_file_at(const char *path, json_t **positions,
    struct hx_json_error *err);

/*
 * Parse the manifest at PATH as hx_json_load_file_at does.  On failure
 * returns NULL with "FILE:LINE:COLUMN: what" (or "FILE: why" when it
 * cannot be read) in ERR and *STATUS HX_EXIT_INPUT (or HX_EXIT_SYSTEM).
 */
json_t *hx_json_load_manifest(const char *path, json_t **positions,
    char *err, size_t errlen, int *status);

/*
 * Read all of the file at PATH into a new buffer of *LEN bytes and a NUL.
 * Returns NULL with errno set (EISDIR for a directory).
 */
char *hx_json_read_text(const char *path, size_t *len);

/*
 * Parse LEN bytes at BUF as hx_json_parse does and, when POSITIONS is not
 * NULL, set *POSITIONS as hx_json_load_file_at does.
 */
json_t *hx_json_parse_at(const char *buf, size_t len, json_t **positions,
    struct hx_json_error *err);

/*
 * Write "FILE:LINE:COLUMN: message" to BUF, for the value at POINTER,
 * where POSITIONS says it starts (1:1 when it does not know).
 */
void hx_json_locate(char *buf, size_t len, const char *file,
    const json_t *positions, const char *pointer, const char *fmt, ...)
    HX_PRINTF(6, 7);

/*
 * Serialise VALUE compactly with sorted keys, handing the text to WRITE in
 * pieces.  Returns 0, or -1 when WRITE failed or VALUE cannot be encoded.
 */
int hx_json_dump(const json_t *value,
    int (*write)(const char *buf, size_t len, void *arg), void *arg);

/*
 * LEN bytes of S as a JSON string whatever they are: a program's output
 * or a compiler's diagnostics need not be UTF-8.  Bytes that are not
 * valid UTF-8, and NULs, become U+FFFD.  A new reference.
 */
json_t *hx_json_text(const char *s, size_t len);

/* The compact sorted text of VALUE as a new string, to free(3). */
char *hx_json_to_string(const json_t *value);

#endif
