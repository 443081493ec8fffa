/*
 * unit-build: the lib modules behind hx-build: path patterns, dependency
 * files, ELF headers, cache sizes and entries, manifest errors.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/hx_cache.h"
#include "build/hx_depgraph.h"
#include "hx_elf.h"
#include "hx_err.h"
#include "hx_strv.h"
#include "build/hx_project.h"
#include "build/hx_toolchain.h"
#include "../tap.h"

static char *tmpdir;

static char *
write_file(const char *name, const char *content)
{
	char *path = hx_xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "w");

	fputs(content, fp);
	fclose(fp);
	return path;
}

/*
 * Runs of thousands of stars against names of thousands of bytes, as
 * fuzz-project found (a matcher quadratic in the name took minutes).
 */
static void
test_long_patterns(void)
{
	char *pat = hx_xcalloc(4000, 1), *name = hx_xcalloc(4000, 1);

	pat[0] = '?';
	memset(pat + 1, '*', 1500);
	pat[1501] = '?';
	memset(pat + 1502, '*', 1500);
	strcpy(pat + 3002, "/x");
	memset(name, 'a', 2000);
	tap_ok(!hx_project_match(pat, name),
	    "3000 stars do not match 2000 bytes without the slash they need");
	strcpy(name + 2000, "/b/x");
	tap_ok(hx_project_match(pat, name),
	    "3000 stars match 2000 bytes and two components");
	name[1000] = '/';
	tap_ok(hx_project_match(pat, name),
	    "3000 stars match across a slash inside the name");
	pat[1501] = 'z';
	tap_ok(!hx_project_match(pat, name),
	    "3000 stars around a letter the name lacks there do not match");
	free(pat);
	free(name);
}

