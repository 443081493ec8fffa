/*
 * hx_err: the program name, exit statuses and diagnostics shared by every
 * hx program.  Messages go to stderr as "hx-X: message", lowercase, with no
 * full stop, in the style of err(3).
 */
#ifndef HX_ERR_H
#define HX_ERR_H

#include <stdarg.h>
#include <stdint.h>

/* Exit statuses, the same for every program (see hx(7)). */
enum hx_exit {
	HX_EXIT_OK = 0,		/* success */
	HX_EXIT_VERDICT = 1,	/* a negative verdict: a test failed, a gate rejected */
	HX_EXIT_USAGE = 2,	/* bad command line */
	HX_EXIT_INPUT = 3,	/* malformed input */
	HX_EXIT_SYSTEM = 4,	/* system or dependency failure */
};

#define HX_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define HX_NORETURN __attribute__((noreturn))

/*
 * An error as library code returns it: the exit status it calls for
 * (HX_EXIT_INPUT for bad input, HX_EXIT_SYSTEM for a system or dependency
 * failure, HX_EXIT_OK for a closed downstream pipe, which ends a program
 * quietly) and the message, without the program name.  Library code fills
 * one and returns; only cmd/ prints it and exits, with hx_err_exit.
 */
#define HX_ERR_MESSAGE_MAX 1024
struct hx_err_info {
	int status;
	char message[HX_ERR_MESSAGE_MAX];
};

/* Fill INFO with STATUS and the message; returns -1 for the caller. */
int hx_err_set(struct hx_err_info *info, int status, const char *fmt, ...)
    HX_PRINTF(3, 4);
/* As hx_err_set, with ": strerror(errno)" appended. */
int hx_err_set_errno(struct hx_err_info *info, int status, const char *fmt,
    ...) HX_PRINTF(3, 4);
/* Print INFO's message, if any, as "prog: message" and exit with its status. */
void hx_err_exit(const struct hx_err_info *info) HX_NORETURN;
/* Print INFO's message, if any, as "prog: message" and go on. */
void hx_err_warn(const struct hx_err_info *info);

/* Set the name diagnostics start with, from argv[0] without its directory. */
void hx_err_set_progname(const char *argv0);
const char *hx_err_progname(void);

/* Print "prog: message" and exit with status eval. */
void hx_err(int eval, const char *fmt, ...) HX_PRINTF(2, 3) HX_NORETURN;
/* As hx_err, with ": strerror(errno)" appended. */
void hx_err_errno(int eval, const char *fmt, ...) HX_PRINTF(2, 3) HX_NORETURN;
/* Print "prog: message" and go on. */
void hx_warn(const char *fmt, ...) HX_PRINTF(1, 2);
void hx_warn_errno(const char *fmt, ...) HX_PRINTF(1, 2);
void hx_vwarn(const char *fmt, va_list ap) HX_PRINTF(1, 0);

/* Print "prog: message" and the pointer to --help, and exit 2. */
void hx_usage_error(const char *fmt, ...) HX_PRINTF(1, 2) HX_NORETURN;
/*
 * ARG, the value of option NAME, as a whole number from MIN to MAX
 * (hx_opt_uint), or a usage error.
 */
uint64_t hx_usage_uint(const char *arg, const char *name, uint64_t min,
    uint64_t max);

/*
 * Flush stdio's stdout before exit: a closed pipe ends quietly with status
 * 0, any other write error with status 4.
 */
void hx_err_close_stdout(void);

/*
 * Memory that cannot be had ends the program with status 4, from any
 * thread: the one condition library code does not return from, as with
 * util-linux's xalloc.
 */
void *hx_xmalloc(size_t size);
/*
 * The same end for a library that failed to allocate inside (jansson,
 * libcrypto): "prog: out of memory" and status 4 at once.
 */
void hx_err_out_of_memory(void) HX_NORETURN;
void *hx_xcalloc(size_t count, size_t size);
void *hx_xrealloc(void *ptr, size_t size);
/*
 * Room for item N of SIZE bytes in the array PTR, which holds N (every
 * item of an array grown only this way): doubled when N is 0 or a power
 * of two, so that appending N items costs O(N).
 */
void *hx_xgrow(void *ptr, size_t n, size_t size);
char *hx_xstrdup(const char *s);
char *hx_xasprintf(const char *fmt, ...) HX_PRINTF(1, 2);
char *hx_xvasprintf(const char *fmt, va_list ap) HX_PRINTF(1, 0);

#endif
