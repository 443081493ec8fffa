/*
 * hx_otlp_http.c: a minimal HTTP/1.1 client for OTLP/HTTP: one
 * connection a request (Connection: close), retries with backoff.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace/hx_otlp_http.h"

/* What one attempt came to. */
struct answer {
	int status;		/* the HTTP status; 0: no answer */
	long retry_after;	/* seconds; -1: none given */
	char reason[128];	/* why there is no answer, or the status line */
};

int
hx_otlp_http_open(struct hx_otlp_http *h, const char *url,
    struct hx_err_info *err)
{
	const char *p, *host, *end, *path;

	memset(h, 0, sizeof(*h));
	if (strncmp(url, "https://", 8) == 0)
		return hx_err_set(err, HX_EXIT_USAGE, "%s: https is not "
		    "supported: give an http:// endpoint (a collector on "
		    "loopback can forward with TLS)", url);
	if (strncmp(url, "http://", 7) != 0)
		return hx_err_set(err, HX_EXIT_USAGE, "%s: not an http:// URL",
		    url);
	host = url + 7;
	path = host + strcspn(host, "/?#");
	if (strpbrk(host, "?#") != NULL)
		return hx_err_set(err, HX_EXIT_USAGE, "%s: a query or fragment "
		    "in an OTLP endpoint", url);
	if (*host == '[') {
		if ((end = memchr(host, ']', (size_t)(path - host))) == NULL)
			return hx_err_set(err, HX_EXIT_USAGE, "%s: no ] after "
			    "the IPv6 address", url);
		h->host = hx_xasprintf("%.*s", (int)(end - host - 1), host + 1);
		p = end + 1;
	} else {
		end = memchr(host, ':', (size_t)(path - host));
		p = end != NULL ? end : path;
		h->host = hx_xasprintf("%.*s", (int)(p - host), host);
	}
	if (*p == ':' && p + 1 < path &&
	    strspn(p + 1, "0123456789") == (size_t)(path - p - 1))
		h->port = hx_xasprintf("%.*s", (int)(path - p - 1), p + 1);
	else if (p == path)
		h->port = hx_xstrdup("80");
	if (h->port == NULL || h->host[0] == '\0') {
		hx_otlp_http_close(h);
		return hx_err_set(err, HX_EXIT_USAGE, "%s: no host or a bad "
		    "port", url);
	}
	h->base = hx_xstrdup(path);
	h->base[strlen(h->base) - (strlen(path) > 0 &&
	    path[strlen(path) - 1] == '/')] = '\0';
	h->url = hx_xstrdup(url);
	return 0;
}

void
hx_otlp_http_close(struct hx_otlp_http *h)
{
	free(h->url);
	free(h->host);
	free(h->port);
	free(h->base);
	memset(h, 0, sizeof(*h));
}

/* A socket connected to H's host and port, or -1 with A->reason set. */
static int
connect_to(const struct hx_otlp_http *h, struct answer *a)
{
	struct addrinfo hints, *res, *ai;
	struct timeval tv = { HX_OTLP_HTTP_TIMEOUT_S, 0 };
	int fd = -1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(h->host, h->port, &hints, &res)) != 0) {
		snprintf(a->reason, sizeof(a->reason), "%s",
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		snprintf(a->reason, sizeof(a->reason), "%s", strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Send all LEN bytes of BUF; 0, or -1 with errno set. */
static int
send_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = send(fd, buf, len, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Read the answer's head from FD (to the end of the headers or of the
 * stream) and parse the status and Retry-After into A.
 */
static void
read_answer(int fd, struct answer *a)
{
	char head[8192], *line, *eol;
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(head) - 1) {
		n = recv(fd, head + len, sizeof(head) - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		head[len] = '\0';
		if (strstr(head, "\r\n\r\n") != NULL)
			break;
	}
	head[len] = '\0';
	if (len == 0 || sscanf(head, "HTTP/%*d.%*d %d", &a->status) != 1 ||
	    a->status < 100) {
		a->status = 0;
		snprintf(a->reason, sizeof(a->reason), "%s", len == 0 ?
		    "no answer" : "not an HTTP answer");
		return;
	}
	snprintf(a->reason, sizeof(a->reason), "%.*s",
	    (int)strcspn(head, "\r\n"), head);
	for (line = head; (eol = strstr(line, "\r\n")) != NULL &&
	    eol != line; line = eol + 2) {
		if (strncasecmp(line, "Retry-After:", 12) == 0 &&
		    strspn(line + 12 + strspn(line + 12, " \t"),
		    "0123456789") > 0)
			a->retry_after = strtol(line + 12, NULL, 10);
	}
}

/* One POST of BODY to PATH: fills A. */
static void
attempt(const struct hx_otlp_http *h, const char *path, const char *body,
    size_t len, struct answer *a)
{
	char *head;
	int fd;

	memset(a, 0, sizeof(*a));
	a->retry_after = -1;
	if ((fd = connect_to(h, a)) < 0)
		return;
	head = hx_xasprintf("POST %s HTTP/1.1\r\nHost: %s%s%s:%s\r\n"
	    "User-Agent: hx-trace/" PACKAGE_VERSION "\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", path,
	    strchr(h->host, ':') != NULL ? "[" : "", h->host,
	    strchr(h->host, ':') != NULL ? "]" : "", h->port, len);
	if (send_all(fd, head, strlen(head)) < 0 ||
	    send_all(fd, body, len) < 0)
		snprintf(a->reason, sizeof(a->reason), "%s", strerror(errno));
	else
		read_answer(fd, a);
	free(head);
	close(fd);
}

/* Whether an attempt that came to A may succeed when tried again. */
static int
retryable(const struct answer *a)
{
	return a->status == 0 || a->status == 429 || a->status == 502 ||
	    a->status == 503 || a->status == 504;
}

/* Sleep MS milliseconds. */
static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		continue;
}

int
hx_otlp_http_post(void *ctx, enum hx_otlp_signal signal, const char *json,
    size_t len, struct hx_err_info *err)
{
	struct hx_otlp_http *h = ctx;
	struct answer a;
	long wait_ms = HX_OTLP_HTTP_BACKOFF_MS;
	char *path;
	int n;

	path = hx_xasprintf("%s/v1/%s", h->base,
	    signal == HX_OTLP_TRACES ? "traces" : "metrics");
	for (n = 1; ; n++) {
		attempt(h, path, json, len, &a);
		if (a.status >= 200 && a.status < 300)
			break;
		if (!retryable(&a) || n == HX_OTLP_HTTP_ATTEMPTS) {
			hx_err_set(err, HX_EXIT_SYSTEM, "%s: POST %s: %s%s",
			    h->url, path, a.reason, retryable(&a) ?
			    " (gave up after retries)" : "");
			free(path);
			return -1;
		}
		if (n == 1)
			h->retries++;
		if (a.retry_after >= 0)
			pause_ms((a.retry_after < HX_OTLP_HTTP_WAIT_MAX_S ?
			    a.retry_after : HX_OTLP_HTTP_WAIT_MAX_S) * 1000);
		else
			pause_ms(wait_ms);
		wait_ms *= 2;
	}
	free(path);
	return 0;
}
