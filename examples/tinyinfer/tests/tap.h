/* A few lines of TAP for the tinyinfer tests. */
#ifndef TINYINFER_TAP_H
#define TINYINFER_TAP_H

#include <stdio.h>

static int tap_count, tap_failed;

#define ok(cond, ...) do {						\
	tap_count++;							\
	if (!(cond))							\
		tap_failed++;						\
	printf("%sok %d - ", (cond) ? "" : "not ", tap_count);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

#define tap_done() (printf("1..%d\n", tap_count), tap_failed != 0)

#endif
