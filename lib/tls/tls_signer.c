#include <string.h>

#include "tls/tls_signer.h"

static const br_hash_class *
hash_class(unsigned id)
{
	switch (id) {
	case br_sha1_ID:
		return &br_sha1_vtable;
	case br_sha224_ID:
		return &br_sha224_vtable;
	case br_sha256_ID:
		return &br_sha256_vtable;
	case br_sha384_ID:
		return &br_sha384_vtable;
	case br_sha512_ID:
		return &br_sha512_vtable;
	default:
		return NULL;
	}
}

static const unsigned char *
rsa_oid(unsigned id)
{
	switch (id) {
	case br_sha1_ID:
		return BR_HASH_OID_SHA1;
	case br_sha224_ID:
		return BR_HASH_OID_SHA224;
	case br_sha256_ID:
		return BR_HASH_OID_SHA256;
	case br_sha384_ID:
		return BR_HASH_OID_SHA384;
	case br_sha512_ID:
		return BR_HASH_OID_SHA512;
	default:
		return NULL;	/* MD5+SHA-1, TLS 1.0 and 1.1 */
	}
}

/* The length of a value of hash id; 0 for no hash BearSSL signs. */
static size_t
hash_len(unsigned id, int key_type)
{
	const br_hash_class *hc = hash_class(id);

	if (hc == NULL)		/* MD5+SHA-1 is signed with RSA only */
		return id == 0 && key_type == BR_KEYTYPE_RSA ?
		    br_md5sha1_SIZE : 0;
	return (size_t)(hc->desc >> BR_HASHDESC_OUT_OFF) &
	    BR_HASHDESC_OUT_MASK;
}

enum tls_sign_status
tls_privkey_sign(const struct tls_privkey *kp, int key_type,
    unsigned hash_id, const unsigned char *hv, size_t hv_len,
    unsigned char sig[TLS_SIG_MAX], size_t *len)
{
	if (key_type != kp->key_type || hash_len(hash_id, key_type) == 0)
		return TLS_SIGN_BAD_ALGORITHM;
	if (hv_len != hash_len(hash_id, key_type))
		return TLS_SIGN_BAD_REQUEST;
	if (key_type == BR_KEYTYPE_EC) {
		*len = br_ecdsa_sign_asn1_get_default()(br_ec_get_default(),
		    hash_class(hash_id), hv, &kp->ec, sig);
		return *len != 0 ? TLS_SIGN_OK : TLS_SIGN_FAILED;
	}
	*len = (kp->rsa.n_bitlen + 7) / 8;
	if (*len > TLS_SIG_MAX || !br_rsa_pkcs1_sign_get_default()(
	    rsa_oid(hash_id), hv, hv_len, &kp->rsa, sig))
		return TLS_SIGN_FAILED;
	return TLS_SIGN_OK;
}

size_t
tls_sign_local(void *arg, size_t host, int key_type, unsigned hash_id,
    const unsigned char *hv, size_t hv_len, unsigned char *sig,
    size_t sig_max)
{
	const struct tls_local_keys *lk = arg;
	unsigned char out[TLS_SIG_MAX];
	size_t n;

	if (host >= lk->n || tls_privkey_sign(&lk->keys[host], key_type,
	    hash_id, hv, hv_len, out, &n) != TLS_SIGN_OK || n > sig_max)
		return 0;
	memcpy(sig, out, n);
	return n;
}

const char *
tls_sign_status_text(enum tls_sign_status s)
{
	static const char *const text[] = {
		[TLS_SIGN_OK] = "signed",
		[TLS_SIGN_BAD_REQUEST] = "malformed request",
		[TLS_SIGN_BAD_HOST] = "no key at that index",
		[TLS_SIGN_BAD_ALGORITHM] = "algorithm not the key's",
		[TLS_SIGN_FAILED] = "signing failed",
		[TLS_SIGN_UNAVAILABLE] = "key process unavailable"
	};

	if ((size_t)s >= sizeof(text) / sizeof(text[0]))
		return "unknown";
	return text[s];
}
