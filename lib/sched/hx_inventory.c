/*
 * hx_inventory.c: node records from files, this machine, Slurm and
 * Kubernetes.
 */
#include "config.h"

#include <sys/utsname.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_facts.h"
#include "sched/hx_inventory.h"

#define MIB	(1024 * 1024)	/* Slurm counts memory in MiB */

void
hx_inventory_init(struct hx_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
}

/* Keep S (allocated) for the life of INV and return it. */
static const char *
own(struct hx_inventory *inv, char *s)
{
	inv->strings = hx_xgrow(inv->strings, inv->nstrings,
	    sizeof(*inv->strings));
	inv->strings[inv->nstrings++] = s;
	return s;
}

/* Keep a reference to VALUE for the life of INV. */
static void
own_value(struct hx_inventory *inv, json_t *value)
{
	inv->values = hx_xgrow(inv->values, inv->nvalues, sizeof(*inv->values));
	inv->values[inv->nvalues++] = json_incref(value);
}

/* A new up node at the end of INV, backend BACKEND, named NAME. */
static struct hx_node *
new_node(struct hx_inventory *inv, const char *name,
    enum hx_node_backend backend)
{
	struct hx_node *n;

	inv->nodes = hx_xgrow(inv->nodes, inv->n, sizeof(*inv->nodes));
	n = &inv->nodes[inv->n++];
	hx_node_init(n);
	n->name = name;
	n->backend = backend;
	return n;
}

/* Set label NAME of N to VALUE, replacing one there is. */
static void
set_label(struct hx_node *n, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < n->nlabels; i++)
		if (strcmp(n->labels[i].name, name) == 0) {
			n->labels[i].value = value;
			return;
		}
	n->labels = hx_xgrow(n->labels, n->nlabels, sizeof(*n->labels));
	n->labels[n->nlabels].name = name;
	n->labels[n->nlabels++].value = value;
}

int
hx_inventory_add_record(struct hx_inventory *inv, json_t *json,
    char **message)
{
	const char *type = json_string_value(json_object_get(json, "type"));
	struct hx_node n;

	if (type != NULL && strcmp(type, "node") != 0) {
		*message = hx_xasprintf("a %s record is not a node", type);
		return -1;
	}
	if (hx_node_read(json, &n, message) < 0)
		return -1;
	own_value(inv, json);
	*new_node(inv, n.name, n.backend) = n;
	return 0;
}

/* The architecture NAME (uname, Slurm or Kubernetes) as hx names it. */
static const char *
arch_name(const char *name)
{
	if (strcmp(name, "amd64") == 0)
		return "x86_64";
	if (strcmp(name, "arm64") == 0)
		return "aarch64";
	return name;
}

/*
 * The first line of the file at PATH starting with PREFIX, what follows
 * the prefix and any blanks and colon, or NULL.
 */
static char *
file_field(const char *path, const char *prefix)
{
	char *text, *line, *p, *end, *out = NULL;
	size_t len;

	if ((text = hx_json_read_text(path, &len)) == NULL)
		return NULL;
	for (line = text; line != NULL && out == NULL; line = p) {
		if ((p = strchr(line, '\n')) != NULL)
			*p++ = '\0';
		if (strncmp(line, prefix, strlen(prefix)) != 0)
			continue;
		line += strlen(prefix);
		line += strspn(line, " \t:");
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		out = hx_xstrdup(line);
	}
	free(text);
	return out;
}

/* Compare directory entry names, for a stable order of GPUs. */
static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The GPUs the NVIDIA driver lists under PROC: count and first model. */
static void
nvidia_gpus(struct hx_inventory *inv, struct hx_node *n, const char *proc)
{
	char *dir = hx_xasprintf("%s/driver/nvidia/gpus", proc), *path;
	char **names = NULL, *model;
	struct dirent *e;
	size_t count = 0, i;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = hx_xgrow(names, count, sizeof(*names));
		names[count++] = hx_xstrdup(e->d_name);
	}
	closedir(d);
	if (count > 0)
		qsort(names, count, sizeof(*names), compare_names);
	n->gpus = (int64_t)count;
	if (count > 0) {
		path = hx_xasprintf("%s/%s/information", dir, names[0]);
		if ((model = file_field(path, "Model")) != NULL)
			n->gpu_model = own(inv, model);
		free(path);
	}
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	free(dir);
}

