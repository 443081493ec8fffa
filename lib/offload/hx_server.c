/*
 * hx_server: the offload service's connections: a thread for each client,
 * which reads frames with deadlines, answers them through the backend and
 * writes a span for each request; and the accounting of connections, with
 * room made for a client by dropping the oldest that has not said hello.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hx_clock.h"
#include "hx_err.h"
#include "offload/hx_backend.h"
#include "offload/hx_codec.h"
#include "offload/hx_fault.h"
#include "offload/hx_server.h"
#include "rec/hx_span.h"
#include "rec/hx_writer.h"

/* The most clients served at once; more are turned away. */
#define CONNECTIONS_MAX	64

/* The longest hello: versions, maximum frame, token length and token. */
#define HELLO_MAX	(10 + HX_OFFLOAD_TOKEN_MAX)

struct hx_server {
	const struct hx_server_conf *conf;
	bool unix_socket;
	char *path;		/* of the Unix socket, removed at the end */
	pthread_mutex_t spans_lock;
	char host[256];
	pthread_mutex_t lock;
	struct connection *connections;
	unsigned nconnections;
};

struct connection {
	struct hx_server *svc;
	int fd;
	pthread_t thread;
	bool welcomed;		/* under the service's lock, as the others */
	bool dropped;		/* shut down to make room for another */
	bool done;
	struct connection *next;
};

/* Hand the warning FMT to the program, if it wants them. */
static void HX_PRINTF(2, 3)
warn(struct hx_server *svc, const char *fmt, ...)
{
	struct hx_err_info what;
	va_list ap;

	if (svc->conf->warn == NULL)
		return;
	what.status = HX_EXIT_OK;
	va_start(ap, fmt);
	vsnprintf(what.message, sizeof(what.message), fmt, ap);
	va_end(ap);
	svc->conf->warn(&what);
}

/*
 * Send all of P to FD, or receive exactly LEN bytes into it, before
 * DEADLINE (of CLOCK_MONOTONIC, in ns; 0 for none); false when the peer
 * is gone, the stream ends or the deadline passes first.
 */
