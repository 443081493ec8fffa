/*
 * hx_archive: reproducible tar.gz bundles and safe extraction, through
 * libarchive (the only module that touches it).
 *
 * A bundle has its entries sorted by name, owner and group 0 with no
 * names, one fixed mtime, modes 0644 or 0755, and a gzip header without a
 * time stamp, so the same inputs give the same bytes on any machine; it
 * may carry a SHA256SUMS of its entries.
 */
#ifndef HX_ARCHIVE_H
#define HX_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

struct hx_bundle_entry {
	const char *name;	/* the path inside the archive */
	const void *data;	/* the content, or NULL to read FILE */
	size_t len;
	const char *file;	/* a file to copy in when data is NULL */
	unsigned mode;		/* 0644 or 0755; 0: 0644 */
};

/*
 * Write the N ENTRIES (sorted here by name) as a gzipped tar at PATH,
 * atomically, every entry with time MTIME (seconds; SOURCE_DATE_EPOCH is
 * the usual choice).  Returns 0, or -1 with a message in ERR.
 */
int hx_archive_write_bundle(const char *path, struct hx_bundle_entry *entries,
    size_t n, int64_t mtime, char *err, size_t errlen);

/*
 * Write the N ENTRIES as hx_archive_write_bundle does, with one more, a
 * SHA256SUMS of them all in the archive's order (as sha256sum(1) writes
 * it, so that "sha256sum -c SHA256SUMS" checks the unpacked bundle).
 * ENTRIES is left as it is.  Returns 0, or -1 with a message in ERR.
 */
int hx_archive_write_bundle_sums(const char *path,
    const struct hx_bundle_entry *entries, size_t n, int64_t mtime, char *err,
    size_t errlen);

/*
 * Extract the archive at PATH (any format and compression libarchive
 * reads) under the directory DEST.  Absolute names, ".." components and
 * writes through symbolic links are refused.  Returns 0, or -1 with a
 * message in ERR.
 */
int hx_archive_extract(const char *path, const char *dest, char *err,
    size_t errlen);

#endif
