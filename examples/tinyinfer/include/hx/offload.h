/*
 * hx/offload.h: the client of the hx tensor-offload service, hx-offload(1),
 * speaking the protocol of hx-offload(5).
 *
 * A program hands matrix products, a convolution and elementwise
 * operations to the service and computes them itself when the service
 * cannot answer:
 *
 *	#define HX_OFFLOAD_IMPLEMENTATION	(in exactly one .c file)
 *	#include <hx/offload.h>
 *
 *	struct hx_offload *h = NULL;
 *
 *	if (getenv("HX_OFFLOAD") != NULL)
 *		hx_offload_connect(NULL, 2000, &h);
 *	if (h == NULL || hx_offload_matmul_i8(h, a, b, c, m, k, n) != 0)
 *		matmul_locally(a, b, c, m, k, n);
 *
 * This one file is the whole client: declarations, and with
 * HX_OFFLOAD_IMPLEMENTATION defined before it is included, the
 * implementation too.  It is plain C99 that needs libc and nothing else
 * (POSIX sockets, poll and clock_gettime), so that it cross-compiles for
 * riscv64 with the pinned toolchain and links into the user's program
 * without a library built for each target; a project that must build
 * where hx is not installed copies it.  The file that defines
 * HX_OFFLOAD_IMPLEMENTATION is compiled in a POSIX dialect (the compiler's
 * default gnu dialect, or _POSIX_C_SOURCE 200809L defined first).
 *
 * Every call is synchronous.  A handle is used by one thread at a time.
 * The timeout given to hx_offload_connect bounds connecting (with the
 * hello) and each call's round trip; when it passes, the call gives up,
 * closes the connection and returns HX_OFFLOAD_EFALLBACK.  A call that
 * finds the connection broken (closed by the service, reset, cut in the
 * middle of a reply) connects again once and sends the request again;
 * operations have no side effects, so a repeat is harmless.
 *
 * The client sends the environment variable TRACEPARENT, when it holds a
 * well-formed W3C traceparent, with every request, so that the service's
 * span of the request is a child of the caller's span; and the
 * environment variable HX_OFFLOAD_TOKEN, when set, in its hello, for a
 * service that listens beyond loopback.  When HX_OFFLOAD_SPANS names a
 * file, each call appends a client span record (hx-records(5)) to it:
 * named after the operation, of the service $OTEL_SERVICE_NAME (or
 * hx-offload-client), a child of TRACEPARENT's span (a root of a new
 * trace without one), and the parent of the service's span of the
 * request, so that hx-trace(1) can tell the time on the wire from the
 * time in the service.  One write(2) a record, appended: processes may
 * share the file.
 */
#ifndef HX_OFFLOAD_H
#define HX_OFFLOAD_H

/*
 * The implementation needs POSIX.1-2008 (clock_gettime, getaddrinfo):
 * strict ISO C (-std=c99, -std=c11) hides it, so it is asked for here
 * when nothing else was; that takes effect when this header comes before
 * every system header.  Otherwise the checks below stop the build with
 * the remedy.
 */
#if defined(HX_OFFLOAD_IMPLEMENTATION) && defined(__STRICT_ANSI__) && \
    !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
    !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The protocol (hx-offload(5)): framing. */
#define HX_OFFLOAD_MAGIC	0x464f5848u	/* "HXOF" */
#define HX_OFFLOAD_VERSION	1
#define HX_OFFLOAD_HEADER_SIZE	24
#define HX_OFFLOAD_MAX_FRAME	(64u << 20)	/* the service's default */
#define HX_OFFLOAD_MIN_FRAME	4096u		/* no maximum is below it */
#define HX_OFFLOAD_TOKEN_MAX	256
#define HX_OFFLOAD_TRACEPARENT_LEN 55
#define HX_OFFLOAD_BACKEND_MAX	32
#define HX_OFFLOAD_MESSAGE_MAX	1024
#define HX_OFFLOAD_RANK_MAX	4
#define HX_OFFLOAD_K_MAX	131072		/* matmul K, conv1d L */

/* Frame types. */
enum hx_offload_frame {
	HX_OFFLOAD_FRAME_HELLO = 1,
	HX_OFFLOAD_FRAME_WELCOME = 2,
	HX_OFFLOAD_FRAME_REQUEST = 3,
	HX_OFFLOAD_FRAME_REPLY = 4,
	HX_OFFLOAD_FRAME_ERROR = 5,
};

/* Operation codes. */
enum hx_offload_op {
	HX_OFFLOAD_OP_MATMUL_I8 = 1,
	HX_OFFLOAD_OP_MATMUL_F32 = 2,
	HX_OFFLOAD_OP_CONV1D_I8 = 3,
	HX_OFFLOAD_OP_ADD = 4,
	HX_OFFLOAD_OP_RELU = 5,
	HX_OFFLOAD_OP_REQUANTIZE = 6,
	HX_OFFLOAD_OP_LAST = HX_OFFLOAD_OP_REQUANTIZE,
};

/* Tensor type codes. */
enum hx_offload_dtype {
	HX_OFFLOAD_INT8 = 1,
	HX_OFFLOAD_INT32 = 2,
	HX_OFFLOAD_F32 = 3,
	HX_OFFLOAD_DTYPE_LAST = HX_OFFLOAD_F32,
};

/* The codes of error frames. */
enum hx_offload_wire_error {
	HX_OFFLOAD_WIRE_MALFORMED = 1,
	HX_OFFLOAD_WIRE_VERSION = 2,
	HX_OFFLOAD_WIRE_UNSUPPORTED = 3,
	HX_OFFLOAD_WIRE_DTYPE = 4,
	HX_OFFLOAD_WIRE_SHAPE = 5,
	HX_OFFLOAD_WIRE_TOO_LARGE = 6,
	HX_OFFLOAD_WIRE_UNAUTHORISED = 7,
	HX_OFFLOAD_WIRE_BACKEND = 8,
	HX_OFFLOAD_WIRE_PROTOCOL = 9,
	HX_OFFLOAD_WIRE_PARAMETER = 10,
	HX_OFFLOAD_WIRE_INJECTED = 11,
	HX_OFFLOAD_WIRE_LAST = HX_OFFLOAD_WIRE_INJECTED,
};

