/*
 * hx_nvml.c: the NVML functions hx-trace uses, looked up in
 * libnvidia-ml.so.1 at run time.
 */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "trace/hx_nvml.h"

/* The NVML declarations used, as nvml.h has them. */
typedef int nvmlReturn_t;		/* NVML_SUCCESS is 0 */
typedef struct nvmlDevice_st *nvmlDevice_t;

typedef struct {
	unsigned int gpu;		/* percent */
	unsigned int memory;		/* percent */
} nvmlUtilization_t;

typedef struct {
	unsigned long long total;	/* bytes */
	unsigned long long free;
	unsigned long long used;
} nvmlMemory_t;

typedef union {
	double dVal;
	unsigned int uiVal;
	unsigned long ulVal;
	unsigned long long ullVal;
	signed long long sllVal;
} nvmlValue_t;

typedef struct {
	unsigned int fieldId;
	unsigned int scopeId;
	long long timestamp;
	long long latencyUsec;
	int valueType;			/* nvmlValueType_t */
	nvmlReturn_t nvmlReturn;
	nvmlValue_t value;
} nvmlFieldValue_t;

#define NVML_SUCCESS				0
#define NVML_VALUE_TYPE_DOUBLE			0
#define NVML_VALUE_TYPE_UNSIGNED_INT		1
#define NVML_VALUE_TYPE_UNSIGNED_LONG		2
#define NVML_VALUE_TYPE_UNSIGNED_LONG_LONG	3
#define NVML_VALUE_TYPE_SIGNED_LONG_LONG	4
/* Data sent and received over NVLink, in KiB, all links with UINT_MAX. */
#define NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX	138
#define NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX	139

struct hx_nvml {
	void *lib;
	nvmlReturn_t (*init)(void);
	nvmlReturn_t (*shutdown)(void);
	const char *(*error_string)(nvmlReturn_t);
	nvmlReturn_t (*count)(unsigned int *);
	nvmlReturn_t (*handle)(unsigned int, nvmlDevice_t *);
	nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t *);
	nvmlReturn_t (*memory)(nvmlDevice_t, nvmlMemory_t *);
	nvmlReturn_t (*power)(nvmlDevice_t, unsigned int *);
	nvmlReturn_t (*fields)(nvmlDevice_t, int, nvmlFieldValue_t *);
};

/* What NVML says of RC. */
static const char *
nvml_error(const struct hx_nvml *nvml, nvmlReturn_t rc)
{
	const char *s = nvml->error_string(rc);

	return s != NULL ? s : "unknown NVML error";
}

/* Look NAME up in NVML's library into *FN; false when it is not there. */
static bool
lookup(struct hx_nvml *nvml, const char *name, void *fn)
{
	void *sym = dlsym(nvml->lib, name);

	memcpy(fn, &sym, sizeof(sym));
	return sym != NULL;
}

struct hx_nvml *
hx_nvml_open(struct hx_err_info *err)
{
	struct hx_nvml *nvml = hx_xcalloc(1, sizeof(*nvml));
	nvmlReturn_t rc;

	if ((nvml->lib = dlopen("libnvidia-ml.so.1", RTLD_NOW |
	    RTLD_LOCAL)) == NULL) {
		hx_err_set(err, HX_EXIT_SYSTEM, "no NVIDIA driver: %s",
		    dlerror());
		free(nvml);
		return NULL;
	}
	if (!lookup(nvml, "nvmlInit_v2", &nvml->init) ||
	    !lookup(nvml, "nvmlShutdown", &nvml->shutdown) ||
	    !lookup(nvml, "nvmlErrorString", &nvml->error_string) ||
	    !lookup(nvml, "nvmlDeviceGetCount_v2", &nvml->count) ||
	    !lookup(nvml, "nvmlDeviceGetHandleByIndex_v2", &nvml->handle) ||
	    !lookup(nvml, "nvmlDeviceGetUtilizationRates",
	    &nvml->utilization) ||
	    !lookup(nvml, "nvmlDeviceGetMemoryInfo", &nvml->memory) ||
	    !lookup(nvml, "nvmlDeviceGetPowerUsage", &nvml->power)) {
		hx_err_set(err, HX_EXIT_SYSTEM, "libnvidia-ml.so.1 is too "
		    "old: %s", dlerror());
		dlclose(nvml->lib);
		free(nvml);
		return NULL;
	}
	/* Field values came later (driver 384): NVLink needs them. */
	lookup(nvml, "nvmlDeviceGetFieldValues", &nvml->fields);
	if ((rc = nvml->init()) != NVML_SUCCESS) {
		hx_err_set(err, HX_EXIT_SYSTEM, "NVML: %s",
		    nvml_error(nvml, rc));
		dlclose(nvml->lib);
		free(nvml);
		return NULL;
	}
	return nvml;
}

