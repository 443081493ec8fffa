/*
 * unit-records: the node, job, placement and drift records: from struct
 * to JSON and back, the defaults, and every check their readers make
 * with the message it gives.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec/hx_job.h"
#include "rec/hx_node.h"
#include "rec/hx_nodedrift.h"
#include "rec/hx_placement.h"
#include "../rec/json.h"
#include "../tap.h"

/*
 * JSON read as the record TYPE and written again into *TEXT: 0, or -1
 * with the reader's *MESSAGE.
 */
static int
again(char type, const json_t *json, char **text, char **message)
{
	struct hx_placement p;
	struct hx_nodedrift d;
	struct hx_node n;
	struct hx_job j;
	json_t *rec;

	if (type == 'n' && hx_node_read(json, &n, message) == 0) {
		rec = hx_node_to_json(&n);
		hx_node_clear(&n);
	} else if (type == 'j' && hx_job_read(json, &j, message) == 0) {
		rec = hx_job_to_json(&j);
		hx_job_clear(&j);
	} else if (type == 'p' &&
	    hx_placement_read(json, &p, message) == 0) {
		rec = hx_placement_to_json(&p);
		hx_placement_clear(&p);
	} else if (type == 'd' && hx_nodedrift_read(json, &d, message) == 0) {
		rec = hx_nodedrift_to_json(&d);
		hx_nodedrift_clear(&d);
	} else
		return -1;
	*text = text_of(rec);
	return 0;
}

/* WANT, a record as its writer writes it, read and written again. */
static void
same_again(char type, const char *want, const char *what)
{
	json_t *j = parse(want);
	char *text = NULL, *message = NULL;

	if (again(type, j, &text, &message) < 0) {
		tap_ok(0, "%s", what);
		printf("# %s\n", message);
	} else
		tap_is(text, want, what);
	free(text);
	free(message);
	json_decref(j);
}

/* IN is refused with MESSAGE. */
static void
refused(char type, const char *in, const char *message)
{
	json_t *j = parse(in);
	char *text = NULL, *got = NULL;

	tap_ok(again(type, j, &text, &got) < 0, "refused: %s", in);
	tap_is(got, message, message);
	free(text);
	free(got);
	json_decref(j);
}

