/*
 * rebuild.c: hx-build --from-bundle, the rebuild from proof.  The artifact
 * records of a proof bundle of hx-gate (or the build.json of one of
 * hx-build) name the commit, the project directory in the repository,
 * the toolchain and its digest, the flags and the pinned files; the
 * commit is cloned into a temporary directory, built again without the
 * cache, and every output compared byte for byte with the bundle's.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "hx_archive.h"
#include "hx_err.h"
#include "hx_json.h"
#include "hx_progress.h"
#include "hx_spawn.h"
#include "rec/hx_rec.h"

/* The entry of a proof bundle that holds the records. */
#define REBUILD_RECORDS "records.jsonl"

/* Whether the NULL-terminated lists A and B are equal. */
static bool
same_strings(const char *const *a, const char *const *b)
{
	for (; *a != NULL && *b != NULL; a++, b++)
		if (strcmp(*a, *b) != 0)
			return false;
	return *a == NULL && *b == NULL;
}

/* Keep J, whose strings RB borrows, until build_rebuild_free. */
static void
keep_json(struct rebuild *rb, json_t *j)
{
	rb->json = hx_xrealloc(rb->json, (rb->njson + 1) * sizeof(*rb->json));
	rb->json[rb->njson++] = j;
}

/* Add output NAME with digest SHA256 to RB. */
static void
add_output(struct rebuild *rb, const char *name, const char *sha256)
{
	rb->outputs = hx_xrealloc(rb->outputs, (rb->n + 1) *
	    sizeof(*rb->outputs));
	rb->outputs[rb->n].name = name;
	rb->outputs[rb->n++].sha256 = sha256;
}

/*
 * Take the build of artifact A (named WHAT in messages) into RB: the
 * first one sets it, the others must have been built the same way.
 * Exits when A cannot be rebuilt.
 */
static void
take_build(struct rebuild *rb, const struct hx_artifact *a, const char *what)
{
	size_t n;

	if (!a->ok)
		hx_err(HX_EXIT_INPUT, "%s: %s: the bundle's build failed",
		    what, a->name);
	if (a->commit == NULL || a->project == NULL)
		hx_err(HX_EXIT_INPUT, "%s: %s: no commit and project "
		    "directory: not built in a git repository", what, a->name);
	if (strcmp(a->project, ".") != 0 &&
	    !hx_project_inside(a->project))
		hx_err(HX_EXIT_INPUT, "%s: %s: project %s is not a directory "
		    "inside the repository", what, a->name, a->project);
	if (a->dirty == 1)
		hx_err(HX_EXIT_INPUT, "%s: %s: built from a dirty tree "
		    "(changes not committed to %s): it cannot be rebuilt", what,
		    a->name, a->commit);
	if (rb->commit == NULL) {
		rb->commit = a->commit;
		rb->project = a->project;
		rb->toolchain = a->toolchain.name;
		rb->digest = a->toolchain.digest;
		for (n = 0; a->flags[n] != NULL; n++)
			continue;
		rb->flags = hx_xcalloc(n + 1, sizeof(*rb->flags));
		memcpy(rb->flags, a->flags, n * sizeof(*rb->flags));
	} else if (strcmp(rb->commit, a->commit) != 0 ||
	    strcmp(rb->project, a->project) != 0 ||
	    strcmp(rb->toolchain, a->toolchain.name) != 0 ||
	    strcmp(rb->digest, a->toolchain.digest) != 0 ||
	    !same_strings(rb->flags, a->flags))
		hx_err(HX_EXIT_INPUT, "%s: %s: built from another commit, "
		    "project, toolchain or flags than %s", what, a->name,
		    rb->outputs[0].name);
	add_output(rb, a->name, a->sha256);
}

/* Read the artifact records of the proof bundle's records at PATH. */
static void
read_records(struct rebuild *rb, FILE *fp, const char *path)
{
	struct hx_json_error jerr;
	struct hx_artifact a;
	char *buf = NULL, *message, *what;
	size_t cap = 0, line = 0;
	const char *type;
	ssize_t len;
	json_t *j;

	while ((len = getline(&buf, &cap, fp)) > 0) {
		line++;
		what = hx_xasprintf("%s:%zu", REBUILD_RECORDS, line);
		if ((j = hx_json_parse(buf, (size_t)len, &jerr)) == NULL)
			hx_err(HX_EXIT_INPUT, "%s: %s", what, jerr.text);
		keep_json(rb, j);
		type = json_string_value(json_object_get(j, "type"));
		if (type != NULL && strcmp(type, "artifact") == 0) {
			if (hx_artifact_read(j, &a, &message) != 0)
				hx_err(HX_EXIT_INPUT, "%s: %s", what, message);
			take_build(rb, &a, what);
			hx_artifact_clear(&a);
		}
		free(what);
	}
	if (ferror(fp))
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	free(buf);
}

