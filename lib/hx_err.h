/*
 * hx_err: the program name, exit statuses and diagnostics shared by every
 * hx program.  Messages go to stderr as "hx-X: message", lowercase, with no
 * full stop, in the style of err(3).
 */
#ifndef HX_ERR_H
#define HX_ERR_H

#include <stdarg.h>

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
 * Flush stdio's stdout before exit: a closed pipe ends quietly with status
 * 0, any other write error with status 4.
 */
void hx_err_close_stdout(void);

/* Memory that cannot be had ends the program with status 4. */
void *hx_xmalloc(size_t size);
void *hx_xcalloc(size_t count, size_t size);
void *hx_xrealloc(void *ptr, size_t size);
char *hx_xstrdup(const char *s);
char *hx_xasprintf(const char *fmt, ...) HX_PRINTF(1, 2);

#endif