/* What the client's functions return. */
enum hx_offload_status {
	HX_OFFLOAD_OK = 0,
	/*
	 * The service cannot answer: unreachable, timed out, the connection
	 * broken twice, an error reply.  Compute locally.
	 */
	HX_OFFLOAD_EFALLBACK = -1,
	HX_OFFLOAD_EINVAL = -2,		/* a bad argument: a bug of the caller */
	HX_OFFLOAD_ENOMEM = -3,		/* out of memory */
	HX_OFFLOAD_EADDR = -4,		/* no address, or a malformed one */
};

struct hx_offload;

/*
 * Connect to the service at ADDR: "unix:PATH", "tcp:HOST:PORT" (HOST a
 * name, an IPv4 address or an IPv6 one in brackets) or a bare PATH of a
 * Unix socket; NULL takes the address from the environment variable
 * HX_OFFLOAD.  TIMEOUT_MS above 0 bounds connecting and each call; 0 or
 * below waits as long as it takes.  On success *OUT is the handle and 0
 * is returned; otherwise *OUT is NULL, the status says why, and for
 * HX_OFFLOAD_EFALLBACK errno holds the system's reason (ECONNREFUSED,
 * ENOENT, ETIMEDOUT, EPROTO for a service that refused the hello, EACCES
 * for a Unix socket whose service runs as neither this user nor root:
 * SO_PEERCRED says who it is, and such a service is not trusted).
 */
int hx_offload_connect(const char *addr, int timeout_ms,
    struct hx_offload **out);

/* C[M,N] (int32) = A[M,K] * B[K,N] (int8), exact; K <= 131072. */
int hx_offload_matmul_i8(struct hx_offload *h, const int8_t *a,
    const int8_t *b, int32_t *c, size_t m, size_t k, size_t n);
/* C[M,N] = A[M,K] * B[K,N] in f32. */
int hx_offload_matmul_f32(struct hx_offload *h, const float *a,
    const float *b, float *c, size_t m, size_t k, size_t n);
/*
 * Y[L-K+1] (int32) = BIAS + the valid convolution of X[L] by W[K]
 * (tinyinfer's ti_conv1d before requantisation); K <= L <= 131072.
 */
int hx_offload_conv1d_i8(struct hx_offload *h, const int8_t *x, size_t l,
    const int8_t *w, size_t k, int32_t bias, int32_t *y);
/* C = A + B, N elements, wrapping. */
int hx_offload_add_i32(struct hx_offload *h, const int32_t *a,
    const int32_t *b, int32_t *c, size_t n);
int hx_offload_add_f32(struct hx_offload *h, const float *a, const float *b,
    float *c, size_t n);
/* Y = max(X, 0), N elements. */
int hx_offload_relu_i8(struct hx_offload *h, const int8_t *x, int8_t *y,
    size_t n);
int hx_offload_relu_i32(struct hx_offload *h, const int32_t *x, int32_t *y,
    size_t n);
int hx_offload_relu_f32(struct hx_offload *h, const float *x, float *y,
    size_t n);
/*
 * OUT = tinyinfer's ti_requantize of each of the N accumulators ACC:
 * MULTIPLIER in [2^30, 2^31), SHIFT in 0..31, ZERO_POINT in
 * -32768..32767.
 */
int hx_offload_requantize(struct hx_offload *h, const int32_t *acc,
    int8_t *out, size_t n, int32_t multiplier, int shift,
    int32_t zero_point);

/* The name of the service's backend ("cpu", "cuda"). */
const char *hx_offload_backend(const struct hx_offload *h);
/*
 * Why the last call returned HX_OFFLOAD_EFALLBACK, for people: "timed out
 * after 2000 ms", "service: bad shape: ...".
 */
const char *hx_offload_last_error(const struct hx_offload *h);
/* The code of the last error frame (hx-offload(5)), or 0. */
int hx_offload_server_code(const struct hx_offload *h);

/* Close the connection and free H; NULL is ignored. */
void hx_offload_close(struct hx_offload *h);

/* A sentence for a status of these functions. */
const char *hx_offload_strerror(int status);

#ifdef __cplusplus
}
#endif

#ifdef HX_OFFLOAD_IMPLEMENTATION

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#if defined(__linux__) && !defined(SO_PEERCRED)
#include <asm/socket.h>		/* SO_PEERCRED without _GNU_SOURCE */
#endif

#if !defined(CLOCK_MONOTONIC) || !defined(AI_NUMERICHOST)
#error "hx/offload.h needs POSIX.1-2008: define _POSIX_C_SOURCE 200809L, \
or include hx/offload.h before any system header"
#endif

struct hx_offload {
	int fd;			/* -1 when not connected */
	int timeout_ms;
	char *addr;
	uint64_t next_id;
	uint32_t max_frame;	/* the service's */
	uint32_t ops;
	char backend[HX_OFFLOAD_BACKEND_MAX + 1];
	int server_code;
	char error[HX_OFFLOAD_MESSAGE_MAX + 64];
	unsigned char *buf;	/* one frame, request or reply */
	size_t cap;
};

/* A tensor of a request, as the caller gave it. */
struct hx_offload_arg {
	int dtype;
	unsigned rank;
	uint32_t dims[2];
	const void *data;
};

/* How an exchange on the socket ended. */
enum hx_offload_io {
	HX_OFFLOAD_IO_OK,
	HX_OFFLOAD_IO_BROKEN,	/* closed, reset, cut short: try again */
	HX_OFFLOAD_IO_TIMEOUT,
	HX_OFFLOAD_IO_FAILED,	/* anything else: give up */
};