/*
 * Read the build.json of a bundle of hx-build --bundle at PATH: the same
 * facts in one object.
 */
static void
read_description(struct rebuild *rb, const char *path)
{
	const char *w = "build.json ", *wo = "build.json outputs[].";
	const json_t *outputs, *tc, *o;
	struct hx_json_error jerr;
	struct hx_artifact a;
	char *message = NULL;
	bool dirty = false;
	size_t i;
	json_t *j;

	if ((j = hx_json_load_file(path, &jerr)) == NULL)
		hx_err(HX_EXIT_INPUT, "build.json:%d:%d: %s", jerr.line,
		    jerr.column, jerr.text);
	keep_json(rb, j);
	hx_artifact_init(&a);
	a.ok = true;
	if (hx_field_string(j, w, "commit", HX_FIELD_OPTIONAL, &a.commit,
	    &message) < 0 ||
	    hx_field_boolean(j, w, "dirty", HX_FIELD_OPTIONAL, &dirty,
	    &message) < 0 ||
	    hx_field_string(j, w, "project", HX_FIELD_OPTIONAL, &a.project,
	    &message) < 0 ||
	    hx_field_object(j, w, "toolchain", HX_FIELD_REQUIRED, &tc,
	    &message) < 0 ||
	    hx_field_string(tc, "build.json toolchain.", "name",
	    HX_FIELD_REQUIRED, &a.toolchain.name, &message) < 0 ||
	    hx_field_string(tc, "build.json toolchain.", "digest",
	    HX_FIELD_REQUIRED, &a.toolchain.digest, &message) < 0 ||
	    hx_field_strings(j, w, "flags", HX_FIELD_REQUIRED, &a.flags,
	    &message) < 0)
		hx_err(HX_EXIT_INPUT, "%s: %s", rb->bundle, message);
	a.dirty = dirty;
	if (a.commit != NULL && (strlen(a.commit) != 40 ||
	    strspn(a.commit, "0123456789abcdef") != 40))
		hx_err(HX_EXIT_INPUT, "%s: build.json commit is not 40 "
		    "lowercase hexadecimal digits", rb->bundle);
	outputs = json_object_get(j, "outputs");
	if (!json_is_array(outputs))
		hx_err(HX_EXIT_INPUT, "%s: build.json outputs is not an array",
		    rb->bundle);
	json_array_foreach(outputs, i, o) {
		if (hx_field_string(o, wo, "name", HX_FIELD_REQUIRED, &a.name,
		    &message) < 0 ||
		    hx_field_string(o, wo, "sha256", HX_FIELD_REQUIRED,
		    &a.sha256, &message) < 0)
			hx_err(HX_EXIT_INPUT, "%s: %s", rb->bundle, message);
		take_build(rb, &a, "build.json");
	}
	free(a.flags);
}

/*
 * Whether the unpacked bundle has the entry NAME at PATH; exits when it
 * is not a regular file: a link could lead anywhere, to /dev/zero too.
 */
static bool
has_entry(const struct rebuild *rb, const char *path, const char *name)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return false;
	if (!S_ISREG(st.st_mode))
		hx_err(HX_EXIT_INPUT, "%s: %s is not a regular file",
		    rb->bundle, name);
	return true;
}

/*
 * Read what the unpacked bundle at DIR says of the build: the records of
 * hx-gate --bundle, or the build.json of hx-build --bundle.
 */
