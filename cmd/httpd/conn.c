/*
 * conn: a connection's life -- accept, read a request head, hand it to
 * request.c, write the planned response, then keep alive, linger or
 * close.  The loop is edge-triggered: each connection is registered once
 * for input and output, and we read and write until the kernel says
 * EAGAIN, remembering which way is ready.
 */
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/sockaddr.h"
#include "tls/tls_server.h"
#include "net/listener.h"
#include "worker.h"

enum {
	ACCEPT_BATCH = 8,	/* a few per wake-up: one epoll round, one log write */
	ACCEPT_PAUSE_MS = 100,	/* out of descriptors: wait, do not spin */
	LINGER_MS = 2000	/* wait for the client's FIN after an error */
};

/* Input, output and TLS state: from pools, so only growth allocates. */
void
conn_pools_init(struct worker *w)
{
	bufpool_init(&w->in_pool, HTTPD_INBUF);
	bufpool_init(&w->out_pool, sizeof(struct outbuf));
	bufpool_init(&w->tls_pool, sizeof(struct tls_conn));
}

bool
conn_take_outbuf(struct worker *w, struct conn *c)
{
	if (c->ob == NULL && (c->ob = bufpool_get(&w->out_pool)) == NULL)
		return false;
	c->out = c->ob->text;
	c->segs = c->ob->segs;
	return true;
}

