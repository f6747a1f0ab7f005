/*
 * The serving worker's sandbox, probed from outside: a child applies
 * sandbox_worker() as httpd's worker does and then tries what a worker
 * taken over would try -- an abstract UNIX socket the parent listens on
 * (no chroot or file rule hides those), a UNIX socket when it has no
 * responder on one -- and reports what happened through a pipe.  The
 * lower Landlock ABI of older kernels is forced through the function's
 * own argument.
 */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/sandbox.h"
#include "tap.h"

enum { SOCK_FLAGS = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC };

static struct sockaddr_un abstract_addr, path_addr;
static socklen_t abstract_len;
static char dir[] = "/tmp/sandbox-unit.XXXXXX";

static int
listening(const struct sockaddr_un *sun, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1 || bind(fd, (const struct sockaddr *)sun, len) == -1 ||
	    listen(fd, 8) == -1) {
		perror("listening socket");
		exit(1);
	}
	return fd;
}

/* 0 if a connect to the address succeeded, else its errno. */
static int
try_connect(const struct sockaddr_un *sun, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_FLAGS, 0);

	if (fd == -1)
		return errno;
	if (connect(fd, (const struct sockaddr *)sun, len) == -1)
		return errno;
	(void)close(fd);
	return 0;
}

/*
 * Run probe in a sandboxed child; its two results come back in r.  The
 * status says how the child ended (a seccomp kill is SIGSYS).
 */
static int
sandboxed(const struct sandbox_sockets *s, int abi, int r[2])
{
	int p[2], status;
	pid_t pid;

	r[0] = r[1] = -1;
	(void)fflush(stdout);	/* else a dying child prints it again */
	if (pipe(p) == -1 || (pid = fork()) == -1) {
		perror("pipe/fork");
		exit(1);
	}
	if (pid == 0) {
		int out[2];

		(void)close(p[0]);
		/* Stay quiet: a refusal's message is not a test result. */
		(void)freopen("/dev/null", "w", stderr);
		sandbox_worker("/", s, -1, abi);
		out[0] = try_connect(&abstract_addr, abstract_len);
		out[1] = try_connect(&path_addr, sizeof(path_addr));
		(void)write(p[1], out, sizeof(out));
		/* Not _exit(): the sanitizers' exit checks would be killed. */
		syscall(SYS_exit_group, 0);
	}
	(void)close(p[1]);
	if (read(p[0], r, 2 * sizeof(int)) != 2 * sizeof(int))
		r[0] = r[1] = -1;
	(void)close(p[0]);
	(void)waitpid(pid, &status, 0);
	return status;
}

static bool
killed_by_seccomp(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

int
main(void)
{
	static const uint16_t ports[] = { 9000 };
	struct sandbox_sockets unix_only = { true, NULL, 0, false, false };
	struct sandbox_sockets tcp_only = { false, ports, 1, false, false };
	struct sandbox_sockets none = { false, NULL, 0, false, false };
	char err[256];
	int afd, pfd, status, r[2];
	size_t n;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	/* An abstract name: a NUL, then the name, its length in the size. */
	abstract_addr.sun_family = AF_UNIX;
	n = (size_t)snprintf(abstract_addr.sun_path + 1,
	    sizeof(abstract_addr.sun_path) - 1, "httpd-sandbox-%ld",
	    (long)getpid());
	abstract_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    1 + n);
	path_addr.sun_family = AF_UNIX;
	(void)snprintf(path_addr.sun_path, sizeof(path_addr.sun_path),
	    "%s/fcgi.sock", dir);
	afd = listening(&abstract_addr, abstract_len);
	pfd = listening(&path_addr, sizeof(path_addr));

	ok(try_connect(&abstract_addr, abstract_len) == 0,
	    "unconfined, the abstract socket is reachable");

	/* The check the parent makes before it starts workers. */
	ok(sandbox_worker_check(true, 6, err, sizeof(err)),
	    "check: UNIX socket paths under Landlock ABI 6");
	ok(!sandbox_worker_check(true, 5, err, sizeof(err)) &&
	    strstr(err, "needs Landlock ABI 6 (Linux 6.12 or later)") != NULL,
	    "check: refused under ABI 5, naming the kernel needed: %s", err);
	ok(sandbox_worker_check(false, 0, err, sizeof(err)),
	    "check: no UNIX socket path needs no Landlock");

	if (sandbox_landlock_abi() >= 6) {
		status = sandboxed(&unix_only, SANDBOX_ABI_KERNEL, r);
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "UNIX responder: the sandboxed child runs");
		ok(r[0] == EPERM, "... an abstract socket is refused "
		    "(EPERM; got %s)", r[0] > 0 ? strerror(r[0]) : "success");
		ok(r[1] == 0, "... the responder's socket path is reached "
		    "(%s)", r[1] > 0 ? strerror(r[1]) : "success");
	} else
		printf("# skip: Landlock ABI %d, abstract scope needs 6\n",
		    sandbox_landlock_abi());

	status = sandboxed(&unix_only, 5, r);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 1 && r[0] == -1,
	    "UNIX responder under ABI 5: the worker refuses to start");

	status = sandboxed(&tcp_only, SANDBOX_ABI_KERNEL, r);
	ok(killed_by_seccomp(status),
	    "TCP responders only: socket(AF_UNIX) kills the worker");
	status = sandboxed(&tcp_only, 3, r);
	ok(killed_by_seccomp(status), "... under ABI 3 as well");
	status = sandboxed(&none, SANDBOX_ABI_KERNEL, r);
	ok(killed_by_seccomp(status),
	    "no responder: socket(AF_UNIX) kills the worker");

	ok(try_connect(&path_addr, sizeof(path_addr)) == 0,
	    "the parent, unconfined, still reaches both");
	(void)close(afd);
	(void)close(pfd);
	(void)unlink(path_addr.sun_path);
	(void)rmdir(dir);
	return done_testing();
}
