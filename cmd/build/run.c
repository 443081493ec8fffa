/*
 * run.c: compute the cache key, run the project's build in a fresh
 * staging directory, collect and check the declared outputs, and store
 * and restore them through the artifact cache.
 *
 * The build never runs in the project directory: the input files are
 * copied to a new directory first, so stale objects cannot leak in, an
 * undeclared input fails the build instead of silently missing from the
 * cache key, and two builds never share a tree.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "build/hx_depgraph.h"
#include "hx_atomic.h"
#include "hx_elf.h"
#include "hx_err.h"
#include "hx_file.h"
#include "hx_progress.h"
#include "hx_spawn.h"

#define TAIL_BYTES 8192
#define CACHE_FORMAT "hx-build-cache 1"

/*
 * Add "TAG LENGTH:VALUE\n" to H: values may hold spaces and newlines, and
 * their length keeps the text unambiguous.
 */
static void
hash_line(struct hx_sha256 *h, const char *tag, const char *value)
{
	char len[32];

	hx_hash_sha256_update(h, tag, strlen(tag));
	hx_hash_sha256_update(h, " ", 1);
	snprintf(len, sizeof(len), "%zu:", strlen(value));
	hx_hash_sha256_update(h, len, strlen(len));
	hx_hash_sha256_update(h, value, strlen(value));
	hx_hash_sha256_update(h, "\n", 1);
}

static void
hash_strings(struct hx_sha256 *h, const char *tag, char *const *v)
{
	for (; v != NULL && *v != NULL; v++)
		hash_line(h, tag, *v);
}

/* The project's input files, or exit. */
static void
list_inputs(struct build *b, char ***inputs, size_t *n)
{
	char err[PATH_MAX + 128];
	int rc;

	if ((rc = hx_project_inputs(&b->project, b->opt->output_dir, inputs,
	    n, err, sizeof(err))) != 0)
		hx_err(rc, "%s", err);
}

/*
 * The cache key: SHA-256 over the toolchain digest, target and programs,
 * the build system and commands, every flag, the pins, the declared
 * outputs, and the path, executable bit and content of every input file.
 */
int
build_compute_key(struct build *b)
{
	const struct hx_project *p = &b->project;
	char hex[HX_SHA256_HEX], **inputs, *path, *line;
	struct hx_sha256 h;
	struct stat st;
	size_t n, i;

	list_inputs(b, &inputs, &n);
	if (n == 0)
		hx_err(HX_EXIT_INPUT, "%s: no file matches inputs", p->file);
	hx_hash_sha256_init(&h);
	hash_line(&h, CACHE_FORMAT, PACKAGE_VERSION);
	hash_line(&h, "toolchain", b->found.digest);
	hash_line(&h, "target", b->tc.target);
	hash_line(&h, "cc", b->found.cc_path);
	hash_strings(&h, "cc_args", b->tc.cc_args);
	hash_line(&h, "cxx", b->tc.cxx != NULL ? b->tc.cxx : "");
	hash_line(&h, "cxx_sha256", b->found.cxx_path != NULL ?
	    b->found.cxx_sha256 : "");
	hash_line(&h, "ar", b->tc.ar);
	hash_line(&h, "system", p->system);
	hash_strings(&h, "configure", p->configure);
	hash_strings(&h, "build", p->build);
	hash_strings(&h, "flag", b->flags);
	for (i = 0; i < p->npins; i++) {
		line = hx_xasprintf("%s %s", p->pins[i].path,
		    p->pins[i].sha256);
		hash_line(&h, "pin", line);
		free(line);
	}
	for (i = 0; i < p->noutputs; i++) {
		line = hx_xasprintf("%s %s %s", p->outputs[i].name,
		    p->outputs[i].path, p->outputs[i].kind);
		hash_line(&h, "output", line);
		free(line);
	}
	for (i = 0; i < n; i++) {
		path = hx_xasprintf("%s/%s", p->dir, inputs[i]);
		if (stat(path, &st) != 0 || hx_hash_sha256_file(path, hex) != 0)
			hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
		line = hx_xasprintf("%s %c %s", inputs[i],
		    st.st_mode & 0111 ? 'x' : '-', hex);
		hash_line(&h, "input", line);
		free(line);
		free(path);
	}
	hx_hash_sha256_final(&h, b->key);
	hx_strv_free(inputs);
	return 0;
}

/* mkdir -p for the directories of the file PATH, or exit. */
static void
make_parents(const char *path)
{
	int rc = hx_file_mkdir_parents(path, 0777);

	if (rc != 0) {
		errno = -rc;
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	}
}

const char *
build_stage_parent(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp != NULL && *tmp == '/' ? tmp : "/tmp";
}

