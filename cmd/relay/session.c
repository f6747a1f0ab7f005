/*
 * session: a client accepted, a host chosen and connected (retrying the
 * next one when a connect fails), events passed to the protocol, time-
 * outs, and the end: both sockets closed, buffers back in the pool, one
 * log line.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/proxy_header.h"
#include "net/listener.h"
#include "worker.h"

enum { ACCEPT_PAUSE_MS = 100, ACCEPTS_PER_EVENT = 64 };

static const uint32_t STREAM_EVENTS = EPOLLIN | EPOLLOUT | EPOLLRDHUP |
    EPOLLET;

static struct session *
slot_get(struct worker *w)
{
	struct session *s;

	if ((s = w->free) != NULL) {
		w->free = s->next;
		return s;
	}
	if (w->used == RELAY_SESSIONS_MAX)
		return NULL;
	s = &w->sessions[w->used];
	s->index = w->used++;
	return s;
}

static void
half_init(struct half *h)
{
	memset(h, 0, sizeof(*h));
	h->pipe.fd[0] = h->pipe.fd[1] = -1;
}

static void
half_free(struct worker *w, struct half *h)
{
	bufpool_put(&w->bufs, h->buf);
	if (h->pipe.fd[0] != -1) {
		(void)close(h->pipe.fd[0]);
		(void)close(h->pipe.fd[1]);
	}
	half_init(h);
}

/*
 * Socket options of the protocol's tcp { } block for the connection to
 * the host; the client's connection inherits them from the listening
 * socket (setup.c).
 */
static void
apply_sockopts(const struct rrelay *r, int fd)
{
	const struct sockopts *so = r->proto != NULL ? &r->proto->tcp : NULL;
	int v;

	v = relay_nodelay(r);
	if (v != -1)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v));
	if (so != NULL && so->socket_buffer != SOCKOPTS_UNSET) {
		v = (int)so->socket_buffer;
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	}
}

static bool
start_client_tls(struct worker *w, struct session *s)
{
	const struct tls_server *srv = &s->relay->site->srv;

	if ((s->tls = malloc(sizeof(*s->tls))) == NULL)
		return false;
	if (!tls_conn_init(s->tls, srv)) {
		free(s->tls);
		s->tls = NULL;
		return false;
	}
	(void)w;
	if (s->relay->inspect)
		tls_conn_hold(s->tls);
	stream_start_tls(&s->cli, tls_conn_end(s->tls));
	return true;
}

static void
start_session(struct worker *w, struct session *s, struct rlistener *l,
    int fd, const struct sockaddr_storage *peer)
{
	socklen_t len = sizeof(s->local);

	s->state = SESS_CONNECTING;
	s->relay = l->relay;
	s->listener = l;
	s->id = ++w->next_id;
	s->peer = *peer;
	/* A listener on one address says it; a wildcard one cannot. */
	if (!sockaddr_is_any(&l->ss))
		s->local = l->ss;
	else if (getsockname(fd, (struct sockaddr *)&s->local, &len) == -1)
		memset(&s->local, 0, sizeof(s->local));
	stream_open(&s->cli, fd);
	stream_open(&s->srv, -1);
	s->cli_have = s->srv_have = 0;
	s->fwd = NULL;
	s->host = NULL;
	s->want_fwd = s->pick_fwd = -1;
	s->hashed = s->pick_hashed = false;
	s->srv_reused = s->srv_fresh = false;
	s->dest = NULL;
	s->dest_state = 0;
	s->tls = NULL;
	s->tcl = NULL;
	s->http = NULL;
	s->insp = NULL;
	s->done = NULL;
	s->error = false;
	half_init(&s->up);
	half_init(&s->down);
	s->started = w->loop.now;
	s->deadline = w->loop.now + s->relay->timeout_ms;
	w->nsessions++;
	if (evloop_set(&w->loop, fd, evloop_tag(WORKER_TAG_CLIENT, s->index),
	    STREAM_EVENTS, &s->cli_have) == -1) {
		session_close(w, s, "epoll_ctl failed", true);
		return;
	}
	if (l->tls && !start_client_tls(w, s)) {
		session_close(w, s, "TLS setup failed", true);
		return;
	}
	/* The listener deferred accept until the request came: read it. */
	if (relay_defers_accept(s->relay, l->tls))
		s->cli.readable = true;
	if (s->relay->http)
		http_start(w, s);
	else if (session_connect(w, s))
		tcp_relay(w, s);
	if (s->relay->inspect && s->state != SESS_FREE)
		inspect_check(w, s);
}

