/*
 * unit-file: mkdir -p and its failures; sorting and freeing string vectors.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_file.h"
#include "hx_strv.h"
#include "../tap.h"

static char dir[] = "/tmp/hx-unit-file.XXXXXX";

/* Whether PATH (under the scratch directory) is a directory. */
static int
is_dir(const char *path)
{
	char *full = hx_xasprintf("%s/%s", dir, path);
	struct stat st;
	int yes = stat(full, &st) == 0 && S_ISDIR(st.st_mode);

	free(full);
	return yes;
}

static void
test_mkdir(void)
{
	char *deep = hx_xasprintf("%s/a/b//c/", dir);
	char *file = hx_xasprintf("%s/a/file", dir);
	char *under = hx_xasprintf("%s/a/file/d", dir);
	char *parents = hx_xasprintf("%s/p/q/r.txt", dir);
	FILE *fp;

	tap_ok(hx_file_mkdir_p(deep, 0777) == 0 && is_dir("a/b/c"),
	    "mkdir -p makes every missing level");
	tap_ok(hx_file_mkdir_p(deep, 0777) == 0,
	    "a directory that exists is no error");
	fp = fopen(file, "w");
	if (fp != NULL)
		fclose(fp);
	tap_ok(hx_file_mkdir_p(file, 0777) == -ENOTDIR,
	    "a file in the way is -ENOTDIR");
	tap_ok(hx_file_mkdir_p(under, 0777) == -ENOTDIR,
	    "a file above is -ENOTDIR");
	tap_ok(hx_file_mkdir_p("", 0777) == -ENOENT, "an empty path is -ENOENT");
	tap_ok(hx_file_mkdir_parents(parents, 0777) == 0 && is_dir("p/q") &&
	    access(parents, F_OK) != 0,
	    "the directories above a file, not the file");
	tap_ok(hx_file_mkdir_parents("name", 0777) == 0,
	    "a name without a directory needs none");
	free(deep);
	free(file);
	free(under);
	free(parents);
}

static void
test_strv(void)
{
	char **v = hx_xcalloc(3, sizeof(*v));

	v[0] = hx_xstrdup("two");
	v[1] = hx_xstrdup("one");
	hx_strv_sort(v, 2);
	tap_ok(strcmp(v[0], "one") == 0 && strcmp(v[1], "two") == 0 &&
	    v[2] == NULL, "a vector is sorted in strcmp order");
	hx_strv_free(v);
	hx_strv_free(NULL);
	tap_ok(1, "a vector and NULL are freed without a crash");
}

int
main(void)
{
	char *rm;

	if (mkdtemp(dir) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "mkdtemp");
	test_mkdir();
	test_strv();
	rm = hx_xasprintf("rm -rf '%s'", dir);
	if (system(rm) != 0)
		tap_ok(0, "the scratch directory is removed");
	free(rm);
	return tap_done();
}
