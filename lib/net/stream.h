/*
 * stream: one end of a connection -- a non-blocking socket, in the clear
 * or through a TLS engine (lib/tls) -- read and written the same way
 * whatever it is, so that no caller branches on TLS.
 *
 * readable and writable are edge-triggered bookkeeping: stream_event sets
 * them from what epoll says; the stream clears them when the socket would
 * block.  The read policy is settled here, once: a read in the clear that
 * returns less than it asked for has emptied the socket, so readable is
 * cleared at once (new bytes raise a new edge) and no read is wasted on
 * EAGAIN -- unless the peer's FIN was announced (EPOLLRDHUP): a FIN that
 * came with the last bytes raises no edge of its own, so reading goes on
 * until it reads the end.  A TLS stream is always worth a try: its engine
 * may hold plaintext, or need to write before it can read.
 */
#ifndef STREAM_H
#define STREAM_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tls/tls_end.h"

struct stream {
	int		 fd;		/* -1: none */
	bool		 readable, writable;
	bool		 flushed;	/* TLS: all written is sealed and sent */
	bool		 peer_closed;	/* the FIN was announced: read to it */
	struct tls_end	 tls;		/* tls.eng NULL: in the clear */
};

/*
 * A stream over fd, in the clear, waiting for its first edges (register
 * it edge-triggered: epoll reports what is ready at once).
 */
void	stream_open(struct stream *, int fd);

/*
 * From now on through the TLS end t (tls_conn_end, tls_client_end),
 * whose engine the caller owns and keeps alive as long as the stream.
 */
void	stream_start_tls(struct stream *, struct tls_end t);

/* Whether the stream goes through TLS. */
static inline bool
stream_is_tls(const struct stream *s)
{
	return s->tls.eng != NULL;
}

/* What an epoll event says of the stream's socket. */
void	stream_event(struct stream *, uint32_t events);

/*
 * Bytes are surely waiting: in the clear and readable.  A TLS engine
 * cannot say without a read, so a loop that must not spin asks this.
 */
static inline bool
stream_input_pending(const struct stream *s)
{
	return s->readable && s->tls.eng == NULL;
}

/* Whether a read may bring anything now. */
static inline bool
stream_may_read(const struct stream *s)
{
	return s->readable || s->tls.eng != NULL;
}

/*
 * Plaintext into buf: > 0 bytes, 0 at the end of the stream (the peer's
 * FIN or close_notify), -1 with errno: EAGAIN (wait for an edge) or a
 * failure (EPROTO: the TLS engine failed, stream_error says how).
 */
ssize_t	stream_read(struct stream *, void *buf, size_t len);

/*
 * Bytes taken for sending: > 0, or -1 with errno (EAGAIN: wait).  more
 * says that more follows at once: the kernel may hold a partial segment
 * back (MSG_MORE), as a bulk transfer needs to fill its segments.
 */
ssize_t	stream_write(struct stream *, const void *buf, size_t len,
	    bool more);

/*
 * len bytes of file at off: sendfile(2) in the clear, read into the
 * engine under TLS.  > 0 bytes, 0 if the file ended early, -1 and errno.
 */
ssize_t	stream_write_file(struct stream *, int file, off_t off, size_t len);

/*
 * Under TLS, seal what was written and send it: 0 once it is all out,
 * -1 and errno (EAGAIN: wait).  In the clear there is nothing to do: 0.
 */
int	stream_flush(struct stream *);

/* Everything written has left (in the clear: always). */
static inline bool
stream_flushed(const struct stream *s)
{
	return s->tls.eng == NULL || s->flushed;
}

/*
 * The end of what this side sends: close_notify under TLS (if the
 * handshake was done and the socket takes it), then a half-close.
 */
void	stream_shutdown(struct stream *);
/* close_notify only, before the socket is closed (nothing in the clear). */
void	stream_close_notify(struct stream *);

/* Why the stream failed, for the error log; NULL if it did not. */
const char *stream_error(const struct stream *);

/*
 * Splicing: bytes moved from one stream to another inside the kernel
 * (splice(2) through a pipe), for a TCP relay where neither end is TLS
 * and nothing is filtered.  The pipe is the caller's, one per direction;
 * held is what it holds, already read from `from` and not yet sent.
 */
struct splice_pipe {
	int	fd[2];		/* from pipe2(O_NONBLOCK | O_CLOEXEC) */
	size_t	held;
};

/*
 * Move bytes until one side would block: what the pipe holds goes to
 * `to` first, then up to len more are taken from `from`.  Returns the
 * bytes sent to `to` (>= 0), and sets *eof when `from` has ended and the
 * pipe is empty; -1 and errno on a failure other than EAGAIN.  Neither
 * stream may be TLS (EINVAL).
 */
ssize_t	stream_splice(struct stream *from, struct stream *to,
	    struct splice_pipe *, size_t len, bool *eof);

#endif
