/*
 * accesslog: one line per request in the server's (or location's) access
 * log, in the style the configuration names, written with one write(2)
 * so that lines from different workers never mix.  Requests that end in
 * an error also get a line in the error log.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/http_log.h"
#include "http/http_path.h"
#include "tls/tls_server.h"
#include "worker.h"

enum { LOG_FIELD_MAX = 1024, LOG_LINE_MAX = 8192 };

/* A header value as a C string, cut at LOG_FIELD_MAX; NULL if absent. */
static const char *
cstr(struct http_slice s, char *buf)
{
	size_t n = s.len < LOG_FIELD_MAX - 1 ? s.len : LOG_FIELD_MAX - 1;

	if (s.ptr == NULL)
		return NULL;
	memcpy(buf, s.ptr, n);
	buf[n] = '\0';
	return buf;
}

static enum http_log_style
style_of(enum httpd_log_style s)
{
	switch (s) {
	case HTTPD_LOG_COMBINED:
		return HTTP_LOG_COMBINED;
	case HTTPD_LOG_FORWARDED:
		return HTTP_LOG_FORWARDED;
	case HTTPD_LOG_CONNECTION:
		return HTTP_LOG_CONNECTION;
	case HTTPD_LOG_COMMON:
		break;
	}
	return HTTP_LOG_COMMON;
}

/* The canonical path, as OpenBSD logs it; the raw one if it has none. */
static void
log_path(const struct conn *c, struct http_log_entry *e, char *canon)
{
	const char *t = c->log.target.ptr, *q;
	size_t len = c->log.target.len;

	e->path = t != NULL ? t : "";
	e->path_len = len;
	if (t == NULL)
		return;
	if ((q = memchr(t, '?', len)) != NULL) {
		e->query = q + 1;
		e->query_len = len - (size_t)(q - t) - 1;
		e->path_len = (size_t)(q - t);
	}
	if (http_path_canon(t, e->path_len, canon, HTTP_PATH_MAX) == 0) {
		e->path = canon;
		e->path_len = strlen(canon);
	}
}

/* Lines wait in the sink until the loop is about to sleep. */
void
accesslog_flush(struct worker *w)
{
	logsink_flush(&w->log);
}

/* Where each server and location logs, found once per worker. */
void
accesslog_init(struct worker *w)
{
	const struct httpd_server *s, *loc;

	w->nlogmap = 0;
	logsink_init(&w->log, "httpd", w->st->syslog_fd);
	for (s = w->st->conf->servers; s != NULL; s = s->next)
		for (loc = s; loc != NULL; loc = loc == s ? s->locations :
		    loc->next) {
			if (w->nlogmap == HTTPD_LOGMAP_MAX)
				return;
			w->logmap[w->nlogmap].srv = loc;
			w->logmap[w->nlogmap].access =
			    logfiles_fd(w->st, loc, false);
			w->logmap[w->nlogmap++].error =
			    logfiles_fd(w->st, loc, true);
		}
}

static const struct logmap *
logmap_find(const struct worker *w, const struct httpd_server *srv)
{
	static const struct logmap none = { NULL, -1, -1 };
	size_t i;

	for (i = 0; i < w->nlogmap; i++)
		if (w->logmap[i].srv == srv)
			return &w->logmap[i];
	return &none;
}

/* The error log says what went wrong, one line per failed request. */
static void
error_line(struct worker *w, const struct conn *c,
    const struct httpd_server *srv, const struct http_log_entry *e, int fd)
{
	char line[LOG_LINE_MAX], path[LOG_FIELD_MAX * 3];
	size_t n;
	int len;

	if (fd == -1)
		return;
	n = http_log_conn_path(path, sizeof(path), 0, e->path, e->path_len);
	len = snprintf(line, sizeof(line), "server %s, client %s:%u, %s%s: "
	    "%d %s\n", srv->name, c->peer, c->peer_port,
	    e->method != NULL ? e->method : "-", n != (size_t)-1 ? path : "",
	    e->status, http_status_text(e->status));
	if (len <= 0 || (size_t)len >= sizeof(line))
		return;
	logsink_line(&w->log, fd, true, line, (size_t)len, w->now);
}

enum { REQLOG_MAX = 1024 };	/* request paths kept per connection */

/* Connection style: remember the request's path for the closing line. */
static void
note_request(struct conn *c, char *canon)
{
	struct http_log_entry e;
	size_t n;

	memset(&e, 0, sizeof(e));
	log_path(c, &e, canon);
	if (c->reqlog == NULL && (c->reqlog = malloc(REQLOG_MAX)) == NULL)
		return;
	if (c->reqlog_len == 0)
		c->reqlog[0] = '\0';
	n = http_log_conn_path(c->reqlog, REQLOG_MAX, c->reqlog_len, e.path,
	    e.path_len);
	if (n != (size_t)-1)
		c->reqlog_len = n;
}

