/*
 * Unit tests of the event loop: tags, the registration diff, signals
 * through the signalfd, deadlines, and the accept pause.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "base/clock.h"
#include "net/evloop.h"
#include "tap.h"

enum { K_PIPE = 1 };

static void
test_tags(void)
{
	uint64_t t = evloop_tag(7, 0xfffffffeu);

	ok(evloop_kind(t) == 7 && evloop_index(t) == 0xfffffffeu,
	    "a tag keeps its kind and its whole 32-bit index");
	ok(evloop_kind(evloop_tag(EVLOOP_SIGNAL, 0)) == EVLOOP_SIGNAL,
	    "the signal kind is the loop's own");
}

static void
test_set(struct evloop *l)
{
	struct epoll_event ev[4];
	uint32_t have = 0, unchanged;
	int p[2];

	if (pipe(p) == -1) {
		ok(0, "pipe");
		return;
	}
	ok(evloop_set(l, p[0], evloop_tag(K_PIPE, 3), EPOLLIN, &have) == 0 &&
	    have == EPOLLIN, "set adds a descriptor");
	unchanged = EPOLLIN;	/* p[1] is not in the set: a call would fail */
	ok(evloop_set(l, p[1], evloop_tag(K_PIPE, 4), EPOLLIN, &unchanged) ==
	    0, "the registration it already has is no call at all");
	ok(evloop_wait(l, ev, 4, l->now) == 0, "nothing ready: no event");
	(void)write(p[1], "x", 1);
	ok(evloop_wait(l, ev, 4, -1) == 1 &&
	    evloop_kind(ev[0].data.u64) == K_PIPE &&
	    evloop_index(ev[0].data.u64) == 3, "a ready pipe comes with its tag");
	ok(evloop_set(l, p[0], evloop_tag(K_PIPE, 3), 0, &have) == 0 &&
	    have == 0, "set to nothing removes it");
	ok(evloop_wait(l, ev, 4, l->now) == 0, "a removed descriptor is quiet");
	have = EPOLLIN;	/* a lie: it is not in the set */
	errno = 0;
	ok(evloop_set(l, p[0], evloop_tag(K_PIPE, 3), EPOLLOUT, &have) == -1 &&
	    errno == ENOENT && have == EPOLLIN,
	    "a failed change says so and leaves what it knew");
	(void)close(p[0]);
	(void)close(p[1]);
}

static void
test_signals(struct evloop *l)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2 };
	struct epoll_event ev[4];
	int32_t pid = 0;
	int n;

	evloop_signals(l, sigs, 2);
	(void)raise(SIGUSR2);
	(void)raise(SIGUSR1);
	n = evloop_wait(l, ev, 4, -1);
	ok(n == 1 && evloop_kind(ev[0].data.u64) == EVLOOP_SIGNAL,
	    "raised signals wake the loop as one signal event");
	n = evloop_next_signal(l, &pid);
	ok((n == SIGUSR1 || n == SIGUSR2) && pid == (int32_t)getpid(),
	    "the first signal, with its sender");
	n = evloop_next_signal(l, NULL);
	ok(n == SIGUSR1 || n == SIGUSR2, "the second signal");
	ok(evloop_next_signal(l, NULL) == 0, "then none");
}

static void
test_deadline(struct evloop *l)
{
	struct epoll_event ev[1];
	int64_t start = now_ms();

	ok(evloop_wait(l, ev, 1, start + 30) == 0 && l->now >= start + 30,
	    "a wait ends at its deadline and sets now");
	start = now_ms();
	ok(evloop_wait(l, ev, 1, start - 1000) == 0 && l->now - start < 1000,
	    "a deadline in the past does not block");
}

static void
test_pause(struct evloop *l)
{
	struct epoll_event ev[1];

	ok(evloop_accept_pause(l, 20), "a pause begins");
	ok(!evloop_accept_pause(l, 20), "a second pause is the same one");
	ok(!evloop_accept_resumes(l), "it lasts");
	(void)evloop_wait(l, ev, 1, l->accept_until);
	ok(evloop_accept_resumes(l) && !l->accept_paused,
	    "it ends when its time is over");
	ok(!evloop_accept_resumes(l), "and resumes once");
}

int
main(void)
{
	struct evloop l;

	evloop_init(&l);
	test_tags();
	test_set(&l);
	test_signals(&l);
	test_deadline(&l);
	test_pause(&l);
	return done_testing();
}
