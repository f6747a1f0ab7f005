/*
 * httpd: the root parent.  main() reads as a script: options and the
 * configuration (-n stops there), the privileged resources (listening
 * sockets, log files), a generation of `prefork` workers, readiness for
 * s6, then a loop that only supervises: it replaces dead workers, starts
 * a new generation on SIGHUP (new configuration) or SIGUSR1 (log files
 * opened again) while the old one drains, and drains everything on
 * SIGTERM.  The parent never touches a client connection.
 */
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

#include "clock.h"
#include "confload.h"
#include "die.h"
#include "httpd.h"
#include "progopt.h"
#include "signals.h"

enum {
	GENERATIONS_MAX = 4,		/* current one and those draining */
	RESTART_BACKOFF_MS = 1000,	/* a worker dying at once waits */
	STOP_GRACE_SECONDS = HTTPD_DRAIN_SECONDS + 5
};

struct generation {
	bool			 used;
	struct arena		*arena;		/* the configuration's, or NULL */
	struct httpd_state	 st;
	pid_t			 pids[HTTPD_PREFORK_MAX];
	int64_t			 started[HTTPD_PREFORK_MAX];	/* ms */
	int			 nalive;
	bool			 draining;
};

struct parent {
	struct progopt		 opt;
	struct generation	 gens[GENERATIONS_MAX];
	struct generation	*cur;
	int			 sigfd;
	bool			 stopping;
	int64_t			 stop_deadline;
};

static const char *const default_users[] = { "www", "www-data", NULL };
static const int parent_signals[] = { SIGCHLD, SIGHUP, SIGUSR1, SIGTERM,
    SIGINT };

bool
setup_fail(struct httpd_state *st, bool with_errno, const char *fmt, ...)
{
	va_list ap;
	int n, e = errno;

	va_start(ap, fmt);
	n = vsnprintf(st->error, sizeof(st->error), fmt, ap);
	va_end(ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(st->error))
		(void)snprintf(st->error + n, sizeof(st->error) - (size_t)n,
		    ": %s", strerror(e));
	return false;
}

static void
add_keep(int *keep, size_t *n, int fd)
{
	if (fd >= 3 && *n < 512)
		keep[(*n)++] = fd;
}

static int
by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* A worker holds its generation's sockets and logs, and nothing else. */
static void
close_other_fds(const struct generation *g)
{
	int keep[512];
	size_t n = 0, i;
	unsigned first = 3;

	for (i = 0; i < g->st.nlisteners; i++)
		add_keep(keep, &n, g->st.listeners[i].fd);
	for (i = 0; i < g->st.nlogs; i++)
		add_keep(keep, &n, g->st.logs[i].fd);
	add_keep(keep, &n, g->st.syslog_fd);
	qsort(keep, n, sizeof(keep[0]), by_value);
	for (i = 0; i < n; i++) {
		if ((unsigned)keep[i] > first)
			(void)syscall(SYS_close_range, first,
			    (unsigned)keep[i] - 1, 0);
		first = (unsigned)keep[i] + 1;
	}
	(void)syscall(SYS_close_range, first, ~0u, 0);
}

static void
start_worker(struct parent *p, struct generation *g, int id)
{
	pid_t pid;

	switch (pid = fork()) {
	case -1:
		warnx_("fork: %s", strerror(errno));
		g->pids[id] = -1;
		return;
	case 0:
		close_other_fds(g);
		worker_main(&g->st, id);
	default:
		break;
	}
	g->pids[id] = pid;
	g->started[id] = now_ms();
	g->nalive++;
	if (p->opt.verbose > 0)
		warnx_("worker %d started, pid %d", id, (int)pid);
}

static void
start_generation(struct parent *p, struct generation *g)
{
	int i;

	g->nalive = 0;
	g->draining = false;
	for (i = 0; i < g->st.conf->prefork; i++)
		start_worker(p, g, i);
}

static void
signal_generation(struct generation *g, int sig)
{
	long long i;

	for (i = 0; i < g->st.conf->prefork; i++)
		if (g->pids[i] > 0)
			(void)kill(g->pids[i], sig);
}

static struct generation *
free_generation(struct parent *p)
{
	int i;

	for (i = 0; i < GENERATIONS_MAX; i++)
		if (!p->gens[i].used)
			return &p->gens[i];
	return NULL;
}

/* All of a draining generation's workers are gone: let go of its state. */
static void
retire(struct parent *p, struct generation *g)
{
	listen_close_unused(&g->st, p->stopping ? NULL : &p->cur->st);
	logfiles_close(&g->st);
	tls_teardown(&g->st);
	arena_free(g->arena);
	memset(g, 0, sizeof(*g));
}

