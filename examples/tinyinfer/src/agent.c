/*
 * The inference agent's link to the GPU-offload service, through the
 * client of hx/offload.h (a copy of hx's, so that tinyinfer builds where
 * hx is not installed).  The layers are the operations of hx-offload(5):
 * dense = matmul_i8 of W [NOUT,NIN] by x [NIN,1], add bias, requantize,
 * relu; conv = conv1d_i8, requantize.  Their int8 results are the local
 * ones bit for bit, so a layer that cannot be offloaded is computed here
 * from the start, with the same outputs.
 */
#define _POSIX_C_SOURCE 200809L
#define HX_OFFLOAD_IMPLEMENTATION
#include <hx/offload.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

/*
 * How long a call may take before the layer is computed here: long, so
 * that a slow machine never changes the outputs; a service that must
 * answer sooner is asked for with TINYINFER_OFFLOAD_TIMEOUT_MS.
 */
#define TI_AGENT_TIMEOUT_MS 60000

/* The service: not asked for yet, connected, or none for this run. */
static enum { TI_AGENT_UNKNOWN, TI_AGENT_SERVICE, TI_AGENT_LOCAL } agent;
static struct hx_offload *service;

/* Say that a layer is computed here, and why. */
static void
fallback(const char *why)
{
	printf("# offload: fallback (%s)\n", why);
	fflush(stdout);
}

/* The service, connected on first use; NULL: compute here. */
static struct hx_offload *
agent_service(void)
{
	const char *addr, *timeout;
	char why[512];
	int rc;

	if (agent != TI_AGENT_UNKNOWN)
		return agent == TI_AGENT_SERVICE ? service : NULL;
	agent = TI_AGENT_LOCAL;
	if ((addr = getenv("HX_OFFLOAD")) == NULL || *addr == '\0')
		return NULL;
	timeout = getenv("TINYINFER_OFFLOAD_TIMEOUT_MS");
	rc = hx_offload_connect(addr, timeout != NULL ? atoi(timeout) :
	    TI_AGENT_TIMEOUT_MS, &service);
	if (rc != HX_OFFLOAD_OK) {
		snprintf(why, sizeof(why), "cannot connect to %s: %s", addr,
		    rc == HX_OFFLOAD_EFALLBACK ? strerror(errno) :
		    hx_offload_strerror(rc));
		fallback(why);
		return NULL;
	}
	agent = TI_AGENT_SERVICE;
	return service;
}

/* The end of an offloaded layer: 0, or -1 after saying why RC failed. */
static int
settle(struct hx_offload *h, int rc)
{
	if (rc == HX_OFFLOAD_OK)
		return 0;
	fallback(rc == HX_OFFLOAD_EFALLBACK ? hx_offload_last_error(h) :
	    hx_offload_strerror(rc));
	return -1;
}

int
ti_agent_dense(const int8_t *in, size_t nin, const int8_t *w,
    const int32_t *bias, size_t nout, const struct ti_requant *rq, int relu,
    int8_t *out)
{
	struct hx_offload *h = agent_service();
	int32_t *acc, *sum;
	int8_t *q;
	int rc;

	if (h == NULL)
		return -1;
	acc = malloc(nout * sizeof(*acc));
	sum = malloc(nout * sizeof(*sum));
	q = malloc(nout);
	if (acc == NULL || sum == NULL || q == NULL)
		rc = HX_OFFLOAD_ENOMEM;
	else
		rc = hx_offload_matmul_i8(h, w, in, acc, nout, nin, 1);
	if (rc == HX_OFFLOAD_OK && bias != NULL)
		rc = hx_offload_add_i32(h, acc, bias, sum, nout);
	else if (rc == HX_OFFLOAD_OK)
		memcpy(sum, acc, nout * sizeof(*sum));
	if (rc == HX_OFFLOAD_OK)
		rc = hx_offload_requantize(h, sum, relu ? q : out, nout,
		    rq->multiplier, rq->shift, rq->zero_point);
	if (rc == HX_OFFLOAD_OK && relu)
		rc = hx_offload_relu_i8(h, q, out, nout);
	free(acc);
	free(sum);
	free(q);
	return settle(h, rc);
}

int
ti_agent_conv1d(const int8_t *in, size_t nin, const int8_t *kernel,
    size_t klen, int32_t bias, const struct ti_requant *rq, int8_t *out)
{
	struct hx_offload *h = agent_service();
	size_t nout = nin - klen + 1;
	int32_t *acc;
	int rc;

	if (h == NULL)
		return -1;
	if ((acc = malloc(nout * sizeof(*acc))) == NULL)
		rc = HX_OFFLOAD_ENOMEM;
	else
		rc = hx_offload_conv1d_i8(h, in, nin, kernel, klen, bias, acc);
	if (rc == HX_OFFLOAD_OK)
		rc = hx_offload_requantize(h, acc, out, nout, rq->multiplier,
		    rq->shift, rq->zero_point);
	free(acc);
	return settle(h, rc);
}
