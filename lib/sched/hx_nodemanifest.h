/*
 * hx_nodemanifest: the pinned node manifest (hx-node-manifest(5)), the
 * kernel, driver and firmware versions and the kernel module digests a
 * node must have to take work, and the check of a node's facts against
 * it.
 */
#ifndef HX_NODEMANIFEST_H
#define HX_NODEMANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "hx_facts.h"
#include "hx_json.h"

/* A module the manifest pins: its name and the sha256 of its file. */
struct hx_nodemanifest_pin {
	const char *name;
	const char *sha256;
};

/* A manifest.  Strings point into json. */
struct hx_nodemanifest {
	json_t *json;
	const char *kernel, *driver, *firmware;	/* NULL: not pinned */
	struct hx_nodemanifest_pin *modules;
	size_t nmodules;
	bool allow_unpinned;		/* a loaded module need not be pinned */
	bool require_signed;		/* every loaded module is signed */
	const char *signer;		/* and by this signer, or NULL */
};

/*
 * Load the manifest at PATH into *M.  Returns 0, HX_EXIT_INPUT with
 * "FILE:LINE:COLUMN: what" in ERR for bad content, or HX_EXIT_SYSTEM
 * when it cannot be read.
 */
int hx_nodemanifest_load(const char *path, struct hx_nodemanifest *m,
    char *err, size_t errlen);

/*
 * Check the facts F of a node against M.  Returns NULL when they agree,
 * else every difference, "; "-separated, as "module nvidia: sha256 1f..
 * is not the pinned 9c.." (to free).
 */
char *hx_nodemanifest_check(const struct hx_nodemanifest *m,
    const struct hx_facts *f);

void hx_nodemanifest_free(struct hx_nodemanifest *m);

#endif
