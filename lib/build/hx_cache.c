/*
 * hx_cache: entries are ROOT/build-v1/KEY[0..2]/KEY/, filled in
 * ROOT/tmp/ and renamed into place.  Eviction renames an entry back into
 * ROOT/tmp before deleting it, so no reader ever sees half an entry.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/hx_cache.h"
#include "hx_err.h"
#include "hx_file.h"

#define USED_FILE "used"

char *
hx_cache_default_dir(void)
{
	const char *v;

	if ((v = getenv("HX_CACHE_DIR")) != NULL && *v != '\0')
		return hx_xstrdup(v);
	if ((v = getenv("XDG_CACHE_HOME")) != NULL && *v == '/')
		return hx_xasprintf("%s/hx", v);
	if ((v = getenv("HOME")) != NULL && *v != '\0')
		return hx_xasprintf("%s/.cache/hx", v);
	return hx_xstrdup("/tmp/hx-cache");
}

int
hx_cache_open(struct hx_cache *c, const char *root)
{
	int rc;

	c->root = hx_xstrdup(root);
	c->entries = hx_xasprintf("%s/build-v1", root);
	c->tmp = hx_xasprintf("%s/tmp", root);
	if ((rc = hx_file_mkdir_p(c->entries, 0777)) != 0 ||
	    (rc = hx_file_mkdir_p(c->tmp, 0777)) != 0) {
		hx_cache_close(c);
		errno = -rc;
		return -1;
	}
	return 0;
}

void
hx_cache_close(struct hx_cache *c)
{
	free(c->root);
	free(c->entries);
	free(c->tmp);
	c->root = c->entries = c->tmp = NULL;
}

static char *
entry_dir(const struct hx_cache *c, const char *key)
{
	return hx_xasprintf("%s/%.2s/%s", c->entries, key, key);
}

/* Set the mtime of DIR/used to now, creating it. */
static void
mark_used(const char *dir)
{
	char *used = hx_xasprintf("%s/%s", dir, USED_FILE);
	int fd;

	if (utimensat(AT_FDCWD, used, NULL, 0) != 0 &&
	    (fd = open(used, O_WRONLY | O_CREAT, 0666)) >= 0)
		close(fd);
	free(used);
}

char *
hx_cache_lookup(struct hx_cache *c, const char *key)
{
	char *dir = entry_dir(c, key), *used;
	struct stat st;

	used = hx_xasprintf("%s/%s", dir, USED_FILE);
	if (stat(used, &st) != 0) {
		free(used);
		free(dir);
		return NULL;
	}
	free(used);
	mark_used(dir);
	return dir;
}

char *
hx_cache_begin(struct hx_cache *c)
{
	char *tmp = hx_xasprintf("%s/entry.XXXXXX", c->tmp);

	if (mkdtemp(tmp) == NULL) {
		free(tmp);
		return NULL;
	}
	return tmp;
}

int
hx_cache_commit(struct hx_cache *c, const char *tmp, const char *key)
{
	char *dir = entry_dir(c, key), *parent;
	int rc = 0;

	mark_used(tmp);
	parent = hx_xasprintf("%s/%.2s", c->entries, key);
	if (mkdir(parent, 0777) != 0 && errno != EEXIST)
		rc = -1;
	else if (rename(tmp, dir) != 0) {
		/* Another process stored the same key first: keep theirs. */
		if (errno == EEXIST || errno == ENOTEMPTY)
			hx_file_remove_tree(tmp);
		else
			rc = -1;
	}
	free(parent);
	free(dir);
	return rc;
}

int
hx_cache_discard(struct hx_cache *c, const char *key)
{
	char *dir = entry_dir(c, key), *doomed;
	int rc = 0;

	doomed = hx_xasprintf("%s/discard.%ld.%s", c->tmp, (long)getpid(),
	    key);
	if (rename(dir, doomed) == 0)
		rc = hx_file_remove_tree(doomed);
	else if (errno != ENOENT)
		rc = -1;
	free(doomed);
	free(dir);
	return rc;
}

/* The bytes of every file under an entry, summed by nftw. */
static uint64_t tree_bytes;

static int
add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F)
		tree_bytes += (uint64_t)st->st_size;
	return 0;
}

struct entry {
	char *dir;
	char key[80];
	struct timespec used;
	uint64_t bytes;
};

