/*
 * Unit tests of prefork with real processes: a generation starts its
 * workers, a new one makes the old one drain and retire, a dead worker is
 * replaced (after the back-off if it died young), and a stop retires all.
 * Workers wait for SIGTERM, as httpd's do.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/clock.h"
#include "net/prefork.h"
#include "tap.h"

static int retired[8], nretired;
static void *retired_cur[8];

static void
worker(void *gen, int id)
{
	sigset_t none;

	(void)gen;
	(void)id;
	/* The parent blocked SIGTERM for itself; a worker takes it. */
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;)
		(void)pause();
}

static void
retire(void *gen, void *cur)
{
	if (nretired < 8) {
		retired[nretired] = *(int *)gen;
		retired_cur[nretired++] = cur;
	}
}

static const struct prefork_ops ops = { worker, retire };

/* Reap until cond holds or two seconds pass. */
static int
settle(struct prefork *pf, int (*cond)(const struct prefork *))
{
	int64_t end = now_ms() + 2000;

	while (!cond(pf) && now_ms() < end) {
		(void)usleep(10000);
		prefork_reap(pf);
		prefork_tick(pf);
	}
	return cond(pf);
}

static int
one_retired(const struct prefork *pf)
{
	(void)pf;
	return nretired == 1;
}

static int
all_done(const struct prefork *pf)
{
	return prefork_done(pf);
}

static int
replaced(const struct prefork *pf)
{
	return pf->cur->pids[0] > 0 && pf->cur->nalive == 2;
}

int
main(void)
{
	static int gen_a = 1, gen_b = 2;
	struct prefork pf;
	sigset_t term;
	pid_t first, victim;

	(void)sigemptyset(&term);
	(void)sigaddset(&term, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &term, NULL);
	prefork_init(&pf, &ops, "worker", 0);
	ok(prefork_current(&pf) == NULL && prefork_can_start(&pf),
	    "nothing runs before the first start");
	prefork_start(&pf, &gen_a, 2);
	ok(prefork_current(&pf) == &gen_a && pf.cur->nalive == 2 &&
	    pf.cur->pids[0] > 0 && pf.cur->pids[1] > 0,
	    "a generation of two workers runs");
	first = pf.cur->pids[0];

	prefork_start(&pf, &gen_b, 2);
	ok(prefork_current(&pf) == &gen_b, "a new generation is the current one");
	ok(settle(&pf, one_retired) && retired[0] == 1 &&
	    retired_cur[0] == &gen_b,
	    "the old one drains, and retires with the new one current");
	ok(kill(first, 0) == -1, "its workers are gone");

	/* A worker that dies young waits for the back-off. */
	victim = pf.cur->pids[0];
	(void)kill(victim, SIGKILL);
	(void)usleep(50000);
	prefork_reap(&pf);
	ok(pf.cur->pids[0] == -1 && pf.cur->nalive == 1,
	    "a worker that died young is not replaced at once");
	ok(settle(&pf, replaced) && pf.cur->pids[0] != victim,
	    "it is replaced after the back-off");

	prefork_stop(&pf, 2000);
	ok(settle(&pf, all_done), "a stop ends every worker");
	ok(nretired == 2 && retired[1] == 2 && retired_cur[1] == NULL,
	    "and retires the last generation with none current");
	return done_testing();
}
