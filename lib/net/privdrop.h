/*
 * privdrop: how a worker gives up what it was born with -- root, the
 * whole file system, the power to gain privileges again -- in the order
 * OpenBSD's daemons do it, and proves it before touching the network.
 * Used by every program that has a privileged parent and workers.
 */
#ifndef PRIVDROP_H
#define PRIVDROP_H

#include <stdbool.h>
#include <sys/types.h>

struct privdrop_user {
	uid_t	uid;
	gid_t	gid;
	char	name[64];
	char	home[256];
	char	shell[256];	/* its login shell, as the database says */
};

/*
 * The user called name, from the password database; false if none.  Dies
 * if its name or home directory does not fit: cut, it would be another.
 */
bool	privdrop_lookup(const char *name, struct privdrop_user *);
/*
 * Find the user to run as: `name` if given, else the first of the
 * NULL-terminated `defaults` that exists (OpenBSD's www, then Debian's
 * www-data).  Dies with a clear message if none exists or it is root.
 */
void	privdrop_find_user(const char *name, const char *const *defaults,
	    struct privdrop_user *);
/*
 * chroot to dir (if not NULL), chdir("/"), drop supplementary groups,
 * set real/effective/saved gid and uid, set no_new_privs, and check that
 * root cannot be regained.  Any failure is fatal: a worker never runs
 * with more than it should.
 */
void	privdrop_apply(const char *dir, const struct privdrop_user *);
/*
 * The same, keeping the one capability cap (CAP_NET_RAW: relay's
 * transparent forwards bind to their clients' addresses); -1 keeps none.
 * setuid(0) still fails: cap is never CAP_SETUID.
 */
void	privdrop_apply_keep(const char *dir, const struct privdrop_user *,
	    int cap);
/*
 * A forked child (a worker, a checker, a key process) dies with SIGKILL
 * when its parent dies, so that a parent killed outright (SIGKILL, the
 * OOM killer) leaves no worker holding its listening sockets or state:
 * the supervisor's next start must find them free.  Call it after
 * privdrop_apply (a change of credentials clears the setting) and before
 * the sandbox; parent is getppid() as the child read it first thing
 * after fork.  If the parent is already gone, the child exits.
 */
void	privdrop_die_with_parent(pid_t parent);

#endif
