/*
 * hx_repl: a readline loop that splits lines into argv arrays.
 *
 * Lines are never handed to a shell: quoting is undone here and the words
 * go to the caller, which runs a program with posix_spawn.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "hx_err.h"
#include "hx_repl.h"

#define HISTORY_LINES 1000

static const char *const *completion_words;

void
hx_repl_free_words(char **argv)
{
	char **p;

	if (argv == NULL)
		return;
	for (p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

int
hx_repl_split(const char *line, char ***argvp, const char **error)
{
	size_t len = strlen(line), n = 0, cap = 8, w;
	char **argv = hx_xcalloc(cap, sizeof(*argv));
	char *word = hx_xmalloc(len + 1);
	const char *p = line;
	char quote;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		w = 0;
		quote = 0;
		for (; *p != '\0'; p++) {
			if (quote == '\'') {
				if (*p == '\'')
					quote = 0;
				else
					word[w++] = *p;
			} else if (quote == '"') {
				if (*p == '"')
					quote = 0;
				else if (*p == '\\' && (p[1] == '"' ||
				    p[1] == '\\' || p[1] == '$' || p[1] == '`'))
					word[w++] = *++p;
				else
					word[w++] = *p;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == '\\' && p[1] != '\0') {
				word[w++] = *++p;
			} else if (*p == ' ' || *p == '\t' || *p == '\n') {
				break;
			} else
				word[w++] = *p;
		}
		if (quote != 0) {
			*error = "unterminated quote";
			free(word);
			argv[n] = NULL;
			hx_repl_free_words(argv);
			return -1;
		}
		if (n + 2 > cap) {
			cap *= 2;
			argv = hx_xrealloc(argv, cap * sizeof(*argv));
		}
		word[w] = '\0';
		argv[n++] = hx_xstrdup(word);
	}
	argv[n] = NULL;
	free(word);
	*argvp = argv;
	return (int)n;
}

/* readline generator over the command words. */
static char *
complete_command(const char *text, int state)
{
	static size_t index, len;
	const char *w;

	if (state == 0) {
		index = 0;
		len = strlen(text);
	}
	while ((w = completion_words[index]) != NULL) {
		index++;
		if (strncmp(w, text, len) == 0)
			return hx_xstrdup(w);
	}
	return NULL;
}

static char **
complete(const char *text, int start, int end)
{
	int i;

	/* The first word is a command; everything after it a file name. */
	for (i = 0; i < start; i++)
		if (rl_line_buffer[i] != ' ' && rl_line_buffer[i] != '\t')
			return NULL;
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, complete_command);
}

/* Ctrl-C at the prompt drops the line being typed, as a shell does. */
static void
on_interrupt(int sig)
{
	(void)sig;
	rl_replace_line("", 0);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
}

/* Make the directories above PATH, as mkdir -p would. */
static void
make_parents(const char *path)
{
	char *copy = hx_xstrdup(path), *p;

	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			break;
		*p = '/';
	}
	free(copy);
}

void
hx_repl_run(const char *prompt, const char *const *completions,
    const char *history_path, hx_repl_fn fn, void *arg)
{
	struct sigaction sa;
	const char *error;
	char *line, **argv;
	int argc;

	completion_words = completions;
	rl_readline_name = "hx";
	rl_attempted_completion_function = complete;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	using_history();
	stifle_history(HISTORY_LINES);
	if (history_path != NULL)
		read_history(history_path);
	while ((line = readline(prompt)) != NULL) {
		argc = hx_repl_split(line, &argv, &error);
		if (argc < 0) {
			hx_warn("%s", error);
		} else if (argc > 0) {
			add_history(line);
			if (strcmp(argv[0], "exit") == 0 ||
			    strcmp(argv[0], "quit") == 0) {
				hx_repl_free_words(argv);
				free(line);
				break;
			}
			fn(argc, argv, arg);
		}
		if (argc >= 0)
			hx_repl_free_words(argv);
		free(line);
	}
	if (line == NULL)
		fputc('\n', stdout);
	if (history_path != NULL) {
		make_parents(history_path);
		if (write_history(history_path) != 0)
			hx_warn("%s: cannot save history", history_path);
	}
}
