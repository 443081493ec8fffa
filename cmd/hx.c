/*
 * hx: run the hx tools by their short names, check the machine with
 * `hx doctor', or work at a readline prompt.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/hx_toolchain.h"
#include "emu/hx_qemu.h"
#include "emu/hx_stub.h"
#include "rec/hx_env.h"
#include "hx_err.h"
#include "rec/hx_rec.h"
#include "hx_repl.h"
#include "hx_spawn.h"
#include "hx_strv.h"

static const struct tool {
	const char *name;
	const char *summary;
} tools[] = {
	{ "build", "cross-compile for riscv64 with a pinned toolchain" },
	{ "emu", "run tests under QEMU user mode with instruction counts" },
	{ "offload", "serve the tensor-offload protocol: the GPU service and its stub" },
	{ "sched", "place hardware-in-the-loop jobs on labelled nodes" },
	{ "trace", "record spans and counters; export OTLP, Perfetto, Prometheus" },
	{ "wcet", "probabilistic WCET with extreme value theory" },
	{ "gate", "apply a release policy; write reports and proof bundles" },
};

#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

static char *
executable_in(const char *dir, const char *program)
{
	char *path;

	if (dir == NULL)
		return NULL;
	path = hx_xasprintf("%s/%s", dir, program);
	if (access(path, X_OK) == 0)
		return path;
	free(path);
	return NULL;
}

/*
 * Find hx-NAME: beside this program, then in the installed libexec and bin
 * directories, then in PATH.  Returns a new string or NULL.
 */
static char *
find_tool(const char *name)
{
	char *program = hx_xasprintf("hx-%s", name);
	char *dir = hx_spawn_self_dir(), *path;

	if ((path = executable_in(dir, program)) == NULL &&
	    (path = executable_in(HX_LIBEXECDIR, program)) == NULL &&
	    (path = executable_in(HX_BINDIR, program)) == NULL)
		path = hx_spawn_which(program);
	free(dir);
	free(program);
	return path;
}

static void
usage(void)
{
	char *path;
	size_t i;

	printf("Usage: hx [-hV] TOOL [ARG]...\n"
	    "       hx doctor [-hq]\n"
	    "       hx init [-fh] [-t target] [DIR]\n"
	    "       hx\n"
	    "Run the hx tool TOOL (the program hx-TOOL) with ARGs, check this\n"
	    "machine with doctor, start using hx in a project with init, or,\n"
	    "with no arguments on a terminal, open a prompt that runs tools.\n"
	    "\n"
	    "Tools:\n");
	for (i = 0; i < NTOOLS; i++) {
		path = find_tool(tools[i].name);
		printf("  %-8s %s%s\n", tools[i].name, tools[i].summary,
		    path == NULL ? " (not installed)" : "");
		free(path);
	}
	printf("  %-8s %s\n", "doctor",
	    "check this machine for what the pipeline needs");
	printf("  %-8s %s\n", "init",
	    "write hx.json, a policy and CI files for a project");
	printf("\n"
	    "Options:\n"
	    "  -h, --help     show this help and exit\n"
	    "  -V, --version  show the version and exit\n"
	    "\n"
	    "Exit status: 0 ok, 1 negative verdict, 2 usage, 3 bad input,\n"
	    "4 system or dependency failure; otherwise the tool's own.\n");
}

static void
doctor_usage(void)
{
	printf("Usage: hx doctor [-hq]\n"
	    "Look for the components hx drives, print one env record on\n"
	    "stdout and a checklist on stderr.  Exit 4 when a component the\n"
	    "fast PR path needs is missing.\n"
	    "\n"
	    "Options:\n"
	    "  -h, --help   show this help and exit\n"
	    "  -q, --quiet  print no checklist\n");
}

/* The human checklist: required components first, then the others. */
static void
print_checklist(const struct hx_env *env)
{
	const struct hx_component *c;
	int pass, i;

	for (pass = 0; pass < 2; pass++) {
		fprintf(stderr, "%s\n", pass == 0 ? "fast PR path (required):" :
		    "nightly, release and GPU paths (optional):");
		for (i = 0; i < env->ncomponents; i++) {
			c = &env->components[i];
			if (c->required != (pass == 0))
				continue;
			if (c->found)
				fprintf(stderr, "  [ok]      %-16s %s\n", c->name,
				    c->version != NULL ? c->version :
				    c->path != NULL ? c->path : "");
			else if (c->package != NULL)
				fprintf(stderr, "  [%s] %-16s %s; for %s install %s\n",
				    c->required ? "MISSING" : "missing", c->name,
				    c->detail != NULL ? c->detail : "not found",
				    c->purpose, c->package);
			else
				fprintf(stderr, "  [%s] %-16s %s\n",
				    c->required ? "MISSING" : "missing", c->name,
				    c->detail != NULL ? c->detail : "not found");
		}
	}
	if (hx_env_complete(env))
		fprintf(stderr, "hx doctor: the fast PR path can run here\n");
	else
		fprintf(stderr, "hx doctor: the fast PR path cannot run: "
		    "install the packages marked MISSING\n");
}

/*
 * Where the tools look for hx's own files, in order, and what is there:
 * the toolchain manifests, the QEMU plugin and hx-offload.
 */
