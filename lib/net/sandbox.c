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

#include "base/die.h"
#include "net/sandbox.h"

/*
 * Debian 12's kernel headers stop at Landlock ABI 2; the rights, the
 * network part and the scopes of later ABIs have fixed values, defined
 * here.
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
/* ABI 6: no connect to abstract UNIX sockets made outside the domain. */
enum { LL_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0 };
enum { LL_ABI_SCOPE = 6 };

struct ll_ruleset_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;	/* ABI 4 */
	uint64_t	scoped;			/* ABI 6 */
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

static void
landlock_port(int rfd, uint64_t access, uint16_t port)
{
	struct ll_net_port_attr np;

	memset(&np, 0, sizeof(np));
	np.allowed_access = access;
	np.port = port;
	if (syscall(SYS_landlock_add_rule, rfd, LL_RULE_NET_PORT, &np, 0) ==
	    -1)
		die_sys(DIE_SYS, "landlock_add_rule port %u", port);
}

/*
 * Connects to these TCP ports only (the FastCGI responders, relay's
 * hosts), and binds to port 0 only -- an ephemeral port of an address
 * chosen by the caller -- when asked.
 */
static void
landlock_ports(int rfd, const struct sandbox_sockets *s)
{
	size_t i;

	for (i = 0; i < s->nports && !s->connect_any; i++)
		landlock_port(rfd, LL_NET_CONNECT_TCP, s->ports[i]);
	if (s->bind_ephemeral)
		landlock_port(rfd, LL_NET_BIND_TCP, 0);
}

int
sandbox_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);

	return abi < 1 ? 0 : (int)abi;
}

/* The ABI asked for, never above the kernel's. */
static int
landlock_abi(int want)
{
	int abi = sandbox_landlock_abi();

	return want >= 0 && want < abi ? want : abi;
}

bool
sandbox_worker_check(bool unix_paths, int abi, char *err, size_t errlen)
{
	abi = landlock_abi(abi);
	if (!unix_paths || abi >= LL_ABI_SCOPE)
		return true;
	return fail_at(err, errlen, "fastcgi on a UNIX socket needs Landlock "
	    "ABI %d (Linux 6.12 or later) to keep workers away from abstract "
	    "UNIX sockets; this kernel has ABI %d: use fastcgi over TCP, or "
	    "a newer kernel", LL_ABI_SCOPE, abi);
}

/* The size of the ruleset attributes an ABI version knows. */
static size_t
ruleset_size(int abi)
{
	if (abi >= LL_ABI_SCOPE)
		return sizeof(struct ll_ruleset_attr);
	if (abi >= 4)
		return offsetof(struct ll_ruleset_attr, scoped);
	return offsetof(struct ll_ruleset_attr, handled_access_net);
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
landlock_readonly(const char *root, const struct sandbox_sockets *s,
    int writable_dir, int abi)
{
	struct ll_ruleset_attr attr;
	struct landlock_path_beneath_attr beneath;
	int rfd, dfd;

	if (abi < 1) {
		warnx_("landlock unavailable; seccomp only");
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = fs_rights(abi);
	/* ABI 4 adds TCP: no bind and no connect at all. */
	if (abi >= 4)
		attr.handled_access_net = LL_NET_BIND_TCP |
		    (s->connect_any ? 0 : LL_NET_CONNECT_TCP);
	/* ABI 6: abstract sockets (a way out of any chroot) are gone. */
	if (abi >= LL_ABI_SCOPE)
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET;
	rfd = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    ruleset_size(abi), 0);
	if (rfd == -1)
		die_sys(DIE_SYS, "landlock_create_ruleset");
	if (abi >= 4)
		landlock_ports(rfd, s);
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
 * What relay's workers call besides: splice(2) through pipes of their
 * own (tcp splice), inotify watches on the state directory (tables/ may
 * appear late), poll for the key process's answers, clock reads for
 * skalibs' timed calls.
 */
static const int relay_syscalls[] = {
	SCMP_SYS(splice), SCMP_SYS(pipe2), SCMP_SYS(inotify_add_watch),
	SCMP_SYS(inotify_rm_watch), SCMP_SYS(poll), SCMP_SYS(ppoll)
};

/*
 * A FastCGI client: socket(2) for stream sockets, with exactly the flags
 * httpd uses, of the families its responders need only, and connect(2).
 * Where it may connect to is Landlock's business (TCP ports, abstract
 * UNIX sockets) and the chroot's (UNIX socket paths).  A worker without
 * responders creates no socket: syslog's is connected before the
 * sandbox.
 */
static void
seccomp_allow_family(scmp_filter_ctx ctx, int family)
{
	const scmp_datum_t type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;

	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)family),
	    SCMP_A1(SCMP_CMP_EQ, type)) != 0)
		die(DIE_SYS, "seccomp_rule_add socket failed");
}

