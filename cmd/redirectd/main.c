/*
 * redirectd: main() in the order every program of the suite follows --
 * options, configuration (-n stops here, printing the ruleset), the
 * machine (interfaces, forwarding), the state directory and the
 * nftables handle, privileges down to CAP_NET_ADMIN, the sandbox, the
 * table, then a loop that follows checkd's status files.
 * One process: nothing in it parses what the network sends.
 */
#include <linux/capability.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"
#include "conf/confload.h"
#include "net/privdrop.h"
#include "net/sandbox.h"
#include "net/signals.h"
#include "redirectd.h"

/*
 * The loop wakes at least this often: the operator's switches are
 * looked at, and a refused round is tried again.
 */
enum { TICK_MS = 1000 };

static const char *const default_users[] = { "_relayd", "relayd", NULL };
static const int handled_signals[] = { SIGHUP, SIGTERM, SIGINT };

_Noreturn static void
config_error(const char *err)
{
	fprintf(stderr, "%s\n", err);
	exit(DIE_CONFIG);
}

/* -n: the ruleset on stdout, "configuration OK" on stderr; -nn: the dump. */
_Noreturn static void
check_only(struct redirectd *d, const struct progopt *opt)
{
	char err[RDR_ERR_MAX];

	if (opt->check > 1) {
		relayd_grammar.dump(stdout, d->st.conf);
	} else {
		if (!rdr_setup(&d->st, d->st.conf, opt->conffile, true, err,
		    sizeof(err)))
			config_error(err);
		d->textsize = ruleset_text_size(&d->st);
		if ((d->text = malloc(d->textsize)) == NULL)
			die(DIE_OOM, "out of memory");
		if (!ruleset_table(&d->st, d->flags, d->text, d->textsize))
			die(DIE_SYS, "ruleset: text too long for its buffer");
		fputs(d->text, stdout);
		fprintf(stderr, "configuration OK\n");
	}
	if (fflush(stdout) == EOF)
		die_sys(DIE_SYS, "stdout");
	exit(0);
}

/* SIGHUP: a new file, a new table in one swap; any failure keeps both. */
static void
reload(struct redirectd *d, const struct progopt *opt)
{
	struct rdr_state old = d->st, st;
	const struct relayd_conf *rc;
	const char *error = NULL;
	char err[RDR_ERR_MAX];
	size_t i;

	memset(&st, 0, sizeof(st));
	st.arena = arena_new();
	rc = conf_load(st.arena, &relayd_grammar, opt->conffile, opt->defines,
	    opt->ndefines, stderr, &error);
	if (rc == NULL || !rdr_setup(&st, rc, opt->conffile, false, err,
	    sizeof(err)) || !env_check_interfaces(&st, err, sizeof(err))) {
		warnx_("reload failed, configuration kept: %s",
		    rc == NULL ? error : err);
		arena_free(st.arena);
		return;
	}
	for (i = 0; i < st.nrdrs; i++)
		if (!st.rdrs[i].conf->table->route &&
		    ((st.rdrs[i].af4 && !d->forward4) ||
		    (st.rdrs[i].af6 && !d->forward6))) {
			warnx_("reload failed, configuration kept: redirect "
			    "%s: forwarding of its family was off at start",
			    st.rdrs[i].conf->name);
			arena_free(st.arena);
			return;
		}
	d->st = st;
	health_size(d);
	health_read_all(d);
	health_switches(d);
	if (!apply_table(d)) {
		warnx_("reload failed, configuration kept");
		d->st = old;
		arena_free(st.arena);
		return;
	}
	arena_free(old.arena);
	warnx_("configuration reloaded");
}

/* Returns false when it is time to stop. */
static bool
handle_signals(struct redirectd *d, int sigfd, const struct progopt *opt)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload(d, opt);
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

static void
loop(struct redirectd *d, int sigfd, const struct progopt *opt)
{
	struct pollfd pfd[2];
	int n;

	pfd[0].fd = sigfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = d->watching ? d->sw.fd : -1;
	pfd[1].events = POLLIN;
	for (;;) {
		if ((n = poll(pfd, 2, TICK_MS)) == -1 && errno != EINTR)
			die_sys(DIE_SYS, "poll");
		if (n > 0 && (pfd[0].revents & POLLIN) &&
		    !handle_signals(d, sigfd, opt))
			return;
		if (n > 0 && (pfd[1].revents & POLLIN))
			health_event(d);
		health_switches(d);
		/* Every change read so far, in one transaction. */
		apply_round(d);
	}
}

int
main(int argc, char **argv)
{
	static struct redirectd d;
	struct progopt opt;
	struct privdrop_user user;
	char err[RDR_ERR_MAX];
	int sigfd;

	progname = "redirectd";
	progopt_parse_flags(&opt, argc, argv, "/etc/relayd.conf", "/run/relayd",
	    true, "ck");
	d.st.conf = conf_program_load(&opt, &relayd_grammar);
	d.flags = opt.flags;
	d.verbose = opt.verbose;
	if (opt.check > 0)
		check_only(&d, &opt);
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (!rdr_setup(&d.st, d.st.conf, opt.conffile, false, err,
	    sizeof(err)) || !env_check_interfaces(&d.st, err, sizeof(err)))
		config_error(err);
	env_check_forwarding(&d);
	privdrop_find_user(opt.user, default_users, &user);
	statwatch_statedir(opt.statedir);
	apply_init(&d);
	sigfd = signals_fd(handled_signals, sizeof(handled_signals) /
	    sizeof(handled_signals[0]));
	/*
	 * No chroot: SIGHUP reads the configuration again where it is.
	 * Landlock makes the whole file system read-only instead.
	 */
	health_watch(&d, opt.statedir);
	privdrop_apply_keep(NULL, &user, CAP_NET_ADMIN);
	sandbox_redirectd();
	health_read_all(&d);
	health_switches(&d);
	if (!apply_table(&d))
		die(DIE_SYS, "cannot load table " RDR_NFT_FAMILY " "
		    RDR_NFT_TABLE);
	progopt_ready(&opt.readyfd);
	warnx_("%zu redirections in table " RDR_NFT_FAMILY " " RDR_NFT_TABLE
	    ", as %s in %s", d.st.nrdrs, user.name, opt.statedir);
	loop(&d, sigfd, &opt);
	if (d.flags & RDR_FLAG_KEEP)
		warnx_("tables " RDR_NFT_BOTH " kept (-k)");
	else
		apply_remove(&d);
	warnx_("stopped");
	return 0;
}
