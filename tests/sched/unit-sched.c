/*
 * unit-sched: the selector grammar with the column of each fault,
 * matching, version comparison, RFC 3339 times, reservation files and
 * the inventory readers' faults.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/hx_inventory.h"
#include "sched/hx_reservation.h"
#include "sched/hx_selector.h"
#include "../tap.h"

/* TEXT parses, and matches the node N as MATCH says. */
static void
matches(const char *text, const struct hx_node *n, bool match)
{
	struct hx_selector s;
	char *m = NULL;

	if (hx_selector_parse(text, &s, &m) < 0) {
		tap_ok(0, "%s parses", text);
		printf("# %s\n", m);
		free(m);
		return;
	}
	tap_ok(hx_selector_match(&s, n) == match, "%s %s %s", text,
	    match ? "matches" : "does not match", n->name);
	hx_selector_clear(&s);
}

/* TEXT is refused with MESSAGE. */
static void
refused(const char *text, const char *message)
{
	struct hx_selector s;
	char *m = NULL;

	tap_ok(hx_selector_parse(text, &s, &m) < 0, "'%s' is refused", text);
	tap_is(m, message, message);
	free(m);
}

static void
test_selectors(void)
{
	struct hx_field_pair labels[] = { { "isa", "rv64gcv" },
	    { "driver", "550.54.15" }, { "nvlink", "yes" },
	    { "board", "vf2" } };
	struct hx_node n;

	hx_node_init(&n);
	n.name = "n1";
	n.arch = "riscv64";
	n.gpu_model = "h100";
	n.labels = labels;
	n.nlabels = 4;
	matches("isa=rv64gcv", &n, true);
	matches("isa == rv64gcv", &n, true);
	matches("isa=rv64gc", &n, false);
	matches("gpu_model!=a100", &n, true);
	matches("gpu_model!=h100", &n, false);
	matches("absent!=x", &n, true);
	matches("board in (a, vf2)", &n, true);
	matches("board in (a,b)", &n, false);
	matches("board notin (a,b)", &n, true);
	matches("absent notin (a)", &n, true);
	matches("nvlink", &n, true);
	matches("!nvlink", &n, false);
	matches("!infiniband", &n, true);
	matches("arch=riscv64", &n, true);
	matches("driver>=550.54", &n, true);
	matches("driver>=550.100", &n, false);
	matches("driver<550.54.15", &n, false);
	matches("driver<=550.54.15", &n, true);
	matches("driver>535", &n, true);
	matches("absent>1", &n, false);
	refused("", "column 1: expected a key");
	refused("isa=", "column 5: expected a value");
	refused("board in a,b", "column 10: expected '('");
	refused("board in (a b)", "column 13: expected ',' or ')'");
	refused("board in (a,", "column 13: expected a value");
	refused("isa ~ x", "column 5: expected an operator");
	refused("isa sortof (a)", "column 5: expected an operator");
	refused("isa=a b", "column 7: unexpected 'b'");
	refused("!", "column 2: expected a key");
	refused("a=(b)", "column 3: expected a value, not '('");
}

static void
test_versions(void)
{
	tap_ok(hx_selector_version_compare("550.54", "550.54.0") == 0 &&
	    hx_selector_version_compare("550.100", "550.54") > 0 &&
	    hx_selector_version_compare("9", "10") < 0 &&
	    hx_selector_version_compare("1.2rc1", "1.2rc2") < 0 &&
	    hx_selector_version_compare("1.2", "1.2rc1") < 0 &&
	    hx_selector_version_compare("", "0") == 0,
	    "versions compare by numeric components");
}

static void
test_times(void)
{
	int64_t ns = 0;

	tap_ok(hx_reservation_time("2026-12-01T22:00:00Z", &ns) == 0 &&
	    ns == 1796162400LL * 1000000000, "RFC 3339 in UTC");
	tap_ok(hx_reservation_time("2026-12-01T23:00:00.5+01:00", &ns) == 0 &&
	    ns == 1796162400LL * 1000000000 + 500000000,
	    "a fraction and an offset");
	tap_ok(hx_reservation_time("2026-12-01 22:00:00Z", &ns) == 0,
	    "a space for the T");
	tap_ok(hx_reservation_time("2026-12-01T22:00:00", &ns) < 0 &&
	    hx_reservation_time("2026-13-01T22:00:00Z", &ns) < 0 &&
	    hx_reservation_time("2026-12-01T22:00Z", &ns) < 0 &&
	    hx_reservation_time("yesterday", &ns) < 0,
	    "no zone, month 13, no seconds or words are refused");
}

/* The reservation file TEXT is refused with MESSAGE. */
static void
bad_reservations(const char *text, const char *message)
{
	struct hx_reservation_list list;
	char *m = NULL;

	tap_ok(hx_reservation_parse(text, strlen(text), &list, &m) < 0,
	    "reservations refused: %s", message);
	tap_is(m, message, message);
	free(m);
}

