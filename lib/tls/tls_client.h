/*
 * tls_client: a BearSSL client engine driven by a non-blocking socket in
 * the caller's event loop (never br_sslio, which blocks).  Used by
 * checkd's TLS checks and by relay's TLS to the backends.
 *
 * A struct tls_client_conf is what the connections to a set of backends
 * share, built once: the versions, suites and curves of a struct
 * tls_params (as the grammars parse them for servers), the fastest
 * implementations (tls_impl), and the authorities to verify against.
 * Without authorities the chain is NOT verified: like relayd's checks, a
 * TLS check asks "does the host complete a handshake", not "is it who it
 * says"; the engine still takes the server's key from the first
 * certificate for the key exchange.  With them, BearSSL's minimal X.509
 * engine checks the chain and, when a server name is given, that the
 * certificate is for it.
 *
 * A session slot (struct tls_client_session) is the caller's, one per
 * backend: a handshake may offer the session saved in it, and
 * tls_client_save keeps the new one there for the next connection.
 *
 * A struct tls_client is about 42 KiB (the engine's full-duplex buffer
 * and an X.509 context): allocate one per connection, for the
 * connection's lifetime only.
 */
#ifndef TLS_CLIENT_H
#define TLS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <bearssl.h>

#include "conf/tls_params.h"
#include "tls/tls_end.h"
#include "tls/tls_impl.h"
#include "tls/tls_keys.h"

struct tls_client_conf {
	struct tls_params	 params;
	struct tls_impl		 impl;
	const struct tls_anchors *ca;	/* NULL: no verification */
};

struct tls_noverify {
	const br_x509_class	*vtable;	/* must be first */
	br_x509_decoder_context	 dc;
	int			 ncerts;
	bool			 have_key;
};

/*
 * The server's certificate as it came (DER): TLS inspection copies it.
 * The caller's, kept as long as the handshake; it passes every call on
 * to the X.509 engine the client verifies with.
 */
enum { TLS_LEAF_MAX = 16384 };
struct tls_capture {
	const br_x509_class	*vtable;	/* must be first */
	const br_x509_class	**inner;
	unsigned		 ncerts;
	bool			 over;		/* longer than TLS_LEAF_MAX */
	size_t			 len;
	unsigned char		 leaf[TLS_LEAF_MAX];
};

/* A backend's last session; zeroed: none. */
struct tls_client_session {
	br_ssl_session_parameters params;
	bool			 valid;
};

struct tls_client {
	br_ssl_client_context	 cc;
	struct tls_noverify	 noverify;
	br_x509_minimal_context	 minimal;
	unsigned char		 offered[32];	/* the session id offered */
	size_t			 offered_len;	/* 0: none */
	unsigned char		 iobuf[BR_SSL_BUFSIZE_BIDI];
};

enum tls_client_io {
	TLS_CLIENT_AGAIN,	/* the socket would block: wait for events */
	TLS_CLIENT_CLOSED,	/* the engine closed: see tls_client_error */
	TLS_CLIENT_EOF,		/* the peer closed the socket */
	TLS_CLIENT_SOCKET	/* read/write failed; errno is set */
};

/*
 * A configuration: params NULL for checkd's checks (TLS 1.0 to 1.2 and
 * every suite BearSSL has, so that any server a check meets can be
 * talked to), ca NULL for no verification.  Both are copied or must
 * outlive the conf.
 */
void	tls_client_conf_init(struct tls_client_conf *,
	    const struct tls_params *params, const struct tls_anchors *ca);

/*
 * Reset t for a new handshake with conf (which must outlive t), with
 * SNI server_name (NULL: none; also the name a verified certificate must
 * carry), offering the session in slot if it holds one (slot NULL: a
 * full handshake).  Seeds the engine with getrandom(2) bytes first: a
 * chrooted process has no /dev/urandom.  Returns false on failure.
 */
bool	tls_client_init(struct tls_client *t, const struct tls_client_conf *,
	    const char *server_name, const struct tls_client_session *slot);
/* After tls_client_init: keep the server's certificate in cap. */
void	tls_client_capture(struct tls_client *t, struct tls_capture *cap);
/* After the handshake: the certificate kept, or NULL (none, too long). */
const unsigned char *tls_capture_leaf(const struct tls_capture *,
	    size_t *len);

/* After the handshake: keep its session in slot for the next one. */
void	tls_client_save(const struct tls_client *t,
	    struct tls_client_session *slot);
/* After the handshake: the server resumed the session offered. */
bool	tls_client_resumed(const struct tls_client *t);

/*
 * Move records between fd and the engine until neither direction can
 * progress (EAGAIN, or plaintext waiting for the caller).
 */
enum tls_client_io tls_client_pump(struct tls_client *t, int fd);

/*
 * The client as a TLS end (tls_end.h): read, written and flushed through
 * a stream like any socket, the handshake done on the way.
 */
struct tls_end	tls_client_end(struct tls_client *t);

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
