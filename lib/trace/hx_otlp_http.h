/*
 * hx_otlp_http: OTLP/HTTP export with JSON bodies: each request of
 * hx_otlp is POSTed to BASE/v1/traces or BASE/v1/metrics with
 * Content-Type application/json, over plain HTTP/1.1 on a socket.
 *
 * A request answered 429, 502, 503 or 504, or that cannot connect or is
 * cut, is tried again, up to HX_OTLP_HTTP_ATTEMPTS times in all, after
 * the server's Retry-After (seconds) or else a backoff that doubles from
 * HX_OTLP_HTTP_BACKOFF_MS; any other answer but 2xx fails at once, as
 * the OTLP specification asks.  https is refused with a message: hx
 * carries no TLS client; an OpenTelemetry collector on loopback
 * forwards with TLS.
 */
#ifndef HX_OTLP_HTTP_H
#define HX_OTLP_HTTP_H

#include <stddef.h>

#include "hx_err.h"
#include "trace/hx_otlp.h"

#define HX_OTLP_HTTP_ATTEMPTS	5
#define HX_OTLP_HTTP_BACKOFF_MS	200
/* The longest Retry-After obeyed, and the timeout of each send and read. */
#define HX_OTLP_HTTP_WAIT_MAX_S	30
#define HX_OTLP_HTTP_TIMEOUT_S	10

struct hx_otlp_http {
	char *url;		/* as given, for messages */
	char *host;		/* name or address, without brackets */
	char *port;
	char *base;		/* the path before /v1/..., no trailing / */
	int retries;		/* requests tried more than once, so far */
};

/*
 * Parse the endpoint URL ("http://HOST[:PORT][/PATH]") into H.  Returns
 * 0, or -1 with ERR filled (HX_EXIT_USAGE) for a URL that is not one.
 */
int hx_otlp_http_open(struct hx_otlp_http *h, const char *url,
    struct hx_err_info *err);

void hx_otlp_http_close(struct hx_otlp_http *h);

/*
 * POST JSON (LEN bytes) for SIGNAL, with the retries above: an
 * hx_otlp_sink whose CTX is a struct hx_otlp_http.  Returns 0, or -1 with
 * ERR filled (HX_EXIT_SYSTEM).
 */
int hx_otlp_http_post(void *ctx, enum hx_otlp_signal signal,
    const char *json, size_t len, struct hx_err_info *err);

#endif
