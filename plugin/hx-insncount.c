/*
 * hx-insncount: a QEMU TCG plugin that counts the guest instructions a
 * program executes, exactly and deterministically, for hx-emu --count,
 * and the instructions of the regions of interest it marks (hx/roi.h).
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
 *
 * Regions: a block that holds the markers of hx/roi.h (slti x0, x0, IMM:
 * one per character of the name, then 1024 plus the name's length to
 * begin; 1023 to end) also calls back at each marker, with the number of
 * the block's instructions from the marker on, which the counter already
 * holds; so the count at a marker is exact.  Each guest thread keeps a
 * stack of open regions; a region's count is what ran between its begin
 * and its end, less the markers among them, summed over its entries.
 * A name the end of a block cuts in two is joined again at run time.
 * After the total come a line per region that ended, in the order they
 * first began, then a line per problem (an end without a begin, a name
 * cut short, a region still open at exit):
 *
 *	region NAME INSTRUCTIONS ENTRIES
 *	error MESSAGE
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu-plugin-api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* The markers of hx/roi.h: slti x0, x0, IMM, with IMM in the top bits. */
#define SLTI_X0_MASK	0x000fffffu
#define SLTI_X0		0x00002013u
#define MARK_END	1023
#define MARK_BEGIN	1024		/* plus the name's length */
#define NAME_MAX_LEN	64
/* Different problems reported, at most. */
#define ERRORS_MAX	16

/*
 * A marker found at translation, what its callback is told: a BEGIN, an
 * END, or characters of a name that end a block.
 */
struct marker {
	uint64_t ahead;		/* instructions of the block from it on */
	uint64_t vaddr;		/* its address */
	uint64_t block;		/* the address the block starts at */
	uint64_t next;		/* characters: the address after them */
	size_t length;		/* BEGIN: the name's length */
	size_t have;		/* characters in name */
	bool from_start;	/* the characters start the block */
	char name[NAME_MAX_LEN + 1];
};

/* A region that began and has not ended, in a thread's stack. */
struct open_region {
	long region;		/* index in regions; -1: a name cut short */
	uint64_t start;		/* the count after its begin marker */
	uint64_t markers;	/* the thread's markers then */
};

/* What one guest thread (vCPU) is in. */
struct vcpu {
	struct open_region *stack;
	size_t depth, room;
	char pending[NAME_MAX_LEN + 1];	/* a name cut short so far */
	size_t npending;
	uint64_t pending_next;		/* where it goes on; 0: none */
	uint64_t markers;		/* marker instructions executed */
};

struct region {
	char name[NAME_MAX_LEN + 1];
	uint64_t insns;
	uint64_t entries;
};

static uint64_t insn_count;
static const char *out_path;
static pid_t install_pid;

/* The region state; marker callbacks are rare enough to share a lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct region *regions;
static size_t nregions;
static struct vcpu *vcpus;
static size_t nvcpus;
static char *errors[ERRORS_MAX];
static size_t nerrors;

/* P, or the end of QEMU, which cannot go on without it either. */
static void *
must(void *p)
{
	if (p == NULL) {
		fputs("hx-insncount: out of memory\n", stderr);
		abort();
	}
	return p;
}

/*
 * The immediate of INSN when it is slti x0, x0, IMM, else -1; a negative
 * IMM comes out as IMM + 4096, which no marker uses.
 */
static int
marker_immediate(const struct qemu_plugin_insn *insn)
{
	const unsigned char *b;
	uint32_t word;

	if (qemu_plugin_insn_size(insn) != 4)
		return -1;
	b = qemu_plugin_insn_data(insn);
	word = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
	if ((word & SLTI_X0_MASK) != SLTI_X0)
		return -1;
	return (int)(word >> 20);
}

/* Whether IMM is a character of a name: A-Z, a-z, 0-9 or _. */
static bool
is_name_char(int imm)
{
	return (imm >= '0' && imm <= '9') || (imm >= 'A' && imm <= 'Z') ||
	    (imm >= 'a' && imm <= 'z') || imm == '_';
}

static void add_error(const char *, ...)
    __attribute__((format(printf, 1, 2)));

