/*
 * hx_profile: the load profiles a run can be measured under (hx-policy(5)):
 * the "profiles" member of a policy, an object from a profile's name to
 * the stress-ng arguments of its load ([] for none).  hx-trace run reads
 * just that member of a file; hx-gate's policy checks it the same way.
 */
#ifndef HX_PROFILE_H
#define HX_PROFILE_H

#include <stddef.h>

#include "hx_json.h"

/* A profile: its name and the stress-ng arguments of its load. */
struct hx_profile {
	const char *name;
	const char **args;	/* NULL-terminated; empty: no load */
};

struct hx_profiles {
	struct hx_profile *list;
	size_t n;
	json_t *json;		/* the file read, or NULL for the defaults */
};

/*
 * Check VALUE, the "profiles" member of the file PATH whose values start
 * where POSITIONS says (hx_json_parse_at).  Returns 0, or -1 with
 * "PATH:LINE:COLUMN: what is wrong" in ERR.
 */
int hx_profile_check(const json_t *value, const char *path,
    const json_t *positions, char *err, size_t errlen);

/* Fill *OUT with the built-in profiles: idle, cpu, memory and io. */
void hx_profile_defaults(struct hx_profiles *out);

/*
 * Load the "profiles" member of the JSON file PATH into *OUT.  Returns 0;
 * -1 when it is malformed or has none, with "PATH:LINE:COLUMN: what" in
 * ERR; -2 when it cannot be read, with "PATH: strerror" in ERR.
 */
int hx_profile_load(const char *path, struct hx_profiles *out, char *err,
    size_t errlen);

/* The profile called NAME in P, or NULL. */
const struct hx_profile *hx_profile_find(const struct hx_profiles *p,
    const char *name);

/* The names of P's profiles, as "idle, cpu": a new string. */
char *hx_profile_names(const struct hx_profiles *p);

void hx_profile_free(struct hx_profiles *p);

#endif
