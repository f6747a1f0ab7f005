/*
 * check script: the checker is chrooted and under seccomp and cannot
 * exec, so scripts run from a helper process it forks first.  The helper
 * drops to the same unprivileged user with no_new_privs but keeps the
 * real root directory and no seccomp filter, so that it can fork and
 * exec the script by its configured path.  It speaks to the checker over
 * a SOCK_SEQPACKET pair, one fixed-size record per request and reply.
 *
 * The checker parses what hostile peers send, so the helper trusts no
 * more of a request than a host id: it was forked with the checker's
 * tables and looks up the script, the host name and the timeout itself.
 * A request for a host that is not in a script-checked table is refused.
 * As relayd does, the script gets the host name as its argument, a
 * positive exit status means up and 0 down, and it is killed (with its
 * process group) at the table's timeout.
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "checkd.h"

enum { SCRIPTS_MAX = 1024 };	/* running at once; more fail at once */

struct script_req {
	uint32_t	id;	/* the host to check, by its relayd id */
	uint32_t	round;	/* echoed in the reply */
};

struct script_rep {
	uint32_t	id;
	uint32_t	round;
	int32_t		status;	/* exit status; -1 killed; -2 not started */
};

struct running {
	pid_t		pid;
	bool		killed;
	int64_t		deadline;
	struct script_rep rep;
};

static void
reply(int sock, struct script_rep *rep, int32_t status)
{
	rep->status = status;
	(void)send(sock, rep, sizeof(*rep), MSG_NOSIGNAL);
}

/*
 * In the child: exec the host's script.  errfd, closed by a successful
 * exec, carries errno back if the exec fails, so that a script that does
 * not exist is "not started", never an exit status read as up.
 */
_Noreturn static void
run_script(const struct host *h, int errfd)
{
	const char *path = h->table->check->path;
	sigset_t none;
	int null, e;

	(void)setpgid(0, 0);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(null, STDIN_FILENO);
		(void)dup2(null, STDOUT_FILENO);
	}
	/*
	 * Nothing of the helper's but 0-2 (and the error pipe, closed by the
	 * exec): with the reply socket a script could forge any host's
	 * result.  Rather no script than a leak.
	 */
	if (dup2(errfd, 3) == -1 || fcntl(3, F_SETFD, FD_CLOEXEC) == -1 ||
	    syscall(SYS_close_range, 4u, ~0u, 0) == -1)
		_exit(127);
	execl(path, path, h->conf->name, (char *)NULL);
	e = errno;
	if (write(3, &e, sizeof(e)) != (ssize_t)sizeof(e))
		_exit(126);
	_exit(127);
}

/*
 * Wait for the child's exec: true if the script runs, false (child
 * reaped) if it could not be started.
 */
static bool
exec_started(pid_t pid, int errfd)
{
	ssize_t n;
	int e;

	do
		n = read(errfd, &e, sizeof(e));
	while (n == -1 && errno == EINTR);
	(void)close(errfd);
	if (n == 0)
		return true;
	(void)waitpid(pid, NULL, 0);
	return false;
}

/* The host a request names, or NULL (logged) if it may not have one. */
static const struct host *
request_host(const struct checker *c, const struct script_req *rq, ssize_t n)
{
	const struct host *h;

	if (n != (ssize_t)sizeof(*rq)) {
		warnx_("script helper: request refused: %zd bytes, not %zu",
		    n, sizeof(*rq));
		return NULL;
	}
	if (rq->id < 1 || rq->id > c->nids || (h = c->byid[rq->id]) == NULL) {
		warnx_("script helper: request refused: host id %u: no such "
		    "host", (unsigned)rq->id);
		return NULL;
	}
	if (h->table->check->type != RD_CHECK_SCRIPT) {
		warnx_("script helper: request refused: host id %u: not "
		    "checked by a script", (unsigned)rq->id);
		return NULL;
	}
	return h;
}

static void
launch(int sock, struct running *run, const struct script_req *rq,
    const struct host *h)
{
	struct script_rep rep = { rq->id, rq->round, -2 };
	int i, errpipe[2];
	pid_t pid;

	for (i = 0; i < SCRIPTS_MAX && run[i].pid != 0; i++)
		;
	if (i == SCRIPTS_MAX || pipe2(errpipe, O_CLOEXEC) == -1) {
		reply(sock, &rep, -2);
		return;
	}
	if ((pid = fork()) == -1) {
		(void)close(errpipe[0]);
		(void)close(errpipe[1]);
		reply(sock, &rep, -2);
		return;
	}
	if (pid == 0)
		run_script(h, errpipe[1]);
	(void)close(errpipe[1]);
	if (!exec_started(pid, errpipe[0])) {
		reply(sock, &rep, -2);
		return;
	}
	run[i].pid = pid;
	run[i].killed = false;
	run[i].deadline = now_ms() + h->table->timeout_ms;
	run[i].rep = rep;
}

