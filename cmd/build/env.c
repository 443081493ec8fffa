/*
 * env.c: the clean, fixed environment hx-build runs a project's build
 * in, and the same settings for users who run their build themselves
 * (--print-env, --emit-cmake-toolchain).
 *
 * Nothing of the caller's environment reaches the build but PATH and
 * TMPDIR: CFLAGS, CPATH, LIBRARY_PATH, MAKEFLAGS, GCC_EXEC_PREFIX and the
 * like would make the result depend on who ran it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "hx_atomic.h"
#include "hx_err.h"
#include "hx_strv.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* FLAGS joined with spaces, with the file prefix map for WORKDIR added. */
static char *
cflags(const struct build *b, const char *workdir)
{
	char *s = hx_xstrdup(""), *t;
	size_t i;

	for (i = 0; b->flags[i] != NULL; i++) {
		t = hx_xasprintf("%s%s ", s, b->flags[i]);
		free(s);
		s = t;
	}
	t = hx_xasprintf("%s-ffile-prefix-map=%s=.", s, workdir);
	free(s);
	return t;
}

static void
add(char ***env, size_t *n, char *entry)
{
	*env = hx_xrealloc(*env, (*n + 2) * sizeof(char *));
	(*env)[(*n)++] = entry;
	(*env)[*n] = NULL;
}

char **
build_env(const struct build *b, const char *workdir, const char *cmake_file)
{
	const char *path = getenv("PATH"), *tmpdir = getenv("TMPDIR");
	char **env = NULL, *flags = cflags(b, workdir), *cc, *cxx;
	size_t n = 0;

	cc = hx_toolchain_command(&b->tc, b->tc.cc);
	add(&env, &n, hx_xasprintf("PATH=%s", path != NULL && *path != '\0' ?
	    path : DEFAULT_PATH));
	if (tmpdir != NULL && *tmpdir == '/')
		add(&env, &n, hx_xasprintf("TMPDIR=%s", tmpdir));
	add(&env, &n, hx_xasprintf("HOME=%s", workdir));
	add(&env, &n, hx_xstrdup("LC_ALL=C"));
	add(&env, &n, hx_xstrdup("LANG=C"));
	add(&env, &n, hx_xstrdup("TZ=UTC"));
	add(&env, &n, hx_xasprintf("SOURCE_DATE_EPOCH=%lld",
	    (long long)b->source_date_epoch));
	add(&env, &n, hx_xasprintf("CC=%s", cc));
	if (b->tc.cxx != NULL) {
		cxx = hx_toolchain_command(&b->tc, b->tc.cxx);
		add(&env, &n, hx_xasprintf("CXX=%s", cxx));
		free(cxx);
	}
	add(&env, &n, hx_xasprintf("AR=%s", b->tc.ar));
	add(&env, &n, hx_xasprintf("CFLAGS=%s", flags));
	add(&env, &n, hx_xasprintf("CXXFLAGS=%s", flags));
	add(&env, &n, hx_xstrdup("CPPFLAGS="));
	add(&env, &n, hx_xstrdup("LDFLAGS="));
	add(&env, &n, hx_xasprintf("HOST=%s", b->tc.target));
	add(&env, &n, hx_xasprintf("HX_TARGET=%s", b->tc.target));
	if (cmake_file != NULL)
		add(&env, &n, hx_xasprintf("CMAKE_TOOLCHAIN_FILE=%s",
		    cmake_file));
	free(flags);
	free(cc);
	return env;
}

/* Whether the toolchain builds for another machine than this one. */
static bool
is_cross(const struct build *b)
{
	return b->tc.sysroot != NULL;
}

int
build_write_cmake_toolchain(const struct build *b, const char *path)
{
	struct hx_atomic a;
	char *cc_flags = hx_xstrdup(""), *t;
	FILE *fp = stdout;
	size_t i;

	for (i = 0; b->tc.cc_args[i] != NULL; i++) {
		t = hx_xasprintf("%s%s%s", cc_flags, i ? " " : "",
		    b->tc.cc_args[i]);
		free(cc_flags);
		cc_flags = t;
	}
	if (strcmp(path, "-") != 0) {
		if (hx_atomic_open(&a, path, 0644) != 0) {
			free(cc_flags);
			return -1;
		}
		fp = a.fp;
	}
	fprintf(fp, "# CMake toolchain file for %s, written by hx-build from\n"
	    "# %s; do not edit.\n", b->tc.name, b->tc.file);
	fprintf(fp, "set(CMAKE_SYSTEM_NAME Linux)\n"
	    "set(CMAKE_SYSTEM_PROCESSOR %s)\n", b->tc.arch);
	fprintf(fp, "set(CMAKE_C_COMPILER %s)\n", b->found.cc_path);
	if (b->tc.cxx != NULL)
		fprintf(fp, "set(CMAKE_CXX_COMPILER %s)\n", b->tc.cxx);
	if (*cc_flags != '\0')
		fprintf(fp, "set(CMAKE_C_COMPILER_TARGET %s)\n"
		    "set(CMAKE_CXX_COMPILER_TARGET %s)\n", b->tc.target,
		    b->tc.target);
	fprintf(fp, "set(CMAKE_AR %s CACHE FILEPATH \"\")\n", b->tc.ar);
	if (is_cross(b))
		fprintf(fp, "set(CMAKE_FIND_ROOT_PATH %s)\n"
		    "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)\n"
		    "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)\n"
		    "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)\n"
		    "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)\n"
		    "set(CMAKE_CROSSCOMPILING_EMULATOR qemu-%s -L %s)\n",
		    b->tc.sysroot, b->tc.arch, b->tc.sysroot);
	free(cc_flags);
	if (fp == stdout) {
		hx_err_close_stdout();
		return 0;
	}
	if (ferror(fp)) {
		hx_atomic_abort(&a);
		return -1;
	}
	return hx_atomic_commit(&a);
}

void
build_print_env(const struct build *b, const char *workdir)
{
	char **env = build_env(b, workdir, NULL), *eq;
	size_t i;

	for (i = 0; env[i] != NULL; i++) {
		/* The caller's own PATH, TMPDIR and HOME stay theirs. */
		if (strncmp(env[i], "PATH=", 5) == 0 ||
		    strncmp(env[i], "TMPDIR=", 7) == 0 ||
		    strncmp(env[i], "HOME=", 5) == 0)
			continue;
		eq = strchr(env[i], '=');
		printf("export %.*s=", (int)(eq - env[i]), env[i]);
		hx_strv_sh_quote(stdout, eq + 1);
		putchar('\n');
	}
	hx_strv_free(env);
	hx_err_close_stdout();
}
