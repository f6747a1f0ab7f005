/*
 * tls_server: the server side of TLS over BearSSL's engine, one
 * connection at a time, driven by the caller's non-blocking socket and
 * event loop.
 *
 * The parent builds a struct tls_server per TLS socket (keys, suites,
 * client CAs, the shared session cache); a worker gives each connection
 * a struct tls_conn, which owns the engine and its buffers (about 40 KiB,
 * only the parts used are touched).  The readable/writable flags are the
 * caller's edge-triggered bookkeeping: an operation reads or writes the
 * socket only while its flag is set and clears it on EAGAIN.
 *
 * Certificates are chosen by the server the SNI name selects (the
 * caller's `select`), and so are the authorities a client certificate
 * must come from: each virtual host has its own.  A session is resumed
 * only for that same server, and a resumed session brings back the
 * client certificate's identity.
 */
#ifndef TLS_SERVER_H
#define TLS_SERVER_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#include "conf/tls_params.h"
#include "tls/tls_cache.h"
#include "tls/tls_end.h"
#include "tls/tls_impl.h"
#include "tls/tls_keys.h"
#include "tls/tls_signer.h"

/* What one virtual host asks of a client's certificate. */
struct tls_client_auth {
	const struct tls_anchors *ca;		/* NULL: none asked for */
	bool			 optional;	/* a client may send none */
};

struct tls_server {
	struct tls_params	 params;
	struct tls_impl		 impl;		/* tls_server_prepare's */
	/*
	 * One chain per virtual host, the leaf's key type saying which
	 * suites it serves; the signer signs with the host's key, given
	 * the host's index (tls_signer.h): the key need not be in this
	 * process.
	 */
	const struct tls_chain	*chains;
	size_t			 nchains;
	struct tls_signer	 signer;
	/*
	 * One per virtual host, as chains; NULL if no host asks for client
	 * certificates.  The handshake asks for what the host the SNI name
	 * chose asks for, and checks against that host's authorities.
	 */
	const struct tls_client_auth *client_auth;
	struct tls_cache	*cache;		/* NULL: no resumption */
	uint32_t		 cache_tag;	/* this socket, in the cache */
	long long		 lifetime;	/* of a cached session, s */
	/* The virtual host an SNI name selects ("" if none was sent). */
	size_t			(*select)(const void *arg, const char *sni);
	const void		*select_arg;
};

/* Checks made when the client's certificate chain ends. */
struct tls_peer_x509 {
	const br_x509_class	*vtable;
	br_x509_minimal_context	 xm;
	br_x509_decoder_context	 dec;	/* of the first certificate */
	unsigned char		 dn[1024];
	size_t			 dn_len;
	bool			 dn_overflow;
	unsigned		 ncerts;
};

enum tls_sni_state { TLS_SNI_PENDING, TLS_SNI_KNOWN, TLS_SNI_UNKNOWN };

/*
 * What only client certificates need comes last: without `client ca`
 * those pages are never touched, so never resident.
 */
struct tls_conn {
	br_ssl_server_context	 sc;
	const br_ssl_server_policy_class *policy;
	const br_ssl_session_cache_class *cache_vtable;
	const struct tls_server	*srv;
	size_t			 vhost;		/* chosen or resumed */
	bool			 resumed;
	bool			 peer_verified;	/* client cert trusted */
	/*
	 * The SNI name, read from the ClientHello (tls_hello), which is
	 * gathered in `hello`, from the heap, until it is whole.
	 */
	enum tls_sni_state	 sni_state;
	char			 sni[256];
	unsigned char		*hello;
	size_t			 hello_len;
	/*
	 * TLS inspection: the ClientHello held back, once whole, until the
	 * caller has a certificate made for it (`chain`, signed with the
	 * key of virtual host `chain_vhost`).
	 */
	bool			 hold, held;
	const struct tls_chain	*chain;
	size_t			 chain_vhost;
	unsigned char		 buf[BR_SSL_BUFSIZE_BIDI];
	char			 peer_subject[TLS_SUBJECT_MAX];
	struct tls_peer_x509	 peer;
};

/*
 * The connection as a TLS end (tls_end.h), its ClientHello gathered
 * before the engine sees it: what a stream reads and writes through.
 */
struct tls_end	tls_conn_end(struct tls_conn *);

/*
 * TLS inspection's pause: with hold set before the first read, reading
 * stops (EAGAIN) once the ClientHello is whole; tls_conn_held says so,
 * and t->sni is then the name asked for.  tls_conn_release_hold, with
 * the chain to present (the caller's, kept as long as the connection),
 * lets the handshake go on from the next read.
 */
void	tls_conn_hold(struct tls_conn *);
bool	tls_conn_held(const struct tls_conn *);
void	tls_conn_release_hold(struct tls_conn *, const struct tls_chain *,
	    size_t vhost);

/* Set a connection up for a new handshake; false without randomness. */
bool	tls_conn_init(struct tls_conn *, const struct tls_server *);
/* What the connection took from the heap, when it ends. */
void	tls_conn_release(struct tls_conn *);

/* Choose srv's implementations: EC narrowed to its curves, ciphers. */
void	tls_server_prepare(struct tls_server *);

#endif
