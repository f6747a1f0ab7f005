/*
 * httpd: the root parent.  main() reads as a script: options and the
 * configuration (-n stops there), the privileged resources (listening
 * sockets, log files), a generation of `prefork` workers, readiness for
 * s6, then a loop that only supervises (lib/net/prefork): it replaces
 * dead workers, starts a new generation on SIGHUP (new configuration) or
 * SIGUSR1 (log files opened again) while the old one drains, and drains
 * everything on SIGTERM.  The parent never touches a client connection.
 */
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"
#include "conf/confload.h"
#include "httpd.h"
#include "net/prefork.h"
#include "net/sandbox.h"
#include "net/signals.h"

enum { STOP_GRACE_SECONDS = HTTPD_DRAIN_SECONDS + 5 };

/* What one generation of workers serves from. */
struct generation {
	bool			 used;
	struct arena		*arena;		/* the configuration's, or NULL */
	struct httpd_state	 st;
};

struct parent {
	struct progopt		 opt;
	struct inherited	 inherited;	/* LISTEN_SOCKETS */
	struct generation	 gens[PREFORK_GENERATIONS];
	struct prefork		 workers;
	int			 sigfd;
};

static const char *const default_users[] = { "www", "www-data", NULL };
static const int parent_signals[] = { SIGCHLD, SIGHUP, SIGUSR1, SIGTERM,
    SIGINT };

bool
setup_fail(struct httpd_state *st, bool with_errno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vfail_at(st->error, sizeof(st->error), with_errno, fmt, ap);
	va_end(ap);
	return false;
}

static void
add_keep(int *keep, size_t *n, int fd)
{
	if (fd >= 3 && *n < 512)
		keep[(*n)++] = fd;
}

/* A worker holds its generation's sockets and logs, and nothing else. */
static void
close_other_fds(const struct generation *g)
{
	int keep[512];
	size_t n = 0, i;

	for (i = 0; i < g->st.nlisteners; i++)
		add_keep(keep, &n, g->st.listeners[i].fd);
	for (i = 0; i < g->st.nlogs; i++)
		add_keep(keep, &n, g->st.logs[i].fd);
	add_keep(keep, &n, g->st.syslog_fd);
	prefork_keep_fds(keep, n);
}

_Noreturn static void
run_worker(void *ctx, int id)
{
	struct generation *g = ctx;

	close_other_fds(g);
	worker_main(&g->st, id);
}

/* All of a draining generation's workers are gone: let go of its state. */
static void
retire(void *ctx, void *cur_ctx)
{
	struct generation *g = ctx, *cur = cur_ctx;

	listen_close_unused(&g->st, cur != NULL ? &cur->st : NULL);
	logfiles_close(&g->st);
	tls_teardown(&g->st);
	arena_free(g->arena);
	memset(g, 0, sizeof(*g));
}

static const struct prefork_ops worker_ops = { run_worker, retire };

/*
 * The workers' sandbox must be able to confine what the configuration
 * asks (sandbox.h): refused here, at start or on reload, and not by
 * workers that die as they start.
 */
static bool
sandbox_possible(struct httpd_state *st)
{
	char err[256];

	if (!sandbox_worker_check(httpd_fastcgi_on_unix(st->conf),
	    SANDBOX_ABI_KERNEL, err, sizeof(err)))
		return setup_fail(st, false, "%s", err);
	return true;
}

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

/*
 * A new generation: from a new configuration (SIGHUP), or from the
 * current one with its log files opened again (SIGUSR1).  Any failure
 * leaves the current generation serving as it was.
 */
