#include <sys/socket.h>

#include <linux/netlink.h>

#include <errno.h>
#include <seccomp.h>
#include <stddef.h>

#include "base/die.h"
#include "net/sandbox.h"

/*
 * What redirectd calls after the drop, libnftables' and glibc's needs
 * included, as strace -f showed them: files (its configuration, status
 * files, the iproute2 name tables nftables reads), inotify, poll (and
 * pselect6: libnftables waits for netlink answers with select), and
 * netlink messages.
 */
static const int redirectd_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(close),
	SCMP_SYS(openat), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(lseek), SCMP_SYS(fcntl),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(pselect6), SCMP_SYS(select),
	SCMP_SYS(inotify_add_watch), SCMP_SYS(inotify_rm_watch),
	SCMP_SYS(bind), SCMP_SYS(getsockname), SCMP_SYS(getsockopt),
	SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	SCMP_SYS(time), SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap),
	SCMP_SYS(mremap), SCMP_SYS(mprotect), SCMP_SYS(madvise),
	SCMP_SYS(futex), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(uname),
	SCMP_SYS(getrandom), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group)
};

static void
rule(scmp_filter_ctx ctx, uint32_t action, int call, unsigned n,
    struct scmp_arg_cmp a, struct scmp_arg_cmp b)
{
	if (seccomp_rule_add(ctx, action, call, n, a, b) != 0)
		die(DIE_SYS, "seccomp_rule_add %d failed", call);
}

/*
 * Netlink sockets of two protocols; every other family fails with
 * EACCES.  Socket options at the socket and netlink levels only
 * (libnftables sets its buffer sizes, SO_SNDBUFFORCE needing
 * CAP_NET_ADMIN, and extended acks).
 */
static void
allow_sockets(scmp_filter_ctx ctx)
{
	static const int protos[] = { NETLINK_NETFILTER, NETLINK_ROUTE };
	static const int denied[] = { AF_UNIX, AF_INET, AF_INET6 };
	static const scmp_datum_t types[] = { SOCK_RAW,
	    SOCK_RAW | SOCK_CLOEXEC };
	size_t i, j;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		for (j = 0; j < sizeof(types) / sizeof(types[0]); j++)
			if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
			    SCMP_SYS(socket), 3,
			    SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
			    SCMP_A1(SCMP_CMP_EQ, types[j]),
			    SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)protos[i])) != 0)
				die(DIE_SYS, "seccomp_rule_add socket failed");
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)denied[i]),
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)denied[i]));
	rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 1,
	    SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET), SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET));
	rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 1,
	    SCMP_A1(SCMP_CMP_EQ, SOL_NETLINK),
	    SCMP_A1(SCMP_CMP_EQ, SOL_NETLINK));
}

void
sandbox_redirectd(void)
{
	scmp_filter_ctx ctx;
	size_t i;

	sandbox_landlock_readonly();
	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		die(DIE_SYS, "seccomp_init failed");
	for (i = 0; i < sizeof(redirectd_syscalls) /
	    sizeof(redirectd_syscalls[0]); i++)
		if (redirectd_syscalls[i] >= 0 && seccomp_rule_add(ctx,
		    SCMP_ACT_ALLOW, redirectd_syscalls[i], 0) != 0)
			die(DIE_SYS, "seccomp_rule_add %d failed",
			    redirectd_syscalls[i]);
	allow_sockets(ctx);
	if (seccomp_load(ctx) != 0)
		die(DIE_SYS, "seccomp_load failed");
	seccomp_release(ctx);
}
