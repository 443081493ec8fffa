/*
 * roi: regions of interest (hx/roi.h) whose instruction counts are known
 * by construction, for tests/emu/t0330-emu-roi.sh.  The regions hold
 * only spin loops written in assembly, 2 * N + 1 instructions each, so
 * that every compiler makes the same code of them.
 *
 *	roi spin N	region "spin": one loop of N
 *	roi nested N	"outer": loops of 100 and 10 around N entries of
 *			"inner", a loop of 50 each
 *	roi called	"called", a loop of 10, from two places
 *	roi pairs N	N pairs of markers around a loop of 1 ("p")
 *	roi end		an end without a begin
 *	roi open	a region still open at exit
 *	roi cut		a begin whose name lacks two characters
 */
#include <stdlib.h>
#include <string.h>

#include <hx/roi.h>

#ifdef __riscv
/*
 * N times round a loop of two instructions, after one to set it up: N a
 * constant, or (SPIN_VAR) a variable the compiler keeps in a register.
 */
#define SPIN(n) __asm__ __volatile__("li t0, %0\n"			\
	"1: addi t0, t0, -1\n"						\
	"bnez t0, 1b" : : "i"(n) : "t0")
#define SPIN_VAR(n) __asm__ __volatile__("mv t0, %0\n"			\
	"1: addi t0, t0, -1\n"						\
	"bnez t0, 1b" : : "r"(n) : "t0")
/* What HX_ROI_BEGIN("abc") would be, less "ab". */
#define BEGIN_CUT() __asm__ __volatile__("slti x0, x0, 99\n"		\
	"slti x0, x0, 1027")
#else
/* Elsewhere, loops in C, so that the program runs natively too. */
#define SPIN(n) spin(n)
#define SPIN_VAR(n) spin(n)
#define BEGIN_CUT() ((void)0)

static void
spin(long n)
{
	volatile long i;

	for (i = 0; i < n; i++)
		continue;
}
#endif

static void __attribute__((noinline))
called(void)
{
	HX_ROI_BEGIN("called");
	SPIN(10);
	HX_ROI_END();
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0, i;

	if (strcmp(mode, "spin") == 0) {
		HX_ROI_BEGIN("spin");
		SPIN_VAR(n);
		HX_ROI_END();
	} else if (strcmp(mode, "nested") == 0) {
		HX_ROI_BEGIN("outer");
		SPIN(100);
		for (i = 0; i < n; i++) {
			HX_ROI_BEGIN("inner");
			SPIN(50);
			HX_ROI_END();
		}
		SPIN(10);
		HX_ROI_END();
	} else if (strcmp(mode, "called") == 0) {
		called();
		SPIN(3);
		called();
	} else if (strcmp(mode, "pairs") == 0) {
		for (i = 0; i < n; i++) {
			HX_ROI_BEGIN("p");
			SPIN(1);
			HX_ROI_END();
		}
	} else if (strcmp(mode, "end") == 0)
		HX_ROI_END();
	else if (strcmp(mode, "open") == 0)
		HX_ROI_BEGIN("left_open");
	else if (strcmp(mode, "cut") == 0) {
		BEGIN_CUT();
		HX_ROI_END();
	} else
		return 2;
	return 0;
}
