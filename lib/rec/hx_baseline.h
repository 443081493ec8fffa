/*
 * hx_baseline: the one baseline store.  The timing records (samples,
 * wcet records and stage records) of an earlier run, kept as a git note
 * on the commit that produced them (under HX_GIT_NOTES_REF) or in a
 * file; hx-wcet compares its groups with the samples, hx-gate's rules
 * with the wcet and stage records.
 */
#ifndef HX_BASELINE_H
#define HX_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "hx_json.h"
#include "rec/hx_sample.h"
#include "rec/hx_stage.h"
#include "rec/hx_wcet.h"

struct hx_baseline {
	char *source;		/* "git:COMMIT" or the file name */
	json_t *records;	/* an array of the baseline's records */
	struct hx_wcet *wcets;	/* its wcet records, read from records */
	size_t nwcets;
	struct hx_sample *samples;	/* its sample records */
	size_t nsamples;
	struct hx_stage_record *stages;	/* its stage records */
	size_t nstages;
	char *text;		/* the records as read, or NULL */
	size_t len;
	char *missing;		/* why there is none, when there is none */
};

/*
 * Load the baseline SPEC names: "git" (the note of the merge base of HEAD
 * and the target branch), "git:REV" (the note of REV) or a file of
 * records.  A note that is not there is not an error: *B gets no records
 * and a reason in missing.  Returns 0; -1 when the baseline is malformed
 * (a line, or a sample, wcet or stage record hx-records(5) refuses), with
 * "WHERE:LINE: what is wrong" in ERR; or -2 when the file cannot be read
 * (missing, a directory), with errno set and "FILE: why" in ERR, or the
 * note is there but cannot be read (errno EIO, "git: ...: why" in ERR).
 */
int hx_baseline_load(const char *spec, const char *target_branch,
    struct hx_baseline *b, char *err, size_t errlen);

/*
 * Store TEXT (records, one a line) as the note of HEAD in the repository
 * around the current directory, compressed: a first line "hx-baseline
 * gzip base64", then the base64 of the gzip of TEXT (hx-records(5),
 * FILES).  Notes without that line are read as plain records.  The
 * working tree and the index are not touched.  Returns 0 with the
 * commit in COMMIT, or -1 with ERR filled in.
 */
int hx_baseline_record(const char *text, char commit[41], char *err,
    size_t errlen);

void hx_baseline_free(struct hx_baseline *b);

/*
 * The git notes ref of the baselines: HX_BASELINE_REF, or
 * refs/notes/hx-baseline, so that runs of different kinds (the PR path,
 * the nightly run) keep baselines of their own.
 */
const char *hx_baseline_ref(void);

#endif
