#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/die.h"
#include "net/prefork.h"

void
prefork_init(struct prefork *pf, const struct prefork_ops *ops,
    const char *what, int verbose)
{
	memset(pf, 0, sizeof(*pf));
	pf->ops = ops;
	pf->what = what;
	pf->verbose = verbose;
}

static void
start_worker(struct prefork *pf, struct prefork_gen *g, int id)
{
	pid_t pid;

	g->started[id] = now_ms();
	switch (pid = fork()) {
	case -1:
		warnx_("fork: %s", strerror(errno));
		g->pids[id] = -1;	/* tried again after the back-off */
		return;
	case 0:
		pf->ops->worker(g->ctx, id);
		_exit(DIE_SYS);		/* a worker never returns */
	default:
		break;
	}
	g->pids[id] = pid;
	g->nalive++;
	if (pf->verbose > 0)
		warnx_("%s %d started, pid %d", pf->what, id, (int)pid);
}

static void
signal_gen(const struct prefork_gen *g, int sig)
{
	int i;

	for (i = 0; i < g->nworkers; i++)
		if (g->pids[i] > 0)
			(void)kill(g->pids[i], sig);
}

/* The index of a free generation slot, or -1 if all are in use. */
static int
free_slot(const struct prefork *pf)
{
	int i;

	for (i = 0; i < PREFORK_GENERATIONS; i++)
		if (pf->gens[i].ctx == NULL)
			return i;
	return -1;
}

bool
prefork_can_start(const struct prefork *pf)
{
	return free_slot(pf) != -1;
}

void
prefork_start(struct prefork *pf, void *ctx, int n)
{
	struct prefork_gen *g, *old = pf->cur;
	int i, slot = free_slot(pf);

	if (slot == -1)
		return;
	g = &pf->gens[slot];
	memset(g, 0, sizeof(*g));
	g->ctx = ctx;
	g->nworkers = n < PREFORK_WORKERS_MAX ? n : PREFORK_WORKERS_MAX;
	pf->cur = g;
	for (i = 0; i < g->nworkers; i++)
		start_worker(pf, g, i);
	if (old != NULL) {
		old->draining = true;
		signal_gen(old, SIGTERM);
		if (old->nalive == 0)
			prefork_reap(pf);	/* nothing to wait for */
	}
}

void *
prefork_current(const struct prefork *pf)
{
	return pf->cur != NULL ? pf->cur->ctx : NULL;
}

static struct prefork_gen *
owner(struct prefork *pf, pid_t pid, int *id)
{
	int i, j;

	for (i = 0; i < PREFORK_GENERATIONS; i++)
		for (j = 0; pf->gens[i].ctx != NULL &&
		    j < pf->gens[i].nworkers; j++)
			if (pf->gens[i].pids[j] == pid) {
				*id = j;
				return &pf->gens[i];
			}
	return NULL;
}

static void
report_exit(const struct prefork *pf, int id, pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		warnx_("%s %d (pid %d) killed by signal %d (%s)", pf->what, id,
		    (int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		warnx_("%s %d (pid %d) exited with status %d", pf->what, id,
		    (int)pid, WEXITSTATUS(status));
}

/* A draining generation with no worker left gives back what it held. */
static void
retire_drained(struct prefork *pf)
{
	struct prefork_gen *g;
	int i;

	for (i = 0; i < PREFORK_GENERATIONS; i++) {
		g = &pf->gens[i];
		if (g->ctx == NULL || !g->draining || g->nalive > 0)
			continue;
		pf->ops->retire(g->ctx, pf->stopping || pf->cur == NULL ?
		    NULL : pf->cur->ctx);
		if (g == pf->cur)
			pf->cur = NULL;
		memset(g, 0, sizeof(*g));
	}
}

void
prefork_reap(struct prefork *pf)
{
	struct prefork_gen *g;
	pid_t pid;
	int status, id;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((g = owner(pf, pid, &id)) == NULL)
			continue;
		g->pids[id] = 0;
		g->nalive--;
		if (g->draining || pf->stopping)
			continue;
		report_exit(pf, id, pid, status);
		/* Replaced at once, or after a pause if it died young. */
		g->pids[id] = -1;
		if (now_ms() - g->started[id] > PREFORK_BACKOFF_MS)
			start_worker(pf, g, id);
	}
	retire_drained(pf);
}

void
prefork_tick(struct prefork *pf)
{
	struct prefork_gen *g = pf->cur;
	int64_t now = now_ms();
	int i;

	if (pf->stopping) {
		if (now > pf->stop_deadline)
			for (i = 0; i < PREFORK_GENERATIONS; i++)
				signal_gen(&pf->gens[i], SIGKILL);
		return;
	}
	for (i = 0; g != NULL && i < g->nworkers; i++)
		if (g->pids[i] == -1 &&
		    now - g->started[i] > PREFORK_BACKOFF_MS)
			start_worker(pf, g, i);
}

void
prefork_stop(struct prefork *pf, int64_t grace_ms)
{
	int i;

	if (pf->stopping)
		return;
	pf->stopping = true;
	pf->stop_deadline = now_ms() + grace_ms;
	for (i = 0; i < PREFORK_GENERATIONS; i++)
		if (pf->gens[i].ctx != NULL) {
			pf->gens[i].draining = true;
			signal_gen(&pf->gens[i], SIGTERM);
		}
	retire_drained(pf);
}

bool
prefork_done(const struct prefork *pf)
{
	int i;

	if (!pf->stopping)
		return false;
	for (i = 0; i < PREFORK_GENERATIONS; i++)
		if (pf->gens[i].ctx != NULL && pf->gens[i].nalive > 0)
			return false;
	return true;
}

static int
by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void
prefork_keep_fds(int *keep, size_t n)
{
	unsigned first = 3;
	size_t i;

	qsort(keep, n, sizeof(keep[0]), by_value);
	for (i = 0; i < n; i++) {
		if ((unsigned)keep[i] < first)
			continue;
		if ((unsigned)keep[i] > first)
			(void)syscall(SYS_close_range, first,
			    (unsigned)keep[i] - 1, 0);
		first = (unsigned)keep[i] + 1;
	}
	(void)syscall(SYS_close_range, first, ~0u, 0);
}