static int
older_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* List every complete entry with its size and last use. */
static struct entry *
list_entries(const struct hx_cache *c, size_t *count)
{
	struct entry *v = NULL;
	struct dirent *e, *f;
	struct stat st;
	size_t n = 0, cap = 0;
	char *sub, *used;
	DIR *d, *s;

	if ((d = opendir(c->entries)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		sub = hx_xasprintf("%s/%s", c->entries, e->d_name);
		if ((s = opendir(sub)) != NULL) {
			while ((f = readdir(s)) != NULL) {
				if (f->d_name[0] == '.' ||
				    strlen(f->d_name) >= sizeof(v->key))
					continue;
				if (n == cap) {
					cap = cap ? cap * 2 : 32;
					v = hx_xrealloc(v, cap * sizeof(*v));
				}
				v[n].dir = hx_xasprintf("%s/%s", sub,
				    f->d_name);
				snprintf(v[n].key, sizeof(v[n].key), "%s",
				    f->d_name);
				used = hx_xasprintf("%s/%s", v[n].dir,
				    USED_FILE);
				if (stat(used, &st) != 0)
					memset(&st, 0, sizeof(st));
				free(used);
				v[n].used = st.st_mtim;
				tree_bytes = 0;
				nftw(v[n].dir, add_size, 16, FTW_PHYS);
				v[n].bytes = tree_bytes;
				n++;
			}
			closedir(s);
		}
		free(sub);
	}
	closedir(d);
	*count = n;
	return v;
}

int
hx_cache_evict(struct hx_cache *c, uint64_t max_bytes, const char *keep,
    unsigned *evicted)
{
	struct entry *v;
	uint64_t total = 0;
	size_t n = 0, i;
	char *doomed;

	*evicted = 0;
	if ((v = list_entries(c, &n)) == NULL)
		return 0;
	qsort(v, n, sizeof(*v), older_first);
	for (i = 0; i < n; i++)
		total += v[i].bytes;
	for (i = 0; i < n && total > max_bytes; i++) {
		if (keep != NULL && strcmp(v[i].key, keep) == 0)
			continue;
		doomed = hx_xasprintf("%s/evict.%ld.%s", c->tmp,
		    (long)getpid(), v[i].key);
		/* Rename first: readers never see a half-deleted entry. */
		if (rename(v[i].dir, doomed) == 0) {
			hx_file_remove_tree(doomed);
			(*evicted)++;
		}
		total -= v[i].bytes;
		free(doomed);
	}
	for (i = 0; i < n; i++)
		free(v[i].dir);
	free(v);
	return 0;
}

/* Copy IN to OUT; returns 0, or -1 with errno set. */
static int
copy_stream(FILE *in, FILE *out)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return -1;
	if (ferror(in)) {
		errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

int
hx_cache_copy_file(const char *src, const char *dst, unsigned mode,
    bool atomic)
{
	FILE *in, *out;
	char *tmp;
	int saved, rc, fd = -1;

	if ((in = fopen(src, "rb")) == NULL)
		return -1;
	if (!atomic) {
		if ((out = fopen(dst, "wb")) == NULL ||
		    fchmod(fileno(out), mode) != 0) {
			saved = errno;
			if (out != NULL) {
				fclose(out);
				unlink(dst);
			}
			fclose(in);
			errno = saved;
			return -1;
		}
		rc = copy_stream(in, out);
		saved = errno;
		fclose(in);
		if (fclose(out) != 0 && rc == 0) {
			rc = -1;
			saved = errno;
		}
		/* No partial file stays behind. */
		if (rc != 0)
			unlink(dst);
		errno = saved;
		return rc;
	}
	/* A temporary name and a rename: readers never see half a file.
	 * No fsync: an output can always be restored or rebuilt. */
	tmp = hx_xasprintf("%s.tmpXXXXXX", dst);
	if ((fd = mkstemp(tmp)) < 0 || (out = fdopen(fd, "wb")) == NULL) {
		saved = errno;
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		fclose(in);
		free(tmp);
		errno = saved;
		return -1;
	}
	/* The first failure's errno; OUT is closed whatever happens. */
	rc = copy_stream(in, out);
	saved = rc != 0 ? errno : 0;
	fclose(in);
	if (fchmod(fd, mode) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (fclose(out) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && rename(tmp, dst) != 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	if (rc != 0)
		errno = saved != 0 ? saved : EIO;
	return rc;
}

int
hx_cache_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'K': case 'k':
		shift = 10;
		break;
	case 'M': case 'm':
		shift = 20;
		break;
	case 'G': case 'g':
		shift = 30;
		break;
	case 'T': case 't':
		shift = 40;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0' && !(end[1] == 'B' && !end[2]))
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}
