/*
 * hx_repl: the interactive loop of `hx` on a terminal.  The only module
 * that touches GNU readline.
 */
#ifndef HX_REPL_H
#define HX_REPL_H

#include <stdio.h>

/* One command of a line: its words, NULL-terminated. */
struct hx_repl_stage {
	int argc;
	char **argv;
};

/*
 * A parsed line: commands joined by '|', with the pipeline's standard
 * input from '< FILE' and its output to '> FILE' or '>> FILE'.
 */
struct hx_repl_line {
	struct hx_repl_stage *stages;
	int nstages;		/* 0 for a blank or comment line */
	char *input;		/* or NULL */
	char *output;		/* or NULL */
	int append;		/* '>>' rather than '>' */
	char *shell;		/* "!TEXT": TEXT for sh -c, else NULL */
};

/* Run one parsed line; returns its exit status. */
typedef int (*hx_repl_fn)(const struct hx_repl_line *line, void *arg);

/*
 * Completions of TEXT, the word being typed, after the NWORDS words WORDS
 * of its command (those after the line's last '|'): a NULL-terminated
 * array of new strings, those starting with TEXT are offered; or NULL
 * for file names.  A candidate ending in '=' takes no space after it.
 */
typedef char **(*hx_repl_complete_fn)(char *const *words, int nwords,
    const char *text, void *arg);

/* What a prompt or a script runs with. */
struct hx_repl {
	const char *prompt;
	const char *history_path;	/* or NULL: no history kept */
	hx_repl_fn run;
	hx_repl_complete_fn complete;	/* or NULL: file names */
	void *arg;
};

/*
 * Read lines with R's prompt until end of file or "exit", parse each (words
 * split as sh(1) does with quotes and backslashes but no expansion, unquoted
 * '|', '<', '>' and '>>' as operators, '#' starting a comment, a line
 * starting with '!' left whole for a shell) and hand it to R's run.
 * History is kept in R's history path when it is not NULL.
 */
void hx_repl_run(const struct hx_repl *r);

/*
 * Run the lines of F as the prompt would, without a terminal, until its
 * end or "exit"; NAME names F in messages.  Returns the status of the
 * last line that failed (2 for one that does not parse), or 0.
 */
int hx_repl_script(FILE *f, const char *name, const struct hx_repl *r);

/*
 * The options a program's --help text HELP lists: every word that starts
 * with "-" or "--" and a letter, as the program spells it, once each.  A
 * NULL-terminated array of new strings; free with hx_strv_free.
 */
char **hx_repl_options(const char *help);

#endif