static void
hx_offload__put16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
hx_offload__put32(unsigned char *p, uint32_t v)
{
	hx_offload__put16(p, v & 0xffff);
	hx_offload__put16(p + 2, v >> 16);
}

static void
hx_offload__put64(unsigned char *p, uint64_t v)
{
	hx_offload__put32(p, (uint32_t)v);
	hx_offload__put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t
hx_offload__get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
hx_offload__get32(const unsigned char *p)
{
	return hx_offload__get16(p) | (uint32_t)hx_offload__get16(p + 2) << 16;
}

static uint64_t
hx_offload__get64(const unsigned char *p)
{
	return hx_offload__get32(p) | (uint64_t)hx_offload__get32(p + 4) << 32;
}

static size_t
hx_offload__dtype_size(int dtype)
{
	return dtype == HX_OFFLOAD_INT8 ? 1 : 4;
}

/* Milliseconds left before DEADLINE (CLOCK_MONOTONIC ms), -1 for none. */
static int
hx_offload__left(int64_t deadline)
{
	struct timespec ts;
	int64_t now;

	if (deadline < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return now >= deadline ? 0 : (int)(deadline - now);
}

static int64_t
hx_offload__deadline(int timeout_ms)
{
	struct timespec ts;

	if (timeout_ms <= 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + timeout_ms;
}

/* Wait until FD is ready for EVENTS or DEADLINE passes. */
static enum hx_offload_io
hx_offload__wait(int fd, short events, int64_t deadline)
{
	struct pollfd pfd;
	int n;

	pfd.fd = fd;
	pfd.events = events;
	for (;;) {
		n = poll(&pfd, 1, hx_offload__left(deadline));
		if (n > 0)
			return HX_OFFLOAD_IO_OK;
		if (n == 0)
			return HX_OFFLOAD_IO_TIMEOUT;
		if (errno != EINTR)
			return HX_OFFLOAD_IO_FAILED;
	}
}

static enum hx_offload_io
hx_offload__send(int fd, const unsigned char *p, size_t len, int64_t deadline)
{
	enum hx_offload_io io;
	ssize_t n;

	while (len > 0) {
		if ((io = hx_offload__wait(fd, POLLOUT, deadline)) !=
		    HX_OFFLOAD_IO_OK)
			return io;
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return errno == EPIPE || errno == ECONNRESET ?
			    HX_OFFLOAD_IO_BROKEN : HX_OFFLOAD_IO_FAILED;
		}
		p += n;
		len -= (size_t)n;
	}
	return HX_OFFLOAD_IO_OK;
}

static enum hx_offload_io
hx_offload__recv(int fd, unsigned char *p, size_t len, int64_t deadline)
{
	enum hx_offload_io io;
	ssize_t n;

	while (len > 0) {
		if ((io = hx_offload__wait(fd, POLLIN, deadline)) !=
		    HX_OFFLOAD_IO_OK)
			return io;
		n = recv(fd, p, len, 0);
		if (n == 0)
			return HX_OFFLOAD_IO_BROKEN;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return errno == ECONNRESET ? HX_OFFLOAD_IO_BROKEN :
			    HX_OFFLOAD_IO_FAILED;
		}
		p += n;
		len -= (size_t)n;
	}
	return HX_OFFLOAD_IO_OK;
}

/* Say why in H, and return the status that sends the caller home. */
static int
hx_offload__fail(struct hx_offload *h, const char *why, const char *addr)
{
	snprintf(h->error, sizeof(h->error), "%s%s%s", why,
	    addr != NULL ? " " : "", addr != NULL ? addr : "");
	return HX_OFFLOAD_EFALLBACK;
}

/* Make room for a frame of SIZE bytes in H's buffer. */
static int
hx_offload__reserve(struct hx_offload *h, size_t size)
{
	unsigned char *p;

	if (size <= h->cap)
		return 0;
	if ((p = (unsigned char *)realloc(h->buf, size)) == NULL)
		return HX_OFFLOAD_ENOMEM;
	h->buf = p;
	h->cap = size;
	return 0;
}

static void
hx_offload__header(unsigned char *p, int type, uint64_t id, size_t len)
{
	hx_offload__put32(p, HX_OFFLOAD_MAGIC);
	hx_offload__put16(p + 4, HX_OFFLOAD_VERSION);
	hx_offload__put16(p + 6, (uint16_t)type);
	hx_offload__put32(p + 8, 0);
	hx_offload__put64(p + 12, id);
	hx_offload__put32(p + 20, (uint32_t)len);
}

/*
 * Open a stream socket to ADDR and connect it within DEADLINE; -1 with
 * errno set when it cannot, HX_OFFLOAD_EADDR for a malformed address.
 */
static int
hx_offload__dial(const char *addr, int64_t deadline, int *fdp)
{
	struct sockaddr_un sun;
	struct addrinfo hints, *res = NULL, *ai;
	char host[256];
	const char *port, *path = addr;
	socklen_t errlen;
	size_t hostlen;
	int fd = -1, error, rc;

	if (strncmp(addr, "tcp:", 4) == 0) {
		addr += 4;
		if (*addr == '[') {
			port = strstr(addr, "]:");
			addr++;
			hostlen = port == NULL ? 0 : (size_t)(port - addr);
			port = port == NULL ? NULL : port + 2;
		} else {
			port = strrchr(addr, ':');
			hostlen = port == NULL ? 0 : (size_t)(port - addr);
			port = port == NULL ? NULL : port + 1;
		}
		if (port == NULL || *port == '\0' || hostlen == 0 ||
		    hostlen >= sizeof(host))
			return HX_OFFLOAD_EADDR;
		memcpy(host, addr, hostlen);
		host[hostlen] = '\0';
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(host, port, &hints, &res) != 0) {
			errno = EHOSTUNREACH;
			return -1;
		}
		ai = res;
	} else {
		if (strncmp(path, "unix:", 5) == 0)
			path += 5;
		if (*path == '\0' || strlen(path) >= sizeof(sun.sun_path))
			return HX_OFFLOAD_EADDR;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, path, strlen(path));
		ai = NULL;
	}
	for (rc = -1; rc != 0 && (ai != NULL || res == NULL); ) {
		fd = socket(ai != NULL ? ai->ai_family : AF_UNIX,
		    SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0) {
			rc = ai != NULL ?
			    connect(fd, ai->ai_addr, ai->ai_addrlen) :
			    connect(fd, (struct sockaddr *)&sun, sizeof(sun));
			if (rc < 0 && errno == EINPROGRESS) {
				errlen = sizeof(error);
				if (hx_offload__wait(fd, POLLOUT, deadline) !=
				    HX_OFFLOAD_IO_OK)
					error = ETIMEDOUT;
				else if (getsockopt(fd, SOL_SOCKET, SO_ERROR,
				    &error, &errlen) < 0)
					error = errno;
				rc = error == 0 ? 0 : -1;
				errno = error;
			}
			if (rc < 0) {
				error = errno;
				close(fd);
				errno = error;
			}
		}
		if (ai == NULL || (ai = ai->ai_next) == NULL)
			break;
	}
	if (res != NULL)
		freeaddrinfo(res);
	if (rc < 0)
		return -1;
	*fdp = fd;
	return 0;
}