static void
print_places(void)
{
	char **dirs = hx_toolchain_dirs(), **plugins = hx_qemu_plugin_paths();
	char *self = hx_spawn_self_dir(), *stub = hx_stub_find(self), *names;
	const char *one[2] = { NULL, NULL };
	size_t i;

	fprintf(stderr, "hx's own files (the first found is used):\n");
	for (i = 0; dirs[i] != NULL; i++) {
		one[0] = dirs[i];
		names = hx_toolchain_names(one);
		fprintf(stderr, "  toolchains  %s: %s\n", dirs[i],
		    *names != '\0' ? names : "none");
		free(names);
	}
	for (i = 0; plugins[i] != NULL; i++)
		fprintf(stderr, "  plugin      %s: %s\n", plugins[i],
		    access(plugins[i], R_OK) == 0 ? "found" : "absent");
	fprintf(stderr, "  hx-offload  %s, %s, PATH: %s\n",
	    self != NULL ? self : "(this program's directory)", HX_BINDIR,
	    stub != NULL ? stub : "absent");
	free(stub);
	free(self);
	hx_strv_free(plugins);
	hx_strv_free(dirs);
}

static int
doctor(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct hx_env env;
	struct hx_err_info err;
	bool quiet = false;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			doctor_usage();
			hx_err_close_stdout();
			return HX_EXIT_OK;
		case 'q':
			quiet = true;
			break;
		default:
			hx_usage_error("doctor: bad option");
		}
	}
	if (optind != argc)
		hx_usage_error("doctor: unexpected argument: %s", argv[optind]);
	hx_env_probe(&env);
	hx_rec_emit(env.record);
	if (hx_rec_finish(NULL, &err) < 0)
		hx_err_exit(&err);
	if (!quiet) {
		print_checklist(&env);
		print_places();
	}
	status = hx_env_complete(&env) ? HX_EXIT_OK : HX_EXIT_SYSTEM;
	hx_env_free(&env);
	return status;
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

/*
 * The program a command at the prompt names: hx-TOOL, or this hx for
 * doctor.  Returns a new string, or NULL with a warning.
 */
static char *
prompt_program(const char *name)
{
	char *self, *path;

	if (strcmp(name, "doctor") == 0) {
		self = hx_spawn_self_dir();
		path = hx_xasprintf("%s/hx", self != NULL ? self : ".");
		free(self);
		return path;
	}
	if (strchr(name, '/') == NULL && (path = find_tool(name)) != NULL)
		return path;
	hx_warn("%s: no such tool (try help)", name);
	return NULL;
}

/*
 * At the prompt: run a line's commands as one foreground pipeline and
 * return the last command's status.
 */
static int
run_at_prompt(const struct hx_repl_line *line, void *arg)
{
	struct hx_pipeline pipeline = { 0 };
	char ***argvs, *program;
	int *statuses, i, k, rc, status = HX_EXIT_OK;

	(void)arg;
	if (line->nstages == 1 && strcmp(line->stages[0].argv[0], "help") == 0) {
		usage();
		printf("\nAt the prompt: TOOL [ARG]... [| TOOL [ARG]...]... "
		    "[<FILE] [>FILE], doctor, help, exit.\n");
		fflush(stdout);
		return HX_EXIT_OK;
	}
	argvs = hx_xcalloc((size_t)line->nstages, sizeof(*argvs));
	statuses = hx_xcalloc((size_t)line->nstages, sizeof(*statuses));
	for (i = 0; i < line->nstages; i++) {
		const struct hx_repl_stage *s = &line->stages[i];
		int doctor = strcmp(s->argv[0], "doctor") == 0;

		if ((program = prompt_program(s->argv[0])) == NULL) {
			status = HX_EXIT_USAGE;
			goto done;
		}
		argvs[i] = hx_xcalloc((size_t)s->argc + 2, sizeof(**argvs));
		argvs[i][0] = program;
		for (k = doctor ? 0 : 1; k < s->argc; k++)
			argvs[i][k + doctor] = s->argv[k];
	}
	pipeline.argvs = (char *const *const *)argvs;
	pipeline.n = line->nstages;
	pipeline.input = line->input;
	pipeline.output = line->output;
	pipeline.append = line->append;
	pipeline.foreground = true;
	fflush(stdout);
	if ((rc = hx_spawn_pipeline(&pipeline, statuses)) != 0) {
		hx_warn("%s", strerror(rc));
		status = HX_EXIT_SYSTEM;
		goto done;
	}
	status = statuses[line->nstages - 1];
	for (i = 0; i < line->nstages; i++)
		if (statuses[i] != 0)
			fprintf(stderr, "[%s: exit %d]\n",
			    line->stages[i].argv[0], statuses[i]);
done:
	for (i = 0; i < line->nstages; i++)
		if (argvs[i] != NULL) {
			free(argvs[i][0]);
			free(argvs[i]);
		}
	free(argvs);
	free(statuses);
	return status;
}

/* $XDG_STATE_HOME/hx/history, or ~/.local/state/hx/history. */
static char *
history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (state != NULL && *state == '/')
		return hx_xasprintf("%s/hx/history", state);
	if (home != NULL && *home != '\0')
		return hx_xasprintf("%s/.local/state/hx/history", home);
	return NULL;
}

static int
repl(void)
{
	const char *words[NTOOLS + 5];
	char *history = history_path();
	size_t i, n = 0;

	for (i = 0; i < NTOOLS; i++)
		words[n++] = tools[i].name;
	words[n++] = "doctor";
	words[n++] = "help";
	words[n++] = "exit";
	words[n] = NULL;
	fprintf(stderr, "hx %s: type help for the tools, exit to leave\n",
	    PACKAGE_VERSION);
	/* A failed command was shown as [exit N]; leaving the prompt is fine. */
	hx_repl_run("hx> ", words, history, run_at_prompt, NULL);
	free(history);
	return HX_EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	hx_rec_init(argv[0]);
	/* '+': stop at the tool name; what follows belongs to the tool. */
	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
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

	if (argc == 0) {
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return repl();
		hx_usage_error("no tool given");
	}
	if (strcmp(argv[0], "doctor") == 0)
		return doctor(argc, argv);
	exec_tool(argv[0], argv);
	/* NOTREACHED */
}
