/*
 * hx_spanorder: the orders the exporters put spans in: pointers to the
 * spans of a set, sorted, and the comparisons they are sorted by.
 */
#ifndef HX_SPANORDER_H
#define HX_SPANORDER_H

#include "trace/hx_spanset.h"

/* strcmp(3) for strings that may be NULL, which comes first. */
int hx_spanorder_strcmp(const char *a, const char *b);

/* Order A and B by process (resource): service, then host. */
int hx_spanorder_process(const struct hx_span *a, const struct hx_span *b);

/* A hash of the process of S (FNV-1a over service, a NUL and host). */
size_t hx_spanorder_process_hash(const struct hx_span *s);

/*
 * Pointers to the spans of SET sorted by COMPARE (a qsort(3) function on
 * const struct hx_span *const *), in a NULL-padded array to free.
 */
const struct hx_span **hx_spanorder_sort(const struct hx_spanset *set,
    int (*compare)(const void *, const void *));

/*
 * Pointers to the spans of SET grouped by process, the processes in
 * the order of hx_spanorder_process and the spans of each in the order
 * of SET, in a NULL-padded array to free, in time linear in the spans.
 * *STARTS (to free) is set to where each of the *NPROCESSES processes
 * starts in it, and to the number of spans after the last.
 */
const struct hx_span **hx_spanorder_by_process(const struct hx_spanset *set,
    size_t **starts, size_t *nprocesses);

#endif