/*
 * Read one frame from the service into H's buffer, refusing a payload
 * above WANT bytes (the reply expected) or an error frame's most; returns
 * its type, or a negative hx_offload_io.
 */
static int
hx_offload__read_frame(struct hx_offload *h, uint64_t id, size_t want,
    int64_t deadline, size_t *lenp)
{
	unsigned char hdr[HX_OFFLOAD_HEADER_SIZE];
	enum hx_offload_io io;
	size_t len, most;
	int type;

	if ((io = hx_offload__recv(h->fd, hdr, sizeof(hdr), deadline)) !=
	    HX_OFFLOAD_IO_OK)
		return -(int)io;
	type = hx_offload__get16(hdr + 6);
	len = hx_offload__get32(hdr + 20);
	most = type == HX_OFFLOAD_FRAME_ERROR ? 6 + HX_OFFLOAD_MESSAGE_MAX :
	    want;
	if (hx_offload__get32(hdr) != HX_OFFLOAD_MAGIC ||
	    hx_offload__get16(hdr + 4) != HX_OFFLOAD_VERSION ||
	    len > most || hx_offload__reserve(h, len) != 0 ||
	    (hx_offload__get64(hdr + 12) != id &&
	    !(type == HX_OFFLOAD_FRAME_ERROR &&
	    hx_offload__get64(hdr + 12) == 0)))
		return -(int)HX_OFFLOAD_IO_FAILED;
	if ((io = hx_offload__recv(h->fd, h->buf, len, deadline)) !=
	    HX_OFFLOAD_IO_OK)
		return -(int)io;
	*lenp = len;
	return type;
}

/* Take the code and message of the error frame in H's buffer. */
static int
hx_offload__error_frame(struct hx_offload *h, size_t len)
{
	size_t mlen;

	if (len < 6 || (mlen = hx_offload__get16(h->buf + 4)) != len - 6)
		return hx_offload__fail(h, "malformed error frame", NULL);
	h->server_code = (int)hx_offload__get32(h->buf);
	snprintf(h->error, sizeof(h->error), "service: error %d: %.*s",
	    h->server_code, (int)mlen, (const char *)h->buf + 6);
	return HX_OFFLOAD_EFALLBACK;
}

static void
hx_offload__hangup(struct hx_offload *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

/*
 * Whether the peer of FD, a Unix socket, runs as this user or as root;
 * where the system cannot say (no SO_PEERCRED), the socket's mode 0600
 * is all there is.  Sets *UID to the peer's.
 */
static int
hx_offload__peer_trusted(int fd, unsigned *uid)
{
#ifdef SO_PEERCRED
	unsigned cred[3];	/* struct ucred: pid, uid, gid */
	socklen_t len = sizeof(cred);

	*uid = (unsigned)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len) != 0 ||
	    len != sizeof(cred))
		return 0;
	*uid = cred[1];
	return cred[1] == (unsigned)getuid() || cred[1] == 0;
#else
	(void)fd;
	*uid = (unsigned)getuid();
	return 1;
#endif
}

