/*
 * hx_atomic: temp file + fsync + rename.
 *
 * The temporary file is made with mkostemp in the target's directory, so
 * the rename never crosses a file system and two writers never share a
 * temporary name.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_atomic.h"
#include "hx_err.h"

/* Sync the directory holding PATH so the rename survives a crash. */
static void
sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	dir = slash == NULL ? hx_xstrdup(".") :
	    slash == path ? hx_xstrdup("/") :
	    hx_xasprintf("%.*s", (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int
hx_atomic_open(struct hx_atomic *a, const char *path, unsigned mode)
{
	mode_t mask;
	int fd;

	memset(a, 0, sizeof(*a));
	a->path = hx_xstrdup(path);
	a->tmp = hx_xasprintf("%s.tmpXXXXXX", path);
	if ((fd = mkostemp(a->tmp, O_CLOEXEC)) < 0)
		goto fail;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, (mode_t)mode & ~mask) < 0 ||
	    (a->fp = fdopen(fd, "w")) == NULL) {
		int saved = errno;

		close(fd);
		unlink(a->tmp);
		errno = saved;
		goto fail;
	}
	return 0;
fail:
	free(a->path);
	free(a->tmp);
	a->path = a->tmp = NULL;
	return -1;
}

int
hx_atomic_commit(struct hx_atomic *a)
{
	int saved;

	if (fflush(a->fp) != 0 || ferror(a->fp) || fsync(fileno(a->fp)) < 0) {
		saved = errno ? errno : EIO;
		hx_atomic_abort(a);
		errno = saved;
		return -1;
	}
	if (fclose(a->fp) != 0) {
		saved = errno;
		a->fp = NULL;
		hx_atomic_abort(a);
		errno = saved;
		return -1;
	}
	a->fp = NULL;
	if (rename(a->tmp, a->path) < 0) {
		saved = errno;
		hx_atomic_abort(a);
		errno = saved;
		return -1;
	}
	sync_parent(a->path);
	free(a->path);
	free(a->tmp);
	a->path = a->tmp = NULL;
	return 0;
}

void
hx_atomic_abort(struct hx_atomic *a)
{
	if (a->fp != NULL)
		fclose(a->fp);
	if (a->tmp != NULL)
		unlink(a->tmp);
	free(a->path);
	free(a->tmp);
	memset(a, 0, sizeof(*a));
}

int
hx_atomic_write(const char *path, const void *buf, size_t len, unsigned mode)
{
	struct hx_atomic a;

	if (hx_atomic_open(&a, path, mode) < 0)
		return -1;
	if (len > 0 && fwrite(buf, 1, len, a.fp) != len) {
		int saved = errno;

		hx_atomic_abort(&a);
		errno = saved;
		return -1;
	}
	return hx_atomic_commit(&a);
}