/* Remember a problem, once, up to ERRORS_MAX of them. */
static void
add_error(const char *fmt, ...)
{
	char *message;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	if (vasprintf(&message, fmt, ap) < 0)
		message = NULL;
	va_end(ap);
	must(message);
	for (i = 0; i < nerrors; i++)
		if (strcmp(errors[i], message) == 0)
			break;
	if (i < nerrors || nerrors == ERRORS_MAX)
		free(message);
	else
		errors[nerrors++] = message;
}

/* The state of vCPU INDEX, made on first use. */
static struct vcpu *
vcpu(unsigned int index)
{
	if (index >= nvcpus) {
		vcpus = must(realloc(vcpus, (index + 1) * sizeof(*vcpus)));
		memset(vcpus + nvcpus, 0, (index + 1 - nvcpus) *
		    sizeof(*vcpus));
		nvcpus = index + 1;
	}
	return &vcpus[index];
}

/* The index of the region called NAME, made on first use. */
static long
region_index(const char *name)
{
	size_t i;

	for (i = 0; i < nregions; i++)
		if (strcmp(regions[i].name, name) == 0)
			return (long)i;
	regions = must(realloc(regions, (nregions + 1) * sizeof(*regions)));
	memset(&regions[nregions], 0, sizeof(*regions));
	strcpy(regions[nregions].name, name);
	return (long)nregions++;
}

/* Characters of a name that end a block: keep them for the next one. */
static void
name_seen(unsigned int vcpu_index, void *udata)
{
	const struct marker *m = udata;
	struct vcpu *v;
	size_t keep;

	pthread_mutex_lock(&lock);
	v = vcpu(vcpu_index);
	if (!m->from_start || v->pending_next != m->block)
		v->npending = 0;
	/* Keep the last NAME_MAX_LEN characters, the only ones of use. */
	keep = v->npending + m->have > NAME_MAX_LEN ?
	    NAME_MAX_LEN - m->have : v->npending;
	memmove(v->pending, v->pending + v->npending - keep, keep);
	memcpy(v->pending + keep, m->name, m->have);
	v->npending = keep + m->have;
	v->pending_next = m->next;
	pthread_mutex_unlock(&lock);
}

/* A region begins: push it, under its name joined again if need be. */
static void
begin_seen(unsigned int vcpu_index, void *udata)
{
	const struct marker *m = udata;
	size_t need = m->length - m->have;
	char name[NAME_MAX_LEN + 1];
	struct open_region *o;
	struct vcpu *v;
	long region = -1;

	pthread_mutex_lock(&lock);
	v = vcpu(vcpu_index);
	if (need == 0)
		region = region_index(m->name);
	else if (m->from_start && v->pending_next == m->block &&
	    v->npending >= need) {
		memcpy(name, v->pending + v->npending - need, need);
		memcpy(name + need, m->name, m->have + 1);
		region = region_index(name);
	} else
		add_error("region name cut short at 0x%" PRIx64, m->vaddr);
	v->pending_next = 0;
	v->markers += m->length + 1;
	if (v->depth == v->room) {
		v->room = v->room * 2 + 8;
		v->stack = must(realloc(v->stack, v->room *
		    sizeof(*v->stack)));
	}
	o = &v->stack[v->depth++];
	o->region = region;
	o->start = insn_count - m->ahead + 1;
	o->markers = v->markers;
	pthread_mutex_unlock(&lock);
}

/* A region ends: add what ran since its begin, less the markers. */
static void
end_seen(unsigned int vcpu_index, void *udata)
{
	const struct marker *m = udata;
	const struct open_region *o;
	struct region *r;
	struct vcpu *v;

	pthread_mutex_lock(&lock);
	v = vcpu(vcpu_index);
	if (v->depth == 0)
		add_error("region end without a begin at 0x%" PRIx64,
		    m->vaddr);
	else {
		o = &v->stack[--v->depth];
		if (o->region >= 0) {
			r = &regions[o->region];
			r->insns += insn_count - m->ahead - o->start -
			    (v->markers - o->markers);
			r->entries++;
		}
	}
	v->markers++;
	pthread_mutex_unlock(&lock);
}

