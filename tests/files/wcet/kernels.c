/*
 * Small kernels for the regression test of exact verdicts: built with
 * -DKERNEL_CRC, _SORT, _MATMUL or none (an empty kernel), at -O2 as the
 * baseline and -O1 as the change (tests/wcet/t0440-wcet-kernels.sh).
 */
#include <stdint.h>

static volatile uint32_t sink;

#if defined(KERNEL_CRC)
static uint32_t
kernel(void)
{
	static uint8_t buf[512];
	uint32_t crc = ~0u;
	int i, k;

	for (i = 0; i < 512; i++)
		buf[i] = (uint8_t)(i * 7);
	for (i = 0; i < 512; i++) {
		crc ^= buf[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}
#elif defined(KERNEL_SORT)
static uint32_t
kernel(void)
{
	static uint32_t a[200];
	uint32_t t;
	int i, j;

	for (i = 0; i < 200; i++)
		a[i] = (uint32_t)((i * 7919) % 211);
	for (i = 0; i < 200; i++)
		for (j = 0; j + 1 < 200 - i; j++)
			if (a[j] > a[j + 1]) {
				t = a[j];
				a[j] = a[j + 1];
				a[j + 1] = t;
			}
	return a[0] + a[199];
}
#elif defined(KERNEL_MATMUL)
static uint32_t
kernel(void)
{
	static uint32_t a[24][24], b[24][24], c[24][24];
	int i, j, k;

	for (i = 0; i < 24; i++)
		for (j = 0; j < 24; j++) {
			a[i][j] = (uint32_t)(i + j);
			b[i][j] = (uint32_t)(i * j);
		}
	for (i = 0; i < 24; i++)
		for (j = 0; j < 24; j++) {
			c[i][j] = 0;
			for (k = 0; k < 24; k++)
				c[i][j] += a[i][k] * b[k][j];
		}
	return c[23][23];
}
#else
static uint32_t
kernel(void)
{
	return 0;
}
#endif

int
main(void)
{
	sink = kernel();
	return 0;
}
