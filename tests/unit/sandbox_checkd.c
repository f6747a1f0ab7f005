/*
 * checkd's checker filter (lib/sandbox_checkd.c), loaded in a forked
 * child: the calls the checks make still work, and those that would let
 * a compromised checker forge packets on the raw ICMP socket root gave
 * it (IP_HDRINCL, IP options, other socket types, sendmsg) kill it.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <signal.h>
#include <unistd.h>

#include "net/sandbox.h"
#include "sandboxed.h"
#include "tap.h"

static int raw = -1;	/* a raw ICMP socket as checkd's, or TCP */

static int
set_int(int level, int name)
{
	int v = 1;

	return setsockopt(raw, level, name, &v, sizeof(v)) == 0 ? 0 : 1;
}

static int
ttl(void)
{
	return set_int(IPPROTO_IP, IP_TTL);
}

static int
linger(void)
{
	struct linger lg = { 1, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	return fd != -1 &&
	    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0 ? 0 : 1;
}

static int
tcp6(void)
{
	(void)socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return 0;	/* allowed, whether or not there is IPv6 */
}

static int
hdrincl(void)
{
	return set_int(IPPROTO_IP, IP_HDRINCL);
}

static int
ip_options(void)
{
	static const unsigned char nop[4] = { 1, 1, 1, 0 };

	return setsockopt(raw, IPPROTO_IP, IP_OPTIONS, nop, sizeof(nop)) == 0 ?
	    0 : 1;
}

static int
udp(void)
{
	return socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) ==
	    -1;
}

static int
new_raw(void)
{
	return socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_RAW) == -1;
}

static int
tcp_blocking(void)
{
	return socket(AF_INET, SOCK_STREAM, 0) == -1;
}

static int
send_msg(void)
{
	struct msghdr m = { 0 };

	return sendmsg(raw, &m, 0) == -1;
}

static int
filtered(int (*fn)(void))
{
	return sandboxed_run(sandbox_checkd, fn);
}

int
main(void)
{
	static const struct {
		int		(*fn)(void);
		const char	*what;
	} denied[] = {
		{ hdrincl, "setsockopt IP_HDRINCL" },
		{ ip_options, "setsockopt IP_OPTIONS" },
		{ udp, "a UDP socket" },
		{ new_raw, "a new raw socket" },
		{ tcp_blocking, "a TCP socket without the flags probe.c uses" },
		{ send_msg, "sendmsg (control messages)" }
	};
	size_t i;

	raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (raw == -1)	/* not root: the filter decides before the kernel */
		raw = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ok(raw != -1, "a socket to try options on");
	ok(filtered(ttl) == 0, "allowed: setsockopt IP_TTL (ip ttl)");
	ok(filtered(linger) == 0,
	    "allowed: a non-blocking TCP socket and SO_LINGER");
	ok(filtered(tcp6) == 0, "allowed: a TCP socket over IPv6");
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		ok(filtered(denied[i].fn) == -SIGSYS, "killed: %s",
		    denied[i].what);
	return done_testing();
}
