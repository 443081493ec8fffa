/*
 * hx_repl: the interactive loop of `hx` on a terminal.  The only module
 * that touches GNU readline.
 */
#ifndef HX_REPL_H
#define HX_REPL_H

/* Run one command line split into words; returns its exit status. */
typedef int (*hx_repl_fn)(int argc, char **argv, void *arg);

/*
 * Read lines with PROMPT until end of file or "exit", split each into
 * words (quotes and backslashes as in sh(1), no expansion) and hand them
 * to FN.  COMPLETIONS, NULL-terminated, complete the first word; later
 * words complete as file names.  History is kept in HISTORY_PATH when it is
 * not NULL. 
 */
void hx_repl_run(const char *prompt, const char *const *completions,
    const char *history_path, hx_repl_fn fn, void *arg);

/*
 * Split LINE into words as described above.  Returns the number of words
 * and a NULL-terminated array in *ARGV (free with hx_repl_free_words), or
 * -1 with *ERROR set for an unterminated quote.
 */
int hx_repl_split(const char *line, char ***argv, const char **error);
void hx_repl_free_words(char **argv);

#endif
