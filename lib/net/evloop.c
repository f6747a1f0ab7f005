#include <sys/epoll.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/die.h"
#include "net/evloop.h"
#include "net/signals.h"

void
evloop_init(struct evloop *l)
{
	memset(l, 0, sizeof(*l));
	l->sigfd = -1;
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die_sys(DIE_SYS, "epoll_create1");
	l->now = now_ms();
}

void
evloop_signals(struct evloop *l, const int *sigs, size_t n)
{
	l->sigfd = signals_fd(sigs, n);
	if (evloop_add(l, l->sigfd, evloop_tag(EVLOOP_SIGNAL, 0), EPOLLIN) ==
	    -1)
		die_sys(DIE_SYS, "epoll_ctl signalfd");
}

int
evloop_next_signal(struct evloop *l, int32_t *pid)
{
	struct signalfd_siginfo si;

	if (l->sigfd == -1 ||
	    read(l->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	if (pid != NULL)
		*pid = (int32_t)si.ssi_pid;
	return (int)si.ssi_signo;
}

int
evloop_add(struct evloop *l, int fd, uint64_t tag, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = tag;
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int
evloop_set(struct evloop *l, int fd, uint64_t tag, uint32_t want,
    uint32_t *have)
{
	struct epoll_event ev;
	int op;

	if (fd == -1 || want == *have)
		return 0;
	if (*have == 0)
		op = EPOLL_CTL_ADD;
	else if (want == 0)
		op = EPOLL_CTL_DEL;
	else
		op = EPOLL_CTL_MOD;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.u64 = tag;
	if (epoll_ctl(l->epfd, op, fd, &ev) == -1)
		return -1;
	*have = want;
	return 0;
}

int
evloop_mod(struct evloop *l, int fd, uint64_t tag, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = tag;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void
evloop_del(struct evloop *l, int fd)
{
	if (fd != -1)
		(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
}

int
evloop_wait(struct evloop *l, struct epoll_event *evs, int max,
    int64_t deadline)
{
	int64_t wait;
	int n;

	wait = deadline < 0 ? -1 : deadline - now_ms();
	if (deadline >= 0 && wait < 0)
		wait = 0;
	/* epoll_wait takes an int; a day is far enough for any deadline. */
	if (wait > 86400000)
		wait = 86400000;
	n = epoll_wait(l->epfd, evs, max, (int)wait);
	l->now = now_ms();
	if (n == -1) {
		if (errno != EINTR)
			die_sys(DIE_SYS, "epoll_wait");
		return 0;
	}
	return n;
}

bool
evloop_accept_pause(struct evloop *l, int ms)
{
	if (l->accept_paused)
		return false;
	l->accept_paused = true;
	l->accept_until = l->now + ms;
	return true;
}

bool
evloop_accept_resumes(struct evloop *l)
{
	if (!l->accept_paused || l->now < l->accept_until)
		return false;
	l->accept_paused = false;
	return true;
}
