/*
 * unit-opt: hx_opt_uint takes decimal digits in range only, with the
 * message every program gives; hx_strv_sh_join quotes words for sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hx_opt.h"
#include "hx_strv.h"
#include "../tap.h"

/* ARG from MIN to MAX is refused with the message WANT. */
static void
refused(const char *arg, uint64_t min, uint64_t max, const char *want)
{
	struct hx_err_info err;
	uint64_t v = 7;

	tap_ok(hx_opt_uint(arg, "--n", min, max, &v, &err) == -1 &&
	    err.status == HX_EXIT_USAGE && v == 7, "\"%s\" is refused", arg);
	tap_is(err.message, want, "  with its message");
}

/* ARG from MIN to MAX is WANT. */
static void
taken(const char *arg, uint64_t min, uint64_t max, uint64_t want)
{
	struct hx_err_info err;
	uint64_t v = 0;

	tap_ok(hx_opt_uint(arg, "--n", min, max, &v, &err) == 0 && v == want,
	    "\"%s\" is %llu", arg, (unsigned long long)want);
}

int
main(void)
{
	const char *argv[] = { "printf", "%s\n", "a b", "it's", "$HOME", "",
		NULL };
	char *line;

	taken("0", 0, 10, 0);
	taken("10", 0, 10, 10);
	taken("007", 1, 10, 7);
	taken("18446744073709551615", 0, UINT64_MAX, UINT64_MAX);
	refused("11", 0, 10, "--n: not a whole number from 0 to 10: 11");
	refused("0", 1, 10, "--n: not a whole number from 1 to 10: 0");
	refused("-1", 0, UINT64_MAX, "--n: not a whole number from 0: -1");
	refused("+1", 0, 10, "--n: not a whole number from 0 to 10: +1");
	refused(" 1", 0, 10, "--n: not a whole number from 0 to 10:  1");
	refused("1 ", 0, 10, "--n: not a whole number from 0 to 10: 1 ");
	refused("", 0, 10, "--n: not a whole number from 0 to 10: ");
	refused("1.5", 0, 10, "--n: not a whole number from 0 to 10: 1.5");
	refused("0x10", 0, 100, "--n: not a whole number from 0 to 100: 0x10");
	refused("18446744073709551616", 0, UINT64_MAX,
	    "--n: not a whole number from 0: 18446744073709551616");
	line = hx_strv_sh_join(argv);
	tap_is(line, "'printf' '%s\n' 'a b' 'it'\\''s' '$HOME' ''",
	    "sh_join quotes each word, ' as '\\''");
	free(line);
	return tap_done();
}
