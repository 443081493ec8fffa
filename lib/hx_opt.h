/*
 * hx_opt: the values of command-line options, checked the same way in
 * every program.
 */
#ifndef HX_OPT_H
#define HX_OPT_H

#include <stdint.h>

#include "hx_err.h"

/*
 * ARG, the value of option NAME, as a whole number from MIN to MAX in
 * *OUT: decimal digits only, no sign or blank.  Returns 0, or -1 with
 * ERR (HX_EXIT_USAGE) saying "NAME: not a whole number from MIN to MAX:
 * ARG", without " to MAX" when MAX is INT64_MAX or more (no bound).
 */
int hx_opt_uint(const char *arg, const char *name, uint64_t min,
    uint64_t max, uint64_t *out, struct hx_err_info *err);

#endif