static void
test_node(void)
{
	struct hx_field_pair labels[] = { { "isa", "rv64gcv" },
	    { "nvlink", "yes" } };
	struct hx_node_check health[] = { { 10, true, NULL },
	    { 20, false, "exit status 1" } };
	const char *check[] = { "/bin/true", NULL };
	struct hx_node n, back;
	char *message = NULL;
	json_t *j;

	hx_node_init(&n);
	n.name = "gpu1";
	n.arch = "x86_64";
	n.cpus = 64;
	n.memory_bytes = 1 << 30;
	n.gpus = 8;
	n.gpu_model = "h100";
	n.labels = labels;
	n.nlabels = 2;
	n.state = HX_NODE_DRAINED;
	n.health = health;
	n.nhealth = 2;
	n.backend = HX_NODE_SLURM;
	n.pin_driver = "550.54";
	n.pin_firmware = "1.2";
	n.check = check;
	j = hx_node_to_json(&n);
	tap_ok(hx_node_read(j, &back, &message) == 0 &&
	    strcmp(back.name, "gpu1") == 0 &&
	    strcmp(back.arch, "x86_64") == 0 && back.cpus == 64 &&
	    back.memory_bytes == 1 << 30 && back.gpus == 8 &&
	    strcmp(back.gpu_model, "h100") == 0 && back.nlabels == 2 &&
	    strcmp(hx_node_label(&back, "nvlink"), "yes") == 0 &&
	    hx_node_label(&back, "board") == NULL &&
	    back.state == HX_NODE_DRAINED && back.nhealth == 2 &&
	    !back.health[1].ok && back.health[1].time_ns == 20 &&
	    strcmp(back.health[1].message, "exit status 1") == 0 &&
	    back.backend == HX_NODE_SLURM &&
	    strcmp(back.pin_driver, "550.54") == 0 &&
	    strcmp(back.pin_firmware, "1.2") == 0 &&
	    strcmp(back.check[0], "/bin/true") == 0 && back.check[1] == NULL,
	    "node: struct, JSON, struct");
	hx_node_clear(&back);
	json_decref(j);
	same_again('n', "{\"arch\":\"riscv64\",\"backend\":\"local\","
	    "\"cpus\":4,\"gpus\":0,\"memory_bytes\":8,\"name\":\"vf2\","
	    "\"state\":\"up\",\"type\":\"node\"}",
	    "node: the optional fields stay out");
	refused('n', "{\"arch\":\"x\",\"backend\":\"local\","
	    "\"cpus\":-1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"up\"}", "node cpus is negative");
	refused('n', "{\"arch\":\"x\",\"backend\":\"nomad\","
	    "\"cpus\":1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"up\"}", "node backend is not local, slurm or k8s: "
	    "nomad");
	refused('n', "{\"arch\":\"x\",\"backend\":\"local\","
	    "\"cpus\":1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"sleepy\"}", "node state is not up, down, drained or "
	    "quarantined: sleepy");
	refused('n', "{\"arch\":\"x\",\"backend\":\"local\","
	    "\"cpus\":1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"up\",\"health\":[{\"time_ns\":1}]}",
	    "node health[0].ok is missing");
	refused('n', "{\"arch\":\"x\",\"backend\":\"local\","
	    "\"cpus\":1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"up\",\"labels\":{\"a\":1}}",
	    "node labels.a is not a string");
	refused('n', "{\"arch\":\"x\",\"backend\":\"local\","
	    "\"cpus\":1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"up\",\"pins\":{\"driver\":550}}",
	    "node pins.driver is not a string");
	refused('n', "{\"arch\":\"x\",\"backend\":\"local\","
	    "\"cpus\":1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"up\",\"check\":[]}", "node check is empty");
	refused('n', "{\"backend\":\"local\",\"cpus\":1,\"gpus\":0,"
	    "\"memory_bytes\":0,\"name\":\"n\",\"state\":\"up\"}",
	    "node arch is missing");
	same_again('n', "{\"arch\":\"x86_64\",\"backend\":\"local\","
	    "\"cpus\":1,\"facts\":{\"kernel\":\"6.1.0\",\"modules\":["
	    "{\"file\":\"/m/a.ko\",\"name\":\"a\",\"sha256\":\"00\","
	    "\"sig_hashalgo\":\"sha256\",\"sig_id\":\"PKCS#7\","
	    "\"signed\":true,\"signer\":\"k\"},{\"error\":\"gone\","
	    "\"name\":\"b\",\"signed\":false}],\"unknown\":{\"driver\":"
	    "\"no driver\"}},\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"reason\":\"module a is not signed\",\"state\":\"quarantined\","
	    "\"type\":\"node\"}", "node: facts and reason, JSON and back");
	refused('n', "{\"arch\":\"x\",\"backend\":\"local\","
	    "\"cpus\":1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"up\",\"facts\":{}}",
	    "node facts.modules is missing");
	refused('n', "{\"arch\":\"x\",\"backend\":\"local\","
	    "\"cpus\":1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"up\",\"facts\":{\"modules\":[{\"name\":\"a\","
	    "\"signed\":true}]}}",
	    "node facts.modules[0].signed is true without a sig_id");
	refused('n', "{\"arch\":\"x\",\"backend\":\"local\","
	    "\"cpus\":1,\"gpus\":0,\"memory_bytes\":0,\"name\":\"n\","
	    "\"state\":\"up\",\"facts\":{\"modules\":[],\"unknown\":"
	    "{\"bios\":\"x\"}}}", "node facts.unknown.bios is not a fact");
}

