/*
 * tinyinfer: a small int8 inference library.
 *
 * Tensors are int8 with a per-tensor scale; layers accumulate in int32 and
 * requantise with a fixed-point multiplier and shift, as integer-only
 * inference engines for microcontrollers and RISC-V cores do.
 */
#ifndef TINYINFER_H
#define TINYINFER_H

#include <stddef.h>
#include <stdint.h>

/* A real multiplier M in (0, 1) as M = multiplier * 2^-31 * 2^-shift. */
struct ti_requant {
	int32_t multiplier;	/* Q31, in [2^30, 2^31) */
	int shift;		/* right shift after the Q31 product, >= 0 */
	int32_t zero_point;	/* added to the result */
};

/* Turn a real scale (0 < scale < 1) into a fixed-point requantiser. */
struct ti_requant ti_requant_from_scale(double scale, int32_t zero_point);

/* Rounding right shift: round half away from zero. */
int32_t ti_rounding_shift(int64_t value, int shift);

/* Requantise one int32 accumulator to int8, saturating. */
int8_t ti_requantize(int32_t acc, const struct ti_requant *rq);

/* Quantise a real value with SCALE and zero point 0, saturating. */
int8_t ti_quantize(double value, double scale);

/*
 * A fully connected layer: out[o] = requant(bias[o] + sum_i w[o][i] * in[i]),
 * W row-major with NOUT rows of NIN weights.  RELU clamps at zero.
 */
void ti_dense(const int8_t *in, size_t nin, const int8_t *w,
    const int32_t *bias, size_t nout, const struct ti_requant *rq, int relu,
    int8_t *out);

/*
 * A 1-D convolution, "valid" padding, stride 1: NIN input samples, a kernel
 * of KLEN taps, NIN - KLEN + 1 outputs.
 */
void ti_conv1d(const int8_t *in, size_t nin, const int8_t *kernel,
    size_t klen, int32_t bias, const struct ti_requant *rq, int8_t *out);

/* The index of the largest value (the first one on ties). */
size_t ti_argmax(const int8_t *v, size_t n);

/* The built-in 16-32-4 MLP classifier (weights in src/weights.h). */
#define TI_MLP_IN 16
#define TI_MLP_HIDDEN 32
#define TI_MLP_OUT 4

/* Run the MLP on IN; fills LOGITS and returns the predicted class. */
size_t ti_mlp_classify(const int8_t in[TI_MLP_IN], int8_t logits[TI_MLP_OUT]);

/* A deterministic pseudo-random int8 input for sample number SEED. */
void ti_sample_input(uint32_t seed, int8_t in[TI_MLP_IN]);

#endif
