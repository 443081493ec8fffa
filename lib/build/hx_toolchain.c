/*
 * hx_toolchain: load, measure and pin toolchain manifests.
 *
 * The digest is SHA-256 over a text that lists, one item a line: the
 * format ("hx-toolchain-digest 3"), the SHA-256 of the driver binary (links
 * resolved) and of the assembler, linker and archiver it runs, what hx-emu
 * adds to its view of the sysroot (HX_TOOLCHAIN_SYSROOT_VIEW), and for the
 * sysroot every entry in byte order of its relative
 * path (regular files with their size, symbolic links with their target,
 * directories), then the SHA-256 of the files the runtime depends on most
 * (C library, loader, start files).  Hashing every byte of a sysroot would
 * take seconds on every build; sizes catch a changed package, the key
 * files' content a rebuilt one.  See hx-toolchain(5).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_atomic.h"
#include "hx_err.h"
#include "hx_elf.h"
#include "hx_spawn.h"
#include "hx_strv.h"
#include "build/hx_toolchain.h"

#define VERSION_TIMEOUT_NS 30000000000LL

/* The first type error in a manifest: where, and what is expected. */
struct fault {
	char *pointer;		/* NULL while there is none */
	const char *key;
	const char *expected;
};

static void
note(struct fault *f, json_t *v, const char *key, char *pointer,
    const char *expected)
{
	if (f->pointer == NULL) {
		/* A missing key is told at the manifest itself. */
		f->pointer = v != NULL ? pointer : hx_xstrdup("");
		f->key = key;
		f->expected = v != NULL ? expected : "missing";
		if (v != NULL)
			return;
	}
	free(pointer);
}

/* A NULL-terminated copy of the string array at KEY, empty when absent. */
static char **
string_array(json_t *obj, const char *key, struct fault *f)
{
	json_t *a = json_object_get(obj, key), *v;
	char **out;
	size_t i;

	if (a == NULL)
		return hx_xcalloc(1, sizeof(char *));
	if (!json_is_array(a)) {
		note(f, a, key, hx_xasprintf("/%s", key),
		    "expected an array of strings");
		return NULL;
	}
	out = hx_xcalloc(json_array_size(a) + 1, sizeof(char *));
	json_array_foreach(a, i, v) {
		if (!json_is_string(v)) {
			note(f, v, key, hx_xasprintf("/%s/%zu", key, i),
			    "expected a string");
			hx_strv_free(out);
			return NULL;
		}
		out[i] = hx_xstrdup(json_string_value(v));
	}
	return out;
}

/* The string at KEY, copied; NULL when absent or not a string. */
static char *
string_field(json_t *obj, const char *key, int required, struct fault *f)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL && !required)
		return NULL;
	if (!json_is_string(v)) {
		note(f, v, key, hx_xasprintf("/%s", key),
		    "expected a string");
		return NULL;
	}
	return hx_xstrdup(json_string_value(v));
}

