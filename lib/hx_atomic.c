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

/*
 * The process's umask, read from /proc so that no other thread ever sees
 * it changed; umask(2) itself is the fallback on kernels before 4.7.
 */
static mode_t
current_umask(void)
{
	char line[128];
	unsigned long mask;
	mode_t old;
	FILE *fp;

	if ((fp = fopen("/proc/self/status", "re")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			if (sscanf(line, "Umask: %lo", &mask) == 1) {
				fclose(fp);
				return (mode_t)mask;
			}
		fclose(fp);
	}
	old = umask(022);
	umask(old);
	return old;
}

/*
 * PATH exists and is not a regular file (/dev/null, /dev/stdout, a FIFO):
 * write to it in place, as a shell redirection would; renaming over it
 * would replace the device or pipe with a file.
 */
static int
open_in_place(struct hx_atomic *a, const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || (a->fp = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	a->path = hx_xstrdup(path);
	return 0;
}

int
hx_atomic_open(struct hx_atomic *a, const char *path, unsigned mode)
{
	struct stat st;
	int fd;

	memset(a, 0, sizeof(*a));
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return -1;
		}
		return open_in_place(a, path);
	}
	a->path = hx_xstrdup(path);
	a->tmp = hx_xasprintf("%s.tmpXXXXXX", path);
	if ((fd = mkostemp(a->tmp, O_CLOEXEC)) < 0)
		goto fail;
	if (fchmod(fd, (mode_t)mode & ~current_umask()) < 0 ||
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

	if (a->tmp == NULL) {
		/* Written in place: a device or a pipe, nothing to rename. */
		saved = fflush(a->fp) != 0 || ferror(a->fp) ? errno : 0;
		if (fclose(a->fp) != 0 && saved == 0)
			saved = errno;
		a->fp = NULL;
		free(a->path);
		a->path = NULL;
		errno = saved;
		return saved != 0 ? -1 : 0;
	}
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
