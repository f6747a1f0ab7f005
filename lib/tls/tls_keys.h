/*
 * tls_keys: certificates, private keys and trust anchors read from PEM
 * files for BearSSL -- by the privileged parent, before any drop, so
 * that the paths may lie outside every chroot.
 *
 * A certificate chain (public: what a worker sends in its Certificate
 * message) and a private key (what signs) are separate types, loaded,
 * held and freed apart: httpd's workers hold both, as OpenBSD's do, but
 * a relay worker holds only chains while a key process of its own holds
 * the keys and signs for it (tls_signer.h).
 *
 * Everything decoded is copied into memory the structure owns (BearSSL's
 * decoders hand out pointers into their own contexts); the free
 * functions wipe key material before releasing it.  Errors name the file
 * and say what is wrong with it, for a start-up message.
 */
#ifndef TLS_KEYS_H
#define TLS_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <bearssl.h>

enum {
	TLS_PEM_FILE_MAX = 1 << 20,	/* a chain or CA bundle, generously */
	TLS_CHAIN_MAX = 10,
	TLS_ANCHORS_MAX = 512
};

/* Public: no secret in it. */
struct tls_chain {
	br_x509_certificate	 certs[TLS_CHAIN_MAX];	/* leaf first */
	size_t			 len;
	int			 key_type;	/* the leaf's: BR_KEYTYPE_* */
};

/* Secret: wiped when freed. */
struct tls_privkey {
	int			 key_type;	/* BR_KEYTYPE_RSA or _EC */
	br_rsa_private_key	 rsa;
	br_ec_private_key	 ec;
	unsigned char		*mem;		/* what rsa/ec point into */
	size_t			 mem_len;
};

struct tls_anchors {
	br_x509_trust_anchor	*ta;
	size_t			 n;
	unsigned char		*mem;	/* names and keys, one block */
	size_t			 mem_len, mem_used;
};

/*
 * The chain in certfile, leaf first; the leaf must decode and be valid
 * at `now`.  On failure, err says why and the chain holds nothing.
 */
bool	tls_chain_load(struct tls_chain *, const char *certfile, time_t now,
	    char *err, size_t errlen);
void	tls_chain_free(struct tls_chain *);

/* The first private key in keyfile (RSA or EC, not encrypted). */
bool	tls_privkey_load(struct tls_privkey *, const char *keyfile,
	    char *err, size_t errlen);
void	tls_privkey_free(struct tls_privkey *);
/* The key is the one the chain's leaf certifies. */
bool	tls_privkey_matches(const struct tls_privkey *,
	    const struct tls_chain *);

/*
 * Both, and the check that the key is the leaf's: a server's
 * `certificate` and `key`.  On failure both hold nothing.
 */
bool	tls_keypair_load(struct tls_chain *, struct tls_privkey *,
	    const char *certfile, const char *keyfile, time_t now, char *err,
	    size_t errlen);

/* Every certificate of a CA file, as trust anchors. */
bool	tls_anchors_load(struct tls_anchors *, const char *cafile,
	    char *err, size_t errlen);
void	tls_anchors_free(struct tls_anchors *);

#endif
