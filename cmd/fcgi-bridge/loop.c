/*
 * The event loop: one epoll set for the listening socket, the signalfd,
 * every client connection and every program's pipes.  Deadlines are
 * checked on each pass (at least once a second), on the monotonic clock.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/die.h"
#include "bridge.h"

enum { EVENTS_MAX = 64, TICK_MS = 250, ACCEPT_PAUSE_MS = 1000 };

/* The loop's registration diff, with a failure logged, not fatal. */
void
watch(struct bridge *b, int fd, enum bridge_kind kind, size_t slot,
    uint32_t want, uint32_t *have)
{
	if (evloop_set(&b->loop, fd, evloop_tag(kind, (uint32_t)slot), want,
	    have) == -1)
		warnx_("epoll_ctl: %s", strerror(errno));
}

/* The listener is watched while there is a free slot and no back-off. */
static void
update_listener(struct bridge *b)
{
	bool want;

	(void)evloop_accept_resumes(&b->loop);
	want = b->lfd != -1 && b->nconns < BRIDGE_CONN_MAX &&
	    !b->loop.accept_paused;

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
			(void)evloop_accept_pause(&b->loop, ACCEPT_PAUSE_MS);
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
	int sig;

	while ((sig = evloop_next_signal(&b->loop, NULL)) != 0) {
		switch (sig) {
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
	uint32_t kind = evloop_kind(ev->data.u64);
	size_t slot = evloop_index(ev->data.u64);
	struct conn *c;

	if (kind == K_LISTEN) {
		accept_one(b);
		return;
	}
	if (kind == EVLOOP_SIGNAL) {
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
		output_read(b, c, (enum bridge_kind)kind);
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
	int i, n;

	for (;;) {
		update_listener(b);
		if (b->stopping && b->nconns == 0)
			break;
		n = evloop_wait(&b->loop, evs, EVENTS_MAX, now_ms() + TICK_MS);
		for (i = 0; i < n; i++)
			dispatch(b, &evs[i]);
		check_deadlines(b);
	}
	warnx_("stopped");
	return 0;
}
