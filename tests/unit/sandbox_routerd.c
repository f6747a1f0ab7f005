/*
 * routerd's sandbox (sandbox_routerd in lib/sandbox.c), loaded in a
 * forked child: netlink requests on the socket opened before, and file
 * reads, still work; a new socket of any kind, exec and fork kill it;
 * and under Landlock no file can be written.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "net/sandbox.h"
#include "sandboxed.h"
#include "tap.h"

static int nl = -1;	/* NETLINK_ROUTE, opened before the filter */

/* A dump of the IPv4 routes, and its first answer read back. */
static int
netlink_dump(void)
{
	struct {
		struct nlmsghdr	h;
		struct rtmsg	r;
	} req;
	char buf[16384];
	struct sockaddr_nl sa;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETROUTE;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.rtm_family = AF_INET;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(nl, &req, sizeof(req), 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1)
		return 1;
	memset(&m, 0, sizeof(m));
	m.msg_name = &sa;
	m.msg_namelen = sizeof(sa);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	return recvmsg(nl, &m, 0) > 0 ? 0 : 1;
}

static int
read_file(void)
{
	char buf[64];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	return fd != -1 && read(fd, buf, sizeof(buf)) > 0 ? 0 : 1;
}

/* Refused (not killed): 2 when Landlock says no, 0 if the file opens. */
static int
write_file(void)
{
	int fd = open("/tmp", O_WRONLY | O_TMPFILE | O_CLOEXEC, 0600);

	return fd == -1 && errno == EACCES ? 2 : 0;
}

static int
new_netlink(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE) ==
	    -1;
}

static int
new_tcp(void)
{
	return socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) ==
	    -1;
}

static int
exec_shell(void)
{
	char *const argv[] = { (char *)"/bin/true", NULL };

	(void)execve("/bin/true", argv, NULL);
	return 1;
}

static int
fork_child(void)
{
	return syscall(SYS_fork) == -1;
}

static int
sandboxed(int (*fn)(void))
{
	return sandboxed_run(sandbox_routerd, fn);
}

int
main(void)
{
	static const struct {
		int		(*fn)(void);
		const char	*what;
	} killed[] = {
		{ new_netlink, "a new netlink socket" },
		{ new_tcp, "a TCP socket" },
		{ exec_shell, "execve" },
		{ fork_child, "fork" }
	};
	size_t i;

	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ok(nl != -1, "a netlink socket opened before the sandbox");
	ok(sandboxed(netlink_dump) == 0,
	    "allowed: a route dump over the open socket (sendto, recvmsg)");
	ok(sandboxed(read_file) == 0, "allowed: reading a file");
	/* Without Landlock (an old kernel) the file opens: nothing to see. */
	ok(sandboxed(write_file) == (sandbox_landlock_abi() > 0 ? 2 : 0),
	    "Landlock: no file is written (ABI %d)", sandbox_landlock_abi());
	for (i = 0; i < sizeof(killed) / sizeof(killed[0]); i++)
		ok(sandboxed(killed[i].fn) == -SIGSYS, "killed: %s",
		    killed[i].what);
	return done_testing();
}
