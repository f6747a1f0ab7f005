/*
 * The listening socket, made while still root: a UNIX socket at the -s
 * path, owned by the -U user and its primary group, mode 0660, so that
 * only the web server's account can connect.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "bridge.h"

/* -U may name root (unlike -u): it only owns a socket. */
void
find_socket_user(const char *name, struct privdrop_user *u)
{
	if (name != NULL) {
		if (!privdrop_lookup(name, u))
			die(DIE_CONFIG, "socket user %s: no such user", name);
		return;
	}
	if (!privdrop_lookup("www", u) && !privdrop_lookup("www-data", u))
		die(DIE_CONFIG, "none of the default socket owners exists "
		    "(www, www-data); choose one with -U");
}

/* A stale socket from a previous run goes; any other file stays. */
static void
remove_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return;
		die_sys(DIE_SYS, "%s", path);
	}
	if (!S_ISSOCK(st.st_mode))
		die(DIE_CONFIG, "%s: exists and is not a socket", path);
	if (unlink(path) == -1)
		die_sys(DIE_SYS, "unlink %s", path);
}

int
listen_socket(const char *path, const struct privdrop_user *owner)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		die(DIE_CONFIG, "%s: socket path too long", path);
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		die_sys(DIE_SYS, "socket");
	remove_stale(path);
	/* No moment where the socket exists with wider rights. */
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		die_sys(DIE_SYS, "bind %s", path);
	(void)umask(old);
	if (chown(path, owner->uid, owner->gid) == -1)
		die_sys(DIE_SYS, "chown %s", path);
	if (chmod(path, 0660) == -1)
		die_sys(DIE_SYS, "chmod %s", path);
	if (listen(fd, SOMAXCONN) == -1)
		die_sys(DIE_SYS, "listen %s", path);
	return fd;
}
