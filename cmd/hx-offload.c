/*
 * hx-offload: the tensor-offload service.  Listens on a Unix socket (or
 * TCP), speaks hx-offload(5) with each client on a thread of its own,
 * computes with a backend of lib/offload, injects faults on request, and
 * stops cleanly on SIGTERM, SIGINT or SIGHUP.  It writes nothing on
 * standard output: it is a service; diagnostics go to standard error.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
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
#include "rec/hx_span.h"
#include "rec/hx_writer.h"

/* The most clients served at once; more are turned away. */
#define CONNECTIONS_MAX	64

/* The default deadlines of a hello and of a frame once begun, in ms. */
#define HELLO_TIMEOUT_MS	10000
#define FRAME_TIMEOUT_MS	60000

/* The longest hello: versions, maximum frame, token length and token. */
#define HELLO_MAX	(10 + HX_OFFLOAD_TOKEN_MAX)

/* What the service was asked to do, shared by every connection. */
struct service {
	const struct hx_backend *backend;
	void *backend_state;
	uint32_t max_frame;
	unsigned hello_timeout_ms;	/* from the connection to the welcome */
	unsigned frame_timeout_ms;	/* a frame, first byte to last */
	char *token;		/* NULL: none asked for */
	struct hx_fault fault;
	bool unix_socket;
	char *path;		/* of the Unix socket, removed at exit */
	struct hx_writer *spans;	/* --spans; NULL: none */
	const char *spans_path;
	pthread_mutex_t spans_lock;
	char host[256];
	pthread_mutex_t lock;
	struct connection *connections;
	unsigned nconnections;
};

struct connection {
	struct service *svc;
	int fd;
	pthread_t thread;
	bool welcomed;		/* under the service's lock, as the others */
	bool dropped;		/* shut down to make room for another */
	bool done;
	struct connection *next;
};

