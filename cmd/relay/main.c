/*
 * relay: the root parent.  main() reads as a script: options and the
 * configuration (-n stops there), the state directory, a generation --
 * listening sockets, hosts, TLS chains, the key process -- then
 * `prefork` workers, readiness for s6, and a loop that only supervises
 * (lib/net/prefork): it replaces dead workers, starts a new generation
 * on SIGHUP while the old one drains, and drains everything on SIGTERM.
 * The parent never touches a session.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"
#include "conf/confload.h"
#include "net/logsink.h"
#include "net/prefork.h"
#include "net/signals.h"
#include "net/statwatch.h"
#include "relay.h"

enum { STOP_GRACE_SECONDS = RELAY_DRAIN_SECONDS + 5 };

struct generation {
	bool			used;
	struct relay_state	st;
};

struct parent {
	struct progopt		opt;
	struct generation	gens[PREFORK_GENERATIONS];
	struct prefork		workers;
	int			sigfd;
	int			syslog_fd;
	struct inherited	inherited;	/* LISTEN_SOCKETS */
};

static const char *const default_users[] = { "_relayd", NULL };
static const int parent_signals[] = { SIGCHLD, SIGHUP, SIGUSR1, SIGTERM,
    SIGINT };

static void
keep_fd(int *keep, size_t *n, int fd)
{
	if (fd >= 3 && *n < 256)
		keep[(*n)++] = fd;
}

/* A worker holds its listeners, its key socket, syslog's: nothing else. */
static void
close_other_fds(const struct relay_state *st, int id)
{
	int keep[256];
	size_t n = 0, i;

	for (i = 0; i < st->nlisteners; i++)
		keep_fd(keep, &n, st->listeners[i].fd);
	keep_fd(keep, &n, st->keyproc_fd[id]);
	keep_fd(keep, &n, st->syslog_fd);
	prefork_keep_fds(keep, n);
}

_Noreturn static void
run_worker(void *ctx, int id)
{
	struct generation *g = ctx;

	close_other_fds(&g->st, id);
	worker_main(&g->st, id);
}

static void
release(struct generation *g, struct relay_state *cur)
{
	keyproc_stop(&g->st);
	relay_teardown(&g->st, cur);
	arena_free(g->st.arena);
	memset(g, 0, sizeof(*g));
}

/* All of a draining generation's workers are gone: let go of its state. */
static void
retire(void *ctx, void *cur_ctx)
{
	struct generation *cur = cur_ctx;

	release(ctx, cur != NULL ? &cur->st : NULL);
}

static const struct prefork_ops worker_ops = { run_worker, retire };

static struct generation *
free_generation(struct parent *p)
{
	int i;

	if (!prefork_can_start(&p->workers))
		return NULL;
	for (i = 0; i < PREFORK_GENERATIONS; i++)
		if (!p->gens[i].used)
			return &p->gens[i];
	return NULL;
}

/* Sockets, hosts, TLS and the key process of a new generation. */
static bool
build(struct parent *p, struct generation *g, const struct relay_state *old)
{
	g->st.statedir = p->opt.statedir;
	g->st.inherited = &p->inherited;
	g->st.verbose = p->opt.verbose;
	g->st.debug = p->opt.debug;
	g->st.syslog_fd = p->syslog_fd;
	return relay_setup(&g->st, old) &&
	    keyproc_start(&g->st, (int)g->st.conf->prefork);
}

/* SIGHUP: a new configuration; any failure keeps the current one. */
static void
reload(struct parent *p)
{
	struct generation *g = free_generation(p);
	struct generation *old = prefork_current(&p->workers);
	const char *error = NULL;

	if (g == NULL) {
		warnx_("reload refused: %d generations still draining",
		    PREFORK_GENERATIONS - 1);
		return;
	}
	memset(g, 0, sizeof(*g));
	g->st.arena = arena_new();
	g->st.conf = conf_load(g->st.arena, &relayd_grammar, p->opt.conffile,
	    p->opt.defines, p->opt.ndefines, stderr, &error);
	if (g->st.conf == NULL) {
		warnx_("reload failed, configuration kept: %s", error);
		arena_free(g->st.arena);
		memset(g, 0, sizeof(*g));
		return;
	}
	g->st.user = old->st.user;
	if (!build(p, g, &old->st)) {
		warnx_("reload failed, configuration kept: %s", g->st.error);
		release(g, &old->st);
		return;
	}
	g->used = true;
	prefork_start(&p->workers, g, (int)g->st.conf->prefork);
	warnx_("configuration reloaded");
}

static void
handle_signals(struct parent *p)
{
	struct signalfd_siginfo si;

	while (read(p->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			prefork_reap(&p->workers);
			break;
		case SIGHUP:
			if (!p->workers.stopping)
				reload(p);
			break;
		case SIGTERM:
		case SIGINT:
			prefork_stop(&p->workers, STOP_GRACE_SECONDS * 1000);
			break;
		default:
			break;
		}
	}
}

int
main(int argc, char **argv)
{
	static struct parent p;
	struct generation *g = &p.gens[0];
	struct pollfd pfd;
	char err[256];

	g->st.conf = conf_program_start(&p.opt, argc, argv, "relay",
	    &relayd_grammar, "/etc/relayd.conf", "/run/relayd", true);
	g->st.arena = NULL;	/* the first configuration lives forever */
	setvbuf(stderr, NULL, _IOLBF, 0);
	privdrop_find_user(p.opt.user, default_users, &g->st.user);
	statwatch_statedir(p.opt.statedir);
	if (!inherit_init(&p.inherited, err, sizeof(err)))
		die(DIE_USAGE, "%s", err);
	p.syslog_fd = p.opt.debug ? -1 : logsink_syslog_open("/dev/log");
	if (!build(&p, g, NULL))
		die(DIE_CONFIG, "%s", g->st.error);
	inherit_warn_unused(&p.inherited);
	p.sigfd = signals_fd(parent_signals, sizeof(parent_signals) /
	    sizeof(parent_signals[0]));
	g->used = true;
	prefork_init(&p.workers, &worker_ops, "worker", p.opt.verbose);
	prefork_start(&p.workers, g, (int)g->st.conf->prefork);
	progopt_ready(&p.opt.readyfd);
	warnx_("started %lld workers as %s in %s", g->st.conf->prefork,
	    g->st.user.name, p.opt.statedir);
	pfd.fd = p.sigfd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, 500) == -1 && errno != EINTR)
			die_sys(DIE_SYS, "poll");
		handle_signals(&p);
		prefork_tick(&p.workers);
		if (prefork_done(&p.workers))
			break;
	}
	warnx_("stopped");
	return 0;
}
