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
 * S as a JSON string, whatever its bytes: a compiler's diagnostics need
 * not be UTF-8 (a Latin-1 source line), and an output tail can start in
 * the middle of a character.  Leading continuation bytes are dropped,
 * every other invalid byte becomes U+FFFD.
 */
static json_t *
json_text(const char *s)
{
	while (((unsigned char)*s & 0xc0) == 0x80)
		s++;
	return hx_json_text(s, strlen(s));
}

static json_t *
toolchain_object(const struct build *b)
{
	json_t *t = json_pack("{s:s, s:s, s:s}", "name", b->tc.name,
	    "version", b->found.version, "digest", b->found.digest);

	if (b->tc.sysroot != NULL)
		json_object_set_new(t, "sysroot", json_string(b->tc.sysroot));
	return t;
}

/* Write the artifact record of output I. */
void
build_emit_artifact(const struct build *b, size_t i,
    const struct build_result *r, bool hit, int64_t duration_ns,
    const char *tail, const struct changes *ch, int reproducible)
{
	const struct hx_output *o = &b->project.outputs[i];
	json_t *rec, *flags = json_array();
	bool timing;
	size_t k;

	for (k = 0; b->flags[k] != NULL; k++)
		json_array_append_new(flags, json_string(b->flags[k]));
	rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:I}",
	    "type", "artifact", "name", o->name, "kind", o->kind, "status",
	    r->ok ? "ok" : "fail", "target", b->tc.target, "toolchain",
	    toolchain_object(b), "flags", flags, "cache", hit ? "hit" : "miss",
	    "duration_ns", (json_int_t)duration_ns);
	if (r->ok) {
		json_object_set_new(rec, "path", json_sprintf("%s/%s",
		    b->opt->output_dir, o->path));
		json_object_set_new(rec, "arch", json_string(r->arch));
		json_object_set_new(rec, "sha256", json_string(r->sha256));
		json_object_set_new(rec, "size", json_integer(r->size));
	} else {
		if (tail != NULL)
			json_object_set_new(rec, "output_tail",
			    json_text(tail));
		if (r->message != NULL)
			json_object_set_new(rec, "message",
			    json_text(r->message));
	}
	if (b->have_git) {
		json_object_set_new(rec, "commit", json_string(b->head.commit));
		json_object_set_new(rec, "dirty", json_boolean(b->head.dirty));
	}
	if (ch->active) {
		json_object_set_new(rec, "affected", json_boolean(affects(b,
		    ch, o, r->deps, &timing)));
		json_object_set_new(rec, "needs_timing", json_boolean(timing));
	}
	if (reproducible >= 0)
		json_object_set_new(rec, "reproducible",
		    json_boolean(reproducible));
	if (o->args != NULL)
		json_object_set(rec, "args", o->args);
	if (o->env != NULL)
		json_object_set(rec, "env", o->env);
	if (o->cwd != NULL)
		json_object_set_new(rec, "cwd", json_sprintf("%s/%s",
		    b->opt->output_dir, o->cwd));
	hx_rec_emit(rec);
	json_decref(rec);
}

static const struct hx_bundle_entry *sort_entries;

static int
entry_order(const void *a, const void *b)
{
	return strcmp(sort_entries[*(const size_t *)a].name,
	    sort_entries[*(const size_t *)b].name);
}

/* Write the outputs and a SHA256SUMS file to a reproducible archive. */
void
build_write_bundle(struct build *b, const struct build_result *r)
{
	size_t n = b->project.noutputs, i, *order;
	struct hx_bundle_entry *e = hx_xcalloc(n + 1, sizeof(*e));
	char *sums = hx_xstrdup(""), *t, err[512];

	order = hx_xcalloc(n, sizeof(size_t));
	for (i = 0; i < n; i++) {
		e[i].name = b->project.outputs[i].path;
		e[i].file = hx_xasprintf("%s/%s", b->opt->output_dir,
		    b->project.outputs[i].path);
		e[i].mode = strcmp(b->project.outputs[i].kind, "lib") == 0 ?
		    0644 : 0755;
		order[i] = i;
	}
	/* SHA256SUMS lists the files in the archive's order; sha256sum -c
	 * checks it. */
	sort_entries = e;
	qsort(order, n, sizeof(size_t), entry_order);
	for (i = 0; i < n; i++) {
		t = hx_xasprintf("%s%s  %s\n", sums, r[order[i]].sha256,
		    e[order[i]].name);
		free(sums);
		sums = t;
	}
	e[n].name = "SHA256SUMS";
	e[n].data = sums;
	e[n].len = strlen(sums);
	if (hx_archive_write_bundle(b->opt->bundle, e, n + 1,
	    b->source_date_epoch, err, sizeof(err)) != 0)
		hx_err(HX_EXIT_SYSTEM, "%s: %s", b->opt->bundle, err);
	for (i = 0; i < n; i++)
		free((char *)e[i].file);
	free(order);
	free(e);
	free(sums);
}

