/*
 * hx_file: directories and file names.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Remove one entry of a tree, after its contents; a missing one is fine. */
static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 &&
	    errno != ENOENT ? -1 : 0;
}

int
hx_file_remove_tree(const char *path)
{
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return errno == ENOENT ? 0 : -errno;
	return 0;
}
