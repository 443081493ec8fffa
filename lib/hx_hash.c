/*
 * hx_hash: SHA-256 and base64 with libcrypto's EVP interface.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hx_err.h"
#include "hx_hash.h"

/*
 * libcrypto's SHA-256 fails only when it cannot allocate: that ends the
 * program as any allocation failure does.
 */
void
hx_hash_sha256_init(struct hx_sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		hx_err_out_of_memory();
	h->ctx = ctx;
}

void
hx_hash_sha256_update(struct hx_sha256 *h, const void *buf, size_t len)
{
	if (EVP_DigestUpdate(h->ctx, buf, len) != 1)
		hx_err_out_of_memory();
}

void
hx_hash_sha256_final(struct hx_sha256 *h, char hex[HX_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != 32)
		hx_err_out_of_memory();
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

void
hx_hash_sha256_buf(const void *buf, size_t len, char hex[HX_SHA256_HEX])
{
	struct hx_sha256 h;

	hx_hash_sha256_init(&h);
	hx_hash_sha256_update(&h, buf, len);
	hx_hash_sha256_final(&h, hex);
}

int
hx_hash_sha256_file(const char *path, char hex[HX_SHA256_HEX])
{
	struct hx_sha256 h;
	char buf[65536];
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	hx_hash_sha256_init(&h);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			hx_hash_sha256_final(&h, hex);
			close(fd);
			errno = saved;
			return -1;
		}
		hx_hash_sha256_update(&h, buf, (size_t)n);
	}
	close(fd);
	hx_hash_sha256_final(&h, hex);
	return 0;
}

char *
hx_hash_base64_encode(const void *buf, size_t len)
{
	char *text = hx_xmalloc((len + 2) / 3 * 4 + 1);

	EVP_EncodeBlock((unsigned char *)text, buf, (int)len);
	return text;
}

int
hx_hash_base64_decode(const char *text, unsigned char **out, size_t *outlen)
{
	size_t n = 0, i, pad = 0;
	char *clean = hx_xmalloc(strlen(text) + 1);
	int got;

	for (i = 0; text[i] != '\0'; i++)
		if (!isspace((unsigned char)text[i]))
			clean[n++] = text[i];
	clean[n] = '\0';
	if (n % 4 != 0) {
		free(clean);
		return -1;
	}
	for (i = n; i > 0 && pad < 2 && clean[i - 1] == '='; i--)
		pad++;
	*out = hx_xmalloc(n / 4 * 3 + 1);
	got = EVP_DecodeBlock(*out, (unsigned char *)clean, (int)n);
	free(clean);
	if (got < 0 || (size_t)got < pad) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*outlen = (size_t)got - pad;
	return 0;
}