/* A marker at instruction I of TB, a block of N. */
static struct marker *
new_marker(struct qemu_plugin_tb *tb, size_t i, size_t n)
{
	struct marker *m = must(calloc(1, sizeof(*m)));

	m->ahead = n - i;
	m->vaddr = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, i));
	m->block = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, 0));
	return m;
}

/* Copy the characters of instructions FROM to TO of TB into M's name. */
static void
copy_name(struct marker *m, struct qemu_plugin_tb *tb, size_t from,
    size_t to)
{
	size_t i;

	m->from_start = from == 0;
	for (i = from; i < to; i++)
		m->name[m->have++] = (char)marker_immediate(
		    qemu_plugin_tb_get_insn(tb, i));
	m->name[m->have] = '\0';
}

/* Call CB at instruction I of TB, telling it M. */
static void
call_at(struct qemu_plugin_tb *tb, size_t i, qemu_plugin_vcpu_udata_cb_t cb,
    struct marker *m)
{
	qemu_plugin_register_vcpu_insn_exec_cb(qemu_plugin_tb_get_insn(tb, i),
	    cb, QEMU_PLUGIN_CB_NO_REGS, m);
}

/*
 * Count each execution of a block as the instructions it holds, and call
 * back at the markers of regions it holds, if any.
 */
static void
tb_translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i, chars = 0;
	struct marker *m;
	int imm;

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb,
	    QEMU_PLUGIN_INLINE_ADD_U64, &insn_count, (uint64_t)n);
	for (i = 0; i < n; i++) {
		imm = marker_immediate(qemu_plugin_tb_get_insn(tb, i));
		if (is_name_char(imm)) {
			chars++;
			continue;
		}
		if (imm == MARK_END)
			call_at(tb, i, end_seen, new_marker(tb, i, n));
		else if (imm > MARK_BEGIN && imm <= MARK_BEGIN + NAME_MAX_LEN) {
			m = new_marker(tb, i, n);
			m->length = (size_t)(imm - MARK_BEGIN);
			if (chars > m->length)
				chars = m->length;
			copy_name(m, tb, i - chars, i);
			call_at(tb, i, begin_seen, m);
		}
		chars = 0;
	}
	/* Only the last NAME_MAX_LEN characters can be of use. */
	if (chars > NAME_MAX_LEN)
		chars = NAME_MAX_LEN;
	if (chars > 0) {
		m = new_marker(tb, n - chars, n);
		copy_name(m, tb, n - chars, n);
		m->next = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb,
		    n - 1)) + 4;
		call_at(tb, n - chars, name_seen, m);
	}
}

/* The report: the total, the regions, the problems. */
static char *
report(void)
{
	char *text = NULL;
	size_t len = 0, i, j;
	FILE *f = must(open_memstream(&text, &len));

	fprintf(f, out_path != NULL ? "%" PRIu64 "\n" : "insns %" PRIu64 "\n",
	    insn_count);
	for (i = 0; i < nregions; i++)
		if (regions[i].entries > 0)
			fprintf(f, "region %s %" PRIu64 " %" PRIu64 "\n",
			    regions[i].name, regions[i].insns,
			    regions[i].entries);
	for (i = 0; i < nvcpus; i++)
		for (j = 0; j < vcpus[i].depth; j++)
			if (vcpus[i].stack[j].region >= 0)
				fprintf(f, "error region %s is still open at "
				    "exit\n",
				    regions[vcpus[i].stack[j].region].name);
	for (i = 0; i < nerrors; i++)
		fprintf(f, "error %s\n", errors[i]);
	if (fclose(f) != 0)
		must(NULL);
	return text;
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

/* Report, once, from the process QEMU started. */
static void
at_exit(qemu_plugin_id_t id, void *userdata)
{
	char line[128], *text;
	int fd;

	(void)id;
	(void)userdata;
	if (getpid() != install_pid)
		return;
	pthread_mutex_lock(&lock);
	text = report();
	pthread_mutex_unlock(&lock);
	if (out_path == NULL) {
		qemu_plugin_outs(text);
		free(text);
		return;
	}
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || close(fd) < 0) {
		snprintf(line, sizeof(line), "hx-insncount: %s\n",
		    strerror(errno));
		qemu_plugin_outs(line);
	}
	free(text);
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
