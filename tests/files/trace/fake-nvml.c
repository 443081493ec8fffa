/*
 * fake-nvml.c: a libnvidia-ml.so.1 for the tests of hx-trace gpu, with
 * fixed readings of two GPUs: GPU 0 has everything; GPU 1 has no power
 * reading and no NVLink, as a PCIe card without power sensing.
 * FAKE_NVML_INIT set makes nvmlInit_v2 fail with that code.
 */
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct {
	unsigned int fieldId, scopeId;
	long long timestamp, latencyUsec;
	int valueType;
	nvmlReturn_t nvmlReturn;
	union { double d; unsigned long long ull; } value;
} nvmlFieldValue_t;

static int devices[2];

nvmlReturn_t nvmlInit_v2(void)
{
	const char *rc = getenv("FAKE_NVML_INIT");

	return rc != NULL ? atoi(rc) : 0;
}

nvmlReturn_t nvmlShutdown(void) { return 0; }

const char *nvmlErrorString(nvmlReturn_t rc)
{
	return rc == 3 ? "Not Supported" : rc == 9 ? "Driver Not Loaded" :
	    "Unknown Error";
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { *n = 2; return 0; }

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d)
{
	if (i > 1)
		return 2;
	*d = (nvmlDevice_t)&devices[i];
	return 0;
}

static int index_of(nvmlDevice_t d) { return (int *)d - devices; }

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d,
    nvmlUtilization_t *u)
{
	u->gpu = index_of(d) == 0 ? 75 : 0;
	u->memory = index_of(d) == 0 ? 40 : 5;
	return 0;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m)
{
	m->total = 85899345920ULL;
	m->used = index_of(d) == 0 ? 1073741824ULL : 0;
	m->free = m->total - m->used;
	return 0;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw)
{
	if (index_of(d) == 1)
		return 3;
	*mw = 312500;
	return 0;
}

nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t d, int n,
    nvmlFieldValue_t *f)
{
	int i;

	for (i = 0; i < n; i++) {
		if (index_of(d) == 1 || f[i].scopeId != 0xffffffffU) {
			f[i].nvmlReturn = 3;
			continue;
		}
		f[i].nvmlReturn = 0;
		f[i].valueType = 3;
		f[i].value.ull = f[i].fieldId == 138 ? 1000 : 2000;
	}
	return 0;
}
