/*
 * tls_signer: what signs a server's ServerKeyExchange, apart from the
 * engine.  tls_server asks its signer, given the virtual host's index,
 * the key type, the hash and the hash value; the signer may hold the
 * keys itself (tls_sign_local, httpd's workers) or ask a key process
 * that does (tls_keyproc.h, relay's workers, which never hold a key).
 *
 * The answer is what BearSSL's server policy must return: an ECDSA
 * signature in ASN.1 (DER) form, or an RSA PKCS#1 v1.5 signature --
 * with the hash's OID, or without one for the MD5+SHA-1 of TLS 1.0 and
 * 1.1 (hash id 0).
 */
#ifndef TLS_SIGNER_H
#define TLS_SIGNER_H

#include <stddef.h>

#include "tls/tls_keys.h"

enum {
	TLS_HASH_MAX = 64,	/* SHA-512's value */
	TLS_SIG_MAX = 512	/* RSA-4096; ECDSA P-521 needs 139 */
};

/* Why a signature was refused: one name each, one text (below). */
enum tls_sign_status {
	TLS_SIGN_OK,
	TLS_SIGN_BAD_REQUEST,	/* not a request: sizes */
	TLS_SIGN_BAD_HOST,	/* no key at that index */
	TLS_SIGN_BAD_ALGORITHM,	/* not the key's type, or a bad hash */
	TLS_SIGN_FAILED,	/* BearSSL could not sign */
	TLS_SIGN_UNAVAILABLE	/* the key process did not answer */
};

/*
 * Sign hv (hv_len bytes, the hash hash_id names: br_sha*_ID, or 0 for
 * MD5+SHA-1) with host's key, which must be of key_type
 * (BR_KEYTYPE_RSA or _EC).  The signature goes to sig, at most sig_max
 * bytes; returns its length, 0 if there is none.  hv and sig do not
 * overlap.
 */
typedef size_t (*tls_sign_fn)(void *arg, size_t host, int key_type,
    unsigned hash_id, const unsigned char *hv, size_t hv_len,
    unsigned char *sig, size_t sig_max);

struct tls_signer {
	tls_sign_fn	 sign;
	void		*arg;
};

/*
 * One key's signature, with the checks a key process makes of a
 * request: the key's type, a hash id BearSSL signs with and a value of
 * that hash's length.  *len is the signature's length on TLS_SIGN_OK.
 */
enum tls_sign_status tls_privkey_sign(const struct tls_privkey *,
	    int key_type, unsigned hash_id, const unsigned char *hv,
	    size_t hv_len, unsigned char sig[TLS_SIG_MAX], size_t *len);

/* The keys in this process, one per virtual host: arg of tls_sign_local. */
struct tls_local_keys {
	const struct tls_privkey *keys;
	size_t			 n;
};
size_t	tls_sign_local(void *arg, size_t host, int key_type,
	    unsigned hash_id, const unsigned char *hv, size_t hv_len,
	    unsigned char *sig, size_t sig_max);

const char *tls_sign_status_text(enum tls_sign_status);

#endif
