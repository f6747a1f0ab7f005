#include <sys/socket.h>

#include <netinet/in.h>

#include <seccomp.h>
#include <stddef.h>

#include "base/die.h"
#include "net/sandbox.h"

/*
 * What the checker calls after the drop, glibc's own needs included.
 * Not sendmsg: its control messages (IP_RETOPTS, IP_PKTINFO) would let
 * a checker that owns a raw socket set options of the packets it sends;
 * send and recv are sendto and recvfrom.
 */
static const int checkd_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(close),
	SCMP_SYS(openat), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(lseek), SCMP_SYS(getdents64),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlinkat),
	SCMP_SYS(fcntl), SCMP_SYS(connect), SCMP_SYS(getsockopt),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2), SCMP_SYS(epoll_ctl),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group)
};

/*
 * The socket options the checks set, and no other: the checker holds
 * raw ICMP sockets root opened, where IP_HDRINCL or IP_OPTIONS would
 * let it forge packets.  SO_LINGER resets a finished TCP check, the
 * TTLs are "ip ttl" (probe.c, icmp.c).
 */
static const struct {
	int	level, name;
} checkd_sockopts[] = {
	{ SOL_SOCKET, SO_LINGER },
	{ IPPROTO_IP, IP_TTL },
	{ IPPROTO_IPV6, IPV6_UNICAST_HOPS }
};

static void
allow_sockets(scmp_filter_ctx ctx)
{
	static const int families[] = { AF_INET, AF_INET6 };
	const scmp_datum_t tcp = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
	size_t i;

	/* New sockets: TCP checks (probe.c), exactly as it makes them. */
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]),
		    SCMP_A1(SCMP_CMP_EQ, tcp), SCMP_A2(SCMP_CMP_EQ, 0)) != 0)
			die(DIE_SYS, "seccomp_rule_add socket failed");
	for (i = 0; i < sizeof(checkd_sockopts) / sizeof(checkd_sockopts[0]);
	    i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt),
		    2, SCMP_A1(SCMP_CMP_EQ,
		    (scmp_datum_t)checkd_sockopts[i].level),
		    SCMP_A2(SCMP_CMP_EQ,
		    (scmp_datum_t)checkd_sockopts[i].name)) != 0)
			die(DIE_SYS, "seccomp_rule_add setsockopt failed");
}

void
sandbox_checkd(void)
{
	scmp_filter_ctx ctx;
	size_t i;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		die(DIE_SYS, "seccomp_init failed");
	for (i = 0; i < sizeof(checkd_syscalls) / sizeof(checkd_syscalls[0]);
	    i++)
		if (checkd_syscalls[i] >= 0 && seccomp_rule_add(ctx,
		    SCMP_ACT_ALLOW, checkd_syscalls[i], 0) != 0)
			die(DIE_SYS, "seccomp_rule_add %d failed",
			    checkd_syscalls[i]);
	allow_sockets(ctx);
	if (seccomp_load(ctx) != 0)
		die(DIE_SYS, "seccomp_load failed");
	seccomp_release(ctx);
}
