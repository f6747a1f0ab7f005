/*
 * listener: listening TCP sockets from what a configuration says --
 * an address of any kind (lib/base/addr) and a port, turned into socket
 * addresses, and a socket bound to one of them with the `tcp { }`
 * options (lib/base/sockopts).  httpd's parent uses it; relay's will.
 */
#ifndef LISTENER_H
#define LISTENER_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/sockopts.h"

enum { LISTENER_ADDRS_MAX = 16 };	/* socket addresses per listen line */

struct listen_addrs {
	struct sockaddr_storage	ss[LISTENER_ADDRS_MAX];
	socklen_t		len[LISTENER_ADDRS_MAX];
	size_t			n;
};

/*
 * The socket addresses of a, with port: "*" is 0.0.0.0 and ::; a number
 * is itself; a name is an interface's addresses (IPv4, and IPv6 but for
 * link-local ones), or else a host name's.  Duplicates are dropped and
 * at most LISTENER_ADDRS_MAX are kept.  False if a name is neither an
 * interface nor a host.
 */
bool	listener_resolve(const struct addr *a, uint16_t port,
	    struct listen_addrs *);

/*
 * A non-blocking, close-on-exec TCP socket listening on ss, with
 * SO_REUSEADDR, IPv6 only for an IPv6 address, and the options of so.
 * Returns it, or -1 with errno set and the step that failed in err
 * ("bind 127.0.0.1 port 80", "setsockopt ip ttl").
 */
int	listener_open(const struct sockaddr_storage *ss, socklen_t len,
	    const struct sockopts *so, char *err, size_t errlen);
/* The same for a UDP socket, bound and not listening. */
int	listener_open_udp(const struct sockaddr_storage *ss, socklen_t len,
	    const struct sockopts *so, char *err, size_t errlen);

/*
 * Options a listening socket passes on to the connections it accepts,
 * set once here rather than once per connection: TCP_NODELAY (on or
 * off), and TCP_DEFER_ACCEPT for defer_seconds (0: off) -- a connection
 * is handed over only once its first bytes have come, so that the first
 * read after accept finds them (for protocols where the client speaks
 * first; after that long the kernel hands it over anyway).  Set again on
 * a socket kept across a reload, as the new configuration says.  False
 * if the kernel refused.
 */
bool	listener_hand_down(int lfd, bool nodelay, int defer_seconds);

/*
 * The next connection waiting on listening socket lfd, non-blocking and
 * close-on-exec, its peer in *peer; -1 when there is none (EAGAIN:
 * another worker took it) or it failed, *exhausted telling whether for
 * want of descriptors or memory -- then the caller stops accepting for
 * a while rather than spin.
 */
int	listener_accept(int lfd, struct sockaddr_storage *peer, bool *exhausted);

#endif
