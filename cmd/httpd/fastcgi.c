/*
 * fastcgi: the life of one request at a FastCGI responder.
 *
 * request.c hands over a routed request; the connection enters
 * CONN_FASTCGI and stays there until the response is sent.  Each pass
 * (an event on the client or on the responder) moves what it can: the
 * client's body into STDIN records, records to the responder, the
 * responder's bytes through the parser to the client (fastcgi_resp.c),
 * and the client's output buffer to the client.  Every failure before
 * the response head is answered (502, 504, 400, 413); after it, the
 * client connection is closed, so that a cut body is never taken for a
 * whole one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tls/tls_server.h"
#include "worker.h"

static struct fcgi_req *
req_get(struct worker *w)
{
	struct fcgi_req *fr = w->free_fcgi;

	if (fr != NULL)
		w->free_fcgi = fr->next;
	else if ((fr = malloc(sizeof(*fr))) == NULL)
		return NULL;
	fr->up = NULL;
	fr->olen = fr->ooff = fr->ilen = fr->hlen = fr->hoff = 0;
	fr->nfields = 0;
	fr->rewindable = true;
	fr->body_left = fr->body_total = 0;
	fr->body_done = fr->eof = fr->ended = fr->head_sent = false;
	fr->chunked = fr->chunked_out = fr->no_body = fr->last_chunk = false;
	fr->received = 0;
	fr->stderr_total = fr->stderr_logged = 0;
	fr->length_left = -1;
	fr->spool = SPOOL_NONE;
	fr->spool_mem = NULL;
	fr->spool_fd = -1;
	fr->spool_sent = 0;
	fcgi_parser_init(&fr->parser, FCGI_PARSE_STRICT_PADDING,
	    FCGI_REQUEST_ID);
	return fr;
}

/* Free the request; its responder connection is kept if it can be. */
static void
req_release(struct worker *w, struct conn *c, bool reusable)
{
	struct fcgi_req *fr = c->fcgi;

	if (fr == NULL)
		return;
	if (fr->up != NULL)
		upstream_put(&w->fcgi_pool, fr->up, reusable);
	fr->up = NULL;
	fcgi_spool_free(fr);
	fr->next = w->free_fcgi;
	w->free_fcgi = fr;
	c->fcgi = NULL;
}

void
fcgi_abort(struct worker *w, struct conn *c)
{
	req_release(w, c, false);
}

/*
 * A kept connection the responder closed meanwhile fails on first use;
 * if nothing came back and the records are all still in the buffer, the
 * request goes again on a new connection.
 */
static bool
retry(struct worker *w, struct conn *c)
{
	struct fcgi_req *fr = c->fcgi;

	if (fr->up == NULL || !fr->up->reused || fr->received > 0 ||
	    !fr->rewindable)
		return false;
	upstream_put(&w->fcgi_pool, fr->up, false);
	fr->ooff = 0;
	fcgi_parser_init(&fr->parser, FCGI_PARSE_STRICT_PADDING,
	    FCGI_REQUEST_ID);
	fr->eof = false;
	fr->up = upstream_get(&w->fcgi_pool, &fr->target->up, c, true);
	return fr->up != NULL;
}

void
fcgi_fail(struct worker *w, struct conn *c, int status, const char *why)
{
	struct fcgi_req *fr = c->fcgi;

	if (fr == NULL)
		return;
	if (status == HTTP_STATUS_BAD_GATEWAY && retry(w, c)) {
		conn_resume(w, c);
		return;
	}
	accesslog_note(w, c, "fastcgi", why, strlen(why));
	if (fr->head_sent) {
		c->done = why;
		conn_close(w, c);
		return;
	}
	/* The error page asks w->req whether this was a HEAD. */
	w->req.method = fr->method;
	if (!fr->body_done)
		c->keep_alive = false;
	req_release(w, c, false);
	c->state = CONN_WRITING;
	c->outlen = c->outoff = 0;
	resp_error(w, c, status, NULL);
	c->s.writable = true;
}

void
fcgi_timeout(struct worker *w, struct conn *c)
{
	if (c->fcgi != NULL && c->fcgi->spool == SPOOL_FILLING)
		fcgi_fail(w, c, HTTP_STATUS_REQUEST_TIMEOUT,
		    "client timeout during the body");
	else
		fcgi_fail(w, c, HTTP_STATUS_GATEWAY_TIMEOUT,
		    "responder timeout");
	if (c->state == CONN_WRITING)
		conn_resume(w, c);
}

/*
 * Tell an HTTP/1.1 client that waits for it to send its body.  No
 * response has begun, so the line goes whole into the socket (or the
 * engine's empty buffer); what a TLS socket does not take now goes out
 * before the next read.
 */
static void
send_continue(struct conn *c)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

	if (stream_write(&c->s, cont, sizeof(cont) - 1, false) ==
	    (ssize_t)(sizeof(cont) - 1))
		(void)stream_flush(&c->s);
}

