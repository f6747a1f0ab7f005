/*
 * The event loop: one epoll set for the listening socket, the signalfd,
 * every client connection and every program's pipes.  Deadlines are
 * checked on each pass (at least once a second), on the monotonic clock.
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/die.h"
#include "bridge.h"

enum { EVENTS_MAX = 64, TICK_MS = 250, ACCEPT_PAUSE_MS = 1000 };

/*
 * Make fd's registration `want`, knowing it is `*have`: add, change or
 * delete, only when it differs (one epoll_ctl per change, not per pass).
 */
void
watch(struct bridge *b, int fd, enum bridge_kind kind, size_t slot,
    uint32_t want, uint32_t *have)
{
	struct epoll_event ev;
	int op;

	if (fd == -1 || want == *have)
		return;
	if (*have == 0)
		op = EPOLL_CTL_ADD;
	else if (want == 0)
		op = EPOLL_CTL_DEL;
	else
		op = EPOLL_CTL_MOD;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.u64 = (uint64_t)slot << 8 | (uint64_t)kind;
	if (epoll_ctl(b->epfd, op, fd, &ev) == -1)
		warnx_("epoll_ctl: %s", strerror(errno));
	*have = want;
}

/* The listener is watched while there is a free slot and no back-off. */
static void
update_listener(struct bridge *b)
{
	bool want = b->lfd != -1 && b->nconns < BRIDGE_CONN_MAX &&
	    now_ms() >= b->accept_pause;

	watch(b, b->lfd, K_LISTEN, 0, want ? EPOLLIN : 0, &b->lfd_events);
}

static void
accept_one(struct bridge *b)
{
	int fd;

	fd = accept4(b->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			warnx_("accept: %s; pausing", strerror(errno));
			b->accept_pause = now_ms() + ACCEPT_PAUSE_MS;
		}
		return;
	}
	conn_open(b, fd);
}

static void
begin_stop(struct bridge *b)
{
	struct conn *c;
	size_t i;
	long drain = b->opt.timeout < BRIDGE_DRAIN_MAX ? b->opt.timeout :
	    BRIDGE_DRAIN_MAX;

	if (b->stopping)
		return;
	b->stopping = true;
	b->stop_deadline = now_ms() + drain * 1000;
	watch(b, b->lfd, K_LISTEN, 0, 0, &b->lfd_events);
	(void)close(b->lfd);
	b->lfd = -1;
	warnx_("stopping: %zu connections to finish within %lds", b->nconns,
	    drain);
	for (i = 0; i < BRIDGE_CONN_MAX; i++) {
		c = &b->conns[i];
		if (!c->used)
			continue;
		c->keep = false;
		if (c->phase == REQ_NONE && c->outlen == c->outoff)
			conn_close(b, c, NULL);
	}
}

static void
handle_signals(struct bridge *b)
{
	struct signalfd_siginfo si;

	while (read(b->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			cgi_reap(b);
			break;
		case SIGTERM:
		case SIGINT:
			begin_stop(b);
			break;
		default:	/* SIGHUP: nothing to reload */
			break;
		}
	}
}

/* An idle keep-alive connection ends quietly; anything else is logged. */
static const char *
timeout_reason(const struct conn *c)
{
	if (c->phase == REQ_RUNNING)
		return "timeout: program killed, connection closed";
	if (c->phase == REQ_PARAMS)
		return "timeout: parameters incomplete";
	if (c->inlen > 0 || c->parser.state != FCGI_P_HEADER ||
	    c->parser.have > 0)
		return "timeout: record incomplete";
	return NULL;
}

static void
check_deadlines(struct bridge *b)
{
	int64_t now = now_ms();
	struct conn *c;
	size_t i;

	for (i = 0; i < BRIDGE_CONN_MAX; i++) {
		c = &b->conns[i];
		if (!c->used)
			continue;
		if (b->stopping && now >= b->stop_deadline)
			conn_close(b, c, "stopping: request cut off");
		else if (now >= c->deadline)
			conn_close(b, c, timeout_reason(c));
	}
}

static void
dispatch(struct bridge *b, const struct epoll_event *ev)
{
	enum bridge_kind kind = (enum bridge_kind)(ev->data.u64 & 0xff);
	size_t slot = (size_t)(ev->data.u64 >> 8);
	struct conn *c;

	if (kind == K_LISTEN) {
		accept_one(b);
		return;
	}
	if (kind == K_SIGNAL) {
		handle_signals(b);
		return;
	}
	c = &b->conns[slot];
	if (!c->used)
		return;
	switch (kind) {
	case K_CLIENT:
		/* Both directions closed: no one is left to answer. */
		if (ev->events & (EPOLLHUP | EPOLLERR)) {
			conn_close(b, c, c->phase == REQ_NONE ? NULL :
			    "the client went away");
			return;
		}
		if (ev->events & EPOLLOUT)
			conn_writable(b, c);
		if (c->used && (ev->events & EPOLLIN))
			conn_readable(b, c);
		break;
	case K_STDIN:
		c->stdin_blocked = false;
		conn_process(b, c);
		break;
	case K_STDOUT:
	case K_STDERR:
		output_read(b, c, kind);
		break;
	default:
		break;
	}
	if (c->used)
		conn_update(b, c);
}

int
bridge_run(struct bridge *b)
{
	struct epoll_event evs[EVENTS_MAX];
	uint32_t sig_events = 0;
	int i, n;

	if ((b->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die_sys(DIE_SYS, "epoll_create1");
	watch(b, b->sigfd, K_SIGNAL, 0, EPOLLIN, &sig_events);
	for (;;) {
		update_listener(b);
		if (b->stopping && b->nconns == 0)
			break;
		n = epoll_wait(b->epfd, evs, EVENTS_MAX, TICK_MS);
		if (n == -1 && errno != EINTR)
			die_sys(DIE_SYS, "epoll_wait");
		for (i = 0; i < n; i++)
			dispatch(b, &evs[i]);
		check_deadlines(b);
	}
	warnx_("stopped");
	return 0;
}
