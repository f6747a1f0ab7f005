/*
 * fcgi-bridge: runs CGI programs behind a FastCGI socket, with the
 * command line and behaviour of OpenBSD's slowcgi(8), plus -r fd for s6
 * readiness.  main() reads as a script: options, the users, the socket
 * (as root), chroot and privilege drop, sandbox, signals, readiness,
 * then the loop.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"
#include "bridge.h"
#include "net/privdrop.h"
#include "net/sandbox.h"

/*
 * The programs run as a user of their own by default, not as the web
 * server's www or www-data: a CGI program taken over could otherwise
 * signal or trace httpd's workers.  Those are used only when named with
 * -u; a missing default is an error, never a silent fall-back to them.
 */
static void
find_user(const char *name, struct privdrop_user *u)
{
	static const char *const none[] = { NULL };

	if (name == NULL && !privdrop_lookup(BRIDGE_USER, u))
		die(DIE_CONFIG, "user %s: no such user; create it (make setup "
		    "runs tools/users.sh) or name one with -u", BRIDGE_USER);
	privdrop_find_user(name != NULL ? name : BRIDGE_USER, none, u);
}

/* -p / runs without chroot, as slowcgi; default: the user's home. */
static const char *
chroot_dir(const struct bridge_opt *o, const struct privdrop_user *u)
{
	const char *dir = o->chroot != NULL ? o->chroot : u->home;
	struct stat st;

	if (stat(dir, &st) == -1)
		die_sys(DIE_CONFIG, "chroot %s", dir);
	if (!S_ISDIR(st.st_mode))
		die(DIE_CONFIG, "chroot %s: not a directory", dir);
	return strcmp(dir, "/") == 0 ? NULL : dir;
}

static const int bridge_signals[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };

int
main(int argc, char **argv)
{
	static struct bridge b;
	struct privdrop_user user, owner;
	const char *root;

	progname = "fcgi-bridge";
	setvbuf(stderr, NULL, _IOLBF, 0);
	options_parse(&b.opt, argc, argv);
	find_user(b.opt.user, &user);
	find_socket_user(b.opt.socket_user, &owner);
	root = chroot_dir(&b.opt, &user);
	if ((b.conns = calloc(BRIDGE_CONN_MAX, sizeof(*b.conns))) == NULL)
		die_sys(DIE_OOM, "connection slots");
	/* Blocked before any child exists: none is reaped unseen. */
	evloop_init(&b.loop);
	evloop_signals(&b.loop, bridge_signals, sizeof(bridge_signals) /
	    sizeof(bridge_signals[0]));
	b.lfd = listen_socket(b.opt.socket, &owner);
	privdrop_apply(root, &user);
	sandbox_fcgi_bridge();
	progopt_ready(&b.opt.readyfd);
	warnx_("listening on %s as %s in %s, timeout %lds", b.opt.socket,
	    user.name, root != NULL ? root : "/", b.opt.timeout);
	return bridge_run(&b);
}
