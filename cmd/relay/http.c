/*
 * http: an HTTP relay, request by request.  A request head is read
 * whole and parsed strictly (lib/http); anything RFC 9112 calls unsafe
 * -- Content-Length with Transfer-Encoding, two lengths, obs-fold, bare
 * CR or LF, a bad chunk size, a head too large -- is answered 400 (or
 * 431) and the connection closed before a byte reaches a host.  The
 * head is rebuilt (http_head.c), the body passed on as framed (a chunked
 * body decoded and chunked anew, so that what the host reads is what
 * the relay read), then the response comes back the same way.  The
 * client's connection stays open for its next request (pipelined ones
 * wait in the socket), and so does the host's, for the session's next
 * request.  101 turns the session into a tunnel; 1xx are passed on.
 * When the host fails before its response began, the client gets the
 * relay's own 502 or 504 page, and the connection closes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/http_status.h"
#include "http_relay.h"
#include "worker.h"

enum {
	CHUNK_OVERHEAD = 24,	/* "ffffffffffffffff\r\n" ... "\r\n" */
	STEPS_MAX = 64		/* passes of one event, a bound on work */
};

/* Parse results live here, for the moment their head is rebuilt. */
static struct http_request req;
static struct http_response resp;
/* ... and, when the relay has filter rules, the head they edit. */
static struct fhead fh;
static char target_buf[HTTP_REQUEST_LINE_MAX];

static bool
hbuf_get(struct worker *w, struct hbuf *b)
{
	if (b->p != NULL)
		return true;
	if ((b->p = bufpool_get(&w->hbufs)) == NULL)
		return false;
	b->off = b->len = 0;
	b->cap = w->hbufs.size;
	return true;
}

static void
hbuf_put(struct worker *w, struct hbuf *b)
{
	bufpool_put(&w->hbufs, b->p);
	memset(b, 0, sizeof(*b));
}

static size_t
hbuf_avail(const struct hbuf *b)
{
	return b->len - b->off;
}

