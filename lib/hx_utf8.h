/*
 * hx_utf8: UTF-8 validation.
 */
#ifndef HX_UTF8_H
#define HX_UTF8_H

#include <stddef.h>

/*
 * The length of the UTF-8 sequence starting at P (a byte >= 0x80), or 0
 * when it is not valid UTF-8 (overlong, a surrogate, past U+10FFFF, cut).
 */
size_t hx_utf8_length(const unsigned char *p, const unsigned char *end);

#endif
