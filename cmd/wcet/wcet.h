/*
 * wcet.h: what the two files of hx-wcet share: hx-wcet.c reads options and
 * input into groups, analyse.c turns each group into a wcet record and
 * draws the plot.
 */
#ifndef WCET_H
#define WCET_H

#include "gate/hx_policy.h"
#include <stdbool.h>
#include <stddef.h>

#include "stats/hx_drift.h"
#include "stats/hx_evt.h"
#include "rec/hx_wcet.h"
#include "stats/hx_stats.h"

enum wcet_method {
	WCET_AUTO,
	WCET_GEV,
	WCET_GPD,
};

struct wcet_opts {
	enum wcet_method method;
	size_t block;		/* -b; 0: the default rule */
	double peak_threshold;	/* -u; NAN: the default rule */
	double *probs;		/* -p */
	size_t nprobs;
	double threshold;	/* --threshold: relative shift */
	double alpha;		/* --alpha */
	double confidence;	/* of every interval */
	double budget;		/* --budget; NAN: none */
	const char *budget_unit;	/* its base unit, or NULL: the group's */
	const struct hx_policy *policy;	/* --policy: budgets, or NULL */
	bool force;		/* fit even when the i.i.d. checks fail */
};

/* A growing array of measurements. */
struct wcet_values {
	double *v;
	size_t n, cap;
};

struct wcet_group {
	char *name, *unit;
	struct hx_field_pair *labels;	/* those of --group-by; owned */
	size_t nlabels;
	struct hx_stats stats;
	struct wcet_values values;	/* in order of measurement */
	struct wcet_values base;	/* from --baseline */
	struct hx_wcet record;		/* the wcet record being built */
	char *message;			/* its message, or NULL */
	bool fitted;
	struct hx_evt_fit fit;
	struct hx_drift drift;
	bool compared;
};

/* The fewest samples for a GPD fit with the default threshold. */
#define WCET_MIN_GPD 100

void wcet_values_add(struct wcet_values *a, double x);

/* Whether G's unit counts exactly (instructions), so equal is exact. */
bool wcet_exact_unit(const struct wcet_group *g);

/* Build G->record from G's values: summary, checks, fit, pWCET. */
void wcet_analyse(struct wcet_group *g, const struct wcet_opts *o);

/* Write G's wcet record. */
void wcet_emit(const struct wcet_group *g);

void wcet_group_free(struct wcet_group *g);

/* Compare the N groups with their baselines and add the classes. */
void wcet_compare(struct wcet_group *groups, size_t n,
    const struct wcet_opts *o);

/* Draw the exceedance plot of the N groups to PATH; -1 with errno. */
int wcet_plot(const char *path, struct wcet_group *groups, size_t n,
    const struct wcet_opts *o);

#endif
