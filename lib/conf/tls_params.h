/*
 * tls_params: the TLS settings of httpd.conf and relayd.conf -- cipher
 * strings, ECDHE curve lists and protocol versions, written for libtls --
 * translated into what BearSSL's engine takes.  Shared by the grammars
 * (to reject a bad value with its line number) and by the programs.
 */
#ifndef TLS_PARAMS_H
#define TLS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	TLS_SUITES_MAX = 32,
	/*
	 * Protocol bits, as both grammars store them: httpd.conf's
	 * `tls protocols` and relayd.conf's protocol `tls [no] tlsv1.x`.
	 */
	TLS_PROTO_V1_0 = 1 << 0,
	TLS_PROTO_V1_1 = 1 << 1,
	TLS_PROTO_V1_2 = 1 << 2,
	TLS_PROTO_V1_3 = 1 << 3,
	TLS_PROTO_ALL = TLS_PROTO_V1_0 | TLS_PROTO_V1_1 | TLS_PROTO_V1_2 |
	    TLS_PROTO_V1_3,
	/* libtls's "secure", the default of both grammars */
	TLS_PROTO_DEFAULT = TLS_PROTO_V1_2 | TLS_PROTO_V1_3
};

struct tls_params {
	uint16_t	suites[TLS_SUITES_MAX];	/* in preference order */
	size_t		nsuites;
	unsigned	version_min, version_max;	/* BR_TLS10 .. BR_TLS12 */
	uint32_t	curves;		/* 1 << BR_EC_* for each curve */
	bool		client_order;	/* the client's suite order wins */
};

/*
 * libtls cipher strings: "secure"/"default" and OpenBSD's default
 * "HIGH:!aNULL" give ECDHE with AES-GCM and ChaCha20-Poly1305;
 * "compat", "legacy", "all" and "insecure" add ECDHE with AES-CBC;
 * anything else is a ':'-separated list of OpenSSL suite names, of which
 * those BearSSL lacks are skipped and at least one must remain; there,
 * OpenSSL's words for strong suites ("HIGH", "DEFAULT", "ECDHE",
 * "EECDH+AESGCM"-style joins of them) stand for the AEAD suites, and
 * exclusions ("!aNULL", "-RC4") for nothing: BearSSL has none of those.
 */
bool	tls_params_ciphers(struct tls_params *, const char *text,
	    char *err, size_t errlen);
/* "default", "auto" or a ','-separated list: X25519, P-256, P-384, ... */
bool	tls_params_curves(struct tls_params *, const char *text,
	    char *err, size_t errlen);
/* TLS_PROTO_* bits; TLSv1.3 is dropped, and the rest must be a range. */
bool	tls_params_versions(struct tls_params *, unsigned bits,
	    char *err, size_t errlen);

/* All three at once, with the setting that failed in err. */
bool	tls_params_set(struct tls_params *, const char *ciphers,
	    const char *curves, unsigned protocol_bits, char *err,
	    size_t errlen);
/* The OpenSSL name of a suite, for logs ("ECDHE-RSA-AES128-GCM-SHA256"). */
const char *tls_suite_name(uint16_t suite);

#endif