/* Connect H, say hello and read the welcome. */
static int
hx_offload__open(struct hx_offload *h)
{
	const char *token = getenv("HX_OFFLOAD_TOKEN");
	int64_t deadline = hx_offload__deadline(h->timeout_ms);
	unsigned char hello[HX_OFFLOAD_HEADER_SIZE + 10 + HX_OFFLOAD_TOKEN_MAX];
	size_t tlen = token == NULL ? 0 : strlen(token), len, nlen;
	unsigned uid;
	int rc, type;

	h->server_code = 0;
	if (tlen > HX_OFFLOAD_TOKEN_MAX)
		return HX_OFFLOAD_EINVAL;
	if ((rc = hx_offload__dial(h->addr, deadline, &h->fd)) != 0) {
		if (rc == HX_OFFLOAD_EADDR)
			return rc;
		rc = errno;
		snprintf(h->error, sizeof(h->error), "cannot connect to %s: %s",
		    h->addr, strerror(rc));
		errno = rc;
		return HX_OFFLOAD_EFALLBACK;
	}
	if (strncmp(h->addr, "tcp:", 4) != 0 &&
	    !hx_offload__peer_trusted(h->fd, &uid)) {
		snprintf(h->error, sizeof(h->error), "refused the service at "
		    "%s: it runs as uid %u, neither this user nor root",
		    h->addr, uid);
		hx_offload__hangup(h);
		errno = EACCES;
		return HX_OFFLOAD_EFALLBACK;
	}
	hx_offload__header(hello, HX_OFFLOAD_FRAME_HELLO, 0, 10 + tlen);
	hx_offload__put16(hello + 24, HX_OFFLOAD_VERSION);
	hx_offload__put16(hello + 26, HX_OFFLOAD_VERSION);
	hx_offload__put32(hello + 28, HX_OFFLOAD_MAX_FRAME);
	hx_offload__put16(hello + 32, (uint16_t)tlen);
	if (tlen > 0)
		memcpy(hello + 34, token, tlen);
	if (hx_offload__send(h->fd, hello, 34 + tlen, deadline) !=
	    HX_OFFLOAD_IO_OK ||
	    (type = hx_offload__read_frame(h, 0, 17 + HX_OFFLOAD_BACKEND_MAX,
	    deadline, &len)) < 0) {
		hx_offload__hangup(h);
		errno = ETIMEDOUT;
		return hx_offload__fail(h, "no welcome from", h->addr);
	}
	if (type == HX_OFFLOAD_FRAME_ERROR) {
		hx_offload__error_frame(h, len);
		hx_offload__hangup(h);
		errno = EPROTO;
		return HX_OFFLOAD_EFALLBACK;
	}
	nlen = len >= 17 ? h->buf[16] : 0;
	if (type != HX_OFFLOAD_FRAME_WELCOME || nlen < 1 || nlen + 17 != len ||
	    hx_offload__get16(h->buf) != HX_OFFLOAD_VERSION ||
	    hx_offload__get32(h->buf + 4) < HX_OFFLOAD_MIN_FRAME) {
		hx_offload__hangup(h);
		errno = EPROTO;
		return hx_offload__fail(h, "malformed welcome from",
		    h->addr);
	}
	h->max_frame = hx_offload__get32(h->buf + 4);
	h->ops = hx_offload__get32(h->buf + 8);
	memcpy(h->backend, h->buf + 17, nlen);
	h->backend[nlen] = '\0';
	return 0;
}

int
hx_offload_connect(const char *addr, int timeout_ms, struct hx_offload **out)
{
	struct hx_offload *h;
	int rc, error;

	*out = NULL;
	if (addr == NULL && (addr = getenv("HX_OFFLOAD")) == NULL)
		return HX_OFFLOAD_EADDR;
	if ((h = (struct hx_offload *)calloc(1, sizeof(*h))) == NULL ||
	    (h->addr = (char *)malloc(strlen(addr) + 1)) == NULL) {
		free(h);
		return HX_OFFLOAD_ENOMEM;
	}
	memcpy(h->addr, addr, strlen(addr) + 1);
	h->fd = -1;
	h->timeout_ms = timeout_ms;
	if ((rc = hx_offload__open(h)) != 0) {
		error = errno;
		hx_offload__hangup(h);
		free(h->buf);
		free(h->addr);
		free(h);
		errno = error;
		return rc;
	}
	*out = h;
	return 0;
}

/*
 * Whether S is a W3C traceparent: 00-<32 hex>-<16 hex>-<2 hex>.  The
 * same instructions run whatever the digits are (no branch on a digit),
 * so that the instruction counts of a program whose ids are random do
 * not move with them.
 */
static int
hx_offload__traceparent_ok(const char *s)
{
	static const char shape[] =
	    "00-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx-xx";
	unsigned bad = 0, trace = 0, parent = 0, c;
	int i;

	if (strlen(s) != HX_OFFLOAD_TRACEPARENT_LEN)
		return 0;
	for (i = 0; i < HX_OFFLOAD_TRACEPARENT_LEN; i++) {
		c = (unsigned char)s[i];
		if (shape[i] != 'x') {
			bad |= c ^ (unsigned char)shape[i];
			continue;
		}
		bad |= !((c - '0' < 10u) | (c - 'a' < 6u));
		if (i < 35)
			trace |= c ^ '0';
		else if (i < 52)
			parent |= c ^ '0';
	}
	return (bad == 0) & (trace != 0) & (parent != 0);
}

/* Write the elements of ARG, little-endian, at P; returns the end. */
static unsigned char *
hx_offload__put_data(unsigned char *p, int dtype, const void *data,
    size_t count)
{
	const unsigned char *q = (const unsigned char *)data;
	uint32_t v;
	size_t i;

	if (dtype == HX_OFFLOAD_INT8) {
		memcpy(p, data, count);
		return p + count;
	}
	for (i = 0; i < count; i++, p += 4) {
		memcpy(&v, q + 4 * i, 4);
		hx_offload__put32(p, v);
	}
	return p;
}

static size_t
hx_offload__count(unsigned rank, const uint32_t *dims)
{
	size_t count = 1;
	unsigned i;

	for (i = 0; i < rank; i++)
		count *= dims[i];
	return count;
}

/*
 * Build the request frame of OP with id ID in H's buffer, with the
 * traceparent TP when it is well-formed; its length.
 */
