/*
 * hx_repl: a readline loop that splits lines into argv arrays.
 *
 * Lines are never handed to a shell: quoting is undone here and the words
 * go to the caller, which runs a program with posix_spawn.
 */
#include "config.h"

#include <signal.h>
#include <stdbool.h>
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

static const struct hx_repl *repl;
static char **candidates;

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
	free(line->shell);
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
	while (*text == ' ' || *text == '\t')
		text++;
	if (*text == '!') {
		line->shell = hx_xstrdup(text + 1);
		return 0;
	}
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

/* readline generator over the caller's candidates. */
static char *
complete_word(const char *text, int state)
{
	static size_t index, len;
	const char *w;

	if (state == 0) {
		index = 0;
		len = strlen(text);
	}
	while ((w = candidates[index]) != NULL) {
		index++;
		if (strncmp(w, text, len) == 0)
			return hx_xstrdup(w);
	}
	return NULL;
}

/*
 * Ask the caller for the candidates of the word at START, given the words
 * of its command before it; file names when it has none or after a
 * redirection.
 */
static char **
complete(const char *text, int start, int end)
{
	struct token *t;
	char *before = hx_xstrdup(rl_line_buffer), **words, **matches = NULL;
	int n, i, first = 0, nwords = 0;
	size_t k;

	(void)end;
	before[start] = '\0';
	if (repl->complete == NULL || strchr(before, '!') == before ||
	    (n = tokenize(before, &t)) < 0) {
		free(before);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (t[i].op == '|')
			first = i + 1;
	words = hx_xcalloc((size_t)n + 1, sizeof(*words));
	for (i = first; i < n; i++)
		if (t[i].op == 0)
			words[nwords++] = t[i].word;
	if (n == 0 || t[n - 1].op == 0 || t[n - 1].op == '|') {
		candidates = repl->complete(words, nwords, text, repl->arg);
		if (candidates != NULL) {
			rl_attempted_completion_over = 1;
			for (k = 0; candidates[k] != NULL; k++)
				if (strncmp(candidates[k], text,
				    strlen(text)) == 0 && *candidates[k] != '\0'
				    && candidates[k][strlen(candidates[k]) - 1]
				    == '=')
					rl_completion_suppress_append = 1;
			matches = rl_completion_matches(text, complete_word);
			hx_strv_free(candidates);
			candidates = NULL;
		}
	}
	for (i = 0; i < n; i++)
		free(t[i].word);
	free(t);
	free(words);
	free(before);
	return matches;
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

/* Whether LINE, parsed, asks to leave. */
static bool
is_exit(const struct hx_repl_line *line)
{
	return line->nstages == 1 && line->stages[0].argc == 1 &&
	    (strcmp(line->stages[0].argv[0], "exit") == 0 ||
	    strcmp(line->stages[0].argv[0], "quit") == 0);
}

void
hx_repl_run(const struct hx_repl *r)
{
	struct sigaction sa;
	struct hx_repl_line parsed;
	const char *error;
	char *line;

	repl = r;
	rl_readline_name = "hx";
	rl_attempted_completion_function = complete;
	/* Words break as the line splits them: "status=fail" is one. */
	rl_completer_word_break_characters = " \t\n\"'|<>";
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	using_history();
	stifle_history(HISTORY_LINES);
	if (r->history_path != NULL)
		read_history(r->history_path);
	while ((line = readline(r->prompt)) != NULL) {
		if (parse_line(line, &parsed, &error) < 0) {
			hx_warn("%s", error);
			add_history(line);
		} else if (parsed.nstages > 0 || parsed.shell != NULL) {
			add_history(line);
			if (is_exit(&parsed)) {
				line_free(&parsed);
				free(line);
				break;
			}
			r->run(&parsed, r->arg);
		}
		line_free(&parsed);
		free(line);
	}
	if (line == NULL)
		fputc('\n', stdout);
	if (r->history_path != NULL) {
		(void)hx_file_mkdir_parents(r->history_path, 0700);
		if (write_history(r->history_path) != 0)
			hx_warn("%s: cannot save history", r->history_path);
	}
}

int
hx_repl_script(FILE *f, const char *name, const struct hx_repl *r)
{
	struct hx_repl_line parsed;
	const char *error;
	char *line = NULL;
	size_t cap = 0;
	unsigned long number = 0;
	ssize_t len;
	int status = 0, rc;

	while ((len = getline(&line, &cap, f)) > 0) {
		number++;
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (parse_line(line, &parsed, &error) < 0) {
			hx_warn("%s:%lu: %s", name, number, error);
			status = HX_EXIT_USAGE;
			continue;
		}
		if (is_exit(&parsed)) {
			line_free(&parsed);
			break;
		}
		if ((parsed.nstages > 0 || parsed.shell != NULL) &&
		    (rc = r->run(&parsed, r->arg)) != 0)
			status = rc;
		line_free(&parsed);
	}
	free(line);
	return status;
}

char **
hx_repl_options(const char *help)
{
	char **v = hx_xcalloc(1, sizeof(*v)), *word;
	const char *p, *q;
	size_t n = 0, i;

	for (p = help; (p = strchr(p, '-')) != NULL; p = q) {
		for (q = p + 1; *q == '-' || *q == '_' || (*q >= 'a' &&
		    *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' &&
		    *q <= '9'); q++)
			;
		if ((p == help || strchr(" ,[|\n", p[-1]) != NULL) &&
		    q - p >= 2 && p[q - p - 1] != '-' && (p[1] == '-' ?
		    q - p > 3 : q - p == 2) && p[p[1] == '-' ? 2 : 1] != '-') {
			word = hx_xasprintf("%.*s", (int)(q - p), p);
			for (i = 0; i < n && strcmp(v[i], word) != 0; i++)
				continue;
			if (i < n) {
				free(word);
				continue;
			}
			v = hx_xrealloc(v, (n + 2) * sizeof(*v));
			v[n++] = word;
			v[n] = NULL;
		}
	}
	return v;
}