static bool
transfer(int fd, uint8_t *p, size_t len, bool sending, int64_t deadline)
{
	struct pollfd pfd = { fd, sending ? POLLOUT : POLLIN, 0 };
	int64_t left;
	ssize_t n;
	int rc;

	while (len > 0) {
		if (deadline != 0) {
			if ((left = deadline - hx_clock_mono_ns()) <= 0)
				return false;
			rc = poll(&pfd, 1, (int)((left + 999999) / 1000000));
			if (rc < 0 && errno != EINTR)
				return false;
			if (rc <= 0)
				continue;
		}
		n = sending ? send(fd, p, len, MSG_NOSIGNAL) :
		    recv(fd, p, len, deadline != 0 ? MSG_DONTWAIT : 0);
		if (n < 0 && (errno == EINTR || (errno == EAGAIN &&
		    deadline != 0)))
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * Read a payload of LEN bytes into BUF before DEADLINE, growing it as the
 * bytes come rather than by the length the header claims.
 */
static bool
recv_payload(int fd, struct hx_codec_buf *buf, size_t len, int64_t deadline)
{
	size_t step;

	buf->len = 0;
	while (buf->len < len) {
		step = len - buf->len;
		if (buf->cap - buf->len < step) {
			buf->cap = buf->cap < 65536 ? 65536 : 2 * buf->cap;
			if (buf->cap > len)
				buf->cap = len;
			buf->data = hx_xrealloc(buf->data, buf->cap);
			step = buf->cap - buf->len;
		}
		if (!transfer(fd, buf->data + buf->len, step, false, deadline))
			return false;
		buf->len += step;
	}
	return true;
}

/* Send the frames in OUT and empty it. */
static bool
flush(int fd, struct hx_codec_buf *out)
{
	bool ok = transfer(fd, out->data, out->len, true, 0);

	out->len = 0;
	return ok;
}

/* Whether A and B are the same token, in time that depends on length. */
static bool
token_equal(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b), i;
	unsigned diff = alen != blen;

	for (i = 0; i < alen && i < blen; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return diff == 0;
}

/*
 * Append the span of request ID (operation OP, traceparent TRACEPARENT,
 * "" for none) to the --spans file: a server span, the child of the
 * caller's span when the request carried one, a root otherwise.  MESSAGE
 * is the error, NULL for success.
 */
static void
write_span(struct hx_server *svc, uint64_t id, int op, const char *traceparent,
    int64_t start_ns, const char *fault, const char *message)
{
	char trace_id[33], parent_id[17], span_id[17], rid[24];
	struct hx_field_pair attrs[3] = {
	    { "backend", svc->conf->backend->name }, { "request_id", rid },
	    { "fault", fault } };
	struct hx_span span;
	json_t *rec;

	hx_span_init(&span);
	if (traceparent[0] != '\0' &&
	    hx_span_traceparent_parse(traceparent, trace_id, parent_id) == 0)
		span.parent_id = parent_id;
	else if (hx_span_new_id(trace_id, HX_SPAN_TRACE_ID_HEX) != 0)
		return;
	if (hx_span_new_id(span_id, HX_SPAN_SPAN_ID_HEX) != 0)
		return;
	snprintf(rid, sizeof(rid), "%llu", (unsigned long long)id);
	span.trace_id = trace_id;
	span.span_id = span_id;
	span.name = hx_backend_op_name(op);
	span.service = "hx-offload";
	span.host = svc->host[0] != '\0' ? svc->host : NULL;
	span.kind = HX_SPAN_SERVER;
	span.start_ns = start_ns;
	span.end_ns = hx_clock_real_ns();
	span.error = message != NULL;
	span.message = message;
	span.attrs = attrs;
	span.nattrs = fault != NULL ? 3 : 2;
	rec = hx_span_to_json(&span);
	pthread_mutex_lock(&svc->spans_lock);
	if ((hx_writer_record(svc->conf->spans, rec) < 0 ||
	    hx_writer_flush(svc->conf->spans) < 0) &&
	    hx_writer_error(svc->conf->spans) != 0)
		warn(svc, "%s: %s", svc->conf->spans_path,
		    strerror(hx_writer_error(svc->conf->spans)));
	pthread_mutex_unlock(&svc->spans_lock);
	json_decref(rec);
}

/* The name of a fault for the span, or NULL for none. */
static const char *
fault_name(enum hx_fault_kind fault, unsigned delay_ms)
{
	switch (fault) {
	case HX_FAULT_ERROR:
		return "error";
	case HX_FAULT_DROP:
		return "drop";
	case HX_FAULT_TRUNCATE:
		return "truncate";
	default:
		return delay_ms > 0 ? "latency" : NULL;
	}
}

/*
 * Answer one request: decode, check, inject a fault, compute, reply.
 * False when the connection is to end.
 */
static bool
answer(struct connection *c, const struct hx_codec_header *h,
    struct hx_codec_buf *in, struct hx_codec_buf *out, uint32_t peer_max)
{
	struct hx_server *svc = c->svc;
	struct hx_codec_request req;
	struct hx_codec_tensor result = { 0 };
	struct timespec ts;
	enum hx_fault_kind fault;
	char msg[HX_OFFLOAD_MESSAGE_MAX];
	unsigned delay_ms = 0;
	int64_t start_ns = hx_clock_real_ns();
	size_t most;
	bool sent;
	int rc;

	most = (peer_max < svc->conf->max_frame ? peer_max :
	    svc->conf->max_frame) - HX_OFFLOAD_HEADER_SIZE - 5 -
	    4 * HX_OFFLOAD_RANK_MAX;
	rc = hx_codec_request_read(in->data, in->len, &req, msg, sizeof(msg));
	if (rc == 0)
		rc = hx_backend_check(&req, most, &result, msg, sizeof(msg));
	fault = hx_fault_pick(&svc->conf->fault, h->id, &delay_ms);
	if (delay_ms > 0) {
		ts.tv_sec = delay_ms / 1000;
		ts.tv_nsec = (long)(delay_ms % 1000) * 1000000;
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			continue;
	}
	if (rc == 0 && fault == HX_FAULT_ERROR) {
		rc = HX_OFFLOAD_WIRE_INJECTED;
		snprintf(msg, sizeof(msg), "fault injected (--fault error)");
	}
	if (rc == 0)
		rc = svc->conf->backend->op(svc->conf->backend_state, &req,
		    &result, msg, sizeof(msg));
	if (rc == 0)
		hx_codec_reply_write(out, h->id, &result);
	else
		hx_codec_error_write(out, h->id, rc, msg);
	hx_codec_tensor_clear(&result);
	if (fault == HX_FAULT_DROP)
		out->len = 0;
	else if (fault == HX_FAULT_TRUNCATE)
		out->len /= 2;
	sent = flush(c->fd, out);
	if (svc->conf->spans != NULL)
		write_span(svc, h->id, req.op, req.traceparent, start_ns,
		    fault_name(fault, delay_ms), rc != 0 ? msg : fault ==
		    HX_FAULT_NONE ? NULL : "connection cut by fault injection");
	hx_codec_request_clear(&req);
	return sent && fault != HX_FAULT_DROP && fault != HX_FAULT_TRUNCATE;
}

/*
 * Say hello: check the client's hello and token, and send the welcome.
 * False when the connection is to end.
 */
static bool
welcome(struct connection *c, const struct hx_codec_header *h,
    struct hx_codec_buf *in, struct hx_codec_buf *out, uint32_t *peer_max)
{
	struct hx_server *svc = c->svc;
	struct hx_codec_hello hello;
	char msg[HX_OFFLOAD_MESSAGE_MAX];
	int rc;

	rc = hx_codec_hello_read(in->data, in->len, &hello, msg, sizeof(msg));
	if (rc == 0 && svc->conf->token != NULL &&
	    !token_equal(hello.token, hello.token_len, svc->conf->token)) {
		rc = HX_OFFLOAD_WIRE_UNAUTHORISED;
		snprintf(msg, sizeof(msg), "missing or wrong token");
	}
	if (rc != 0) {
		hx_codec_error_write(out, h->id, rc, msg);
		flush(c->fd, out);
		return false;
	}
	*peer_max = hello.max_frame;
	hx_codec_welcome_write(out, svc->conf->max_frame, hx_backend_ops(),
	    hx_backend_dtypes(), svc->conf->backend->name);
	return flush(c->fd, out);
}

/*
 * Whether the header H of a client not yet welcomed announces a hello
 * that can be one; else answer with an error, before a byte of the
 * payload is read, so that a stranger cannot make the service hold a
 * large frame.
 */
static bool
hello_header(struct connection *c, const struct hx_codec_header *h,
    struct hx_codec_buf *out)
{
	char msg[64];

	if (h->type != HX_OFFLOAD_FRAME_HELLO)
		hx_codec_error_write(out, h->id, HX_OFFLOAD_WIRE_PROTOCOL,
		    "the first frame must be a hello");
	else if (h->length > HELLO_MAX) {
		snprintf(msg, sizeof(msg), "a hello of %u bytes, above %d",
		    h->length, HELLO_MAX);
		hx_codec_error_write(out, h->id, HX_OFFLOAD_WIRE_TOO_LARGE,
		    msg);
	} else
		return true;
	flush(c->fd, out);
	return false;
}

/*
 * Serve one client until it goes, or a frame ends the connection.  The
 * hello must be whole within --hello-timeout of the connection, and each
 * later frame within --frame-timeout of its first byte; between frames a
 * client may wait as long as it likes.
 */
static void *
serve(void *arg)
{
	struct connection *c = arg;
	struct hx_server *svc = c->svc;
	struct hx_codec_buf in = { 0 }, out = { 0 };
	struct hx_codec_header h;
	uint8_t head[HX_OFFLOAD_HEADER_SIZE];
	char msg[HX_OFFLOAD_MESSAGE_MAX];
	uint32_t peer_max = 0;
	bool greeted = false, go_on = true;
	int64_t deadline;
	int rc;

	deadline = hx_clock_mono_ns() + svc->conf->hello_timeout_ms * 1000000LL;
	while (go_on && transfer(c->fd, head, 1, false,
	    greeted ? 0 : deadline)) {
		if (greeted)
			deadline = hx_clock_mono_ns() +
			    svc->conf->frame_timeout_ms * 1000000LL;
		if (!transfer(c->fd, head + 1, sizeof(head) - 1, false,
		    deadline))
			break;
		if ((rc = hx_codec_header_read(head, svc->conf->max_frame, &h,
		    msg, sizeof(msg))) != 0) {
			hx_codec_error_write(&out, h.id, rc, msg);
			flush(c->fd, &out);
			break;
		}
		if (!greeted && !hello_header(c, &h, &out))
			break;
		if (!recv_payload(c->fd, &in, h.length, deadline))
			break;
		if (!greeted) {
			go_on = greeted = welcome(c, &h, &in, &out, &peer_max);
			pthread_mutex_lock(&svc->lock);
			c->welcomed = greeted;
			pthread_mutex_unlock(&svc->lock);
		} else if (h.type == HX_OFFLOAD_FRAME_REQUEST)
			go_on = answer(c, &h, &in, &out, peer_max);
		else {
			hx_codec_error_write(&out, h.id,
			    HX_OFFLOAD_WIRE_PROTOCOL, "a client sends requests "
			    "after its hello");
			flush(c->fd, &out);
			go_on = false;
		}
	}
	hx_codec_buf_free(&in);
	hx_codec_buf_free(&out);
	pthread_mutex_lock(&svc->lock);
	shutdown(c->fd, SHUT_RDWR);
	c->done = true;
	pthread_mutex_unlock(&svc->lock);
	return NULL;
}

/* Join the threads of the connections that ended, and free them. */
static void
reap(struct hx_server *svc, bool all)
{
	struct connection **pp = &svc->connections, *c;

	pthread_mutex_lock(&svc->lock);
	for (c = svc->connections; all && c != NULL; c = c->next)
		shutdown(c->fd, SHUT_RDWR);
	pthread_mutex_unlock(&svc->lock);
	while ((c = *pp) != NULL) {
		pthread_mutex_lock(&svc->lock);
		if (!c->done && !all) {
			pthread_mutex_unlock(&svc->lock);
			pp = &c->next;
			continue;
		}
		pthread_mutex_unlock(&svc->lock);
		pthread_join(c->thread, NULL);
		close(c->fd);
		*pp = c->next;
		svc->nconnections--;
		free(c);
	}
}

/*
 * Make room for a client: shut down the oldest connection that has not
 * been welcomed, if one has not been shut down already.  Whether there is
 * room now; the connection goes at the next reap.
 */
static bool
drop_stranger(struct hx_server *svc)
{
	struct connection *c, *oldest = NULL;
	unsigned dropped = 0;

	pthread_mutex_lock(&svc->lock);
	for (c = svc->connections; c != NULL; c = c->next) {
		dropped += c->dropped || c->done;
		if (!c->welcomed && !c->dropped && !c->done)
			oldest = c;
	}
	if (oldest != NULL && svc->nconnections - dropped <= CONNECTIONS_MAX) {
		shutdown(oldest->fd, SHUT_RDWR);
		oldest->dropped = true;
	} else
		oldest = NULL;
	pthread_mutex_unlock(&svc->lock);
	if (oldest != NULL)
		warn(svc, "dropped a client that had not said hello, to make "
		    "room for another");
	return oldest != NULL;
}

/*
 * Take a new client: a Unix socket's peer must be this user; then a
 * thread of its own.  When CONNECTIONS_MAX are connected, one that has
 * not said hello makes room, or the new one is turned away.
 */
void
hx_server_take(struct hx_server *svc, int fd)
{
	struct connection *c;
	struct ucred cred;
	struct timeval tv;
	socklen_t len = sizeof(cred);
	int error;

	if (svc->unix_socket && (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred,
	    &len) != 0 || cred.uid != getuid())) {
		warn(svc, "refused a client of uid %ld",
		    len == sizeof(cred) ? (long)cred.uid : -1L);
		close(fd);
		return;
	}
	if (svc->nconnections >= CONNECTIONS_MAX && !drop_stranger(svc)) {
		warn(svc, "refused a client: %d are connected",
		    CONNECTIONS_MAX);
		close(fd);
		return;
	}
	tv.tv_sec = svc->conf->frame_timeout_ms / 1000;
	tv.tv_usec = (suseconds_t)(svc->conf->frame_timeout_ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	c = hx_xcalloc(1, sizeof(*c));
	c->svc = svc;
	c->fd = fd;
	if ((error = pthread_create(&c->thread, NULL, serve, c)) != 0) {
		warn(svc, "cannot start a thread: %s", strerror(error));
		close(fd);
		free(c);
		return;
	}
	c->next = svc->connections;
	svc->connections = c;
	svc->nconnections++;
}

/* Whether HOST is a loopback address. */
static bool
loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127;
	return sa->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(
	    &((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/*
 * Listen on the TCP address HOSTPORT ("HOST:PORT", HOST maybe in
 * brackets); beyond loopback only with a token.  Writes the address
 * listened on, with the port the system chose for 0, to ADDR.
 */
static int
listen_tcp(struct hx_server *svc, const char *hostport, char *addr,
    size_t addrsize, struct hx_err_info *err)
{
	struct addrinfo hints = { 0 }, *res;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char host[256], port[32], name[INET6_ADDRSTRLEN];
	const char *colon = strrchr(hostport, ':');
	size_t hlen;
	int fd, rc, one = 1;

	hlen = colon == NULL ? 0 : (size_t)(colon - hostport);
	if (hlen > 1 && hostport[0] == '[' && hostport[hlen - 1] == ']') {
		hostport++;
		hlen -= 2;
	}
	if (colon == NULL || hlen == 0 || hlen >= sizeof(host) ||
	    strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof(port))
		return hx_err_set(err, HX_EXIT_USAGE,
		    "--listen tcp:%s: not tcp:HOST:PORT", hostport);
	memcpy(host, hostport, hlen);
	host[hlen] = '\0';
	strcpy(port, colon + 1);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return hx_err_set(err, HX_EXIT_USAGE, "--listen tcp:%s:%s: %s",
		    host, port, gai_strerror(rc));
	if (!loopback(res->ai_addr) && svc->conf->token == NULL) {
		freeaddrinfo(res);
		return hx_err_set(err, HX_EXIT_USAGE, "--listen tcp:%s:%s is "
		    "beyond loopback: it needs --token-file", host, port);
	}
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0) {
		hx_err_set_errno(err, HX_EXIT_SYSTEM,
		    "cannot listen on tcp:%s:%s", host, port);
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	getnameinfo((struct sockaddr *)&ss, sslen, name, sizeof(name), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(addr, addrsize, ss.ss_family == AF_INET6 ? "tcp:[%s]:%s" :
	    "tcp:%s:%s", name, port);
	freeaddrinfo(res);
	return fd;
}

/*
 * Listen on the Unix socket PATH, created 0600; a socket left there by a
 * service that is gone is replaced, one that answers is not.
 */
static int
listen_unix(struct hx_server *svc, const char *path, char *addr,
    size_t addrsize, struct hx_err_info *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t mask;
	int fd;

	if (strlen(path) == 0 || strlen(path) >= sizeof(sun.sun_path))
		return hx_err_set(err, HX_EXIT_USAGE,
		    "--listen %s: not a Unix socket path", path);
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return hx_err_set_errno(err, HX_EXIT_SYSTEM, "socket");
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			close(fd);
			return hx_err_set(err, HX_EXIT_SYSTEM,
			    "%s: a service already listens there", path);
		}
		unlink(path);
	}
	mask = umask(077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		hx_err_set_errno(err, HX_EXIT_SYSTEM, "cannot listen on %s",
		    path);
		umask(mask);
		close(fd);
		return -1;
	}
	umask(mask);
	svc->path = hx_xstrdup(path);
	if (chmod(path, 0600) < 0 || listen(fd, 64) < 0) {
		hx_err_set_errno(err, HX_EXIT_SYSTEM, "cannot listen on %s",
		    path);
		close(fd);
		return -1;
	}
	svc->unix_socket = true;
	snprintf(addr, addrsize, "unix:%s", path);
	return fd;
}

struct hx_server *
hx_server_new(const struct hx_server_conf *conf)
{
	struct hx_server *svc = hx_xcalloc(1, sizeof(*svc));

	svc->conf = conf;
	pthread_mutex_init(&svc->lock, NULL);
	pthread_mutex_init(&svc->spans_lock, NULL);
	if (conf->spans != NULL &&
	    gethostname(svc->host, sizeof(svc->host) - 1) != 0)
		svc->host[0] = '\0';
	return svc;
}

int
hx_server_listen(struct hx_server *svc, const char *address, char *addr,
    size_t addrsize, struct hx_err_info *err)
{
	if (strncmp(address, "tcp:", 4) == 0)
		return listen_tcp(svc, address + 4, addr, addrsize, err);
	return listen_unix(svc, strncmp(address, "unix:", 5) == 0 ?
	    address + 5 : address, addr, addrsize, err);
}

void
hx_server_reap(struct hx_server *svc)
{
	reap(svc, false);
}

void
hx_server_free(struct hx_server *svc)
{
	if (svc->path != NULL)
		unlink(svc->path);
	reap(svc, true);
	pthread_mutex_destroy(&svc->lock);
	pthread_mutex_destroy(&svc->spans_lock);
	free(svc->path);
	free(svc);
}
