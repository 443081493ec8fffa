/*
 * hx_err: diagnostics and exit statuses.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_opt.h"

static const char *progname = "hx";

void
hx_err_set_progname(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash != NULL ? slash + 1 : argv0;
}

const char *
hx_err_progname(void)
{
	return progname;
}

int
hx_err_set(struct hx_err_info *info, int status, const char *fmt, ...)
{
	va_list ap;

	info->status = status;
	va_start(ap, fmt);
	vsnprintf(info->message, sizeof(info->message), fmt, ap);
	va_end(ap);
	return -1;
}

int
hx_err_set_errno(struct hx_err_info *info, int status, const char *fmt, ...)
{
	int saved = errno;
	size_t len;
	va_list ap;

	info->status = status;
	va_start(ap, fmt);
	vsnprintf(info->message, sizeof(info->message), fmt, ap);
	va_end(ap);
	len = strlen(info->message);
	snprintf(info->message + len, sizeof(info->message) - len, ": %s",
	    strerror(saved));
	errno = saved;
	return -1;
}

void
hx_err_warn(const struct hx_err_info *info)
{
	if (info->message[0] != '\0')
		hx_warn("%s", info->message);
}

void
hx_err_exit(const struct hx_err_info *info)
{
	hx_err_warn(info);
	exit(info->status);
}

void
hx_vwarn(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
hx_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hx_vwarn(fmt, ap);
	va_end(ap);
}

static void vwarn_errno(const char *, va_list) HX_PRINTF(1, 0);

/* Print the message with strerror of the errno seen on entry. */
static void
vwarn_errno(const char *fmt, va_list ap)
{
	int saved = errno;

	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s\n", strerror(saved));
}

void
hx_warn_errno(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_errno(fmt, ap);
	va_end(ap);
}

void
hx_err(int eval, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hx_vwarn(fmt, ap);
	va_end(ap);
	exit(eval);
}

void
hx_err_errno(int eval, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_errno(fmt, ap);
	va_end(ap);
	exit(eval);
}

void
hx_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hx_vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	exit(HX_EXIT_USAGE);
}

uint64_t
hx_usage_uint(const char *arg, const char *name, uint64_t min, uint64_t max)
{
	struct hx_err_info err;
	uint64_t v;

	if (hx_opt_uint(arg, name, min, max, &v, &err) < 0)
		hx_usage_error("%s", err.message);
	return v;
}

void
hx_err_close_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	if (errno == EPIPE)
		exit(HX_EXIT_OK);
	hx_err_errno(HX_EXIT_SYSTEM, "stdout: write error");
}

/*
 * Say so with one write(2) and end the process at once, since exit(3)
 * from two threads at once is undefined.
 */
void
hx_err_out_of_memory(void)
{
	char buf[128];
	int n;

	n = snprintf(buf, sizeof(buf), "%s: out of memory\n", progname);
	if (n > 0)
		(void)!write(STDERR_FILENO, buf, (size_t)n);
	_exit(HX_EXIT_SYSTEM);
}

void *
hx_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		hx_err_out_of_memory();
	return p;
}

void *
hx_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (p == NULL)
		hx_err_out_of_memory();
	return p;
}

void *
hx_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		hx_err_out_of_memory();
	return p;
}

void *
hx_xgrow(void *ptr, size_t n, size_t size)
{
	if (n != 0 && (n & (n - 1)) != 0)
		return ptr;
	if (n > SIZE_MAX / 2 / size)
		hx_err_out_of_memory();
	return hx_xrealloc(ptr, (n != 0 ? 2 * n : 1) * size);
}

char *
hx_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		hx_err_out_of_memory();
	return p;
}

char *
hx_xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		hx_err_out_of_memory();
	return s;
}

char *
hx_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = hx_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}
