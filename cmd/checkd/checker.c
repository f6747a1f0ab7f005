/*
 * The checker process: builds its hosts, forks the script helper, drops
 * into the state directory as the unprivileged user under seccomp, then
 * runs rounds of checks in one epoll loop.  A round starts every host of
 * a table at once; its deadline is the table's timeout, so a check can
 * never outlast the interval (the configuration refuses timeout >=
 * interval), and a slow host only ever costs its own descriptor.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/die.h"
#include "checkd.h"
#include "net/sandbox.h"

enum { EVENTS_MAX = 256 };

int64_t
wall_s(void)
{
	return (int64_t)time(NULL);
}

uint64_t
tag_host(const struct checker *c, const struct host *h)
{
	(void)c;
	return evloop_tag(TAG_PROBE, h->id);
}

static void
watch(struct checker *c, int fd, uint64_t tag)
{
	if (fd != -1 && evloop_add(&c->loop, fd, tag, EPOLLIN) == -1)
		die_sys(DIE_SYS, "epoll_ctl");
}

static void
setup_loop(struct checker *c)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGUSR1, SIGHUP,
	    SIGCHLD };

	evloop_init(&c->loop);
	evloop_signals(&c->loop, sigs, sizeof(sigs) / sizeof(sigs[0]));
	watch(c, c->icmp4, evloop_tag(TAG_ICMP, (uint32_t)c->icmp4));
	watch(c, c->icmp6, evloop_tag(TAG_ICMP, (uint32_t)c->icmp6));
	watch(c, c->script_fd, evloop_tag(TAG_SCRIPT, 0));
}

static void
start_check(struct checker *c, struct host *h)
{
	h->busy = true;
	h->started = now_ms();
	h->table->pending++;
	switch (h->table->check->type) {
	case RD_CHECK_ICMP:
		icmp_start(c, h);
		break;
	case RD_CHECK_SCRIPT:
		script_start(c, h);
		break;
	default:
		probe_start(c, h);
		break;
	}
}

static void
start_round(struct checker *c, struct table *t, int64_t now)
{
	int i;

	t->rounds++;
	t->deadline = now + t->timeout_ms;
	t->next += t->interval_ms;
	if (t->next <= now)
		t->next = now + t->interval_ms;
	for (i = 0; i < t->nhosts; i++) {
		struct host *h = &t->hosts[i];

		if (t->disabled || h->disabled || h->parent != NULL ||
		    h->sslen == 0)
			continue;
		start_check(c, h);
	}
	if (t->pending == 0)
		round_end(c, t);	/* nothing to wait for */
}

/* The round's deadline: whatever has not answered timed out. */
static void
expire_round(struct checker *c, struct table *t)
{
	int i;

	for (i = 0; i < t->nhosts && t->pending > 0; i++) {
		struct host *h = &t->hosts[i];

		if (!h->busy)
			continue;
		switch (t->check->type) {
		case RD_CHECK_ICMP:
			icmp_timeout(c, h);
			break;
		case RD_CHECK_SCRIPT:
			script_timeout(c, h);
			break;
		default:
			probe_timeout(c, h);
			break;
		}
	}
}

static void
run_timers(struct checker *c)
{
	int64_t now = now_ms();
	int i;

	if (now >= c->next_disable_scan) {
		disable_scan(c);
		c->next_disable_scan = now + DISABLE_POLL_MS;
	}
	for (i = 0; i < c->ntables; i++) {
		struct table *t = &c->tables[i];

		if (t->check->type == RD_CHECK_NONE)
			continue;
		if (t->pending > 0 && now >= t->deadline)
			expire_round(c, t);
		if (t->pending == 0 && now >= t->next)
			start_round(c, t, now);
	}
	if (c->summary_dirty && now >= c->next_summary) {
		report_summary(c);
		c->summary_dirty = false;
		c->next_summary = now + 1000;
	}
}

/* The monotonic time of the next timer. */
static int64_t
next_wakeup(const struct checker *c)
{
	int64_t when = c->next_disable_scan;
	int i;

	for (i = 0; i < c->ntables; i++) {
		const struct table *t = &c->tables[i];

		if (t->check->type == RD_CHECK_NONE)
			continue;
		if (t->pending > 0 && t->deadline < when)
			when = t->deadline;
		if (t->pending == 0 && t->next < when)
			when = t->next;
	}
	if (c->summary_dirty && c->next_summary < when)
		when = c->next_summary;
	return when;
}

/* SIGUSR1: every table idle now starts a round at once. */
static void
poll_now(struct checker *c)
{
	int i;

	for (i = 0; i < c->ntables; i++)
		c->tables[i].next = now_ms();
}

static void
handle_signals(struct checker *c)
{
	int sig;

	while ((sig = evloop_next_signal(&c->loop, NULL)) != 0) {
		switch (sig) {
		case SIGTERM:
		case SIGINT:
			report_summary(c);
			exit(0);
		case SIGUSR1:
			poll_now(c);
			break;
		default:
			break;	/* SIGHUP is the parent's; SIGCHLD: helper */
		}
	}
}

static void
dispatch(struct checker *c, const struct epoll_event *ev)
{
	uint32_t low = evloop_index(ev->data.u64);

	switch (evloop_kind(ev->data.u64)) {
	case EVLOOP_SIGNAL:
		handle_signals(c);
		break;
	case TAG_ICMP:
		icmp_read(c, (int)low);
		break;
	case TAG_SCRIPT:
		script_read(c);
		break;
	case TAG_PROBE:
		if (low >= 1 && low <= c->nids && c->byid[low] != NULL &&
		    c->byid[low]->busy)
			probe_event(c, c->byid[low], ev->events);
		break;
	default:
		break;
	}
}

_Noreturn void
checker_main(const struct checker_setup *s)
{
	static struct checker c;
	struct epoll_event ev[EVENTS_MAX];
	pid_t parent = getppid();
	int n, i;

	c.conf = s->conf;
	c.icmp4 = s->icmp4;
	c.icmp6 = s->icmp6;
	c.readyfd = s->readyfd;
	c.verbose = s->verbose;
	c.script_fd = -1;
	tls_client_conf_init(&c.tls, NULL, NULL);
	hosts_build(&c);	/* names are resolved here, before the chroot */
	for (i = 0; i < c.ntables; i++)
		if (c.script_fd == -1 &&
		    c.tables[i].check->type == RD_CHECK_SCRIPT)
			c.script_fd = script_helper_start(&c, &s->user);
	/* The directory the parent checked, whatever its name means now. */
	if (fchdir(s->statefd) == -1)
		die_sys(DIE_SYS, "fchdir %s", s->statedir);
	(void)close(s->statefd);
	privdrop_apply(".", &s->user);
	privdrop_die_with_parent(parent);
	hosts_restore(&c);
	report_prune(&c);
	demote_prune(&c);
	for (i = 0; i < c.ntables; i++)
		report_table(&c, &c.tables[i]);
	setup_loop(&c);
	sandbox_checkd();
	for (;;) {
		run_timers(&c);
		n = evloop_wait(&c.loop, ev, EVENTS_MAX, next_wakeup(&c));
		for (i = 0; i < n; i++)
			dispatch(&c, &ev[i]);
	}
}