void
accesslog_connection(struct worker *w, struct conn *c)
{
	const struct httpd_server *srv = c->last_conf != NULL ? c->last_conf :
	    c->listener->servers[0];
	char local[64], addr[SOCKADDR_TEXT_MAX], line[LOG_LINE_MAX];
	struct http_log_entry e;
	uint16_t port;
	size_t n;

	if (!srv->log.enabled || srv->log.style != HTTPD_LOG_CONNECTION)
		return;
	conn_local(c, addr, sizeof(addr), &port);
	/* The local port is shown unless it is HTTP's own, as OpenBSD does. */
	if (port == 80)
		(void)snprintf(local, sizeof(local), "%s", addr);
	else if (strchr(addr, ':') != NULL)
		(void)snprintf(local, sizeof(local), "[%s]:%u", addr, port);
	else
		(void)snprintf(local, sizeof(local), "%s:%u", addr, port);
	memset(&e, 0, sizeof(e));
	e.server_name = srv->parent != NULL ? srv->parent->name : srv->name;
	e.conn_id = c->id;
	e.conn_active = (unsigned)w->nconns;
	e.client_addr = c->peer;
	e.client_port = c->peer_port;
	e.local_addr = local;
	e.done = c->done;
	e.requests = c->reqlog_len > 0 ? c->reqlog : NULL;
	n = http_log_format(line, sizeof(line), HTTP_LOG_CONNECTION, &e);
	logsink_line(&w->log, logmap_find(w, srv)->access, false, line, n,
	    w->now);
}

void
accesslog_write(struct worker *w, struct conn *c)
{
	const struct httpd_server *srv = c->log.conf != NULL ?
	    c->log.conf : c->listener->servers[0];
	const struct httpd_server *named = c->log.server != NULL ?
	    c->log.server : srv;
	char ref[LOG_FIELD_MAX], ua[LOG_FIELD_MAX], xff[LOG_FIELD_MAX];
	char xfp[LOG_FIELD_MAX], method[32], canon[HTTP_PATH_MAX];
	char version[16], line[LOG_LINE_MAX];
	struct http_log_entry e;
	size_t n;

	c->last_conf = srv;
	if (!srv->log.enabled)
		return;
	if (srv->log.style == HTTPD_LOG_CONNECTION) {
		note_request(c, canon);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.server_name = named->name;
	e.client_addr = c->peer;
	e.remote_user = c->log.user[0] != '\0' ? c->log.user : NULL;
	/* A verified client certificate names the user when no login does. */
	if (e.remote_user == NULL && c->tls != NULL && c->tls->peer_verified)
		e.remote_user = c->tls->peer_subject;
	e.time = w->now;
	e.gmtoff = w->gmtoff;
	e.method = c->log.method.len < sizeof(method) ?
	    cstr(c->log.method, method) : NULL;
	log_path(c, &e, canon);
	e.version = c->log.version.ptr != NULL ?
	    cstr(c->log.version, version) : NULL;
	e.status = c->log.status;
	e.bytes = c->log.bytes;
	e.referer = cstr(c->log.referer, ref);
	e.user_agent = cstr(c->log.agent, ua);
	e.forwarded_for = cstr(c->log.xff, xff);
	e.forwarded_port = cstr(c->log.xfp, xfp);
	n = http_log_format(line, sizeof(line), style_of(srv->log.style), &e);
	logsink_line(&w->log, logmap_find(w, srv)->access, false, line, n,
	    w->now);
	if (c->log.status >= HTTP_STATUS_BAD_REQUEST)
		error_line(w, c, named, &e, logmap_find(w, srv)->error);
}

/*
 * A note about a request in its error log: why a responder failed, or
 * what it wrote to FCGI_STDERR.  Control bytes are shown as '?', so a
 * line of text stays one line of the log.
 */
void
accesslog_note(struct worker *w, const struct conn *c, const char *what,
    const char *text, size_t len)
{
	const struct httpd_server *srv = c->log.conf != NULL ?
	    c->log.conf : c->listener->servers[0];
	const struct httpd_server *named = c->log.server != NULL ?
	    c->log.server : srv;
	char line[LOG_LINE_MAX], clean[1024];
	int fd = logmap_find(w, srv)->error, n;
	size_t i;

	if (fd == -1 || !srv->log.enabled)
		return;
	if (len > sizeof(clean) - 1)
		len = sizeof(clean) - 1;
	for (i = 0; i < len; i++)
		clean[i] = (unsigned char)text[i] < 0x20 ||
		    (unsigned char)text[i] == 0x7f ? '?' : text[i];
	clean[len] = '\0';
	n = snprintf(line, sizeof(line), "server %s, client %s:%u, %s: %s\n",
	    named->name, c->peer, c->peer_port, what, clean);
	if (n <= 0 || (size_t)n >= sizeof(line))
		return;
	logsink_line(&w->log, fd, true, line, (size_t)n, w->now);
}
