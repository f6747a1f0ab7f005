/*
 * log: relayd's lines.  With `log connection`, every session ends with
 *
 *	relay NAME, session N (M active), TAG, CLIENT -> HOST:PORT, MESSAGE
 *
 * (TAG is 0 until filter rules tag sessions); with `log connection
 * errors`, only the sessions that ended in an error.  Lines go to
 * syslog (daemon) and, with -d, to stderr -- as relayd logs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/die.h"
#include "base/sockaddr.h"
#include "http_relay.h"
#include "worker.h"

static void
emit(struct worker *w, bool error, const char *line, size_t len)
{
	if (w->st->debug || w->st->syslog_fd == -1)
		(void)fprintf(stderr, "%.*s", (int)len, line);
	if (w->st->syslog_fd != -1)
		logsink_line(&w->log, w->st->syslog_fd, error, line, len,
		    time(NULL));
}

void
relay_log(struct worker *w, bool error, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	emit(w, error, line, (size_t)n);
}

void
relay_log_session(struct worker *w, const struct session *s)
{
	const struct http_sess *h = s->http;
	int flags = w->st->conf->log;
	char client[SOCKADDR_TEXT_MAX], host[SOCKADDR_TEXT_MAX];
	uint16_t port = 0;

	if ((flags & RD_LOG_CONNECTION) == 0 &&
	    !((flags & RD_LOG_CONNECTION_ERRORS) != 0 && s->error))
		return;
	sockaddr_text(&s->peer, client, sizeof(client), NULL);
	if (s->host != NULL)
		sockaddr_text(&s->host->ss, host, sizeof(host), &port);
	else
		(void)strcpy(host, "-");
	relay_log(w, s->error, "relay %s, session %llu (%u active), %s, "
	    "%s -> %s:%u, %s%s%.*s", s->relay->name, (unsigned long long)s->id,
	    w->nsessions, h != NULL && h->tag != NULL ? h->tag : "0", client,
	    host, port, s->done != NULL ? s->done : "done",
	    h != NULL && h->loglen > 0 ? "," : "",
	    h != NULL ? (int)h->loglen : 0, h != NULL && h->log != NULL ?
	    h->log : "");
}
