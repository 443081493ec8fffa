/*
 * gpu.c: hx-trace gpu: metric records of every GPU's utilisation,
 * memory, power and NVLink traffic, read through lib/trace/hx_nvml every
 * interval.  Without a driver it says so once and writes nothing.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rec/hx_metric.h"
#include "rec/hx_rec.h"
#include "trace/hx_nvml.h"
#include "trace.h"
#include "hx_clock.h"

/* The metrics of one reading, with what NVML said when it had none. */
enum {
	GPU_UTIL, GPU_MEMORY_UTIL, GPU_MEMORY_USED, GPU_MEMORY_TOTAL,
	GPU_POWER, GPU_NVLINK_TX, GPU_NVLINK_RX, GPU_NMETRICS,
};

static const struct {
	const char *name;
	enum hx_metric_kind kind;
	const char *unit;
	const char *part;	/* for the warning when NVML refuses */
} metrics[GPU_NMETRICS] = {
	{ "gpu_utilization_ratio", HX_METRIC_GAUGE, "ratio", "utilization" },
	{ "gpu_memory_utilization_ratio", HX_METRIC_GAUGE, "ratio",
	    "utilization" },
	{ "gpu_memory_used_bytes", HX_METRIC_GAUGE, "bytes", "memory" },
	{ "gpu_memory_total_bytes", HX_METRIC_GAUGE, "bytes", "memory" },
	{ "gpu_power_watts", HX_METRIC_GAUGE, "watts", "power" },
	{ "gpu_nvlink_tx_bytes_total", HX_METRIC_COUNTER, "bytes",
	    "NVLink" },
	{ "gpu_nvlink_rx_bytes_total", HX_METRIC_COUNTER, "bytes",
	    "NVLink" },
};

/*
 * Write the metrics of reading R of GPU INDEX, taken at TIME_NS; a part
 * NVML refused is named on standard error the first time (WARNED).
 */
static void
write_reading(unsigned int index, const char *host,
    const struct hx_nvml_reading *r, int64_t time_ns, bool *warned)
{
	const char *error[GPU_NMETRICS] = { r->util_error, r->util_error,
	    r->memory_error, r->memory_error, r->power_error,
	    r->nvlink_error, r->nvlink_error };
	const double value[GPU_NMETRICS] = { r->gpu_ratio, r->memory_ratio,
	    (double)r->memory_used_bytes, (double)r->memory_total_bytes,
	    r->power_watts, (double)r->nvlink_tx_bytes,
	    (double)r->nvlink_rx_bytes };
	char gpu[16];
	struct hx_field_pair labels[2] = { { "gpu", gpu }, { "host", host } };
	struct hx_metric m;
	json_t *rec;
	size_t i;

	snprintf(gpu, sizeof(gpu), "%u", index);
	for (i = 0; i < GPU_NMETRICS; i++) {
		if (error[i] != NULL) {
			if (!warned[i] && (i == 0 || error[i - 1] == NULL ||
			    strcmp(metrics[i].part, metrics[i - 1].part) != 0))
				hx_warn("gpu %u: no %s: %s", index,
				    metrics[i].part, error[i]);
			warned[i] = true;
			continue;
		}
		hx_metric_init(&m);
		m.name = metrics[i].name;
		m.kind = metrics[i].kind;
		m.unit = metrics[i].unit;
		m.value = value[i];
		m.time_ns = time_ns;
		m.service = "hx-trace";
		m.labels = labels;
		m.nlabels = 2;
		rec = hx_metric_to_json(&m);
		hx_rec_emit(rec);
		json_decref(rec);
	}
}

/* Sleep until NEXT on the monotonic clock. */
static void
sleep_until(int64_t next)
{
	struct timespec ts = { (time_t)(next / 1000000000),
	    (long)(next % 1000000000) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		continue;
}

int
trace_gpu(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct hx_nvml_reading reading;
	struct hx_err_info err, flush_err;
	struct hx_nvml *nvml;
	unsigned int ngpus, g;
	long count = 1, interval = 1000, n;
	bool *warned;
	char host[256];
	int64_t next;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			count = trace_parse_count("gpu", "--count", optarg, 0,
			    LONG_MAX);
			break;
		case 'i':
			/* In ns it must fit, with room for the next. */
			interval = trace_parse_count("gpu", "--interval",
			    optarg, 1, LONG_MAX / 2000000);
			break;
		default:
			hx_usage_error("gpu: bad option");
		}
	}
	if (optind < argc)
		hx_usage_error("gpu: unexpected argument: %s", argv[optind]);
	if ((nvml = hx_nvml_open(&err)) == NULL) {
		hx_warn("%s; no GPU counters", err.message);
		return HX_EXIT_OK;
	}
	if (hx_nvml_count(nvml, &ngpus, &err) < 0) {
		hx_nvml_close(nvml);
		hx_err_exit(&err);
	}
	if (ngpus == 0)
		hx_warn("NVML sees no GPU; no GPU counters");
	if (gethostname(host, sizeof(host) - 1) < 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	warned = hx_xcalloc((size_t)ngpus * GPU_NMETRICS + 1, sizeof(*warned));
	next = hx_clock_mono_ns();
	for (n = 0; ngpus > 0 && (count == 0 || n < count); n++) {
		if (n > 0)
			sleep_until(next += interval * 1000000);
		for (g = 0; g < ngpus; g++) {
			if ((rc = hx_nvml_read(nvml, g, &reading, &err)) < 0)
				break;
			write_reading(g, host, &reading,
			    hx_clock_real_ns(),
			    warned + g * GPU_NMETRICS);
		}
		if (rc < 0 || (rc = hx_rec_finish(NULL, &err)) < 0)
			break;
	}
	free(warned);
	hx_nvml_close(nvml);
	if (rc < 0 && hx_rec_finish(NULL, &flush_err) < 0)
		hx_err_exit(&flush_err);
	if (rc < 0)
		hx_err_exit(&err);
	return HX_EXIT_OK;
}