static void
read_bundle(struct rebuild *rb, const char *dir)
{
	char *path = hx_xasprintf("%s/%s", dir, REBUILD_RECORDS);
	FILE *fp;

	if (has_entry(rb, path, REBUILD_RECORDS)) {
		if ((fp = fopen(path, "r")) == NULL)
			hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
		read_records(rb, fp, path);
		fclose(fp);
	} else {
		free(path);
		path = hx_xasprintf("%s/build.json", dir);
		if (!has_entry(rb, path, "build.json"))
			hx_err(HX_EXIT_INPUT, "%s: neither %s nor build.json: "
			    "not a bundle of hx-gate or hx-build", rb->bundle,
			    REBUILD_RECORDS);
		read_description(rb, path);
	}
	free(path);
	if (rb->n == 0)
		hx_err(HX_EXIT_INPUT, "%s: no artifact in the bundle",
		    rb->bundle);
}

/*
 * The environment less the variables that point git at a repository
 * (those of git rev-parse --local-env-vars but the configuration): a
 * hook sets GIT_DIR, and git would check out into the caller's
 * repository, not the clone.
 */
static char **
git_env(void)
{
	static const char *const drop[] = { "GIT_ALTERNATE_OBJECT_DIRECTORIES",
	    "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE",
	    "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE",
	    "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
	    "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR",
	    NULL };
	char **env, **e;
	size_t n = 0, i, len;

	for (e = environ; *e != NULL; e++)
		n++;
	env = hx_xcalloc(n + 1, sizeof(*env));
	for (n = 0, e = environ; *e != NULL; e++) {
		len = strcspn(*e, "=");
		for (i = 0; drop[i] != NULL && (strlen(drop[i]) != len ||
		    strncmp(*e, drop[i], len) != 0); i++)
			continue;
		if (drop[i] == NULL)
			env[n++] = *e;
	}
	return env;
}

/* Run ARGV quietly; exits with WHAT and its output when it fails. */
static void
run_git(char *const *argv, const char *what)
{
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	char **env = git_env();
	int rc;

	spec.argv = argv;
	spec.envp = env;
	spec.capture = true;
	spec.merge_stderr = true;
	if ((rc = hx_spawn_run(&spec, &res)) != 0)
		hx_err(HX_EXIT_SYSTEM, "cannot run git: %s", strerror(rc));
	if (!res.exited || res.status != 0)
		hx_err(HX_EXIT_SYSTEM, "%s: %.*s", what,
		    (int)strcspn(res.out, "\n"), res.out);
	hx_spawn_result_free(&res);
	free(env);
}

/* Clone the repository around REPO at the bundle's commit, or exit. */
static void
check_out(struct rebuild *rb, const char *repo)
{
	const char *commit = rb->commit;
	char oid[HX_GIT_OID_HEX], top[PATH_MAX], *src, *what;
	struct hx_git *git;
	bool found;

	if ((git = hx_git_open(repo)) == NULL)
		hx_err(HX_EXIT_SYSTEM, "--repo: %s is not in a git repository",
		    repo);
	found = hx_git_resolve(git, commit, oid) == 0;
	/* Closed before any exit, that nothing of libgit2 is left. */
	snprintf(top, sizeof(top), "%s", hx_git_workdir(git));
	hx_git_close(git);
	if (!found)
		hx_err(HX_EXIT_SYSTEM, "%s: the bundle's commit %s is not in "
		    "the repository %s", rb->bundle, commit, top);
	src = hx_xasprintf("%s/src", rb->tmp);
	what = hx_xasprintf("checking out %s", commit);
	run_git((char *[]){ "git", "clone", "--quiet", "--shared",
	    "--no-checkout", top, src, NULL }, what);
	run_git((char *[]){ "git", "-C", src, "checkout", "--quiet",
	    "--detach", (char *)commit, NULL }, what);
	rb->dir = hx_xasprintf("%s/%s", src, rb->project);
	free(src);
	free(what);
}

