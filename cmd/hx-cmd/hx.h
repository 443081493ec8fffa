/*
 * The program hx, in three files: hx.c runs a tool by its short name,
 * doctor.c checks the machine and prompt.c is the readline prompt.  The
 * directory is hx-cmd/, not hx/, because the program cmd/hx is built
 * beside it (util-linux's lsfd-cmd/ does the same).
 */
#ifndef HX_CMD_HX_H
#define HX_CMD_HX_H

#include <stddef.h>

/* The tools `hx NAME' runs, with a line each for usage. */
struct tool {
	const char *name;
	const char *summary;
};

extern const struct tool tools[];
extern const size_t ntools;

char	*find_tool(const char *);
void	 usage(void);

/* hx doctor (doctor.c). */
void	 doctor_usage(void);
int	 doctor(int, char **);

/* The prompt, or the lines of a script: "-" for stdin (prompt.c). */
int	 repl(const char *);

#endif
