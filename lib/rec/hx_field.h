/*
 * hx_field: reading and writing the fields of a record, for the record
 * type modules (hx_artifact, hx_test, hx_sample, hx_wcet, hx_error).
 *
 * A reader checks one member of a JSON object against what hx-records(5)
 * says of it and gives its value.  Strings it gives point into the JSON
 * value and live as long as it does.  On a fault it returns -1 and sets
 * *MESSAGE (to free) to "WHERE KEY what is wrong", as "sample value is
 * negative": WHERE names the record type and, for nested members, the
 * path ("wcet pwcet[2].").
 */
#ifndef HX_FIELD_H
#define HX_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hx_err.h"
#include "hx_json.h"

/* How a field may appear. */
enum {
	HX_FIELD_OPTIONAL = 0,	/* may be left out */
	HX_FIELD_REQUIRED = 1,	/* missing is a fault */
	HX_FIELD_NULL = 2,	/* a number may be null: not computed */
};

/* One member of an object whose values are strings (env, labels). */
struct hx_field_pair {
	const char *name;
	const char *value;
};

/* The index of NAME in the NULL-terminated NAMES, or -1. */
int hx_field_index(const char *const *names, const char *name);

/*
 * Set *MESSAGE to "WHERE KEY " and the formatted rest, and return -1:
 * for the checks a type module makes itself.
 */
int hx_field_fault(char **message, const char *where, const char *key,
    const char *fmt, ...) HX_PRINTF(4, 5);

/*
 * Each reader returns 1 when the member is there and good, 0 when an
 * optional one is left out (the output untouched), -1 on a fault.
 */
int hx_field_string(const json_t *obj, const char *where, const char *key,
    int how, const char **out, char **message);
int hx_field_boolean(const json_t *obj, const char *where, const char *key,
    int how, bool *out, char **message);
/* An integer (no fraction or exponent) from MIN up. */
int hx_field_integer(const json_t *obj, const char *where, const char *key,
    int how, int64_t min, int64_t *out, char **message);
/* A finite number from MIN up (-HUGE_VAL: any); null gives NAN. */
int hx_field_number(const json_t *obj, const char *where, const char *key,
    int how, double min, double *out, char **message);
/* One of the NULL-terminated NAMES; *OUT is its index. */
int hx_field_enum(const json_t *obj, const char *where, const char *key,
    int how, const char *const *names, int *out, char **message);
int hx_field_object(const json_t *obj, const char *where, const char *key,
    int how, const json_t **out, char **message);
/* An array of strings: *OUT a NULL-terminated array to free(3). */
int hx_field_strings(const json_t *obj, const char *where, const char *key,
    int how, const char ***out, char **message);
/* An object of strings: *OUT an array of *N pairs to free(3). */
int hx_field_pairs(const json_t *obj, const char *where, const char *key,
    int how, struct hx_field_pair **out, size_t *n, char **message);

/* Writers: set KEY of OBJ; a NULL S or LIST leaves it out. */
void hx_field_set_string(json_t *obj, const char *key, const char *s);
/* LEN bytes of any kind, as hx_json_text makes them a string. */
void hx_field_set_text(json_t *obj, const char *key, const char *s,
    size_t len);
void hx_field_set_strings(json_t *obj, const char *key,
    const char *const *list);
void hx_field_set_pairs(json_t *obj, const char *key,
    const struct hx_field_pair *pairs, size_t n);

/* X as a JSON real, or null when it is not finite. */
json_t *hx_field_number_json(double x);

/*
 * X as a JSON integer when it is one that a double holds exactly, else
 * as hx_field_number_json gives it: how a measured value is written.
 */
json_t *hx_field_measurement_json(double x);

#endif
