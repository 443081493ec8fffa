/*
 * hx_progress: the one updating progress line of a program on a
 * terminal, and with verbose, one line per step.
 *
 * A program counts steps (a test run, a build command, a job) as it
 * learns of them, and marks each started and done, from any thread.  On a
 * terminal the line "hx-emu: 12/50 done, 4 running, 1 failed, ETA 31s" is
 * redrawn in place; when the descriptor is not a terminal nothing is
 * written but the verbose lines.  Writes go only to the descriptor the
 * program hands in: the program decides where, or whether, they appear.
 */
#ifndef HX_PROGRESS_H
#define HX_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct hx_progress;

/*
 * Progress of PROGNAME on FD: the updating line when FD is a terminal,
 * a line per step with VERBOSE.  Never NULL; every function below also
 * takes NULL and then does nothing.
 */
struct hx_progress *hx_progress_new(const char *progname, int fd,
    bool verbose);

/* N more steps are to come; the total stays open until hx_progress_close. */
void hx_progress_add(struct hx_progress *p, size_t n);

/* No more steps will be added: the total is known and an ETA is shown. */
void hx_progress_close(struct hx_progress *p);

/* A step called WHAT starts. */
void hx_progress_start(struct hx_progress *p, const char *what);

/* With verbose: the step WHAT is now in STATE, counting nothing. */
void hx_progress_note(struct hx_progress *p, const char *what,
    const char *state);

/* The step WHAT is done; FAILED counts it as a failure. */
void hx_progress_done(struct hx_progress *p, const char *what, bool failed);

/* Remove the line from the terminal and free P. */
void hx_progress_free(struct hx_progress *p);

#endif
