/*
 * hx_health.c: health histories in files, the local check, drift.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_atomic.h"
#include "rec/hx_field.h"
#include "sched/hx_health.h"

/* The file of node NAME's history in DIR; odd bytes become '_'. */
static char *
history_path(const char *dir, const char *name)
{
	char *safe = hx_xstrdup(name), *p, *path;

	for (p = safe; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    (*p == '.' && p != safe)))
			*p = '_';
	path = hx_xasprintf("%s/%s.json", dir, safe);
	free(safe);
	return path;
}

/* Keep S (allocated) for the life of H; returns it. */
static const char *
keep_message(struct hx_health *h, char *s)
{
	h->messages = hx_xgrow(h->messages, h->nmessages, sizeof(*h->messages));
	h->messages[h->nmessages++] = s;
	return s;
}

int
hx_health_load(const char *dir, const char *name, struct hx_health *h,
    char **message)
{
	char *path = history_path(dir, name), *m;
	struct hx_json_error err;
	const char *text, *reason = NULL;
	json_t *doc, *checks, *c;
	int64_t t;
	bool ok;
	size_t i;

	memset(h, 0, sizeof(*h));
	if ((doc = hx_json_load_file(path, &err)) == NULL) {
		if (err.line == 0 && errno == ENOENT) {
			free(path);
			return 0;
		}
		*message = hx_xasprintf("%s:%d: %s", path, err.line,
		    err.line == 0 ? strerror(errno) : err.text);
		free(path);
		return -1;
	}
	if (hx_field_string(doc, "health ", "quarantine", HX_FIELD_OPTIONAL,
	    &reason, &m) < 0) {
		*message = hx_xasprintf("%s: %s", path, m);
		free(m);
		free(path);
		json_decref(doc);
		return -1;
	}
	hx_health_quarantine(h, reason);
	checks = json_object_get(doc, "checks");
	json_array_foreach(checks, i, c) {
		text = NULL;
		if (hx_field_integer(c, "health ", "time_ns",
		    HX_FIELD_REQUIRED, 0, &t, &m) < 0 ||
		    hx_field_boolean(c, "health ", "ok", HX_FIELD_REQUIRED,
		    &ok, &m) < 0 ||
		    hx_field_string(c, "health ", "message",
		    HX_FIELD_OPTIONAL, &text, &m) < 0) {
			*message = hx_xasprintf("%s: checks[%zu]: %s", path,
			    i, m);
			free(m);
			free(path);
			json_decref(doc);
			hx_health_clear(h);
			return -1;
		}
		hx_health_add(h, t, ok, text);
	}
	json_decref(doc);
	free(path);
	return 0;
}

int
hx_health_save(const char *dir, const char *name,
    const struct hx_health *h, char **message)
{
	char *path = history_path(dir, name), *text, *line;
	json_t *doc = json_object(), *checks = json_array(), *c;
	size_t i;
	int rc;

	for (i = 0; i < h->n; i++) {
		c = json_object();
		json_object_set_new(c, "time_ns",
		    json_integer(h->checks[i].time_ns));
		json_object_set_new(c, "ok", json_boolean(h->checks[i].ok));
		hx_field_set_string(c, "message", h->checks[i].message);
		json_array_append_new(checks, c);
	}
	json_object_set_new(doc, "node", json_string(name));
	json_object_set_new(doc, "checks", checks);
	hx_field_set_string(doc, "quarantine", h->quarantine);
	text = hx_json_to_string(doc);
	line = hx_xasprintf("%s\n", text);
	if ((rc = hx_atomic_write(path, line, strlen(line), 0600)) < 0)
		*message = hx_xasprintf("%s: %s", path, strerror(errno));
	free(line);
	free(text);
	free(path);
	json_decref(doc);
	return rc;
}

void
hx_health_add(struct hx_health *h, int64_t time_ns, bool ok,
    const char *message)
{
	if (h->n == HX_HEALTH_KEEP) {
		memmove(&h->checks[0], &h->checks[1], (h->n - 1) *
		    sizeof(*h->checks));
		h->n--;
	}
	h->checks = hx_xgrow(h->checks, h->n, sizeof(*h->checks));
	h->checks[h->n].time_ns = time_ns;
	h->checks[h->n].ok = ok;
	h->checks[h->n++].message = message != NULL ?
	    keep_message(h, hx_xstrdup(message)) : NULL;
}

void
hx_health_quarantine(struct hx_health *h, const char *reason)
{
	free(h->quarantine);
	h->quarantine = reason != NULL ? hx_xstrdup(reason) : NULL;
}

size_t
hx_health_failures(const struct hx_health *h)
{
	size_t n = 0;

	while (n < h->n && !h->checks[h->n - 1 - n].ok)
		n++;
	return n;
}

/* How many GPUs the NVIDIA driver lists under PROC. */
static int64_t
visible_gpus(const char *proc)
{
	char *dir = hx_xasprintf("%s/driver/nvidia/gpus", proc);
	struct dirent *e;
	int64_t n = 0;
	DIR *d;

	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			n += e->d_name[0] != '.';
		closedir(d);
	}
	free(dir);
	return n;
}

bool
hx_health_check_local(const struct hx_node *n, const char *proc,
    char **why)
{
	char *path = hx_xasprintf("%s/loadavg", proc);
	int64_t gpus;
	bool ok = access(path, R_OK) == 0;

	if (!ok)
		*why = hx_xasprintf("%s: %s", path, strerror(errno));
	else if (n->gpus > 0 && (gpus = visible_gpus(proc)) != n->gpus) {
		*why = hx_xasprintf("%lld of %lld GPUs are visible",
		    (long long)gpus, (long long)n->gpus);
		ok = false;
	}
	free(path);
	return ok;
}

const char *
hx_health_drift(const struct hx_node *n, const char *key,
    const char *found)
{
	const char *pin = strcmp(key, "driver") == 0 ? n->pin_driver :
	    n->pin_firmware;

	if (pin == NULL || (found != NULL && strcmp(pin, found) == 0))
		return NULL;
	return pin;
}

void
hx_health_clear(struct hx_health *h)
{
	size_t i;

	for (i = 0; i < h->nmessages; i++)
		free(h->messages[i]);
	free(h->messages);
	free(h->checks);
	free(h->quarantine);
	memset(h, 0, sizeof(*h));
}
