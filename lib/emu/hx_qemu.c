/*
 * hx_qemu: QEMU user mode, its plugin support, and guest loaders.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hx_spawn.h"
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

char *
hx_qemu_find_plugin(const char *self_dir, const char *installed_dir)
{
	const char *env = getenv("HX_PLUGIN");
	char *path;

	if (env != NULL && *env != '\0')
		return hx_xstrdup(env);
	if (self_dir != NULL) {
		path = hx_xasprintf("%s/%s", self_dir, HX_QEMU_PLUGIN_NAME);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
		/* In a build tree, cmd/hx-emu and plugin/hx-insncount.so. */
		path = hx_xasprintf("%s/../plugin/%s", self_dir,
		    HX_QEMU_PLUGIN_NAME);
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return hx_xasprintf("%s/%s", installed_dir, HX_QEMU_PLUGIN_NAME);
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