void
session_accept(struct worker *w, struct rlistener *l)
{
	struct sockaddr_storage ss;
	struct session *s;
	bool exhausted;
	int fd, i;

	for (i = 0; i < ACCEPTS_PER_EVENT; i++) {
		if ((s = slot_get(w)) == NULL) {
			worker_pause_accept(w, ACCEPT_PAUSE_MS);
			return;
		}
		if ((fd = listener_accept(l->fd, &ss, &exhausted)) == -1) {
			s->next = w->free;
			w->free = s;
			if (exhausted)
				worker_pause_accept(w, ACCEPT_PAUSE_MS);
			return;	/* EAGAIN: another worker took it */
		}
		start_session(w, s, l, fd, &ss);
	}
}

/* The PROXY header goes first, before anything of the client's. */
static bool
queue_proxy_header(struct worker *w, struct session *s)
{
	unsigned char hdr[PROXY_HEADER_MAX];
	size_t n;
	struct half *h = &s->up;

	n = proxy_header(s->fwd->proxy == 2 ? PROXY_HEADER_V2 :
	    PROXY_HEADER_V1, &s->peer, &s->local, hdr, sizeof(hdr));
	if (n == 0)
		return false;
	if (s->relay->http)
		return http_prepend(w, s, hdr, n);
	if (h->buf == NULL && (h->buf = bufpool_get(&w->bufs)) == NULL)
		return false;
	if (h->len - h->off + n > RELAY_BUF)
		return false;
	memmove(h->buf + n, h->buf + h->off, h->len - h->off);
	memcpy(h->buf, hdr, n);
	h->len = h->len - h->off + n;
	h->off = 0;
	return true;
}

/*
 * SNI, and the name the certificate must carry: the host's name as
 * written -- unless it is an address, which SNI cannot carry (RFC 6066);
 * the chain is then verified without a name.
 */
static const char *
server_name(const struct rhost *h)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, h->name, a) == 1 ||
	    inet_pton(AF_INET6, h->name, a) == 1)
		return NULL;
	return h->name;
}

static bool
start_server_tls(struct session *s)
{
	const struct rrelay *r = s->relay;

	if ((s->tcl = malloc(sizeof(*s->tcl))) == NULL)
		return false;
	if (!tls_client_init(s->tcl, &r->client, server_name(s->host),
	    NULL)) {
		free(s->tcl);
		s->tcl = NULL;
		return false;
	}
	stream_start_tls(&s->srv, tls_client_end(s->tcl));
	return true;
}

/*
 * A pipe for splicing, as large as RELAY_PIPE if the user's share of
 * pipe memory allows (else the kernel's default stays): each splice(2)
 * moves as much as the socket holds, in fewer calls.
 */
static bool
open_pipe(struct splice_pipe *p)
{
	if (pipe2(p->fd, O_NONBLOCK | O_CLOEXEC) == -1)
		return false;
	(void)fcntl(p->fd[0], F_SETPIPE_SZ, RELAY_PIPE);
	return true;
}

static void
connected(struct worker *w, struct session *s)
{
	s->state = SESS_RELAYING;
	s->deadline = w->loop.now + s->relay->timeout_ms;
	apply_sockopts(s->relay, s->srv.fd);
	if (s->fwd->proxy != 0 && !queue_proxy_header(w, s)) {
		session_close(w, s, "PROXY header failed", true);
		return;
	}
	if (s->fwd->tls && !start_server_tls(s)) {
		session_close(w, s, "TLS to host failed", true);
		return;
	}
	if (s->relay->splice && !s->fwd->tls && s->tls == NULL &&
	    s->fwd->proxy == 0 && (!open_pipe(&s->up.pipe) ||
	    !open_pipe(&s->down.pipe))) {
		session_close(w, s, "pipe failed", true);
		return;
	}
}

/*
 * transparent forward: the connection to the host leaves from the
 * client's address (any port), which the kernel lets a socket with
 * IP_TRANSPARENT bind to; the replies must be routed back to this host
 * (relay.8 says how).  False and errno on failure.
 */
static bool
bind_transparent(int fd, const struct session *s)
{
	struct sockaddr_storage ss = s->peer;
	int on = 1, r;

	if (ss.ss_family != s->host->ss.ss_family) {
		errno = EAFNOSUPPORT;
		return false;
	}
	if (ss.ss_family == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_port = 0;
		r = setsockopt(fd, IPPROTO_IP, IP_TRANSPARENT, &on,
		    sizeof(on));
	} else {
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
		r = setsockopt(fd, IPPROTO_IPV6, IPV6_TRANSPARENT, &on,
		    sizeof(on));
	}
	return r == 0 && bind(fd, (struct sockaddr *)&ss, ss.ss_family ==
	    AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6)) == 0;
}

#ifndef SO_ORIGINAL_DST
#define SO_ORIGINAL_DST		80	/* linux/netfilter_ipv4.h */
#endif
#ifndef IP6T_SO_ORIGINAL_DST
#define IP6T_SO_ORIGINAL_DST	80	/* linux/netfilter_ipv6/ip6_tables.h */
#endif

