/*
 * A FastCGI connection: client bytes go through the record parser, and
 * each record is applied to the connection's single request; answers
 * are queued in the connection's output buffer.  Any protocol error is
 * logged with the parser's text and closes the connection: a client that
 * sends malformed records cannot be answered reliably.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "bridge.h"

static const struct fcgi_value known_values[] = {
	{ "FCGI_MAX_CONNS", "64" },
	{ "FCGI_MAX_REQS", "64" },
	{ "FCGI_MPXS_CONNS", "0" }
};

size_t
conn_index(const struct bridge *b, const struct conn *c)
{
	return (size_t)(c - b->conns);
}

void
conn_open(struct bridge *b, int fd)
{
	struct conn *c = NULL;
	size_t i;

	for (i = 0; i < BRIDGE_CONN_MAX && c == NULL; i++)
		if (!b->conns[i].used)
			c = &b->conns[i];
	if (c == NULL) {	/* cannot happen: the listener is off then */
		(void)close(fd);
		return;
	}
	/* Only the small fields: the buffers are written before read. */
	c->used = true;
	c->fd = fd;
	memset(c->events, 0, sizeof(c->events));
	c->deadline = now_ms() + b->opt.timeout * 1000;
	fcgi_parser_init(&c->parser, FCGI_PARSE_UNKNOWN_TYPES |
	    FCGI_PARSE_STRICT_PADDING, 0);
	c->inlen = c->outoff = c->outlen = 0;
	c->closing = c->eof = c->stdin_blocked = false;
	c->phase = REQ_NONE;
	c->id = 0;
	c->pid = 0;
	c->cin = c->cout = c->cerr = -1;
	b->nconns++;
	conn_update(b, c);
}

void
conn_close_fd(struct bridge *b, struct conn *c, int *fd, enum bridge_kind k)
{
	if (*fd == -1)
		return;
	watch(b, *fd, k, conn_index(b, c), 0, &c->events[k - K_CLIENT]);
	(void)close(*fd);
	*fd = -1;
	if (k == K_STDIN)
		c->stdin_blocked = false;
}

void
conn_close(struct bridge *b, struct conn *c, const char *why)
{
	if (why != NULL)
		warnx_("connection %zu%s%s: %s", conn_index(b, c),
		    c->phase != REQ_NONE ? ", " : "",
		    c->phase != REQ_NONE ? c->script : "", why);
	if (c->pid > 0 && !c->reaped)
		cgi_kill(c);
	conn_close_fd(b, c, &c->cin, K_STDIN);
	conn_close_fd(b, c, &c->cout, K_STDOUT);
	conn_close_fd(b, c, &c->cerr, K_STDERR);
	conn_close_fd(b, c, &c->fd, K_CLIENT);
	c->used = false;
	c->pid = 0;
	b->nconns--;
}

bool
conn_room(const struct conn *c, size_t n)
{
	return BRIDGE_OUTBUF - c->outlen >= n;
}

void
conn_compact(struct conn *c)
{
	if (c->outoff == 0)
		return;
	memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
	c->outlen -= c->outoff;
	c->outoff = 0;
}

/* Control records always fit: BRIDGE_OUT_RESERVE is kept for them. */
void
conn_queue(struct conn *c, size_t n)
{
	c->outlen += n;
}

void
conn_queue_end(struct bridge *b, struct conn *c, uint32_t app_status,
    uint8_t protocol_status)
{
	conn_compact(c);
	conn_queue(c, fcgi_put_end_request(c->out + c->outlen,
	    BRIDGE_OUTBUF - c->outlen, c->id, app_status, protocol_status));
	c->phase = REQ_NONE;
	c->pid = 0;
	/* A fresh deadline for the next request or the idle wait. */
	c->deadline = now_ms() + b->opt.timeout * 1000;
	if (!c->keep || b->stopping)
		c->closing = true;
}

static bool
protocol_error(struct bridge *b, struct conn *c, const char *what)
{
	conn_close(b, c, what);
	return false;
}

static bool
on_begin(struct bridge *b, struct conn *c, const struct fcgi_event *ev)
{
	struct fcgi_begin begin;
	uint16_t id = ev->header.request_id;

	fcgi_get_begin(ev->body, &begin);
	if (c->phase != REQ_NONE) {
		/* One request per connection; answer without disturbing it. */
		conn_compact(c);
		conn_queue(c, fcgi_put_end_request(c->out + c->outlen,
		    BRIDGE_OUTBUF - c->outlen, id, 0, FCGI_CANT_MPX_CONN));
		return true;
	}
	c->id = id;
	c->keep = (begin.flags & FCGI_KEEP_CONN) != 0;
	if (begin.role != FCGI_RESPONDER) {
		conn_queue_end(b, c, 0, FCGI_UNKNOWN_ROLE);
		return true;
	}
	c->phase = REQ_PARAMS;
	c->paramslen = 0;
	c->script[0] = '\0';
	c->deadline = now_ms() + b->opt.timeout * 1000;
	return true;
}

