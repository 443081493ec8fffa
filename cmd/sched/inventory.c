/*
 * inventory.c: hx-sched inventory, node records from this machine,
 * Slurm or Kubernetes.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec/hx_rec.h"
#include "sched.h"

int
sched_inventory(int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_INVENTORY, OPT_PROC };
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ "inventory", required_argument, NULL, OPT_INVENTORY },
		{ "proc", required_argument, NULL, OPT_PROC },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const sources[] = { "local", "slurm",
	    "sinfo-json", "scontrol", "kubectl", NULL };
	struct sched_source src = { .proc = "/proc" };
	struct hx_inventory inv;
	char *m;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		switch (c) {
		case 'h':
			sched_usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case OPT_FROM:
			src.from = optarg;
			break;
		case OPT_INVENTORY:
			src.inventory = optarg;
			break;
		case OPT_PROC:
			src.proc = optarg;
			break;
		default:
			hx_usage_error("bad option");
		}
	argc -= optind;
	argv += optind;
	for (i = 0; src.from != NULL && sources[i] != NULL; i++)
		if (strcmp(src.from, sources[i]) == 0)
			break;
	if (src.from != NULL && sources[i] == NULL)
		hx_usage_error("--from: not local, slurm, sinfo-json, scontrol "
		    "or kubectl: %s", src.from);
	if (src.from != NULL && i >= 2 && argc != 1)
		hx_usage_error("--from %s: expected the FILE of its output",
		    src.from);
	if ((src.from == NULL || i < 2) && argc != 0)
		hx_usage_error("unexpected argument: %s", argv[0]);
	src.path = argc == 1 ? argv[0] : NULL;
	hx_inventory_init(&inv);
	sched_read_nodes(&inv, &src, true);
	if (hx_inventory_check(&inv, &m) < 0)
		hx_err(HX_EXIT_INPUT, "%s", m);
	for (i = 0; i < inv.n; i++)
		sched_emit(hx_node_to_json(&inv.nodes[i]));
	sched_flush();
	hx_inventory_clear(&inv);
	return HX_EXIT_OK;
}
