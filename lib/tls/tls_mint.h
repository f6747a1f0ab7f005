/*
 * tls_mint: the certificates of TLS inspection, as relayd makes them.
 *
 * The relay connects to the host first and takes its certificate; the
 * client then gets a certificate with the host's subject, validity and
 * names (subjectAltName, or the SNI name when the host's has none), but
 * the relay's public key, issued and signed by the inspection CA (`tls
 * ca cert`, `tls ca key`).  A client that trusts that CA accepts it; one
 * that does not, refuses it.
 *
 * BearSSL decodes certificates but writes none: the DER here is this
 * module's, and so is the reading of the host's certificate, which is
 * bounded and refuses what it cannot walk (a malformed certificate gives
 * no certificate, never a guess).  The signature is the signer's (the key
 * process holds the CA key): SHA-256 with ECDSA or RSA PKCS#1 v1.5, as
 * the CA key is.
 */
#ifndef TLS_MINT_H
#define TLS_MINT_H

#include <stddef.h>

#include <bearssl.h>

#include "tls/tls_signer.h"

enum { TLS_MINT_MAX = 8192 };	/* a minted certificate, at most */

struct tls_mint_ca {
	const unsigned char	*cert;		/* the CA's certificate, DER */
	size_t			 cert_len;
	int			 key_type;	/* the CA key's: BR_KEYTYPE_* */
	struct tls_signer	 signer;	/* signs with the CA key */
	size_t			 key_host;	/* its index for the signer */
};

/*
 * A certificate like orig (DER) for pub, issued by ca, into out (at most
 * out_max bytes).  Returns its length, or 0 with *why set.
 */
size_t	tls_mint(const struct tls_mint_ca *ca, const unsigned char *orig,
	    size_t orig_len, const char *sni, const br_x509_pkey *pub,
	    unsigned char *out, size_t out_max, const char **why);

#endif