static void
test_job(void)
{
	const char *argv[] = { "hx-emu", "-c", NULL };
	const char *selector[] = { "isa=rv64gcv", "driver>=550.54", NULL };
	const char *tests[] = { "test_mlp", NULL };
	struct hx_job job, back;
	char *message = NULL;
	json_t *j;

	hx_job_init(&job);
	tap_ok(job.resources.cpus == 1 && job.deadline_ns == -1 &&
	    job.placement == HX_JOB_ANY && job.priority == 0,
	    "job: one CPU, no deadline, any placement unless told");
	job.name = "runner";
	job.argv = argv;
	job.arch = "riscv64";
	job.selector = selector;
	job.resources.cpus = 2;
	job.resources.memory_bytes = 4096;
	job.resources.gpus = 1;
	job.team = "ml";
	job.priority = -3;
	job.duration_ns = 60;
	job.deadline_ns = 100;
	job.group = "pair1";
	job.role = "runner";
	job.placement = HX_JOB_SPLIT;
	job.tests = tests;
	j = hx_job_to_json(&job);
	tap_ok(hx_job_read(j, &back, &message) == 0 &&
	    strcmp(back.name, "runner") == 0 &&
	    strcmp(back.argv[1], "-c") == 0 && back.argv[2] == NULL &&
	    strcmp(back.arch, "riscv64") == 0 &&
	    strcmp(back.selector[1], "driver>=550.54") == 0 &&
	    back.resources.cpus == 2 && back.resources.memory_bytes == 4096 &&
	    back.resources.gpus == 1 && strcmp(back.team, "ml") == 0 &&
	    back.priority == -3 && back.duration_ns == 60 &&
	    back.deadline_ns == 100 && strcmp(back.group, "pair1") == 0 &&
	    strcmp(back.role, "runner") == 0 &&
	    back.placement == HX_JOB_SPLIT &&
	    strcmp(back.tests[0], "test_mlp") == 0,
	    "job: struct, JSON, struct");
	hx_job_clear(&back);
	json_decref(j);
	same_again('j', "{\"argv\":[\"true\"],\"name\":\"j\","
	    "\"placement\":\"any\",\"priority\":0,\"resources\":{\"cpus\":1,"
	    "\"gpus\":0,\"memory_bytes\":0},\"type\":\"job\"}",
	    "job: the defaults written out");
	refused('j', "{\"argv\":[],\"name\":\"j\"}", "job argv is empty");
	refused('j', "{\"argv\":[\"x\",1],\"name\":\"j\"}",
	    "job argv[1] is not a string");
	refused('j', "{\"argv\":[\"x\"],\"name\":\"j\","
	    "\"resources\":{\"gpus\":-1}}",
	    "job resources.gpus is negative");
	refused('j', "{\"argv\":[\"x\"],\"name\":\"j\","
	    "\"placement\":\"near\"}",
	    "job placement is not any, colocated or split: near");
	refused('j', "{\"argv\":[\"x\"],\"name\":\"j\","
	    "\"duration_ns\":0}", "job duration_ns is less than 1");
	refused('j', "{\"argv\":[\"x\"]}", "job name is missing");
}

static void
test_placement(void)
{
	struct hx_placement p, back;
	char *message = NULL;
	json_t *j;

	hx_placement_init(&p);
	p.job = "runner";
	p.group = "pair1";
	p.node = "vf2";
	p.backend = HX_NODE_K8S;
	p.start_ns = 5;
	p.end_ns = 9;
	p.team = "ml";
	p.priority = 7;
	p.status = HX_PLACEMENT_DONE;
	p.reason = "first fit";
	p.preempted_by = "urgent";
	j = hx_placement_to_json(&p);
	tap_ok(hx_placement_read(j, &back, &message) == 0 &&
	    strcmp(back.job, "runner") == 0 &&
	    strcmp(back.group, "pair1") == 0 &&
	    strcmp(back.node, "vf2") == 0 && back.backend == HX_NODE_K8S &&
	    back.start_ns == 5 && back.end_ns == 9 &&
	    strcmp(back.team, "ml") == 0 && back.priority == 7 &&
	    back.status == HX_PLACEMENT_DONE &&
	    strcmp(back.reason, "first fit") == 0 &&
	    strcmp(back.preempted_by, "urgent") == 0,
	    "placement: struct, JSON, struct");
	hx_placement_clear(&back);
	json_decref(j);
	same_again('p', "{\"backend\":\"local\",\"end_ns\":2,"
	    "\"job\":\"j\",\"node\":\"n\",\"priority\":0,\"reason\":\"r\","
	    "\"start_ns\":1,\"status\":\"planned\",\"type\":\"placement\"}",
	    "placement: the optional fields stay out");
	refused('p', "{\"backend\":\"local\",\"end_ns\":1,"
	    "\"job\":\"j\",\"node\":\"n\",\"reason\":\"r\",\"start_ns\":2}",
	    "placement end_ns is before start_ns");
	refused('p', "{\"backend\":\"local\",\"end_ns\":1,"
	    "\"job\":\"j\",\"node\":\"n\",\"reason\":\"r\",\"start_ns\":0,"
	    "\"status\":\"lost\"}",
	    "placement status is not planned, done or failed: lost");
	refused('p', "{\"backend\":\"local\",\"end_ns\":1,"
	    "\"job\":\"j\",\"reason\":\"r\",\"start_ns\":0}",
	    "placement node is missing");
}

static void
test_drift(void)
{
	same_again('d', "{\"found\":\"535.104\",\"key\":\"driver\","
	    "\"node\":\"gpu1\",\"pinned\":\"550.54.15\",\"time_ns\":5,"
	    "\"type\":\"drift\"}", "drift: read and written again");
	same_again('d', "{\"key\":\"firmware\",\"node\":\"gpu1\","
	    "\"pinned\":\"1.4\",\"time_ns\":5,\"type\":\"drift\"}",
	    "drift: a node that reports no version");
	refused('d', "{\"key\":\"driver\",\"node\":\"n\",\"time_ns\":1}",
	    "drift pinned is missing");
}

int
main(void)
{
	test_node();
	test_job();
	test_placement();
	test_drift();
	return tap_done();
}