static bool
on_abort(struct bridge *b, struct conn *c, uint16_t id)
{
	if (c->phase == REQ_NONE || id != c->id)
		return true;	/* nothing of that id runs: ignore */
	if (c->phase == REQ_PARAMS) {
		conn_queue_end(b, c, 0, FCGI_REQUEST_COMPLETE);
		return true;
	}
	if (b->opt.verbose > 0)
		warnx_("connection %zu, %s: aborted by the client",
		    conn_index(b, c), c->script);
	cgi_kill(c);
	return true;
}

static bool
on_get_values(struct conn *c)
{
	enum fcgi_error e;
	size_t n = 0;

	conn_compact(c);
	e = fcgi_put_get_values_result(c->out + c->outlen,
	    BRIDGE_OUTBUF - c->outlen, &n, c->query, c->querylen,
	    known_values, sizeof(known_values) / sizeof(known_values[0]));
	if (e != FCGI_E_NONE)
		return false;
	conn_queue(c, n);
	return true;
}

/* A record is over: act on it. */
static bool
on_end(struct bridge *b, struct conn *c, const struct fcgi_event *ev)
{
	const struct fcgi_header *h = &ev->header;

	switch (h->type) {
	case FCGI_BEGIN_REQUEST:
		return on_begin(b, c, ev);
	case FCGI_ABORT_REQUEST:
		return on_abort(b, c, h->request_id);
	case FCGI_PARAMS:
		if (h->content_length == 0 && !cgi_start(b, c))
			return protocol_error(b, c, fcgi_strerror(
			    FCGI_E_NV_TRUNCATED));
		return true;
	case FCGI_STDIN:
		if (h->content_length == 0)
			conn_close_fd(b, c, &c->cin, K_STDIN);
		return true;
	case FCGI_GET_VALUES:
		if (!on_get_values(c))
			return protocol_error(b, c, "malformed FCGI_GET_VALUES");
		return true;
	default:	/* unknown types, allowed by the parser */
		conn_compact(c);
		conn_queue(c, fcgi_put_unknown_type(c->out + c->outlen,
		    BRIDGE_OUTBUF - c->outlen, h->type));
		return true;
	}
}

/* Which records a client may send, and in which phase. */
static bool
on_header(struct bridge *b, struct conn *c, const struct fcgi_header *h)
{
	switch (h->type) {
	case FCGI_BEGIN_REQUEST:
	case FCGI_GET_VALUES:
		c->querylen = 0;
		return true;
	case FCGI_ABORT_REQUEST:
		return true;
	case FCGI_PARAMS:
		if (c->phase != REQ_PARAMS || h->request_id != c->id)
			return protocol_error(b, c,
			    "FCGI_PARAMS outside a request's parameters");
		return true;
	case FCGI_STDIN:
		/* The rest of a body the finished program did not read. */
		if (c->phase == REQ_NONE && h->request_id == c->id)
			return true;
		if (c->phase != REQ_RUNNING || h->request_id != c->id)
			return protocol_error(b, c,
			    "FCGI_STDIN outside a running request");
		return true;
	case FCGI_END_REQUEST:
	case FCGI_STDOUT:
	case FCGI_STDERR:
	case FCGI_DATA:
	case FCGI_GET_VALUES_RESULT:
	case FCGI_UNKNOWN_TYPE:
		return protocol_error(b, c,
		    "record type not sent by a responder's client");
	default:
		return true;
	}
}

