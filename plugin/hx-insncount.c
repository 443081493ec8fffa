/*
 * hx-insncount: a QEMU TCG plugin that counts the guest instructions a
 * program executes, exactly and deterministically, for hx-emu --count.
 *
 * When QEMU translates a block it adds one inline operation to it: add
 * the block's instruction count to a counter.  Nothing calls back into
 * the plugin while the guest runs, so counting costs little.  At exit the
 * total is written, as a decimal number and a newline, to the file named
 * by the out= argument:
 *
 *	qemu-riscv64 -plugin hx-insncount.so,out=/tmp/n prog
 *
 * Without out= it goes to QEMU's log (standard error, or -D FILE) as
 * "insns N".  A process the guest forks inherits the counter but not the
 * right to report: only the process QEMU started writes the file.  The
 * inline add is not atomic, so the count of a multi-threaded guest is
 * not exact.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qemu-plugin-api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t insn_count;
static const char *out_path;
static pid_t install_pid;

/* Count each execution of a block as the instructions it holds. */
static void
tb_translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb,
	    QEMU_PLUGIN_INLINE_ADD_U64, &insn_count,
	    (uint64_t)qemu_plugin_tb_n_insns(tb));
}

/* Write all of BUF to FD. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Report the total once, from the process QEMU started. */
static void
at_exit(qemu_plugin_id_t id, void *userdata)
{
	char line[64];
	int fd, len;

	(void)id;
	(void)userdata;
	if (getpid() != install_pid)
		return;
	if (out_path == NULL) {
		snprintf(line, sizeof(line), "insns %" PRIu64 "\n", insn_count);
		qemu_plugin_outs(line);
		return;
	}
	len = snprintf(line, sizeof(line), "%" PRIu64 "\n", insn_count);
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, line, (size_t)len) < 0 || close(fd) < 0) {
		snprintf(line, sizeof(line), "hx-insncount: %s\n",
		    strerror(errno));
		qemu_plugin_outs(line);
	}
}

QEMU_PLUGIN_EXPORT int
qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
    char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "out=", 4) == 0 && argv[i][4] != '\0')
			out_path = argv[i] + 4;
		else {
			fprintf(stderr, "hx-insncount: unknown argument: %s\n",
			    argv[i]);
			return -1;
		}
	}
	install_pid = getpid();
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_translated);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
