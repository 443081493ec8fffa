/*
 * hx_stages: the stage records of a set of traces.  The parts of every
 * trace (hx_correlate.h says what stage a span is in and what time a
 * part counts) are gathered per stage and profile into one stage record
 * each (rec/hx_stage), in ns.
 */
#ifndef HX_STAGES_H
#define HX_STAGES_H

#include <stddef.h>

#include "rec/hx_stage.h"
#include "trace/hx_correlate.h"

/*
 * The stage records of TRACES[0 .. NTRACES - 1], sorted by stage, then
 * profile (none first): *OUT, an array of *NOUT to free with
 * hx_stages_free.  A part with a profile gets the label profile.  Strings
 * are borrowed from the spans of the traces.
 */
void hx_stages_collect(const struct hx_correlate_trace *traces,
    size_t ntraces, struct hx_stage_record **out, size_t *nout);

void hx_stages_free(struct hx_stage_record *stages, size_t n);

#endif