void
build_rebuild_prepare(struct rebuild *rb, const struct build_options *opt,
    const char *repo)
{
	const char *bundle = opt->from_bundle;
	char err[1024], *unpacked;

	rb->bundle = bundle;
	build_sweep(build_stage_parent(), "hx-build-rebuild.??????",
	    opt->quiet);
	rb->tmp = build_stage_dir("hx-build-rebuild");
	unpacked = hx_xasprintf("%s/bundle", rb->tmp);
	if (access(bundle, R_OK) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", bundle);
	if (hx_archive_extract(bundle, unpacked, err, sizeof(err)) != 0)
		hx_err(HX_EXIT_INPUT, "%s", err);
	read_bundle(rb, unpacked);
	check_out(rb, repo);
	free(unpacked);
}

void
build_rebuild_check_toolchain(const struct rebuild *rb, const struct build *b)
{
	if (strcmp(b->found.digest, rb->digest) != 0)
		hx_err(HX_EXIT_SYSTEM, "%s: toolchain %s differs from the "
		    "bundle's: its digest is %s, the bundle was built with %s",
		    rb->bundle, b->tc.name, b->found.digest, rb->digest);
}

void
build_rebuild_flags(const struct rebuild *rb, struct build *b)
{
	const char *const *flags = rb->flags;
	char *const *lists[2] = { b->tc.flags, b->project.flags };
	char *const *v;
	size_t i;

	/* The toolchain's and the project's flags, then the -F ones. */
	for (i = 0; i < 2; i++)
		for (v = lists[i]; v != NULL && *v != NULL; v++, flags++)
			if (*flags == NULL || strcmp(*flags, *v) != 0)
				hx_err(HX_EXIT_INPUT, "%s: the flags of the "
				    "bundle's artifacts do not start with "
				    "those of %s and of %s", rb->bundle,
				    b->tc.name, b->project.file);
	for (; *flags != NULL; flags++)
		b->opt->extra_flags = build_add_flag(b->opt->extra_flags,
		    *flags);
}

/* Whether project P declares an output named NAME. */
static bool
declared(const struct hx_project *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->noutputs; i++)
		if (strcmp(p->outputs[i].name, name) == 0)
			return true;
	return false;
}

/* The bundle's output named NAME, or NULL. */
static const struct rebuild_output *
bundle_output(const struct rebuild *rb, const char *name)
{
	size_t i;

	for (i = 0; i < rb->n; i++)
		if (strcmp(rb->outputs[i].name, name) == 0)
			return &rb->outputs[i];
	return NULL;
}

int
build_rebuild(struct rebuild *rb, struct build *b)
{
	size_t n = b->project.noutputs, i;
	struct build_result *results = hx_xcalloc(n, sizeof(*results));
	const struct rebuild_output *a;
	struct changes ch = { 0 };
	struct hx_err_info err;
	char *tail = NULL;
	int64_t duration;
	int differ = 0, same;

	build_run(b, results, "hx-build", true, &tail, &duration);
	for (i = 0; i < n; i++) {
		a = bundle_output(rb, b->project.outputs[i].name);
		same = a != NULL && results[i].ok &&
		    strcmp(a->sha256, results[i].sha256) == 0;
		if (!same) {
			hx_warn("not reproduced: %s (%s): the bundle has %s, "
			    "the rebuild %s", b->project.outputs[i].name,
			    b->project.outputs[i].path, a != NULL ? a->sha256 :
			    "no such output", results[i].ok ?
			    results[i].sha256 : "failed");
			differ++;
		}
		build_emit_artifact(b, i, &results[i], false, duration, tail,
		    &ch, same);
	}
	for (i = 0; i < rb->n; i++)
		if (!declared(&b->project, rb->outputs[i].name)) {
			hx_warn("not reproduced: %s: in the bundle, not "
			    "declared in %s at %s", rb->outputs[i].name,
			    b->project.file, rb->commit);
			differ++;
		}
	if (hx_rec_finish(NULL, &err) < 0)
		hx_err_exit(&err);
	hx_progress_free(b->opt->progress);
	b->opt->progress = NULL;
	if (!b->opt->quiet)
		fprintf(stderr, "hx-build: %s: %s: rebuilt from %s at %.12s: "
		    "%zu output%s, %d differ%s\n", b->project.name, b->tc.name,
		    rb->bundle, rb->commit, n, n == 1 ? "" : "s",
		    differ, differ == 1 ? "s" : "");
	build_free_results(results, n);
	free(tail);
	free(b->log);
	return differ > 0 ? HX_EXIT_VERDICT : HX_EXIT_OK;
}

void
build_rebuild_free(struct rebuild *rb)
{
	size_t i;

	for (i = 0; i < rb->njson; i++)
		json_decref(rb->json[i]);
	free(rb->json);
	free(rb->flags);
	free(rb->outputs);
	if (rb->tmp != NULL)
		build_tmp_release(rb->tmp, true);
	free(rb->tmp);
	free(rb->dir);
}
