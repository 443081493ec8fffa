/*
 * hx_qemu: finding QEMU user mode and what it needs: the emulator for an
 * architecture, its support for hx's instruction-counting plugin, the
 * plugin itself, and the loader a guest program asks for in its sysroot.
 * A missing piece is an error naming the Debian package to install.
 */
#ifndef HX_QEMU_H
#define HX_QEMU_H

#include "hx_err.h"
#include "build/hx_toolchain.h"

/* The name the plugin is installed and built under. */
#define HX_QEMU_PLUGIN_NAME "hx-insncount.so"

/* The architecture of this machine, as uname -m says it. */
const char *hx_qemu_host_arch(void);

/*
 * Where the plugin is looked for, in order: $HX_PLUGIN, beside this
 * program, in ../plugin of it (a build tree), in the installed directory
 * relative to this program (see hx_spawn_relocate), and in the configured
 * one.  A new NULL-terminated array.
 */
char **hx_qemu_plugin_paths(void);

/*
 * $HX_PLUGIN when set, else the first readable path of
 * hx_qemu_plugin_paths, else the last.  A new string.
 */
char *hx_qemu_find_plugin(void);

/*
 * The path of qemu-ARCH, found once per architecture; with PLUGIN, also
 * checked once to load it (TMPDIR takes its probe output).  Returns NULL
 * with ERR filled (status 4) when it is missing or cannot load the
 * plugin.  Call it from one thread.
 */
const char *hx_qemu_find(const char *arch, const char *plugin,
    const char *tmpdir, struct hx_err_info *err);

/*
 * Check that the loader INTERP of a guest for ARCH exists in SYSROOT.
 * Returns 0, or -1 with ERR filled (status 4) naming the package with
 * ARCH's C library.
 */
int hx_qemu_check_loader(const char *what, const char *arch,
    const char *sysroot, const char *interp, struct hx_err_info *err);

/*
 * A view of SYSROOT for QEMU's -L, made under DIR once per sysroot and
 * architecture: every entry of the sysroot as a symbolic link, and the
 * few files and directories the guest's loader looks for that would
 * otherwise be the host's (QEMU falls back to the host's file when the
 * sysroot has none): an empty etc/ld.so.cache and etc/ld.so.preload, and
 * the library directories it probes, the first of them holding the
 * sysroot's libraries.  So the host's loader cache, its
 * preloads and its multiarch directories never reach the guest.  Returns
 * the view's path (owned by the module), or NULL with ERR filled.
 */
const char *hx_qemu_sysroot_view(const char *sysroot, const char *arch,
    const char *dir, struct hx_err_info *err);

#endif
