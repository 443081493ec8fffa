/*
 * hx_hash: SHA-256 and base64 through OpenSSL's libcrypto, the only
 * module that touches it.  Digests are lowercase hex strings of 64
 * characters.
 */
#ifndef HX_HASH_H
#define HX_HASH_H

#include <stddef.h>

#define HX_SHA256_HEX 65	/* 64 hex digits and a NUL */

struct hx_sha256 {
	void *ctx;
};

void hx_hash_sha256_init(struct hx_sha256 *h);
void hx_hash_sha256_update(struct hx_sha256 *h, const void *buf, size_t len);
/* Finish into HEX and release the context. */
void hx_hash_sha256_final(struct hx_sha256 *h, char hex[HX_SHA256_HEX]);

/* The digest of BUF. */
void hx_hash_sha256_buf(const void *buf, size_t len, char hex[HX_SHA256_HEX]);

/* The digest of the file at PATH.  Returns 0, or -1 with errno set. */
int hx_hash_sha256_file(const char *path, char hex[HX_SHA256_HEX]);

/* The LEN bytes of BUF in base64 (RFC 4648), one line, to free. */
char *hx_hash_base64_encode(const void *buf, size_t len);

/*
 * Decode the base64 TEXT, whitespace ignored, into *OUT (to free) and
 * *OUTLEN.  Returns 0, or -1 when TEXT is not base64.
 */
int hx_hash_base64_decode(const char *text, unsigned char **out,
    size_t *outlen);

#endif
