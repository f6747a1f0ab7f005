/*
 * progopt: the command line the config-reading programs share with
 * OpenBSD's httpd and relayd: [-dnv] [-D macro=value] [-f file] [-r fd],
 * plus -s dir for the programs around checkd's state directory and -u user
 * for those whose workers drop to an unprivileged user.
 */
#ifndef PROGOPT_H
#define PROGOPT_H

#include <stdbool.h>
#include <stddef.h>

enum { PROGOPT_DEFINES_MAX = 64 };

struct progopt {
	const char	*conffile;
	const char	*statedir;	/* -s; NULL where not accepted */
	const char	*user;		/* -u; NULL: the program's default */
	int		 check;		/* -n count: 1 check, 2 also dump */
	int		 verbose;	/* -v count */
	bool		 debug;		/* -d: accepted, we never detach */
	int		 readyfd;	/* -r: s6 readiness descriptor, or -1 */
	const char	*defines[PROGOPT_DEFINES_MAX];
	size_t		 ndefines;
	unsigned	 flags;		/* progopt_parse_flags: bit i, flags[i] */
};

/*
 * Parse argv.  deffile is the default -f; defstatedir non-NULL enables
 * -s with that default; with_user enables -u.  Bad usage prints usage and
 * exits DIE_USAGE.
 */
void	progopt_parse(struct progopt *, int, char **, const char *deffile,
	    const char *defstatedir, bool with_user);
/*
 * The same, for a program with boolean flags of its own: `flags` lists
 * their letters (at most 8, none of the shared ones), and each one given
 * sets bit i of o->flags, i its position in the string.
 */
void	progopt_parse_flags(struct progopt *, int, char **,
	    const char *deffile, const char *defstatedir, bool with_user,
	    const char *flags);

/*
 * A number argument of an option (what: "-t", "port"), min to max; out
 * of range or not a number: "what s: expected min-max", exit DIE_USAGE.
 */
long	progopt_number(const char *s, long min, long max, const char *what);

/*
 * s6's readiness protocol: one newline on *fd, then close it and set it
 * to -1.  Nothing if *fd is -1.
 */
void	progopt_ready(int *fd);

#endif