/* Asked for only by the macros that need it: one getsockname then. */
void
conn_local(const struct conn *c, char *addr, size_t size, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	addr[0] = '\0';
	*port = 0;
	if (getsockname(c->s.fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	sockaddr_text(&ss, addr, size, port);
}

static const struct httpd_server *
default_server(const struct conn *c)
{
	return c->listener->servers[0];
}

static void
set_deadline(struct worker *w, struct conn *c, long long seconds)
{
	c->deadline = w->loop.now + seconds * 1000;
}

static void
release_response(struct worker *w, struct conn *c)
{
	if (c->file != -1) {
		(void)close(c->file);
		c->file = -1;
	}
	free(c->heap);
	c->heap = NULL;
	c->nsegs = c->seg = 0;
	c->segoff = 0;
	c->outlen = c->outoff = 0;
	c->out = NULL;
	c->segs = NULL;
	bufpool_put(&w->out_pool, c->ob);
	c->ob = NULL;
}

void
conn_close(struct worker *w, struct conn *c)
{
	if (c->state == CONN_FREE)
		return;
	if (c->fcgi != NULL)
		fcgi_abort(w, c);
	accesslog_connection(w, c);
	free(c->reqlog);
	c->reqlog = NULL;
	c->reqlog_len = 0;
	release_response(w, c);
	bufpool_put(&w->in_pool, c->in);
	c->in = NULL;
	if (c->tls != NULL) {
		/* close_notify, if the socket takes it now. */
		stream_close_notify(&c->s);
		tls_conn_release(c->tls);
		bufpool_put(&w->tls_pool, c->tls);
		c->tls = NULL;
	}
	(void)close(c->s.fd);
	c->s.fd = -1;
	c->state = CONN_FREE;
	c->next = w->free_conns;
	w->free_conns = c;
	w->nconns--;
}

static void	conn_run(struct worker *, struct conn *);

static void
peer_text(struct conn *c, const struct sockaddr_storage *ss)
{
	sockaddr_text(ss, c->peer, sizeof(c->peer), &c->peer_port);
}

/* A TLS connection's engine: some 40 KiB, from the free list. */
static bool
start_tls(struct worker *w, struct conn *c)
{
	if ((c->tls = bufpool_get(&w->tls_pool)) == NULL ||
	    !tls_conn_init(c->tls, listener_tls_server(c->listener)))
		return false;
	stream_start_tls(&c->s, tls_conn_end(c->tls));
	return true;
}

static void
start_conn(struct worker *w, struct conn *c, const struct listener *l,
    int fd, const struct sockaddr_storage *ss)
{
	w->nconns++;
	memset(&c->log, 0, sizeof(c->log));
	stream_open(&c->s, fd);
	c->listener = l;
	c->state = CONN_READING;
	c->inlen = c->used = 0;
	c->nrequests = 0;
	c->keep_alive = true;
	c->drop = false;
	c->id = ++w->next_conn_id;
	c->done = "done";
	c->last_conf = NULL;
	c->reqlog = NULL;
	c->reqlog_len = 0;
	c->fcgi = NULL;
	c->tls = NULL;
	peer_text(c, ss);
	set_deadline(w, c, default_server(c)->connection.request_timeout);
	if (l->tls && !start_tls(w, c)) {
		conn_close(w, c);
		return;
	}
	/*
	 * The listener defers accept until the request has come, and a
	 * fresh socket has room to write: serve it now.  Only a connection
	 * that outlives this is registered -- epoll reports at once what is
	 * already ready when it is added, so no event is lost by waiting.
	 */
	c->s.readable = c->s.writable = true;
	conn_run(w, c);
	if (c->state != CONN_FREE && evloop_add(&w->loop, fd,
	    evloop_tag(WORKER_TAG_CONN, (uint32_t)(c - w->conns)), EPOLLIN |
	    EPOLLOUT | EPOLLRDHUP | EPOLLET) == -1)
		conn_close(w, c);
}

void
conn_accept(struct worker *w, const struct listener *l)
{
	struct sockaddr_storage ss;
	struct conn *c;
	bool exhausted;
	int fd, i;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		if ((c = worker_conn_slot(w)) == NULL) {
			worker_pause_accept(w, ACCEPT_PAUSE_MS);
			return;
		}
		if ((fd = listener_accept(l->fd, &ss, &exhausted)) == -1) {
			c->next = w->free_conns;
			w->free_conns = c;
			if (exhausted)
				worker_pause_accept(w, ACCEPT_PAUSE_MS);
			return;	/* EAGAIN: another worker took it */
		}
		start_conn(w, c, l, fd, &ss);
	}
}

/*
 * Read what the kernel (or the TLS engine) has; false if the connection
 * is finished.  The stream settles when a read is worth trying.
 */
static bool
read_input(struct worker *w, struct conn *c)
{
	ssize_t n;

	if (c->in == NULL && (c->in = bufpool_get(&w->in_pool)) ==
	    NULL)
		return false;
	while (stream_may_read(&c->s) && c->inlen < HTTPD_INBUF) {
		n = stream_read(&c->s, c->in + c->inlen, HTTPD_INBUF - c->inlen);
		if (n > 0) {
			c->inlen += (size_t)n;
			continue;
		}
		/* The end: what came before it is still served. */
		if (n == 0)
			return c->inlen > 0;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		if (errno != EINTR) {
			if (stream_error(&c->s) != NULL)
				c->done = stream_error(&c->s);
			return false;
		}
	}
	/* Nothing came (a TLS record without data, an edge): stay idle. */
	if (c->inlen == 0) {
		bufpool_put(&w->in_pool, c->in);
		c->in = NULL;
	}
	return true;
}

bool
conn_read_input(struct worker *w, struct conn *c)
{
	return read_input(w, c);
}

static void
begin_response(struct worker *w, struct conn *c)
{
	c->state = CONN_WRITING;
	set_deadline(w, c, default_server(c)->connection.timeout);
}

/* A complete head or a verdict on it; false: wait for more bytes. */
static bool
parse_head(struct worker *w, struct conn *c)
{
	switch (http_request_parse(c->in, c->inlen, &w->req)) {
	case HTTP_PARSE_MORE:
		if (c->inlen < HTTPD_INBUF)
			return false;
		c->keep_alive = false;
		begin_response(w, c);
		resp_error(w, c, HTTP_STATUS_HEADERS_TOO_LARGE, NULL);
		return true;
	case HTTP_PARSE_ERROR:
		c->keep_alive = false;
		c->used = c->inlen;
		begin_response(w, c);
		resp_error(w, c, (int)w->req.status, NULL);
		return true;
	case HTTP_PARSE_DONE:
		break;
	}
	c->used = w->req.head_len;
	begin_response(w, c);
	request_route(w, c);
	if (c->drop)
		conn_close(w, c);	/* block drop: not even an answer */
	return true;
}

/* What of the current segment one write may take. */
static size_t
seg_want(const struct conn *c)
{
	const struct seg *s = &c->segs[c->seg];

	return s->len - c->segoff > (1u << 30) ? (1u << 30) :
	    (size_t)(s->len - c->segoff);
}

/* n bytes of the current segment are out: on to the next when done. */
static void
seg_sent(struct conn *c, size_t n)
{
	c->segoff += n;
	c->log.bytes += n;
	if (c->segoff == c->segs[c->seg].len) {
		c->seg++;
		c->segoff = 0;
	}
}

/*
 * Send the head, then each segment, then (TLS) what the engine holds;
 * false if the peer is gone.  Each piece but the last says more follows,
 * so that the kernel sends full segments.
 */
static bool
write_output(struct conn *c)
{
	struct seg *sg;
	ssize_t n;

	for (;;) {
		if (c->outoff < c->outlen) {
			n = stream_write(&c->s, c->out + c->outoff,
			    c->outlen - c->outoff, c->seg < c->nsegs);
			if (n > 0)
				c->outoff += (size_t)n;
		} else if (c->seg < c->nsegs) {
			sg = &c->segs[c->seg];
			if (sg->mem != NULL)
				n = stream_write(&c->s, sg->mem + c->segoff,
				    seg_want(c), c->seg + 1 < c->nsegs);
			else if ((n = stream_write_file(&c->s, c->file,
			    (off_t)(sg->off + c->segoff), seg_want(c))) == 0)
				return false;	/* the file shrank under us */
			if (n > 0)
				seg_sent(c, (size_t)n);
		} else if ((n = stream_flush(&c->s)) == 0)
			return true;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n == -1 && errno != EINTR)
			return false;
	}
}

