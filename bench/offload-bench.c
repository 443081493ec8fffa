/*
 * offload-bench: round trips of an int8 matmul of N x N by N x N, timed
 * one by one: through the client hx/offload.h to hx-offload, or, with
 * --echo, the same request frame's bytes sent raw to offload-echo and
 * read back.  Prints "round_trips_per_s P50_NS P99_NS" for CALLS calls,
 * after WARM calls not counted.
 * Usage: offload-bench [--echo] ADDR N CALLS
 */
#define HX_OFFLOAD_IMPLEMENTATION
#include "hx/offload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define WARM 50

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
compare(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The request frame hx_offload_matmul_i8 sends for A and B of N x N: the
 * client's own builder, with the connection's maximum frame set by hand.
 */
static size_t
frame(struct hx_offload *h, const int8_t *a, const int8_t *b, uint32_t n)
{
	struct hx_offload_arg args[2] = {
		{ HX_OFFLOAD_INT8, 2, { n, n }, a },
		{ HX_OFFLOAD_INT8, 2, { n, n }, b },
	};
	size_t len;

	h->max_frame = HX_OFFLOAD_MAX_FRAME;
	if (hx_offload__build(h, HX_OFFLOAD_OP_MATMUL_I8, NULL, 0, args, 2, 1,
	    &len) != 0)
		exit(4);
	return len;
}

int
main(int argc, char **argv)
{
	struct hx_offload *h = NULL, raw = { .fd = -1 };
	int echo = argc > 1 && strcmp(argv[1], "--echo") == 0;
	int32_t *c;
	int8_t *a, *b;
	int64_t *t, start, total = 0;
	uint32_t n;
	size_t len, calls, i;

	argv += echo;
	argc -= echo;
	if (argc != 4) {
		fprintf(stderr, "usage: offload-bench [--echo] ADDR N CALLS\n");
		return 2;
	}
	n = (uint32_t)atoi(argv[2]);
	calls = (size_t)atol(argv[3]);
	a = calloc((size_t)n * n, 1);
	b = calloc((size_t)n * n, 1);
	c = calloc((size_t)n * n, sizeof(*c));
	t = calloc(calls, sizeof(*t));
	memset(a, 3, (size_t)n * n);
	memset(b, 5, (size_t)n * n);
	if (echo) {
		len = frame(&raw, a, b, n);
		if (hx_offload__dial(argv[1], -1, &raw.fd) != 0) {
			perror("offload-bench: connect");
			return 4;
		}
	} else if (hx_offload_connect(argv[1], 0, &h) != 0) {
		fprintf(stderr, "offload-bench: cannot connect to %s\n",
		    argv[1]);
		return 4;
	}
	for (i = 0; i < WARM + calls; i++) {
		start = now_ns();
		if (echo) {
			if (hx_offload__send(raw.fd, raw.buf, len, -1) != 0 ||
			    hx_offload__recv(raw.fd, raw.buf, len, -1) != 0)
				return 4;
		} else if (hx_offload_matmul_i8(h, a, b, c, n, n, n) != 0 ||
		    c[0] != 15 * (int32_t)n) {
			fprintf(stderr, "offload-bench: %s\n",
			    hx_offload_last_error(h));
			return 4;
		}
		if (i >= WARM) {
			t[i - WARM] = now_ns() - start;
			total += t[i - WARM];
		}
	}
	qsort(t, calls, sizeof(*t), compare);
	printf("%.0f %lld %lld\n", (double)calls * 1e9 / (double)total,
	    (long long)t[calls / 2], (long long)t[calls * 99 / 100]);
	if (echo) {
		close(raw.fd);
		free(raw.buf);
	}
	hx_offload_close(h);
	free(a);
	free(b);
	free(c);
	free(t);
	return 0;
}