static void
seccomp_allow_sockets(scmp_filter_ctx ctx, const struct sandbox_sockets *s)
{
	if (!s->unix_paths && s->nports == 0)
		return;
	if (s->unix_paths)
		seccomp_allow_family(ctx, AF_UNIX);
	if (s->nports > 0) {
		seccomp_allow_family(ctx, AF_INET);
		seccomp_allow_family(ctx, AF_INET6);
	}
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(connect), 0) != 0)
		die(DIE_SYS, "seccomp_rule_add connect failed");
	if (s->bind_ephemeral &&
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(bind), 0) != 0)
		die(DIE_SYS, "seccomp_rule_add bind failed");
}

static void
seccomp_add(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (calls[i] >= 0 &&
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0) != 0)
			die(DIE_SYS, "seccomp_rule_add %d failed", calls[i]);
}

static void
seccomp_allow(const int *calls, size_t n, const int *more, size_t nmore,
    const struct sandbox_sockets *s)
{
	scmp_filter_ctx ctx;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL)
		die(DIE_SYS, "seccomp_init failed");
	seccomp_add(ctx, calls, n);
	seccomp_add(ctx, more, nmore);
	seccomp_allow_sockets(ctx, s);
	if (seccomp_load(ctx) != 0)
		die(DIE_SYS, "seccomp_load failed");
	seccomp_release(ctx);
}

void
sandbox_worker(const char *root, const struct sandbox_sockets *s,
    int writable_dir, int abi)
{
	char err[256];

	abi = landlock_abi(abi);
	if (!sandbox_worker_check(s->unix_paths, abi, err, sizeof(err)))
		die(DIE_CONFIG, "%s", err);
	landlock_readonly(root, s, writable_dir, abi);
	seccomp_allow(worker_syscalls,
	    sizeof(worker_syscalls) / sizeof(worker_syscalls[0]), NULL, 0, s);
}

void
sandbox_relay(const struct sandbox_sockets *s, int abi)
{
	abi = landlock_abi(abi);
	landlock_readonly("/", s, -1, abi);
	seccomp_allow(worker_syscalls,
	    sizeof(worker_syscalls) / sizeof(worker_syscalls[0]),
	    relay_syscalls, sizeof(relay_syscalls) / sizeof(relay_syscalls[0]),
	    s);
}

void
sandbox_landlock_readonly(void)
{
	const struct sandbox_sockets none = { false, NULL, 0, false, false };

	landlock_readonly("/", &none, -1, landlock_abi(SANDBOX_ABI_KERNEL));
}

/*
 * routerd after its drop to CAP_NET_ADMIN: netlink requests on the
 * socket it opened as root (sendto, recvmsg), inotify on the state
 * directory, and reading files -- status files, and the configuration
 * and rt_realms again on SIGHUP.  No new socket, no TCP (Landlock), the
 * whole file system read-only: routerd writes nothing but routes.
 */
static const int routerd_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(close),
	SCMP_SYS(openat), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(lseek), SCMP_SYS(getdents64),
	SCMP_SYS(fcntl), SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(sendto),
	SCMP_SYS(recvfrom), SCMP_SYS(recvmsg), SCMP_SYS(inotify_add_watch),
	SCMP_SYS(inotify_rm_watch), SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(brk),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(restart_syscall), SCMP_SYS(exit), SCMP_SYS(exit_group)
};

void
sandbox_routerd(void)
{
	const struct sandbox_sockets none = { false, NULL, 0, false, false };

	sandbox_landlock_readonly();
	seccomp_allow(routerd_syscalls,
	    sizeof(routerd_syscalls) / sizeof(routerd_syscalls[0]), NULL, 0,
	    &none);
}

/* relay's key process: answers on its sockets, nothing else. */
static const int keyproc_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(brk),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(futex),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(fcntl)
};

void
sandbox_keyproc(void)
{
	const struct sandbox_sockets none = { false, NULL, 0, false, false };

	landlock_readonly("/", &none, -1, landlock_abi(SANDBOX_ABI_KERNEL));
	seccomp_allow(keyproc_syscalls,
	    sizeof(keyproc_syscalls) / sizeof(keyproc_syscalls[0]), NULL, 0,
	    &none);
}