/*
 * Where the client wanted to go before the firewall sent it here: the
 * destination NAT undid (nftables' redirect or dnat, SO_ORIGINAL_DST),
 * or, under TPROXY, the local address itself when it is not the one
 * the relay listens on.  False if the client came to the relay itself.
 */
static bool
original_destination(const struct session *s, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);
	int r;

	memset(ss, 0, sizeof(*ss));
	if (s->local.ss_family == AF_INET)
		r = getsockopt(s->cli.fd, SOL_IP, SO_ORIGINAL_DST, ss, &len);
	else
		r = getsockopt(s->cli.fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, ss,
		    &len);
	if (r == 0 && !sockaddr_same(ss, &s->local))
		return true;
	*ss = s->local;
	return !sockaddr_same(&s->local, &s->listener->ss);
}

/* forward to destination: the session's host, looked up once. */
bool
session_destination(struct session *s, struct rforward *fw)
{
	struct sockaddr_storage ss;
	uint16_t port;

	if (s->dest_state == 0) {
		s->dest_state = -1;
		if (!original_destination(s, &ss) ||
		    (s->dest = calloc(1, sizeof(*s->dest))) == NULL)
			return false;
		s->dest->h.ss = ss;
		s->dest->h.sslen = ss.ss_family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
		sockaddr_text(&ss, s->dest->name, sizeof(s->dest->name),
		    &port);
		s->dest->h.name = s->dest->name;
		s->dest->h.port = port;
		s->dest->h.table = &fw->table;
		s->dest_state = 1;
	}
	return s->dest_state == 1;
}

/*
 * An HTTP relay's plain connection to a host may serve the next session
 * when its response is whole; not one bound to a client's address, one
 * that began with a client's PROXY header, or a TLS one.
 */
static bool
poolable(const struct session *s)
{
	return s->relay->http && !s->fwd->conf->transparent &&
	    !s->fwd->tls && s->fwd->proxy == 0 && !s->fwd->dest;
}

/* A connection kept idle to s->host, made the session's; false: none. */
static bool
take_kept(struct worker *w, struct session *s)
{
	int fd;

	if (!poolable(s) || s->srv_fresh ||
	    (fd = upstream_take_idle(&w->idle, &s->host->idle)) == -1)
		return false;
	stream_open(&s->srv, fd);
	if (evloop_mod(&w->loop, fd, evloop_tag(WORKER_TAG_SERVER, s->index),
	    STREAM_EVENTS) == -1) {
		(void)close(fd);
		s->srv.fd = -1;
		return false;
	}
	s->srv_have = STREAM_EVENTS;
	s->srv.writable = true;		/* idle: its buffer is empty */
	s->srv_reused = true;
	s->state = SESS_RELAYING;
	s->deadline = w->loop.now + s->relay->timeout_ms;
	return true;
}

/* Once a second: kept connections idle too long are closed. */
void
session_expire_idle(struct worker *w)
{
	struct rrelay *r;
	uint32_t i, j;
	int f;

	for (i = 0; i < w->st->nrelays; i++) {
		r = &w->st->relays[i];
		if (!r->http)
			continue;
		for (f = 0; f < r->nfwd; f++)
			for (j = 0; j < r->fwd[f].table.nhosts; j++)
				upstream_expire(&w->idle,
				    &r->fwd[f].table.hosts[j].idle);
	}
}