int
hx_inventory_add_local(struct hx_inventory *inv, const char *proc,
    char **message)
{
	char host[256], *path, *isa, *driver;
	struct utsname u;
	struct hx_node *n;
	long cpus, pages, pagesize;

	if (uname(&u) < 0 || gethostname(host, sizeof(host)) < 0) {
		*message = hx_xasprintf("cannot name this machine: %s",
		    strerror(errno));
		return -1;
	}
	host[sizeof(host) - 1] = '\0';
	if ((cpus = sysconf(_SC_NPROCESSORS_ONLN)) < 1 ||
	    (pages = sysconf(_SC_PHYS_PAGES)) < 1 ||
	    (pagesize = sysconf(_SC_PAGESIZE)) < 1) {
		*message = hx_xasprintf("cannot count this machine's CPUs "
		    "and memory: %s", strerror(errno));
		return -1;
	}
	n = new_node(inv, own(inv, hx_xstrdup(host)), HX_NODE_LOCAL);
	n->arch = own(inv, hx_xstrdup(arch_name(u.machine)));
	n->cpus = cpus;
	n->memory_bytes = (int64_t)pages * pagesize;
	nvidia_gpus(inv, n, proc);
	if (strcmp(n->arch, "riscv64") == 0) {
		path = hx_xasprintf("%s/cpuinfo", proc);
		if ((isa = file_field(path, "isa")) != NULL)
			set_label(n, "isa", own(inv, isa));
		free(path);
	}
	if ((driver = hx_facts_nvidia_driver(proc)) != NULL)
		set_label(n, "driver", own(inv, driver));
	return 0;
}

/*
 * Labels from a Slurm feature list "a,isa:rv64gcv,driver=550": a word
 * with ':' or '=' is KEY and VALUE, a plain one a label "true".  A plain
 * feature that names an architecture is the node's arch: one host runs
 * the fake boards of a test cluster, and Slurm reports its own.
 */
static void
slurm_features(struct hx_inventory *inv, struct hx_node *n,
    const char *features)
{
	char *copy, *word, *save = NULL, *sep;

	if (features == NULL || strcmp(features, "(null)") == 0)
		return;
	copy = hx_xstrdup(features);
	for (word = strtok_r(copy, ",", &save); word != NULL;
	    word = strtok_r(NULL, ",", &save)) {
		if ((sep = strpbrk(word, ":=")) != NULL) {
			*sep = '\0';
			set_label(n, own(inv, hx_xstrdup(word)),
			    own(inv, hx_xstrdup(sep + 1)));
		} else {
			set_label(n, own(inv, hx_xstrdup(word)), "true");
			if (strcmp(word, "riscv64") == 0 ||
			    strcmp(word, "x86_64") == 0 ||
			    strcmp(word, "aarch64") == 0)
				n->arch = own(inv, hx_xstrdup(word));
		}
	}
	free(copy);
}

/*
 * The GPUs of a Slurm gres list, "gpu:h100:2(S:0-1),shard:4": the sum of
 * the gpu counts and the first model.  Returns 0, or -1 when a gpu entry
 * has no count.
 */
static int
slurm_gres(struct hx_inventory *inv, struct hx_node *n, const char *gres)
{
	char *copy, *p, *entry, *paren, *parts[3], *end;
	size_t depth = 0, nparts;
	long long count;

	if (gres == NULL)
		return 0;
	copy = hx_xstrdup(gres);
	for (p = copy; *p != '\0'; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (*p == ',' && depth == 0)
			*p = '\n';
	}
	for (entry = strtok_r(copy, "\n", &p); entry != NULL;
	    entry = strtok_r(NULL, "\n", &p)) {
		if ((paren = strchr(entry, '(')) != NULL)
			*paren = '\0';
		nparts = 0;
		parts[0] = entry;
		while (nparts < 2 && (parts[nparts + 1] = strchr(parts[nparts],
		    ':')) != NULL)
			*parts[++nparts]++ = '\0';
		if (strcmp(parts[0], "gpu") != 0)
			continue;
		errno = 0;
		count = strtoll(parts[nparts], &end, 10);
		if (nparts == 0 || *end != '\0' || end == parts[nparts] ||
		    count < 0 || errno == ERANGE ||
		    count > INT32_MAX - n->gpus) {
			free(copy);
			return -1;
		}
		n->gpus += count;
		if (nparts == 2 && n->gpu_model == NULL)
			n->gpu_model = own(inv, hx_xstrdup(parts[1]));
	}
	free(copy);
	return 0;
}