char *
build_stage_dir(const char *prefix)
{
	char *dir = hx_xasprintf("%s/%s.XXXXXX", build_stage_parent(), prefix);
	char real[PATH_MAX];

	if (mkdtemp(dir) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", dir);
	if (realpath(dir, real) != NULL) {
		free(dir);
		dir = hx_xstrdup(real);
	}
	build_tmp_adopt(dir);
	return dir;
}

/* Copy the project's input files into STAGE. */
static void
stage_inputs(struct build *b, const char *stage)
{
	char **inputs, *src, *dst;
	struct stat st;
	struct timespec times[2];
	size_t n, i;

	list_inputs(b, &inputs, &n);
	for (i = 0; i < n; i++) {
		src = hx_xasprintf("%s/%s", b->project.dir, inputs[i]);
		dst = hx_xasprintf("%s/%s", stage, inputs[i]);
		make_parents(dst);
		if (stat(src, &st) != 0 ||
		    hx_cache_copy_file(src, dst, st.st_mode & 0777, false) != 0)
			hx_err_errno(HX_EXIT_SYSTEM, "staging %s", src);
		/* Keep the source's times, as cp -p does: a copy stamped
		 * "now" in copy order would fire make's rebuild rules. */
		times[0] = st.st_atim;
		times[1] = st.st_mtim;
		if (utimensat(AT_FDCWD, dst, times, 0) != 0)
			hx_err_errno(HX_EXIT_SYSTEM, "staging %s", dst);
		free(src);
		free(dst);
	}
	hx_strv_free(inputs);
}

/* What build tools log beside their output, kept with a failed step's. */
static const char *const tool_logs[] = {
	"config.log", "CMakeFiles/CMakeError.log",
	"CMakeFiles/CMakeConfigureLog.yaml", NULL
};

/*
 * Keep what failed step COMMAND wrote (OUT) and the tools' own logs in
 * STAGE as hx-build.log in the output directory, which outlives the
 * stage, and remember its path in B.
 */
static void
keep_log(struct build *b, char **command, const char *stage, const char *out)
{
	struct hx_atomic a;
	char buf[8192], *path;
	FILE *in;
	size_t i, len;

	free(b->log);
	b->log = hx_xasprintf("%s/hx-build.log", b->opt->output_dir);
	make_parents(b->log);
	if (hx_atomic_open(&a, b->log, 0644) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", b->log);
	fputs("$", a.fp);
	for (i = 0; command[i] != NULL; i++)
		fprintf(a.fp, " %s", command[i]);
	fprintf(a.fp, "\n%s", out);
	for (i = 0; tool_logs[i] != NULL; i++) {
		path = hx_xasprintf("%s/%s", stage, tool_logs[i]);
		if ((in = fopen(path, "r")) != NULL) {
			fprintf(a.fp, "\n==> %s <==\n", tool_logs[i]);
			while ((len = fread(buf, 1, sizeof(buf), in)) > 0)
				fwrite(buf, 1, len, a.fp);
			fclose(in);
		}
		free(path);
	}
	if (hx_atomic_commit(&a) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", b->log);
}

/* Run one step in STAGE; returns 0, or 1 with the output tail in *TAIL. */
static int
run_step(struct build *b, char **command, bool configure, char **env,
    const char *stage, char **tail, int64_t *duration_ns)
{
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	char **argv, *host = NULL, *label;
	size_t n = 0, i;
	int rc, failed;

	/* The command, and --host for an autotools configure. */
	while (command[n] != NULL)
		n++;
	argv = hx_xcalloc(n + 2, sizeof(char *));
	for (i = 0; i < n; i++)
		argv[i] = command[i];
	if (configure && strcmp(b->project.system, "autotools") == 0)
		argv[n] = host = hx_xasprintf("--host=%s", b->tc.target);
	spec.argv = argv;
	spec.envp = env;
	spec.cwd = stage;
	spec.capture = true;
	spec.merge_stderr = true;
	spec.tail_max = TAIL_BYTES;
	spec.timeout_ns = b->opt->timeout_ns;
	label = hx_xasprintf("%s: %s", configure ? "configure" : "build",
	    argv[0]);
	hx_progress_start(b->opt->progress, label);
	if ((rc = hx_spawn_run(&spec, &res)) != 0)
		hx_err(HX_EXIT_SYSTEM, "cannot run %s: %s", argv[0],
		    strerror(rc));
	*duration_ns += res.duration_ns;
	failed = !res.exited || res.status != 0;
	hx_progress_done(b->opt->progress, label, failed);
	free(label);
	if (failed) {
		free(*tail);
		if (res.timed_out)
			*tail = hx_xasprintf("%s\n%s: timed out", res.out,
			    argv[0]);
		else
			*tail = hx_xstrdup(res.out);
		keep_log(b, argv, stage, *tail);
		if (!b->opt->quiet)
			fprintf(stderr, "%s%s", res.out, res.out_len > 0 &&
			    res.out[res.out_len - 1] != '\n' ? "\n" : "");
	}
	hx_spawn_result_free(&res);
	free(host);
	free(argv);
	return failed;
}

/* Check one built output at PATH and fill R; false when it is wrong. */
static bool
check_output(struct build *b, const struct hx_output *o, const char *path,
    struct build_result *r)
{
	const char *why;
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		r->message = hx_xasprintf("%s: declared output %s was not "
		    "built", o->name, o->path);
		return false;
	}
	if ((r->arch = hx_elf_arch_file(path, &why)) == NULL) {
		r->message = hx_xasprintf("%s: %s: %s", o->name, o->path, why);
		return false;
	}
	if (strcmp(r->arch, b->tc.arch) != 0) {
		r->message = hx_xasprintf("%s: %s is built for %s, not for "
		    "the target %s", o->name, o->path, r->arch, b->tc.target);
		return false;
	}
	if (hx_hash_sha256_file(path, r->sha256) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
	r->size = st.st_size;
	return true;
}

/*
 * Run the build in a new directory named after STAGE_PREFIX and fill
 * RESULTS (one per declared output).  With INSTALL the good outputs are
 * copied into the output directory.  Returns 0 when every output is good,
 * 1 otherwise (*TAIL then holds the end of the build's output).
 */
int
build_run(struct build *b, struct build_result *results,
    const char *stage_prefix, bool install, char **tail,
    int64_t *duration_ns)
{
	const struct hx_project *p = &b->project;
	char *stage = build_stage_dir(stage_prefix), *cmake, **env, *src, *dst, *root;
	struct hx_depgraph *graph;
	char err[1024];
	size_t i, ndeps;
	int failed = 0;

	*duration_ns = 0;
	stage_inputs(b, stage);
	/*
	 * The build reads the staged copies: check the pins again on them,
	 * so that a file changed after the first check is never built under
	 * its pin.
	 */
	if (hx_project_check_pins(p, stage, err, sizeof(err)) != 0)
		hx_err(HX_EXIT_SYSTEM, "staging: %s", err);
	cmake = hx_xasprintf("%s/.hx-toolchain.cmake", stage);
	if (build_write_cmake_toolchain(b, cmake) != 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", cmake);
	env = build_env(b, stage, cmake);
	if (p->configure != NULL)
		failed = run_step(b, p->configure, true, env, stage, tail,
		    duration_ns);
	if (!failed)
		failed = run_step(b, p->build, false, env, stage, tail,
		    duration_ns);
	root = hx_xasprintf("%s/", stage);
	graph = hx_depgraph_new();
	hx_depgraph_scan(graph, root);
	for (i = 0; i < p->noutputs; i++) {
		src = hx_xasprintf("%s/%s", stage, p->outputs[i].path);
		results[i].ok = check_output(b, &p->outputs[i], src,
		    &results[i]);
		results[i].deps = hx_depgraph_closure(graph,
		    p->outputs[i].path, &ndeps);
		if (results[i].ok && install) {
			dst = hx_xasprintf("%s/%s", b->opt->output_dir,
			    p->outputs[i].path);
			make_parents(dst);
			if (hx_cache_copy_file(src, dst,
			    strcmp(p->outputs[i].kind, "lib") == 0 ? 0644 :
			    0755, true) != 0)
				hx_err_errno(HX_EXIT_SYSTEM, "%s", dst);
			free(dst);
		}
		if (!results[i].ok) {
			if (!failed && !b->opt->quiet)
				hx_warn("%s", results[i].message);
			failed = 1;
		}
		free(src);
	}
	hx_depgraph_free(graph);
	hx_strv_free(env);
	build_tmp_release(stage, true);
	free(root);
	free(cmake);
	free(stage);
	return failed;
}

void
build_free_results(struct build_result *results, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(results[i].message);
		hx_strv_free(results[i].deps);
	}
	free(results);
}

/* The JSON array of the NULL-terminated strings V. */
static json_t *
string_array(char *const *v)
{
	json_t *a = json_array();

	for (; v != NULL && *v != NULL; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/*
 * Store the installed outputs as cache entry b->key: each file under
 * files/, and meta.json with digests and dependencies.
 */
void
build_store(struct build *b, struct hx_cache *cache,
    struct build_result *results)
{
	const struct hx_project *p = &b->project;
	char *tmp, *src, *dst, *meta_path, *text;
	json_t *meta, *outputs, *o;
	bool written = false;
	size_t i;
	FILE *fp;

	if ((tmp = hx_cache_begin(cache)) == NULL) {
		hx_warn_errno("cache %s: not stored", cache->root);
		return;
	}
	build_tmp_adopt(tmp);
	outputs = json_array();
	for (i = 0; i < p->noutputs; i++) {
		src = hx_xasprintf("%s/%s", b->opt->output_dir,
		    p->outputs[i].path);
		dst = hx_xasprintf("%s/files/%s", tmp, p->outputs[i].path);
		make_parents(dst);
		if (hx_cache_copy_file(src, dst, 0644, false) != 0) {
			hx_warn_errno("cache: storing %s", src);
			build_tmp_release(tmp, true);
			free(src);
			free(dst);
			free(tmp);
			json_decref(outputs);
			return;
		}
		o = json_pack("{s:s, s:s, s:I, s:o}", "path",
		    p->outputs[i].path, "sha256", results[i].sha256, "size",
		    (json_int_t)results[i].size, "deps",
		    string_array(results[i].deps));
		json_array_append_new(outputs, o);
		free(src);
		free(dst);
	}
	meta = json_pack("{s:s, s:o}", "key", b->key, "outputs", outputs);
	text = hx_json_to_string(meta);
	meta_path = hx_xasprintf("%s/meta.json", tmp);
	if ((fp = fopen(meta_path, "w")) != NULL) {
		written = fputs(text, fp) != EOF;
		written = fclose(fp) == 0 && written;
	}
	if (!written || hx_cache_commit(cache, tmp, b->key) != 0) {
		hx_warn_errno("cache %s: not stored", cache->root);
		build_tmp_release(tmp, true);
	} else
		build_tmp_release(tmp, false);
	json_decref(meta);
	free(text);
	free(meta_path);
	free(tmp);
}

/*
 * Restore entry b->key into the output directory, checking every file's
 * digest on the way.  Returns false (a miss) when there is no entry or it
 * does not hold what its meta.json says; exits when a good entry cannot
 * be copied out (the output directory is full or unwritable), leaving it
 * in the cache.
 */
bool
build_restore(struct build *b, struct hx_cache *cache,
    struct build_result *results)
{
	const struct hx_project *p = &b->project;
	struct hx_json_error jerr;
	char *dir, *meta_path, *src, *dst;
	json_t *meta, *outputs, *o, *deps, *d;
	const char *want;
	unsigned mode;
	size_t i, k;
	bool ok = true, in_place;

	if ((dir = hx_cache_lookup(cache, b->key)) == NULL)
		return false;
	meta_path = hx_xasprintf("%s/meta.json", dir);
	meta = hx_json_load_file(meta_path, &jerr);
	outputs = json_object_get(meta, "outputs");
	if (json_array_size(outputs) != p->noutputs)
		ok = false;
	for (i = 0; ok && i < p->noutputs; i++) {
		o = json_array_get(outputs, i);
		src = hx_xasprintf("%s/files/%s", dir, p->outputs[i].path);
		dst = hx_xasprintf("%s/%s", b->opt->output_dir,
		    p->outputs[i].path);
		make_parents(dst);
		want = json_string_value(json_object_get(o, "sha256"));
		mode = strcmp(p->outputs[i].kind, "lib") == 0 ? 0644 : 0755;
		/* An output already in place with the right bytes stays. */
		in_place = want != NULL && check_output(b, &p->outputs[i],
		    dst, &results[i]) && strcmp(results[i].sha256, want) == 0 &&
		    chmod(dst, mode) == 0;
		if (in_place)
			results[i].ok = true;
		else {
			free(results[i].message);
			results[i].message = NULL;
			results[i].ok = check_output(b, &p->outputs[i], src,
			    &results[i]);
		}
		if (!in_place && (!results[i].ok || want == NULL ||
		    strcmp(results[i].sha256, want) != 0)) {
			hx_warn("cache: entry %s is damaged; rebuilding",
			    b->key);
			ok = false;
		}
		/* The entry is good: a copy that fails is the destination's
		 * fault (a full disk), and the entry stays. */
		if (!in_place && ok && hx_cache_copy_file(src, dst, mode,
		    true) != 0)
			hx_err_errno(HX_EXIT_SYSTEM, "restoring %s from the "
			    "cache", dst);
		deps = json_object_get(o, "deps");
		results[i].deps = hx_xcalloc(json_array_size(deps) + 1,
		    sizeof(char *));
		json_array_foreach(deps, k, d)
			results[i].deps[k] = hx_xstrdup(json_is_string(d) ?
			    json_string_value(d) : "");
		free(src);
		free(dst);
	}
	if (!ok) {
		for (i = 0; i < p->noutputs; i++) {
			free(results[i].message);
			hx_strv_free(results[i].deps);
			memset(&results[i], 0, sizeof(results[i]));
		}
		/* Out of the way, or the rebuild could never store it. */
		if (hx_cache_discard(cache, b->key) != 0)
			hx_warn_errno("cache: removing damaged entry %s",
			    b->key);
	}
	json_decref(meta);
	free(meta_path);
	free(dir);
	return ok;
}
