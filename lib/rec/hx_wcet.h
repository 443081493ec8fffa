/*
 * hx_wcet: the wcet record, the timing analysis of one group of samples
 * (hx-records(5)), as hx-wcet writes it and hx-gate judges it.
 */
#ifndef HX_WCET_H
#define HX_WCET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rec/hx_field.h"

enum hx_wcet_method {
	HX_WCET_GEV,		/* block maxima */
	HX_WCET_GPD,		/* peaks over threshold */
	HX_WCET_DETERMINISTIC,	/* all samples equal */
	HX_WCET_NONE,		/* no fit; see message */
};

enum hx_wcet_estimator {
	HX_WCET_NO_ESTIMATOR,	/* left out: no fit */
	HX_WCET_MLE,
	HX_WCET_PWM,		/* no standard errors */
};

/* The drift class of a group against its baseline. */
enum hx_wcet_class {
	HX_WCET_OK,
	HX_WCET_DRIFT,
	HX_WCET_REGRESSION,
	HX_WCET_INSUFFICIENT,	/* too few samples for the rank test */
};

/* Numbers are NAN where the record has null: not computed. */
struct hx_wcet_iid {
	bool present;
	double ljung_box, ljung_box_p;
	int64_t lags;
	double ks, ks_p;
	double runs_z, runs_p;
	bool passed;
};

/* Fitted parameters, or their standard errors; loc is mu or u. */
struct hx_wcet_params {
	bool present;
	double loc, sigma, xi;
};

struct hx_wcet_gof {
	bool present;
	double ad, ad_p, ks, ks_p;
	bool passed;
};

/* One pWCET estimate: exceeded with probability p per run. */
struct hx_wcet_level {
	double p, value, lo, hi;
};

struct hx_wcet_baseline {
	bool present;
	double shift, lo, hi, p, p_adjusted;
	double abs_shift;		/* in the unit; NAN: left out */
	int64_t n;			/* the baseline's samples */
	int64_t min_n;			/* the rank test's minimum; 0: none */
	bool exact;			/* method exact, else rank */
	enum hx_wcet_class class;
};

/*
 * A wcet record.  Strings are borrowed: from the JSON value
 * hx_wcet_read read, or from the caller that fills the struct to write
 * it.  The writer writes numbers as they are: round them first.
 */
struct hx_wcet {
	const char *name;
	const char *unit;		/* a sample unit, or "value" */
	struct hx_field_pair *labels;	/* the group's labels; NULL: none */
	size_t nlabels;
	int64_t n;
	double min, mean, median, p99, max, cv;
	struct hx_wcet_iid iid;
	enum hx_wcet_method method;
	enum hx_wcet_estimator estimator;
	int64_t block;			/* gev; 0: none */
	int64_t exceedances;		/* gpd; 0: none */
	struct hx_wcet_params params;
	struct hx_wcet_params se;
	bool has_loglik;
	double loglik;
	struct hx_wcet_gof gof;
	double confidence;		/* NAN: left out */
	struct hx_wcet_level *pwcet;	/* NULL: left out */
	size_t npwcet;
	struct hx_wcet_baseline baseline;
	bool insufficient;		/* too few samples for any pWCET */
	const char *message;		/* or NULL */
};

/* The NULL-terminated method names, in the order of their enum. */
extern const char *const hx_wcet_method_names[];

/* Set W to an empty record: method none, every optional part left out. */
void hx_wcet_init(struct hx_wcet *w);

/*
 * Read and check the wcet record JSON into *OUT.  Returns 0, or -1 with
 * *MESSAGE (to free) naming the field, as "wcet pwcet[1].p is not a
 * number".
 */
int hx_wcet_read(const json_t *json, struct hx_wcet *out, char **message);

/* The record of W, a new reference. */
json_t *hx_wcet_to_json(const struct hx_wcet *w);

/*
 * Free what hx_wcet_read allocated (the pwcet and labels arrays) and
 * empty W.
 */
void hx_wcet_clear(struct hx_wcet *w);

/*
 * The pWCET of W at probability P (within a relative 1e-9): the
 * interval's upper end with HI, else the estimate; a deterministic
 * group's is its maximum.  Returns 0, or -1 when W has none.
 */
int hx_wcet_pwcet_at(const struct hx_wcet *w, double p, bool hi,
    double *value);

/* The value of W's label NAME, or NULL. */
const char *hx_wcet_label(const struct hx_wcet *w, const char *name);

/*
 * Whether A and B have the same labels, each with the same value: with
 * the same name and unit, the same group.
 */
bool hx_wcet_same_labels(const struct hx_wcet *a, const struct hx_wcet *b);

/*
 * The summary statistic NAME of W: min, mean, median, p99, max or cv.
 * Returns 0, or -1 when NAME is none of them or W's value is null.
 */
int hx_wcet_stat(const struct hx_wcet *w, const char *name, double *value);

#endif
