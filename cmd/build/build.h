/*
 * build.h: what the parts of hx-build share: the options, the loaded
 * project and toolchain, and one output's result.
 */
#ifndef HX_BUILD_H
#define HX_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "build/hx_cache.h"
#include "hx_git.h"
#include "hx_hash.h"
#include "hx_http.h"
#include "hx_strv.h"
#include "build/hx_project.h"
#include "build/hx_toolchain.h"
#include "rec/hx_artifact.h"

struct build_options {
	const char *target;		/* -t: a manifest name or file */
	const char *dir;		/* the project directory */
	char *output_dir;		/* -o, absolute */
	char *cache_dir;		/* --cache-dir, HX_CACHE_DIR, XDG */
	bool no_cache;
	const char *cache_url;		/* --cache-url, HX_CACHE_URL */
	struct hx_http_limits http;	/* its timeouts */
	uint64_t cache_max;		/* 0: no eviction */
	bool check_repro;
	const char *bundle;
	const char *changed_since;
	const char *from_bundle;	/* --from-bundle */
	char **extra_flags;		/* -F, NULL-terminated */
	int64_t timeout_ns;
	bool quiet;
	struct hx_progress *progress;	/* a step per command, or NULL */
};

/* What one build run knows: project, toolchain, git, environment. */
struct build {
	struct build_options *opt;
	struct hx_project project;
	struct hx_toolchain tc;
	struct hx_toolchain_found found;
	bool have_git;
	struct hx_git_head head;
	char *project_rel;		/* the project in the repository */
	int64_t source_date_epoch;
	char **flags;			/* toolchain, project, -F */
	char key[HX_SHA256_HEX];	/* the cache key */
	char *log;			/* a failed build's log, or NULL */
};

/* An output of the bundle: its name and digest. */
struct rebuild_output {
	const char *name;
	const char *sha256;
};

/*
 * What --from-bundle rebuilds: one build of one commit, its strings
 * borrowed from the bundle's JSON values, kept in json.
 */
struct rebuild {
	const char *bundle;
	char *tmp;			/* unpacked bundle and checkout */
	char *dir;			/* the project in the checkout */
	const char *commit;
	const char *project;		/* relative to the repository's top */
	const char *toolchain;		/* the manifest's name */
	const char *digest;		/* the toolchain's digest */
	const char **flags;		/* NULL-terminated, to free(3) */
	struct rebuild_output *outputs;
	size_t n;
	json_t **json;
	size_t njson;
};

/* One declared output after a build or a restore. */
struct build_result {
	bool ok;
	const char *arch;
	char sha256[HX_SHA256_HEX];
	int64_t size;
	char *message;			/* why it failed */
	char **deps;			/* source files it is made from */
};

/* The change set since a revision, relative to the project. */
struct changes {
	bool active;
	char **paths;
	size_t n;
};

/*
 * Temporary directories older than this that no live run holds are what
 * killed runs left: the next run removes them.
 */
#define BUILD_STALE_MINUTES 10

/*
 * cleanup.c: temporary directories, removed on every way out.  From
 * build_catch_signals on, SIGTERM, SIGINT and SIGHUP kill the build steps,
 * remove the directories and end hx-build by the signal.  build_tmp_adopt
 * locks the new directory DIR and takes it on; build_tmp_release lets it
 * go, removing it with REMOVE.  build_sweep removes the stale directories
 * in PARENT that match PATTERN.
 */
void build_catch_signals(void);
void build_tmp_adopt(const char *dir);
void build_tmp_release(const char *dir, bool remove);
void build_sweep(const char *parent, const char *pattern, bool quiet);

/* hx-build.c: add FLAG to the NULL-terminated -F list V. */
char **build_add_flag(char **v, const char *flag);

/*
 * rebuild.c: build_rebuild_prepare unpacks the bundle of --from-bundle,
 * reads its artifact records and clones the repository around REPO at
 * their commit;
 * build_rebuild_check_toolchain refuses an installed toolchain whose
 * digest is not the bundle's; build_rebuild_flags sets the -F flags the
 * bundle's build had; build_rebuild builds without the cache, writes the
 * artifact records with reproducible set, and returns the exit status:
 * 1 when an output differs from the bundle's.  All exit on failure.
 */
void build_rebuild_prepare(struct rebuild *rb,
    const struct build_options *opt, const char *repo);
void build_rebuild_check_toolchain(const struct rebuild *rb,
    const struct build *b);
void build_rebuild_flags(const struct rebuild *rb, struct build *b);
int build_rebuild(struct rebuild *rb, struct build *b);
void build_rebuild_free(struct rebuild *rb);

/* report.c: records, change-based selection and bundles. */
void build_read_changes(struct build *b, struct hx_git *git,
    struct changes *ch);
void build_emit_artifact(const struct build *b, size_t i,
    const struct build_result *r, bool hit, int64_t duration_ns,
    const char *tail, const struct changes *ch, int reproducible);
void build_write_bundle(struct build *b,
    const struct build_result *results);

/* env.c: the fixed environment and what users get of it. */
char **build_env(const struct build *b, const char *workdir,
    const char *cmake_file);
int build_write_cmake_toolchain(const struct build *b, const char *path);
void build_print_env(const struct build *b, const char *workdir);

/* run.c: run the build, or restore it from the cache. */
const char *build_stage_parent(void);
/* A new directory TMPDIR/PREFIX.XXXXXX, absolute, adopted. */
char *build_stage_dir(const char *prefix);
int build_compute_key(struct build *b);
int build_run(struct build *b, struct build_result *results,
    const char *stage_prefix, bool install, char **tail,
    int64_t *duration_ns);
bool build_restore(struct build *b, struct hx_cache *cache,
    struct build_result *results);
void build_store(struct build *b, struct hx_cache *cache,
    struct build_result *results);
void build_free_results(struct build_result *results, size_t n);

/*
 * remote.c: the remote cache at opt->cache_url.  build_remote_fetch puts
 * entry b->key, fetched and checked, into CACHE and returns true, or
 * warns and returns false; build_remote_store uploads entry b->key from
 * CACHE, warning when it cannot; build_remote_share does so after a local
 * hit when the server lacks the entry.
 */
bool build_remote_fetch(struct build *b, struct hx_cache *cache);
void build_remote_store(struct build *b, struct hx_cache *cache);
void build_remote_share(struct build *b, struct hx_cache *cache);

#endif
