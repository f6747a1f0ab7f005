#include <sys/socket.h>

#include <seccomp.h>
#include <stddef.h>

#include "base/die.h"
#include "net/sandbox.h"

/* What the checker calls after the drop, glibc's own needs included. */
static const int checkd_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(close),
	SCMP_SYS(openat), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(lseek), SCMP_SYS(getdents64),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlinkat),
	SCMP_SYS(fcntl), SCMP_SYS(connect), SCMP_SYS(getsockopt),
	SCMP_SYS(setsockopt), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
	SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2), SCMP_SYS(epoll_ctl),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group)
};

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
	/* New sockets: TCP checks over IPv4 and IPv6, nothing else. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	    SCMP_A0(SCMP_CMP_EQ, AF_INET)) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
	    SCMP_A0(SCMP_CMP_EQ, AF_INET6)) != 0)
		die(DIE_SYS, "seccomp_rule_add socket failed");
	if (seccomp_load(ctx) != 0)
		die(DIE_SYS, "seccomp_load failed");
	seccomp_release(ctx);
}
