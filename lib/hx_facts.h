/*
 * hx_facts: what a node's timing may hang on, read from this machine:
 * the kernel release, the GPU driver and firmware versions, and each
 * loaded kernel module with the sha256 of its file and its signature as
 * kmod's modinfo(8) reports them.  What cannot be read is unknown, with
 * the reason, never an error: a monolithic kernel loads no modules.
 */
#ifndef HX_FACTS_H
#define HX_FACTS_H

#include <stddef.h>

/* Where to look: overridable so that tests can lay out a machine. */
struct hx_facts_roots {
	const char *proc;		/* "/proc" */
	const char *sys;		/* "/sys" */
	const char *modules_root;	/* modinfo -b DIR, or NULL: "/" */
};

/* One loaded module.  The strings are owned. */
struct hx_facts_module {
	char *name;		/* as PROC/modules lists it */
	char *file;		/* modinfo -n, or NULL */
	char *sha256;		/* of the file as stored (.ko.xz: compressed) */
	char *signer;		/* modinfo -F signer, or NULL */
	char *sig_id;		/* "PKCS#7", or NULL: the module is unsigned */
	char *sig_hashalgo;	/* "sha256", or NULL */
	char *error;		/* why file or sha256 is missing, or NULL */
};

/* The facts of a machine.  A NULL version has its reason in the _why. */
struct hx_facts {
	char *kernel, *kernel_why;
	char *driver, *driver_why;
	char *firmware, *firmware_why;
	struct hx_facts_module *modules;
	size_t nmodules;
	char *modules_why;	/* why no module list could be read, or NULL */
};

/*
 * Read the facts of the machine ROOTS describe into *F: the kernel from
 * PROC/sys/kernel/osrelease (else uname), the driver from
 * PROC/driver/nvidia/version (else SYS/module/nvidia/version), the
 * firmware from SYS/class/dmi/id/bios_version, the modules from
 * PROC/modules and modinfo.  Never fails.
 */
void hx_facts_collect(const struct hx_facts_roots *roots, struct hx_facts *f);

/* The NVIDIA driver's version from PROC/driver/nvidia/version, or NULL. */
char *hx_facts_nvidia_driver(const char *proc);

/* Free what *F owns and empty it. */
void hx_facts_clear(struct hx_facts *f);

#endif
