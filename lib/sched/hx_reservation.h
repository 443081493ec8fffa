/*
 * hx_reservation: reservation windows per team (hx-reservations(5)).
 * During its window a reservation keeps its nodes, named or selected by
 * label, for its team: jobs of other teams may not overlap it there.
 * A reservation whose end has passed has expired and is ignored.
 */
#ifndef HX_RESERVATION_H
#define HX_RESERVATION_H

#include <stdbool.h>
#include <stdint.h>

#include "rec/hx_node.h"
#include "sched/hx_objects.h"
#include "sched/hx_selector.h"

struct hx_reservation {
	const char *name;		/* or NULL */
	const char *team;
	int64_t start_ns, end_ns;	/* [start, end) */
	const char **nodes;		/* NULL-terminated, or NULL */
	struct hx_selector *selector;	/* all must match */
	size_t nselector;
	unsigned long line;		/* in the file, from 1 */
};

struct hx_reservation_list {
	struct hx_reservation *items;
	size_t n;
	struct hx_objects objects;	/* what the strings point into */
};

/*
 * Parse the reservation file of LEN bytes at BUF into *OUT.  Returns 0,
 * or -1 with *MESSAGE (to free) as "4: reservation end is before
 * start".
 */
int hx_reservation_parse(const char *buf, size_t len,
    struct hx_reservation_list *out, char **message);

/* Whether R covers node N (by name or by its selector). */
bool hx_reservation_covers(const struct hx_reservation *r,
    const struct hx_node *n);

/*
 * Parse an RFC 3339 time ("2026-12-01T22:00:00Z", with optional
 * fraction and a Z or +HH:MM offset) into nanoseconds since the epoch.
 * Returns 0, or -1 when S is not one.
 */
int hx_reservation_time(const char *s, int64_t *ns);

void hx_reservation_list_clear(struct hx_reservation_list *list);

#endif
