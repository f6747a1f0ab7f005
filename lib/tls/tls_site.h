/*
 * tls_site: what one TLS listening socket serves with, built from a
 * configuration's words by the privileged parent before its workers fork
 * -- the suites, curves and versions, each virtual host's chain (and key,
 * where the workers sign themselves), and each host's client authorities.
 * httpd builds one per `listen on ... tls` socket; relay will build one
 * per TLS relay, with its keys in the key process.
 *
 * The caller then sets what only it knows: the session cache, how an SNI
 * name selects a host, and, without keys, the remote signer.
 */
#ifndef TLS_SITE_H
#define TLS_SITE_H

#include <stdbool.h>
#include <stddef.h>

#include "tls/tls_keys.h"
#include "tls/tls_server.h"
#include "tls/tls_signer.h"

enum { TLS_SITE_HOSTS_MAX = 32 };	/* virtual hosts on one socket */

/* One virtual host, as the configuration names it. */
struct tls_site_host {
	const char	*name;		/* for messages */
	const char	*cert, *key;	/* PEM files */
	const char	*client_ca;	/* NULL: no client certificates */
	bool		 client_optional;
};

/* The socket's settings, shared by its hosts. */
struct tls_site_params {
	const char	*ciphers, *ecdhe;	/* libtls words */
	unsigned	 protocols;		/* TLS_PROTO_* bits */
	long long	 lifetime;		/* of a cached session, s */
	bool		 client_order;		/* no cipher-server-preference */
};

struct tls_site {
	struct tls_server	 srv;
	size_t			 n;
	struct tls_chain	 chains[TLS_SITE_HOSTS_MAX];
	struct tls_privkey	 keys[TLS_SITE_HOSTS_MAX];	/* with_keys */
	struct tls_local_keys	 local;
	struct tls_anchors	 client_ca[TLS_SITE_HOSTS_MAX];
	struct tls_client_auth	 client_auth[TLS_SITE_HOSTS_MAX];
};

/*
 * Load n hosts (at most TLS_SITE_HOSTS_MAX) into site, which must be
 * zeroed.  With with_keys, each host's key is loaded too, checked against
 * its chain, and the site signs in process (tls_sign_local); without,
 * only chains are read and the caller sets srv.signer.  On failure err
 * says which host and what (the site is left for tls_site_free).
 */
bool	tls_site_load(struct tls_site *, const struct tls_site_params *,
	    const struct tls_site_host *hosts, size_t n, bool with_keys,
	    char *err, size_t errlen);

/* Everything loaded, keys wiped. */
void	tls_site_free(struct tls_site *);

#endif