static int
hx_offload__build(struct hx_offload *h, int op, const int32_t *params,
    unsigned nparams, const struct hx_offload_arg *args, unsigned nargs,
    const char *tp, uint64_t id, size_t *lenp)
{
	size_t tplen, len, count;
	unsigned char *p;
	unsigned i, j;
	int rc;

	tplen = tp != NULL && hx_offload__traceparent_ok(tp) ?
	    HX_OFFLOAD_TRACEPARENT_LEN : 0;
	len = 5 + tplen + 4 * (size_t)nparams;
	for (i = 0; i < nargs; i++) {
		count = hx_offload__count(args[i].rank, args[i].dims);
		len += 4 + 4 * (size_t)args[i].rank +
		    count * hx_offload__dtype_size(args[i].dtype);
	}
	if (HX_OFFLOAD_HEADER_SIZE + len > h->max_frame) {
		snprintf(h->error, sizeof(h->error), "request of %zu bytes "
		    "above the service's maximum frame", len);
		return HX_OFFLOAD_EFALLBACK;
	}
	if ((rc = hx_offload__reserve(h, HX_OFFLOAD_HEADER_SIZE + len)) != 0)
		return rc;
	p = h->buf;
	hx_offload__header(p, HX_OFFLOAD_FRAME_REQUEST, id, len);
	p += HX_OFFLOAD_HEADER_SIZE;
	hx_offload__put16(p, (uint16_t)op);
	p[2] = (unsigned char)nparams;
	p[3] = (unsigned char)nargs;
	p[4] = (unsigned char)tplen;
	if (tplen > 0)
		memcpy(p + 5, tp, tplen);
	p += 5 + tplen;
	for (i = 0; i < nparams; i++, p += 4)
		hx_offload__put32(p, (uint32_t)params[i]);
	for (i = 0; i < nargs; i++) {
		p[0] = (unsigned char)args[i].dtype;
		p[1] = (unsigned char)args[i].rank;
		hx_offload__put16(p + 2, 0);
		p += 4;
		for (j = 0; j < args[i].rank; j++, p += 4)
			hx_offload__put32(p, args[i].dims[j]);
		p = hx_offload__put_data(p, args[i].dtype, args[i].data,
		    hx_offload__count(args[i].rank, args[i].dims));
	}
	*lenp = HX_OFFLOAD_HEADER_SIZE + len;
	return 0;
}

/*
 * Check the reply in H's buffer (LEN bytes) holds one tensor of DTYPE
 * with COUNT elements, and copy them to OUT.
 */
static int
hx_offload__take(struct hx_offload *h, size_t len, int dtype, size_t count,
    void *out)
{
	const unsigned char *p = h->buf;
	unsigned char *q = (unsigned char *)out;
	uint32_t dims[HX_OFFLOAD_RANK_MAX], v;
	unsigned rank, i;
	size_t size = hx_offload__dtype_size(dtype);

	rank = len >= 5 ? p[2] : 0;
	if (len < 5 || p[0] != 1 || p[1] != dtype || rank < 1 ||
	    rank > HX_OFFLOAD_RANK_MAX || len != 5 + 4 * rank + count * size)
		return hx_offload__fail(h, "malformed reply", NULL);
	for (i = 0; i < rank; i++)
		dims[i] = hx_offload__get32(p + 5 + 4 * i);
	if (hx_offload__count(rank, dims) != count)
		return hx_offload__fail(h, "reply of the wrong shape", NULL);
	p += 5 + 4 * rank;
	if (size == 1) {
		memcpy(out, p, count);
		return 0;
	}
	for (i = 0; i < count; i++) {
		v = hx_offload__get32(p + 4 * (size_t)i);
		memcpy(q + 4 * (size_t)i, &v, 4);
	}
	return 0;
}

/*
 * Send one request with the traceparent TP (or NULL) and read its reply
 * into OUT (COUNT elements of DTYPE), connecting again once when the
 * connection turns out broken.
 */
static int
hx_offload__exchange(struct hx_offload *h, int op, const int32_t *params,
    unsigned nparams, const struct hx_offload_arg *args, unsigned nargs,
    const char *tp, int dtype, size_t count, void *out)
{
	size_t len, want, rlen = 0;
	int64_t deadline;
	int attempt, rc, type = 0;
	uint64_t id;

	h->server_code = 0;
	want = 5 + 4 * HX_OFFLOAD_RANK_MAX + count * hx_offload__dtype_size(dtype);
	for (attempt = 0; attempt < 2; attempt++) {
		deadline = hx_offload__deadline(h->timeout_ms);
		if (h->fd < 0 && (rc = hx_offload__open(h)) != 0)
			return rc;
		id = ++h->next_id;
		if ((rc = hx_offload__build(h, op, params, nparams, args, nargs,
		    tp, id, &len)) != 0)
			return rc;
		rc = -(int)hx_offload__send(h->fd, h->buf, len, deadline);
		if (rc == 0)
			rc = type = hx_offload__read_frame(h, id, want, deadline,
			    &rlen);
		if (rc >= 0)
			break;
		hx_offload__hangup(h);
		if (rc == -(int)HX_OFFLOAD_IO_TIMEOUT) {
			snprintf(h->error, sizeof(h->error),
			    "timed out after %d ms", h->timeout_ms);
			return HX_OFFLOAD_EFALLBACK;
		}
		if (rc != -(int)HX_OFFLOAD_IO_BROKEN)
			return hx_offload__fail(h, "malformed frame "
			    "from the service", NULL);
	}
	if (attempt == 2)
		return hx_offload__fail(h, "connection broken twice:",
		    h->addr);
	if (type == HX_OFFLOAD_FRAME_ERROR)
		return hx_offload__error_frame(h, rlen);
	if (type != HX_OFFLOAD_FRAME_REPLY) {
		hx_offload__hangup(h);
		return hx_offload__fail(h, "unexpected frame type", NULL);
	}
	return hx_offload__take(h, rlen, dtype, count, out);
}

/* The name of operation OP, as the service names its spans. */
static const char *
hx_offload__op_name(int op)
{
	static const char *const names[] = { "?", "matmul_i8", "matmul_f32",
		"conv1d_i8", "add", "relu", "requantize" };

	return op >= 1 && op <= HX_OFFLOAD_OP_LAST ? names[op] : names[0];
}