int
hx_nvml_count(struct hx_nvml *nvml, unsigned int *count,
    struct hx_err_info *err)
{
	nvmlReturn_t rc;

	if ((rc = nvml->count(count)) != NVML_SUCCESS)
		return hx_err_set(err, HX_EXIT_SYSTEM, "NVML: GPU count: %s",
		    nvml_error(nvml, rc));
	return 0;
}

/* A field value as an unsigned number, whatever its type. */
static uint64_t
field_value(const nvmlFieldValue_t *f)
{
	switch (f->valueType) {
	case NVML_VALUE_TYPE_DOUBLE:
		return f->value.dVal > 0 ? (uint64_t)f->value.dVal : 0;
	case NVML_VALUE_TYPE_UNSIGNED_INT:
		return f->value.uiVal;
	case NVML_VALUE_TYPE_UNSIGNED_LONG:
		return f->value.ulVal;
	case NVML_VALUE_TYPE_SIGNED_LONG_LONG:
		return f->value.sllVal > 0 ? (uint64_t)f->value.sllVal : 0;
	default:
		return f->value.ullVal;
	}
}

/* The NVLink totals of DEV into OUT, or its nvlink_error. */
static void
read_nvlink(struct hx_nvml *nvml, nvmlDevice_t dev,
    struct hx_nvml_reading *out)
{
	nvmlFieldValue_t f[2];
	nvmlReturn_t rc;

	if (nvml->fields == NULL) {
		out->nvlink_error = "no nvmlDeviceGetFieldValues in this driver";
		return;
	}
	memset(f, 0, sizeof(f));
	f[0].fieldId = NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX;
	f[1].fieldId = NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX;
	f[0].scopeId = f[1].scopeId = UINT_MAX;
	if ((rc = nvml->fields(dev, 2, f)) == NVML_SUCCESS &&
	    (rc = f[0].nvmlReturn) == NVML_SUCCESS)
		rc = f[1].nvmlReturn;
	if (rc != NVML_SUCCESS) {
		out->nvlink_error = nvml_error(nvml, rc);
		return;
	}
	out->nvlink_tx_bytes = field_value(&f[0]) * 1024;
	out->nvlink_rx_bytes = field_value(&f[1]) * 1024;
}

int
hx_nvml_read(struct hx_nvml *nvml, unsigned int index,
    struct hx_nvml_reading *out, struct hx_err_info *err)
{
	nvmlUtilization_t util;
	nvmlMemory_t mem;
	nvmlDevice_t dev;
	unsigned int mw;
	nvmlReturn_t rc;

	memset(out, 0, sizeof(*out));
	if ((rc = nvml->handle(index, &dev)) != NVML_SUCCESS)
		return hx_err_set(err, HX_EXIT_SYSTEM, "NVML: GPU %u: %s",
		    index, nvml_error(nvml, rc));
	if ((rc = nvml->utilization(dev, &util)) != NVML_SUCCESS)
		out->util_error = nvml_error(nvml, rc);
	else {
		out->gpu_ratio = util.gpu / 100.0;
		out->memory_ratio = util.memory / 100.0;
	}
	if ((rc = nvml->memory(dev, &mem)) != NVML_SUCCESS)
		out->memory_error = nvml_error(nvml, rc);
	else {
		out->memory_used_bytes = mem.used;
		out->memory_total_bytes = mem.total;
	}
	if ((rc = nvml->power(dev, &mw)) != NVML_SUCCESS)
		out->power_error = nvml_error(nvml, rc);
	else
		out->power_watts = mw / 1000.0;
	read_nvlink(nvml, dev, out);
	return 0;
}

void
hx_nvml_close(struct hx_nvml *nvml)
{
	if (nvml == NULL)
		return;
	nvml->shutdown();
	dlclose(nvml->lib);
	free(nvml);
}
