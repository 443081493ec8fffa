/*
 * recfilter: the smallest program on the shared record loop, for the tests
 * and bench/passthrough.  Types named with -c are parsed with jansson and
 * written again compact with sorted keys; every other line passes through.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "rec/hx_rec.h"

static int
reemit(struct hx_record *rec, void *arg)
{
	json_t *value = hx_rec_json(rec);

	(void)arg;
	if (value != NULL)
		hx_rec_emit(value);
	return 0;
}

int
main(int argc, char **argv)
{
	const char **consume = hx_xcalloc((size_t)argc + 1, sizeof(*consume));
	struct hx_rec_loop loop = { .warn = hx_err_warn };
	struct hx_err_info err;
	int c, n = 0;

	hx_rec_init(argv[0]);
	while ((c = getopt(argc, argv, "ac:hk")) != -1) {
		switch (c) {
		case 'a':
			loop.consume_all = true;
			break;
		case 'c':
			consume[n++] = optarg;
			break;
		case 'h':
			printf("Usage: recfilter [-ahk] [-c TYPE]... [FILE]...\n");
			return HX_EXIT_OK;
		case 'k':
			loop.keep_going = true;
			break;
		default:
			hx_usage_error("bad option");
		}
	}
	argc -= optind;
	argv += optind;
	loop.consume = consume;
	loop.fn = reemit;
	hx_rec_loop_run(&loop, argc, argv);
	if (hx_rec_finish(&loop, &err) < 0)
		hx_err_exit(&err);
	free(consume);
	return HX_EXIT_OK;
}