/* Start a connect to s->host; false (errno) if it failed at once. */
static bool
connect_host(struct worker *w, struct session *s)
{
	const struct rhost *h = s->host;
	int fd, e;

	if (take_kept(w, s))
		return true;
	s->srv_reused = false;
	s->srv_fresh = false;
	fd = socket(h->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return false;
	if (s->fwd->conf->transparent && !bind_transparent(fd, s)) {
		e = errno;
		(void)close(fd);
		errno = e;
		return false;
	}
	if (connect(fd, (const struct sockaddr *)&h->ss, h->sslen) == -1 &&
	    errno != EINPROGRESS) {
		(void)close(fd);
		return false;
	}
	stream_open(&s->srv, fd);
	s->srv_have = 0;
	if (evloop_set(&w->loop, fd, evloop_tag(WORKER_TAG_SERVER, s->index),
	    STREAM_EVENTS, &s->srv_have) == -1) {
		(void)close(fd);
		s->srv.fd = -1;
		return false;
	}
	s->state = SESS_CONNECTING;
	s->deadline = w->loop.now + RELAY_CONNECT_MS;
	return true;
}

void
session_drop_server(struct session *s)
{
	if (s->srv.fd != -1)
		(void)close(s->srv.fd);
	s->srv.fd = -1;
	s->srv_have = 0;
}

/*
 * The session cannot go on: an HTTP client gets the relay's page with
 * status (503 no host, 502 refused, 504 too slow), a TCP client a close.
 */
static void
session_fail(struct worker *w, struct session *s, int status,
    const char *why)
{
	if (s->relay->http)
		http_connect_failed(w, s, status, why);
	else
		session_close(w, s, why, true);
}

/*
 * Choose a host and start connecting to it, moving on to the next one
 * while connects fail at once and tries are left.  False when the
 * session was closed: no host, or none would take it.
 */
bool
session_connect(struct worker *w, struct session *s)
{
	int e = 0;

	for (;;) {
		if ((s->host = sched_pick(w, s)) == NULL) {
			session_fail(w, s, e != 0 ? 502 : 503, e != 0 ?
			    strerror(e) : "no host available");
			return false;
		}
		if (connect_host(w, s))
			return true;
		e = errno;
		if (s->tries-- <= 0) {
			session_fail(w, s, 502, strerror(e));
			return false;
		}
	}
}

/* A connect in progress ended: connected, or on to the next host. */
static void
connect_done(struct worker *w, struct session *s, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0)
		return;
	if (getsockopt(s->srv.fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == 0) {
		connected(w, s);
		return;
	}
	session_drop_server(s);
	if (s->tries-- <= 0) {
		session_fail(w, s, 502, strerror(err));
		return;
	}
	if (session_connect(w, s))
		return;
}

/* The session goes on with whatever its protocol does next. */
void
session_update(struct worker *w, struct session *s)
{
	if (s->state == SESS_FREE)
		return;
	if (s->relay->http)
		http_event(w, s);
	else if (s->state == SESS_RELAYING)
		tcp_relay(w, s);
	/* A ClientHello held back for TLS inspection (inspect.c). */
	if (s->relay->inspect && s->state != SESS_FREE)
		inspect_check(w, s);
}

void
session_event(struct worker *w, struct session *s, bool server,
    uint32_t events)
{
	if (s->state == SESS_FREE)
		return;
	if (server) {
		if (s->srv.fd == -1)
			return;
		stream_event(&s->srv, events);
		if (s->state == SESS_CONNECTING) {
			connect_done(w, s, events);
			if (s->state != SESS_RELAYING)
				return;
		}
	} else
		stream_event(&s->cli, events);
	session_update(w, s);
}

/* The host's connection: kept for another session if it can be. */
void
session_release_host(struct worker *w, struct session *s)
{
	if (s->http != NULL && s->srv.fd != -1 && poolable(s) &&
	    http_host_reusable(s)) {
		upstream_keep(&w->idle, &s->host->idle, s->srv.fd);
		s->srv.fd = -1;
		s->srv_have = 0;
	}
	session_drop_server(s);
}

void
session_close(struct worker *w, struct session *s, const char *why,
    bool error)
{
	if (s->state == SESS_FREE)
		return;
	s->done = why;
	s->error = error;
	relay_log_session(w, s);
	session_release_host(w, s);
	if (s->http != NULL)
		http_free(w, s);
	inspect_free(w, s);
	if (s->tls != NULL)
		stream_close_notify(&s->cli);
	if (s->cli.fd != -1)
		(void)close(s->cli.fd);
	if (s->tls != NULL) {
		tls_conn_release(s->tls);
		free(s->tls);
	}
	free(s->tcl);
	free(s->dest);
	s->dest = NULL;
	half_free(w, &s->up);
	half_free(w, &s->down);
	s->cli.fd = -1;
	s->state = SESS_FREE;
	s->next = w->free;
	w->free = s;
	w->nsessions--;
}

/* Once a second: sessions idle too long, connects that take too long. */
void
session_timeouts(struct worker *w)
{
	struct session *s;
	uint32_t i;

	for (i = 0; i < w->used; i++) {
		s = &w->sessions[i];
		if (s->state == SESS_FREE || w->loop.now < s->deadline)
			continue;
		if (s->state != SESS_CONNECTING || s->srv.fd == -1) {
			if (s->relay->http)
				http_timeout(w, s);
			else
				session_close(w, s, "session timeout", true);
			continue;
		}
		session_drop_server(s);
		if (s->tries-- <= 0)
			session_fail(w, s, 504, "connect timeout");
		else if (session_connect(w, s) && s->state == SESS_RELAYING)
			session_update(w, s);
	}
}

/*
 * Draining: sessions that wait for a client's next request get the
 * grace (RELAY_DRAIN_IDLE_MS) to send one, then end as idle (http.c).
 */
void
session_drain_idle(struct worker *w)
{
	uint32_t i;

	for (i = 0; i < w->used; i++)
		if (w->sessions[i].state == SESS_HEAD &&
		    w->sessions[i].http != NULL)
			http_drain(w, &w->sessions[i]);
}
