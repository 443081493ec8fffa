/*
 * hx_cache: a content-addressed store of build results, safe to share
 * between processes and machines that mount the same directory.
 *
 * An entry is a directory named by its key (a SHA-256 the caller computes
 * over everything that determines the result).  It is filled under a
 * temporary name and renamed into place whole, so a reader sees a complete
 * entry or none; when two writers race, the first rename wins and the
 * second discards its copy.  Each entry has a "used" file whose mtime this
 * module sets on every use: least recently used entries are evicted first.
 */
#ifndef HX_CACHE_H
#define HX_CACHE_H

#include <stdbool.h>
#include <stdint.h>

struct hx_cache {
	char *root;		/* the cache directory */
	char *entries;		/* ROOT/build-v1 */
	char *tmp;		/* ROOT/tmp: entries being written */
};

/*
 * The default cache directory: HX_CACHE_DIR, else $XDG_CACHE_HOME/hx, else
 * ~/.cache/hx.  A new string.
 */
char *hx_cache_default_dir(void);

/* Open (creating) the cache at ROOT.  Returns 0, or -1 with errno set. */
int hx_cache_open(struct hx_cache *c, const char *root);
void hx_cache_close(struct hx_cache *c);

/*
 * The directory of the complete entry KEY, marked as used now, or NULL
 * when there is none.  A new string.
 */
char *hx_cache_lookup(struct hx_cache *c, const char *key);

/* A new empty directory to fill as an entry.  NULL with errno on failure. */
char *hx_cache_begin(struct hx_cache *c);

/*
 * Move the filled directory TMP into place as entry KEY.  Returns 0 (also
 * when another process stored KEY first; TMP is then removed), or -1.
 */
int hx_cache_commit(struct hx_cache *c, const char *tmp, const char *key);

/*
 * Remove entry KEY (one found damaged), so that a rebuild can store it
 * again: renamed into the cache's tmp/ first, as eviction does, so no
 * reader sees half an entry.  Returns 0 (also when KEY is gone), or -1.
 */
int hx_cache_discard(struct hx_cache *c, const char *key);

/*
 * Evict least recently used entries until the entries take at most
 * MAX_BYTES, never KEEP (a key, or NULL).  Sets *EVICTED to the
 * number of entries removed.  Returns 0 or -1.
 */
int hx_cache_evict(struct hx_cache *c, uint64_t max_bytes, const char *keep,
    unsigned *evicted);

/*
 * Copy the file SRC to DST with permission bits MODE; with ATOMIC through a
 * temporary file renamed into place (for files others may be reading),
 * else directly (inside an entry that is not yet in place).  Returns 0, or -1
 * with errno set; a copy that fails leaves no file at DST.
 */
int hx_cache_copy_file(const char *src, const char *dst, unsigned mode,
    bool atomic);

/*
 * Parse a size such as 500M, 2G or 1048576 (K, M, G, T: powers of 1024).
 * Returns 0, or -1 when S is not a size.
 */
int hx_cache_parse_size(const char *s, uint64_t *bytes);

#endif
