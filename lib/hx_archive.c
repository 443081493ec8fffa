/*
 * hx_archive: libarchive for bundles and extraction.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "hx_archive.h"
#include "hx_atomic.h"
#include "hx_err.h"
#include "hx_hash.h"

static int
by_name(const void *a, const void *b)
{
	const struct hx_bundle_entry *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Copy the file PATH into the archive as the current entry's data. */
static int
copy_file(struct archive *a, const char *path, char *err, size_t errlen)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)n) != n) {
			snprintf(err, errlen, "%s", archive_error_string(a));
			close(fd);
			return -1;
		}
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The size of an entry: its data, or its file's current size. */
static int
entry_size(const struct hx_bundle_entry *e, int64_t *size, char *err,
    size_t errlen)
{
	struct stat st;

	if (e->data != NULL || e->file == NULL) {
		*size = (int64_t)e->len;
		return 0;
	}
	if (stat(e->file, &st) < 0) {
		snprintf(err, errlen, "%s: %s", e->file, strerror(errno));
		return -1;
	}
	*size = (int64_t)st.st_size;
	return 0;
}

static int
write_entries(struct archive *a, struct hx_bundle_entry *entries, size_t n,
    int64_t mtime, char *err, size_t errlen)
{
	struct archive_entry *ae = archive_entry_new();
	int64_t size;
	size_t i;

	for (i = 0; i < n; i++) {
		if (entry_size(&entries[i], &size, err, errlen) < 0)
			goto fail;
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, entries[i].name);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, entries[i].mode ? entries[i].mode : 0644);
		archive_entry_set_size(ae, size);
		archive_entry_set_mtime(ae, (time_t)mtime, 0);
		archive_entry_set_uid(ae, 0);
		archive_entry_set_gid(ae, 0);
		if (archive_write_header(a, ae) != ARCHIVE_OK) {
			snprintf(err, errlen, "%s: %s", entries[i].name,
			    archive_error_string(a));
			goto fail;
		}
		if (entries[i].data != NULL || entries[i].file == NULL) {
			if (entries[i].len > 0 && archive_write_data(a,
			    entries[i].data, entries[i].len) !=
			    (la_ssize_t)entries[i].len) {
				snprintf(err, errlen, "%s", archive_error_string(a));
				goto fail;
			}
		} else if (copy_file(a, entries[i].file, err, errlen) < 0)
			goto fail;
	}
	archive_entry_free(ae);
	return 0;
fail:
	archive_entry_free(ae);
	return -1;
}

int
hx_archive_write_bundle(const char *path, struct hx_bundle_entry *entries,
    size_t n, int64_t mtime, char *err, size_t errlen)
{
	struct hx_atomic out;
	struct archive *a;
	int rc = -1;

	qsort(entries, n, sizeof(*entries), by_name);
	if (hx_atomic_open(&out, path, 0644) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	a = archive_write_new();
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "gzip:!timestamp") != ARCHIVE_OK ||
	    archive_write_open_FILE(a, out.fp) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", path, archive_error_string(a));
		goto done;
	}
	if (write_entries(a, entries, n, mtime, err, errlen) < 0)
		goto done;
	if (archive_write_close(a) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", path, archive_error_string(a));
		goto done;
	}
	rc = 0;
done:
	archive_write_free(a);
	if (rc == 0 && hx_atomic_commit(&out) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (rc != 0)
		hx_atomic_abort(&out);
	return rc;
}

/* The SHA-256 of entry E, its data or its file, in HEX. */
static int
entry_digest(const struct hx_bundle_entry *e, char hex[HX_SHA256_HEX],
    char *err, size_t errlen)
{
	if (e->data != NULL || e->file == NULL) {
		hx_hash_sha256_buf(e->data, e->len, hex);
		return 0;
	}
	if (hx_hash_sha256_file(e->file, hex) < 0) {
		snprintf(err, errlen, "%s: %s", e->file, strerror(errno));
		return -1;
	}
	return 0;
}

int
hx_archive_write_bundle_sums(const char *path,
    const struct hx_bundle_entry *entries, size_t n, int64_t mtime, char *err,
    size_t errlen)
{
	struct hx_bundle_entry *all = hx_xcalloc(n + 1, sizeof(*all));
	char hex[HX_SHA256_HEX], *sums, *end;
	size_t len = 0, i;
	int rc = -1;

	memcpy(all, entries, n * sizeof(*all));
	qsort(all, n, sizeof(*all), by_name);
	for (i = 0; i < n; i++)
		len += HX_SHA256_HEX - 1 + 2 + strlen(all[i].name) + 1;
	sums = end = hx_xmalloc(len + 1);
	*end = '\0';
	for (i = 0; i < n; i++) {
		if (entry_digest(&all[i], hex, err, errlen) < 0)
			goto done;
		end += sprintf(end, "%s  %s\n", hex, all[i].name);
	}
	all[n] = (struct hx_bundle_entry){ "SHA256SUMS", sums, len, NULL, 0 };
	rc = hx_archive_write_bundle(path, all, n + 1, mtime, err, errlen);
done:
	free(sums);
	free(all);
	return rc;
}

/* Whether NAME may be extracted: relative, and no ".." component. */
static int
safe_name(const char *name)
{
	const char *p = name;

	if (*name == '/' || *name == '\0')
		return 0;
	while (*p != '\0') {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return 0;
		p = strchr(p, '/');
		if (p == NULL)
			break;
		p++;
	}
	return 1;
}

int
hx_archive_extract(const char *path, const char *dest, char *err,
    size_t errlen)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	struct archive_entry *ae;
	const char *name, *link;
	char *full;
	int rc = -1, r;

	archive_read_support_format_all(in);
	archive_read_support_filter_all(in);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_TIME |
	    ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	    ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	if (archive_read_open_filename(in, path, 65536) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", path, archive_error_string(in));
		goto done;
	}
	while ((r = archive_read_next_header(in, &ae)) == ARCHIVE_OK) {
		name = archive_entry_pathname(ae);
		link = archive_entry_hardlink(ae);
		if (name == NULL || !safe_name(name) ||
		    (link != NULL && !safe_name(link))) {
			snprintf(err, errlen, "%s: refusing unsafe entry %s", path,
			    name != NULL ? name : "(no name)");
			goto done;
		}
		full = hx_xasprintf("%s/%s", dest, name);
		archive_entry_set_pathname(ae, full);
		free(full);
		if (link != NULL) {
			full = hx_xasprintf("%s/%s", dest, link);
			archive_entry_set_hardlink(ae, full);
			free(full);
		}
		if (archive_write_header(out, ae) != ARCHIVE_OK) {
			snprintf(err, errlen, "%s", archive_error_string(out));
			goto done;
		}
		for (;;) {
			const void *buf;
			size_t size;
			la_int64_t offset;

			r = archive_read_data_block(in, &buf, &size, &offset);
			if (r == ARCHIVE_EOF)
				break;
			if (r != ARCHIVE_OK ||
			    archive_write_data_block(out, buf, size, offset) !=
			    ARCHIVE_OK) {
				snprintf(err, errlen, "%s: %s", path,
				    r != ARCHIVE_OK ? archive_error_string(in) :
				    archive_error_string(out));
				goto done;
			}
		}
		if (archive_write_finish_entry(out) != ARCHIVE_OK) {
			snprintf(err, errlen, "%s", archive_error_string(out));
			goto done;
		}
	}
	if (r != ARCHIVE_EOF) {
		snprintf(err, errlen, "%s: %s", path, archive_error_string(in));
		goto done;
	}
	rc = 0;
done:
	archive_read_free(in);
	archive_write_free(out);
	return rc;
}