static void
test_patterns(void)
{
	static const struct {
		const char *pattern, *path;
		int match;
	} cases[] = {
		{ "docs/**", "docs/a.md", 1 },
		{ "docs/**", "docs/x/y/z.txt", 1 },
		{ "docs/**", "src/docs.c", 0 },
		{ "*.py", "tools/gen.py", 1 },
		{ "*.py", "py.c", 0 },
		{ "src/*.c", "src/a.c", 1 },
		{ "src/*.c", "src/x/a.c", 0 },
		{ "src/**/*.c", "src/a.c", 1 },
		{ "src/**/*.c", "src/x/y/a.c", 1 },
		{ "**", "anything/at/all", 1 },
		{ "Makefile", "Makefile", 1 },
		{ "Makefile", "sub/Makefile", 1 },
		{ "te?t_*", "test_mlp", 1 },
		{ "te?t_*", "te/t_mlp", 0 },
		{ "a**", "a", 1 },
		{ "**/b", "b", 1 },
		{ "*a*a*a*a*a*a*a*a*a*a*a*b",
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
		{ "*a*a*a*a*a*a*a*a*a*a*a*b",
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 1 },
		{ "**a**a**a**a**a**a**a**a**a**a**a**b",
		    "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a", 0 },
		{ "a**/b", "ax/b", 1 },
		{ "a**/b", "a/b", 1 },
		{ "a**/b", "a/x/y/b", 1 },
		{ "a**/b", "ab", 1 },
		{ "***/x", "ax", 0 },
		{ "***/bar", "foo/bar", 1 },
		{ "**/x", "ax", 0 },
		{ "**/", "a/", 1 },
		{ "**/", "a", 0 },
		{ "*?", "", 0 },
		{ "?*", "a", 1 },
		{ "*/", "a/", 1 },
		{ "a*/**/c", "ab/c", 1 },
		{ "a*/**/c", "ab/x/c", 1 },
		{ "**/**/z", "z", 1 },
		{ "**/**/z", "a/b/z", 1 },
		{ "x/**", "x", 0 },
		{ "x/**", "x/", 1 },
		{ "?/?", "a//", 0 },
		{ "*/*/", "a//", 1 },
		/* Runs of stars, which the matcher cuts short. */
		{ "a***b", "a/x/b", 1 },
		{ "a**/*b", "ab", 1 },
		{ "a**/*b", "a/b/xb", 1 },
		{ "a**/*b", "a/bx", 0 },
		{ "**/**/**/x", "x", 1 },
		{ "**/**/**/x", "a/b/c/x", 1 },
		{ "**/**/**/x", "ax", 0 },
		{ "x**/***/*y", "xy", 0 },
		{ "x**/***/*y", "x/a/by", 1 },
		{ "*****", "a/b", 1 },
		{ "a/***", "a", 0 },
		{ "a/***", "a/b/c", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_ok(hx_project_match(cases[i].pattern, cases[i].path) ==
		    cases[i].match, "pattern %s %s %s", cases[i].pattern,
		    cases[i].match ? "matches" : "does not match",
		    cases[i].path);
	test_long_patterns();
}

static void
test_depfiles(void)
{
	struct hx_depgraph *g = hx_depgraph_new();
	char *root = hx_xasprintf("%s/", tmpdir), *abs, **names, *joined;
	size_t n, i;

	free(write_file("a.d", "src/a.o: src/a.c include/t.h \\\n"
	    " /usr/include/stdio.h\ninclude/t.h:\n"));
	abs = hx_xasprintf("lib.a.link.d");
	free(write_file(abs, "lib.a: src/a.o src/b.o\n"));
	free(abs);
	abs = hx_xasprintf("prog: ./tests/t.o lib.a\n"
	    "tests/t.o: %s/tests/t.c my\\ file.h\n", tmpdir);
	free(write_file("prog.link.d", abs));
	free(abs);
	free(write_file("b.d", "src/b.o: src/b.c\n"));
	tap_ok(hx_depgraph_scan(g, root) == 4, "four dependency files read");
	names = hx_depgraph_closure(g, "prog", &n);
	joined = hx_xstrdup("");
	for (i = 0; i < n; i++) {
		abs = hx_xasprintf("%s%s%s", joined, i ? " " : "", names[i]);
		free(joined);
		joined = abs;
	}
	tap_is(joined, "include/t.h lib.a my file.h src/a.c src/a.o src/b.c "
	    "src/b.o tests/t.c tests/t.o", "closure of prog: relative, "
	    "sorted, system headers dropped");
	free(joined);
	hx_strv_free(names);
	names = hx_depgraph_closure(g, "unknown", &n);
	tap_ok(n == 0 && names[0] == NULL, "an unknown target has no sources");
	hx_strv_free(names);
	hx_depgraph_free(g);
	free(root);
}

static void
test_elf(void)
{
	const char *why = NULL;
	char *path = write_file("notelf", "hello, world, not an ELF file\n");

	tap_ok(hx_elf_arch_file(path, &why) == NULL && why != NULL,
	    "a text file is not ELF (%s)", why ? why : "");
	free(path);
	tap_is(hx_elf_arch_file("/proc/self/exe", &why), "x86_64",
	    "this test program is x86_64");
	tap_is(hx_elf_arch_of_triple("riscv64-linux-gnu"), "riscv64",
	    "riscv64-linux-gnu is riscv64");
	tap_ok(hx_elf_arch_of_triple("mips-linux-gnu") == NULL,
	    "mips is not known");
}

static void
test_cache(void)
{
	struct hx_cache c;
	uint64_t v = 0;
	char *root = hx_xasprintf("%s/cache", tmpdir), *tmp, *dir, *f;
	unsigned evicted;

	tap_ok(hx_cache_parse_size("500M", &v) == 0 && v == 500ULL << 20,
	    "500M is 500 MiB");
	tap_ok(hx_cache_parse_size("2G", &v) == 0 && v == 2ULL << 30,
	    "2G is 2 GiB");
	tap_ok(hx_cache_parse_size("1024", &v) == 0 && v == 1024,
	    "a plain number is bytes");
	tap_ok(hx_cache_parse_size("12Q", &v) != 0 &&
	    hx_cache_parse_size("-1", &v) != 0, "bad sizes are refused");
	tap_ok(hx_cache_open(&c, root) == 0, "cache opens");
	tap_ok(hx_cache_lookup(&c, "aa11") == NULL, "empty cache: a miss");
	tmp = hx_cache_begin(&c);
	f = hx_xasprintf("%s/data", tmp);
	free(write_file("cache/tmp/x", ""));
	tap_ok(hx_cache_copy_file("/proc/self/exe", f, 0644, false) == 0,
	    "fill an entry");
	tap_ok(hx_cache_commit(&c, tmp, "aa11") == 0, "commit it");
	tap_ok((dir = hx_cache_lookup(&c, "aa11")) != NULL, "now a hit");
	free(dir);
	free(tmp);
	free(f);
	tmp = hx_cache_begin(&c);
	tap_ok(hx_cache_commit(&c, tmp, "aa11") == 0 && access(tmp, F_OK) != 0,
	    "a second writer of the same key loses quietly");
	free(tmp);
	tap_ok(hx_cache_evict(&c, 1, NULL, &evicted) == 0 && evicted == 1 &&
	    hx_cache_lookup(&c, "aa11") == NULL, "evicted beyond 1 byte");
	hx_cache_close(&c);
	free(root);
}

static void
test_manifest_errors(void)
{
	struct hx_toolchain tc;
	struct hx_project p;
	char err[512], *path;

	path = write_file("tc.json",
	    "{\n  \"name\": \"x\",\n  \"cc\": cc\n}\n");
	tap_ok(hx_toolchain_load(path, &tc, err, sizeof(err)) ==
	    HX_EXIT_INPUT && strstr(err, "tc.json:3:") != NULL,
	    "broken toolchain manifest: file and line (%s)", err);
	hx_toolchain_free(&tc);
	free(path);
	free(write_file("hx.json", "{\"name\": \"p\", \"build\": [\"make\"],\n"
	    " \"outputs\": [{\"name\": \"x\", \"path\": \"../x\"}]}\n"));
	tap_ok(hx_project_load(tmpdir, &p, err, sizeof(err)) ==
	    HX_EXIT_INPUT && strstr(err, "stays inside") != NULL,
	    "an output outside the project is refused");
	hx_project_free(&p);
}

int
main(int argc, char **argv)
{
	char template[] = "/tmp/unit-build.XXXXXX", *cmd;

	(void)argc;
	hx_err_set_progname(argv[0]);
	tmpdir = mkdtemp(template);
	test_patterns();
	test_depfiles();
	test_elf();
	test_cache();
	test_manifest_errors();
	cmd = hx_xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_ok(0, "remove %s", tmpdir);
	free(cmd);
	return tap_done();
}
