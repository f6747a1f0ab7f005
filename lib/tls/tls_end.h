/*
 * tls_end: one end of a TLS connection -- a BearSSL engine, server or
 * client -- read and written like a non-blocking socket, so that one
 * event loop pumps any number of them (relay: the client's side and the
 * backend's).  The engine is apart from the I/O: these functions move
 * records between it and the caller's socket only while the caller's
 * edge-triggered readable/writable flags allow, and clear them on
 * EAGAIN.
 *
 * How records come in is the end's own: a client takes them as they
 * come (tls_io_recv); a server first gathers the whole ClientHello
 * (tls_server), so that recv is a callback.
 */
#ifndef TLS_END_H
#define TLS_END_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

#include <bearssl.h>

struct tls_end {
	br_ssl_engine_context	*eng;	/* NULL: no TLS */
	/* Records from fd into the engine: 1, 0 the peer closed, -1. */
	int	(*recv)(void *arg, int fd, bool *readable);
	void	*arg;
};

/*
 * Plaintext received: > 0 bytes, 0 at the end of the stream (close_notify
 * or the peer's FIN), -1 with errno EAGAIN (wait for an event) or another
 * error (EPROTO: the engine failed; tls_end_error says how).
 */
ssize_t	tls_end_read(const struct tls_end *, int fd, bool *readable,
	    bool *writable, void *buf, size_t len);
/* Plaintext taken for sending: > 0 bytes, or -1 and errno as above. */
ssize_t	tls_end_write(const struct tls_end *, int fd, bool *readable,
	    bool *writable, const void *buf, size_t len);
/*
 * Plaintext read from a file at off straight into the engine's buffer:
 * > 0 bytes, 0 if the file ended, -1 and errno.
 */
ssize_t	tls_end_write_file(const struct tls_end *, int fd, bool *readable,
	    bool *writable, int file, off_t off, size_t len);
/* Seal what was written and send it: 0 once all is sent, -1 and errno. */
int	tls_end_flush(const struct tls_end *, int fd, bool *writable);
/* The handshake is done: application data may flow. */
bool	tls_end_ready(const struct tls_end *);
/* After a handshake: queue close_notify and send what can be sent. */
void	tls_end_close(const struct tls_end *, int fd, bool *writable);
/* Why the engine failed, for a log; NULL if it did not. */
const char *tls_end_error(const struct tls_end *);

#endif
