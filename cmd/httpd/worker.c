/*
 * worker: one serving process.  It drops privileges first (chroot, user,
 * no_new_privs), then runs one epoll loop over the shared listeners and
 * its connections until the parent tells it to drain (SIGTERM): it then
 * stops accepting, finishes what is in flight, and exits.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/die.h"
#include "net/sandbox.h"
#include "worker.h"

enum { EVENTS_MAX = 256 };

static void
update_clock(struct worker *w)
{
	struct tm tm;
	time_t prev = w->now;

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
	size_t i;

	for (i = 0; i < w->st->nlisteners; i++) {
		if (!on)
			evloop_del(&w->loop, w->st->listeners[i].fd);
		else if (evloop_add(&w->loop, w->st->listeners[i].fd,
		    evloop_tag(WORKER_TAG_LISTENER, (uint32_t)i), EPOLLIN |
		    EPOLLEXCLUSIVE) == -1)
			die_sys(DIE_SYS, "epoll_ctl listener");
	}
}

/* Out of descriptors or slots: stop polling the listeners for a while. */
void
worker_pause_accept(struct worker *w, int ms)
{
	if (w->draining || !evloop_accept_pause(&w->loop, ms))
		return;
	listeners_poll(w, false);
}

static void
resume_accept(struct worker *w)
{
	if (!w->draining && evloop_accept_resumes(&w->loop))
		listeners_poll(w, true);
}

static void
setup_signals(struct worker *w)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };

	evloop_signals(&w->loop, sigs, sizeof(sigs) / sizeof(sigs[0]));
}

/* SIGTERM and SIGINT drain; the parent's other signals are not ours. */
static void
read_signals(struct worker *w, int64_t *drain_deadline)
{
	int sig;

	while ((sig = evloop_next_signal(&w->loop, NULL)) != 0) {
		if ((sig == SIGTERM || sig == SIGINT) && !w->draining) {
			if (!w->loop.accept_paused)
				listeners_poll(w, false);
			w->draining = true;
			w->fcgi_pool.draining = true;
			*drain_deadline = w->loop.now +
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
	c->s.fd = -1;
	c->file = -1;
	return c;
}

static void
dispatch(struct worker *w, const struct epoll_event *ev, int64_t *drain)
{
	uint32_t i = evloop_index(ev->data.u64);

	switch (evloop_kind(ev->data.u64)) {
	case WORKER_TAG_CONN:
		conn_event(w, &w->conns[i], ev->events);
		break;
	case WORKER_TAG_LISTENER:
		if (!w->draining && !w->loop.accept_paused)
			conn_accept(w, &w->st->listeners[i]);
		break;
	case EVLOOP_SIGNAL:
		read_signals(w, drain);
		break;
	case WORKER_TAG_FCGI:
		fcgi_up_event(w, i, ev->events);
		break;
	default:
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
	struct sandbox_sockets socks = { false, ports, 0, false, false };
	int n, i;

	pid_t parent = getppid();

	w.st = st;
	w.id = id;
	/* Responders' names resolve while /etc is still in reach. */
	fcgi_targets_init(&w);
	privdrop_apply(st->conf->chroot, &st->user);
	privdrop_die_with_parent(parent);
	/* Descriptors the sandbox will not let us create afterwards. */
	evloop_init(&w.loop);
	conn_pools_init(&w);
	setup_signals(&w);
	mime_init(&w);
	accesslog_init(&w);
	socks.nports = fcgi_target_ports(&w, ports, FCGI_TARGETS_MAX,
	    &socks.unix_paths);
	w.spool_dirfd = -1;
	/* Where chunked bodies may go (spooldir.c made it): writable. */
	if (w.nfcgi_targets > 0 && (w.spool_dirfd = open(FCGI_SPOOL_DIR,
	    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		die_sys(DIE_SYS, "%s", FCGI_SPOOL_DIR);
	sandbox_worker(st->conf->chroot, &socks, w.spool_dirfd,
	    SANDBOX_ABI_KERNEL);
	update_clock(&w);
	listeners_poll(&w, true);
	for (;;) {
		n = evloop_wait(&w.loop, ev, EVENTS_MAX, w.loop.now +
		    (w.loop.accept_paused ? 100 : 1000));
		update_clock(&w);
		/*
		 * A drain signal first: a request that came in the same round
		 * is then answered as a draining worker answers it, with
		 * Connection: close.
		 */
		for (i = 0; i < n; i++)
			if (evloop_kind(ev[i].data.u64) == EVLOOP_SIGNAL)
				dispatch(&w, &ev[i], &drain_deadline);
		for (i = 0; i < n; i++)
			if (evloop_kind(ev[i].data.u64) != EVLOOP_SIGNAL)
				dispatch(&w, &ev[i], &drain_deadline);
		resume_accept(&w);
		accesslog_flush(&w);
		if (w.loop.now - last_tick >= 1000) {
			last_tick = w.loop.now;
			conn_timeouts(&w);
			fcgi_up_expire(&w);
		}
		if (w.draining && (w.nconns == 0 ||
		    w.loop.now >= drain_deadline)) {
			accesslog_flush(&w);
			exit(0);
		}
	}
}
