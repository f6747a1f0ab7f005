/*
 * The spool directory, made by the root parent before the workers start:
 * FCGI_SPOOL_DIR inside the chroot, where a worker puts a chunked request
 * body too long for memory before it goes to a FastCGI responder
 * (fastcgi_spool.c).  Owned by the workers' user, mode 0700: no one else
 * reads the bodies.  Made only when a location uses fastcgi.
 *
 * With `chroot "/"` its parent is the system's /tmp, which anyone may
 * write: every step goes through descriptors opened without following
 * links, and a directory someone else made there first is refused, not
 * used.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fcgi_client.h"
#include "httpd.h"

static bool
uses_fastcgi(const struct httpd_conf *conf)
{
	const struct httpd_server *s, *loc;

	for (s = conf->servers; s != NULL; s = s->next)
		for (loc = s; loc != NULL; loc = loc == s ? s->locations :
		    loc->next)
			if (loc->fastcgi.enabled)
				return true;
	return false;
}

/* The directory name in dirfd, made if missing, opened without links. */
static int
open_dir(struct httpd_state *st, int dirfd, const char *name, mode_t mode)
{
	int fd;

	if (mkdirat(dirfd, name, mode) == -1 && errno != EEXIST) {
		(void)setup_fail(st, true, "spool directory: mkdir %s", name);
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		(void)setup_fail(st, true, "spool directory: open %s", name);
	return fd;
}

/* tmp may be shared (sticky, like /tmp) but must be root's. */
static bool
tmp_ok(struct httpd_state *st, int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) == -1)
		return setup_fail(st, true, "spool directory: fstat tmp");
	if (sb.st_uid != 0 || ((sb.st_mode & 022) != 0 &&
	    (sb.st_mode & S_ISVTX) == 0))
		return setup_fail(st, false, "spool directory: %s/tmp is not "
		    "root's, or others may write it without the sticky bit",
		    st->conf->chroot);
	return true;
}

/* Ours (root's, or already the workers'), then the workers', 0700. */
static bool
spool_ok(struct httpd_state *st, int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) == -1)
		return setup_fail(st, true, "spool directory: fstat");
	if (sb.st_uid != 0 && sb.st_uid != st->user.uid)
		return setup_fail(st, false, "spool directory: %s%s belongs "
		    "to uid %u, not root or %s", st->conf->chroot,
		    FCGI_SPOOL_DIR, (unsigned)sb.st_uid, st->user.name);
	if (fchown(fd, st->user.uid, st->user.gid) == -1 ||
	    fchmod(fd, 0700) == -1)
		return setup_fail(st, true, "spool directory: %s%s",
		    st->conf->chroot, FCGI_SPOOL_DIR);
	return true;
}

bool
spooldir_setup(struct httpd_state *st)
{
	int root, tmp = -1, spool = -1;
	bool ok = false;

	if (!uses_fastcgi(st->conf))
		return true;
	if ((root = open(st->conf->chroot, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return setup_fail(st, true, "spool directory: %s",
		    st->conf->chroot);
	if ((tmp = open_dir(st, root, FCGI_SPOOL_TMP, 0755)) != -1 &&
	    tmp_ok(st, tmp) &&
	    (spool = open_dir(st, tmp, FCGI_SPOOL_NAME, 0700)) != -1)
		ok = spool_ok(st, spool);
	if (spool != -1)
		(void)close(spool);
	if (tmp != -1)
		(void)close(tmp);
	(void)close(root);
	return ok;
}
