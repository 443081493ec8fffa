/*
 * hx_qemu: QEMU user mode, its plugin support, and guest loaders.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hx_file.h"
#include "hx_spawn.h"
#include "hx_strv.h"
#include "emu/hx_qemu.h"

const char *
hx_qemu_host_arch(void)
{
	static char machine[sizeof(((struct utsname *)0)->machine)];
	struct utsname u;

	if (machine[0] == '\0' && uname(&u) == 0)
		snprintf(machine, sizeof(machine), "%s", u.machine);
	return machine;
}

char **
hx_qemu_plugin_paths(void)
{
	const char *env = getenv("HX_PLUGIN");
	char **found = hx_spawn_pkglib_paths(HX_QEMU_PLUGIN_NAME), **v;
	size_t n = 0, i;

	for (i = 0; found[i] != NULL; i++)
		continue;
	v = hx_xcalloc(i + 2, sizeof(*v));
	if (env != NULL && *env != '\0')
		v[n++] = hx_xstrdup(env);
	memcpy(v + n, found, i * sizeof(*v));
	free(found);
	return v;
}

char *
hx_qemu_find_plugin(void)
{
	const char *env = getenv("HX_PLUGIN");
	char **v = hx_qemu_plugin_paths(), *path;
	size_t i = 0;

	/* $HX_PLUGIN, when set, is the plugin, there or not. */
	if (env == NULL || *env == '\0')
		while (v[i + 1] != NULL && access(v[i], R_OK) != 0)
			i++;
	path = hx_xstrdup(v[i]);
	hx_strv_free(v);
	return path;
}

/* The Debian package with the C library for ARCH's programs. */
static const char *
libc_package(const char *arch)
{
	if (strcmp(arch, "x86_64") == 0)
		return "libc6-dev-amd64-cross";
	if (strcmp(arch, "aarch64") == 0)
		return "libc6-dev-arm64-cross";
	if (strcmp(arch, "arm") == 0)
		return "libc6-dev-armhf-cross";
	if (strcmp(arch, "i386") == 0)
		return "libc6-dev-i386-cross";
	return strcmp(arch, "riscv64") == 0 ? "libc6-dev-riscv64-cross" :
	    "the libc6-dev cross package of the architecture";
}

struct qemu_seen {
	char *name;
	char *path;
	bool plugin_checked;
};

/* QEMU lookups, made on one thread only. */
static struct qemu_seen *qemus;
static size_t nqemus;

/*
 * Check that QEMU loads PLUGIN: QEMU loads plugins before the guest, so a
 * guest that does not exist shows whether the plugin loaded.
 */
static int
check_plugin(const char *qemu, const char *plugin, const char *tmpdir,
    struct hx_err_info *err)
{
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	char *arg = hx_xasprintf("%s,out=%s/probe", plugin, tmpdir), *nl;
	char *argv[] = { (char *)qemu, (char *)"-plugin", arg,
	    (char *)"/nonexistent/hx-emu-probe", NULL };
	int rc = 0;

	spec.argv = argv;
	spec.capture = true;
	spec.merge_stderr = true;
	spec.timeout_ns = 30000000000LL;
	if ((errno = hx_spawn_run(&spec, &res)) != 0) {
		free(arg);
		return hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s", qemu);
	}
	if (strstr(res.out, "plugin") != NULL) {
		if ((nl = strchr(res.out, '\n')) != NULL)
			*nl = '\0';
		rc = hx_err_set(err, HX_EXIT_SYSTEM, "%s cannot load the "
		    "instruction-counting plugin: %s (install qemu-user 7.2 "
		    "or later from Debian, or set HX_PLUGIN)", qemu, res.out);
	}
	hx_spawn_result_free(&res);
	free(arg);
	return rc;
}

const char *
hx_qemu_find(const char *arch, const char *plugin, const char *tmpdir,
    struct hx_err_info *err)
{
	char *name = hx_xasprintf("qemu-%s", arch), *path;
	struct qemu_seen *q = NULL;
	size_t i;

	for (i = 0; i < nqemus && q == NULL; i++)
		if (strcmp(qemus[i].name, name) == 0)
			q = &qemus[i];
	if (q == NULL) {
		if ((path = hx_spawn_which(name)) == NULL) {
			hx_err_set(err, HX_EXIT_SYSTEM, "%s not found in PATH: "
			    "install the Debian package qemu-user", name);
			free(name);
			return NULL;
		}
		qemus = hx_xrealloc(qemus, (nqemus + 1) * sizeof(*qemus));
		q = &qemus[nqemus++];
		q->name = name;
		q->path = path;
		q->plugin_checked = false;
	} else
		free(name);
	if (plugin != NULL && !q->plugin_checked) {
		if (check_plugin(q->path, plugin, tmpdir, err) < 0)
			return NULL;
		q->plugin_checked = true;
	}
	return q->path;
}

int
hx_qemu_check_loader(const char *what, const char *arch, const char *sysroot,
    const char *interp, struct hx_err_info *err)
{
	char *loader;
	int rc = 0;

	loader = hx_xasprintf("%s%s", strcmp(sysroot, "/") == 0 ? "" :
	    sysroot, interp);
	if (access(loader, F_OK) != 0)
		rc = hx_err_set(err, HX_EXIT_SYSTEM, "%s: the %s loader %s is "
		    "missing: install the Debian package %s", what, arch,
		    loader, libc_package(arch));
	free(loader);
	return rc;
}

