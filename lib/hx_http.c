/*
 * hx_http.c: GET, HEAD and PUT of whole files with libcurl's easy
 * interface, one handle a transfer.
 */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hx_http.h"

/* Initialise libcurl once; returns 0 or -1 with a message in ERR. */
static int
http_init(char *err, size_t errlen)
{
	static int done, rc;

	if (!done) {
		rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
		done = 1;
	}
	if (rc != 0)
		snprintf(err, errlen, "cannot initialise libcurl");
	return rc;
}

/* A handle for URL with LIM set, failing on no status; NULL on failure. */
static CURL *
http_handle(const char *url, const struct hx_http_limits *lim, char *err,
    size_t errlen)
{
	CURL *h;

	if (http_init(err, errlen) != 0)
		return NULL;
	if ((h = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "cannot create a libcurl handle");
		return NULL;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	if (lim->connect_ms > 0)
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, lim->connect_ms);
	if (lim->total_ms > 0)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, lim->total_ms);
	return h;
}

/*
 * Perform H for URL; returns the HTTP status, or -1 with ERR naming what
 * went wrong.
 */
static long
http_perform(CURL *h, const char *url, char *err, size_t errlen)
{
	char why[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	long status = 0;

	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, why);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url, why[0] != '\0' ? why :
		    curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status <= 0) {
		snprintf(err, errlen, "%s: no HTTP status in the reply", url);
		return -1;
	}
	return status;
}

int
hx_http_get_file(const char *url, const char *path,
    const struct hx_http_limits *lim, char *err, size_t errlen)
{
	CURL *h;
	FILE *fp;
	long status;
	int closed;

	if ((h = http_handle(url, lim, err, errlen)) == NULL)
		return -1;
	if ((fp = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		curl_easy_cleanup(h);
		return -1;
	}
	curl_easy_setopt(h, CURLOPT_WRITEDATA, fp);
	status = http_perform(h, url, err, errlen);
	curl_easy_cleanup(h);
	closed = fclose(fp);
	if (status == 200 && closed != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		status = -1;
	}
	if (status == 200)
		return 0;
	unlink(path);
	if (status == 404)
		return 1;
	if (status > 0)
		snprintf(err, errlen, "%s: HTTP status %ld", url, status);
	return -1;
}

int
hx_http_head(const char *url, const struct hx_http_limits *lim, char *err,
    size_t errlen)
{
	CURL *h;
	long status;

	if ((h = http_handle(url, lim, err, errlen)) == NULL)
		return -1;
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	status = http_perform(h, url, err, errlen);
	curl_easy_cleanup(h);
	if (status == 200)
		return 0;
	if (status == 404)
		return 1;
	if (status > 0)
		snprintf(err, errlen, "%s: HTTP status %ld", url, status);
	return -1;
}

int
hx_http_put_file(const char *url, const char *path,
    const struct hx_http_limits *lim, char *err, size_t errlen)
{
	struct stat st;
	CURL *h;
	FILE *fp;
	long status;

	if ((fp = fopen(path, "r")) == NULL || fstat(fileno(fp), &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	if ((h = http_handle(url, lim, err, errlen)) == NULL) {
		fclose(fp);
		return -1;
	}
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READDATA, fp);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st.st_size);
	status = http_perform(h, url, err, errlen);
	curl_easy_cleanup(h);
	fclose(fp);
	if (status >= 200 && status < 300)
		return 0;
	if (status > 0)
		snprintf(err, errlen, "%s: HTTP status %ld", url, status);
	return -1;
}