int
hx_toolchain_load(const char *path, struct hx_toolchain *tc, char *err,
    size_t errlen)
{
	struct fault f = { NULL, NULL, NULL };
	json_t *j, *positions = NULL;
	int rc = 0;

	memset(tc, 0, sizeof(*tc));
	if ((j = hx_json_load_manifest(path, &positions, err, errlen,
	    &rc)) == NULL)
		return rc;
	tc->json = j;
	tc->file = hx_xstrdup(path);
	if (!json_is_object(j)) {
		snprintf(err, errlen, "%s:1:1: a toolchain manifest is an "
		    "object", path);
		json_decref(positions);
		return HX_EXIT_INPUT;
	}
	tc->name = string_field(j, "name", 1, &f);
	tc->target = string_field(j, "target", 1, &f);
	tc->cc = string_field(j, "cc", 1, &f);
	tc->ar = string_field(j, "ar", 1, &f);
	tc->version = string_field(j, "version", 0, &f);
	tc->digest = string_field(j, "digest", 0, &f);
	tc->cxx = string_field(j, "cxx", 0, &f);
	tc->sysroot = string_field(j, "sysroot", 0, &f);
	tc->package = string_field(j, "package", 0, &f);
	tc->cxx_package = string_field(j, "cxx_package", 0, &f);
	tc->sysroot_package = string_field(j, "sysroot_package", 0, &f);
	tc->cpu = string_field(j, "cpu", 0, &f);
	tc->cc_args = string_array(j, "cc_args", &f);
	tc->flags = string_array(j, "flags", &f);
	if (f.pointer != NULL) {
		hx_json_locate(err, errlen, path, positions, f.pointer,
		    "%s: %s", f.key, f.expected);
		rc = HX_EXIT_INPUT;
	} else if ((tc->arch = hx_elf_arch_of_triple(tc->target)) == NULL) {
		hx_json_locate(err, errlen, path, positions, "/target",
		    "target: unknown architecture in %s", tc->target);
		rc = HX_EXIT_INPUT;
	}
	free(f.pointer);
	json_decref(positions);
	return rc;
}

void
hx_toolchain_free(struct hx_toolchain *tc)
{
	free(tc->file);
	free(tc->name);
	free(tc->target);
	free(tc->cc);
	hx_strv_free(tc->cc_args);
	free(tc->cxx);
	free(tc->ar);
	free(tc->sysroot);
	free(tc->package);
	free(tc->cxx_package);
	free(tc->sysroot_package);
	free(tc->cpu);
	free(tc->version);
	free(tc->digest);
	hx_strv_free(tc->flags);
	json_decref(tc->json);
	memset(tc, 0, sizeof(*tc));
}

char *
hx_toolchain_find(const char *name, const char *const *dirs)
{
	size_t len = strlen(name);
	char *path;

	/* A file named is the file, whatever is wrong with it: loading it
	 * tells why it cannot be read. */
	if (strchr(name, '/') != NULL ||
	    (len > 5 && strcmp(name + len - 5, ".json") == 0))
		return hx_xstrdup(name);
	for (; *dirs != NULL; dirs++) {
		if (**dirs == '\0')
			continue;
		path = hx_xasprintf("%s/%s.json", *dirs, name);
		if (access(path, F_OK) == 0 || errno != ENOENT)
			return path;
		free(path);
	}
	return NULL;
}

/* Whether this program runs from the build tree it was built in. */
static bool
in_build_tree(void)
{
	char real[PATH_MAX], *dir = hx_spawn_self_dir();
	bool same;

	/* The kernel gives the path with symbolic links resolved. */
	same = dir != NULL && realpath(HX_ABS_BUILDDIR "/cmd", real) != NULL &&
	    strcmp(dir, real) == 0;
	free(dir);
	return same;
}

/* Append DIR to the N directories of V unless one of them is the same. */
static size_t
add_dir(char **v, size_t n, char *dir)
{
	char a[PATH_MAX], b[PATH_MAX];
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], dir) == 0 || (realpath(v[i], a) != NULL &&
		    realpath(dir, b) != NULL && strcmp(a, b) == 0)) {
			free(dir);
			return n;
		}
	v[n++] = dir;
	return n;
}

char **
hx_toolchain_dirs(void)
{
	const char *env = getenv("HX_TOOLCHAIN_DIR");
	char **v = hx_xcalloc(5, sizeof(*v)), *moved;
	size_t n = 0;

	if (env != NULL && *env != '\0')
		n = add_dir(v, n, hx_xstrdup(env));
	if (in_build_tree())
		n = add_dir(v, n, hx_xstrdup(HX_ABS_SRCDIR "/toolchains"));
	moved = hx_spawn_relocate(HX_BINDIR, HX_PKGDATADIR "/toolchains");
	if (moved != NULL)
		n = add_dir(v, n, moved);
	add_dir(v, n, hx_xstrdup(HX_PKGDATADIR "/toolchains"));
	return v;
}

