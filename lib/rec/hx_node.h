/*
 * hx_node: the node record, a machine jobs can be placed on
 * (hx-records(5)).  hx-sched inventory writes them; hx-sched plan and
 * hx-sched health read them.
 */
#ifndef HX_NODE_H
#define HX_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "hx_facts.h"
#include "rec/hx_field.h"

/* Whether a node takes work. */
enum hx_node_state {
	HX_NODE_UP,
	HX_NODE_DOWN,
	HX_NODE_DRAINED,
	HX_NODE_QUARANTINED,
};

/* The engine that runs jobs on a node. */
enum hx_node_backend {
	HX_NODE_LOCAL,
	HX_NODE_SLURM,
	HX_NODE_K8S,
};

/* The names of the backends, NULL-terminated, for readers. */
extern const char *const hx_node_backend_names[];

const char *hx_node_backend_name(enum hx_node_backend backend);

/* One health check of a node. */
struct hx_node_check {
	int64_t time_ns;	/* when it ran */
	bool ok;
	const char *message;	/* what failed, or NULL */
};

/*
 * A node.  Strings are borrowed: from the JSON value hx_node_read read,
 * or from the caller that fills the struct to write it.
 */
struct hx_node {
	const char *name;
	const char *arch;		/* "riscv64", "x86_64" */
	int64_t cpus;			/* >= 0 */
	int64_t memory_bytes;		/* >= 0 */
	int64_t gpus;			/* >= 0 */
	const char *gpu_model;		/* or NULL */
	struct hx_field_pair *labels;	/* NULL: none */
	size_t nlabels;
	enum hx_node_state state;
	struct hx_node_check *health;	/* oldest first; NULL: none */
	size_t nhealth;
	enum hx_node_backend backend;
	const char *pin_driver;		/* pinned versions, or NULL */
	const char *pin_firmware;
	const char **check;		/* health check argv, or NULL */
	const char *reason;		/* why it is quarantined, or NULL */
	struct hx_facts *facts;		/* owned: what it runs, or NULL */
};

/* Set N to an empty node: up, local, no labels, pins or history. */
void hx_node_init(struct hx_node *n);

/*
 * Read and check the node record JSON into *OUT.  Returns 0, or -1 with
 * *MESSAGE (to free) naming the field, as "node cpus is negative".
 */
int hx_node_read(const json_t *json, struct hx_node *out, char **message);

/* The record of N, a new reference. */
json_t *hx_node_to_json(const struct hx_node *n);

/* The value of label NAME of N, or NULL. */
const char *hx_node_label(const struct hx_node *n, const char *name);

/* Free what hx_node_read allocated and empty N. */
void hx_node_clear(struct hx_node *n);

#endif