static bool
setup_body(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	const struct http_request *r = &w->req;

	fr->chunked = r->chunked;
	if (fr->chunked) {
		/* Collected first: the responder gets its length. */
		http_chunked_init(&fr->ch);
		fr->spool = SPOOL_FILLING;
	} else if (r->content_length > 0)
		fr->body_left = (uint64_t)r->content_length;
	else {
		fr->body_done = true;
		/* No body: the empty STDIN record goes with the params. */
		fr->olen += fcgi_put_record(fr->out + fr->olen,
		    sizeof(fr->out) - fr->olen, FCGI_STDIN, FCGI_REQUEST_ID,
		    NULL, 0);
		return true;
	}
	if (r->expect_continue)
		send_continue(c);
	return true;
}

void
fcgi_start(struct worker *w, struct conn *c, const struct httpd_server *loc,
    const struct fcgi_route *rt)
{
	struct fcgi_target *t = fcgi_target_find(w, &loc->fastcgi);
	struct fcgi_req *fr;

	if (t == NULL || (fr = req_get(w)) == NULL) {
		resp_error(w, c, HTTP_STATUS_INTERNAL_ERROR, NULL);
		return;
	}
	/* The body is read here, so the connection may be kept. */
	c->keep_alive = w->req.keep_alive;
	c->fcgi = fr;
	c->state = CONN_FASTCGI;
	fr->target = t;
	fr->method = w->req.method;
	fr->head_method = w->req.method == HTTP_METHOD_HEAD;
	fr->minor = w->req.minor;
	fr->head_len = c->used;
	if (!fcgi_params(w, c, fr, loc, rt, w->req.chunked)) {
		fcgi_fail(w, c, HTTP_STATUS_HEADERS_TOO_LARGE,
		    "parameters too large");
		return;
	}
	(void)setup_body(w, c, fr);
	if (fr->spool == SPOOL_FILLING)
		return;		/* the responder once the body is whole */
	if ((fr->up = upstream_get(&w->fcgi_pool, &t->up, c, false)) ==
	    NULL) {
		fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY, strerror(errno));
		return;
	}
}

/* Room for STDIN content in fr->out, after compacting it if need be. */
size_t
fcgi_stdin_room(struct fcgi_req *fr)
{
	size_t room;

	if (fr->ooff == fr->olen) {
		if (fr->olen > 0)
			fr->rewindable = false;
		fr->olen = fr->ooff = 0;
	} else if (fr->ooff > sizeof(fr->out) / 2) {
		memmove(fr->out, fr->out + fr->ooff, fr->olen - fr->ooff);
		fr->olen -= fr->ooff;
		fr->ooff = 0;
		fr->rewindable = false;
	}
	/* A header, padding, and the empty record that ends the stream. */
	if (sizeof(fr->out) - fr->olen < 3 * FCGI_HEADER_LEN + 1)
		return 0;
	room = sizeof(fr->out) - fr->olen - 3 * FCGI_HEADER_LEN;
	return room < FCGI_CONTENT_MAX ? room : FCGI_CONTENT_MAX;
}

/*
 * Turn what the client sent after the head into STDIN records.  The head
 * stays at c->in[0..head_len) (the access log points into it); body bytes
 * are taken from just behind it and what follows them (a pipelined
 * request) moves down.  False after a failure.
 */
static bool
move_body(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	const struct httpd_server *srv = c->log.server;
	enum http_chunked_result res;
	size_t avail, room, n, used, len;
	char *body = c->in + fr->head_len;

	while (!fr->body_done && c->inlen > fr->head_len &&
	    (room = fcgi_stdin_room(fr)) > 0) {
		avail = c->inlen - fr->head_len;
		n = avail < room ? avail : room;
		if (fr->chunked) {
			res = http_chunked_decode(&fr->ch, body, n, &used,
			    &len);
			if (res == HTTP_CHUNKED_ERROR) {
				fcgi_fail(w, c, HTTP_STATUS_BAD_REQUEST,
				    "malformed chunked body");
				return false;
			}
			fr->body_done = res == HTTP_CHUNKED_DONE;
		} else {
			len = used = n < fr->body_left ? n :
			    (size_t)fr->body_left;
			fr->body_left -= len;
			fr->body_done = fr->body_left == 0;
		}
		fr->body_total += len;
		if (fr->body_total >
		    (uint64_t)srv->connection.max_request_body) {
			fcgi_fail(w, c, HTTP_STATUS_CONTENT_TOO_LARGE,
			    "request body too large");
			return false;
		}
		if (len > 0) {
			memcpy(fr->out + fr->olen + FCGI_HEADER_LEN, body, len);
			fr->olen += fcgi_seal_record(fr->out + fr->olen,
			    sizeof(fr->out) - fr->olen, FCGI_STDIN,
			    FCGI_REQUEST_ID, len);
		}
		memmove(body, body + used, avail - used);
		c->inlen -= used;
		if (fr->body_done)
			fr->olen += fcgi_put_record(fr->out + fr->olen,
			    sizeof(fr->out) - fr->olen, FCGI_STDIN,
			    FCGI_REQUEST_ID, NULL, 0);
	}
	return true;
}

