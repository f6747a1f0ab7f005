/*
 * checkd: the root parent.  main() reads as a script: options and the
 * configuration (-n stops there), the user to run checks as, the state
 * directory, the privileged descriptors (raw ICMP sockets, a raised
 * descriptor limit), then one checker process that drops everything.
 * The parent stays root only to re-read the configuration on SIGHUP:
 * a new checker replaces the old one, and the host states survive
 * through the status files, which the new checker reads back.
 */
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"
#include "checkd.h"
#include "conf/confload.h"
#include "net/signals.h"

enum {
	RESTART_BACKOFF_MS = 1000,	/* a checker that died is restarted */
	FD_RESERVE = 64			/* descriptors besides the checks */
};

/*
 * relayd's user (tools/users.sh creates it), then another spelling.
 * Never nobody: the checker's user must be checkd's alone (user.c).
 */
static const char *const default_users[] = { "_relayd", "relayd", NULL };

struct parent {
	struct progopt		 opt;
	struct checker_setup	 setup;
	struct arena		*arena;		/* of a reloaded conf, or NULL */
	int			 sigfd;
	pid_t			 checker;	/* -1: none running */
	int64_t			 started;
};

static bool
uses_icmp(const struct relayd_conf *rc, enum addr_kind kind)
{
	const struct rd_table_inst *in;
	const struct rd_host *h;

	for (in = rc->instances; in != NULL; in = in->next) {
		if (in->opts->check.type != RD_CHECK_ICMP)
			continue;
		for (h = in->table->hosts; h != NULL; h = h->next)
			if (h->addr.kind == kind || h->addr.kind == ADDR_NAME)
				return true;
	}
	return false;
}

/* Raw sockets need root: opened here, inherited by every checker. */
static void
open_icmp(struct checker_setup *s)
{
	if (s->icmp4 == -1 && uses_icmp(s->conf, ADDR_INET) &&
	    (s->icmp4 = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_ICMP)) == -1)
		die_sys(DIE_SYS, "raw ICMP socket");
	if (s->icmp6 == -1 && uses_icmp(s->conf, ADDR_INET6) &&
	    (s->icmp6 = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_ICMPV6)) == -1)
		die_sys(DIE_SYS, "raw ICMPv6 socket");
}

/*
 * Every check of a round is in flight at once: one descriptor per host,
 * and the parent raises the limit to fit (root may raise the hard one).
 */
static void
raise_nofile(const struct relayd_conf *rc)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)rc->nhosts + FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		die_sys(DIE_SYS, "getrlimit");
	if (rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want;
	if (rl.rlim_max < want)
		rl.rlim_max = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		die_sys(DIE_SYS, "setrlimit RLIMIT_NOFILE %llu",
		    (unsigned long long)want);
}

static void
start_checker(struct parent *p)
{
	pid_t pid;

	switch (pid = fork()) {
	case -1:
		warnx_("fork: %s", strerror(errno));
		p->checker = -1;
		break;
	case 0:
		(void)close(p->sigfd);
		checker_main(&p->setup);
	default:
		p->checker = pid;
		break;
	}
	p->started = now_ms();
	/* Readiness is the first checker's to give, once. */
	if (p->setup.readyfd != -1) {
		(void)close(p->setup.readyfd);
		p->setup.readyfd = -1;
	}
}

static void
stop_checker(struct parent *p)
{
	int status;

	if (p->checker == -1)
		return;
	(void)kill(p->checker, SIGTERM);
	while (waitpid(p->checker, &status, 0) == -1 && errno == EINTR)
		;
	p->checker = -1;
}

/* SIGHUP: a valid new file replaces the checker; a broken one is ignored. */
static void
reload(struct parent *p)
{
	struct arena *a = arena_new();
	const struct relayd_conf *rc;
	const char *error = NULL;

	rc = conf_load(a, &relayd_grammar, p->opt.conffile, p->opt.defines,
	    p->opt.ndefines, stderr, &error);
	if (rc == NULL) {
		warnx_("reload failed, configuration kept: %s",
		    error != NULL ? error : "error");
		arena_free(a);
		return;
	}
	stop_checker(p);
	p->setup.conf = rc;
	raise_nofile(rc);
	open_icmp(&p->setup);
	if (p->arena != NULL)
		arena_free(p->arena);
	p->arena = a;
	start_checker(p);
	warnx_("configuration reloaded");
}

static void
reap(struct parent *p)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != p->checker)
			continue;
		if (WIFSIGNALED(status))
			warnx_("checker (pid %d) killed by signal %d (%s)",
			    (int)pid, WTERMSIG(status),
			    strsignal(WTERMSIG(status)));
		else
			warnx_("checker (pid %d) exited with status %d",
			    (int)pid, WEXITSTATUS(status));
		p->checker = -1;
	}
}

/* Returns false when it is time to stop. */
static bool
handle_signals(struct parent *p)
{
	struct signalfd_siginfo si;

	while (read(p->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(p);
			break;
		case SIGHUP:
			reload(p);
			break;
		case SIGUSR1:
			if (p->checker != -1)
				(void)kill(p->checker, SIGUSR1);
			break;
		case SIGTERM:
		case SIGINT:
			return false;
		default:
			break;
		}
	}
	return true;
}

static const int parent_signals[] = { SIGCHLD, SIGHUP, SIGUSR1, SIGTERM,
    SIGINT };

int
main(int argc, char **argv)
{
	static struct parent p;
	struct pollfd pfd;

	p.setup.conf = conf_program_start(&p.opt, argc, argv, "checkd",
	    &relayd_grammar, "/etc/relayd.conf", "/run/relayd", true);
	setvbuf(stderr, NULL, _IOLBF, 0);
	p.setup.statedir = p.opt.statedir;
	p.setup.readyfd = p.opt.readyfd;
	p.setup.verbose = p.opt.verbose;
	p.setup.icmp4 = p.setup.icmp6 = -1;
	privdrop_find_user(p.opt.user, default_users, &p.setup.user);
	user_check_dedicated(&p.setup.user);
	p.setup.statefd = statedir_prepare(p.setup.statedir, &p.setup.user);
	raise_nofile(p.setup.conf);
	open_icmp(&p.setup);
	p.sigfd = signals_fd(parent_signals, sizeof(parent_signals) /
	    sizeof(parent_signals[0]));
	start_checker(&p);
	warnx_("checking %d hosts as %s in %s", p.setup.conf->nhosts,
	    p.setup.user.name, p.setup.statedir);
	pfd.fd = p.sigfd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, 500) == -1 && errno != EINTR)
			die_sys(DIE_SYS, "poll");
		if (!handle_signals(&p))
			break;
		if (p.checker == -1 &&
		    now_ms() - p.started > RESTART_BACKOFF_MS)
			start_checker(&p);
	}
	stop_checker(&p);
	warnx_("stopped");
	return 0;
}
