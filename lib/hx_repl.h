/*
 * hx_repl: the interactive loop of `hx` on a terminal.  The only module
 * that touches GNU readline.
 */
#ifndef HX_REPL_H
#define HX_REPL_H

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
};

/* Run one parsed line; returns its exit status. */
typedef int (*hx_repl_fn)(const struct hx_repl_line *line, void *arg);

/*
 * Read lines with PROMPT until end of file or "exit", parse each (words
 * split as sh(1) does with quotes and backslashes but no expansion, unquoted
 * '|', '<', '>' and '>>' as operators, '#' starting a comment) and hand it
 * to FN.  COMPLETIONS, NULL-terminated, complete the first word; later
 * words complete as file names.  History is kept in HISTORY_PATH when it is
 * not NULL.
 */
void hx_repl_run(const char *prompt, const char *const *completions,
    const char *history_path, hx_repl_fn fn, void *arg);

#endif
