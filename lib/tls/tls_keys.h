/*
 * tls_keys: certificates, private keys and trust anchors read from PEM
 * files for BearSSL -- by the privileged parent, before any drop, so
 * that the paths may lie outside every chroot.
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

struct tls_keypair {
	br_x509_certificate	 chain[TLS_CHAIN_MAX];	/* leaf first */
	size_t			 chain_len;
	int			 key_type;	/* BR_KEYTYPE_RSA or _EC */
	br_rsa_private_key	 rsa;
	br_ec_private_key	 ec;
	unsigned char		*key_mem;	/* what rsa/ec point into */
	size_t			 key_mem_len;
};

struct tls_anchors {
	br_x509_trust_anchor	*ta;
	size_t			 n;
	unsigned char		*mem;	/* names and keys, one block */
	size_t			 mem_len, mem_used;
};

/*
 * Read the chain in certfile and the key in keyfile; check that the key
 * is the leaf's and that the leaf is valid at `now`.  On failure, err
 * says why and the keypair holds nothing.
 */
bool	tls_keypair_load(struct tls_keypair *, const char *certfile,
	    const char *keyfile, time_t now, char *err, size_t errlen);
void	tls_keypair_free(struct tls_keypair *);

/* Every certificate of a CA file, as trust anchors. */
bool	tls_anchors_load(struct tls_anchors *, const char *cafile,
	    char *err, size_t errlen);
void	tls_anchors_free(struct tls_anchors *);

#endif