char *
hx_toolchain_names(const char *const *dirs)
{
	char **names = NULL, *list, *more;
	size_t n = 0, cap = 0, i, len;
	struct dirent *e;
	DIR *d;

	for (; *dirs != NULL; dirs++) {
		if ((d = opendir(*dirs)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			len = strlen(e->d_name);
			if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
				continue;
			if (n == cap)
				names = hx_xrealloc(names,
				    (cap = cap * 2 + 8) * sizeof(*names));
			names[n++] = hx_xasprintf("%.*s", (int)(len - 5),
			    e->d_name);
		}
		closedir(d);
	}
	hx_strv_sort(names, n);
	list = hx_xstrdup("");
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
			continue;
		more = hx_xasprintf("%s%s%s", list, *list != '\0' ? ", " : "",
		    names[i]);
		free(list);
		list = more;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return list;
}

/* The sysroot listing nftw builds: one line per entry, sorted later. */
static struct listing {
	char **lines;
	size_t n, cap;
	size_t root_len;
	char **keys;		/* files whose content is hashed */
	size_t nkeys, keycap;
} listing;

static int
is_key_file(const char *base)
{
	return strcmp(base, "libc.so.6") == 0 || strcmp(base, "crt1.o") == 0 ||
	    strcmp(base, "libm.so.6") == 0 || strncmp(base, "ld-linux", 8) == 0;
}

static void
push(char ***v, size_t *n, size_t *cap, char *s)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*v = hx_xrealloc(*v, *cap * sizeof(char *));
	}
	(*v)[(*n)++] = s;
}

static int
list_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = path + listing.root_len;
	char target[PATH_MAX];
	ssize_t n;

	if (*rel == '/')
		rel++;
	if (*rel == '\0')
		return 0;
	if (flag == FTW_SL) {
		n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		push(&listing.lines, &listing.n, &listing.cap,
		    hx_xasprintf("link %s -> %s", rel, target));
	} else if (flag == FTW_D || flag == FTW_DP)
		push(&listing.lines, &listing.n, &listing.cap,
		    hx_xasprintf("dir %s", rel));
	else if (S_ISREG(st->st_mode)) {
		push(&listing.lines, &listing.n, &listing.cap,
		    hx_xasprintf("file %s %lld", rel, (long long)st->st_size));
		if (is_key_file(path + ftw->base))
			push(&listing.keys, &listing.nkeys, &listing.keycap,
			    hx_xstrdup(path));
	}
	return 0;
}

/* A growing string. */
struct text {
	char *s;
	size_t len, cap;
};

static void
text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = hx_xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

