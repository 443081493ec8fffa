/*
 * hx_http: files over HTTP GET, HEAD and PUT, through libcurl (the only
 * module that touches it), for stores that speak plain HTTP as ccache's
 * and bazel-remote's HTTP backends do: a WebDAV server, bazel-remote, an
 * object store behind a proxy.
 */
#ifndef HX_HTTP_H
#define HX_HTTP_H

#include <stddef.h>

struct hx_http_limits {
	long connect_ms;	/* to connect; 0: libcurl's default */
	long total_ms;		/* for the whole transfer; 0: no limit */
};

/*
 * GET URL into the file PATH (created or replaced).  Returns 0 on 200, 1
 * when the server has no such file (404; PATH is then removed), or -1 with
 * a message in ERR (no connection, a timeout, a transfer cut short, another
 * status); a failed transfer leaves no file at PATH.
 */
int hx_http_get_file(const char *url, const char *path,
    const struct hx_http_limits *lim, char *err, size_t errlen);

/*
 * Whether the server has URL, asked with HEAD: 0 on 200, 1 on 404, or -1
 * with a message in ERR.
 */
int hx_http_head(const char *url, const struct hx_http_limits *lim,
    char *err, size_t errlen);

/*
 * PUT the file PATH at URL.  Returns 0 on a 2xx status, or -1 with a
 * message in ERR.
 */
int hx_http_put_file(const char *url, const char *path,
    const struct hx_http_limits *lim, char *err, size_t errlen);

#endif
