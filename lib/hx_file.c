/*
 * hx_file: directories and file names.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_file.h"

int
hx_file_mkdir_p(const char *path, mode_t mode)
{
	char *copy = hx_xstrdup(path), *p = copy;
	struct stat st;
	int rc = 0;

	/* Each prefix that ends before a '/', then the whole path. */
	while (rc == 0 && p != NULL) {
		p = *p != '\0' ? strchr(p + 1, '/') : NULL;
		if (p != NULL)
			*p = '\0';
		if (mkdir(copy, mode) != 0 && errno != EEXIST)
			rc = -errno;
		if (p != NULL)
			*p = '/';
	}
	if (rc == 0 && stat(copy, &st) != 0)
		rc = -errno;
	else if (rc == 0 && !S_ISDIR(st.st_mode))
		rc = -ENOTDIR;
	free(copy);
	return rc;
}

int
hx_file_mkdir_parents(const char *path, mode_t mode)
{
	char *copy = hx_xstrdup(path), *slash = strrchr(copy, '/');
	int rc = 0;

	if (slash != NULL && slash != copy) {
		*slash = '\0';
		rc = hx_file_mkdir_p(copy, mode);
	}
	free(copy);
	return rc;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 &&
	    errno != ENOENT ? -1 : 0;
}

int
hx_file_remove_tree(const char *path)
{
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
hx_file_lock_dir(const char *dir)
{
	int fd, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		saved = errno;
		close(fd);
		return -saved;
	}
	return fd;
}

int
hx_file_sweep(const char *parent, const char *pattern, time_t max_age,
    unsigned *removed)
{
	struct dirent *e;
	struct stat st;
	char *path;
	DIR *d;
	int fd;

	*removed = 0;
	if ((d = opendir(parent)) == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (fnmatch(pattern, e->d_name, FNM_PERIOD) != 0)
			continue;
		path = hx_xasprintf("%s/%s", parent, e->d_name);
		/* Held locked while it goes, so that two sweeps never race. */
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_uid == geteuid() &&
		    st.st_mtime + max_age < time(NULL) &&
		    (fd = hx_file_lock_dir(path)) >= 0) {
			if (hx_file_remove_tree(path) == 0)
				(*removed)++;
			close(fd);
		}
		free(path);
	}
	closedir(d);
	return 0;
}
