/*
 * tcp: a TCP relay moves bytes both ways as they come, through a buffer
 * per direction -- or, with `tcp splice` and TLS on neither side,
 * through a pipe inside the kernel (splice(2)).  One side's end (FIN or
 * close_notify) is passed on as a half-close; the session ends when both
 * directions have ended, or one fails.
 */
#include <errno.h>
#include <string.h>

#include "worker.h"

/* Bytes due to `to`, sent as far as it takes them; false on failure. */
static bool
half_send(struct half *h, struct stream *to, bool *moved)
{
	ssize_t n;

	while (h->off < h->len) {
		n = stream_write(to, h->buf + h->off, h->len - h->off, false);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		h->off += (size_t)n;
		*moved = true;
	}
	h->off = h->len = 0;
	return stream_flush(to) == 0 || errno == EAGAIN;
}

/* Bytes from `from` into the empty buffer; false on failure. */
static bool
half_fill(struct worker *w, struct half *h, struct stream *from,
    bool *moved)
{
	ssize_t n;

	if (h->eof || !stream_may_read(from))
		return true;
	if (h->buf == NULL && (h->buf = bufpool_get(&w->bufs)) == NULL)
		return false;
	n = stream_read(from, h->buf, RELAY_BUF);
	if (n > 0) {
		h->len = (size_t)n;
		*moved = true;
	} else if (n == 0)
		h->eof = true;
	else if (errno != EAGAIN && errno != EINTR)
		return false;
	return true;
}

/*
 * stream_splice stops after RELAY_PIPE bytes read with `from` still
 * readable; with edge-triggered events no new edge comes for bytes (or
 * an end) already there, so go on until `from` is empty, `to` is full or
 * the end is reached -- as half_move's buffered loop does.
 */
static bool
half_splice(struct half *h, struct stream *from, struct stream *to,
    bool *moved)
{
	bool eof = false;
	ssize_t n;

	do {
		n = stream_splice(from, to, &h->pipe, RELAY_PIPE, &eof);
		if (n < 0)
			return false;
		if (n > 0)
			*moved = true;
	} while (!eof && n > 0 && h->pipe.held == 0 && from->readable);
	if (eof)
		h->eof = true;
	return true;
}

/*
 * Move what can move from `from` to `to` until one would block; the end
 * of `from` becomes the end of what `to` receives.  False on failure.
 */
bool
half_move(struct worker *w, struct half *h, struct stream *from,
    struct stream *to, struct session *s)
{
	bool moved = false, progress;

	if (h->pipe.fd[0] != -1) {
		if (!half_splice(h, from, to, &moved))
			return false;
	} else {
		for (;;) {
			progress = false;
			if (!half_send(h, to, &progress))
				return false;
			moved |= progress;
			if (h->off < h->len)
				break;		/* `to` is full */
			if (!half_fill(w, h, from, &progress))
				return false;
			moved |= progress;
			if (h->len == 0)
				break;		/* `from` is empty */
		}
		if (h->len == 0) {
			bufpool_put(&w->bufs, h->buf);
			h->buf = NULL;
		}
	}
	if (moved)
		s->deadline = w->loop.now + s->relay->timeout_ms;
	if (h->eof && h->len == 0 && h->pipe.held == 0 && !h->shut &&
	    stream_flushed(to)) {
		stream_shutdown(to);
		h->shut = true;
	}
	return true;
}

void
tcp_relay(struct worker *w, struct session *s)
{
	if (s->state != SESS_RELAYING)
		return;
	if (!half_move(w, &s->up, &s->cli, &s->srv, s)) {
		session_close(w, s, stream_error(&s->cli) != NULL ?
		    stream_error(&s->cli) : stream_error(&s->srv) != NULL ?
		    stream_error(&s->srv) : strerror(errno), true);
		return;
	}
	if (!half_move(w, &s->down, &s->srv, &s->cli, s)) {
		session_close(w, s, stream_error(&s->srv) != NULL ?
		    stream_error(&s->srv) : stream_error(&s->cli) != NULL ?
		    stream_error(&s->cli) : strerror(errno), true);
		return;
	}
	if (s->up.shut && s->down.shut)
		session_close(w, s, "done", false);
}
