/*
 * confload: read a whole configuration file with one grammar -- open the
 * file, apply -D definitions, run the grammar, report.  Used by every
 * program and by the tests, so that -n means the same everywhere.
 */
#ifndef CONFLOAD_H
#define CONFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/arena.h"
#include "conf/conf.h"

struct grammar {
	const char		*name;		/* "httpd.conf" */
	const char *const	*keywords;
	/* Parse everything and run the semantic checks; NULL on error. */
	void			*(*read)(struct conf *);
	void			 (*dump)(FILE *, const void *);
};

extern const struct grammar httpd_grammar;
extern const struct grammar relayd_grammar;

/*
 * Returns the grammar's configuration, allocated in arena, or NULL with
 * *error set to "file:line: message" (also in the arena).  Warnings go to
 * `warnings` (NULL: discarded).
 */
void	*conf_load(struct arena *, const struct grammar *, const char *path,
	    const char *const *defines, size_t ndefines, FILE *warnings,
	    const char **error);
/* The same over a buffer (tests, fuzzing). */
void	*conf_load_buffer(struct arena *, const struct grammar *,
	    const char *name, const char *buf, size_t len, FILE *warnings,
	    const char **error);

struct progopt;

/*
 * Load opt's configuration file with its -D definitions, or print the
 * error and exit 1.  For a program that does more with -n than print
 * "configuration OK" (redirectd prints its ruleset too).
 */
void	*conf_program_load(const struct progopt *opt, const struct grammar *g);

/*
 * The start of main() for a program that reads a configuration file:
 * sets progname, parses the command line (progopt.h) into *opt, loads
 * the file with grammar g (exiting for -n and on error, as
 * conf_load_or_exit) and returns the configuration, allocated in a new
 * arena that lives as long as the program.
 */
void	*conf_program_start(struct progopt *opt, int argc, char **argv,
	    const char *name, const struct grammar *g, const char *deffile,
	    const char *defstatedir, bool with_user);

#endif
