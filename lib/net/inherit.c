/*
 * inherit: listening sockets named in LISTEN_SOCKETS (see inherit.h).
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/sockaddr.h"
#include "net/inherit.h"

static const char ENV_NAME[] = "LISTEN_SOCKETS";

/* 0, 1 and 2 are the standard streams: the socket moves above them. */
static int
move_up(int fd)
{
	int nfd, null;

	if (fd > 2)
		return fd;
	if ((nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(null, fd) == -1) {
		(void)close(nfd);
		return -1;
	}
	if (null != fd)
		(void)close(null);
	return nfd;
}

static int
sockopt_int(int fd, int opt)
{
	socklen_t len = sizeof(int);
	int v;

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) == -1)
		return -1;
	return v;
}

/* Check one descriptor and record it; false with why in err. */
static bool
take_one(struct inherited *in, long n, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = (int)n, type, fl;

	if (in->n == INHERIT_MAX)
		return fail_at(err, errlen, "%s: more than %d sockets",
		    ENV_NAME, INHERIT_MAX);
	if (fcntl(fd, F_GETFD) == -1)
		return fail_at(err, errlen, "%s: descriptor %d is not open",
		    ENV_NAME, fd);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
		return fail_at(err, errlen, "%s: descriptor %d is not an "
		    "IPv4 or IPv6 socket", ENV_NAME, fd);
	type = sockopt_int(fd, SO_TYPE);
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return fail_at(err, errlen, "%s: descriptor %d is neither "
		    "TCP nor UDP", ENV_NAME, fd);
	if (type == SOCK_STREAM && sockopt_int(fd, SO_ACCEPTCONN) != 1)
		return fail_at(err, errlen, "%s: descriptor %d does not "
		    "listen", ENV_NAME, fd);
	if ((fd = move_up(fd)) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return fail_at(err, errlen, "%s: descriptor %ld: %s",
		    ENV_NAME, n, strerror(errno));
	in->fd[in->n] = fd;
	in->type[in->n] = type;
	in->ss[in->n] = ss;
	in->used[in->n] = false;
	in->n++;
	return true;
}

bool
inherit_init(struct inherited *in, char *err, size_t errlen)
{
	const char *v = getenv(ENV_NAME), *p;
	char *end;
	long n;

	in->n = 0;
	if (v == NULL)
		return true;
	p = v;
	while (*p != '\0') {
		if (*p == ' ' || *p == ',') {
			p++;
			continue;
		}
		errno = 0;
		n = strtol(p, &end, 10);
		if (end == p || errno != 0 || n < 0 || n > 65535 ||
		    (*end != '\0' && *end != ' ' && *end != ','))
			return fail_at(err, errlen, "%s: \"%s\": not a list "
			    "of descriptor numbers", ENV_NAME, v);
		if (!take_one(in, n, err, errlen))
			return false;
		p = end;
	}
	(void)unsetenv(ENV_NAME);
	return true;
}

int
inherit_take(struct inherited *in, int type, const struct sockaddr_storage *ss)
{
	size_t i;

	if (in == NULL)
		return -1;
	for (i = 0; i < in->n; i++)
		if (in->type[i] == type && sockaddr_same(&in->ss[i], ss)) {
			in->used[i] = true;
			return in->fd[i];
		}
	return -1;
}

bool
inherit_holds(const struct inherited *in, int fd)
{
	size_t i;

	if (in == NULL || fd == -1)
		return false;
	for (i = 0; i < in->n; i++)
		if (in->fd[i] == fd)
			return true;
	return false;
}

void
inherit_warn_unused(const struct inherited *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		if (!in->used[i])
			warnx_("%s: descriptor %d: no listen address is bound "
			    "to it", ENV_NAME, in->fd[i]);
}