/* "PATH INODE SIZE MTIME CTIME": what changes when PATH is replaced. */
static char *
identity_line(const char *path, const struct stat *st)
{
	return hx_xasprintf("%s %llu %lld %lld.%09ld %lld.%09ld\n", path,
	    (unsigned long long)st->st_ino, (long long)st->st_size,
	    (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
	    (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

static void
add_identity(struct text *t, const char *path, const struct stat *st)
{
	char *line = identity_line(path, st);

	text_add(t, line);
	free(line);
}

/*
 * The identity of the sysroot DIR for the memo: every directory (whose
 * times change when an entry is added, removed or replaced, as dpkg
 * replaces files) and every key file.  Ordinary files are not looked at.
 * Returns 0 or -1.
 */
static int
sysroot_identity(struct text *t, const char *dir)
{
	struct dirent **names;
	struct stat st;
	char *path;
	int n, i, rc = 0;

	if (stat(dir, &st) != 0 || (n = scandir(dir, &names, NULL,
	    alphasort)) < 0)
		return -1;
	add_identity(t, dir, &st);
	for (i = 0; i < n; i++) {
		path = hx_xasprintf("%s/%s", dir, names[i]->d_name);
		if (strcmp(names[i]->d_name, ".") == 0 ||
		    strcmp(names[i]->d_name, "..") == 0)
			;
		else if (names[i]->d_type == DT_DIR) {
			if (rc == 0 && sysroot_identity(t, path) != 0)
				rc = -1;
		} else if ((names[i]->d_type == DT_UNKNOWN ||
		    is_key_file(names[i]->d_name)) && lstat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				if (rc == 0 && sysroot_identity(t, path) != 0)
					rc = -1;
			} else
				add_identity(t, path, &st);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* List the sysroot ROOT into the listing. */
static int
list_sysroot(const char *root)
{
	memset(&listing, 0, sizeof(listing));
	listing.root_len = strlen(root);
	if (nftw(root, list_entry, 32, FTW_PHYS) != 0)
		return -1;
	hx_strv_sort(listing.lines, listing.n);
	hx_strv_sort(listing.keys, listing.nkeys);
	return 0;
}

/* Add the listing and the key files' content to H.  Returns 0 or -1. */
static int
hash_listing(struct hx_sha256 *h)
{
	char hex[HX_SHA256_HEX], *line;
	size_t i;
	int rc = 0;

	for (i = 0; i < listing.n; i++) {
		hx_hash_sha256_update(h, listing.lines[i],
		    strlen(listing.lines[i]));
		hx_hash_sha256_update(h, "\n", 1);
	}
	for (i = 0; i < listing.nkeys; i++) {
		if (hx_hash_sha256_file(listing.keys[i], hex) != 0) {
			rc = -1;
			break;
		}
		line = hx_xasprintf("key %s %s\n",
		    listing.keys[i] + listing.root_len, hex);
		hx_hash_sha256_update(h, line, strlen(line));
		free(line);
	}
	return rc;
}

static void
free_listing(void)
{
	size_t i;

	for (i = 0; i < listing.n; i++)
		free(listing.lines[i]);
	for (i = 0; i < listing.nkeys; i++)
		free(listing.keys[i]);
	free(listing.lines);
	free(listing.keys);
	memset(&listing, 0, sizeof(listing));
}

/*
 * The first line of DRIVER ARGS --version, or NULL with the reason in
 * WHY.
 */
static char *
driver_line(const char *driver, char *const *args, const char *option,
    char *why, size_t len)
{
	static char *const env[] = { "LC_ALL=C", "PATH=/usr/local/bin:"
	    "/usr/bin:/bin", NULL };
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	char **argv, *line = NULL;
	size_t n = 0, i;
	int rc;

	while (args[n] != NULL)
		n++;
	argv = hx_xcalloc(n + 3, sizeof(char *));
	argv[0] = (char *)driver;
	for (i = 0; i < n; i++)
		argv[i + 1] = args[i];
	argv[n + 1] = (char *)option;
	spec.argv = argv;
	spec.envp = env;
	spec.capture = true;
	spec.timeout_ns = VERSION_TIMEOUT_NS;
	if ((rc = hx_spawn_run(&spec, &res)) != 0)
		snprintf(why, len, "%s", strerror(rc));
	else {
		if (res.exited && res.status == 0 && res.out_len > 0)
			line = hx_xasprintf("%.*s", (int)strcspn(res.out, "\n"),
			    res.out);
		else if (res.timed_out)
			snprintf(why, len, "timed out");
		else if (res.signaled)
			snprintf(why, len, "killed by signal %d", res.signal);
		else
			snprintf(why, len, "exit status %d, %zu bytes of "
			    "output: %.80s", res.status, res.out_len,
			    res.err != NULL ? res.err : "");
		hx_spawn_result_free(&res);
	}
	free(argv);
	return line;
}

/*
 * Read a remembered measurement from MEMO: the version line, the digest,
 * then the identity lines of every file and directory it covered.  It
 * holds while each of those still has the same identity: a few hundred
 * stat calls instead of a run of the driver and a walk of the sysroot.
 * Returns 0 or -1.
 */
static int
memo_read(const char *memo, struct hx_toolchain_found *found)
{
	char line[PATH_MAX + 128], path[PATH_MAX], *now;
	struct stat st;
	size_t len;
	FILE *fp;
	int rc = -1, lines = 0;

	if ((fp = fopen(memo, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), fp) != NULL &&
	    (len = strcspn(line, "\n")) > 0) {
		line[len] = '\0';
		found->version = hx_xstrdup(line);
		if (fgets(line, sizeof(line), fp) != NULL &&
		    strcspn(line, "\n") == HX_SHA256_HEX - 1) {
			memcpy(found->digest, line, HX_SHA256_HEX - 1);
			found->digest[HX_SHA256_HEX - 1] = '\0';
			rc = 0;
		}
	}
	while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
		len = strcspn(line, " ");
		if (len >= sizeof(path) || line[len] != ' ') {
			rc = -1;
			break;
		}
		memcpy(path, line, len);
		path[len] = '\0';
		if (lstat(path, &st) != 0) {
			rc = -1;
			break;
		}
		now = identity_line(path, &st);
		if (strcmp(now, line) != 0)
			rc = -1;
		free(now);
		lines++;
	}
	fclose(fp);
	if (rc != 0 || lines == 0) {
		free(found->version);
		found->version = NULL;
		rc = -1;
	}
	return rc;
}

/* The binutils programs the driver runs, pinned with it. */
enum { TOOL_AS, TOOL_LD, TOOL_AR, NTOOLS };
static const char *const tool_names[NTOOLS] = { "as", "ld", "ar" };

/* PROGRAM resolved through PATH when it has no '/', then realpath'd. */
static char *
resolve_program(const char *program)
{
	char real[PATH_MAX], *which = hx_spawn_which(program), *path = NULL;

	if (which != NULL && realpath(which, real) != NULL)
		path = hx_xstrdup(real);
	free(which);
	return path;
}

/*
 * Find the assembler and linker the driver runs (-print-prog-name) and
 * the manifest's archiver.  A program not found stays NULL: the build
 * that needs it fails on its own.
 */
static void
find_binutils(const struct hx_toolchain *tc, const char *driver,
    char *paths[NTOOLS])
{
	char why[256], *option, *line;
	int i;

	for (i = 0; i < TOOL_AR; i++) {
		option = hx_xasprintf("-print-prog-name=%s", tool_names[i]);
		line = driver_line(driver, tc->cc_args, option, why, sizeof(why));
		paths[i] = line != NULL && *line != '\0' ?
		    resolve_program(line) : NULL;
		free(line);
		free(option);
	}
	paths[TOOL_AR] = tc->ar != NULL ? resolve_program(tc->ar) : NULL;
}

/* Measure for real: run the driver for its version, hash the bytes. */
static int
measure_fully(const struct hx_toolchain *tc, const char *driver,
    char *const binutils[NTOOLS], struct hx_toolchain_found *found,
    char *err, size_t errlen)
{
	char hex[HX_SHA256_HEX], why[256], *line;
	struct hx_sha256 h;
	int i;

	if ((found->version = driver_line(driver, tc->cc_args, "--version", why,
	    sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s: %s --version failed: %s", tc->name,
		    driver, why);
		return HX_EXIT_SYSTEM;
	}
	if (hx_hash_sha256_file(driver, hex) != 0) {
		snprintf(err, errlen, "%s: %s: %s", tc->name, driver,
		    strerror(errno));
		return HX_EXIT_SYSTEM;
	}
	hx_hash_sha256_init(&h);
	line = hx_xasprintf("hx-toolchain-digest 3\ndriver %s\n", hex);
	hx_hash_sha256_update(&h, line, strlen(line));
	free(line);
	for (i = 0; i < NTOOLS; i++) {
		if (binutils[i] == NULL)
			continue;
		if (hx_hash_sha256_file(binutils[i], hex) != 0) {
			snprintf(err, errlen, "%s: %s: %s", tc->name, binutils[i],
			    strerror(errno));
			hx_hash_sha256_final(&h, hex);
			return HX_EXIT_SYSTEM;
		}
		line = hx_xasprintf("%s %s\n", tool_names[i], hex);
		hx_hash_sha256_update(&h, line, strlen(line));
		free(line);
	}
	if (tc->sysroot != NULL)
		hx_hash_sha256_update(&h, "view " HX_TOOLCHAIN_SYSROOT_VIEW "\n",
		    strlen("view " HX_TOOLCHAIN_SYSROOT_VIEW "\n"));
	if (tc->sysroot != NULL && (list_sysroot(tc->sysroot) != 0 ||
	    hash_listing(&h) != 0)) {
		snprintf(err, errlen, "%s: reading sysroot %s: %s", tc->name,
		    tc->sysroot, strerror(errno));
		hx_hash_sha256_final(&h, hex);
		return HX_EXIT_SYSTEM;
	}
	hx_hash_sha256_final(&h, found->digest);
	return 0;
}

int
hx_toolchain_measure(const struct hx_toolchain *tc, const char *memo_dir,
    struct hx_toolchain_found *found, char *err, size_t errlen)
{
	char resolved[PATH_MAX], cxx[PATH_MAX], name[HX_SHA256_HEX], *which;
	char *memo = NULL, *text;
	struct text identity = { 0 };
	char *binutils[NTOOLS] = { NULL };
	struct hx_sha256 id;
	struct stat st;
	size_t i;
	int rc;

	memset(found, 0, sizeof(*found));
	if ((which = hx_spawn_which(tc->cc)) == NULL ||
	    realpath(which, resolved) == NULL || stat(resolved, &st) != 0) {
		snprintf(err, errlen, "%s: compiler %s not found%s%s",
		    tc->name, tc->cc, tc->package != NULL ?
		    "; install the Debian package " : "",
		    tc->package != NULL ? tc->package : "");
		free(which);
		return HX_EXIT_SYSTEM;
	}
	free(which);
	found->cc_path = hx_xstrdup(resolved);
	/* A C++ driver not installed fails only C++ builds: no error. */
	if (tc->cxx != NULL && (which = hx_spawn_which(tc->cxx)) != NULL) {
		if (realpath(which, cxx) != NULL &&
		    hx_hash_sha256_file(cxx, found->cxx_sha256) == 0)
			found->cxx_path = hx_xstrdup(cxx);
		free(which);
	}
	if (tc->sysroot != NULL && (access(tc->sysroot, R_OK | X_OK) != 0 ||
	    stat(tc->sysroot, &st) != 0 || !S_ISDIR(st.st_mode))) {
		snprintf(err, errlen, "%s: sysroot %s not found%s%s",
		    tc->name, tc->sysroot, tc->sysroot_package != NULL ?
		    "; install the Debian package " : "",
		    tc->sysroot_package != NULL ? tc->sysroot_package : "");
		return HX_EXIT_SYSTEM;
	}
	/* The memo's name: what is measured; its content says whether the
	 * files are still the ones measured. */
	if (memo_dir != NULL) {
		hx_hash_sha256_init(&id);
		/* A memo of another digest version is another memo. */
		hx_hash_sha256_update(&id, "digest 3", sizeof("digest 3"));
		/* So is one of another sysroot view. */
		hx_hash_sha256_update(&id, HX_TOOLCHAIN_SYSROOT_VIEW,
		    sizeof(HX_TOOLCHAIN_SYSROOT_VIEW));
		hx_hash_sha256_update(&id, resolved, strlen(resolved) + 1);
		if (tc->sysroot != NULL)
			hx_hash_sha256_update(&id, tc->sysroot,
			    strlen(tc->sysroot) + 1);
		for (i = 0; tc->cc_args[i] != NULL; i++)
			hx_hash_sha256_update(&id, tc->cc_args[i],
			    strlen(tc->cc_args[i]) + 1);
		hx_hash_sha256_final(&id, name);
		memo = hx_xasprintf("%s/%s", memo_dir, name);
		if (memo_read(memo, found) == 0) {
			free(memo);
			return 0;
		}
	}
	/* What the measurement covers, taken before it, so a change during
	 * the measurement makes the memo stale rather than wrong. */
	stat(resolved, &st);
	add_identity(&identity, resolved, &st);
	find_binutils(tc, resolved, binutils);
	for (i = 0; i < NTOOLS; i++)
		if (binutils[i] != NULL && stat(binutils[i], &st) == 0)
			add_identity(&identity, binutils[i], &st);
	if (tc->sysroot != NULL && sysroot_identity(&identity,
	    tc->sysroot) != 0) {
		snprintf(err, errlen, "%s: reading sysroot %s: %s", tc->name,
		    tc->sysroot, strerror(errno));
		for (i = 0; i < NTOOLS; i++)
			free(binutils[i]);
		free(identity.s);
		free(memo);
		return HX_EXIT_SYSTEM;
	}
	rc = measure_fully(tc, resolved, binutils, found, err, errlen);
	for (i = 0; i < NTOOLS; i++)
		free(binutils[i]);
	free_listing();
	if (rc == 0 && memo != NULL &&
	    (mkdir(memo_dir, 0777) == 0 || errno == EEXIST)) {
		/* Only a speed-up: a memo not written is no error. */
		text = hx_xasprintf("%s\n%s\n%s", found->version,
		    found->digest, identity.s);
		(void)hx_atomic_write(memo, text, strlen(text), 0644);
		free(text);
	}
	free(identity.s);
	free(memo);
	return rc;
}

void
hx_toolchain_found_free(struct hx_toolchain_found *found)
{
	free(found->cc_path);
	free(found->version);
	free(found->cxx_path);
	memset(found, 0, sizeof(*found));
}

int
hx_toolchain_check(const struct hx_toolchain *tc,
    const struct hx_toolchain_found *found, char *err, size_t errlen)
{
	if (tc->version == NULL || tc->digest == NULL) {
		snprintf(err, errlen, "%s: %s pins no version or digest; "
		    "write them with hx-build --pin", tc->name, tc->file);
		return HX_EXIT_INPUT;
	}
	if (strcmp(tc->version, found->version) != 0) {
		snprintf(err, errlen, "%s: compiler version mismatch: "
		    "expected \"%s\", found \"%s\" (%s); re-pin with "
		    "hx-build --pin", tc->name, tc->version, found->version,
		    found->cc_path);
		return HX_EXIT_SYSTEM;
	}
	if (strcmp(tc->digest, found->digest) != 0) {
		snprintf(err, errlen, "%s: toolchain digest mismatch: "
		    "expected %s, found %s (driver %s%s%s); re-pin with "
		    "hx-build --pin", tc->name, tc->digest, found->digest,
		    found->cc_path, tc->sysroot != NULL ? ", sysroot " : "",
		    tc->sysroot != NULL ? tc->sysroot : "");
		return HX_EXIT_SYSTEM;
	}
	return 0;
}

json_t *
hx_toolchain_pin(const struct hx_toolchain *tc,
    const struct hx_toolchain_found *found)
{
	json_t *j = json_deep_copy(tc->json);

	json_object_set_new(j, "version", json_string(found->version));
	json_object_set_new(j, "digest", json_string(found->digest));
	return j;
}

char *
hx_toolchain_command(const struct hx_toolchain *tc, const char *driver)
{
	char *s = hx_xstrdup(driver), *t;
	size_t i;

	for (i = 0; tc->cc_args[i] != NULL; i++) {
		t = hx_xasprintf("%s %s", s, tc->cc_args[i]);
		free(s);
		s = t;
	}
	return s;
}