/* Room at the end, the consumed front given back first. */
static size_t
hbuf_room(struct hbuf *b)
{
	if (b->off > 0 && b->off == b->len)
		b->off = b->len = 0;
	else if (b->off > 0 && b->len == b->cap) {
		memmove(b->p, b->p + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
	return b->cap - b->len;
}

static void
release_idle(struct worker *w, struct http_sess *h)
{
	if (h->cin.p != NULL && hbuf_avail(&h->cin) == 0)
		hbuf_put(w, &h->cin);
	if (h->sin.p != NULL && hbuf_avail(&h->sin) == 0)
		hbuf_put(w, &h->sin);
	if (h->tosrv.p != NULL && hbuf_avail(&h->tosrv) == 0)
		hbuf_put(w, &h->tosrv);
	if (h->tocli.p != NULL && hbuf_avail(&h->tocli) == 0)
		hbuf_put(w, &h->tocli);
}

/* Read into b while the stream has bytes and b has room: -1 failed. */
static int
fill(struct worker *w, struct hbuf *b, struct stream *st, bool *eof,
    bool *progress)
{
	ssize_t n;

	if (*eof || !stream_may_read(st) || st->fd == -1)
		return 0;
	if (!hbuf_get(w, b))
		return -1;
	while (hbuf_room(b) > 0) {
		n = stream_read(st, b->p + b->len, b->cap - b->len);
		if (n > 0) {
			b->len += (size_t)n;
			*progress = true;
			continue;
		}
		if (n == 0) {
			*eof = true;
			*progress = true;
		} else if (errno != EAGAIN && errno != EINTR)
			return -1;
		break;
	}
	return 0;
}

/*
 * The end of the client's connection without a reset: our half-close
 * (close_notify first under TLS), then what the client still sends is
 * read and dropped until its own end or RELAY_LINGER_MS.  A close with
 * bytes unread would send a reset, and a reset can destroy the last
 * response before the client has read it.
 */
static void
start_linger(struct worker *w, struct session *s, const char *why)
{
	struct http_sess *h = s->http;

	session_release_host(w, s);
	stream_shutdown(&s->cli);
	h->phase = PH_LINGER;
	s->state = SESS_HEAD;
	if (s->done == NULL)
		s->done = why;
	s->deadline = w->loop.now + RELAY_LINGER_MS;
	release_idle(w, h);
}

/* Lingering: read and drop; true once the client has ended. */
static bool
linger_read(struct session *s)
{
	char sink[4096];
	ssize_t n;

	if (s->cli.fd == -1)
		return true;
	while ((n = read(s->cli.fd, sink, sizeof(sink))) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		return true;
	s->cli.readable = false;
	return false;
}

/* Send what b holds; -1 failed. */
static int
drain(struct hbuf *b, struct stream *st, bool *progress)
{
	ssize_t n;

	if (b->p == NULL || st->fd == -1)
		return 0;
	while (hbuf_avail(b) > 0) {
		n = stream_write(st, b->p + b->off, hbuf_avail(b), false);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		b->off += (size_t)n;
		*progress = true;
	}
	if (stream_flush(st) == -1 && errno != EAGAIN)
		return -1;
	return 0;
}

static const char *
http_date(char *buf, size_t size)
{
	struct tm tm;
	time_t now = time(NULL);

	(void)gmtime_r(&now, &tm);
	(void)strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return buf;
}

/*
 * The relay's own answer, then close: only while no byte of a response
 * went out (else the client sees the connection end mid-response).
 */
static void
answer(struct worker *w, struct session *s, int status, const char *why,
    const char *label)
{
	struct http_sess *h = s->http;
	const struct rd_protocol *p = s->relay->proto;
	char date[64];

	if (h == NULL || h->resp_started || !hbuf_get(w, &h->tocli) ||
	    !http_head_error(&h->tocli, status, http_date(date,
	    sizeof(date)), p != NULL ? p->style : NULL, label)) {
		session_close(w, s, why, true);
		return;
	}
	h->tocli.off = 0;
	h->status = status;
	h->resp_started = true;
	h->phase = PH_CLOSING;
	s->done = why;
	s->error = true;
	session_drop_server(s);
	http_event(w, s);
}

static void
http_fail(struct worker *w, struct session *s, int status, const char *why)
{
	answer(w, s, status, why, NULL);
}

/*
 * A rule blocked the head: with `return error`, a 403 page naming the
 * rule's label; without, the connection just closes, as relayd does.
 */
static void
http_block(struct worker *w, struct session *s)
{
	const struct rd_protocol *p = s->relay->proto;

	if (p != NULL && p->return_error)
		answer(w, s, 403, "Forbidden", s->http->label);
	else
		session_close(w, s, "Forbidden", true);
}

/*
 * The request head through the relay's rules: false if it goes no
 * further (blocked, or failed and answered).  *f, *n and *target are
 * what to send: the parsed head, or the one the rules edited.
 */
static bool
filter_request(struct worker *w, struct session *s,
    const struct http_header **f, size_t *n, struct http_slice *target)
{
	const struct rfilter *rf = &s->relay->filter;
	enum filter_verdict v;
	int status = 0;
	size_t len;

	*f = req.headers;
	*n = req.nheaders;
	*target = req.target;
	s->want_fwd = -1;
	s->hashed = false;
	if (rf->n == 0)
		return true;
	fhead_init(&fh, true, req.headers, req.nheaders);
	if (req.path.ptr != NULL)
		status = fhead_set_path(&fh, &req.path, rf->needs_path);
	if (status != 0) {
		http_fail(w, s, status, "a path the rules cannot read");
		return false;
	}
	v = filter_head(w, s, &fh, &req, &status);
	filter_log_end(s, true, http_method_name(req.method));
	if (v == FILTER_BLOCK) {
		http_block(w, s);
		return false;
	}
	len = fhead_target(&fh, &req, target_buf, sizeof(target_buf));
	if (v == FILTER_ERROR || len >= sizeof(target_buf)) {
		http_fail(w, s, 500, "filter rules failed");
		return false;
	}
	*f = fh.f;
	*n = fh.n;
	target->ptr = target_buf;
	target->len = len;
	return true;
}

/* The response head through the rules, as filter_request. */
static bool
filter_response(struct worker *w, struct session *s,
    const struct http_header **f, size_t *n)
{
	enum filter_verdict v;
	int status;

	*f = resp.headers;
	*n = resp.nheaders;
	if (s->relay->filter.n == 0)
		return true;
	fhead_init(&fh, false, resp.headers, resp.nheaders);
	v = filter_head(w, s, &fh, NULL, &status);
	filter_log_end(s, false, NULL);
	if (v == FILTER_BLOCK) {
		http_block(w, s);
		return false;
	}
	if (v == FILTER_ERROR) {
		http_fail(w, s, 500, "filter rules failed");
		return false;
	}
	*f = fh.f;
	*n = fh.n;
	return true;
}

/* What the session's connect found: no host, refused, too slow. */
void
http_connect_failed(struct worker *w, struct session *s, int status,
    const char *why)
{
	http_fail(w, s, status, why);
}

/* Bytes that must reach the host before the request (a PROXY header). */
bool
http_prepend(struct worker *w, struct session *s, const void *p, size_t n)
{
	struct hbuf *b = &s->http->tosrv;

	if (!hbuf_get(w, b) || hbuf_avail(b) + n > b->cap)
		return false;
	memmove(b->p + n, b->p + b->off, hbuf_avail(b));
	memcpy(b->p, p, n);
	b->len = hbuf_avail(b) + n;
	b->off = 0;
	return true;
}

/* Emit len body bytes at p the way out frames them. */
static void
emit(struct hbuf *o, enum out_framing out, const char *p, size_t len)
{
	int n;

	if (len == 0)
		return;
	if (out == OUT_CHUNKED) {
		n = snprintf(o->p + o->len, o->cap - o->len, "%zx\r\n", len);
		o->len += (size_t)n;
	}
	memmove(o->p + o->len, p, len);
	o->len += len;
	if (out == OUT_CHUNKED) {
		memcpy(o->p + o->len, "\r\n", 2);
		o->len += 2;
	}
}

static void
finish(struct body *b, struct hbuf *o)
{
	if (b->out == OUT_CHUNKED) {
		memcpy(o->p + o->len, "0\r\n\r\n", 5);
		o->len += 5;
	}
	b->done = true;
}

/*
 * Move body bytes from `in` to `o`, within o's room less the framing.
 * -1: the body is malformed (chunked) or ended early (src_eof).
 */
static int
body_move(struct body *b, struct hbuf *in, struct hbuf *o, bool src_eof,
    bool *progress)
{
	size_t room = hbuf_room(o), n = hbuf_avail(in), used, produced;
	enum http_chunked_result r;

	if (b->done)
		return 0;
	if (room <= CHUNK_OVERHEAD + 5)
		return 0;
	room -= CHUNK_OVERHEAD + 5;
	if (n > room)
		n = room;
	switch (b->in) {
	case HTTP_BODY_NONE:
		b->done = true;
		return 0;
	case HTTP_BODY_LENGTH:
		if (n > b->left)
			n = (size_t)b->left;
		emit(o, b->out, in->p + in->off, n);
		in->off += n;
		b->left -= n;
		if (b->left == 0)
			finish(b, o);
		else if (src_eof && hbuf_avail(in) == 0)
			return -1;
		break;
	case HTTP_BODY_CHUNKED:
		r = http_chunked_decode(&b->dec, in->p + in->off, n, &used,
		    &produced);
		if (r == HTTP_CHUNKED_ERROR)
			return -1;
		emit(o, b->out, in->p + in->off, produced);
		in->off += used;
		if (r == HTTP_CHUNKED_DONE)
			finish(b, o);
		else if (src_eof && hbuf_avail(in) == 0)
			return -1;
		break;
	case HTTP_BODY_UNTIL_CLOSE:
		emit(o, b->out, in->p + in->off, n);
		in->off += n;
		if (src_eof && hbuf_avail(in) == 0)
			finish(b, o);
		break;
	}
	*progress |= n > 0 || b->done;
	return 0;
}

/* A chunked body that came with its head is checked before anything. */
static bool
chunks_valid(const struct hbuf *in)
{
	static char scratch[RELAY_HEAD_MAX];
	struct http_chunked dec;
	size_t n = hbuf_avail(in), used, produced;

	if (n > sizeof(scratch))
		n = sizeof(scratch);
	memcpy(scratch, in->p + in->off, n);
	http_chunked_init(&dec);
	return http_chunked_decode(&dec, scratch, n, &used, &produced) !=
	    HTTP_CHUNKED_ERROR;
}

static void
body_init(struct body *b, enum http_body_kind in, enum out_framing out,
    int64_t length)
{
	memset(b, 0, sizeof(*b));
	b->in = in;
	b->out = out;
	b->left = length > 0 ? (uint64_t)length : 0;
	http_chunked_init(&b->dec);
}

/*
 * The host's connection goes, and with it whatever the host sent beyond
 * its last response: those bytes answer no request of this session, and
 * left in sin they would be read as the answer to the next one.
 */
static void
drop_host(struct worker *w, struct session *s)
{
	session_drop_server(s);
	if (s->http->sin.p != NULL)
		hbuf_put(w, &s->http->sin);
	s->http->srv_eof = false;
}

static void
forget_replay(struct http_sess *h)
{
	h->replay_len = 0;
}

/*
 * A request going out on a kept connection may have to go again: its
 * head, just written at the start of tosrv, stays there once sent.
 */
static void
keep_replay(struct session *s)
{
	struct http_sess *h = s->http;

	forget_replay(h);
	if (s->srv_reused && h->req.in == HTTP_BODY_NONE &&
	    h->tosrv.p != NULL && h->tosrv.off == 0)
		h->replay_len = h->tosrv.len;
}

/*
 * The kept connection failed before a byte of the response: the host
 * closed it as the request went out.  The request goes again on a new
 * connection; false if it cannot (then the failure stands).
 */
static bool
replay(struct worker *w, struct session *s)
{
	struct http_sess *h = s->http;

	if (h->replay_len == 0 || hbuf_avail(&h->sin) > 0 ||
	    h->tosrv.p == NULL || h->tosrv.len != h->replay_len)
		return false;
	drop_host(w, s);
	h->tosrv.off = 0;
	forget_replay(h);
	body_init(&h->req, HTTP_BODY_NONE, OUT_LENGTH, 0);
	h->phase = PH_REQ_BODY;
	s->srv_fresh = true;
	s->srv_reused = false;
	(void)session_connect(w, s);
	return true;
}

/* The host's connection serves this request, or a new one is made. */
static bool
ensure_host(struct worker *w, struct session *s)
{
	/* A rule may send this request elsewhere than the last one. */
	bool same = s->want_fwd == s->pick_fwd && s->hashed ==
	    s->pick_hashed && (!s->hashed || s->hashv == s->pick_hashv);

	if (s->srv.fd != -1 && s->http->srv_keep && s->host != NULL &&
	    sched_host_usable(s->host) && !s->http->srv_eof && same) {
		s->state = SESS_RELAYING;
		s->srv_reused = true;
		return true;
	}
	drop_host(w, s);
	s->host = NULL;
	s->fwd = NULL;
	return session_connect(w, s);
}

static bool
request_allowed(struct worker *w, struct session *s, bool *upgrade)
{
	*upgrade = http_wants_upgrade(&req);
	if (*upgrade && (s->relay->proto == NULL ||
	    s->relay->proto->websockets != 1)) {
		http_fail(w, s, 403, "websocket forbidden");
		return false;
	}
	if (req.method == HTTP_METHOD_CONNECT) {
		http_fail(w, s, 405, "CONNECT refused");
		return false;
	}
	return true;
}

/* A whole request head: checked, rebuilt for the host, sent its way. */
static void
request_head(struct worker *w, struct session *s, bool *progress)
{
	struct http_sess *h = s->http;
	const struct http_header *f;
	struct http_slice target;
	enum http_parse r;
	size_t n;
	bool upgrade;

	if (hbuf_avail(&h->cin) == 0) {
		if (h->cli_eof)
			session_close(w, s, "done", false);
		return;
	}
	r = http_request_parse(h->cin.p + h->cin.off, hbuf_avail(&h->cin),
	    &req);
	if (r == HTTP_PARSE_MORE) {
		/*
		 * Past headerlen, not at it: the parser may need one byte more
		 * to give its own verdict (414 for a request line as long as
		 * headerlen), whatever sizes the reads came in.
		 */
		if (hbuf_avail(&h->cin) > s->relay->headerlen)
			http_fail(w, s, 413, "request head too large");
		else if (h->cli_eof)
			session_close(w, s, "client closed mid-head", true);
		return;
	}
	if (r == HTTP_PARSE_ERROR) {
		/* A parser's limit past the relay's own: headerlen's 413. */
		if (req.status == 431 &&
		    hbuf_avail(&h->cin) >= s->relay->headerlen)
			http_fail(w, s, 413, "request head too large");
		else
			http_fail(w, s, req.status, req.error);
		return;
	}
	if (req.head_len > s->relay->headerlen) {
		http_fail(w, s, 413, "request head too large");
		return;
	}
	if (!request_allowed(w, s, &upgrade) ||
	    !filter_request(w, s, &f, &n, &target))
		return;
	h->cin.off += req.head_len;
	if (req.chunked && !chunks_valid(&h->cin)) {
		http_fail(w, s, 400, "invalid chunked body");
		return;
	}
	h->minor = req.minor;
	h->head = req.method == HTTP_METHOD_HEAD;
	h->keep_alive = req.keep_alive && !w->draining;
	h->upgrade = upgrade;
	h->expect = req.expect_continue;
	h->resp_started = false;
	body_init(&h->req, req.chunked ? HTTP_BODY_CHUNKED :
	    req.content_length > 0 ? HTTP_BODY_LENGTH : HTTP_BODY_NONE,
	    req.chunked ? OUT_CHUNKED : OUT_LENGTH, req.content_length);
	if (!hbuf_get(w, &h->tosrv) || (h->tosrv.off = h->tosrv.len = 0,
	    !http_head_request(&h->tosrv, &req, f, n, &target, upgrade))) {
		http_fail(w, s, 500, "request head does not fit");
		return;
	}
	h->phase = PH_REQ_BODY;
	*progress = true;
	if (!ensure_host(w, s))
		return;
	keep_replay(s);
}

static int
interim_or_upgrade(struct worker *w, struct session *s)
{
	struct http_sess *h = s->http;

	if (resp.status == 101) {
		if (!h->upgrade)
			return -1;
		h->phase = PH_TUNNEL;
	} else if (!h->expect && resp.status == 100)
		return 0;	/* not asked for: not passed on */
	if (!hbuf_get(w, &h->tocli) || !http_head_response(&h->tocli, &resp,
	    resp.headers, resp.nheaders, OUT_NONE, true, h->minor))
		return -1;
	if (resp.status == 101)
		h->resp_started = true;
	return 0;
}

/*
 * Expect: 100-continue: the client sends its body only after the 100, so
 * a 100 (any 1xx but 101) that comes while the body is awaited goes on
 * at once, not after the body as a final response would.
 */
static void
early_interim(struct worker *w, struct session *s, bool *progress)
{
	struct http_sess *h = s->http;

	if (!h->expect || h->req.done || hbuf_avail(&h->sin) == 0)
		return;
	if (http_response_parse(h->sin.p + h->sin.off, hbuf_avail(&h->sin),
	    &resp) != HTTP_PARSE_DONE || resp.status >= 200 ||
	    resp.status == 101)
		return;		/* read again once the body is through */
	h->sin.off += resp.head_len;
	*progress = true;
	if (interim_or_upgrade(w, s) == -1)
		http_fail(w, s, 502, "interim response does not fit");
}

static enum out_framing
response_framing(const struct http_sess *h, enum http_body_kind kind)
{
	switch (kind) {
	case HTTP_BODY_NONE:
		return OUT_NONE;
	case HTTP_BODY_LENGTH:
		return OUT_LENGTH;
	default:
		/* An HTTP/1.0 client knows no chunks: the end is the close. */
		return h->minor >= 1 ? OUT_CHUNKED : OUT_CLOSE;
	}
}

static void
response_head(struct worker *w, struct session *s, bool *progress)
{
	struct http_sess *h = s->http;
	const struct http_header *f;
	enum http_body_kind kind;
	enum out_framing out;
	enum http_parse r;
	size_t n;

	if (hbuf_avail(&h->sin) == 0) {
		if (h->srv_eof && !replay(w, s))
			http_fail(w, s, 502, "host closed without response");
		return;
	}
	r = http_response_parse(h->sin.p + h->sin.off, hbuf_avail(&h->sin),
	    &resp);
	if (r == HTTP_PARSE_MORE) {
		if (hbuf_room(&h->sin) == 0)
			http_fail(w, s, 502, "response head too large");
		else if (h->srv_eof)
			http_fail(w, s, 502, "host closed mid-head");
		return;
	}
	if (r == HTTP_PARSE_ERROR) {
		http_fail(w, s, 502, resp.error);
		return;
	}
	*progress = true;
	forget_replay(h);
	h->sin.off += resp.head_len;
	if (resp.status < 200) {
		if (interim_or_upgrade(w, s) == -1)
			http_fail(w, s, 502, "unexpected 101 response");
		return;
	}
	if (!filter_response(w, s, &f, &n))
		return;
	kind = http_response_body(&resp, h->head);
	out = response_framing(h, kind);
	h->keep_alive = h->keep_alive && out != OUT_CLOSE && !w->draining;
	h->srv_keep = resp.keep_alive && kind != HTTP_BODY_UNTIL_CLOSE;
	h->status = resp.status;
	body_init(&h->resp, kind, out, resp.content_length);
	if (!hbuf_get(w, &h->tocli) || !http_head_response(&h->tocli, &resp,
	    f, n, out, h->keep_alive, h->minor)) {
		http_fail(w, s, 502, "response head does not fit");
		return;
	}
	h->resp_started = true;
	h->phase = PH_RESP_BODY;
}

/* The response is whole: the next request, or the end. */
static void
response_done(struct worker *w, struct session *s)
{
	struct http_sess *h = s->http;

	if (!h->req.done)
		h->keep_alive = false;	/* the rest of it is no request */
	/* Bytes past the response's end: a host out of step, not reused. */
	if (!h->srv_keep || !h->req.done || hbuf_avail(&h->sin) > 0)
		drop_host(w, s);
	if (!h->keep_alive) {
		h->phase = PH_CLOSING;
		return;
	}
	h->phase = PH_REQ_HEAD;
	s->state = SESS_HEAD;
	/* The next request may be answered by the relay itself. */
	h->resp_started = false;
	release_idle(w, h);
}

/* Bytes both ways after 101, ends passed on as half-closes. */
static void
tunnel(struct worker *w, struct session *s, bool *progress)
{
	struct http_sess *h = s->http;
	size_t n;

	if ((n = hbuf_avail(&h->cin)) > 0 && hbuf_room(&h->tosrv) >= n) {
		memcpy(h->tosrv.p + h->tosrv.len, h->cin.p + h->cin.off, n);
		h->tosrv.len += n;
		h->cin.off += n;
		*progress = true;
	}
	if ((n = hbuf_avail(&h->sin)) > 0 && hbuf_room(&h->tocli) >= n) {
		memcpy(h->tocli.p + h->tocli.len, h->sin.p + h->sin.off, n);
		h->tocli.len += n;
		h->sin.off += n;
		*progress = true;
	}
	if (h->cli_eof && hbuf_avail(&h->cin) == 0 &&
	    hbuf_avail(&h->tosrv) == 0 && !s->up.shut) {
		stream_shutdown(&s->srv);
		s->up.shut = true;
	}
	if (h->srv_eof && hbuf_avail(&h->sin) == 0 &&
	    hbuf_avail(&h->tocli) == 0 && !s->down.shut) {
		stream_shutdown(&s->cli);
		s->down.shut = true;
	}
	if (s->up.shut && s->down.shut)
		session_close(w, s, "done", false);
}

/*
 * One pass of the cycle.  A head and the body bytes already there leave
 * in one write: the head is not sent alone, where Nagle's algorithm and
 * a delayed ACK would hold the body back for 40 ms.
 */
static void
step(struct worker *w, struct session *s, bool *progress)
{
	struct http_sess *h = s->http;

	switch (h->phase) {
	case PH_REQ_HEAD:
		request_head(w, s, progress);
		if (s->state == SESS_FREE || h->phase != PH_REQ_BODY)
			break;
		/* FALLTHROUGH */
	case PH_REQ_BODY:
		if (s->state != SESS_RELAYING)
			break;
		if (body_move(&h->req, &h->cin, &h->tosrv, h->cli_eof,
		    progress) == -1) {
			http_fail(w, s, 400, h->cli_eof ? "client closed "
			    "mid-body" : "invalid chunked body");
			break;
		}
		if (h->req.done) {
			h->phase = PH_RESP_HEAD;
			*progress = true;
		} else
			early_interim(w, s, progress);
		break;
	case PH_RESP_HEAD:
		response_head(w, s, progress);
		if (s->state == SESS_FREE || h->phase != PH_RESP_BODY)
			break;
		/* FALLTHROUGH */
	case PH_RESP_BODY:
		if (body_move(&h->resp, &h->sin, &h->tocli, h->srv_eof,
		    progress) == -1) {
			session_close(w, s, h->srv_eof ? "host closed "
			    "mid-body" : "invalid chunked body from host",
			    true);
			break;
		}
		if (h->resp.done && hbuf_avail(&h->tocli) == 0)
			response_done(w, s);
		break;
	case PH_TUNNEL:
		tunnel(w, s, progress);
		break;
	case PH_CLOSING:
		if (hbuf_avail(&h->tocli) > 0 || !stream_flushed(&s->cli))
			break;
		/* The client may still be sending: no close under it. */
		if (w->draining || s->error || (h->cin.p != NULL &&
		    hbuf_avail(&h->cin) > 0))
			start_linger(w, s, "done");
		else
			session_close(w, s, s->done != NULL ? s->done :
			    "done", s->error);
		break;
	case PH_LINGER:
		break;
	}
}

/* Which sides are worth reading in this phase. */
static int
read_sides(struct worker *w, struct session *s, bool *progress)
{
	struct http_sess *h = s->http;
	bool want_cli = h->phase == PH_REQ_HEAD || h->phase == PH_REQ_BODY ||
	    h->phase == PH_TUNNEL;

	if (h->phase == PH_LINGER) {
		if (linger_read(s))
			session_close(w, s, s->done != NULL ? s->done : "done",
			    s->error);
		return 0;
	}

	if (want_cli && fill(w, &h->cin, &s->cli, &h->cli_eof, progress) ==
	    -1)
		return -1;
	if (s->srv.fd == -1 || s->state == SESS_CONNECTING)
		return 0;
	if (h->phase == PH_REQ_HEAD && s->srv.readable) {
		/* A kept connection that stirs is closed or talking out of
		 * turn: either way it serves no further request. */
		drop_host(w, s);
		return 0;
	}
	return fill(w, &h->sin, &s->srv, &h->srv_eof, progress);
}

/*
 * The session timeout from now; draining, a client between requests
 * has only the grace left to send its next one.
 */
static void
set_deadline(struct worker *w, struct session *s)
{
	struct http_sess *h = s->http;
	int64_t grace = w->loop.now + RELAY_DRAIN_IDLE_MS;

	/* The step may have ended the session. */
	if (h == NULL || h->phase == PH_LINGER)
		return;
	s->deadline = w->loop.now + s->relay->timeout_ms;
	if (w->draining && h->phase == PH_REQ_HEAD &&
	    (h->cin.p == NULL || hbuf_avail(&h->cin) == 0) &&
	    s->deadline > grace)
		s->deadline = grace;
}

void
http_event(struct worker *w, struct session *s)
{
	struct http_sess *h;
	bool progress;
	int i;

	for (i = 0; i < STEPS_MAX && s->state != SESS_FREE; i++) {
		h = s->http;
		progress = false;
		if (drain(&h->tocli, &s->cli, &progress) == -1) {
			session_close(w, s, "client write failed", true);
			return;
		}
		if (s->state == SESS_RELAYING &&
		    drain(&h->tosrv, &s->srv, &progress) == -1) {
			if (!replay(w, s))
				http_fail(w, s, 502, "host write failed");
			return;
		}
		if (read_sides(w, s, &progress) == -1) {
			if (h->phase == PH_RESP_HEAD && replay(w, s))
				continue;
			if (h->phase == PH_RESP_HEAD)
				http_fail(w, s, 502, "host read failed");
			else
				session_close(w, s, "read failed", true);
			return;
		}
		if (s->state == SESS_FREE)
			return;
		step(w, s, &progress);
		if (!progress)
			break;
		set_deadline(w, s);
	}
}

void
http_start(struct worker *w, struct session *s)
{
	s->http = &s->http_state;
	memset(s->http, 0, sizeof(*s->http));
	s->state = SESS_HEAD;
	s->http->phase = PH_REQ_HEAD;
	http_event(w, s);
}

void
http_free(struct worker *w, struct session *s)
{
	struct http_sess *h = s->http;

	hbuf_put(w, &h->cin);
	hbuf_put(w, &h->sin);
	hbuf_put(w, &h->tosrv);
	hbuf_put(w, &h->tocli);
	forget_replay(h);
	free(h->log);
	s->http = NULL;
}

/*
 * Whether the host's connection may serve another session: between
 * requests, or closing the client's connection after a response the host
 * ended cleanly (a client that sends `Connection: close` still leaves the
 * host's connection for the next client), the last response whole,
 * nothing more from the host.
 */
bool
http_host_reusable(const struct session *s)
{
	const struct http_sess *h = s->http;

	return (h->phase == PH_REQ_HEAD || h->phase == PH_CLOSING) &&
	    h->srv_keep && !h->srv_eof &&
	    h->req.done && h->resp.done && s->state != SESS_CONNECTING &&
	    (h->sin.p == NULL || hbuf_avail(&h->sin) == 0) &&
	    s->host != NULL && sched_host_usable(s->host) &&
	    !s->srv.readable;
}

/* The session timeout: 504 while the host owes a response. */
void
http_timeout(struct worker *w, struct session *s)
{
	struct http_sess *h = s->http;

	if (h != NULL && (h->phase == PH_RESP_HEAD ||
	    h->phase == PH_REQ_BODY) && !h->resp_started)
		http_fail(w, s, 504, "host response timeout");
	else if (h != NULL && h->phase == PH_LINGER) {
		(void)linger_read(s);
		session_close(w, s, s->done != NULL ? s->done : "done",
		    s->error);
	} else if (h != NULL && h->phase == PH_REQ_HEAD &&
	    hbuf_avail(&h->cin) == 0)
		/* Idle: a request that crossed our end is read, dropped. */
		start_linger(w, s, "session timeout");
	else
		session_close(w, s, "session timeout", true);
}

/* Draining: a session between requests has the grace left. */
void
http_drain(struct worker *w, struct session *s)
{
	if (s->http->phase == PH_REQ_HEAD && hbuf_avail(&s->http->cin) == 0)
		set_deadline(w, s);
}
