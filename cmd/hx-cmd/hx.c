/*
 * hx: run the hx tools by their short names, check the machine with
 * `hx doctor', or work at a readline prompt.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hx_err.h"
#include "hx_spawn.h"
#include "rec/hx_rec.h"

#include "hx.h"

const struct tool tools[] = {
	{ "build", "cross-compile for riscv64 with a pinned toolchain" },
	{ "emu", "run tests under QEMU user mode with instruction counts" },
	{ "offload", "serve the tensor-offload protocol: the GPU service and its stub" },
	{ "sched", "place hardware-in-the-loop jobs on labelled nodes" },
	{ "trace", "record spans and counters; export OTLP, Perfetto, Prometheus" },
	{ "wcet", "probabilistic WCET with extreme value theory" },
	{ "gate", "apply a release policy; write reports and proof bundles" },
};

const size_t ntools = sizeof(tools) / sizeof(tools[0]);

/*
 * Find hx-NAME: beside this program, then in the installed libexec and bin
 * directories, then in PATH.  Returns a new string or NULL.
 */
char *
find_tool(const char *name)
{
	char *program = hx_xasprintf("hx-%s", name);
	char *dir = hx_spawn_self_dir(), *path;

	if ((path = hx_spawn_executable_in(dir, program)) == NULL &&
	    (path = hx_spawn_executable_in(HX_LIBEXECDIR, program)) == NULL &&
	    (path = hx_spawn_executable_in(HX_BINDIR, program)) == NULL)
		path = hx_spawn_which(program);
	free(dir);
	free(program);
	return path;
}

void
usage(void)
{
	char *path;
	size_t i;

	printf("Usage: hx [-hV] TOOL [ARG]...\n"
	    "       hx doctor [-hq]\n"
	    "       hx init [-fh] [-t target] [DIR]\n"
	    "       hx -f SCRIPT\n"
	    "       hx\n"
	    "Run the hx tool TOOL (the program hx-TOOL) with ARGs, check this\n"
	    "machine with doctor, start using hx in a project with init, or,\n"
	    "with no arguments on a terminal, open a prompt that runs tools.\n"
	    "\n"
	    "Tools:\n");
	for (i = 0; i < ntools; i++) {
		path = find_tool(tools[i].name);
		printf("  %-8s %s%s\n", tools[i].name, tools[i].summary,
		    path == NULL ? " (not installed)" : "");
		free(path);
	}
	printf("  %-8s %s\n", "doctor",
	    "check this machine for what the pipeline needs");
	printf("  %-8s %s\n", "init",
	    "write hx.json, a policy and CI files for a project");
	printf("  %-8s %s\n", "nightly",
	    "Recipe B: the nightly hardware-in-the-loop run, end to end");
	printf("  %-8s %s\n", "release",
	    "Recipe C: release gating across load profiles, with proof");
	printf("\n"
	    "Options:\n"
	    "  -f, --file SCRIPT  run the lines of SCRIPT (- for stdin) as "
	    "the prompt would\n"
	    "  -h, --help         show this help and exit\n"
	    "  -V, --version      show the version and exit\n"
	    "\n"
	    "Exit status: 0 ok, 1 negative verdict, 2 usage, 3 bad input,\n"
	    "4 system or dependency failure; otherwise the tool's own.\n");
}

/* Replace this process with hx-NAME ARGV..., as `hx NAME ARGV...' asks. */
static void
exec_tool(const char *name, char **argv)
{
	char *path;

	if (strchr(name, '/') != NULL || (path = find_tool(name)) == NULL)
		hx_usage_error("%s: no such tool (see hx --help)", name);
	argv[0] = hx_xasprintf("hx-%s", name);
	execv(path, argv);
	hx_err_errno(HX_EXIT_SYSTEM, "%s", path);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *script = NULL;
	int c;

	hx_rec_init(argv[0]);
	/* '+': stop at the tool name; what follows belongs to the tool. */
	while ((c = getopt_long(argc, argv, "+f:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			script = optarg;
			break;
		case 'h':
			usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'V':
			printf("hx %s\n", PACKAGE_VERSION);
			hx_err_close_stdout();
			return HX_EXIT_OK;
		default:
			hx_usage_error("bad option");
		}
	}
	argc -= optind;
	argv += optind;

	if (script != NULL && argc > 0)
		hx_usage_error("-f: unexpected argument: %s", argv[0]);
	if (script != NULL)
		return repl(script);
	if (argc == 0) {
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return repl(NULL);
		hx_usage_error("no tool given");
	}
	if (strcmp(argv[0], "doctor") == 0)
		return doctor(argc, argv);
	exec_tool(argv[0], argv);
	/* NOTREACHED */
}
