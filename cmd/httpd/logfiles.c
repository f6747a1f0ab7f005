/*
 * logfiles: the parent opens every access and error log the servers
 * name, once each, before the workers drop privileges; workers append to
 * the inherited descriptors.  Lines are written whole with one write(2)
 * in O_APPEND mode, so the workers' lines never interleave.  SIGUSR1
 * makes the parent open them again and start a new generation of
 * workers holding the new descriptors.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "httpd.h"
#include "net/logsink.h"

static bool
log_path(const struct httpd_state *st, const char *name, char *out,
    size_t size)
{
	const char *chroot = st->conf->chroot;
	int n;

	/* Names are relative to logdir, which is inside the chroot. */
	if (name[0] == '/')
		n = snprintf(out, size, "%s%s", chroot, name);
	else
		n = snprintf(out, size, "%s%s/%s", chroot, st->conf->logdir,
		    name);
	return n >= 0 && (size_t)n < size;
}

static bool
open_log(struct httpd_state *st, const char *name)
{
	char path[sizeof(st->logs[0].path)];
	size_t i;
	int fd;

	if (!log_path(st, name, path, sizeof(path)))
		return setup_fail(st, false, "log file path too long: %s",
		    name);
	for (i = 0; i < st->nlogs; i++)
		if (strcmp(st->logs[i].path, path) == 0)
			return true;
	if (st->nlogs == HTTPD_LOGFILES_MAX)
		return setup_fail(st, false, "more than %d log files",
		    HTTPD_LOGFILES_MAX);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0644)) == -1)
		return setup_fail(st, true, "open log file %s", path);
	(void)snprintf(st->logs[st->nlogs].path, sizeof(st->logs[0].path),
	    "%s", path);
	st->logs[st->nlogs++].fd = fd;
	return true;
}

static bool
open_server_logs(struct httpd_state *st, const struct httpd_server *s)
{
	if (!s->log.enabled || s->log.syslog)
		return true;
	return open_log(st, s->log.access) && open_log(st, s->log.error);
}

/*
 * `log syslog`: a datagram socket connected to /dev/log before the
 * workers lose the file system.  Without a syslog daemon the lines are
 * lost, as with syslog(3), and the parent says so once.
 */
static void
open_syslog(struct httpd_state *st)
{
	const struct httpd_server *s, *loc;
	bool wanted = false;

	for (s = st->conf->servers; s != NULL; s = s->next)
		for (loc = s; loc != NULL; loc = loc == s ? s->locations :
		    loc->next)
			wanted = wanted || (loc->log.enabled && loc->log.syslog);
	if (!wanted)
		return;
	if ((st->syslog_fd = logsink_syslog_open(HTTPD_SYSLOG_PATH)) == -1)
		warnx_("log syslog: %s: %s; those lines are lost",
		    HTTPD_SYSLOG_PATH, strerror(errno));
}

bool
logfiles_open(struct httpd_state *st)
{
	const struct httpd_server *s, *loc;

	st->nlogs = 0;
	st->syslog_fd = -1;
	open_syslog(st);
	for (s = st->conf->servers; s != NULL; s = s->next) {
		if (!open_server_logs(st, s))
			return false;
		for (loc = s->locations; loc != NULL; loc = loc->next)
			if (!open_server_logs(st, loc))
				return false;
	}
	return true;
}

void
logfiles_close(struct httpd_state *st)
{
	size_t i;

	for (i = 0; i < st->nlogs; i++)
		(void)close(st->logs[i].fd);
	st->nlogs = 0;
	if (st->syslog_fd != -1)
		(void)close(st->syslog_fd);
	st->syslog_fd = -1;
}

int
logfiles_fd(const struct httpd_state *st, const struct httpd_server *s,
    bool error)
{
	char path[sizeof(st->logs[0].path)];
	size_t i;

	if (s->log.enabled && s->log.syslog)
		return st->syslog_fd;
	if (!s->log.enabled || !log_path(st, error ?
	    s->log.error : s->log.access, path, sizeof(path)))
		return -1;
	for (i = 0; i < st->nlogs; i++)
		if (strcmp(st->logs[i].path, path) == 0)
			return st->logs[i].fd;
	return -1;
}
