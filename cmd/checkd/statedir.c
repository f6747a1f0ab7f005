/*
 * The state directory and who owns what in it.  The checker's user
 * must not be able to steer anything root does, so:
 *
 *	DIR/		root, 0755: only root adds, renames or removes names here
 *	DIR/disabled/	root, writable by root alone: the operator's switches
 *	DIR/tables/	the checker's user, 0755: the status files
 *	DIR/report/	the checker's user, 0755: summary and checkd.prom
 *	DIR/demote/	the checker's user, 0755: demote GROUP counters
 *
 * The user may do what it likes inside tables/ and report/ (it writes
 * them), but cannot rename or replace them, nor touch disabled/.  Root
 * never follows a link here: every directory is opened with O_NOFOLLOW
 * relative to the one above, and owners and modes are set through the
 * descriptor, never by name.  Root never looks inside the user's two.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/die.h"
#include "checkd.h"

static const int DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

/* dir/name, made if missing; a link or anything but a directory is fatal. */
static int
open_subdir(int dfd, const char *dir, const char *name)
{
	int fd;

	if (mkdirat(dfd, name, 0755) == -1 && errno != EEXIST)
		die_sys(DIE_SYS, "mkdir %s/%s", dir, name);
	if ((fd = openat(dfd, name, DIR_FLAGS)) == -1)
		die_sys(DIE_SYS, "state directory %s: %s must be a directory, "
		    "not a link", dir, name);
	return fd;
}

/* The operator's switches: whoever else may write them controls hosts. */
static void
check_disabled(int dfd, const char *dir)
{
	struct stat st;
	int fd = open_subdir(dfd, dir, "disabled");

	if (fstat(fd, &st) == -1)
		die_sys(DIE_SYS, "stat %s/disabled", dir);
	if (st.st_uid != 0 || (st.st_mode & S_IWOTH) != 0 ||
	    ((st.st_mode & S_IWGRP) != 0 && st.st_gid != 0))
		die(DIE_SYS, "state directory %s: disabled must be owned by "
		    "root and writable by root alone", dir);
	(void)close(fd);
}

static void
give(int dfd, const char *dir, const char *name, const struct privdrop_user *u)
{
	int fd = open_subdir(dfd, dir, name);

	if (fchown(fd, u->uid, u->gid) == -1 || fchmod(fd, 0755) == -1)
		die_sys(DIE_SYS, "chown %s/%s to %s", dir, name, u->name);
	(void)close(fd);
}

int
statedir_prepare(const char *dir, const struct privdrop_user *u)
{
	static const char *const stale[] = { "summary", "summary.tmp",
	    "checkd.prom", "checkd.prom.tmp" };
	size_t i;
	int dfd;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		die_sys(DIE_SYS, "mkdir %s", dir);
	if ((dfd = open(dir, DIR_FLAGS)) == -1)
		die_sys(DIE_SYS, "state directory %s must be a directory, "
		    "not a link", dir);
	/*
	 * Root's first, before a name in it is trusted: an older checkd
	 * gave the whole directory to the checker's user.
	 */
	if (fchown(dfd, 0, 0) == -1 || fchmod(dfd, 0755) == -1)
		die_sys(DIE_SYS, "chown %s to root", dir);
	check_disabled(dfd, dir);
	give(dfd, dir, "tables", u);
	give(dfd, dir, "report", u);
	give(dfd, dir, "demote", u);
	/* An older checkd's files at the top are stale: names removed. */
	for (i = 0; i < sizeof(stale) / sizeof(stale[0]); i++)
		(void)unlinkat(dfd, stale[i], 0);
	return dfd;
}