/*
 * A new generation: from a new configuration (SIGHUP), or from the
 * current one with its log files opened again (SIGUSR1).  Any failure
 * leaves the current generation serving as it was.
 */
static void
renew(struct parent *p, bool reread)
{
	struct generation *g = free_generation(p), *old = p->cur;
	const char *error = NULL;

	if (g == NULL) {
		warnx_("reload refused: %d generations still draining",
		    GENERATIONS_MAX - 1);
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
	if (!listen_setup(&g->st, &old->st) || !logfiles_open(&g->st) ||
	    !spooldir_setup(&g->st) || !tls_setup(&g->st)) {
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
	start_generation(p, g);
	old->draining = true;
	signal_generation(old, SIGTERM);
	p->cur = g;
	warnx_("%s", reread ? "configuration reloaded" : "log files reopened");
}

static struct generation *
owner(struct parent *p, pid_t pid, int *id)
{
	int i, j;

	for (i = 0; i < GENERATIONS_MAX; i++)
		for (j = 0; p->gens[i].used && j < p->gens[i].st.conf->prefork;
		    j++)
			if (p->gens[i].pids[j] == pid) {
				*id = j;
				return &p->gens[i];
			}
	return NULL;
}

static void
report_exit(int id, pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		warnx_("worker %d (pid %d) killed by signal %d (%s)", id,
		    (int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		warnx_("worker %d (pid %d) exited with status %d", id,
		    (int)pid, WEXITSTATUS(status));
}

static void
reap(struct parent *p)
{
	struct generation *g;
	pid_t pid;
	int status, id;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((g = owner(p, pid, &id)) == NULL)
			continue;
		g->pids[id] = 0;
		g->nalive--;
		if (!g->draining && !p->stopping) {
			report_exit(id, pid, status);
			/* Replaced at once, or after a pause if it died young. */
			g->pids[id] = -1;
			if (now_ms() - g->started[id] > RESTART_BACKOFF_MS)
				start_worker(p, g, id);
		}
		if (g->draining && g->nalive == 0)
			retire(p, g);
	}
}

static void
restart_waiting(struct parent *p)
{
	struct generation *g = p->cur;
	int i;

	for (i = 0; !p->stopping && i < g->st.conf->prefork; i++)
		if (g->pids[i] == -1 &&
		    now_ms() - g->started[i] > RESTART_BACKOFF_MS)
			start_worker(p, g, i);
}

static void
stop(struct parent *p)
{
	int i;

	if (p->stopping)
		return;
	p->stopping = true;
	p->stop_deadline = now_ms() + STOP_GRACE_SECONDS * 1000;
	for (i = 0; i < GENERATIONS_MAX; i++)
		if (p->gens[i].used) {
			p->gens[i].draining = true;
			signal_generation(&p->gens[i], SIGTERM);
		}
}

static int
alive(const struct parent *p)
{
	int i, n = 0;

	for (i = 0; i < GENERATIONS_MAX; i++)
		if (p->gens[i].used)
			n += p->gens[i].nalive;
	return n;
}

static void
handle_signals(struct parent *p)
{
	struct signalfd_siginfo si;

	while (read(p->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(p);
			break;
		case SIGHUP:
			if (!p->stopping)
				renew(p, true);
			break;
		case SIGUSR1:
			if (!p->stopping)
				renew(p, false);
			break;
		case SIGTERM:
		case SIGINT:
			stop(p);
			break;
		default:
			break;
		}
	}
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
	if (!listen_setup(&g->st, NULL) || !logfiles_open(&g->st) ||
	    !spooldir_setup(&g->st))
		die(DIE_SYS, "%s", g->st.error);
	if (!tls_setup(&g->st))
		die(DIE_CONFIG, "%s", g->st.error);
	p.sigfd = signals_fd(parent_signals, sizeof(parent_signals) /
	    sizeof(parent_signals[0]));
	g->used = true;
	p.cur = g;
	start_generation(&p, g);
	progopt_ready(&p.opt.readyfd);
	warnx_("started %lld workers as %s in %s", g->st.conf->prefork,
	    g->st.user.name, g->st.conf->chroot);
	pfd.fd = p.sigfd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, 500) == -1 && errno != EINTR)
			die_sys(DIE_SYS, "poll");
		handle_signals(&p);
		restart_waiting(&p);
		if (p.stopping && alive(&p) == 0)
			break;
		if (p.stopping && now_ms() > p.stop_deadline) {
			for (int i = 0; i < GENERATIONS_MAX; i++)
				if (p.gens[i].used)
					signal_generation(&p.gens[i], SIGKILL);
		}
	}
	warnx_("stopped");
	return 0;
}