/* The state of a Slurm node from its base state and flags. */
static enum hx_node_state
slurm_state(const char *base, const char *const *flags, size_t nflags)
{
	size_t i;

	for (i = 0; i < nflags; i++)
		if (strncasecmp(flags[i], "DRAIN", 5) == 0)
			return HX_NODE_DRAINED;
	for (i = 0; i < nflags; i++)
		if (strcasecmp(flags[i], "NOT_RESPONDING") == 0 ||
		    strcasecmp(flags[i], "FAIL") == 0 ||
		    strcasecmp(flags[i], "MAINTENANCE") == 0)
			return HX_NODE_DOWN;
	if (strncasecmp(base, "idle", 4) == 0 ||
	    strncasecmp(base, "alloc", 5) == 0 ||
	    strncasecmp(base, "mix", 3) == 0 ||
	    strncasecmp(base, "completing", 10) == 0)
		return HX_NODE_UP;
	return HX_NODE_DOWN;
}

/* One node of sinfo --json. */
static int
sinfo_node(struct hx_inventory *inv, json_t *item, size_t i,
    char **message)
{
	const char *flags[16], *name, *arch, *state;
	json_t *array, *flag;
	json_int_t cpus, mem;
	struct hx_node *n;
	size_t j, nflags = 0;

	name = json_string_value(json_object_get(item, "name"));
	arch = json_string_value(json_object_get(item, "architecture"));
	state = json_string_value(json_object_get(item, "state"));
	cpus = json_integer_value(json_object_get(item, "cpus"));
	mem = json_integer_value(json_object_get(item, "real_memory"));
	if (name == NULL || state == NULL || cpus < 0 || mem < 0 ||
	    !json_is_integer(json_object_get(item, "cpus"))) {
		*message = hx_xasprintf("nodes[%zu] lacks a name, state or "
		    "cpus", i);
		return -1;
	}
	if (cpus > INT32_MAX || mem > INT64_MAX / MIB) {
		*message = hx_xasprintf("node %s: %s is out of range", name,
		    cpus > INT32_MAX ? "cpus" : "real_memory");
		return -1;
	}
	array = json_object_get(item, "state_flags");
	json_array_foreach(array, j, flag)
		if (json_is_string(flag) && nflags < 16)
			flags[nflags++] = json_string_value(flag);
	n = new_node(inv, name, HX_NODE_SLURM);
	n->arch = arch != NULL && *arch != '\0' ? arch_name(arch) : "unknown";
	n->cpus = cpus;
	n->memory_bytes = (int64_t)mem * MIB;
	n->state = slurm_state(state, flags, nflags);
	slurm_features(inv, n, json_string_value(json_object_get(item,
	    "active_features")));
	if (slurm_gres(inv, n, json_string_value(json_object_get(item,
	    "gres"))) < 0) {
		*message = hx_xasprintf("node %s: gres has a gpu without a "
		    "count", name);
		return -1;
	}
	return 0;
}

int
hx_inventory_add_sinfo(struct hx_inventory *inv, json_t *doc,
    char **message)
{
	json_t *nodes = json_object_get(doc, "nodes"), *item;
	size_t i;

	if (!json_is_array(nodes)) {
		*message = hx_xstrdup("no nodes array: not sinfo --json "
		    "output");
		return -1;
	}
	own_value(inv, doc);
	json_array_foreach(nodes, i, item)
		if (sinfo_node(inv, item, i, message) < 0)
			return -1;
	return 0;
}

/* The value of WORD "KEY=VALUE" when its key is KEY, or NULL. */
static const char *
word_value(const char *word, const char *key)
{
	size_t n = strlen(key);

	return strncmp(word, key, n) == 0 && word[n] == '=' ? word + n + 1 :
	    NULL;
}

/*
 * The number V of scontrol's KEY=V into *OUT, from 0 to MAX; returns 0,
 * or -1 with *MESSAGE naming line LINENO and the field.
 */