static void
usage(void)
{
	printf("Usage: hx-offload [-hV] [--listen ADDR] [--backend cpu|cuda]\n"
	    "                  [--ready-fd FD] [--token-file FILE]\n"
	    "                  [--fault SPEC] [--fault-seed N]\n"
	    "                  [--max-frame BYTES] [--spans FILE]\n"
	    "                  [--hello-timeout MS] [--frame-timeout MS]\n"
	    "                  [--parent-fd FD]\n"
	    "Serve the tensor-offload protocol (hx-offload(5)) until SIGTERM.\n"
	    "\n"
	    "Options:\n"
	    "  -l, --listen ADDR       unix:PATH, PATH or tcp:HOST:PORT (default\n"
	    "                          unix:$XDG_RUNTIME_DIR/hx-offload.sock)\n"
	    "  -b, --backend NAME      cpu (default) or cuda\n"
	    "      --ready-fd FD       once listening, write the address and a\n"
	    "                          newline to FD and close it\n"
	    "      --token-file FILE   clients must send the token in FILE;\n"
	    "                          required beyond loopback\n"
	    "      --fault SPEC        inject faults: error=P,drop=P,\n"
	    "                          truncate=P,latency=P,delay=MS\n"
	    "      --fault-seed N      the seed of the faults (default 0)\n"
	    "      --max-frame BYTES   the largest frame (default 67108864)\n"
	    "      --spans FILE        append a span record for each request\n"
	    "      --parent-fd FD      stop, as on SIGTERM, when the other\n"
	    "                          end of the pipe FD is closed\n"
	    "      --hello-timeout MS  close a client that has not said hello\n"
	    "                          within MS milliseconds (default 10000)\n"
	    "      --frame-timeout MS  close a client whose frame, once\n"
	    "                          begun, is not whole within MS\n"
	    "                          (default 60000)\n"
	    "  -h, --help              show this help and exit\n"
	    "  -V, --version           show the version and exit\n"
	    "\n"
	    "Exit status: 0 stopped by a signal, 2 usage, 4 system failure.\n");
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
write_span(struct service *svc, uint64_t id, int op, const char *traceparent,
    int64_t start_ns, const char *fault, const char *message)
{
	char trace_id[33], parent_id[17], span_id[17], rid[24];
	struct hx_field_pair attrs[3] = { { "backend", svc->backend->name },
	    { "request_id", rid }, { "fault", fault } };
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
	if ((hx_writer_record(svc->spans, rec) < 0 ||
	    hx_writer_flush(svc->spans) < 0) &&
	    hx_writer_error(svc->spans) != 0) {
		errno = hx_writer_error(svc->spans);
		hx_warn_errno("%s", svc->spans_path);
	}
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
	struct service *svc = c->svc;
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

	most = (peer_max < svc->max_frame ? peer_max : svc->max_frame) -
	    HX_OFFLOAD_HEADER_SIZE - 5 - 4 * HX_OFFLOAD_RANK_MAX;
	rc = hx_codec_request_read(in->data, in->len, &req, msg, sizeof(msg));
	if (rc == 0)
		rc = hx_backend_check(&req, most, &result, msg, sizeof(msg));
	fault = hx_fault_pick(&svc->fault, h->id, &delay_ms);
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
		rc = svc->backend->op(svc->backend_state, &req, &result, msg,
		    sizeof(msg));
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
	if (svc->spans != NULL)
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
	struct service *svc = c->svc;
	struct hx_codec_hello hello;
	char msg[HX_OFFLOAD_MESSAGE_MAX];
	int rc;

	rc = hx_codec_hello_read(in->data, in->len, &hello, msg, sizeof(msg));
	if (rc == 0 && svc->token != NULL &&
	    !token_equal(hello.token, hello.token_len, svc->token)) {
		rc = HX_OFFLOAD_WIRE_UNAUTHORISED;
		snprintf(msg, sizeof(msg), "missing or wrong token");
	}
	if (rc != 0) {
		hx_codec_error_write(out, h->id, rc, msg);
		flush(c->fd, out);
		return false;
	}
	*peer_max = hello.max_frame;
	hx_codec_welcome_write(out, svc->max_frame, hx_backend_ops(),
	    hx_backend_dtypes(), svc->backend->name);
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
	struct service *svc = c->svc;
	struct hx_codec_buf in = { 0 }, out = { 0 };
	struct hx_codec_header h;
	uint8_t head[HX_OFFLOAD_HEADER_SIZE];
	char msg[HX_OFFLOAD_MESSAGE_MAX];
	uint32_t peer_max = 0;
	bool greeted = false, go_on = true;
	int64_t deadline;
	int rc;

	deadline = hx_clock_mono_ns() + svc->hello_timeout_ms * 1000000LL;
	while (go_on && transfer(c->fd, head, 1, false,
	    greeted ? 0 : deadline)) {
		if (greeted)
			deadline = hx_clock_mono_ns() +
			    svc->frame_timeout_ms * 1000000LL;
		if (!transfer(c->fd, head + 1, sizeof(head) - 1, false,
		    deadline))
			break;
		if ((rc = hx_codec_header_read(head, svc->max_frame, &h, msg,
		    sizeof(msg))) != 0) {
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
reap(struct service *svc, bool all)
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
drop_stranger(struct service *svc)
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
		hx_warn("dropped a client that had not said hello, to make "
		    "room for another");
	return oldest != NULL;
}

/*
 * Take a new client: a Unix socket's peer must be this user; then a
 * thread of its own.  When CONNECTIONS_MAX are connected, one that has
 * not said hello makes room, or the new one is turned away.
 */
static void
take_client(struct service *svc, int fd)
{
	struct connection *c;
	struct ucred cred;
	struct timeval tv;
	socklen_t len = sizeof(cred);
	int error;

	if (svc->unix_socket && (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred,
	    &len) != 0 || cred.uid != getuid())) {
		hx_warn("refused a client of uid %ld",
		    len == sizeof(cred) ? (long)cred.uid : -1L);
		close(fd);
		return;
	}
	if (svc->nconnections >= CONNECTIONS_MAX && !drop_stranger(svc)) {
		hx_warn("refused a client: %d are connected", CONNECTIONS_MAX);
		close(fd);
		return;
	}
	tv.tv_sec = svc->frame_timeout_ms / 1000;
	tv.tv_usec = (suseconds_t)(svc->frame_timeout_ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	c = hx_xcalloc(1, sizeof(*c));
	c->svc = svc;
	c->fd = fd;
	if ((error = pthread_create(&c->thread, NULL, serve, c)) != 0) {
		hx_warn("cannot start a thread: %s", strerror(error));
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
listen_tcp(struct service *svc, const char *hostport, char *addr,
    size_t addrsize)
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
		hx_usage_error("--listen tcp:%s: not tcp:HOST:PORT", hostport);
	memcpy(host, hostport, hlen);
	host[hlen] = '\0';
	strcpy(port, colon + 1);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		hx_usage_error("--listen tcp:%s:%s: %s", host, port,
		    gai_strerror(rc));
	if (!loopback(res->ai_addr) && svc->token == NULL)
		hx_usage_error("--listen tcp:%s:%s is beyond loopback: it "
		    "needs --token-file", host, port);
	if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "cannot listen on tcp:%s:%s",
		    host, port);
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
listen_unix(struct service *svc, const char *path, char *addr,
    size_t addrsize)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t mask;
	int fd;

	if (strlen(path) == 0 || strlen(path) >= sizeof(sun.sun_path))
		hx_usage_error("--listen %s: not a Unix socket path", path);
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "socket");
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			hx_err(HX_EXIT_SYSTEM, "%s: a service already "
			    "listens there", path);
		unlink(path);
	}
	mask = umask(077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "cannot listen on %s", path);
	umask(mask);
	svc->path = hx_xstrdup(path);
	if (chmod(path, 0600) < 0 || listen(fd, 64) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "cannot listen on %s", path);
	svc->unix_socket = true;
	snprintf(addr, addrsize, "unix:%s", path);
	return fd;
}

/* Open the --spans file for appending, and learn the host's name. */
static void
open_spans(struct service *svc)
{
	int fd = open(svc->spans_path, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0644);

	if (fd < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", svc->spans_path);
	svc->spans = hx_writer_new(fd, 0, 0);
	pthread_mutex_init(&svc->spans_lock, NULL);
	if (gethostname(svc->host, sizeof(svc->host) - 1) != 0)
		svc->host[0] = '\0';
}

/*
 * The default address: a socket in XDG_RUNTIME_DIR, or else in a private
 * directory of TMPDIR (/tmp by default), made 0700 and checked to be this
 * user's alone, so that no other user can put a socket in its place.
 */
static char *
default_address(void)
{
	const char *dir = getenv("XDG_RUNTIME_DIR"), *base = getenv("TMPDIR");
	struct stat st;
	char *priv, *addr;

	if (dir != NULL && *dir != '\0')
		return hx_xasprintf("unix:%s/hx-offload.sock", dir);
	if (base == NULL || *base != '/')
		base = "/tmp";
	priv = hx_xasprintf("%s/hx-offload-%ld", base, (long)getuid());
	if (mkdir(priv, 0700) < 0 && errno != EEXIST)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", priv);
	if (lstat(priv, &st) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", priv);
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 077) != 0)
		hx_err(HX_EXIT_SYSTEM, "%s: not a private directory of this "
		    "user (owner uid %ld, mode %03o): remove it, or set "
		    "XDG_RUNTIME_DIR or --listen", priv, (long)st.st_uid,
		    (unsigned)(st.st_mode & 0777));
	addr = hx_xasprintf("unix:%s/sock", priv);
	free(priv);
	return addr;
}

/* The token: the first line of FILE, 1 to 256 bytes. */
static char *
read_token(const char *file)
{
	char line[HX_OFFLOAD_TOKEN_MAX + 2];
	FILE *fp;

	if ((fp = fopen(file, "r")) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", file);
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	line[strcspn(line, "\n")] = '\0';
	if (strlen(line) == 0 || strlen(line) > HX_OFFLOAD_TOKEN_MAX)
		hx_err(HX_EXIT_INPUT, "%s: the token must be 1 to %d bytes",
		    file, HX_OFFLOAD_TOKEN_MAX);
	return hx_xstrdup(line);
}

/*
 * Accept clients until a stopping signal comes on SIGFD, or the pipe
 * PARENT_FD (-1 for none) ends or breaks.
 */
static void
run(struct service *svc, int lfd, int sigfd, int parent_fd)
{
	struct pollfd pfd[3] = { { lfd, POLLIN, 0 }, { sigfd, POLLIN, 0 },
	    { parent_fd, POLLIN, 0 } };
	int fd;

	for (;;) {
		if (poll(pfd, parent_fd >= 0 ? 3 : 2, 1000) < 0 &&
		    errno != EINTR)
			hx_err_errno(HX_EXIT_SYSTEM, "poll");
		reap(svc, false);
		if ((pfd[1].revents & POLLIN) || (parent_fd >= 0 &&
		    pfd[2].revents != 0))
			return;
		if (!(pfd[0].revents & POLLIN))
			continue;
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				hx_warn_errno("accept");
			continue;
		}
		take_client(svc, fd);
	}
}

int
main(int argc, char **argv)
{
	enum { OPT_READY = 256, OPT_TOKEN, OPT_FAULT, OPT_SEED, OPT_MAX,
	    OPT_SPANS, OPT_HELLO_TIMEOUT, OPT_FRAME_TIMEOUT, OPT_PARENT };
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "fault", required_argument, NULL, OPT_FAULT },
		{ "fault-seed", required_argument, NULL, OPT_SEED },
		{ "frame-timeout", required_argument, NULL, OPT_FRAME_TIMEOUT },
		{ "hello-timeout", required_argument, NULL, OPT_HELLO_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ "listen", required_argument, NULL, 'l' },
		{ "max-frame", required_argument, NULL, OPT_MAX },
		{ "parent-fd", required_argument, NULL, OPT_PARENT },
		{ "ready-fd", required_argument, NULL, OPT_READY },
		{ "spans", required_argument, NULL, OPT_SPANS },
		{ "token-file", required_argument, NULL, OPT_TOKEN },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct service svc = { .max_frame = HX_OFFLOAD_MAX_FRAME,
	    .hello_timeout_ms = HELLO_TIMEOUT_MS,
	    .frame_timeout_ms = FRAME_TIMEOUT_MS };
	const char *backend = "cpu", *token_file = NULL, *fault = NULL;
	char *listen_addr = NULL, *fallback = NULL, addr[PATH_MAX + 16];
	char msg[256];
	int c, lfd, sigfd, ready_fd = -1, parent_fd = -1;
	sigset_t stop;

	hx_err_set_progname(argv[0]);
	while ((c = getopt_long(argc, argv, "b:hl:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			backend = optarg;
			break;
		case 'h':
			usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'l':
			listen_addr = optarg;
			break;
		case 'V':
			printf("hx-offload %s\n", PACKAGE_VERSION);
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case OPT_FAULT:
			fault = optarg;
			break;
		case OPT_FRAME_TIMEOUT:
			svc.frame_timeout_ms = (unsigned)hx_usage_uint(optarg,
			    "--frame-timeout", 1, INT_MAX);
			break;
		case OPT_HELLO_TIMEOUT:
			svc.hello_timeout_ms = (unsigned)hx_usage_uint(optarg,
			    "--hello-timeout", 1, INT_MAX);
			break;
		case OPT_MAX:
			svc.max_frame = (uint32_t)hx_usage_uint(optarg,
			    "--max-frame", HX_OFFLOAD_MIN_FRAME, UINT32_MAX);
			break;
		case OPT_PARENT:
			parent_fd = (int)hx_usage_uint(optarg, "--parent-fd", 0,
			    INT_MAX);
			if (fcntl(parent_fd, F_SETFD, FD_CLOEXEC) < 0)
				hx_err_errno(HX_EXIT_SYSTEM, "--parent-fd %d",
				    parent_fd);
			break;
		case OPT_READY:
			ready_fd = (int)hx_usage_uint(optarg, "--ready-fd", 0,
			    INT_MAX);
			break;
		case OPT_SEED:
			svc.fault.seed = hx_usage_uint(optarg, "--fault-seed",
			    0, UINT64_MAX);
			break;
		case OPT_SPANS:
			svc.spans_path = optarg;
			break;
		case OPT_TOKEN:
			token_file = optarg;
			break;
		default:
			hx_usage_error("unknown option");
		}
	}
	if (optind != argc)
		hx_usage_error("no operands are taken");
	if (fault != NULL && hx_fault_parse(fault, &svc.fault, msg,
	    sizeof(msg)) != 0)
		hx_usage_error("--fault: %s", msg);
	if ((svc.backend = hx_backend_find(backend)) == NULL) {
		if (strcmp(backend, "cuda") == 0)
			hx_err(HX_EXIT_SYSTEM, "--backend cuda: not built with "
			    "CUDA");
		hx_usage_error("--backend %s: not cpu or cuda", backend);
	}
	if (token_file != NULL)
		svc.token = read_token(token_file);
	if (svc.spans_path != NULL)
		open_spans(&svc);
	if (svc.backend->open != NULL &&
	    svc.backend->open(&svc.backend_state, msg, sizeof(msg)) != 0)
		hx_err(HX_EXIT_SYSTEM, "backend %s: %s", backend, msg);

	/* Every thread inherits the mask: the signals come on sigfd. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0 ||
	    (sigfd = signalfd(-1, &stop, SFD_CLOEXEC)) < 0)
		hx_err_errno(HX_EXIT_SYSTEM, "signalfd");
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&svc.lock, NULL);

	if (listen_addr == NULL)
		listen_addr = fallback = default_address();
	if (strncmp(listen_addr, "tcp:", 4) == 0)
		lfd = listen_tcp(&svc, listen_addr + 4, addr, sizeof(addr));
	else
		lfd = listen_unix(&svc, strncmp(listen_addr, "unix:", 5) == 0 ?
		    listen_addr + 5 : listen_addr, addr, sizeof(addr));
	if (ready_fd >= 0) {
		dprintf(ready_fd, "%s\n", addr);
		close(ready_fd);
	}
	run(&svc, lfd, sigfd, parent_fd);
	close(lfd);
	if (svc.path != NULL)
		unlink(svc.path);
	reap(&svc, true);
	if (svc.backend->close != NULL)
		svc.backend->close(svc.backend_state);
	if (svc.spans != NULL)
		hx_writer_free(svc.spans);
	free(svc.path);
	free(svc.token);
	free(fallback);
	return HX_EXIT_OK;
}
