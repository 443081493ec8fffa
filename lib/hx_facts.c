/*
 * hx_facts.c: the kernel, driver, firmware and module facts of this
 * machine, from files under PROC and SYS and from kmod's modinfo.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_facts.h"
#include "hx_hash.h"
#include "hx_json.h"
#include "hx_spawn.h"

#define MODINFO_TIMEOUT_NS (20LL * 1000000000LL)
/* The most of modinfo's output read: aliases of every module fit. */
#define MODINFO_OUTPUT_MAX (64 << 20)

/*
 * The first line of the file at PATH with trailing blanks cut, or NULL
 * with *WHY (to free) saying why there is none.
 */
static char *
first_line(const char *path, char **why)
{
	char *text, *end;
	size_t len;

	if ((text = hx_json_read_text(path, &len)) == NULL) {
		*why = hx_xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	text[strcspn(text, "\n")] = '\0';
	end = text + strlen(text);
	while (end > text && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*text == '\0') {
		free(text);
		*why = hx_xasprintf("%s is empty", path);
		return NULL;
	}
	return text;
}

/* The word after "Kernel Module" in PROC/driver/nvidia/version. */
char *
hx_facts_nvidia_driver(const char *proc)
{
	char *path = hx_xasprintf("%s/driver/nvidia/version", proc);
	char *text, *p, *v = NULL;
	size_t len, n;

	text = hx_json_read_text(path, &len);
	free(path);
	if (text == NULL)
		return NULL;
	if ((p = strstr(text, "Kernel Module")) != NULL) {
		p += strlen("Kernel Module");
		p += strspn(p, " \t");
		if ((n = strcspn(p, " \t\n")) > 0)
			v = hx_xasprintf("%.*s", (int)n, p);
	}
	free(text);
	return v;
}

static void
read_kernel(const struct hx_facts_roots *roots, struct hx_facts *f)
{
	char *path = hx_xasprintf("%s/sys/kernel/osrelease", roots->proc);
	struct utsname u;

	if ((f->kernel = first_line(path, &f->kernel_why)) == NULL &&
	    uname(&u) == 0) {
		f->kernel = hx_xstrdup(u.release);
		free(f->kernel_why);
		f->kernel_why = NULL;
	}
	free(path);
}

static void
read_driver(const struct hx_facts_roots *roots, struct hx_facts *f)
{
	char *path = hx_xasprintf("%s/module/nvidia/version", roots->sys);
	char *why;

	if ((f->driver = hx_facts_nvidia_driver(roots->proc)) != NULL) {
		free(path);
		return;
	}
	if ((f->driver = first_line(path, &why)) == NULL) {
		f->driver_why = hx_xasprintf("no NVIDIA driver: neither "
		    "%s/driver/nvidia/version nor %s", roots->proc, why);
		free(why);
	}
	free(path);
}

static void
read_firmware(const struct hx_facts_roots *roots, struct hx_facts *f)
{
	char *path = hx_xasprintf("%s/class/dmi/id/bios_version", roots->sys);

	f->firmware = first_line(path, &f->firmware_why);
	free(path);
}

/* The program modinfo: in PATH, else where Debian keeps it. */
static char *
modinfo_path(void)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", NULL };
	char *p;
	size_t i;

	if ((p = hx_spawn_which("modinfo")) != NULL)
		return p;
	for (i = 0; dirs[i] != NULL; i++) {
		p = hx_xasprintf("%s/modinfo", dirs[i]);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

/*
 * The value of FIELD in the modinfo block from OUT to END ("field:  value"
 * lines, continuation lines indented), a new string, or NULL when it has
 * none or an empty one.
 */
static char *
modinfo_field(const char *out, const char *end, const char *field)
{
	size_t n = strlen(field), len;
	const char *line, *v;

	for (line = out; line != NULL && line < end;
	    line = (line = memchr(line, '\n', (size_t)(end - line))) != NULL ?
	    line + 1 : NULL) {
		if ((size_t)(end - line) <= n || strncmp(line, field, n) != 0 ||
		    line[n] != ':')
			continue;
		v = line + n + 1;
		v += strspn(v, " \t");
		len = strcspn(v, "\n");
		return len > 0 ? hx_xasprintf("%.*s", (int)len, v) : NULL;
	}
	return NULL;
}

/*
 * The module of F named by the modinfo block from BLOCK to END: by its
 * name field, else by its file's base name less ".ko" and what follows,
 * '-' read as '_' as the kernel does; NULL when none of F's.
 */
static struct hx_facts_module *
block_module(struct hx_facts *f, const char *block, const char *end,
    const char *file)
{
	char *name = modinfo_field(block, end, "name"), *p;
	const char *base;
	size_t i;

	if (name == NULL) {
		base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 :
		    file;
		name = hx_xasprintf("%.*s", (int)(strstr(base, ".ko") != NULL ?
		    strstr(base, ".ko") - base : (long)strlen(base)), base);
		for (p = name; *p != '\0'; p++)
			if (*p == '-')
				*p = '_';
	}
	for (i = 0; i < f->nmodules; i++)
		if (strcmp(f->modules[i].name, name) == 0)
			break;
	free(name);
	return i < f->nmodules ? &f->modules[i] : NULL;
}

/* Take the modinfo block from BLOCK to END: its module's file and more. */
static void
take_block(struct hx_facts *f, const char *block, const char *end)
{
	struct hx_facts_module *m;
	char hex[HX_SHA256_HEX], *file;

	if ((file = modinfo_field(block, end, "filename")) == NULL)
		return;
	if ((m = block_module(f, block, end, file)) == NULL ||
	    m->file != NULL) {
		free(file);
		return;
	}
	m->file = file;
	m->sig_id = modinfo_field(block, end, "sig_id");
	m->signer = modinfo_field(block, end, "signer");
	m->sig_hashalgo = modinfo_field(block, end, "sig_hashalgo");
	if (hx_hash_sha256_file(m->file, hex) < 0)
		m->error = hx_xasprintf("%s: %s", m->file, strerror(errno));
	else
		m->sha256 = hx_xstrdup(hex);
}

/*
 * Find every module's file and signature with one modinfo for them all
 * (after the roots' -b and -k), and hash the files.  modinfo prints a
 * block a module found, each beginning with its filename line, and says
 * on standard error which it did not find; a module without a block gets
 * that line, or what else went wrong, as its error.
 */
static void
read_module_files(const char *program, const struct hx_facts_roots *roots,
    struct hx_facts *f)
{
	char **argv = hx_xcalloc(f->nmodules + 6, sizeof(*argv)), *why = NULL;
	struct hx_spawn spec = { .argv = argv, .capture = true,
	    .timeout_ns = MODINFO_TIMEOUT_NS, .tail_max = MODINFO_OUTPUT_MAX };
	struct hx_spawn_result r = { 0 };
	const char *block, *next, *line;
	size_t n = 0, i, len;
	int e;

	argv[n++] = (char *)program;
	if (roots->modules_root != NULL) {
		argv[n++] = (char *)"-b";
		argv[n++] = (char *)roots->modules_root;
	}
	if (f->kernel != NULL) {
		argv[n++] = (char *)"-k";
		argv[n++] = f->kernel;
	}
	for (i = 0; i < f->nmodules; i++)
		argv[n++] = f->modules[i].name;
	if ((e = hx_spawn_run(&spec, &r)) != 0)
		why = hx_xasprintf("%s: %s", program, strerror(e));
	else if (r.out_truncated)
		why = hx_xasprintf("modinfo wrote more than %d bytes",
		    MODINFO_OUTPUT_MAX);
	else if (!r.exited)
		why = hx_xstrdup("modinfo was killed or timed out");
	else
		for (block = r.out; block != NULL && *block != '\0';
		    block = next) {
			/* The block runs to the next filename line. */
			for (next = block; (next = strchr(next, '\n')) != NULL &&
			    strncmp(++next, "filename:", 9) != 0; )
				continue;
			take_block(f, block, next != NULL ? next :
			    block + strlen(block));
		}
	for (i = 0; i < f->nmodules; i++) {
		if (f->modules[i].file != NULL || f->modules[i].error != NULL)
			continue;
		if (why != NULL) {
			f->modules[i].error = hx_xstrdup(why);
			continue;
		}
		/* "modinfo: ERROR: Module NAME not found." */
		for (line = r.err; line != NULL && (line = strstr(line,
		    f->modules[i].name)) != NULL; line++) {
			len = strlen(f->modules[i].name);
			if (line > r.err && line[-1] == ' ' &&
			    (line[len] == ' ' || line[len] == '\n'))
				break;
		}
		if (line != NULL) {
			while (line > r.err && line[-1] != '\n')
				line--;
			f->modules[i].error = hx_xasprintf("%.*s",
			    (int)strcspn(line, "\n"), line);
		} else
			f->modules[i].error = hx_xasprintf("modinfo %s: no "
			    "filename", f->modules[i].name);
	}
	free(why);
	free(argv);
	if (e == 0)
		hx_spawn_result_free(&r);
}

/* Compare modules by name, for a stable order. */
static int
compare_modules(const void *a, const void *b)
{
	return strcmp(((const struct hx_facts_module *)a)->name,
	    ((const struct hx_facts_module *)b)->name);
}

/* The modules PROC/modules lists, the first word of each line. */
static void
read_modules(const struct hx_facts_roots *roots, struct hx_facts *f)
{
	char *path = hx_xasprintf("%s/modules", roots->proc);
	char *text, *line, *next, *program;
	size_t len, i, n;

	if ((text = hx_json_read_text(path, &len)) == NULL) {
		f->modules_why = hx_xasprintf("none loaded: %s: %s", path,
		    strerror(errno));
		free(path);
		return;
	}
	free(path);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line += strspn(line, " \t");
		if ((n = strcspn(line, " \t")) == 0)
			continue;
		f->modules = hx_xgrow(f->modules, f->nmodules,
		    sizeof(*f->modules));
		memset(&f->modules[f->nmodules], 0, sizeof(*f->modules));
		f->modules[f->nmodules++].name = hx_xasprintf("%.*s", (int)n,
		    line);
	}
	free(text);
	if (f->nmodules == 0) {
		f->modules_why = hx_xasprintf("none loaded: %s/modules is "
		    "empty", roots->proc);
		return;
	}
	qsort(f->modules, f->nmodules, sizeof(*f->modules), compare_modules);
	if ((program = modinfo_path()) == NULL) {
		for (i = 0; i < f->nmodules; i++)
			f->modules[i].error = hx_xstrdup("modinfo not found in "
			    "PATH, /usr/sbin or /sbin");
		return;
	}
	read_module_files(program, roots, f);
	free(program);
}

void
hx_facts_collect(const struct hx_facts_roots *roots, struct hx_facts *f)
{
	memset(f, 0, sizeof(*f));
	read_kernel(roots, f);
	read_driver(roots, f);
	read_firmware(roots, f);
	read_modules(roots, f);
}

void
hx_facts_clear(struct hx_facts *f)
{
	struct hx_facts_module *m;
	size_t i;

	for (i = 0; i < f->nmodules; i++) {
		m = &f->modules[i];
		free(m->name);
		free(m->file);
		free(m->sha256);
		free(m->signer);
		free(m->sig_id);
		free(m->sig_hashalgo);
		free(m->error);
	}
	free(f->modules);
	free(f->kernel);
	free(f->kernel_why);
	free(f->driver);
	free(f->driver_why);
	free(f->firmware);
	free(f->firmware_why);
	free(f->modules_why);
	memset(f, 0, sizeof(*f));
}
