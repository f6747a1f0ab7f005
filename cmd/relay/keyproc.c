/*
 * keyproc: relayd's `ca` process.  It alone holds the private keys of
 * the TLS relays and signs handshakes for the workers, one connected
 * socket per worker (lib/tls/tls_keyproc): a worker taken over by a
 * client can ask for signatures, never read a key.  It is forked from
 * the parent with the keys already loaded, then chrooted, unprivileged,
 * not dumpable (no core, no ptrace by the workers' user) and under a
 * seccomp filter that leaves it reading, writing and polling.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "net/prefork.h"
#include "net/sandbox.h"
#include "relay.h"
#include "tls/tls_keyproc.h"

enum { KEYPROC_WORKERS_MAX = 64 };

_Noreturn static void
serve(struct relay_state *st, const int *fds, int n)
{
	static struct tls_keyproc_server srv[KEYPROC_WORKERS_MAX];
	struct pollfd pfd[KEYPROC_WORKERS_MAX];
	int keep[KEYPROC_WORKERS_MAX], i, open = n;
	pid_t parent = getppid();
	sigset_t none;

	/* The parent blocks its signals for its signalfd: not ours. */
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	/* Only the workers' sockets stay: the parent's listeners do not. */
	memcpy(keep, fds, (size_t)n * sizeof(keep[0]));
	prefork_keep_fds(keep, (size_t)n);
	privdrop_apply(st->statedir, &st->user);
	privdrop_die_with_parent(parent);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sandbox_keyproc();
	for (i = 0; i < n; i++) {
		tls_keyproc_server_init(&srv[i], fds[i], st->keys, st->nkeys);
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	while (open > 0) {
		if (poll(pfd, (nfds_t)n, -1) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if (tls_keyproc_serve(&srv[i]) <= 0) {
				/* A worker gone, or talking nonsense. */
				(void)close(pfd[i].fd);
				pfd[i].fd = -1;
				open--;
			}
		}
	}
	_exit(0);
}

bool
keyproc_start(struct relay_state *st, int nworkers)
{
	int child[KEYPROC_WORKERS_MAX], sv[2], i;
	pid_t pid;

	if (st->nkeys == 0)
		return true;
	if (nworkers > KEYPROC_WORKERS_MAX)
		return relay_fail(st, false, "too many workers");
	for (i = 0; i < nworkers; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ==
		    -1)
			return relay_fail(st, true, "socketpair");
		st->keyproc_fd[i] = sv[0];
		child[i] = sv[1];
	}
	if ((pid = fork()) == -1)
		return relay_fail(st, true, "fork key process");
	if (pid == 0)
		serve(st, child, nworkers);
	st->keyproc_pid = pid;
	for (i = 0; i < nworkers; i++)
		(void)close(child[i]);
	relay_tls_forget_keys(st);
	return true;
}

void
keyproc_stop(struct relay_state *st)
{
	int i;

	for (i = 0; i < KEYPROC_WORKERS_MAX; i++)
		if (st->keyproc_fd[i] != -1) {
			(void)close(st->keyproc_fd[i]);
			st->keyproc_fd[i] = -1;
		}
	if (st->keyproc_pid > 0) {
		(void)kill(st->keyproc_pid, SIGTERM);
		(void)waitpid(st->keyproc_pid, NULL, 0);
	}
	st->keyproc_pid = -1;
}
