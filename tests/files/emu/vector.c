/*
 * vector: adds two vectors of eight ints with the RISC-V vector
 * extension (V 1.0) and exits 0 when the sums are right.  Built with
 * -march=rv64gcv; QEMU's default CPU model has no V and dies of SIGILL.
 */
#include <stdio.h>

int
main(void)
{
	static int a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static int b[8] = { 10, 20, 30, 40, 50, 60, 70, 80 };
	static int c[8];
	unsigned long vl;
	int i;

	__asm__ volatile("vsetivli %0, 8, e32, m2, ta, ma" : "=r"(vl));
	__asm__ volatile("vle32.v v2, (%0)" : : "r"(a) : "memory");
	__asm__ volatile("vle32.v v4, (%0)" : : "r"(b) : "memory");
	__asm__ volatile("vadd.vv v6, v2, v4");
	__asm__ volatile("vse32.v v6, (%0)" : : "r"(c) : "memory");
	for (i = 0; i < 8; i++)
		if (c[i] != a[i] + b[i])
			return 1;
	printf("vl %lu, sums right\n", vl);
	return vl == 8 ? 0 : 1;
}