static void
renew(struct parent *p, bool reread)
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
	if (reread) {
		g->arena = arena_new();
		g->st.conf = conf_load(g->arena, &httpd_grammar,
		    p->opt.conffile, p->opt.defines, p->opt.ndefines, stderr,
		    &error);
		if (g->st.conf == NULL) {
			warnx_("reload failed, configuration kept: %s", error);
			arena_free(g->arena);
			return;
		}
	} else {
		/* The arena moves to the new generation with the config. */
		g->arena = old->arena;
		g->st.conf = old->st.conf;
		old->arena = NULL;
	}
	g->st.user = old->st.user;
	g->st.verbose = old->st.verbose;
	g->st.inherited = old->st.inherited;
	if (!sandbox_possible(&g->st) || !listen_setup(&g->st, &old->st) ||
	    !logfiles_open(&g->st) || !spooldir_setup(&g->st) ||
	    !tls_setup(&g->st)) {
		warnx_("reload failed, configuration kept: %s", g->st.error);
		listen_close_new(&g->st, &old->st);
		logfiles_close(&g->st);
		tls_teardown(&g->st);
		if (!reread) {
			old->arena = g->arena;
			g->arena = NULL;
		}
		arena_free(g->arena);
		return;
	}
	g->used = true;
	prefork_start(&p->workers, g, (int)g->st.conf->prefork);
	warnx_("%s", reread ? "configuration reloaded" : "log files reopened");
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
				renew(p, true);
			break;
		case SIGUSR1:
			if (!p->workers.stopping)
				renew(p, false);
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

/*
 * Sockets handed over by a descriptor holder (LISTEN_SOCKETS): taken by
 * the listen addresses they are bound to.  One that no address wants is
 * said at start and kept for a configuration that may.
 */
static void
take_inherited(struct parent *p, struct generation *g)
{
	char err[256];

	if (!inherit_init(&p->inherited, err, sizeof(err)))
		die(DIE_USAGE, "%s", err);
	g->st.inherited = &p->inherited;
}

static void
check_chroot(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == -1)
		die_sys(DIE_CONFIG, "chroot %s", dir);
	if (!S_ISDIR(st.st_mode))
		die(DIE_CONFIG, "chroot %s: not a directory", dir);
}

/*
 * Expired TLS sessions leave the shared caches within a minute even if
 * no client comes near their entries again: a slice of each cache per
 * wake-up (at least every half second), the whole table in 16 seconds.
 */
static void
sweep_sessions(struct parent *p)
{
	time_t now = time(NULL);
	int i;

	for (i = 0; i < PREFORK_GENERATIONS; i++)
		if (p->gens[i].used && p->gens[i].st.tls_cache != NULL)
			tls_cache_sweep(p->gens[i].st.tls_cache, now,
			    TLS_CACHE_ENTRIES / 32);
}

int
main(int argc, char **argv)
{
	static struct parent p;
	struct generation *g = &p.gens[0];
	struct pollfd pfd;

	g->st.conf = conf_program_start(&p.opt, argc, argv, "httpd",
	    &httpd_grammar, "/etc/httpd.conf", NULL, true);
	g->arena = NULL;	/* the first configuration lives forever */
	g->st.verbose = p.opt.verbose;
	setvbuf(stderr, NULL, _IOLBF, 0);
	privdrop_find_user(p.opt.user, default_users, &g->st.user);
	check_chroot(g->st.conf->chroot);
	if (!sandbox_possible(&g->st))
		die(DIE_CONFIG, "%s", g->st.error);
	take_inherited(&p, g);
	if (!listen_setup(&g->st, NULL) || !logfiles_open(&g->st) ||
	    !spooldir_setup(&g->st))
		die(DIE_SYS, "%s", g->st.error);
	if (!tls_setup(&g->st))
		die(DIE_CONFIG, "%s", g->st.error);
	inherit_warn_unused(&p.inherited);
	p.sigfd = signals_fd(parent_signals, sizeof(parent_signals) /
	    sizeof(parent_signals[0]));
	g->used = true;
	prefork_init(&p.workers, &worker_ops, "worker", p.opt.verbose);
	prefork_start(&p.workers, g, (int)g->st.conf->prefork);
	progopt_ready(&p.opt.readyfd);
	warnx_("started %lld workers as %s in %s", g->st.conf->prefork,
	    g->st.user.name, g->st.conf->chroot);
	pfd.fd = p.sigfd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, 500) == -1 && errno != EINTR)
			die_sys(DIE_SYS, "poll");
		handle_signals(&p);
		prefork_tick(&p.workers);
		sweep_sessions(&p);
		if (prefork_done(&p.workers))
			break;
	}
	warnx_("stopped");
	return 0;
}
