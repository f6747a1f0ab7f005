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

#include "base/sockaddr.h"
#include "net/listener.h"

static void
add_sockaddr(struct listen_addrs *la, const struct sockaddr *s,
    socklen_t len, uint16_t port)
{
	struct sockaddr_storage ss;
	size_t i;

	if (la->n == LISTENER_ADDRS_MAX || len > sizeof(ss))
		return;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, s, len);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	for (i = 0; i < la->n; i++)
		if (la->len[i] == len && memcmp(&la->ss[i], &ss, len) == 0)
			return;
	la->ss[la->n] = ss;
	la->len[la->n++] = len;
}

static void
add_numeric(struct listen_addrs *la, int family, const void *bytes,
    uint16_t port)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (family == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, bytes, 4);
		add_sockaddr(la, (struct sockaddr *)&sin, sizeof(sin), port);
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, bytes, 16);
		add_sockaddr(la, (struct sockaddr *)&sin6, sizeof(sin6), port);
	}
}

/* An interface name: all its IPv4 and global IPv6 addresses. */
static bool
add_interface(struct listen_addrs *la, const char *name, uint16_t port)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa) == -1)
		return false;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || strcmp(i->ifa_name, name) != 0)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			add_sockaddr(la, i->ifa_addr,
			    sizeof(struct sockaddr_in), port);
		else if (i->ifa_addr->sa_family == AF_INET6 &&
		    !IN6_IS_ADDR_LINKLOCAL(
		    &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
			add_sockaddr(la, i->ifa_addr,
			    sizeof(struct sockaddr_in6), port);
		else
			continue;
		found = true;
	}
	freeifaddrs(ifa);
	return found;
}

static bool
add_hostname(struct listen_addrs *la, const char *name, uint16_t port)
{
	struct addrinfo hints, *res, *r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return false;
	for (r = res; r != NULL; r = r->ai_next)
		add_sockaddr(la, r->ai_addr, r->ai_addrlen, port);
	freeaddrinfo(res);
	return true;
}

bool
listener_resolve(const struct addr *a, uint16_t port, struct listen_addrs *la)
{
	static const unsigned char any6[16];
	static const unsigned char any4[4];

	la->n = 0;
	switch (a->kind) {
	case ADDR_ANY:
		add_numeric(la, AF_INET, any4, port);
		add_numeric(la, AF_INET6, any6, port);
		return true;
	case ADDR_INET:
		add_numeric(la, AF_INET, a->bytes, port);
		return true;
	case ADDR_INET6:
		add_numeric(la, AF_INET6, a->bytes, port);
		return true;
	case ADDR_NAME:
		break;
	}
	return add_interface(la, a->name, port) ||
	    add_hostname(la, a->name, port);
}

/* Set one int option; on failure say which in err. */
static bool
set_int(int fd, int level, int opt, long long v, const char *what,
    char *err, size_t errlen)
{
	int i = (int)v;

	if (setsockopt(fd, level, opt, &i, sizeof(i)) == 0)
		return true;
	(void)snprintf(err, errlen, "setsockopt %s", what);
	return false;
}

static bool
apply(int fd, int family, const struct sockopts *so, char *err,
    size_t errlen)
{
	int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;

	if (!set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR", err,
	    errlen) || (family == AF_INET6 && !set_int(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, 1, "IPV6_V6ONLY", err, errlen)))
		return false;
	if (so->ip_ttl >= 0 && !set_int(fd, level, family == AF_INET ?
	    IP_TTL : IPV6_UNICAST_HOPS, so->ip_ttl, "ip ttl", err, errlen))
		return false;
	if (so->ip_minttl >= 0 && !set_int(fd, level, family == AF_INET ?
	    IP_MINTTL : IPV6_MINHOPCOUNT, so->ip_minttl, "ip minttl", err,
	    errlen))
		return false;
	if (so->socket_buffer >= 0 && (!set_int(fd, SOL_SOCKET, SO_RCVBUF,
	    so->socket_buffer, "SO_RCVBUF", err, errlen) ||
	    !set_int(fd, SOL_SOCKET, SO_SNDBUF, so->socket_buffer,
	    "SO_SNDBUF", err, errlen)))
		return false;
	return true;
}

static int
open_bound(int type, const struct sockaddr_storage *ss, socklen_t len,
    const struct sockopts *so, char *err, size_t errlen)
{
	char host[SOCKADDR_TEXT_MAX];
	uint16_t port;
	int fd, e;

	if ((fd = socket(ss->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		(void)snprintf(err, errlen, "socket");
		return -1;
	}
	if (!apply(fd, ss->ss_family, so, err, errlen))
		goto fail;
	if (bind(fd, (const struct sockaddr *)ss, len) == -1 ||
	    (type == SOCK_STREAM && listen(fd, (int)so->backlog) == -1)) {
		sockaddr_text(ss, host, sizeof(host), &port);
		(void)snprintf(err, errlen, "bind %s port %u", host,
		    (unsigned)port);
		goto fail;
	}
	return fd;
fail:
	e = errno;
	(void)close(fd);
	errno = e;
	return -1;
}

int
listener_open(const struct sockaddr_storage *ss, socklen_t len,
    const struct sockopts *so, char *err, size_t errlen)
{
	return open_bound(SOCK_STREAM, ss, len, so, err, errlen);
}

int
listener_open_udp(const struct sockaddr_storage *ss, socklen_t len,
    const struct sockopts *so, char *err, size_t errlen)
{
	return open_bound(SOCK_DGRAM, ss, len, so, err, errlen);
}

bool
listener_hand_down(int lfd, bool nodelay, int defer_seconds)
{
	int v = nodelay;

	return setsockopt(lfd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) == 0 &&
	    setsockopt(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_seconds,
	    sizeof(defer_seconds)) == 0;
}

int
listener_accept(int lfd, struct sockaddr_storage *peer, bool *exhausted)
{
	socklen_t len = sizeof(*peer);
	int fd;

	fd = accept4(lfd, (struct sockaddr *)peer, &len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	*exhausted = fd == -1 && (errno == EMFILE || errno == ENFILE ||
	    errno == ENOBUFS || errno == ENOMEM);
	return fd;
}
