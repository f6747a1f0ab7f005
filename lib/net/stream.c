#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "net/stream.h"

void
stream_open(struct stream *s, int fd)
{
	s->fd = fd;
	s->readable = s->writable = false;
	s->flushed = s->peer_closed = false;
	s->tls.eng = NULL;
}

void
stream_start_tls(struct stream *s, struct tls_end t)
{
	s->tls = t;
	s->flushed = false;
}

void
stream_event(struct stream *s, uint32_t events)
{
	if (events & (EPOLLRDHUP | EPOLLHUP))
		s->peer_closed = true;
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
		s->readable = true;
	if (events & (EPOLLOUT | EPOLLHUP))
		s->writable = true;
}

ssize_t
stream_read(struct stream *s, void *buf, size_t len)
{
	ssize_t n;

	if (s->tls.eng != NULL)
		return tls_end_read(&s->tls, s->fd, &s->readable, &s->writable,
		    buf, len);
	if (!s->readable) {
		errno = EAGAIN;
		return -1;
	}
	n = read(s->fd, buf, len);
	if (n > 0 && (size_t)n < len && !s->peer_closed)
		s->readable = false;	/* emptied: new bytes bring an edge */
	else if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		s->readable = false;
	return n;
}

/* EAGAIN clears writable; other outcomes pass through. */
static ssize_t
sent(struct stream *s, ssize_t n)
{
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		s->writable = false;
	return n;
}

/* What the engine took must still be sealed and sent. */
static ssize_t
sealed_later(struct stream *s, ssize_t n)
{
	if (n > 0)
		s->flushed = false;
	return n;
}

/* In the clear, a socket known to be full is not tried: EAGAIN. */
static bool
would_block(const struct stream *s)
{
	if (s->writable)
		return false;
	errno = EAGAIN;
	return true;
}

ssize_t
stream_write(struct stream *s, const void *buf, size_t len, bool more)
{
	if (s->tls.eng != NULL)
		return sealed_later(s, tls_end_write(&s->tls, s->fd,
		    &s->readable, &s->writable, buf, len));
	if (would_block(s))
		return -1;
	return sent(s, send(s->fd, buf, len, MSG_NOSIGNAL |
	    (more ? MSG_MORE : 0)));
}

ssize_t
stream_write_file(struct stream *s, int file, off_t off, size_t len)
{
	if (s->tls.eng != NULL)
		return sealed_later(s, tls_end_write_file(&s->tls, s->fd,
		    &s->readable, &s->writable, file, off, len));
	if (would_block(s))
		return -1;
	return sent(s, sendfile(s->fd, file, &off, len));
}

int
stream_flush(struct stream *s)
{
	if (s->tls.eng == NULL)
		return 0;
	if (tls_end_flush(&s->tls, s->fd, &s->writable) == -1)
		return -1;
	s->flushed = true;
	return 0;
}

void
stream_close_notify(struct stream *s)
{
	if (s->tls.eng != NULL)
		tls_end_close(&s->tls, s->fd, &s->writable);
}

void
stream_shutdown(struct stream *s)
{
	stream_close_notify(s);
	(void)shutdown(s->fd, SHUT_WR);
}

const char *
stream_error(const struct stream *s)
{
	return s->tls.eng != NULL ? tls_end_error(&s->tls) : NULL;
}

/* What the pipe holds, out to `to`; false on a failure (errno). */
static bool
splice_out(struct stream *to, struct splice_pipe *p, size_t *sent)
{
	ssize_t n;

	while (p->held > 0 && to->writable) {
		n = splice(p->fd[0], NULL, to->fd, NULL, p->held,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			p->held -= (size_t)n;
			*sent += (size_t)n;
		} else if (n == -1 && (errno == EAGAIN ||
		    errno == EWOULDBLOCK))
			to->writable = false;
		else if (n == -1 && errno != EINTR)
			return false;
	}
	return true;
}

ssize_t
stream_splice(struct stream *from, struct stream *to, struct splice_pipe *p,
    size_t len, bool *eof)
{
	size_t sent = 0;
	ssize_t n;

	*eof = false;
	if (from->tls.eng != NULL || to->tls.eng != NULL) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		if (!splice_out(to, p, &sent))
			return -1;
		if (p->held > 0 || !from->readable || len == 0)
			return (ssize_t)sent;
		n = splice(from->fd, NULL, p->fd[1], NULL, len,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			p->held += (size_t)n;
			len -= (size_t)n;
		} else if (n == 0) {
			*eof = true;
			return (ssize_t)sent;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			from->readable = false;
			return (ssize_t)sent;
		} else if (errno != EINTR)
			return -1;
	}
}
