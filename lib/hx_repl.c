/*
 * hx_repl: a readline loop that splits lines into argv arrays.
 *
 * Lines are never handed to a shell: quoting is undone here and the words
 * go to the caller, which runs a program with posix_spawn.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "hx_err.h"
#include "hx_file.h"
#include "hx_repl.h"
#include "hx_strv.h"

#define HISTORY_LINES 1000

static const char *const *completion_words;

/* A token: a word, or an operator when OP is one of '|', '<', '>', 'a'. */
struct token {
	char *word;
	char op;
};

/*
 * Split TEXT into tokens.  Returns the count (tokens in *TOKENS) or -1 for
 * an unterminated quote.
 */
static int
tokenize(const char *text, struct token **tokens)
{
	size_t len = strlen(text), n = 0, cap = 8, w;
	struct token *t = hx_xcalloc(cap, sizeof(*t));
	char *word = hx_xmalloc(len + 1);
	const char *p = text;
	char quote;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n + 1 >= cap) {
			cap *= 2;
			t = hx_xrealloc(t, cap * sizeof(*t));
		}
		if (*p == '|' || *p == '<' || *p == '>') {
			t[n].word = NULL;
			t[n].op = *p == '>' && p[1] == '>' ? 'a' : *p;
			p += t[n].op == 'a' ? 2 : 1;
			n++;
			continue;
		}
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
			} else if (strchr(" \t\n|<>", *p) != NULL) {
				break;
			} else
				word[w++] = *p;
		}
		word[w] = '\0';
		t[n].word = hx_xstrdup(word);
		t[n].op = 0;
		n++;
		if (quote != 0) {
			free(word);
			while (n > 0)
				free(t[--n].word);
			free(t);
			return -1;
		}
	}
	free(word);
	*tokens = t;
	return (int)n;
}

static void
line_free(struct hx_repl_line *line)
{
	int i;

	for (i = 0; i < line->nstages; i++) {
		hx_strv_free(line->stages[i].argv);
	}
	free(line->stages);
	free(line->input);
	free(line->output);
	memset(line, 0, sizeof(*line));
}

/* Append WORD to the last stage of LINE, starting one when there is none. */
static void
add_word(struct hx_repl_line *line, char *word, int *new_stage)
{
	struct hx_repl_stage *s;

	if (*new_stage) {
		line->stages = hx_xrealloc(line->stages,
		    (size_t)(line->nstages + 1) * sizeof(*line->stages));
		s = &line->stages[line->nstages++];
		s->argc = 0;
		s->argv = hx_xcalloc(1, sizeof(*s->argv));
		*new_stage = 0;
	}
	s = &line->stages[line->nstages - 1];
	s->argv = hx_xrealloc(s->argv, (size_t)(s->argc + 2) * sizeof(*s->argv));
	s->argv[s->argc++] = word;
	s->argv[s->argc] = NULL;
}

/*
 * Parse TEXT into LINE.  Returns 0, or -1 with *ERROR set (an unterminated
 * quote, an empty command in a pipeline, a redirection without a file).
 */
static int
parse_line(const char *text, struct hx_repl_line *line, const char **error)
{
	struct token *t;
	int n, i, new_stage = 1, saw_pipe = 0;
	char **target;

	memset(line, 0, sizeof(*line));
	if ((n = tokenize(text, &t)) < 0) {
		*error = "unterminated quote";
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (t[i].op == 0) {
			add_word(line, t[i].word, &new_stage);
			t[i].word = NULL;
			continue;
		}
		if (t[i].op == '|') {
			if (new_stage) {
				*error = "missing command before '|'";
				goto fail;
			}
			new_stage = 1;
			saw_pipe = 1;
			continue;
		}
		target = t[i].op == '<' ? &line->input : &line->output;
		if (i + 1 >= n || t[i + 1].op != 0) {
			*error = "missing file name after a redirection";
			goto fail;
		}
		free(*target);
		*target = t[i + 1].word;
		t[i + 1].word = NULL;
		line->append = t[i].op == 'a' ? 1 : line->append;
		i++;
	}
	if (new_stage && saw_pipe) {
		*error = "missing command after '|'";
		goto fail;
	}
	if (line->nstages == 0 && (line->input != NULL || line->output != NULL)) {
		*error = "a redirection without a command";
		goto fail;
	}
	free(t);
	return 0;
fail:
	for (i = 0; i < n; i++)
		free(t[i].word);
	free(t);
	line_free(line);
	return -1;
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

void
hx_repl_run(const char *prompt, const char *const *completions,
    const char *history_path, hx_repl_fn fn, void *arg)
{
	struct sigaction sa;
	struct hx_repl_line parsed;
	const char *error;
	char *line;

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
		if (parse_line(line, &parsed, &error) < 0) {
			hx_warn("%s", error);
			add_history(line);
		} else if (parsed.nstages > 0) {
			add_history(line);
			if (parsed.nstages == 1 && (strcmp(parsed.stages[0].argv[0],
			    "exit") == 0 || strcmp(parsed.stages[0].argv[0],
			    "quit") == 0)) {
				line_free(&parsed);
				free(line);
				break;
			}
			fn(&parsed, arg);
		}
		line_free(&parsed);
		free(line);
	}
	if (line == NULL)
		fputc('\n', stdout);
	if (history_path != NULL) {
		(void)hx_file_mkdir_parents(history_path, 0700);
		if (write_history(history_path) != 0)
			hx_warn("%s: cannot save history", history_path);
	}
}