bool
conn_write(struct conn *c)
{
	return write_output(c);
}

static bool
response_sent(const struct conn *c)
{
	return c->outoff == c->outlen && c->seg == c->nsegs &&
	    stream_flushed(&c->s);
}

/* After an error the client may still be sending: read it to its FIN. */
static void
start_linger(struct worker *w, struct conn *c)
{
	stream_shutdown(&c->s);
	c->state = CONN_LINGER;
	c->deadline = w->loop.now + LINGER_MS;
}

/*
 * Between requests while draining: the connection waits for a request
 * that may be on its way, but not past the grace (conn_timeouts then
 * closes it as idle).
 */
static void
drain_deadline(struct worker *w, struct conn *c)
{
	int64_t grace = w->loop.now + HTTPD_DRAIN_IDLE_SECONDS * 1000;

	if (c->deadline > grace)
		c->deadline = grace;
}

static void
finish_response(struct worker *w, struct conn *c)
{
	accesslog_write(w, c);
	release_response(w, c);
	c->nrequests++;
	/*
	 * The response said whether the connection goes on; it is closed
	 * only if it said so.  One that said keep-alive before the drain
	 * began waits for the next request, which is answered with
	 * Connection: close.  Draining, every close lingers: the client
	 * must read the last response before our close could reset it.
	 */
	if (!c->keep_alive) {
		/* Linger only if the client may still be sending to us. */
		if (c->used < c->inlen || w->draining ||
		    http_status_is_error(c->log.status))
			start_linger(w, c);
		else
			conn_close(w, c);
		return;
	}
	/* Keep what was pipelined behind this request. */
	memmove(c->in, c->in + c->used, c->inlen - c->used);
	c->inlen -= c->used;
	c->used = 0;
	if (c->inlen == 0) {
		bufpool_put(&w->in_pool, c->in);
		c->in = NULL;
	}
	memset(&c->log, 0, sizeof(c->log));
	c->state = CONN_READING;
	set_deadline(w, c, default_server(c)->connection.request_timeout);
	if (w->draining)
		drain_deadline(w, c);
}