/* Fill HEX with N random lowercase hex digits, not all zero. */
static void
hx_offload__new_id(char *hex, size_t n)
{
	static uint64_t state;
	unsigned char bytes[16];
	struct timespec ts;
	uint64_t z = 0;
	size_t i, zero = 1;
	int fd;

	if ((fd = open("/dev/urandom", O_RDONLY)) < 0 ||
	    read(fd, bytes, n / 2) != (ssize_t)(n / 2)) {
		/* No urandom: splitmix64 of the clock and the process. */
		clock_gettime(CLOCK_REALTIME, &ts);
		state ^= (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^
		    (uint64_t)getpid() << 48;
		for (i = 0; i < n / 2; i++) {
			if (i % 8 == 0) {
				z = (state += 0x9e3779b97f4a7c15u);
				z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9u;
				z = (z ^ z >> 27) * 0x94d049bb133111ebu;
				z ^= z >> 31;
			}
			bytes[i] = (unsigned char)(z >> 8 * (i % 8));
		}
	}
	if (fd >= 0)
		close(fd);
	for (i = 0; i < n / 2; i++) {
		hex[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[bytes[i] & 15];
		zero &= bytes[i] == 0;
	}
	if (zero)
		hex[n - 1] = '1';
	hex[n] = '\0';
}

/* CLOCK_REALTIME in nanoseconds. */
static int64_t
hx_offload__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Whether the N bytes at S are UTF-8 as a JSON reader takes it: no
 * overlong form, no surrogate, nothing past U+10FFFF.
 */
static int
hx_offload__utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	uint32_t c;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			len = 2;
			c = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			len = 3;
			c = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			c = s[i] & 0x07;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return 0;
		i += len;
	}
	return 1;
}

/*
 * Append the client span of one call to the file PATH: TRACE, SPAN and
 * PARENT (empty for a root) its ids, OP its operation, from START to END,
 * RC what the call returned.  A span that cannot be written is lost: the
 * call's answer does not depend on it.
 */
static void
hx_offload__write_span(const char *path, const char *trace,
    const char *span, const char *parent, int op, int64_t start,
    int64_t end, int rc)
{
	const char *service = getenv("OTEL_SERVICE_NAME");
	char line[1024], parent_field[40] = "";
	size_t i, len;
	int fd, n;

	/* A name that would need escaping in JSON, or not UTF-8, is not
	 * used. */
	len = service != NULL ? strlen(service) : 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)service[i] < 0x20 || service[i] == '"' ||
		    service[i] == '\\')
			break;
	if (len == 0 || len > 200 || i < len ||
	    !hx_offload__utf8_ok((const unsigned char *)service, len))
		service = "hx-offload-client";
	if (*parent != '\0')
		snprintf(parent_field, sizeof(parent_field),
		    ",\"parent_id\":\"%s\"", parent);
	n = snprintf(line, sizeof(line), "{\"type\":\"span\","
	    "\"trace_id\":\"%s\",\"span_id\":\"%s\"%s,\"name\":\"%s\","
	    "\"service\":\"%s\",\"kind\":\"client\",\"start_ns\":%lld,"
	    "\"end_ns\":%lld,\"status\":\"%s\"}\n", trace, span,
	    parent_field, hx_offload__op_name(op), service, (long long)start,
	    (long long)end, rc == 0 ? "ok" : "error");
	if (n <= 0 || (size_t)n >= sizeof(line))
		return;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) < 0)
		return;
	/* A short or failed write loses the span, as said above. */
	(void)!write(fd, line, (size_t)n);
	close(fd);
}

/*
 * One call: the exchange, and with HX_OFFLOAD_SPANS set, its client span,
 * whose id goes to the service as the parent of the service's span.
 */
static int
hx_offload__call(struct hx_offload *h, int op, const int32_t *params,
    unsigned nparams, const struct hx_offload_arg *args, unsigned nargs,
    int dtype, size_t count, void *out)
{
	const char *tp = getenv("TRACEPARENT");
	const char *spans = getenv("HX_OFFLOAD_SPANS");
	char trace[33], span[17], parent[17] = "";
	char mine[HX_OFFLOAD_TRACEPARENT_LEN + 1];
	int64_t start;
	int rc;

	if (tp != NULL && !hx_offload__traceparent_ok(tp))
		tp = NULL;
	if (spans == NULL || *spans == '\0')
		return hx_offload__exchange(h, op, params, nparams, args,
		    nargs, tp, dtype, count, out);
	if (tp != NULL) {
		memcpy(trace, tp + 3, 32);
		trace[32] = '\0';
		memcpy(parent, tp + 36, 16);
		parent[16] = '\0';
	} else
		hx_offload__new_id(trace, 32);
	hx_offload__new_id(span, 16);
	snprintf(mine, sizeof(mine), "00-%s-%s-01", trace, span);
	start = hx_offload__now_ns();
	rc = hx_offload__exchange(h, op, params, nparams, args, nargs, mine,
	    dtype, count, out);
	hx_offload__write_span(spans, trace, span, parent, op, start,
	    hx_offload__now_ns(), rc);
	return rc;
}

/* Whether N elements fit a dimension of the protocol. */
static int
hx_offload__dim_ok(size_t n)
{
	return n >= 1 && n <= 0x7fffffff;
}

int
hx_offload_matmul_i8(struct hx_offload *h, const int8_t *a, const int8_t *b,
    int32_t *c, size_t m, size_t k, size_t n)
{
	struct hx_offload_arg args[2] = {
		{ HX_OFFLOAD_INT8, 2, { (uint32_t)m, (uint32_t)k }, a },
		{ HX_OFFLOAD_INT8, 2, { (uint32_t)k, (uint32_t)n }, b },
	};

	if (h == NULL || a == NULL || b == NULL || c == NULL ||
	    !hx_offload__dim_ok(m) || !hx_offload__dim_ok(n) ||
	    k < 1 || k > HX_OFFLOAD_K_MAX)
		return HX_OFFLOAD_EINVAL;
	return hx_offload__call(h, HX_OFFLOAD_OP_MATMUL_I8, NULL, 0, args, 2,
	    HX_OFFLOAD_INT32, m * n, c);
}

