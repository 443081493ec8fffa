/*
 * health.c: hx-sched health, a check of each node, its history kept in
 * the state directory, nodes that failed N checks in a row drained, and
 * drift from the pinned driver and firmware reported.  Its node records
 * go downstream with the rest of the stream, so that hx-sched plan
 * after it re-plans the jobs of a drained node.  With --manifest, the
 * facts of each local node are checked against the pinned node manifest:
 * a node that differs is quarantined until a later check passes.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_clock.h"
#include "hx_file.h"
#include "hx_spawn.h"
#include "rec/hx_nodedrift.h"
#include "rec/hx_rec.h"
#include "sched/hx_health.h"
#include "sched/hx_nodemanifest.h"
#include "sched.h"

/* Node records of the stream join the inventory; the rest pass on. */
static int
on_node(struct hx_record *rec, void *arg)
{
	struct hx_inventory *inv = arg;
	json_t *json;
	char *m;

	if ((json = hx_rec_json(rec)) == NULL)
		return 0;
	if (hx_inventory_add_record(inv, json, &m) < 0) {
		hx_rec_bad(rec, "%s", m);
		free(m);
	}
	return 0;
}

/*
 * Run the check of node N: its own command, or for the local node
 * without one the built-in check.  Returns 1 passed, 0 failed (with
 * *WHY), -1 when the node has no check.
 */
static int
run_check(const struct hx_node *n, const char *proc, int64_t timeout_ns,
    char **why)
{
	struct hx_spawn spec = { .argv = (char *const *)n->check,
	    .capture = true, .merge_stderr = true, .timeout_ns = timeout_ns,
	    .tail_max = 200 };
	struct hx_spawn_result r;
	int e;

	if (n->check == NULL && n->backend != HX_NODE_LOCAL)
		return -1;
	if (n->check == NULL)
		return hx_health_check_local(n, proc, why) ? 1 : 0;
	if ((e = hx_spawn_run(&spec, &r)) != 0) {
		*why = hx_xasprintf("%s: %s", n->check[0], strerror(e));
		return 0;
	}
	if (r.exited && r.status == 0) {
		hx_spawn_result_free(&r);
		return 1;
	}
	*why = r.timed_out ? hx_xstrdup("timed out") : r.exited ?
	    hx_xasprintf("exit status %d%s%s", r.status, r.out_len > 0 ?
	    ": " : "", r.out) : hx_xasprintf("killed by signal %d",
	    r.signal);
	hx_spawn_result_free(&r);
	return 0;
}

/* Report drift of KEY on node N, whose version is FOUND (or NULL). */
static void
drift(const struct hx_node *n, const char *key, const char *found,
    int64_t now)
{
	struct hx_nodedrift d = { n->name, key, NULL, found, now };

	if ((d.pinned = hx_health_drift(n, key, found)) == NULL)
		return;
	hx_warn("node %s: %s %s is not the pinned %s", n->name, key,
	    found != NULL ? found : "(none)", d.pinned);
	sched_emit(hx_nodedrift_to_json(&d));
}

/* The driver and firmware node N reports: this machine's for local. */
static void
versions(const struct hx_node *n, const char *proc, const char **driver,
    const char **firmware, struct hx_inventory *here)
{
	char *m;

	*driver = hx_node_label(n, "driver");
	*firmware = hx_node_label(n, "firmware");
	if (n->backend != HX_NODE_LOCAL || n->check != NULL)
		return;
	if (here->n == 0 && hx_inventory_add_local(here, proc, &m) < 0) {
		hx_warn("%s", m);
		free(m);
		return;
	}
	if (here->n > 0)
		*driver = hx_node_label(&here->nodes[0], "driver");
}

/* What governance needs: the manifest and this machine's facts. */
struct governance {
	struct hx_nodemanifest manifest;
	struct hx_facts_roots roots;
	struct hx_facts facts;
	bool collected;
};

/*
 * Check local node N against the manifest of G and give N this
 * machine's facts: quarantine N in its history H with the differences,
 * which join *WHY, the message of its check, or release it.  Returns
 * whether N passed.
 */
static bool
govern(struct governance *g, struct hx_node *n, struct hx_health *h,
    char **why)
{
	char *diff, *both;

	if (!g->collected) {
		hx_facts_collect(&g->roots, &g->facts);
		g->collected = true;
	}
	if (n->facts != NULL) {
		hx_facts_clear(n->facts);
		free(n->facts);
	}
	n->facts = &g->facts;
	if ((diff = hx_nodemanifest_check(&g->manifest, &g->facts)) == NULL) {
		if (h->quarantine != NULL)
			hx_warn("node %s released from quarantine: it matches "
			    "the node manifest", n->name);
		hx_health_quarantine(h, NULL);
		if (n->state == HX_NODE_QUARANTINED && n->reason != NULL) {
			n->state = HX_NODE_UP;
			n->reason = NULL;
		}
		return true;
	}
	hx_health_quarantine(h, diff);
	both = *why != NULL ? hx_xasprintf("%s; %s", *why, diff) : diff;
	if (both != diff)
		free(diff);
	free(*why);
	*why = both;
	return false;
}