/*
 * Read and drop what the client sends after our half-close, raw (TLS
 * records included); true once it has ended or failed.
 */
static bool
linger_read(struct conn *c)
{
	char sink[4096];
	ssize_t n;

	while ((n = read(c->s.fd, sink, sizeof(sink))) > 0)
		;
	return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

static void
linger(struct worker *w, struct conn *c)
{
	if (linger_read(c))
		conn_close(w, c);
	else
		c->s.readable = false;
}

static void
conn_run(struct worker *w, struct conn *c)
{
	for (;;) {
		switch (c->state) {
		case CONN_READING:
			if (stream_may_read(&c->s) && !read_input(w, c)) {
				conn_close(w, c);
				return;
			}
			if (c->inlen == 0 || !parse_head(w, c) ||
			    c->state == CONN_FREE)
				return;
			break;
		case CONN_WRITING:
			if (!write_output(c)) {
				c->done = "write error";
				conn_close(w, c);
				return;
			}
			if (!response_sent(c))
				return;
			finish_response(w, c);
			break;
		case CONN_FASTCGI:
			if (fcgi_run(w, c))
				finish_response(w, c);
			else if (c->state == CONN_FASTCGI ||
			    c->state == CONN_FREE)
				return;
			break;
		case CONN_LINGER:
			if (c->s.readable)
				linger(w, c);
			return;
		case CONN_FREE:
			return;
		}
	}
}

void
conn_resume(struct worker *w, struct conn *c)
{
	conn_run(w, c);
}

void
conn_event(struct worker *w, struct conn *c, uint32_t events)
{
	if (c->state == CONN_FREE)
		return;
	if (events & EPOLLERR) {
		conn_close(w, c);
		return;
	}
	stream_event(&c->s, events);
	conn_run(w, c);
}

void
conn_timeouts(struct worker *w)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < w->conns_used; i++) {
		c = &w->conns[i];
		if (c->state == CONN_FREE || c->deadline > w->loop.now)
			continue;
		if (c->state == CONN_FASTCGI) {
			fcgi_timeout(w, c);
			continue;
		}
		/* A request begun but not finished in time: say so. */
		if (c->state == CONN_READING && c->inlen > 0) {
			c->keep_alive = false;
			c->used = c->inlen;
			begin_response(w, c);
			resp_error(w, c, HTTP_STATUS_REQUEST_TIMEOUT, NULL);
			c->s.writable = true;
			conn_run(w, c);
			if (c->state != CONN_FREE)
				c->deadline = w->loop.now + LINGER_MS;
			continue;
		}
		/*
		 * An idle keep-alive connection ends with a half-close: a
		 * request that crossed it is read and dropped, not met with
		 * a reset.  A lingering one is read one last time, so that
		 * its close finds nothing unread.
		 */
		if (c->state == CONN_LINGER) {
			(void)linger_read(c);
			conn_close(w, c);
			continue;
		}
		c->done = "timeout";
		if (c->state == CONN_READING && c->nrequests > 0)
			start_linger(w, c);
		else
			conn_close(w, c);
	}
}

/*
 * Draining: the keep-alive connections that wait between requests get
 * the grace (HTTPD_DRAIN_IDLE_SECONDS) to send one more, then are closed
 * as idle.  A connection that has not sent its first request yet keeps
 * its request timeout: it was accepted to be served, and its client
 * cannot know it should retry.
 */
void
conn_drain_idle(struct worker *w)
{
	struct conn *c;
	size_t i;

	for (i = 0; i < w->conns_used; i++) {
		c = &w->conns[i];
		if (c->state == CONN_READING && c->inlen == 0 &&
		    c->nrequests > 0)
			drain_deadline(w, c);
	}
}