/* Read the client's body while there is room for it; false if gone. */
static bool
client_input(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	bool full;

	if (fr->spool == SPOOL_REPLAY)
		return fcgi_spool_replay(w, c, fr);
	do {
		if (fr->body_done)
			return true;
		if (stream_may_read(&c->s) && c->inlen < HTTPD_INBUF &&
		    !conn_read_input(w, c)) {
			c->done = "client closed during the body";
			conn_close(w, c);
			return false;
		}
		if (fr->spool != SPOOL_FILLING)
			return move_body(w, c, fr);
		/*
		 * A read that filled c->in may have left bytes behind, in
		 * the TLS engine where no event tells of them, and no
		 * responder's event comes while the body is collected:
		 * read again once these are decoded.
		 */
		full = c->inlen == HTTPD_INBUF;
		if (!fcgi_spool_fill(w, c, fr))
			return false;
	} while (full && fr->spool == SPOOL_FILLING);
	return true;
}

static bool
responder_io(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	struct upstream_conn *u = fr->up;
	size_t before = fr->ilen;
	bool read_ok;

	if (u == NULL || u->state != UPSTREAM_BUSY)
		return true;	/* a body still collected, or connecting */
	/*
	 * A responder may answer without reading the whole body and close:
	 * the rest is dropped, and what it answered still counts.
	 */
	if (!upstream_send(u, fr->out, fr->olen, &fr->ooff)) {
		if (errno != EPIPE && errno != ECONNRESET) {
			fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY,
			    strerror(errno));
			return false;
		}
		fr->ooff = fr->olen;
		fr->rewindable = false;
		fr->eof = true;
	}
	/* A reset after the answer: the answer still counts (parsed next). */
	read_ok = upstream_recv(u, fr->in, FCGI_IBUF, &fr->ilen, &fr->eof);
	fr->received += fr->ilen - before;
	if (!read_ok) {
		if (errno != ECONNRESET) {
			fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY,
			    strerror(errno));
			return false;
		}
		fr->eof = true;
		u->readable = false;
	}
	if (fr->ilen != before)
		c->deadline = w->loop.now +
		    c->log.server->connection.timeout * 1000;
	return true;
}

/* The request can leave its responder connection for the next one. */
static bool
reusable(const struct fcgi_req *fr)
{
	return fr->ended && !fr->eof && fr->ilen == 0 && fr->body_done &&
	    fr->ooff == fr->olen && fr->parser.state == FCGI_P_HEADER;
}

/*
 * Edge-triggered: a side that was not read to EAGAIN (its buffer was
 * full) raises no new event, so another pass reads it once room is made.
 */
static bool
more_to_do(const struct conn *c, const struct fcgi_req *fr)
{
	const struct upstream_conn *u = fr->up;

	if (u != NULL && u->state == UPSTREAM_BUSY && u->readable &&
	    !fr->eof && !fr->ended && fr->ilen < FCGI_IBUF)
		return true;
	/* Collecting takes all the client sends; replay waits for room. */
	if (fr->spool == SPOOL_FILLING)
		return stream_input_pending(&c->s) && c->inlen < HTTPD_INBUF;
	if (fr->spool == SPOOL_REPLAY)
		return !fr->body_done && fr->olen - fr->ooff < FCGI_OBUF / 2;
	return !fr->body_done && stream_input_pending(&c->s) &&
	    c->inlen < HTTPD_INBUF && fr->olen - fr->ooff < FCGI_OBUF / 2;
}

bool
fcgi_run(struct worker *w, struct conn *c)
{
	struct fcgi_req *fr;
	size_t sent;

	for (;;) {
		if ((fr = c->fcgi) == NULL || c->state != CONN_FASTCGI)
			return false;
		sent = c->outoff;
		if (!client_input(w, c, fr) || !responder_io(w, c, fr) ||
		    !fcgi_resp_input(w, c, fr))
			return false;
		if (c->outoff < c->outlen && !conn_write(c)) {
			c->done = "write error";
			conn_close(w, c);
			return false;
		}
		if (c->outoff != sent)
			c->deadline = w->loop.now +
			    c->log.server->connection.timeout * 1000;
		if (fcgi_resp_pending(w, c, fr) || more_to_do(c, fr))
			continue;	/* room was made: fill it */
		/* TLS: what the engine holds is sealed and sent too. */
		if (c->outoff == c->outlen && !stream_flushed(&c->s) &&
		    !conn_write(c)) {
			c->done = "write error";
			conn_close(w, c);
			return false;
		}
		if (fr->ended && fr->last_chunk && c->outoff == c->outlen &&
		    stream_flushed(&c->s))
			break;
		return false;
	}
	if (!fr->body_done)
		c->keep_alive = false;	/* the rest of the body is unread */
	req_release(w, c, reusable(fr));
	return true;
}
