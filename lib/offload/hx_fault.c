/*
 * hx_fault: deterministic fault injection: each decision is a draw of
 * splitmix64 over the seed, the request id and the kind of fault.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offload/hx_fault.h"

/* splitmix64's output function: a good 64-bit mix of X. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Whether the draw of KIND for request ID falls under probability P. */
static bool
draw(const struct hx_fault *fault, uint64_t id, unsigned kind, double p)
{
	uint64_t x = mix(mix(mix(fault->seed) ^ id) ^ kind);

	return (double)(x >> 11) / 9007199254740992.0 < p;
}

int
hx_fault_parse(const char *spec, struct hx_fault *fault, char *msg,
    size_t msgsize)
{
	static const char *const kinds[] = { "error", "drop", "truncate",
	    "latency" };
	double *probs[] = { &fault->error, &fault->drop, &fault->truncate,
	    &fault->latency };
	const char *p = spec, *eq;
	char *end;
	size_t len, i;
	double v;

	fault->delay_ms = 100;
	while (*p != '\0') {
		len = strcspn(p, ",");
		eq = memchr(p, '=', len);
		if (eq == NULL) {
			snprintf(msg, msgsize, "fault '%.*s' lacks =VALUE",
			    (int)len, p);
			return -1;
		}
		errno = 0;
		v = strtod(eq + 1, &end);
		if (end != p + len || end == eq + 1 || errno != 0) {
			snprintf(msg, msgsize, "fault '%.*s': not a number",
			    (int)len, p);
			return -1;
		}
		if ((size_t)(eq - p) == 5 && strncmp(p, "delay", 5) == 0) {
			if (v < 0 || v > 600000 || v != (unsigned)v) {
				snprintf(msg, msgsize, "fault delay %g: not "
				    "0 to 600000 ms", v);
				return -1;
			}
			fault->delay_ms = (unsigned)v;
		} else {
			for (i = 0; i < 4; i++)
				if (strlen(kinds[i]) == (size_t)(eq - p) &&
				    strncmp(p, kinds[i], (size_t)(eq - p)) == 0)
					break;
			if (i == 4 || !(v >= 0 && v <= 1)) {
				snprintf(msg, msgsize, "fault '%.*s': not "
				    "error, drop, truncate or latency with a "
				    "probability in [0, 1], or delay=MS",
				    (int)len, p);
				return -1;
			}
			*probs[i] = v;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

bool
hx_fault_any(const struct hx_fault *fault)
{
	return fault->error > 0 || fault->drop > 0 || fault->truncate > 0 ||
	    fault->latency > 0;
}

enum hx_fault_kind
hx_fault_pick(const struct hx_fault *fault, uint64_t id, unsigned *delay_ms)
{
	*delay_ms = draw(fault, id, 4, fault->latency) ? fault->delay_ms : 0;
	if (draw(fault, id, 1, fault->error))
		return HX_FAULT_ERROR;
	if (draw(fault, id, 2, fault->drop))
		return HX_FAULT_DROP;
	if (draw(fault, id, 3, fault->truncate))
		return HX_FAULT_TRUNCATE;
	return HX_FAULT_NONE;
}
