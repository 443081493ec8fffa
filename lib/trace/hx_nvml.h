/*
 * hx_nvml: GPU counters from NVIDIA's management library, loaded with
 * dlopen(3) when hx-trace asks for them, so that nothing is needed to
 * build hx and a machine without a driver only lacks the counters.
 * nvml.h is not needed either: the few functions and structures used
 * are declared in hx_nvml.c as the NVML API defines them.
 */
#ifndef HX_NVML_H
#define HX_NVML_H

#include <stdbool.h>
#include <stdint.h>

#include "hx_err.h"

struct hx_nvml;

/* What one reading of one GPU has; a part NVML refused says why. */
struct hx_nvml_reading {
	const char *util_error;		/* NULL: the next two are read */
	double gpu_ratio;		/* time a kernel ran, 0 to 1 */
	double memory_ratio;		/* time memory was read or written */
	const char *memory_error;
	uint64_t memory_used_bytes, memory_total_bytes;
	const char *power_error;
	double power_watts;
	const char *nvlink_error;
	uint64_t nvlink_tx_bytes;	/* data sent over every link, total */
	uint64_t nvlink_rx_bytes;
};

/*
 * Load libnvidia-ml.so.1 and initialise it.  Returns the handle, or NULL
 * with ERR saying why (no library: no driver; or the driver's own
 * error).
 */
struct hx_nvml *hx_nvml_open(struct hx_err_info *err);

/* The number of GPUs: 0, or -1 with ERR filled. */
int hx_nvml_count(struct hx_nvml *nvml, unsigned int *count,
    struct hx_err_info *err);

/*
 * Read GPU INDEX into *OUT.  Returns 0, or -1 with ERR filled when the
 * GPU cannot be reached at all; a part that cannot be read has its
 * error set instead.
 */
int hx_nvml_read(struct hx_nvml *nvml, unsigned int index,
    struct hx_nvml_reading *out, struct hx_err_info *err);

/* Shut NVML down and unload it. */
void hx_nvml_close(struct hx_nvml *nvml);

#endif