int
hx_offload_matmul_f32(struct hx_offload *h, const float *a, const float *b,
    float *c, size_t m, size_t k, size_t n)
{
	struct hx_offload_arg args[2] = {
		{ HX_OFFLOAD_F32, 2, { (uint32_t)m, (uint32_t)k }, a },
		{ HX_OFFLOAD_F32, 2, { (uint32_t)k, (uint32_t)n }, b },
	};

	if (h == NULL || a == NULL || b == NULL || c == NULL ||
	    !hx_offload__dim_ok(m) || !hx_offload__dim_ok(n) ||
	    !hx_offload__dim_ok(k))
		return HX_OFFLOAD_EINVAL;
	return hx_offload__call(h, HX_OFFLOAD_OP_MATMUL_F32, NULL, 0, args, 2,
	    HX_OFFLOAD_F32, m * n, c);
}

int
hx_offload_conv1d_i8(struct hx_offload *h, const int8_t *x, size_t l,
    const int8_t *w, size_t k, int32_t bias, int32_t *y)
{
	struct hx_offload_arg args[2] = {
		{ HX_OFFLOAD_INT8, 1, { (uint32_t)l, 0 }, x },
		{ HX_OFFLOAD_INT8, 1, { (uint32_t)k, 0 }, w },
	};

	if (h == NULL || x == NULL || w == NULL || y == NULL || k < 1 ||
	    k > l || l > HX_OFFLOAD_K_MAX)
		return HX_OFFLOAD_EINVAL;
	return hx_offload__call(h, HX_OFFLOAD_OP_CONV1D_I8, &bias, 1, args, 2,
	    HX_OFFLOAD_INT32, l - k + 1, y);
}

/* An elementwise operation of one or two tensors of N elements. */
static int
hx_offload__elementwise(struct hx_offload *h, int op, int dtype,
    const void *a, const void *b, void *out, int out_dtype, size_t n,
    const int32_t *params, unsigned nparams)
{
	struct hx_offload_arg args[2] = {
		{ dtype, 1, { (uint32_t)n, 0 }, a },
		{ dtype, 1, { (uint32_t)n, 0 }, b },
	};

	if (h == NULL || a == NULL || out == NULL || !hx_offload__dim_ok(n) ||
	    (op == HX_OFFLOAD_OP_ADD && b == NULL))
		return HX_OFFLOAD_EINVAL;
	return hx_offload__call(h, op, params, nparams, args,
	    op == HX_OFFLOAD_OP_ADD ? 2 : 1, out_dtype, n, out);
}

int
hx_offload_add_i32(struct hx_offload *h, const int32_t *a, const int32_t *b,
    int32_t *c, size_t n)
{
	return hx_offload__elementwise(h, HX_OFFLOAD_OP_ADD, HX_OFFLOAD_INT32,
	    a, b, c, HX_OFFLOAD_INT32, n, NULL, 0);
}

int
hx_offload_add_f32(struct hx_offload *h, const float *a, const float *b,
    float *c, size_t n)
{
	return hx_offload__elementwise(h, HX_OFFLOAD_OP_ADD, HX_OFFLOAD_F32,
	    a, b, c, HX_OFFLOAD_F32, n, NULL, 0);
}

int
hx_offload_relu_i8(struct hx_offload *h, const int8_t *x, int8_t *y, size_t n)
{
	return hx_offload__elementwise(h, HX_OFFLOAD_OP_RELU, HX_OFFLOAD_INT8,
	    x, NULL, y, HX_OFFLOAD_INT8, n, NULL, 0);
}

int
hx_offload_relu_i32(struct hx_offload *h, const int32_t *x, int32_t *y,
    size_t n)
{
	return hx_offload__elementwise(h, HX_OFFLOAD_OP_RELU, HX_OFFLOAD_INT32,
	    x, NULL, y, HX_OFFLOAD_INT32, n, NULL, 0);
}

int
hx_offload_relu_f32(struct hx_offload *h, const float *x, float *y, size_t n)
{
	return hx_offload__elementwise(h, HX_OFFLOAD_OP_RELU, HX_OFFLOAD_F32,
	    x, NULL, y, HX_OFFLOAD_F32, n, NULL, 0);
}

int
hx_offload_requantize(struct hx_offload *h, const int32_t *acc, int8_t *out,
    size_t n, int32_t multiplier, int shift, int32_t zero_point)
{
	int32_t params[3] = { multiplier, shift, zero_point };

	if (multiplier < 0x40000000 || shift < 0 || shift > 31 ||
	    zero_point < -32768 || zero_point > 32767)
		return HX_OFFLOAD_EINVAL;
	return hx_offload__elementwise(h, HX_OFFLOAD_OP_REQUANTIZE,
	    HX_OFFLOAD_INT32, acc, NULL, out, HX_OFFLOAD_INT8, n, params, 3);
}

const char *
hx_offload_backend(const struct hx_offload *h)
{
	return h->backend;
}

const char *
hx_offload_last_error(const struct hx_offload *h)
{
	return h->error;
}

int
hx_offload_server_code(const struct hx_offload *h)
{
	return h->server_code;
}

void
hx_offload_close(struct hx_offload *h)
{
	if (h == NULL)
		return;
	hx_offload__hangup(h);
	free(h->buf);
	free(h->addr);
	free(h);
}

const char *
hx_offload_strerror(int status)
{
	switch (status) {
	case HX_OFFLOAD_OK:
		return "success";
	case HX_OFFLOAD_EFALLBACK:
		return "the offload service cannot answer: compute locally";
	case HX_OFFLOAD_EINVAL:
		return "invalid argument";
	case HX_OFFLOAD_ENOMEM:
		return "out of memory";
	case HX_OFFLOAD_EADDR:
		return "no offload address, or a malformed one";
	default:
		return "unknown status";
	}
}

#endif /* HX_OFFLOAD_IMPLEMENTATION */
#endif /* HX_OFFLOAD_H */
