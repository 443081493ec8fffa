/*
 * report.c: what hx-build tells: one artifact record per output,
 * with the change-based selection fields, and the reproducible bundle.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "hx_archive.h"
#include "hx_err.h"
#include "hx_json.h"
#include "rec/hx_artifact.h"
#include "rec/hx_rec.h"

void
build_read_changes(struct build *b, struct hx_git *git, struct changes *ch)
{
	char **paths, *prefix, real[PATH_MAX];
	const char *workdir;
	size_t plen, i;
	long n;

	ch->active = true;
	if (git == NULL)
		hx_err(HX_EXIT_INPUT, "--changed-since: %s is not in a git "
		    "repository", b->project.dir);
	if ((n = hx_git_changed_paths(git, b->opt->changed_since,
	    &paths)) < 0)
		hx_usage_error("--changed-since: unknown revision %s: %s",
		    b->opt->changed_since, hx_git_error());
	workdir = hx_git_workdir(git);
	if (realpath(workdir, real) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", workdir);
	/* Changed paths are relative to the top; keep those in the project. */
	prefix = strcmp(real, b->project.dir) == 0 ? hx_xstrdup("") :
	    hx_xasprintf("%s/", b->project.dir + strlen(real) + 1);
	plen = strlen(prefix);
	ch->paths = hx_xcalloc((size_t)n + 1, sizeof(char *));
	for (i = 0; i < (size_t)n; i++)
		if (strncmp(paths[i], prefix, plen) == 0)
			ch->paths[ch->n++] = hx_xstrdup(paths[i] + plen);
	hx_strv_free(paths);
	free(prefix);
}

/*
 * Whether the change set feeds output O (made from DEPS): a changed file
 * it is made from, the output itself, or a build file.  *TIMING says
 * whether one such change is outside the no_timing policy.
 */
static bool
affects(const struct build *b, const struct changes *ch,
    const struct hx_output *o, char *const *deps, bool *timing)
{
	bool affected = false, feeds;
	size_t i, k;

	*timing = false;
	for (i = 0; i < ch->n; i++) {
		feeds = strcmp(ch->paths[i], o->path) == 0 ||
		    hx_project_match_any(b->project.build_files, ch->paths[i]);
		for (k = 0; !feeds && deps != NULL && deps[k] != NULL; k++)
			feeds = strcmp(deps[k], ch->paths[i]) == 0;
		/* Without dependency information every input feeds it. */
		if (!feeds && (deps == NULL || deps[0] == NULL))
			feeds = hx_project_match_any(b->project.inputs,
			    ch->paths[i]);
		if (!feeds)
			continue;
		affected = true;
		if (!hx_project_match_any(b->project.no_timing, ch->paths[i]))
			*timing = true;
	}
	return affected;
}

/*
 * S without the continuation bytes it starts with: an output tail can
 * start in the middle of a character.  hx_artifact_to_json makes every
 * other byte that is not UTF-8 U+FFFD.
 */
static const char *
text_start(const char *s)
{
	while (((unsigned char)*s & 0xc0) == 0x80)
		s++;
	return s;
}

/* The NULL-terminated strings of ARRAY, or NULL; free(3) the array. */
static const char **
string_list(const json_t *array)
{
	const char **list;
	json_t *item;
	size_t i;

	if (array == NULL)
		return NULL;
	list = hx_xcalloc(json_array_size(array) + 1, sizeof(*list));
	json_array_foreach(array, i, item)
		list[i] = json_string_value(item);
	return list;
}

/* The members of the object of strings VARS as pairs, or NULL. */
static struct hx_field_pair *
pairs(const json_t *vars, size_t *n)
{
	struct hx_field_pair *p;
	const char *name;
	json_t *value;

	*n = 0;
	if (vars == NULL)
		return NULL;
	p = hx_xcalloc(json_object_size(vars) + 1, sizeof(*p));
	json_object_foreach((json_t *)vars, name, value) {
		p[*n].name = name;
		p[(*n)++].value = json_string_value(value);
	}
	return p;
}

/* The project's pins as the artifact record has them; free(3) them. */
static struct hx_artifact_pin *
artifact_pins(const struct hx_project *p)
{
	struct hx_artifact_pin *pins = hx_xcalloc(p->npins + 1,
	    sizeof(*pins));
	size_t i;

	for (i = 0; i < p->npins; i++) {
		pins[i].path = p->pins[i].path;
		pins[i].sha256 = p->pins[i].sha256;
	}
	return pins;
}

