#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/logsink.h"

enum { LOG_DAEMON_ERR = 3 * 8 + 3, LOG_DAEMON_INFO = 3 * 8 + 6 };

int
logsink_syslog_open(const char *path)
{
	struct sockaddr_un sun;
	int fd, e;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	(void)strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		(void)close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void
logsink_init(struct logsink *ls, const char *tag, int syslog_fd)
{
	ls->tag = tag;
	ls->syslog_fd = syslog_fd;
	ls->fd = -1;
	ls->len = 0;
	ls->errors = 0;
}

void
logsink_flush(struct logsink *ls)
{
	if (ls->fd != -1 && ls->len > 0 &&
	    write(ls->fd, ls->buf, ls->len) != (ssize_t)ls->len)
		ls->errors++;
	ls->len = 0;
}

static void
send_syslog(struct logsink *ls, bool error, const char *line, size_t len,
    time_t now)
{
	char msg[LOGSINK_LINE_MAX + 64], stamp[16];
	struct tm tm;
	int n;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > LOGSINK_LINE_MAX)
		len = LOGSINK_LINE_MAX;
	(void)localtime_r(&now, &tm);
	(void)strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(msg, sizeof(msg), "<%d>%s %s[%d]: %.*s",
	    error ? LOG_DAEMON_ERR : LOG_DAEMON_INFO, stamp, ls->tag,
	    (int)getpid(), (int)len, line);
	if (n <= 0 || (size_t)n >= sizeof(msg) ||
	    send(ls->syslog_fd, msg, (size_t)n, MSG_DONTWAIT) == -1)
		ls->errors++;
}

void
logsink_line(struct logsink *ls, int fd, bool error, const char *line,
    size_t len, time_t now)
{
	if (fd == -1 || len == 0)
		return;
	if (fd == ls->syslog_fd) {
		send_syslog(ls, error, line, len, now);
		return;
	}
	if (len > sizeof(ls->buf)) {
		ls->errors++;
		return;
	}
	if (fd != ls->fd || len > sizeof(ls->buf) - ls->len)
		logsink_flush(ls);
	ls->fd = fd;
	memcpy(ls->buf + ls->len, line, len);
	ls->len += len;
}
