/*
 * hx/roi.h: regions of interest, counted exactly by hx-emu --count.
 *
 * Mark a region of a program, a layer or a kernel, and hx-emu(1) reports
 * the guest instructions it executed as a sample of its own, named
 * PROGRAM:REGION, beside the count of the whole program:
 *
 *	#include <hx/roi.h>
 *
 *	HX_ROI_BEGIN("conv1d");
 *	conv1d(in, out);
 *	HX_ROI_END();
 *
 * A name is a string literal of 1 to 64 characters from A-Z, a-z, 0-9
 * and _; any other fails to assemble.  Regions nest (an END closes the
 * region begun last) and repeat: the instructions of every entry are
 * summed, and the entries counted.  A region's count holds every
 * instruction executed after its BEGIN and before its END, those of
 * regions nested in it too, but no marker instruction.
 *
 * On RISC-V the markers are HINT instructions, which every RISC-V core
 * executes as no-ops: "slti x0, x0, IMM" (the base ISA designates SLTI
 * with rd x0 for custom use).  BEGIN is one instruction per character of
 * the name, with the character's ASCII code as IMM, then one with IMM
 * 1024 plus the name's length; END is one with IMM 1023.  The QEMU plugin
 * of hx-emu finds them when it translates code; real hardware runs them
 * at the cost of 2 + length instructions per BEGIN/END pair, which the
 * program's own count includes.  The markers are also compiler barriers
 * for memory ("memory" clobber), so that a region holds the work written
 * inside it.
 *
 * Elsewhere (another architecture, or HX_ROI_DISABLE defined) the macros
 * expand to no code, and the same source builds and runs as before.
 * This header stands alone: copy it into a project that must build
 * without hx installed.
 */
#ifndef HX_ROI_H
#define HX_ROI_H

#if defined(__riscv) && !defined(HX_ROI_DISABLE)

/*
 * The assembler, in .irpc over the name's characters (\c): set .Lhx_roi_v
 * to the ASCII code of \c when it is one of LETTERS, whose codes follow
 * on from FIRST.  Both GNU as and LLVM's assembler read it; a character
 * constant ('\c) would not do, as GNU as reads it before .irpc expands.
 */
#define HX_ROI_LETTERS_(first, letters)				\
	".set .Lhx_roi_i, " #first "\n"					\
	".irpc d, " letters "\n"					\
	".ifc \\c,\\d\n"						\
	".set .Lhx_roi_v, .Lhx_roi_i\n"					\
	".endif\n"							\
	".set .Lhx_roi_i, .Lhx_roi_i + 1\n"				\
	".endr\n"

#define HX_ROI_BEGIN(name) __asm__ __volatile__(			\
	".if %0 < 1 || %0 > 64\n"					\
	".error \"hx/roi.h: a region name has 1 to 64 characters\"\n"	\
	".endif\n"							\
	".set .Lhx_roi_n, 0\n"						\
	".irpc c, " name "\n"						\
	".set .Lhx_roi_v, 0\n"						\
	HX_ROI_LETTERS_(48, "0123456789")				\
	HX_ROI_LETTERS_(65, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")		\
	HX_ROI_LETTERS_(97, "abcdefghijklmnopqrstuvwxyz")		\
	".ifc \\c,_\n"							\
	".set .Lhx_roi_v, 95\n"						\
	".endif\n"							\
	".if .Lhx_roi_v\n"						\
	"slti x0, x0, .Lhx_roi_v\n"					\
	".set .Lhx_roi_n, .Lhx_roi_n + 1\n"				\
	".endif\n"							\
	".endr\n"							\
	".if .Lhx_roi_n != %0\n"					\
	".error \"hx/roi.h: a region name is made of A-Z a-z 0-9 _\"\n"	\
	".endif\n"							\
	"slti x0, x0, 1024 + %0\n" : : "n"(sizeof(name) - 1) : "memory")

#define HX_ROI_END() __asm__ __volatile__("slti x0, x0, 1023" ::: "memory")

#else

/* No code; a name that is not a string literal still fails to compile. */
#define HX_ROI_BEGIN(name) ((void)sizeof(name ""))
#define HX_ROI_END() ((void)0)

#endif

#endif
