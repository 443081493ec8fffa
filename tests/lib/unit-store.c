/*
 * unit-store: SHA-256, reproducible bundles and safe extraction, and git
 * metadata, change sets and notes in a scratch repository.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_archive.h"
#include "hx_err.h"
#include "hx_git.h"
#include "hx_hash.h"
#include "hx_in.h"
#include "hx_strv.h"
#include "../tap.h"

static char dir[] = "/tmp/hx-unit-store.XXXXXX";

/* Run a shell command in the scratch directory; 0 when it succeeded. */
static int
sh(const char *fmt, ...)
{
	char *cmd, *full;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		return -1;
	va_end(ap);
	full = hx_xasprintf("cd '%s' && { %s; } >/dev/null 2>&1", dir, cmd);
	rc = system(full);
	free(cmd);
	free(full);
	return rc;
}

static void
test_hash(void)
{
	char hex[HX_SHA256_HEX], *path;
	FILE *fp;

	hx_hash_sha256_buf("abc", 3, hex);
	tap_is(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256 of abc (FIPS 180-2)");
	path = hx_xasprintf("%s/abc", dir);
	fp = fopen(path, "w");
	fputs("abc", fp);
	fclose(fp);
	tap_ok(hx_hash_sha256_file(path, hex) == 0 && strcmp(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0,
	    "sha256 of a file");
	tap_ok(hx_hash_sha256_file("/nonexistent", hex) < 0, "a missing file fails");
	free(path);
}

/* Base64 (RFC 4648's vectors) and gzip in memory, for baseline notes. */
static void
test_note_coding(void)
{
	static const char text[] = "{\"type\":\"sample\",\"value\":1}\n"
	    "{\"type\":\"sample\",\"value\":1}\n";
	unsigned char *bytes, *gz;
	size_t len, gzlen;
	const char *why = NULL;
	char *s, *plain;

	s = hx_hash_base64_encode("foobar", 6);
	tap_is(s, "Zm9vYmFy", "base64 of foobar");
	free(s);
	s = hx_hash_base64_encode("fo", 2);
	tap_is(s, "Zm8=", "base64 of fo, padded");
	free(s);
	tap_ok(hx_hash_base64_decode("Zm9v\nYmE=\n", &bytes, &len) == 0 &&
	    len == 5 && memcmp(bytes, "fooba", 5) == 0,
	    "base64 decoded across lines, padding dropped");
	free(bytes);
	tap_ok(hx_hash_base64_decode("Zm9", &bytes, &len) < 0 &&
	    hx_hash_base64_decode("Zm9*", &bytes, &len) < 0,
	    "not base64 is refused");
	hx_in_gzip(text, strlen(text), &gz, &gzlen);
	tap_ok(gz[0] == 0x1f && gz[1] == 0x8b && hx_in_gunzip(gz, gzlen,
	    &plain, &len, &why) == 0 && len == strlen(text) &&
	    strcmp(plain, text) == 0, "gzip in memory round trip");
	free(plain);
	tap_ok(hx_in_gunzip(gz, gzlen - 4, &plain, &len, &why) < 0 &&
	    strcmp(why, "truncated gzip stream") == 0 &&
	    hx_in_gunzip("abc", 3, &plain, &len, &why) < 0,
	    "truncated or not gzip is refused");
	free(gz);
}

/* NAME in the test directory, in one of a few buffers used in turn. */
static const char *
at(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void
test_archive(void)
{
	char err[256], h1[HX_SHA256_HEX], h2[HX_SHA256_HEX], *a1, *a2, *file;
	struct hx_bundle_entry e[3];

	file = hx_xasprintf("%s/abc", dir);
	a1 = hx_xasprintf("%s/one.tar.gz", dir);
	a2 = hx_xasprintf("%s/two.tar.gz", dir);
	memset(e, 0, sizeof(e));
	e[0] = (struct hx_bundle_entry){ "z/records.jsonl", "{\"type\":\"a\"}\n", 13, NULL, 0 };
	e[1] = (struct hx_bundle_entry){ "a/prog", NULL, 0, file, 0755 };
	e[2] = (struct hx_bundle_entry){ "m.txt", "m", 1, NULL, 0 };
	tap_ok(hx_archive_write_bundle(a1, e, 3, 1700000000, err, sizeof(err)) == 0,
	    "a bundle is written");
	sleep(1);
	e[0] = (struct hx_bundle_entry){ "m.txt", "m", 1, NULL, 0 };
	e[1] = (struct hx_bundle_entry){ "z/records.jsonl", "{\"type\":\"a\"}\n", 13, NULL, 0 };
	e[2] = (struct hx_bundle_entry){ "a/prog", NULL, 0, file, 0755 };
	hx_archive_write_bundle(a2, e, 3, 1700000000, err, sizeof(err));
	hx_hash_sha256_file(a1, h1);
	hx_hash_sha256_file(a2, h2);
	tap_ok(strcmp(h1, h2) == 0,
	    "two bundles of the same entries, in any order, a second apart, are identical");
	tap_ok(sh("tar -tvzf one.tar.gz > list && "
	    "grep -q '^-rwxr-xr-x 0/0 *3 2023-11-14 22:13 a/prog$' list && "
	    "head -1 list | grep -q ' a/prog$'") == 0,
	    "GNU tar reads it: sorted, owner 0/0, fixed mtime, modes kept");
	tap_ok(sh("mkdir out && true") == 0 &&
	    hx_archive_extract(a1, at("out"), err, sizeof(err)) == 0 &&
	    sh("cmp out/a/prog abc && test -x out/a/prog") == 0,
	    "extraction restores the files");
	tap_ok(sh("mkdir evil && cd evil && echo x > f && "
	    "tar --absolute-names -czf ../dotdot.tar.gz ../abc") == 0 &&
	    hx_archive_extract(at("dotdot.tar.gz"), at("out"), err,
	    sizeof(err)) < 0 &&
	    strstr(err, "unsafe entry ../abc") != NULL,
	    "an entry with .. is refused");
	tap_ok(sh("tar -czPf abs.tar.gz /etc/hostname") == 0 &&
	    hx_archive_extract(at("abs.tar.gz"), at("out"), err,
	    sizeof(err)) < 0,
	    "an absolute entry is refused");
	tap_ok(sh("mkdir -p s && cd s && ln -s /tmp link && "
	    "tar -czf ../link.tar.gz link && mkdir -p x && echo pwn > x/f && "
	    "tar -czf ../through.tar.gz --transform s,^x,link, x/f") == 0 &&
	    sh("mkdir out2") == 0 &&
	    hx_archive_extract(at("link.tar.gz"), at("out2"), err,
	    sizeof(err)) == 0 &&
	    hx_archive_extract(at("through.tar.gz"), at("out2"), err,
	    sizeof(err)) < 0 &&
	    access("/tmp/f", F_OK) != 0,
	    "a write through a symbolic link is refused");
	free(file);
	free(a1);
	free(a2);
}

static void
test_archive_sums(void)
{
	char err[256], *bundle = hx_xasprintf("%s/sums.tar.gz", dir);
	char *file = hx_xasprintf("%s/abc", dir);
	struct hx_bundle_entry e[2] = {
		{ "z.txt", "z\n", 2, NULL, 0 },
		{ "a/prog", NULL, 0, file, 0755 },
	};

	tap_ok(hx_archive_write_bundle_sums(bundle, e, 2, 1700000000, err,
	    sizeof(err)) == 0 && strcmp(e[0].name, "z.txt") == 0,
	    "a bundle with SHA256SUMS is written; the entries keep their order");
	tap_ok(sh("tar -tzf sums.tar.gz > sums.list && "
	    "printf 'SHA256SUMS\\na/prog\\nz.txt\\n' | cmp - sums.list && "
	    "mkdir sums && tar -xzf sums.tar.gz -C sums && "
	    "printf '%%s  a/prog\\n%%s  z.txt\\n' "
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad "
	    "$(printf 'z\\n' | sha256sum | cut -c1-64) | "
	    "cmp - sums/SHA256SUMS && "
	    "cd sums && sha256sum -c --quiet SHA256SUMS") == 0,
	    "SHA256SUMS lists every entry in the archive's order; sha256sum -c "
	    "checks it");
	e[1].file = "/nonexistent/prog";
	tap_ok(hx_archive_write_bundle_sums(bundle, e, 2, 0, err,
	    sizeof(err)) < 0 && strstr(err, "/nonexistent/prog: ") != NULL,
	    "an entry whose file cannot be read is named");
	free(bundle);
	free(file);
}

static void
test_git(void)
{
	struct hx_git_head head;
	struct hx_git *git;
	char oid[HX_GIT_OID_HEX], base[HX_GIT_OID_HEX], **paths, *note;
	char *repo = hx_xasprintf("%s/repo", dir);
	bool failed;
	long n;

	tap_ok(hx_git_open("/") == NULL, "no repository at /");
	sh("git init -q -b main repo && cd repo && "
	    "git config user.email t@example.org && git config user.name T && "
	    "mkdir src docs && echo a > src/a.c && echo d > docs/d.md && "
	    "git add . && GIT_COMMITTER_DATE='2024-01-02T03:04:05Z' "
	    "git commit -qm one && git checkout -qb topic && "
	    "echo b > src/b.c && git add . && git commit -qm two");
	git = hx_git_open(repo);
	tap_ok(git != NULL, "open the scratch repository");
	if (git == NULL)
		return;
	tap_ok(hx_git_head(git, &head) == 0 && strlen(head.commit) == 40 &&
	    !head.dirty && strcmp(head.branch, "topic") == 0,
	    "HEAD: commit, clean, on topic");
	tap_ok(hx_git_resolve(git, "main", oid) == 0 &&
	    hx_git_merge_base(git, "HEAD", "main", base) == 0 &&
	    strcmp(oid, base) == 0, "the merge base with main is main");
	sh("cd repo && echo changed >> docs/d.md && echo new > src/new.c");
	hx_git_head(git, &head);
	tap_ok(head.dirty, "a modified tracked file makes it dirty");
	n = hx_git_changed_paths(git, "main", &paths);
	tap_ok(n == 3 && strcmp(paths[0], "docs/d.md") == 0 &&
	    strcmp(paths[1], "src/b.c") == 0 && strcmp(paths[2], "src/new.c") == 0,
	    "changed since main: committed, modified and untracked paths");
	if (n != 3)
		for (long i = 0; i < n; i++)
			printf("# %s\n", paths[i]);
	hx_strv_free(paths);
	tap_ok(hx_git_changed_paths(git, "no-such-rev", &paths) < 0,
	    "an unknown revision fails");
	tap_ok(hx_git_note_read(git, HX_GIT_NOTES_REF, "HEAD", &failed) == NULL &&
	    !failed, "no note yet");
	tap_ok(hx_git_note_write(git, HX_GIT_NOTES_REF, "HEAD", "{\"type\":\"sample\"}\n") == 0 &&
	    hx_git_note_write(git, HX_GIT_NOTES_REF, "HEAD", "{\"type\":\"wcet\"}\n") == 0,
	    "write a note, then replace it");
	note = hx_git_note_read(git, HX_GIT_NOTES_REF, "HEAD", &failed);
	tap_is(note, "{\"type\":\"wcet\"}\n", "read the note back");
	free(note);
	tap_ok(sh("cd repo && git notes --ref=hx-baseline show HEAD | grep -q wcet && "
	    "git diff --quiet -- src && test -z \"$(git diff --cached)\"") == 0,
	    "git sees the note; index and tracked sources are untouched");
	hx_git_close(git);
	free(repo);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "mkdtemp");
	test_hash();
	test_note_coding();
	test_archive();
	test_archive_sums();
	test_git();
	sh("cd / && rm -rf '%s'", dir);
	return tap_done();
}
