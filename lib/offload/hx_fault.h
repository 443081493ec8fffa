/*
 * hx_fault: the faults the offload service injects on purpose
 * (hx-offload(1), --fault): added latency, error replies, dropped
 * connections and truncated replies, each with a probability, decided by
 * a function of the seed and the request's id alone, so that a client that
 * sends the same requests sees the same faults in every run, whatever the
 * threads do.
 */
#ifndef HX_FAULT_H
#define HX_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hx_fault_kind {
	HX_FAULT_NONE,
	HX_FAULT_ERROR,		/* an error reply, code "injected" */
	HX_FAULT_DROP,		/* close the connection, no reply */
	HX_FAULT_TRUNCATE,	/* half the reply, then close */
};

struct hx_fault {
	double error, drop, truncate, latency;	/* probabilities */
	unsigned delay_ms;	/* the latency added */
	uint64_t seed;
};

/*
 * Read SPEC, "KIND=P[,KIND=P]..." with KIND error, drop, truncate or
 * latency and P a probability in [0, 1], and "delay=MS" for the latency
 * (100 by default); 0, or -1 with a message.
 */
int hx_fault_parse(const char *spec, struct hx_fault *fault, char *msg,
    size_t msgsize);

/* Whether any fault may happen. */
bool hx_fault_any(const struct hx_fault *fault);

/*
 * The fault for request ID: at most one of error, drop and truncate, in
 * that order of precedence, and in *DELAY_MS the latency to add first (0
 * for none).
 */
enum hx_fault_kind hx_fault_pick(const struct hx_fault *fault, uint64_t id,
    unsigned *delay_ms);

#endif
