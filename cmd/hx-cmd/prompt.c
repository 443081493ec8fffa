/*
 * hx's prompt: tools joined by pipes, a few builtins over the last
 * result (show, count, fields, where), completion and history; and the
 * same lines read from a script with hx -f.
 */
#include "config.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "build/hx_toolchain.h"
#include "hx_err.h"
#include "hx_file.h"
#include "hx_repl.h"
#include "hx_spawn.h"
#include "hx_strv.h"
#include "rec/hx_table.h"

#include "hx.h"

/* The terminal's width on standard output, or 80. */
static size_t
terminal_width(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* The builtins of the prompt, and what each does, for help. */
static const struct builtin {
	const char *name;
	const char *summary;
} builtins[] = {
	{ "cd", "cd [DIR]: change the directory (default: $HOME)" },
	{ "count", "count: the records of the last result, by type" },
	{ "exit", "exit: leave the prompt (also end of file)" },
	{ "fields", "fields: the fields of the last result, with counts" },
	{ "help", "help [TOOL]: the tools and builtins, or TOOL's options" },
	{ "show", "show: the last result as a table" },
	{ "where", "where FIELD=VALUE...: keep the records of the last "
	    "result that match" },
};

#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

/* The prompt's state: its private directory and the last result. */
struct session {
	char *dir;			/* removed at exit */
	char *last;			/* DIR/last: the last result stream */
	char ***options;		/* each tool's, once asked */
};

static const struct tool *
tool_named(const char *name)
{
	size_t i;

	for (i = 0; i < ntools; i++)
		if (strcmp(tools[i].name, name) == 0)
			return &tools[i];
	return NULL;
}

static const struct builtin *
builtin_named(const char *name)
{
	size_t i;

	for (i = 0; i < NBUILTINS; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

/*
 * The program a command at the prompt names: hx-NAME, this hx for
 * doctor, or another program that PATH has.  Returns a new string, or
 * NULL with a warning.  *TOOL tells whether it is one of hx's.
 */
static char *
prompt_program(const char *name, bool *tool)
{
	char *self, *path;

	*tool = true;
	if (strcmp(name, "doctor") == 0) {
		self = hx_spawn_self_dir();
		path = hx_xasprintf("%s/hx", self != NULL ? self : ".");
		free(self);
		return path;
	}
	if (strchr(name, '/') == NULL && (path = find_tool(name)) != NULL)
		return path;
	*tool = false;
	if (strchr(name, '/') != NULL ? access(name, X_OK) == 0 :
	    (path = hx_spawn_which(name)) != NULL)
		return strchr(name, '/') != NULL ? hx_xstrdup(name) : path;
	hx_warn("%s: no such tool (try help)", name);
	return NULL;
}

static bool
contains(char *const *v, const char *s)
{
	for (; *v != NULL; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

/* Append S to *V, a NULL-terminated array of *N new strings. */
static void
push(char ***v, size_t *n, const char *s)
{
	*v = hx_xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = hx_xstrdup(s);
	(*v)[*n] = NULL;
}

/*
 * The options TOOL's --help lists: every word that starts with "-" or
 * "--" and a letter, as the tool spells it.
 */
static char **
help_options(const char *name)
{
	struct hx_spawn spec = { 0 };
	struct hx_spawn_result res;
	char *argv[] = { NULL, "--help", NULL }, **v;

	v = hx_xcalloc(1, sizeof(*v));
	if ((argv[0] = find_tool(name)) == NULL)
		return v;
	spec.argv = argv;
	spec.capture = true;
	if (hx_spawn_run(&spec, &res) != 0) {
		free(argv[0]);
		return v;
	}
	hx_strv_free(v);
	v = hx_repl_options(res.out != NULL ? res.out : "");
	hx_spawn_result_free(&res);
	free(argv[0]);
	return v;
}

/* The names of the toolchain manifests hx-build finds. */
static char **
toolchain_names(void)
{
	char **dirs = hx_toolchain_dirs();
	char **v = hx_xcalloc(1, sizeof(*v)), *name;
	struct dirent *e;
	size_t n = 0, i, len;
	DIR *d;

	for (i = 0; dirs[i] != NULL; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			len = strlen(e->d_name);
			if (len <= 5 || strcmp(e->d_name + len - 5, ".json"))
				continue;
			name = hx_xasprintf("%.*s", (int)len - 5, e->d_name);
			if (!contains(v, name))
				push(&v, &n, name);
			free(name);
		}
		closedir(d);
	}
	hx_strv_free(dirs);
	return v;
}

/* The last result, or NULL with a warning when there is none. */
static struct hx_table *
last_result(const struct session *s, bool quiet)
{
	struct hx_err_info err;
	struct hx_table *t;

	if (access(s->last, F_OK) != 0) {
		if (!quiet)
			hx_warn("no result yet: run a tool first");
		return NULL;
	}
	if ((t = hx_table_read(s->last, &err)) == NULL && !quiet)
		hx_warn("%s", err.message);
	return t;
}

/* "FIELD=" or "FIELD=VALUE" for the last result (hx_table_complete). */
static char **
where_candidates(const struct session *s, const char *text)
{
	struct hx_table *t = last_result(s, true);
	char **v;

	if (t == NULL)
		return hx_xcalloc(1, sizeof(char *));
	v = hx_table_complete(t, text);
	hx_table_free(t);
	return v;
}

/* Completion at the prompt: see hx_repl_complete_fn. */
static char **
complete_at_prompt(char *const *words, int nwords, const char *text,
    void *arg)
{
	struct session *s = arg;
	const struct tool *tool;
	const char *prev;
	char **v = hx_xcalloc(1, sizeof(*v));
	size_t n = 0, i;

	if (nwords == 0 || (nwords == 1 && strcmp(words[0], "help") == 0)) {
		for (i = 0; i < ntools; i++)
			push(&v, &n, tools[i].name);
		push(&v, &n, "doctor");
		for (i = 0; i < NBUILTINS; i++)
			push(&v, &n, builtins[i].name);
		return v;
	}
	if (strcmp(words[0], "where") == 0) {
		hx_strv_free(v);
		return where_candidates(s, text);
	}
	if ((tool = tool_named(words[0])) == NULL) {
		hx_strv_free(v);
		return NULL;
	}
	prev = words[nwords - 1];
	if (strcmp(prev, "-t") == 0 || strcmp(prev, "--target") == 0) {
		hx_strv_free(v);
		return toolchain_names();
	}
	if (*text == '-') {
		i = (size_t)(tool - tools);
		if (s->options[i] == NULL)
			s->options[i] = help_options(tool->name);
		for (n = 0; s->options[i][n] != NULL; n++)
			;
		hx_strv_free(v);
		v = hx_xcalloc(n + 1, sizeof(*v));
		for (n = 0; s->options[i][n] != NULL; n++)
			v[n] = hx_xstrdup(s->options[i][n]);
		return v;
	}
	/* Policies, inputs, outputs: file names. */
	hx_strv_free(v);
	return NULL;
}

/*
 * Run ARGVS, N commands, as one foreground pipeline from INPUT to OUTPUT
 * (or NULL: the terminal); report each that failed.  Returns the status of
 * the command LAST, or 4 when the pipeline cannot start.
 */
static int
run_pipeline(char ***argvs, int n, const char *input, const char *output,
    bool append, int last)
{
	struct hx_pipeline pipeline = { 0 };
	int *statuses = hx_xcalloc((size_t)n, sizeof(*statuses));
	const char *name;
	int i, rc, status;

	pipeline.argvs = (char *const *const *)argvs;
	pipeline.n = n;
	pipeline.input = input;
	pipeline.output = output;
	pipeline.append = append;
	pipeline.foreground = isatty(STDIN_FILENO);
	fflush(stdout);
	if ((rc = hx_spawn_pipeline(&pipeline, statuses)) != 0) {
		hx_warn("%s", strerror(rc));
		free(statuses);
		return HX_EXIT_SYSTEM;
	}
	status = statuses[last];
	for (i = 0; i < n; i++) {
		if (statuses[i] == 0)
			continue;
		/* The command by the name typed: frob for .../hx-frob. */
		name = strrchr(argvs[i][0], '/') != NULL ?
		    strrchr(argvs[i][0], '/') + 1 : argvs[i][0];
		if (strncmp(name, "hx-", 3) == 0)
			name += 3;
		/* doctor for hx doctor. */
		if (strcmp(name, "hx") == 0 && argvs[i][1] != NULL)
			name = argvs[i][1];
		fprintf(stderr, "[%s: exit %d]\n", name, statuses[i]);
	}
	free(statuses);
	return status;
}

/* help, or help NAME: what the prompt offers, or NAME's own help. */
static int
help(const struct hx_repl_stage *st)
{
	const struct builtin *b;
	char *argv[] = { NULL, "--help", NULL }, **argvs[] = { argv };
	size_t i;
	int status;

	if (st->argc < 2) {
		usage();
		printf("\nAt the prompt: TOOL [ARG]... [| COMMAND [ARG]...]... "
		    "[<FILE] [>FILE]\n");
		for (i = 0; i < NBUILTINS; i++)
			printf("  %s\n", builtins[i].summary);
		printf("  !COMMAND: run COMMAND with sh\n");
		fflush(stdout);
		return HX_EXIT_OK;
	}
	if ((b = builtin_named(st->argv[1])) != NULL) {
		printf("%s\n", b->summary);
		fflush(stdout);
		return HX_EXIT_OK;
	}
	if (strcmp(st->argv[1], "doctor") == 0) {
		doctor_usage();
		fflush(stdout);
		return HX_EXIT_OK;
	}
	if (tool_named(st->argv[1]) == NULL ||
	    (argv[0] = find_tool(st->argv[1])) == NULL) {
		hx_warn("%s: no such tool (try help)", st->argv[1]);
		return HX_EXIT_USAGE;
	}
	status = run_pipeline(argvs, 1, NULL, NULL, false, 0);
	free(argv[0]);
	return status;
}

/*
 * where FIELD=VALUE...: the records of the last result that match every
 * condition become the last result; written as a table to a terminal,
 * else as records.
 */
static int
where(const struct session *s, const struct hx_repl_stage *st, FILE *out)
{
	struct hx_err_info err;
	struct hx_table *t, *next;
	FILE *f;

	if (hx_table_conditions(st->argv + 1, st->argc - 1, &err) < 0) {
		hx_warn("where: %s", err.message);
		return HX_EXIT_USAGE;
	}
	if ((t = last_result(s, false)) == NULL)
		return HX_EXIT_USAGE;
	next = hx_table_select(t, st->argv + 1, st->argc - 1);
	hx_table_free(t);
	t = next;
	if ((f = fopen(s->last, "w")) == NULL ||
	    hx_table_write_json(t, f) < 0 || fclose(f) == EOF)
		hx_warn_errno("%s", s->last);
	if (isatty(fileno(out)))
		hx_table_write_text(t, out, terminal_width());
	else
		hx_table_write_json(t, out);
	hx_table_free(t);
	return HX_EXIT_OK;
}

/*
 * Run the builtin that starts LINE; its output goes on through the rest of
 * the line's pipeline, to its output file, or to standard output.
 */
static int
run_builtin(struct session *s, const struct hx_repl_line *line)
{
	const struct hx_repl_stage *st = &line->stages[0];
	const char *name = st->argv[0], *dir;
	char *piped = NULL, ***argvs;
	struct hx_table *t;
	FILE *out = stdout;
	int status, i;

	if (strcmp(name, "help") == 0)
		return help(st);
	if (strcmp(name, "cd") == 0) {
		if ((dir = st->argc > 1 ? st->argv[1] : getenv("HOME")) ==
		    NULL || chdir(dir) != 0) {
			hx_warn_errno("cd %s", dir != NULL ? dir : "");
			return HX_EXIT_USAGE;
		}
		return HX_EXIT_OK;
	}
	if (line->nstages > 1) {
		piped = hx_xasprintf("%s/piped", s->dir);
		out = fopen(piped, "w");
	} else if (line->output != NULL)
		out = fopen(line->output, line->append ? "a" : "w");
	if (out == NULL) {
		hx_warn_errno("%s", piped != NULL ? piped : line->output);
		free(piped);
		return HX_EXIT_SYSTEM;
	}
	if (strcmp(name, "where") == 0)
		status = where(s, st, out);
	else if ((t = last_result(s, false)) == NULL)
		status = HX_EXIT_USAGE;
	else {
		if (strcmp(name, "count") == 0)
			hx_table_write_count(t, out);
		else if (strcmp(name, "fields") == 0)
			hx_table_write_fields(t, out);
		else
			hx_table_write_text(t, out, isatty(fileno(out)) ?
			    terminal_width() : SIZE_MAX);
		hx_table_free(t);
		status = HX_EXIT_OK;
	}
	if (out != stdout && fclose(out) == EOF)
		hx_warn_errno("%s", piped != NULL ? piped : line->output);
	fflush(stdout);
	if (piped != NULL && status == HX_EXIT_OK) {
		argvs = hx_xcalloc((size_t)line->nstages, sizeof(*argvs));
		for (i = 1; i < line->nstages; i++)
			argvs[i - 1] = line->stages[i].argv;
		status = run_pipeline(argvs, line->nstages - 1, piped,
		    line->output, line->append, line->nstages - 2);
		free(argvs);
	}
	free(piped);
	return status;
}

/*
 * At the prompt: run a line (a builtin, !COMMAND, or commands joined by
 * '|') and return its status.  When the last command is an hx tool and
 * its output is not redirected, what it writes is kept as the last result.
 */
static int
run_at_prompt(const struct hx_repl_line *line, void *arg)
{
	struct session *s = arg;
	char *sh[] = { "/bin/sh", "-c", line->shell, NULL }, **shv[] = { sh };
	char ***argvs, *next = NULL;
	int i, k, n = line->nstages, status;
	bool doctor, keep, tool = false;

	if (line->shell != NULL)
		return run_pipeline(shv, 1, NULL, NULL, false, 0);
	if (builtin_named(line->stages[0].argv[0]) != NULL)
		return run_builtin(s, line);
	for (i = 1; i < n; i++)
		if (builtin_named(line->stages[i].argv[0]) != NULL) {
			hx_warn("%s: a builtin only starts a line",
			    line->stages[i].argv[0]);
			return HX_EXIT_USAGE;
		}
	argvs = hx_xcalloc((size_t)n + 2, sizeof(*argvs));
	for (i = 0; i < n; i++) {
		const struct hx_repl_stage *st = &line->stages[i];

		doctor = strcmp(st->argv[0], "doctor") == 0;
		argvs[i] = hx_xcalloc((size_t)st->argc + 2, sizeof(**argvs));
		if ((argvs[i][0] = prompt_program(st->argv[0], &tool)) ==
		    NULL) {
			status = HX_EXIT_USAGE;
			n = i + 1;
			keep = false;
			goto done;
		}
		for (k = doctor ? 0 : 1; k < st->argc; k++)
			argvs[i][k + doctor] = st->argv[k];
	}
	/* The records of an hx tool whose output is not redirected. */
	keep = line->output == NULL && tool;
	if (keep) {
		/* tee(1) shows the records and keeps them. */
		next = hx_xasprintf("%s/next", s->dir);
		argvs[n] = hx_xcalloc(3, sizeof(**argvs));
		argvs[n][0] = hx_xstrdup("tee");
		argvs[n][1] = next;
	}
	status = run_pipeline(argvs, n + keep, line->input, line->output,
	    line->append, n - 1);
	if (keep && rename(next, s->last) != 0)
		hx_warn_errno("%s", s->last);
done:
	for (i = 0; i < n + keep; i++) {
		free(argvs[i][0]);
		free(argvs[i]);
	}
	free(argvs);
	free(next);
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

/* A private directory for the session's streams. */
static void
session_open(struct session *s)
{
	const char *tmp = getenv("TMPDIR");

	memset(s, 0, sizeof(*s));
	s->dir = hx_xasprintf("%s/hx-prompt.XXXXXX",
	    tmp != NULL && *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(s->dir) == NULL)
		hx_err_errno(HX_EXIT_SYSTEM, "%s", s->dir);
	s->last = hx_xasprintf("%s/last", s->dir);
	s->options = hx_xcalloc(ntools, sizeof(*s->options));
}

static void
session_close(struct session *s)
{
	size_t i;

	(void)hx_file_remove_tree(s->dir);
	for (i = 0; i < ntools; i++)
		hx_strv_free(s->options[i]);
	free(s->options);
	free(s->dir);
	free(s->last);
}

/* Work at the prompt, or run the lines of SCRIPT ("-": standard input). */
int
repl(const char *script)
{
	struct session s;
	struct hx_repl r = { .prompt = "hx> ", .run = run_at_prompt,
	    .complete = complete_at_prompt, .arg = &s };
	char *history = NULL;
	FILE *f = stdin;
	int status = HX_EXIT_OK;

	if (script != NULL && strcmp(script, "-") != 0 &&
	    (f = fopen(script, "r")) == NULL)
		hx_err_errno(HX_EXIT_USAGE, "%s", script);
	session_open(&s);
	if (script != NULL) {
		status = hx_repl_script(f, strcmp(script, "-") == 0 ?
		    "stdin" : script, &r);
		if (f != stdin)
			fclose(f);
	} else {
		r.history_path = history = history_path();
		fprintf(stderr, "hx %s: type help for the tools, exit to "
		    "leave\n", PACKAGE_VERSION);
		/* A failed command was shown as [exit N]; leaving is fine. */
		hx_repl_run(&r);
	}
	session_close(&s);
	free(history);
	return status;
}
