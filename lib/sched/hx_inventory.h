/*
 * hx_inventory: the nodes hx-sched places jobs on (hx-inventory(5)),
 * from an inventory file of node records, the local machine, Slurm
 * (sinfo --json of Slurm 22.05, openapi v0.0.38, or scontrol -o show
 * node) or Kubernetes (kubectl get nodes -o json).
 */
#ifndef HX_INVENTORY_H
#define HX_INVENTORY_H

#include <stddef.h>

#include "rec/hx_node.h"

/* Nodes and the storage their strings live in. */
struct hx_inventory {
	struct hx_node *nodes;
	size_t n;
	char **strings;		/* owned strings the nodes point into */
	size_t nstrings;
	json_t **values;	/* JSON values the nodes point into */
	size_t nvalues;
};

void hx_inventory_init(struct hx_inventory *inv);

/*
 * Add the node record JSON (hx-records(5)); a record of another type is
 * refused.  Returns 0, or -1 with *MESSAGE (to free).
 */
int hx_inventory_add_record(struct hx_inventory *inv, json_t *json,
    char **message);

/*
 * Add this machine as a local node: its host name, arch from uname(2)
 * (riscv64, x86_64, aarch64), online CPUs, physical memory, and the GPUs
 * under PROC/driver/nvidia/gpus with the model and driver version the
 * NVIDIA driver reports there (0 GPUs when there is no driver).  Labels:
 * isa (from PROC/cpuinfo on riscv64) and driver.  Returns 0, or
 * -1 with *MESSAGE.
 */
int hx_inventory_add_local(struct hx_inventory *inv, const char *proc,
    char **message);

/*
 * Add the nodes of DOC, the output of sinfo --json (openapi v0.0.38).
 * Returns 0, or -1 with *MESSAGE naming the node and field.
 */
int hx_inventory_add_sinfo(struct hx_inventory *inv, json_t *doc,
    char **message);

/*
 * Add the nodes of TEXT, the output of scontrol -o show node (one node a
 * line, KEY=VALUE words; Reason= takes the rest of the line).  Returns
 * 0, or -1 with *MESSAGE as "3: no NodeName=".
 */
int hx_inventory_add_scontrol(struct hx_inventory *inv, const char *text,
    char **message);

/*
 * Add the nodes of DOC, the output of kubectl get nodes -o json: labels,
 * allocatable cpu, memory and nvidia.com/gpu, the architecture, and the
 * state from spec.unschedulable and the Ready condition.  Returns 0, or
 * -1 with *MESSAGE.
 */
int hx_inventory_add_kubectl(struct hx_inventory *inv, json_t *doc,
    char **message);

/*
 * Check that no two nodes have the same name.  Returns 0, or -1 with
 * *MESSAGE naming one.
 */
int hx_inventory_check(const struct hx_inventory *inv, char **message);

void hx_inventory_clear(struct hx_inventory *inv);

#endif
