/*
 * routerd: main() in the order every program of the suite follows --
 * options, configuration (-n prints the routes and stops here), the
 * privileged resources (the netlink socket, the state directory), the
 * drop to CAP_NET_ADMIN alone, the sandbox, signals, and a loop that
 * follows checkd's status files and keeps the kernel's routes in step.
 */
#include <sys/stat.h>

#include <linux/capability.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/die.h"
#include "base/progopt.h"
#include "conf/confload.h"
#include "net/privdrop.h"
#include "net/sandbox.h"
#include "net/signals.h"
#include "routerd.h"

/*
 * While a gateway is left out for not being on a connected network, the
 * kernel is asked again this often: its network may come back without
 * any status file changing.
 */
enum { RECHECK_MS = 5000 };

/* routerd's own flags, after the shared ones (progopt.h). */
/* routerd's own flags, bit i of opt.flags for letter i. */
static const char own_flags[] = "kp";
enum { FLAG_KEEP_EXIT = 1u << 0, FLAG_KEEP_DOWN = 1u << 1 };

static const char *const default_users[] = { "_relayd", NULL };
static const int handled_signals[] = { SIGHUP, SIGTERM, SIGINT };

/* The configuration, in an arena of its own so that a reload frees it. */
static struct relayd_conf *
load(const struct progopt *opt, struct arena **ap, const char **error)
{
	struct relayd_conf *rc;

	*ap = arena_new();
	rc = conf_load(*ap, &relayd_grammar, opt->conffile, opt->defines,
	    opt->ndefines, stderr, error);
	if (rc == NULL) {
		arena_free(*ap);
		*ap = NULL;
	}
	return rc;
}

/* -n: the routes as they are with every gateway up; -nn: the dump. */
_Noreturn static void
check_only(struct routerd *st, const struct progopt *opt,
    const struct relayd_conf *rc)
{
	char err[256];

	if (opt->check > 1)
		relayd_grammar.dump(stdout, rc);
	else {
		if (!routers_build(st, rc, true, err, sizeof(err)))
			die(DIE_CONFIG, "%s", err);
		routes_want(st, true);
		routes_print(st, stdout);
		fprintf(stderr, "configuration OK\n");
	}
	if (fflush(stdout) == EOF)
		die_sys(DIE_SYS, "stdout");
	exit(0);
}

/*
 * checkd makes the state directory; routerd may start first, so it makes
 * it as relay does (root's, 0755) and watches for tables/ to appear.
 */
static void
open_statedir(struct routerd *st, const char *dir)
{
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		die_sys(DIE_SYS, "state directory %s", dir);
	if (!health_open(st, dir))
		die_sys(DIE_SYS, "state directory %s", dir);
}

/* SIGHUP: a new configuration, applied as a diff; a bad one is kept out. */
static void
reload(struct routerd *st, const struct progopt *opt, struct arena **cur)
{
	struct routerd next;
	struct relayd_conf *rc;
	struct arena *a;
	const char *error = NULL;
	char err[256];

	if ((rc = load(opt, &a, &error)) == NULL) {
		warnx_("reload failed, configuration kept: %s", error);
		return;
	}
	memset(&next, 0, sizeof(next));
	if (!routers_build(&next, rc, false, err, sizeof(err))) {
		warnx_("reload failed, configuration kept: %s", err);
		arena_free(a);
		return;
	}
	routers_free(st);
	st->routers = next.routers;
	st->nrouters = next.nrouters;
	st->conf = rc;
	arena_free(*cur);
	*cur = a;
	health_load_all(st);
	kernel_sync(st);
	warnx_("configuration reloaded");
}

/* Returns false once routerd is to stop. */
static bool
handle_signals(struct routerd *st, int sigfd, const struct progopt *opt,
    struct arena **cur)
{
	struct signalfd_siginfo si;
	bool run = true;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(st, opt, cur);
		else
			run = false;
	}
	return run;
}

static bool
any_left_out(const struct routerd *st)
{
	size_t i, k;

	for (i = 0; i < st->nrouters; i++)
		for (k = 0; k < st->routers[i].ngws; k++)
			if (st->routers[i].gws[k].warned)
				return true;
	return false;
}

static void
loop(struct routerd *st, int sigfd, const struct progopt *opt,
    struct arena **cur)
{
	struct pollfd pfd[2];
	int n;

	pfd[0].fd = sigfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = st->watch.fd;
	pfd[1].events = POLLIN;
	for (;;) {
		pfd[0].revents = pfd[1].revents = 0;
		n = poll(pfd, 2, any_left_out(st) ? RECHECK_MS : -1);
		if (n == -1 && errno != EINTR)
			die_sys(DIE_SYS, "poll");
		if (n == 0)
			kernel_sync(st);
		if ((pfd[1].revents & POLLIN) && health_event(st))
			kernel_sync(st);
		if ((pfd[0].revents & POLLIN) &&
		    !handle_signals(st, sigfd, opt, cur))
			return;
	}
}

int
main(int argc, char **argv)
{
	static struct routerd st;
	struct progopt opt;
	struct privdrop_user user;
	struct relayd_conf *rc;
	struct arena *arena;
	const char *error = NULL;
	char err[256];
	int sigfd;

	progname = "routerd";
	progopt_parse_flags(&opt, argc, argv, "/etc/relayd.conf",
	    "/run/relayd", true, own_flags);
	st.keep_exit = (opt.flags & FLAG_KEEP_EXIT) != 0;
	st.keep_down = (opt.flags & FLAG_KEEP_DOWN) != 0;
	st.verbose = opt.verbose;
	if ((rc = load(&opt, &arena, &error)) == NULL) {
		fprintf(stderr, "%s\n", error);
		exit(DIE_CONFIG);
	}
	if (opt.check > 0)
		check_only(&st, &opt, rc);
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (!routers_build(&st, rc, false, err, sizeof(err)))
		die(DIE_CONFIG, "%s", err);

	/* As root: the netlink socket, the state directory, the user. */
	privdrop_find_user(opt.user, default_users, &user);
	open_statedir(&st, opt.statedir);
	if ((st.nl = nl_open(err, sizeof(err))) == NULL)
		die(DIE_SYS, "%s", err);
	sigfd = signals_fd(handled_signals, sizeof(handled_signals) /
	    sizeof(handled_signals[0]));

	/* From here on: the user, CAP_NET_ADMIN and nothing else. */
	privdrop_apply_keep(NULL, &user, CAP_NET_ADMIN);
	sandbox_routerd();

	if (!kernel_adopt(&st, err, sizeof(err)))
		die(DIE_SYS, "routes of an earlier run: %s", err);
	health_load_all(&st);
	kernel_sync(&st);
	progopt_ready(&opt.readyfd);
	warnx_("started as %s with CAP_NET_ADMIN: %zu routers, %zu routes "
	    "installed", user.name, st.nrouters, st.installed.n);
	loop(&st, sigfd, &opt, &arena);
	if (!st.keep_exit)
		kernel_remove_all(&st);
	warnx_("stopped; %zu routes left in the kernel", st.installed.n);
	return 0;
}
