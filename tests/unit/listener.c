/*
 * Unit tests of listeners: what each kind of configured address resolves
 * to, a socket opened with the tcp options applied, and the message of a
 * bind that fails.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/listener.h"
#include "tap.h"

static struct addr
parsed(const char *text)
{
	struct addr a;
	const char *why;

	memset(&a, 0, sizeof(a));
	(void)addr_parse(text, false, &a, &why);
	return a;
}

static uint16_t
port_of(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)(const void *)ss)->sin_port);
}

static void
test_resolve(void)
{
	struct listen_addrs la;
	struct addr a;

	a = parsed("*");
	ok(listener_resolve(&a, 80, &la) && la.n == 2 &&
	    la.ss[0].ss_family == AF_INET && la.ss[1].ss_family == AF_INET6 &&
	    port_of(&la.ss[0]) == 80, "* is 0.0.0.0 and ::, with the port");
	a = parsed("127.0.0.2");
	ok(listener_resolve(&a, 8080, &la) && la.n == 1 &&
	    la.len[0] == sizeof(struct sockaddr_in), "an IPv4 number is itself");
	a = parsed("lo");
	ok(listener_resolve(&a, 1, &la) && la.n >= 1 &&
	    la.ss[0].ss_family == AF_INET, "an interface gives its addresses");
	a = parsed("localhost");
	ok(listener_resolve(&a, 1, &la) && la.n >= 1, "a host name resolves");
	a = parsed("no-such-interface.invalid");
	ok(!listener_resolve(&a, 1, &la), "a name that is neither fails");
}

static void
test_open(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ss;
	socklen_t len = sizeof(ss);
	struct sockopts so;
	char err[128], want[128];
	int fd, fd2, ttl = 0;
	socklen_t tl = sizeof(ttl);

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sockopts_init(&so, 16);
	so.ip_ttl = 42;
	fd = listener_open(&ss, sizeof(*sin), &so, err, sizeof(err));
	ok(fd != -1 && getsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, &tl) == 0 &&
	    ttl == 42, "a listener with ip ttl 42");
	(void)getsockname(fd, (struct sockaddr *)&ss, &len);
	so.ip_ttl = SOCKOPTS_UNSET;
	fd2 = listener_open(&ss, sizeof(*sin), &so, err, sizeof(err));
	(void)snprintf(want, sizeof(want), "bind 127.0.0.1 port %u",
	    (unsigned)port_of(&ss));
	ok(fd2 == -1 && errno == EADDRINUSE && strcmp(err, want) == 0,
	    "a taken port: EADDRINUSE and '%s'", err);
	so.ip_ttl = 300;
	sin->sin_port = 0;
	fd2 = listener_open(&ss, sizeof(*sin), &so, err, sizeof(err));
	ok(fd2 == -1 && strcmp(err, "setsockopt ip ttl") == 0,
	    "an option the kernel refuses is named");
	(void)close(fd);
}

int
main(void)
{
	test_resolve();
	test_open();
	return done_testing();
}
