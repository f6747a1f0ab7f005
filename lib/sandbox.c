#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <linux/landlock.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "sandbox.h"

/*
 * Debian 12's kernel headers stop at Landlock ABI 2; the rights and the
 * network part of later ABIs have fixed values, defined here.
 */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif
enum {
	LL_NET_BIND_TCP = 1 << 0,
	LL_NET_CONNECT_TCP = 1 << 1
};

struct ll_ruleset_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;	/* ABI 4 */
};

/* ABI 4: a rule that allows a TCP port (LANDLOCK_RULE_NET_PORT). */
enum { LL_RULE_NET_PORT = 2 };
struct ll_net_port_attr {
	uint64_t	allowed_access;
	uint64_t	port;
} __attribute__((packed));

/* The file rights each Landlock ABI version knows, to handle them all. */
static uint64_t
fs_rights(int abi)
{
	uint64_t r = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_MAKE_SYM;

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

/* Connects to these TCP ports only: the FastCGI responders. */
static void
landlock_ports(int rfd, const uint16_t *ports, size_t nports)
{
	struct ll_net_port_attr np;
	size_t i;

	for (i = 0; i < nports; i++) {
		memset(&np, 0, sizeof(np));
		np.allowed_access = LL_NET_CONNECT_TCP;
		np.port = ports[i];
		if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_NET_PORT, &np,
		    0) == -1)
			die_sys(DIE_SYS, "landlock_add_rule port %u", ports[i]);
	}
}

/* Read, write and make files below dirfd (O_TMPFILE makes one). */
static void
landlock_writable(int rfd, int dirfd)
{
	struct landlock_path_beneath_attr beneath;

	memset(&beneath, 0, sizeof(beneath));
	beneath.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG;
	beneath.parent_fd = dirfd;
	if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
	    &beneath, 0) == -1)
		die_sys(DIE_SYS, "landlock_add_rule (writable directory)");
}

static void
landlock_readonly(const char *root, const uint16_t *ports, size_t nports,
    int writable_dir)
{
	struct ll_ruleset_attr attr;
	struct landlock_path_beneath_attr beneath;
	int abi, rfd, dfd;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		warnx_("landlock unavailable (%s); seccomp only",
		    strerror(errno));
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = fs_rights(abi);
	/* ABI 4 adds TCP: no bind and no connect at all. */
	if (abi >= 4)
		attr.handled_access_net = LL_NET_BIND_TCP |
		    LL_NET_CONNECT_TCP;
	rfd = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    abi >= 4 ? sizeof(attr) :
	    offsetof(struct ll_ruleset_attr, handled_access_net), 0);
	if (rfd == -1)
		die_sys(DIE_SYS, "landlock_create_ruleset");
	if (abi >= 4)
		landlock_ports(rfd, ports, nports);
	/* "/" here is the chroot: read files and list directories. */
	if ((dfd = open("/", O_PATH | O_CLOEXEC)) == -1)
		die_sys(DIE_SYS, "open / for landlock");
	memset(&beneath, 0, sizeof(beneath));
	beneath.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR;
	beneath.parent_fd = dfd;
	if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
	    &beneath, 0) == -1)
		die_sys(DIE_SYS, "landlock_add_rule %s", root);
	(void)close(dfd);
	if (writable_dir != -1)
		landlock_writable(rfd, writable_dir);
	if (syscall(SYS_landlock_restrict_self, rfd, 0) == -1)
		die_sys(DIE_SYS, "landlock_restrict_self");
	(void)close(rfd);
}

/* What a serving worker calls, glibc's own needs included. */
static const int worker_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(write), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(close), SCMP_SYS(openat),
	SCMP_SYS(openat2), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(lseek), SCMP_SYS(getdents64),
	SCMP_SYS(sendfile), SCMP_SYS(fcntl), SCMP_SYS(fadvise64),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
	SCMP_SYS(epoll_ctl), SCMP_SYS(accept4), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(shutdown), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(brk), SCMP_SYS(mmap),
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect),
	SCMP_SYS(madvise), SCMP_SYS(futex), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(getrandom), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group)
};

/*
 * A FastCGI client: socket(2) for stream sockets of the three families
 * only, with exactly the flags httpd uses, and connect(2).  Where it may
 * connect to is Landlock's business (TCP ports) and the chroot's (UNIX
 * socket paths).
 */
static void
seccomp_allow_sockets(scmp_filter_ctx ctx)
{
	static const int families[] = { AF_UNIX, AF_INET, AF_INET6 };
	const scmp_datum_t type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]),
		    SCMP_A1(SCMP_CMP_EQ, type)) != 0)
			die(DIE_SYS, "seccomp_rule_add socket failed");
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(connect), 0) != 0)
		die(DIE_SYS, "seccomp_rule_add connect failed");
}

static void
seccomp_allow(const int *calls, size_t n, bool sockets)
{
	scmp_filter_ctx ctx;
	size_t i;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		die(DIE_SYS, "seccomp_init failed");
	for (i = 0; i < n; i++)
		if (calls[i] >= 0 &&
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0) != 0)
			die(DIE_SYS, "seccomp_rule_add %d failed", calls[i]);
	if (sockets)
		seccomp_allow_sockets(ctx);
	if (seccomp_load(ctx) != 0)
		die(DIE_SYS, "seccomp_load failed");
	seccomp_release(ctx);
}

void
sandbox_worker(const char *root, bool fastcgi, const uint16_t *ports,
    size_t nports, int writable_dir)
{
	landlock_readonly(root, ports, nports, writable_dir);
	seccomp_allow(worker_syscalls,
	    sizeof(worker_syscalls) / sizeof(worker_syscalls[0]), fastcgi);
}