/* The Debian multiarch name of ARCH's libraries, as a new string. */
static char *
multiarch(const char *arch)
{
	if (strcmp(arch, "arm") == 0)
		return hx_xstrdup("arm-linux-gnueabihf");
	return hx_xasprintf("%s-linux-gnu", arch);
}

/* Link every entry of the directory FROM into the new directory TO. */
static int
mirror(const char *from, const char *to)
{
	struct dirent *d;
	char *src, *dst;
	DIR *dir;
	int rc = 0;

	if (mkdir(to, 0700) != 0 && errno != EEXIST)
		return -1;
	if ((dir = opendir(from)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		src = hx_xasprintf("%s/%s", from, d->d_name);
		dst = hx_xasprintf("%s/%s", to, d->d_name);
		rc = symlink(src, dst);
		free(src);
		free(dst);
	}
	closedir(dir);
	return rc;
}

/*
 * Make REL (a path under VIEW, the view of SYSROOT) a real directory:
 * each component that is a link into the sysroot becomes a directory of
 * links to what it held, and a missing one an empty directory.
 */
static int
real_dir(const char *view, const char *sysroot, const char *rel)
{
	char *copy = hx_xstrdup(rel), *p = copy, *slash, *in_view, *in_root;
	struct stat st;
	int rc = 0;

	do {
		slash = strchr(p, '/');
		if (slash != NULL)
			*slash = '\0';
		in_view = hx_xasprintf("%s/%s", view, copy);
		in_root = hx_xasprintf("%s/%s", sysroot, copy);
		if (lstat(in_view, &st) == 0 && S_ISLNK(st.st_mode)) {
			if (unlink(in_view) != 0 || mirror(in_root, in_view) != 0)
				rc = -1;
		} else if (lstat(in_view, &st) != 0 &&
		    mkdir(in_view, 0700) != 0)
			rc = -1;
		free(in_view);
		free(in_root);
		if (slash != NULL) {
			*slash = '/';
			p = slash + 1;
		}
	} while (rc == 0 && slash != NULL);
	free(copy);
	return rc;
}

/* An empty file REL under VIEW, in place of whatever the sysroot has. */
static int
empty_file(const char *view, const char *rel)
{
	char *path = hx_xasprintf("%s/%s", view, rel);
	int fd, rc = 0;

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0 || close(fd) != 0)
		rc = -1;
	free(path);
	return rc;
}

struct view_seen {
	char *sysroot, *arch, *path;
};

/* Views made so far, on one thread only. */
static struct view_seen *views;
static size_t nviews;

const char *
hx_qemu_sysroot_view(const char *sysroot, const char *arch, const char *dir,
    struct hx_err_info *err)
{
	char *ma, *path, *probe[6], *libs, *first;
	size_t i;
	int rc;

	for (i = 0; i < nviews; i++)
		if (strcmp(views[i].sysroot, sysroot) == 0 &&
		    strcmp(views[i].arch, arch) == 0)
			return views[i].path;
	path = hx_xasprintf("%s/sysroot.%zu", dir, nviews);
	ma = multiarch(arch);
	probe[0] = hx_xasprintf("lib/%s/tls", ma);
	probe[1] = hx_xasprintf("usr/lib/%s/tls", ma);
	probe[2] = hx_xstrdup("lib/tls");
	probe[3] = hx_xstrdup("usr/lib/tls");
	probe[4] = hx_xstrdup("etc");
	probe[5] = NULL;
	rc = mirror(sysroot, path);
	for (i = 0; rc == 0 && probe[i] != NULL; i++)
		rc = real_dir(path, sysroot, probe[i]);
	/*
	 * The first directory the loader looks in holds every library of
	 * the sysroot: it finds each there, and never falls through to a
	 * host directory QEMU would look in for a file the view lacks.
	 * That is lib/ARCH-linux-gnu/tls for glibc before 2.37, which
	 * searched tls/ subdirectories, and lib/ARCH-linux-gnu after.
	 */
	libs = hx_xasprintf("%s/lib", sysroot);
	first = hx_xasprintf("%s/%s", path, probe[0]);
	if (rc == 0)
		rc = mirror(libs, first);
	*strrchr(first, '/') = '\0';
	if (rc == 0)
		rc = mirror(libs, first);
	free(libs);
	free(first);
	if (rc == 0)
		rc = empty_file(path, "etc/ld.so.cache");
	if (rc == 0)
		rc = empty_file(path, "etc/ld.so.preload");
	for (i = 0; probe[i] != NULL; i++)
		free(probe[i]);
	free(ma);
	if (rc != 0) {
		hx_err_set_errno(err, HX_EXIT_SYSTEM, "%s: cannot make a view "
		    "of the sysroot %s", path, sysroot);
		free(path);
		return NULL;
	}
	views = hx_xrealloc(views, (nviews + 1) * sizeof(*views));
	views[nviews].sysroot = hx_xstrdup(sysroot);
	views[nviews].arch = hx_xstrdup(arch);
	views[nviews].path = path;
	return views[nviews++].path;
}