int
sched_health(int argc, char **argv)
{
	enum { OPT_INVENTORY = 256, OPT_DRAIN_AFTER, OPT_STATE, OPT_TIMEOUT,
	    OPT_NOW, OPT_PROC, OPT_MANIFEST, OPT_MODULES_ROOT, OPT_SYS };
	static const struct option longopts[] = {
		{ "drain-after", required_argument, NULL, OPT_DRAIN_AFTER },
		{ "help", no_argument, NULL, 'h' },
		{ "inventory", required_argument, NULL, OPT_INVENTORY },
		{ "manifest", required_argument, NULL, OPT_MANIFEST },
		{ "modules-root", required_argument, NULL, OPT_MODULES_ROOT },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "proc", required_argument, NULL, OPT_PROC },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "sys", required_argument, NULL, OPT_SYS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const consume[] = { "node", NULL };
	struct sched_source src = { .proc = "/proc" };
	struct hx_rec_loop loop = { .warn = hx_err_warn };
	struct governance g = { .roots = { .sys = "/sys" } };
	struct hx_inventory inv, here;
	struct hx_health *hist;
	const char *state = NULL, *driver, *firmware, *manifest = NULL;
	char err[1024];
	int64_t now = -1, timeout_ns = 60000000000LL;
	long drain_after = 3;
	char *dir, *root, *why, *m;
	struct hx_node *n;
	size_t i;
	int c, fd, rc;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		switch (c) {
		case 'h':
			sched_usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case OPT_DRAIN_AFTER:
			drain_after = (long)hx_usage_uint(optarg,
			    "--drain-after", 1, HX_HEALTH_KEEP);
			break;
		case OPT_INVENTORY:
			src.inventory = optarg;
			break;
		case OPT_MANIFEST:
			manifest = optarg;
			break;
		case OPT_MODULES_ROOT:
			g.roots.modules_root = optarg;
			break;
		case OPT_NOW:
			now = sched_time_arg("--now", optarg);
			break;
		case OPT_PROC:
			src.proc = optarg;
			break;
		case OPT_STATE:
			state = optarg;
			break;
		case OPT_SYS:
			g.roots.sys = optarg;
			break;
		case OPT_TIMEOUT:
			timeout_ns = sched_duration_arg("--timeout", optarg);
			break;
		default:
			hx_usage_error("bad option");
		}
	argc -= optind;
	argv += optind;
	if (now < 0)
		now = hx_clock_real_ns();
	g.roots.proc = src.proc;
	if (manifest != NULL && (rc = hx_nodemanifest_load(manifest,
	    &g.manifest, err, sizeof(err))) != 0)
		hx_err(rc, "%s", err);
	root = sched_state_dir(state);
	dir = hx_xasprintf("%s/health", root);
	if (hx_file_mkdir_p(dir, 0700) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", dir);
	if ((fd = hx_file_lock_dir(dir)) < 0) {
		errno = -fd;
		hx_err_errno(HX_EXIT_SYSTEM, fd == -EWOULDBLOCK ? "%s: another "
		    "hx-sched health holds it" : "%s", dir);
	}

	hx_inventory_init(&inv);
	hx_inventory_init(&here);
	loop.consume = consume;
	loop.fn = on_node;
	loop.arg = &inv;
	sched_read_stream(&loop, argc, argv, &inv, &src);
	hist = hx_xcalloc(inv.n + 1, sizeof(*hist));
	for (i = 0; i < inv.n; i++) {
		n = &inv.nodes[i];
		if (hx_health_load(dir, n->name, &hist[i], &m) < 0)
			hx_err(HX_EXIT_SYSTEM, "%s", m);
		why = NULL;
		rc = run_check(n, src.proc, timeout_ns, &why);
		if (manifest != NULL && n->backend == HX_NODE_LOCAL &&
		    !govern(&g, n, &hist[i], &why))
			rc = 0;
		if (rc >= 0) {
			hx_health_add(&hist[i], now, rc == 1, why);
			if (hx_health_save(dir, n->name, &hist[i], &m) < 0)
				hx_err(HX_EXIT_SYSTEM, "%s", m);
		}
		free(why);
		free(n->health);
		n->health = hx_xcalloc(hist[i].n + 1, sizeof(*n->health));
		if (hist[i].n > 0)
			memcpy(n->health, hist[i].checks, hist[i].n *
			    sizeof(*n->health));
		n->nhealth = hist[i].n;
		if (n->state == HX_NODE_UP &&
		    hx_health_failures(&hist[i]) >= (size_t)drain_after) {
			n->state = HX_NODE_DRAINED;
			hx_warn("node %s drained after %ld failed health "
			    "checks in a row", n->name, drain_after);
		}
		if (hist[i].quarantine != NULL && n->state != HX_NODE_DOWN) {
			n->state = HX_NODE_QUARANTINED;
			n->reason = hist[i].quarantine;
			hx_warn("node %s quarantined: %s", n->name,
			    n->reason);
		}
		sched_emit(hx_node_to_json(n));
		if (n->facts == &g.facts)
			n->facts = NULL;
		versions(n, src.proc, &driver, &firmware, &here);
		drift(n, "driver", driver, now);
		drift(n, "firmware", firmware, now);
	}
	sched_flush();
	for (i = 0; i < inv.n; i++)
		hx_health_clear(&hist[i]);
	free(hist);
	hx_facts_clear(&g.facts);
	hx_nodemanifest_free(&g.manifest);
	hx_inventory_clear(&inv);
	hx_inventory_clear(&here);
	close(fd);
	free(dir);
	free(root);
	return HX_EXIT_OK;
}
