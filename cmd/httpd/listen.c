/*
 * listen: turn the `listen on` lines of every server into bound sockets.
 *
 * One socket per address and port, shared by all workers: a connection
 * waits in one kernel queue whichever worker takes it, so workers can be
 * replaced on reload without a connection ever being refused (with one
 * SO_REUSEPORT socket per worker, a worker's queue dies with it).  On
 * reload the sockets of the old generation are kept where the address is
 * the same.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "httpd.h"

struct sockaddrs {
	struct sockaddr_storage	ss[16];
	socklen_t		len[16];
	size_t			n;
};

static void
add_sockaddr(struct sockaddrs *sa, const struct sockaddr *s, socklen_t len,
    uint16_t port)
{
	struct sockaddr_storage ss;
	size_t i;

	if (sa->n == sizeof(sa->ss) / sizeof(sa->ss[0]) || len > sizeof(ss))
		return;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, s, len);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	for (i = 0; i < sa->n; i++)
		if (sa->len[i] == len && memcmp(&sa->ss[i], &ss, len) == 0)
			return;
	sa->ss[sa->n] = ss;
	sa->len[sa->n++] = len;
}

static void
add_numeric(struct sockaddrs *sa, int family, const void *bytes,
    uint16_t port)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (family == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, bytes, 4);
		add_sockaddr(sa, (struct sockaddr *)&sin, sizeof(sin), port);
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, bytes, 16);
		add_sockaddr(sa, (struct sockaddr *)&sin6, sizeof(sin6), port);
	}
}

/* An interface name: all its IPv4 and global IPv6 addresses. */
static bool
add_interface(struct sockaddrs *sa, const char *name, uint16_t port)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) == -1)
		return false;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || strcmp(i->ifa_name, name) != 0)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			add_sockaddr(sa, i->ifa_addr, sizeof(struct sockaddr_in),
			    port);
		else if (i->ifa_addr->sa_family == AF_INET6 &&
		    !IN6_IS_ADDR_LINKLOCAL(
		    &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
			add_sockaddr(sa, i->ifa_addr,
			    sizeof(struct sockaddr_in6), port);
		else
			continue;
		found = true;
	}
	freeifaddrs(ifa);
	return found;
}

static bool
add_hostname(struct sockaddrs *sa, const char *name, uint16_t port)
{
	struct addrinfo hints, *res, *r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return false;
	for (r = res; r != NULL; r = r->ai_next)
		add_sockaddr(sa, r->ai_addr, r->ai_addrlen, port);
	freeaddrinfo(res);
	return true;
}

static bool
resolve(struct httpd_state *st, const struct httpd_listen *l,
    struct sockaddrs *sa)
{
	static const unsigned char any6[16];
	static const unsigned char any4[4];

	sa->n = 0;
	switch (l->addr.kind) {
	case ADDR_ANY:
		add_numeric(sa, AF_INET, any4, l->port);
		add_numeric(sa, AF_INET6, any6, l->port);
		break;
	case ADDR_INET:
		add_numeric(sa, AF_INET, l->addr.bytes, l->port);
		break;
	case ADDR_INET6:
		add_numeric(sa, AF_INET6, l->addr.bytes, l->port);
		break;
	case ADDR_NAME:
		if (!add_interface(sa, l->addr.name, l->port) &&
		    !add_hostname(sa, l->addr.name, l->port))
			return setup_fail(st, false, "listen on %s: no such "
			    "interface or host", l->addr.name);
		break;
	}
	return true;
}

static bool
set_int(struct httpd_state *st, int fd, int level, int opt, int v,
    const char *what)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)) == -1)
		return setup_fail(st, true, "setsockopt %s", what);
	return true;
}

static bool
socket_options(struct httpd_state *st, int fd, int family,
    const struct httpd_tcp *tcp)
{
	int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;

	if (!set_int(st, fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR") ||
	    (family == AF_INET6 && !set_int(st, fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    1, "IPV6_V6ONLY")))
		return false;
	if (tcp->ip_ttl >= 0 && !set_int(st, fd, level, family == AF_INET ?
	    IP_TTL : IPV6_UNICAST_HOPS, (int)tcp->ip_ttl, "ip ttl"))
		return false;
	if (tcp->ip_minttl >= 0 && !set_int(st, fd, level, family == AF_INET ?
	    IP_MINTTL : IPV6_MINHOPCOUNT, (int)tcp->ip_minttl, "ip minttl"))
		return false;
	if (tcp->socket_buffer >= 0 && (!set_int(st, fd, SOL_SOCKET, SO_RCVBUF,
	    (int)tcp->socket_buffer, "SO_RCVBUF") || !set_int(st, fd,
	    SOL_SOCKET, SO_SNDBUF, (int)tcp->socket_buffer, "SO_SNDBUF")))
		return false;
	return true;
}

static int
bind_socket(struct httpd_state *st, const struct sockaddr_storage *ss,
    socklen_t len, const struct httpd_tcp *tcp)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	int fd;

	if ((fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		(void)setup_fail(st, true, "socket");
		return -1;
	}
	if (!socket_options(st, fd, ss->ss_family, tcp)) {
		(void)close(fd);
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)ss, len) == -1 ||
	    listen(fd, (int)tcp->backlog) == -1) {
		(void)getnameinfo((const struct sockaddr *)ss, len, host,
		    sizeof(host), serv, sizeof(serv),
		    NI_NUMERICHOST | NI_NUMERICSERV);
		(void)setup_fail(st, true, "bind %s port %s", host, serv);
		(void)close(fd);
		return -1;
	}
	return fd;
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
	struct sockaddrs sa;
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
		if (l->fd == -1) {
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
		    st->listeners[i].sslen) == -1)) {
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
		if (cur == NULL || find_listener(cur, &old->listeners[i].ss,
		    old->listeners[i].sslen) == -1)
			(void)close(old->listeners[i].fd);
}
