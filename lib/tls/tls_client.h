/*
 * tls_client: a BearSSL client engine driven by a non-blocking socket in
 * the caller's event loop (never br_sslio, which blocks).  Used by
 * checkd's TLS checks and, later, by relay's TLS to the backends.
 *
 * The certificate chain is NOT verified: like relayd's checks, a TLS
 * check asks "does the host complete a handshake", not "is it who it
 * says".  The engine still needs the server's public key for the key
 * exchange; the X.509 class here decodes the first certificate and
 * gives its key without judging the chain.
 *
 * A struct tls_client is about 38 KiB (the engine's full-duplex buffer):
 * allocate one per connection, for the connection's lifetime only.
 */
#ifndef TLS_CLIENT_H
#define TLS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <bearssl.h>

struct tls_noverify {
	const br_x509_class	*vtable;	/* must be first */
	br_x509_decoder_context	 dc;
	int			 ncerts;
	bool			 have_key;
};

struct tls_client {
	br_ssl_client_context	 cc;
	struct tls_noverify	 x509;
	unsigned char		 iobuf[BR_SSL_BUFSIZE_BIDI];
};

enum tls_client_io {
	TLS_CLIENT_AGAIN,	/* the socket would block: wait for events */
	TLS_CLIENT_CLOSED,	/* the engine closed: see tls_client_error */
	TLS_CLIENT_EOF,		/* the peer closed the socket */
	TLS_CLIENT_SOCKET	/* read/write failed; errno is set */
};

/*
 * Reset t for a new handshake, TLS 1.0 to 1.2, with SNI server_name
 * (NULL: none).  Seeds the engine with getrandom(2) bytes first: a
 * chrooted process has no /dev/urandom.  Returns false on failure.
 */
bool	tls_client_init(struct tls_client *t, const char *server_name);

/*
 * Move records between fd and the engine until neither direction can
 * progress (EAGAIN, or plaintext waiting for the caller).
 */
enum tls_client_io tls_client_pump(struct tls_client *t, int fd);

/* EPOLLIN/EPOLLOUT the engine waits for on the socket. */
unsigned	tls_client_events(const struct tls_client *t);
/* The handshake is done and application data may be written. */
bool		tls_client_can_write(const struct tls_client *t);
/* Queue plaintext and flush it into a record; returns bytes taken. */
size_t		tls_client_write(struct tls_client *t, const void *, size_t);
/* Take up to len bytes of received plaintext; 0 if none. */
size_t		tls_client_read(struct tls_client *t, void *, size_t);
/* BearSSL's last error (0: none, or a clean close). */
int		tls_client_error(const struct tls_client *t);

#endif
