/*
 * worker: one serving process.  It drops privileges first (chroot, user,
 * no_new_privs), then runs one epoll loop over the shared listeners and
 * its connections until the parent tells it to drain (SIGTERM): it then
 * stops accepting, finishes what is in flight, and exits.
 */
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "die.h"
#include "sandbox.h"
#include "signals.h"
#include "worker.h"

enum { TAG_LISTENER = WORKER_TAG_LISTENER, TAG_SIGNAL = WORKER_TAG_SIGNAL };
enum { EVENTS_MAX = 256 };

static uint64_t
tag(int kind, size_t index)
{
	return (uint64_t)kind << 32 | index;
}

static void
update_clock(struct worker *w)
{
	struct tm tm;
	time_t prev = w->now;

	w->now_ms = now_ms();
	w->now = time(NULL);
	if (w->now == prev)
		return;
	/* Date is built once a second, not once a response. */
	(void)gmtime_r(&w->now, &tm);
	(void)strftime(w->date, sizeof(w->date), "%a, %d %b %Y %H:%M:%S GMT",
	    &tm);
	(void)localtime_r(&w->now, &tm);
	w->gmtoff = tm.tm_gmtoff;
}

static void
listeners_poll(struct worker *w, bool on)
{
	struct epoll_event ev;
	size_t i;

	for (i = 0; i < w->st->nlisteners; i++) {
		if (on) {
			memset(&ev, 0, sizeof(ev));
			ev.events = EPOLLIN | EPOLLEXCLUSIVE;
			ev.data.u64 = tag(TAG_LISTENER, i);
			if (epoll_ctl(w->epfd, EPOLL_CTL_ADD,
			    w->st->listeners[i].fd, &ev) == -1)
				die_sys(DIE_SYS, "epoll_ctl listener");
		} else
			(void)epoll_ctl(w->epfd, EPOLL_CTL_DEL,
			    w->st->listeners[i].fd, NULL);
	}
}

/* Out of descriptors or slots: stop polling the listeners for a while. */
void
worker_pause_accept(struct worker *w, int ms)
{
	if (w->accept_paused || w->draining)
		return;
	listeners_poll(w, false);
	w->accept_paused = true;
	w->accept_pause_until = w->now_ms + ms;
}

static void
resume_accept(struct worker *w)
{
	if (!w->accept_paused || w->draining || w->now_ms < w->accept_pause_until)
		return;
	w->accept_paused = false;
	listeners_poll(w, true);
}

static void
setup_signals(struct worker *w)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct epoll_event ev;

	w->sigfd = signals_fd(sigs, sizeof(sigs) / sizeof(sigs[0]));
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = tag(TAG_SIGNAL, 0);
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->sigfd, &ev) == -1)
		die_sys(DIE_SYS, "epoll_ctl signalfd");
}

/* SIGTERM and SIGINT drain; the parent's other signals are not ours. */
static void
read_signals(struct worker *w, int64_t *drain_deadline)
{
	struct signalfd_siginfo si;

	while (read(w->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if ((si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) &&
		    !w->draining) {
			if (!w->accept_paused)
				listeners_poll(w, false);
			w->draining = true;
			*drain_deadline = w->now_ms +
			    HTTPD_DRAIN_SECONDS * 1000;
			conn_drain_idle(w);
		}
	}
}

/* Slots are handed out from the free list, else from the untouched rest. */
struct conn *
worker_conn_slot(struct worker *w)
{
	struct conn *c;

	if ((c = w->free_conns) != NULL) {
		w->free_conns = c->next;
		return c;
	}
	if (w->conns_used == HTTPD_CONNS_MAX)
		return NULL;
	c = &w->conns[w->conns_used++];
	c->fd = -1;
	c->file = -1;
	return c;
}

static void
dispatch(struct worker *w, const struct epoll_event *ev, int64_t *drain)
{
	uint64_t t = ev->data.u64;

	switch (t >> 32) {
	case TAG_LISTENER:
		if (!w->draining && !w->accept_paused)
			conn_accept(w, &w->st->listeners[t & 0xffffffffu]);
		break;
	case TAG_SIGNAL:
		read_signals(w, drain);
		break;
	case WORKER_TAG_FCGI:
		fcgi_up_event(w, &w->fcgi_ups[t & 0xffffffffu], ev->events);
		break;
	default:
		conn_event(w, &w->conns[t & 0xffffffffu], ev->events);
		break;
	}
}

_Noreturn void
worker_main(struct httpd_state *st, int id)
{
	static struct worker w;
	struct epoll_event ev[EVENTS_MAX];
	int64_t last_tick = 0, drain_deadline = 0;
	uint16_t ports[FCGI_TARGETS_MAX];
	size_t nports;
	int n, i;

	w.st = st;
	w.id = id;
	/* Responders' names resolve while /etc is still in reach. */
	fcgi_targets_init(&w);
	privdrop_apply(st->conf->chroot, &st->user);
	/* Descriptors the sandbox will not let us create afterwards. */
	if ((w.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die_sys(DIE_SYS, "epoll_create1");
	setup_signals(&w);
	mime_init(&w);
	accesslog_init(&w);
	nports = fcgi_target_ports(&w, ports, FCGI_TARGETS_MAX);
	w.spool_dirfd = -1;
	/* Where chunked bodies may go (spooldir.c made it): writable. */
	if (w.nfcgi_targets > 0 && (w.spool_dirfd = open(FCGI_SPOOL_DIR,
	    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		die_sys(DIE_SYS, "%s", FCGI_SPOOL_DIR);
	sandbox_worker(st->conf->chroot, w.nfcgi_targets > 0, ports, nports,
	    w.spool_dirfd);
	update_clock(&w);
	listeners_poll(&w, true);
	for (;;) {
		n = epoll_wait(w.epfd, ev, EVENTS_MAX,
		    w.accept_paused ? 100 : 1000);
		if (n == -1 && errno != EINTR)
			die_sys(DIE_SYS, "epoll_wait");
		update_clock(&w);
		for (i = 0; i < n; i++)
			dispatch(&w, &ev[i], &drain_deadline);
		resume_accept(&w);
		accesslog_flush(&w);
		if (w.now_ms - last_tick >= 1000) {
			last_tick = w.now_ms;
			conn_timeouts(&w);
			fcgi_up_expire(&w);
		}
		if (w.draining && (w.nconns == 0 ||
		    w.now_ms >= drain_deadline)) {
			accesslog_flush(&w);
			exit(0);
		}
	}
}
