/*
 * hx_health: the health history of nodes, kept in a state directory
 * (one file a node, DIR/NODE.json, the latest HX_HEALTH_KEEP checks
 * and why the node is quarantined, until a check against the node
 * manifest passes),
 * the built-in check of the local machine, and drift from pins.
 */
#ifndef HX_HEALTH_H
#define HX_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "rec/hx_node.h"

/* How many checks a node's history keeps. */
#define HX_HEALTH_KEEP	20

struct hx_health {
	struct hx_node_check *checks;	/* oldest first */
	size_t n;
	char **messages;		/* what the checks point into */
	size_t nmessages;
	char *quarantine;		/* why it is quarantined, or NULL */
};

/*
 * Load the history of node NAME from DIR into *H (empty when there is
 * none yet).  Returns 0, or -1 with *MESSAGE when the file is there but
 * cannot be read or is not a history.
 */
int hx_health_load(const char *dir, const char *name, struct hx_health *h,
    char **message);

/* Write the history H of node NAME into DIR, atomically. */
int hx_health_save(const char *dir, const char *name,
    const struct hx_health *h, char **message);

/* Add a check to H, dropping the oldest beyond HX_HEALTH_KEEP. */
void hx_health_add(struct hx_health *h, int64_t time_ns, bool ok,
    const char *message);

/* Quarantine H's node for REASON (owned by H), or release it: NULL. */
void hx_health_quarantine(struct hx_health *h, const char *reason);

/* How many of the latest checks of H failed in a row. */
size_t hx_health_failures(const struct hx_health *h);

/*
 * The built-in check of the local node N, this machine as PROC shows it:
 * PROC/loadavg can be read, and when N has GPUs, the NVIDIA driver still
 * lists as many.  Returns true, or false with *WHY (to free).
 */
bool hx_health_check_local(const struct hx_node *n, const char *proc,
    char **why);

/*
 * The pinned KEY ("driver" or "firmware") of N when FOUND, the version
 * the node reports (or NULL), differs from it: the pin, else NULL.
 */
const char *hx_health_drift(const struct hx_node *n, const char *key,
    const char *found);

void hx_health_clear(struct hx_health *h);

#endif