/* Write the artifact record of output I. */
void
build_emit_artifact(const struct build *b, size_t i,
    const struct build_result *r, bool hit, int64_t duration_ns,
    const char *tail, const struct changes *ch, int reproducible)
{
	const struct hx_output *o = &b->project.outputs[i];
	struct hx_artifact a;
	char *path = NULL, *cwd = NULL;
	json_t *rec;
	bool timing;

	hx_artifact_init(&a);
	a.name = o->name;
	a.kind = (enum hx_artifact_kind)hx_field_index(hx_artifact_kind_names,
	    o->kind);
	a.ok = r->ok;
	a.target = b->tc.target;
	a.toolchain.name = b->tc.name;
	a.toolchain.version = b->found.version;
	a.toolchain.digest = b->found.digest;
	a.toolchain.sysroot = b->tc.sysroot;
	a.toolchain.cpu = b->tc.cpu;
	a.flags = (const char **)b->flags;
	a.cache_hit = hit;
	a.duration_ns = duration_ns;
	if (r->ok) {
		a.path = path = hx_xasprintf("%s/%s", b->opt->output_dir,
		    o->path);
		a.arch = r->arch;
		a.sha256 = r->sha256;
		a.size = r->size;
	} else {
		if (tail != NULL) {
			a.output_tail = text_start(tail);
			a.output_tail_len = strlen(a.output_tail);
		}
		if (r->message != NULL)
			a.message = text_start(r->message);
	}
	if (b->have_git) {
		a.commit = b->head.commit;
		a.dirty = b->head.dirty;
		a.project = b->project_rel;
	}
	a.pins = artifact_pins(&b->project);
	a.npins = b->project.npins;
	if (ch->active) {
		a.affected = affects(b, ch, o, r->deps, &timing);
		a.needs_timing = timing;
	}
	a.reproducible = reproducible;
	a.args = string_list(o->args);
	a.env = pairs(o->env, &a.nenv);
	if (o->cwd != NULL)
		a.cwd = cwd = hx_xasprintf("%s/%s", b->opt->output_dir, o->cwd);
	rec = hx_artifact_to_json(&a);
	hx_rec_emit(rec);
	json_decref(rec);
	free(a.args);
	free(a.env);
	free(a.pins);
	free(path);
	free(cwd);
}

/*
 * The bundle's build.json: what a rebuild needs (commit, project,
 * toolchain, flags, pins) and each output's digest (hx-build(1)).
 */
static char *
build_description(const struct build *b, const struct build_result *results)
{
	json_t *j = json_object(), *tc = json_object(), *pins = json_array();
	json_t *outputs = json_array(), *flags = json_array(), *o;
	char *compact, *text;
	size_t i;

	if (b->have_git) {
		json_object_set_new(j, "commit", json_string(b->head.commit));
		json_object_set_new(j, "dirty", json_boolean(b->head.dirty));
		json_object_set_new(j, "project",
		    json_string(b->project_rel));
	}
	json_object_set_new(j, "target", json_string(b->tc.target));
	json_object_set_new(tc, "name", json_string(b->tc.name));
	json_object_set_new(tc, "version", json_string(b->found.version));
	json_object_set_new(tc, "digest", json_string(b->found.digest));
	json_object_set_new(j, "toolchain", tc);
	for (i = 0; b->flags[i] != NULL; i++)
		json_array_append_new(flags, json_string(b->flags[i]));
	json_object_set_new(j, "flags", flags);
	for (i = 0; i < b->project.npins; i++)
		json_array_append_new(pins, json_pack("{ssss}", "path",
		    b->project.pins[i].path, "sha256",
		    b->project.pins[i].sha256));
	json_object_set_new(j, "pins", pins);
	for (i = 0; i < b->project.noutputs; i++) {
		o = json_pack("{ssssss}", "name", b->project.outputs[i].name,
		    "path", b->project.outputs[i].path, "sha256",
		    results[i].sha256);
		json_array_append_new(outputs, o);
	}
	json_object_set_new(j, "outputs", outputs);
	compact = hx_json_to_string(j);
	text = hx_xasprintf("%s\n", compact);
	free(compact);
	json_decref(j);
	return text;
}

/*
 * Write the outputs, build.json and a SHA256SUMS file to a reproducible
 * archive.
 */
void
build_write_bundle(struct build *b, const struct build_result *results)
{
	size_t n = b->project.noutputs, i;
	struct hx_bundle_entry *e = hx_xcalloc(n + 1, sizeof(*e));
	char err[512], *description = build_description(b, results);

	e[n].name = "build.json";
	e[n].data = description;
	e[n].len = strlen(description);
	for (i = 0; i < n; i++) {
		e[i].name = b->project.outputs[i].path;
		e[i].file = hx_xasprintf("%s/%s", b->opt->output_dir,
		    b->project.outputs[i].path);
		e[i].mode = strcmp(b->project.outputs[i].kind, "lib") == 0 ?
		    0644 : 0755;
	}
	if (hx_archive_write_bundle_sums(b->opt->bundle, e, n + 1,
	    b->source_date_epoch, err, sizeof(err)) != 0)
		hx_err(HX_EXIT_SYSTEM, "%s: %s", b->opt->bundle, err);
	for (i = 0; i < n; i++)
		free((char *)e[i].file);
	free(e);
	free(description);
}
