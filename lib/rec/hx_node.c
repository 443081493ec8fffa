/*
 * hx_node.c: the node record read, checked and written.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rec/hx_node.h"
#include "rec/hx_nodefacts.h"

static const char *const hx_node_state_names[] = {
	"up", "down", "drained", "quarantined", NULL,
};

const char *const hx_node_backend_names[] = {
	"local", "slurm", "k8s", NULL,
};

const char *
hx_node_backend_name(enum hx_node_backend backend)
{
	return hx_node_backend_names[backend];
}

void
hx_node_init(struct hx_node *n)
{
	memset(n, 0, sizeof(*n));
}

/* The health history: an array of {time_ns, ok, message}. */
static int
read_health(const json_t *json, struct hx_node *out, char **message)
{
	json_t *array = json_object_get(json, "health"), *item;
	struct hx_node_check *c;
	char *where;
	size_t i;
	int rc;

	if (array == NULL)
		return 0;
	if (!json_is_array(array))
		return hx_field_fault(message, "node ", "health",
		    "is not an array");
	out->health = hx_xcalloc(json_array_size(array) + 1,
	    sizeof(*out->health));
	json_array_foreach(array, i, item) {
		c = &out->health[i];
		where = hx_xasprintf("node health[%zu].", i);
		rc = !json_is_object(item) ? hx_field_fault(message, where,
		    "", "is not an object") :
		    hx_field_integer(item, where, "time_ns", HX_FIELD_REQUIRED,
		    0, &c->time_ns, message) < 0 ||
		    hx_field_boolean(item, where, "ok", HX_FIELD_REQUIRED,
		    &c->ok, message) < 0 ||
		    hx_field_string(item, where, "message", HX_FIELD_OPTIONAL,
		    &c->message, message) < 0 ? -1 : 0;
		free(where);
		if (rc < 0)
			return -1;
		out->nhealth = i + 1;
	}
	return 0;
}

/* The pins: {driver, firmware}, both optional. */
static int
read_pins(const json_t *json, struct hx_node *out, char **message)
{
	const char *w = "node pins.";
	const json_t *obj;
	int rc;

	if ((rc = hx_field_object(json, "node ", "pins", HX_FIELD_OPTIONAL,
	    &obj, message)) <= 0)
		return rc;
	return hx_field_string(obj, w, "driver", HX_FIELD_OPTIONAL,
	    &out->pin_driver, message) < 0 ||
	    hx_field_string(obj, w, "firmware", HX_FIELD_OPTIONAL,
	    &out->pin_firmware, message) < 0 ? -1 : 0;
}

/* The facts of the node, {kernel, driver, firmware, modules}. */
static int
read_facts(const json_t *json, struct hx_node *out, char **message)
{
	const json_t *obj;
	int rc;

	if ((rc = hx_field_object(json, "node ", "facts", HX_FIELD_OPTIONAL,
	    &obj, message)) <= 0)
		return rc;
	out->facts = hx_xcalloc(1, sizeof(*out->facts));
	return hx_nodefacts_read(obj, "node facts.", out->facts, message);
}

int
hx_node_read(const json_t *json, struct hx_node *out, char **message)
{
	const char *w = "node ";
	int state = 0, backend = 0;

	hx_node_init(out);
	if (hx_field_string(json, w, "name", HX_FIELD_REQUIRED, &out->name,
	    message) < 0 ||
	    hx_field_string(json, w, "arch", HX_FIELD_REQUIRED, &out->arch,
	    message) < 0 ||
	    hx_field_integer(json, w, "cpus", HX_FIELD_REQUIRED, 0,
	    &out->cpus, message) < 0 ||
	    hx_field_integer(json, w, "memory_bytes", HX_FIELD_REQUIRED, 0,
	    &out->memory_bytes, message) < 0 ||
	    hx_field_integer(json, w, "gpus", HX_FIELD_REQUIRED, 0,
	    &out->gpus, message) < 0 ||
	    hx_field_string(json, w, "gpu_model", HX_FIELD_OPTIONAL,
	    &out->gpu_model, message) < 0 ||
	    hx_field_pairs(json, w, "labels", HX_FIELD_OPTIONAL, &out->labels,
	    &out->nlabels, message) < 0 ||
	    hx_field_enum(json, w, "state", HX_FIELD_REQUIRED,
	    hx_node_state_names, &state, message) < 0 ||
	    read_health(json, out, message) < 0 ||
	    hx_field_enum(json, w, "backend", HX_FIELD_REQUIRED,
	    hx_node_backend_names, &backend, message) < 0 ||
	    read_pins(json, out, message) < 0 ||
	    hx_field_strings(json, w, "check", HX_FIELD_OPTIONAL, &out->check,
	    message) < 0 ||
	    hx_field_string(json, w, "reason", HX_FIELD_OPTIONAL,
	    &out->reason, message) < 0 ||
	    read_facts(json, out, message) < 0) {
		hx_node_clear(out);
		return -1;
	}
	if (out->check != NULL && out->check[0] == NULL) {
		hx_node_clear(out);
		return hx_field_fault(message, w, "check", "is empty");
	}
	out->state = (enum hx_node_state)state;
	out->backend = (enum hx_node_backend)backend;
	return 0;
}

json_t *
hx_node_to_json(const struct hx_node *n)
{
	json_t *rec = json_object(), *health, *c, *pins;
	size_t i;

	json_object_set_new(rec, "type", json_string("node"));
	hx_field_set_string(rec, "name", n->name);
	hx_field_set_string(rec, "arch", n->arch);
	json_object_set_new(rec, "cpus", json_integer(n->cpus));
	json_object_set_new(rec, "memory_bytes",
	    json_integer(n->memory_bytes));
	json_object_set_new(rec, "gpus", json_integer(n->gpus));
	hx_field_set_string(rec, "gpu_model", n->gpu_model);
	hx_field_set_pairs(rec, "labels", n->labels, n->nlabels);
	json_object_set_new(rec, "state",
	    json_string(hx_node_state_names[n->state]));
	if (n->nhealth > 0) {
		health = json_array();
		for (i = 0; i < n->nhealth; i++) {
			c = json_object();
			json_object_set_new(c, "time_ns",
			    json_integer(n->health[i].time_ns));
			json_object_set_new(c, "ok",
			    json_boolean(n->health[i].ok));
			hx_field_set_string(c, "message",
			    n->health[i].message);
			json_array_append_new(health, c);
		}
		json_object_set_new(rec, "health", health);
	}
	json_object_set_new(rec, "backend",
	    json_string(hx_node_backend_name(n->backend)));
	if (n->pin_driver != NULL || n->pin_firmware != NULL) {
		pins = json_object();
		hx_field_set_string(pins, "driver", n->pin_driver);
		hx_field_set_string(pins, "firmware", n->pin_firmware);
		json_object_set_new(rec, "pins", pins);
	}
	hx_field_set_strings(rec, "check", n->check);
	hx_field_set_string(rec, "reason", n->reason);
	if (n->facts != NULL)
		json_object_set_new(rec, "facts",
		    hx_nodefacts_to_json(n->facts));
	return rec;
}

const char *
hx_node_label(const struct hx_node *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->nlabels; i++)
		if (strcmp(n->labels[i].name, name) == 0)
			return n->labels[i].value;
	return NULL;
}

void
hx_node_clear(struct hx_node *n)
{
	free(n->labels);
	free(n->health);
	free(n->check);
	if (n->facts != NULL)
		hx_facts_clear(n->facts);
	free(n->facts);
	hx_node_init(n);
}