/* Content of a record: how much of it was taken, or -1 on error. */
static long
on_content(struct bridge *b, struct conn *c, const struct fcgi_event *ev)
{
	ssize_t n;

	switch (ev->header.type) {
	case FCGI_PARAMS:
		if (ev->len > BRIDGE_PARAMS_MAX - c->paramslen) {
			(void)protocol_error(b, c, "parameters over 32768 bytes");
			return -1;
		}
		memcpy(c->params + c->paramslen, ev->data, ev->len);
		c->paramslen += ev->len;
		return (long)ev->len;
	case FCGI_STDIN:
		if (c->cin == -1)	/* the program stopped reading */
			return (long)ev->len;
		n = write(c->cin, ev->data, ev->len);
		if (n >= 0)
			return (long)n;
		if (errno == EAGAIN || errno == EINTR) {
			c->stdin_blocked = true;
			return 0;
		}
		conn_close_fd(b, c, &c->cin, K_STDIN);
		return (long)ev->len;
	case FCGI_GET_VALUES:
		/* Queries longer than ours are cut: names we know are short. */
		n = (ssize_t)(BRIDGE_QUERY_MAX - c->querylen);
		if ((size_t)n > ev->len)
			n = (ssize_t)ev->len;
		memcpy(c->query + c->querylen, ev->data, (size_t)n);
		c->querylen += (size_t)n;
		return (long)ev->len;
	default:
		return (long)ev->len;
	}
}

/* One event of the parser; false: stop (blocked, or the conn closed). */
static bool
step(struct bridge *b, struct conn *c, size_t *pos)
{
	struct fcgi_event ev;
	size_t used;
	long took;

	switch (fcgi_parse(&c->parser, c->in + *pos, c->inlen - *pos, &used,
	    &ev)) {
	case FCGI_EV_MORE:
		*pos += used;
		return false;
	case FCGI_EV_HEADER:
		*pos += used;
		return on_header(b, c, &ev.header);
	case FCGI_EV_CONTENT:
		if ((took = on_content(b, c, &ev)) <= 0)
			return false;
		fcgi_take(&c->parser, (size_t)took);
		*pos += (size_t)took;
		return true;
	case FCGI_EV_END:
		*pos += used;
		return on_end(b, c, &ev);
	case FCGI_EV_ERROR:
		return protocol_error(b, c, fcgi_strerror(ev.error));
	}
	return false;
}

/*
 * Apply what has arrived, as far as possible.  Stops when input runs
 * out, when the program's stdin is full (back-pressure: the client is
 * not read), or when answers would not fit.
 */
void
conn_process(struct bridge *b, struct conn *c)
{
	size_t pos = 0;

	while (c->used && !c->stdin_blocked && !c->closing &&
	    conn_room(c, BRIDGE_OUT_RESERVE) && step(b, c, &pos))
		;
	if (!c->used)
		return;
	memmove(c->in, c->in + pos, c->inlen - pos);
	c->inlen -= pos;
}

void
conn_readable(struct bridge *b, struct conn *c)
{
	ssize_t n;

	n = read(c->fd, c->in + c->inlen, BRIDGE_INBUF - c->inlen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* A client that shut down its side still gets its answer. */
		if (n == 0 && c->phase == REQ_RUNNING) {
			c->eof = true;
			c->keep = false;
			/* No more body can come; what is held still goes in. */
			if (c->inlen == 0)
				conn_close_fd(b, c, &c->cin, K_STDIN);
			return;
		}
		conn_close(b, c, n == 0 && c->phase == REQ_NONE ? NULL :
		    "the client went away");
		return;
	}
	c->inlen += (size_t)n;
	conn_process(b, c);
}

void
conn_writable(struct bridge *b, struct conn *c)
{
	ssize_t n;

	n = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(b, c, "the client went away");
		return;
	}
	c->outoff += (size_t)n;
	if (c->outoff < c->outlen)
		return;
	c->outoff = c->outlen = 0;
	if (c->closing && c->phase == REQ_NONE) {
		conn_close(b, c, NULL);
		return;
	}
	/* Room again: input waiting for it can be applied now. */
	conn_process(b, c);
}

/* Register for what the connection can use now. */
void
conn_update(struct bridge *b, struct conn *c)
{
	size_t i = conn_index(b, c);
	bool out_room = conn_room(c, BRIDGE_OUT_RESERVE + BRIDGE_OUT_MIN_READ +
	    2 * FCGI_HEADER_LEN);
	uint32_t client = 0;

	if (!c->eof && !c->closing && c->inlen < BRIDGE_INBUF)
		client |= EPOLLIN;
	if (c->outlen > c->outoff)
		client |= EPOLLOUT;
	watch(b, c->fd, K_CLIENT, i, client, &c->events[0]);
	watch(b, c->cin, K_STDIN, i, c->stdin_blocked ? EPOLLOUT : 0,
	    &c->events[K_STDIN - K_CLIENT]);
	watch(b, c->cout, K_STDOUT, i, out_room ? EPOLLIN : 0,
	    &c->events[K_STDOUT - K_CLIENT]);
	watch(b, c->cerr, K_STDERR, i, out_room ? EPOLLIN : 0,
	    &c->events[K_STDERR - K_CLIENT]);
}
