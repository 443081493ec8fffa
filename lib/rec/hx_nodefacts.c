/*
 * hx_nodefacts.c: node facts written and read.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rec/hx_field.h"
#include "rec/hx_nodefacts.h"

static const char *const unknown_keys[] = {
	"kernel", "driver", "firmware", "modules", NULL,
};

static json_t *
module_json(const struct hx_facts_module *m)
{
	json_t *o = json_object();

	hx_field_set_string(o, "name", m->name);
	hx_field_set_string(o, "file", m->file);
	hx_field_set_string(o, "sha256", m->sha256);
	json_object_set_new(o, "signed", json_boolean(m->sig_id != NULL));
	hx_field_set_string(o, "sig_id", m->sig_id);
	hx_field_set_string(o, "signer", m->signer);
	hx_field_set_string(o, "sig_hashalgo", m->sig_hashalgo);
	hx_field_set_string(o, "error", m->error);
	return o;
}

json_t *
hx_nodefacts_to_json(const struct hx_facts *f)
{
	const char *why[] = { f->kernel_why, f->driver_why, f->firmware_why,
	    f->modules_why };
	json_t *o = json_object(), *modules = json_array(),
	    *unknown = json_object();
	size_t i;

	hx_field_set_string(o, "kernel", f->kernel);
	hx_field_set_string(o, "driver", f->driver);
	hx_field_set_string(o, "firmware", f->firmware);
	for (i = 0; i < f->nmodules; i++)
		json_array_append_new(modules, module_json(&f->modules[i]));
	json_object_set_new(o, "modules", modules);
	for (i = 0; unknown_keys[i] != NULL; i++)
		hx_field_set_string(unknown, unknown_keys[i], why[i]);
	if (json_object_size(unknown) > 0)
		json_object_set_new(o, "unknown", unknown);
	else
		json_decref(unknown);
	return o;
}

/* Copy the optional string KEY of OBJ into *OUT (NULL when absent). */
static int
copy_string(const json_t *obj, const char *where, const char *key,
    int how, char **out, char **message)
{
	const char *s = NULL;
	int rc;

	if ((rc = hx_field_string(obj, where, key, how, &s, message)) < 0)
		return -1;
	*out = s != NULL ? hx_xstrdup(s) : NULL;
	return 0;
}

static int
read_module(const json_t *json, const char *where,
    struct hx_facts_module *m, char **message)
{
	bool is_signed;

	if (!json_is_object(json))
		return hx_field_fault(message, where, "", "is not an object");
	if (copy_string(json, where, "name", HX_FIELD_REQUIRED, &m->name,
	    message) < 0 ||
	    copy_string(json, where, "file", 0, &m->file, message) < 0 ||
	    copy_string(json, where, "sha256", 0, &m->sha256, message) < 0 ||
	    hx_field_boolean(json, where, "signed", HX_FIELD_REQUIRED,
	    &is_signed, message) < 0 ||
	    copy_string(json, where, "sig_id", 0, &m->sig_id, message) < 0 ||
	    copy_string(json, where, "signer", 0, &m->signer, message) < 0 ||
	    copy_string(json, where, "sig_hashalgo", 0, &m->sig_hashalgo,
	    message) < 0 ||
	    copy_string(json, where, "error", 0, &m->error, message) < 0)
		return -1;
	if (is_signed != (m->sig_id != NULL))
		return hx_field_fault(message, where, "signed", "%s",
		    is_signed ? "is true without a sig_id" :
		    "is false with a sig_id");
	return 0;
}

static int
read_modules(const json_t *json, const char *where, struct hx_facts *out,
    char **message)
{
	json_t *array = json_object_get(json, "modules"), *item;
	char *w;
	size_t i;
	int rc;

	if (!json_is_array(array))
		return hx_field_fault(message, where, "modules", "%s",
		    array == NULL ? "is missing" : "is not an array");
	out->modules = hx_xcalloc(json_array_size(array) + 1,
	    sizeof(*out->modules));
	json_array_foreach(array, i, item) {
		out->nmodules = i + 1;
		w = hx_xasprintf("%smodules[%zu].", where, i);
		rc = read_module(item, w, &out->modules[i], message);
		free(w);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int
hx_nodefacts_read(const json_t *json, const char *where,
    struct hx_facts *out, char **message)
{
	char **why[] = { &out->kernel_why, &out->driver_why,
	    &out->firmware_why, &out->modules_why };
	const json_t *unknown = NULL;
	const char *key;
	json_t *v;
	char *w;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(json))
		return hx_field_fault(message, where, "", "is not an object");
	w = hx_xasprintf("%sunknown.", where);
	rc = copy_string(json, where, "kernel", 0, &out->kernel, message) < 0 ||
	    copy_string(json, where, "driver", 0, &out->driver, message) < 0 ||
	    copy_string(json, where, "firmware", 0, &out->firmware,
	    message) < 0 ||
	    read_modules(json, where, out, message) < 0 ||
	    hx_field_object(json, where, "unknown", 0, &unknown,
	    message) < 0 ? -1 : 0;
	if (rc == 0 && unknown != NULL)
		json_object_foreach((json_t *)unknown, key, v) {
			if ((i = (size_t)hx_field_index(unknown_keys, key)) ==
			    (size_t)-1) {
				rc = hx_field_fault(message, w, key,
				    "is not a fact");
				break;
			}
			if ((rc = copy_string(unknown, w, key,
			    HX_FIELD_REQUIRED, why[i], message)) < 0)
				break;
		}
	free(w);
	if (rc < 0)
		hx_facts_clear(out);
	return rc;
}