static int
scontrol_number(const char *key, const char *v, long long max,
    unsigned long lineno, long long *out, char **message)
{
	char *end;

	errno = 0;
	*out = strtoll(v, &end, 10);
	if (end == v || *end != '\0' || !isdigit((unsigned char)*v)) {
		*message = hx_xasprintf("%lu: %s is not a number: %s", lineno,
		    key, v);
		return -1;
	}
	if (errno == ERANGE || *out > max) {
		*message = hx_xasprintf("%lu: %s is out of range: %s", lineno,
		    key, v);
		return -1;
	}
	return 0;
}

/* One line of scontrol -o show node, split into words in place. */
static int
scontrol_node(struct hx_inventory *inv, char *line, unsigned long lineno,
    char **message)
{
	const char *name = NULL, *arch = "unknown", *state = NULL, *v;
	const char *features = NULL, *gres = NULL, *flags[16];
	long long cpus = -1, mem = 0;
	struct hx_node *n;
	char *word, *save = NULL, *plus;
	size_t nflags = 0;

	for (word = strtok_r(line, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		if (strncmp(word, "Reason=", 7) == 0)
			break;
		if ((v = word_value(word, "NodeName")) != NULL)
			name = v;
		else if ((v = word_value(word, "Arch")) != NULL)
			arch = v;
		else if ((v = word_value(word, "CPUTot")) != NULL) {
			if (scontrol_number("CPUTot", v, INT32_MAX, lineno,
			    &cpus, message) < 0)
				return -1;
		} else if ((v = word_value(word, "RealMemory")) != NULL) {
			if (scontrol_number("RealMemory", v, INT64_MAX /
			    MIB, lineno, &mem, message) < 0)
				return -1;
		} else if ((v = word_value(word, "ActiveFeatures")) != NULL)
			features = v;
		else if ((v = word_value(word, "Gres")) != NULL)
			gres = v;
		else if ((v = word_value(word, "State")) != NULL)
			state = v;
	}
	if (name == NULL || state == NULL || cpus < 0) {
		*message = hx_xasprintf("%lu: expected NodeName=, State= and "
		    "CPUTot=", lineno);
		return -1;
	}
	for (plus = strchr(state, '+'); plus != NULL && nflags < 16;
	    plus = strchr(plus + 1, '+')) {
		*plus = '\0';
		flags[nflags++] = plus + 1;
	}
	n = new_node(inv, own(inv, hx_xstrdup(name)), HX_NODE_SLURM);
	n->arch = own(inv, hx_xstrdup(arch_name(arch)));
	n->cpus = cpus;
	n->memory_bytes = (int64_t)mem * MIB;
	n->state = slurm_state(state, flags, nflags);
	slurm_features(inv, n, features);
	if (gres != NULL && strcmp(gres, "(null)") != 0 &&
	    slurm_gres(inv, n, gres) < 0) {
		*message = hx_xasprintf("%lu: Gres has a gpu without a count",
		    lineno);
		return -1;
	}
	return 0;
}

int
hx_inventory_add_scontrol(struct hx_inventory *inv, const char *text,
    char **message)
{
	char *copy = hx_xstrdup(text), *line, *next;
	unsigned long lineno = 0;
	int rc = 0;

	for (line = copy; line != NULL && rc == 0; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (line[strspn(line, " \t\r")] == '\0' ||
		    strncmp(line, "No nodes", 8) == 0)
			continue;
		rc = scontrol_node(inv, line, lineno, message);
	}
	free(copy);
	return rc;
}

/*
 * A Kubernetes quantity ("3800m", "16Gi", "1e3", "2") as a number of
 * units, rounded down; -1 when it is not one.
 */
static int64_t
quantity(const char *s)
{
	static const struct {
		const char *suffix;
		double factor;
	} suffixes[] = {
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 },
		{ "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
		{ "Pi", 1125899906842624.0 }, { "Ei", 1152921504606846976.0 },
		{ "m", 1e-3 }, { "k", 1e3 }, { "M", 1e6 }, { "G", 1e9 },
		{ "T", 1e12 }, { "P", 1e15 }, { "E", 1e18 }, { "", 1 },
	};
	char *end;
	double v;
	size_t i;

	if (s == NULL || !isdigit((unsigned char)*s) ||
	    strpbrk(s, "xXnN") != NULL)
		return -1;
	v = strtod(s, &end);
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (strcmp(end, suffixes[i].suffix) == 0) {
			v = floor(v * suffixes[i].factor + 1e-9);
			return v < 9.2e18 ? (int64_t)v : -1;
		}
	return -1;
}

/* Whether the Ready condition of a Kubernetes node's STATUS is True. */
static bool
k8s_ready(const json_t *status)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(status, "conditions"), i, c)
		if (json_is_string(json_object_get(c, "type")) &&
		    strcmp(json_string_value(json_object_get(c, "type")),
		    "Ready") == 0)
			return json_is_string(json_object_get(c, "status")) &&
			    strcmp(json_string_value(json_object_get(c,
			    "status")), "True") == 0;
	return false;
}

