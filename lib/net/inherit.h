/*
 * inherit: listening sockets a program is handed rather than binds.
 *
 * A socket held by a descriptor holder (s6-fdholder) outlives the
 * program: a restart or an upgrade takes the same socket back, and the
 * connections waiting in its queue are accepted by the new process
 * instead of being reset with the old one.  The run script retrieves
 * the sockets and names their descriptors in the environment:
 *
 *	LISTEN_SOCKETS="4 5"	(numbers, separated by spaces or commas)
 *
 * What each socket is for is read from the socket itself (getsockname):
 * a `listen on` address takes the inherited socket bound to it, and is
 * bound as usual when there is none.  Without the variable nothing
 * changes.  Inherited sockets are never closed by the program: a later
 * configuration may listen there again, and the holder keeps its copy.
 */
#ifndef INHERIT_H
#define INHERIT_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

enum { INHERIT_MAX = 64 };	/* sockets one program may be handed */

struct inherited {
	int			 fd[INHERIT_MAX];
	int			 type[INHERIT_MAX];	/* SOCK_STREAM, _DGRAM */
	struct sockaddr_storage	 ss[INHERIT_MAX];	/* bound to */
	bool			 used[INHERIT_MAX];
	size_t			 n;
};

/*
 * Read LISTEN_SOCKETS and take its sockets (made non-blocking and
 * close-on-exec; one on 0, 1 or 2 moves above them, /dev/null taking
 * its place), then unset it so that no child sees it.  No variable: an
 * empty set.  False, with why in err, for a bad number, a descriptor
 * that is not open, not an IPv4 or IPv6 socket, or a TCP socket that
 * does not listen.
 */
bool	inherit_init(struct inherited *, char *err, size_t errlen);

/*
 * The inherited socket of type bound to ss (address and port), marked
 * used; -1 if there is none.  in may be NULL (nothing inherited).
 */
int	inherit_take(struct inherited *in, int type,
	    const struct sockaddr_storage *ss);

/* Whether fd is an inherited socket (not to be closed). */
bool	inherit_holds(const struct inherited *in, int fd);

/*
 * Say on stderr which inherited sockets no address took: the run script
 * and the configuration disagree.  They are kept for a reload that may.
 */
void	inherit_warn_unused(const struct inherited *in);

#endif