static void
reap(int sock, struct running *run)
{
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < SCRIPTS_MAX; i++) {
			if (run[i].pid != pid)
				continue;
			reply(sock, &run[i].rep, run[i].killed ? -1 :
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			run[i].pid = 0;
			break;
		}
}

/* Kills what is overdue; returns the ms until the next deadline. */
static int
kill_overdue(struct running *run)
{
	int64_t now = now_ms(), next = now + 1000;
	int i;

	for (i = 0; i < SCRIPTS_MAX; i++) {
		if (run[i].pid == 0 || run[i].killed)
			continue;
		if (now >= run[i].deadline) {
			(void)kill(-run[i].pid, SIGKILL);
			(void)kill(run[i].pid, SIGKILL);
			run[i].killed = true;
		} else if (run[i].deadline < next)
			next = run[i].deadline;
	}
	return (int)(next - now);
}

_Noreturn static void
helper_loop(const struct checker *c, int sock)
{
	static struct running run[SCRIPTS_MAX];
	struct script_req rq;
	const struct host *h;
	struct pollfd pfd[2];
	sigset_t set;
	int i;

	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGCHLD);
	if ((pfd[1].fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		_exit(111);
	pfd[0].fd = sock;
	pfd[0].events = pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, kill_overdue(run)) == -1 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(pfd[1].fd, &si, sizeof(si)) > 0)
				;
			reap(sock, run);
		}
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			/* MSG_TRUNC: the real size of a longer record. */
			ssize_t n = recv(sock, &rq, sizeof(rq),
			    MSG_DONTWAIT | MSG_TRUNC);

			if (n == 0 || (n == -1 && errno != EAGAIN))
				break;	/* the checker is gone */
			if (n > 0 && (h = request_host(c, &rq, n)) != NULL)
				launch(sock, run, &rq, h);
		}
	}
	for (i = 0; i < SCRIPTS_MAX; i++)
		if (run[i].pid != 0)
			(void)kill(-run[i].pid, SIGKILL);
	_exit(0);
}

int
script_helper_start(const struct checker *c, const struct privdrop_user *u)
{
	pid_t parent;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		die_sys(DIE_SYS, "socketpair");
	switch (fork()) {
	case -1:
		die_sys(DIE_SYS, "fork script helper");
	case 0:
		parent = getppid();
		/* Nothing of the checker's: no raw socket, no readiness fd. */
		if (dup2(sv[1], 3) == -1)
			_exit(111);
		(void)syscall(SYS_close_range, 4u, ~0u, 0);
		privdrop_apply(NULL, u);
		privdrop_die_with_parent(parent);
		helper_loop(c, 3);
	default:
		break;
	}
	(void)close(sv[1]);
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		die_sys(DIE_SYS, "fcntl");
	return sv[0];
}

void
script_start(struct checker *c, struct host *h)
{
	struct script_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.id = h->id;
	rq.round = (uint32_t)h->table->rounds;
	if (c->script_fd == -1 ||
	    send(c->script_fd, &rq, sizeof(rq), MSG_NOSIGNAL) !=
	    (ssize_t)sizeof(rq))
		check_done(c, h, false, R_SCRIPT_FAIL);
}

void
script_read(struct checker *c)
{
	struct script_rep rep;
	struct host *h;
	ssize_t n;

	while ((n = recv(c->script_fd, &rep, sizeof(rep), 0)) ==
	    (ssize_t)sizeof(rep)) {
		if (rep.id < 1 || rep.id > c->nids ||
		    (h = c->byid[rep.id]) == NULL || !h->busy ||
		    h->table->check->type != RD_CHECK_SCRIPT ||
		    rep.round != (uint32_t)h->table->rounds)
			continue;
		check_done(c, h, rep.status > 0, rep.status > 0 ?
		    R_SCRIPT_OK : R_SCRIPT_FAIL);
	}
	if (n == 0) {
		warnx_("script helper exited; script checks fail");
		evloop_del(&c->loop, c->script_fd);
		(void)close(c->script_fd);
		c->script_fd = -1;
	}
}

void
script_timeout(struct checker *c, struct host *h)
{
	check_done(c, h, false, R_SCRIPT_FAIL);
}
