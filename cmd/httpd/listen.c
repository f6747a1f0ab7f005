/*
 * listen: turn the `listen on` lines of every server into bound sockets.
 *
 * One socket per address and port, shared by all workers: a connection
 * waits in one kernel queue whichever worker takes it, so workers can be
 * replaced on reload without a connection ever being refused (with one
 * SO_REUSEPORT socket per worker, a worker's queue dies with it).  On
 * reload the sockets of the old generation are kept where the address is
 * the same.  A socket handed over in LISTEN_SOCKETS (a descriptor holder
 * keeps it across restarts: net/inherit.h) is taken rather than bound,
 * and never closed here.
 *
 * Each socket carries what its connections inherit, so that accepting one
 * costs no further system call: TCP_NODELAY as its first server says, and
 * TCP_DEFER_ACCEPT -- a client of HTTP speaks first, and a connection
 * handed over with its request already in the kernel is read and answered
 * at once, without a round through epoll.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "httpd.h"
#include "net/listener.h"

static bool
resolve(struct httpd_state *st, const struct httpd_listen *l,
    struct listen_addrs *la)
{
	if (!listener_resolve(&l->addr, l->port, la))
		return setup_fail(st, false, "listen on %s: no such "
		    "interface or host", l->addr.name);
	return true;
}

static int
bind_socket(struct httpd_state *st, const struct sockaddr_storage *ss,
    socklen_t len, const struct sockopts *tcp)
{
	char err[128];
	int fd;

	if ((fd = inherit_take(st->inherited, SOCK_STREAM, ss)) != -1)
		return fd;
	if ((fd = listener_open(ss, len, tcp, err, sizeof(err))) == -1)
		(void)setup_fail(st, true, "%s", err);
	return fd;
}

/*
 * How long the kernel holds a connection that has sent nothing before
 * handing it over anyway (then the request timeout runs as always).
 */
enum { DEFER_ACCEPT_SECONDS = 1 };

/* Set again on a kept socket too: the new first server may differ. */
static bool
inherited_options(struct httpd_state *st, const struct listener *l)
{
	if (!listener_hand_down(l->fd, l->servers[0]->tcp.nodelay != 0,
	    DEFER_ACCEPT_SECONDS))
		return setup_fail(st, true, "setsockopt on a listening socket");
	return true;
}

static ssize_t
find_listener(const struct httpd_state *st, const struct sockaddr_storage *ss,
    socklen_t len)
{
	size_t i;

	for (i = 0; i < st->nlisteners; i++)
		if (st->listeners[i].sslen == len &&
		    memcmp(&st->listeners[i].ss, ss, len) == 0)
			return (ssize_t)i;
	return -1;
}

static bool
attach(struct httpd_state *st, const struct sockaddr_storage *ss,
    socklen_t len, const struct httpd_server *srv, bool tls)
{
	ssize_t at = find_listener(st, ss, len);
	struct listener *l;
	size_t i;

	if (at == -1) {
		if (st->nlisteners == HTTPD_LISTENERS_MAX)
			return setup_fail(st, false, "more than %d listening "
			    "sockets", HTTPD_LISTENERS_MAX);
		l = &st->listeners[st->nlisteners++];
		memset(l, 0, sizeof(*l));
		l->ss = *ss;
		l->sslen = len;
		l->tls = tls;
		l->fd = -1;
	} else
		l = &st->listeners[at];
	for (i = 0; i < l->nservers; i++)
		if (l->servers[i] == srv)
			return true;
	if (l->nservers == sizeof(l->servers) / sizeof(l->servers[0]))
		return setup_fail(st, false, "more than %zu servers on one "
		    "address", sizeof(l->servers) / sizeof(l->servers[0]));
	l->servers[l->nservers++] = srv;
	return true;
}

bool
listen_setup(struct httpd_state *st, const struct httpd_state *old)
{
	const struct httpd_server *srv;
	const struct httpd_listen *hl;
	struct listen_addrs sa;
	struct listener *l;
	ssize_t prev;
	size_t i;

	st->nlisteners = 0;
	for (srv = st->conf->servers; srv != NULL; srv = srv->next)
		for (hl = srv->listens; hl != NULL; hl = hl->next) {
			if (!resolve(st, hl, &sa))
				return false;
			for (i = 0; i < sa.n; i++)
				if (!attach(st, &sa.ss[i], sa.len[i], srv,
				    hl->tls))
					return false;
		}
	for (i = 0; i < st->nlisteners; i++) {
		l = &st->listeners[i];
		prev = old != NULL ? find_listener(old, &l->ss, l->sslen) : -1;
		l->fd = prev != -1 ? old->listeners[prev].fd :
		    bind_socket(st, &l->ss, l->sslen, &l->servers[0]->tcp);
		if (l->fd == -1 || !inherited_options(st, l)) {
			listen_close_new(st, old);
			return false;
		}
	}
	return true;
}

/* Close what this state opened that the old one does not hold. */
void
listen_close_new(struct httpd_state *st, const struct httpd_state *old)
{
	size_t i;

	for (i = 0; i < st->nlisteners; i++)
		if (st->listeners[i].fd != -1 && (old == NULL ||
		    find_listener(old, &st->listeners[i].ss,
		    st->listeners[i].sslen) == -1) &&
		    !inherit_holds(st->inherited, st->listeners[i].fd)) {
			(void)close(st->listeners[i].fd);
			st->listeners[i].fd = -1;
		}
}

void
listen_close_unused(const struct httpd_state *old,
    const struct httpd_state *cur)
{
	size_t i;

	for (i = 0; i < old->nlisteners; i++)
		if ((cur == NULL || find_listener(cur, &old->listeners[i].ss,
		    old->listeners[i].sslen) == -1) &&
		    !inherit_holds(old->inherited, old->listeners[i].fd))
			(void)close(old->listeners[i].fd);
}
