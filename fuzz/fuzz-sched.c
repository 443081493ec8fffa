/*
 * fuzz-sched: the readers of hx-sched on one input, by its first byte:
 * an inventory (node records, hx-inventory(5)), job records, reservations
 * (hx-reservations(5)), scontrol -o show node text, sinfo --json and
 * kubectl get nodes -o json, and each line as a selector.  Whatever
 * parses is planned, against this machine's shape of inventory when the
 * input has no nodes.  A refusal must say why.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rec/hx_job.h"
#include "sched/hx_inventory.h"
#include "sched/hx_objects.h"
#include "sched/hx_plan.h"
#include "sched/hx_reservation.h"
#include "sched/hx_selector.h"
#include "fuzz.h"

/* A refusal without a message is a bug. */
static void
refused(int rc, char *message)
{
	if (rc < 0 && message == NULL)
		abort();
	free(message);
}

/* Each line of TEXT as a selector, matched against every node of INV. */
static void
selectors(const char *text, const struct hx_inventory *inv)
{
	char *copy = strdup(text), *line, *next, *m;
	struct hx_selector s;
	size_t i;

	if (copy == NULL)
		return;
	for (line = copy; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		m = NULL;
		if (hx_selector_parse(line, &s, &m) < 0) {
			refused(-1, m);
			continue;
		}
		for (i = 0; i < inv->n; i++)
			hx_selector_match(&s, &inv->nodes[i]);
		hx_selector_clear(&s);
	}
	free(copy);
}

/* The objects of TEXT as node and job records, then planned. */
static void
records(const char *text, struct hx_inventory *inv,
    const struct hx_reservation_list *res)
{
	struct hx_plan_options opt = { .now_ns = 1 };
	struct hx_objects o;
	struct hx_job *jobs;
	struct hx_plan *plan;
	size_t i, n = 0;
	char *m = NULL;

	if (hx_objects_parse(text, strlen(text), "items", &o, &m) < 0) {
		refused(-1, m);
		return;
	}
	jobs = calloc(o.n + 1, sizeof(*jobs));
	for (i = 0; jobs != NULL && i < o.n; i++) {
		m = NULL;
		if (hx_job_read(o.items[i], &jobs[n], &m) == 0)
			n++;
		else {
			free(m);
			m = NULL;
			refused(hx_inventory_add_record(inv, o.items[i], &m),
			    m);
		}
	}
	m = NULL;
	if (jobs != NULL && hx_inventory_check(inv, &m) == 0) {
		plan = hx_plan_run(inv, res, jobs, n, NULL, 0, &opt);
		hx_plan_free(plan);
	} else
		refused(-1, m);
	for (i = 0; i < n; i++)
		hx_job_clear(&jobs[i]);
	free(jobs);
	hx_objects_clear(&o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hx_reservation_list res = { 0 };
	struct hx_inventory inv;
	const char *text;
	char *copy, *m = NULL;
	json_t *doc;
	int what;

	if (size < 1)
		return 0;
	what = data[0] % 5;
	if ((copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	text = copy;
	hx_inventory_init(&inv);
	switch (what) {
	case 0:
		records(text, &inv, NULL);
		break;
	case 1:
		if (hx_reservation_parse(text, strlen(text), &res, &m) == 0)
			records("{\"name\":\"n\",\"arch\":\"x\",\"cpus\":1,"
			    "\"memory_bytes\":1,\"gpus\":0,\"state\":\"up\","
			    "\"backend\":\"local\"}\n{\"name\":\"j\","
			    "\"argv\":[\"x\"],\"team\":\"a\"}", &inv, &res);
		else
			refused(-1, m);
		hx_reservation_list_clear(&res);
		break;
	case 2:
		refused(hx_inventory_add_scontrol(&inv, text, &m), m);
		break;
	case 3:
		if ((doc = json_loads(text, 0, NULL)) == NULL)
			break;
		m = NULL;
		refused(hx_inventory_add_sinfo(&inv, doc, &m), m);
		m = NULL;
		refused(hx_inventory_add_kubectl(&inv, doc, &m), m);
		json_decref(doc);
		break;
	default:
		records("{\"name\":\"n\",\"arch\":\"riscv64\",\"cpus\":4,"
		    "\"memory_bytes\":1,\"gpus\":1,\"gpu_model\":\"h100\","
		    "\"labels\":{\"isa\":\"rv64gc\",\"driver\":\"550.54\"},"
		    "\"state\":\"up\",\"backend\":\"local\"}", &inv, NULL);
		selectors(text, &inv);
		break;
	}
	hx_inventory_clear(&inv);
	free(copy);
	return 0;
}