static void
test_reservations(void)
{
	const char *lines = "{\"team\":\"ml\","
	    "\"start\":\"2026-12-01T22:00:00Z\","
	    "\"end_ns\":1796170000000000000,\"nodes\":[\"rv1\"]}\n\n"
	    "{\"team\":\"hw\",\"start_ns\":1,\"end_ns\":2,"
	    "\"selector\":[\"board=vf2\"],\"name\":\"bringup\"}\n";
	const char *doc = "{\"reservations\":[\n  {\"team\":\"ml\","
	    "\"start_ns\":1,\"end_ns\":5,\"nodes\":[\"a\"]}]}";
	struct hx_field_pair labels[] = { { "board", "vf2" } };
	struct hx_reservation_list list;
	struct hx_node n;
	char *m = NULL;

	tap_ok(hx_reservation_parse(lines, strlen(lines), &list, &m) == 0 &&
	    list.n == 2 && list.items[0].start_ns == 1796162400LL *
	    1000000000 && list.items[1].line == 3 &&
	    strcmp(list.items[1].name, "bringup") == 0,
	    "reservations: JSON lines, a time or nanoseconds");
	hx_node_init(&n);
	n.name = "rv2";
	n.arch = "riscv64";
	n.labels = labels;
	n.nlabels = 1;
	tap_ok(!hx_reservation_covers(&list.items[0], &n) &&
	    hx_reservation_covers(&list.items[1], &n),
	    "reservations cover nodes by name or by label");
	hx_reservation_list_clear(&list);
	tap_ok(hx_reservation_parse(doc, strlen(doc), &list, &m) == 0 &&
	    list.n == 1 && list.items[0].line == 2,
	    "reservations: one JSON document, with lines");
	hx_reservation_list_clear(&list);
	bad_reservations("{\"team\":\"a\",\"start_ns\":5,\"end_ns\":5,"
	    "\"nodes\":[\"x\"]}", "1: reservation end is not after start");
	bad_reservations("\n{\"team\":\"a\",\"start_ns\":1,\"end_ns\":5}",
	    "2: reservation nodes and selector are both missing");
	bad_reservations("{\"team\":\"a\",\"start\":\"soon\",\"end_ns\":5,"
	    "\"nodes\":[\"x\"]}",
	    "1: reservation start is not an RFC 3339 time: soon");
	bad_reservations("{\"team\":\"a\",\"start_ns\":1,\"end_ns\":5,"
	    "\"selector\":[\"a in b\"]}",
	    "1: reservation selector[0]: column 6: expected '('");
	bad_reservations("{\"start_ns\":1}", "1: reservation team is missing");
	bad_reservations("[1]", "1:2: item 0 is not an object");
	bad_reservations("{\"team\":",
	    "1:8: unexpected token near end of file");
}

/* The inventory reader FN refuses TEXT (JSON when PARSE) with MESSAGE. */
static void
bad_inventory(const char *what, const char *text, const char *message)
{
	struct hx_inventory inv;
	json_t *doc = NULL;
	char *m = NULL;
	int rc;

	hx_inventory_init(&inv);
	if (strcmp(what, "scontrol") == 0)
		rc = hx_inventory_add_scontrol(&inv, text, &m);
	else {
		doc = json_loads(text, 0, NULL);
		rc = strcmp(what, "sinfo") == 0 ?
		    hx_inventory_add_sinfo(&inv, doc, &m) :
		    hx_inventory_add_kubectl(&inv, doc, &m);
	}
	tap_ok(rc < 0, "%s input refused", what);
	tap_is(m, message, message);
	free(m);
	json_decref(doc);
	hx_inventory_clear(&inv);
}

static void
test_inventory(void)
{
	struct hx_inventory inv;
	char *m = NULL;
	json_t *a = json_loads("{\"name\":\"x\",\"arch\":\"riscv64\","
	    "\"cpus\":1,\"memory_bytes\":1,\"gpus\":0,\"state\":\"up\","
	    "\"backend\":\"local\"}", 0, NULL);

	hx_inventory_init(&inv);
	tap_ok(hx_inventory_add_record(&inv, a, &m) == 0 &&
	    hx_inventory_add_record(&inv, a, &m) == 0 &&
	    hx_inventory_check(&inv, &m) < 0, "a node twice is found");
	tap_is(m, "node x is there twice", "  and named");
	free(m);
	hx_inventory_clear(&inv);
	json_decref(a);
	bad_inventory("scontrol", "NodeName=a CPUTot=2\n",
	    "1: expected NodeName=, State= and CPUTot=");
	bad_inventory("scontrol", "\nNodeName=a State=IDLE CPUTot=2 "
	    "Gres=gpu:h100\n", "2: Gres has a gpu without a count");
	bad_inventory("sinfo", "{\"nodes\":[{\"name\":\"a\"}]}",
	    "nodes[0] lacks a name, state or cpus");
	bad_inventory("sinfo", "{\"jobs\":[]}",
	    "no nodes array: not sinfo --json output");
	bad_inventory("kubectl", "{\"items\":[{\"metadata\":{\"name\":\"a\"},"
	    "\"status\":{\"allocatable\":{\"cpu\":\"lots\"}}}]}",
	    "node a: allocatable cpu, memory or nvidia.com/gpu is not a "
	    "quantity");
	bad_inventory("kubectl", "{\"items\":[{}]}",
	    "items[0] lacks metadata.name or status.allocatable");
}

int
main(void)
{
	test_selectors();
	test_versions();
	test_times();
	test_reservations();
	test_inventory();
	return tap_done();
}