/* One item of kubectl get nodes -o json. */
static int
k8s_node(struct hx_inventory *inv, json_t *item, size_t i, char **message)
{
	json_t *meta = json_object_get(item, "metadata");
	json_t *status = json_object_get(item, "status"), *alloc, *v;
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *arch, *key;
	struct hx_node *n;
	int64_t gpus = 0;

	alloc = json_object_get(status, "allocatable");
	if (name == NULL || !json_is_object(alloc)) {
		*message = hx_xasprintf("items[%zu] lacks metadata.name or "
		    "status.allocatable", i);
		return -1;
	}
	n = new_node(inv, name, HX_NODE_K8S);
	json_object_foreach(json_object_get(meta, "labels"), key, v)
		if (json_is_string(v))
			set_label(n, key, json_string_value(v));
	arch = json_string_value(json_object_get(json_object_get(status,
	    "nodeInfo"), "architecture"));
	if (arch == NULL)
		arch = hx_node_label(n, "kubernetes.io/arch");
	n->arch = arch_name(arch != NULL ? arch : "unknown");
	n->cpus = quantity(json_string_value(json_object_get(alloc, "cpu")));
	n->memory_bytes = quantity(json_string_value(json_object_get(alloc,
	    "memory")));
	if ((v = json_object_get(alloc, "nvidia.com/gpu")) != NULL)
		gpus = quantity(json_string_value(v));
	if (n->cpus < 0 || n->cpus > INT32_MAX || n->memory_bytes < 0 ||
	    gpus < 0 || gpus > INT32_MAX) {
		*message = hx_xasprintf("node %s: allocatable cpu, memory or "
		    "nvidia.com/gpu is not a quantity", name);
		return -1;
	}
	n->gpus = gpus;
	n->gpu_model = hx_node_label(n, "nvidia.com/gpu.product");
	if (json_is_true(json_object_get(json_object_get(item, "spec"),
	    "unschedulable")))
		n->state = HX_NODE_DRAINED;
	else if (!k8s_ready(status))
		n->state = HX_NODE_DOWN;
	return 0;
}

int
hx_inventory_add_kubectl(struct hx_inventory *inv, json_t *doc,
    char **message)
{
	json_t *items = json_object_get(doc, "items"), *item;
	size_t i;

	if (!json_is_array(items)) {
		*message = hx_xstrdup("no items array: not kubectl get nodes "
		    "-o json output");
		return -1;
	}
	own_value(inv, doc);
	json_array_foreach(items, i, item)
		if (k8s_node(inv, item, i, message) < 0)
			return -1;
	return 0;
}

/* Compare the names of two nodes pointed to. */
static int
compare_node_names(const void *a, const void *b)
{
	return strcmp((*(struct hx_node *const *)a)->name,
	    (*(struct hx_node *const *)b)->name);
}

int
hx_inventory_check(const struct hx_inventory *inv, char **message)
{
	struct hx_node **sorted = hx_xcalloc(inv->n + 1, sizeof(*sorted));
	size_t i;
	int rc = 0;

	for (i = 0; i < inv->n; i++)
		sorted[i] = &inv->nodes[i];
	qsort(sorted, inv->n, sizeof(*sorted), compare_node_names);
	for (i = 1; i < inv->n && rc == 0; i++)
		if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
			*message = hx_xasprintf("node %s is there twice",
			    sorted[i]->name);
			rc = -1;
		}
	free(sorted);
	return rc;
}

void
hx_inventory_clear(struct hx_inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		hx_node_clear(&inv->nodes[i]);
	free(inv->nodes);
	for (i = 0; i < inv->nstrings; i++)
		free(inv->strings[i]);
	free(inv->strings);
	for (i = 0; i < inv->nvalues; i++)
		json_decref(inv->values[i]);
	free(inv->values);
	hx_inventory_init(inv);
}
