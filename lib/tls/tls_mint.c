/*
 * tls_mint: read the parts of a certificate TLS inspection copies, and
 * write a new one around them (tls_mint.h).  DER only (X.690): definite
 * lengths of at most four bytes, every read checked against what is
 * left, every write against the room there is.
 */
#include <sys/random.h>

#include <string.h>

#include "tls/tls_mint.h"

enum {
	DER_INTEGER = 0x02, DER_BIT_STRING = 0x03, DER_OCTET_STRING = 0x04,
	DER_NULL = 0x05, DER_OID = 0x06, DER_SEQUENCE = 0x30,
	DER_VERSION = 0xa0, DER_EXTENSIONS = 0xa3, DER_DNS_NAME = 0x82,
	PART_MAX = 4096		/* one part being written: a key, a name */
};

/* A slice of DER being read. */
struct der {
	const unsigned char	*p;
	size_t			 len;
};

/* DER being written; overflow sticks. */
struct dbuf {
	unsigned char	*p;
	size_t		 len, cap;
	int		 overflow;
};

static const unsigned char oid_san[] = { 0x55, 0x1d, 0x11 };
static const unsigned char alg_ecdsa_sha256[] = { 0x30, 0x0a, 0x06, 0x08,
	0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const unsigned char alg_rsa_sha256[] = { 0x30, 0x0d, 0x06, 0x09,
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00 };
static const unsigned char oid_ec_public_key[] = { 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x02, 0x01 };
static const unsigned char oid_rsa_encryption[] = { 0x2a, 0x86, 0x48, 0x86,
	0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const unsigned char oid_p256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d,
	0x03, 0x01, 0x07 };
static const unsigned char oid_p384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const unsigned char oid_p521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };

/*
 * The next TLV of *in: its tag, its content and the whole of it;
 * *in moves past it.  False if it is not one.
 */
static bool
der_next(struct der *in, unsigned *tag, struct der *content,
    struct der *whole)
{
	size_t hdr = 2, len, i, n;

	if (in->len < 2)
		return false;
	*tag = in->p[0];
	len = in->p[1];
	if (len & 0x80) {
		n = len & 0x7f;
		if (n == 0 || n > 4 || in->len < 2 + n)
			return false;
		for (len = 0, i = 0; i < n; i++)
			len = len << 8 | in->p[2 + i];
		hdr += n;
	}
	if (len > in->len - hdr)
		return false;
	content->p = in->p + hdr;
	content->len = len;
	whole->p = in->p;
	whole->len = hdr + len;
	in->p += hdr + len;
	in->len -= hdr + len;
	return true;
}

/* The next TLV, which must have this tag. */
static bool
der_expect(struct der *in, unsigned want, struct der *content,
    struct der *whole)
{
	unsigned tag;

	return der_next(in, &tag, content, whole) && tag == want;
}

static void
put(struct dbuf *b, const void *p, size_t n)
{
	if (b->overflow || n > b->cap - b->len) {
		b->overflow = 1;
		return;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
put_header(struct dbuf *b, unsigned tag, size_t len)
{
	unsigned char h[6];
	size_t n = 0;

	h[n++] = (unsigned char)tag;
	if (len < 0x80)
		h[n++] = (unsigned char)len;
	else if (len < 0x100) {
		h[n++] = 0x81;
		h[n++] = (unsigned char)len;
	} else if (len < 0x10000) {
		h[n++] = 0x82;
		h[n++] = (unsigned char)(len >> 8);
		h[n++] = (unsigned char)len;
	} else {
		h[n++] = 0x83;
		h[n++] = (unsigned char)(len >> 16);
		h[n++] = (unsigned char)(len >> 8);
		h[n++] = (unsigned char)len;
	}
	put(b, h, n);
}

static void
put_tlv(struct dbuf *b, unsigned tag, const void *p, size_t n)
{
	put_header(b, tag, n);
	put(b, p, n);
}

/* An unsigned big-endian number as a DER INTEGER. */
static void
put_uint(struct dbuf *b, const unsigned char *p, size_t n)
{
	static const unsigned char zero = 0;

	while (n > 1 && p[0] == 0) {
		p++;
		n--;
	}
	if (n > 0 && (p[0] & 0x80)) {
		put_header(b, DER_INTEGER, n + 1);
		put(b, &zero, 1);
		put(b, p, n);
	} else
		put_tlv(b, DER_INTEGER, p, n);
}

/* A BIT STRING of whole bytes. */
static void
put_bits(struct dbuf *b, const unsigned char *p, size_t n)
{
	static const unsigned char unused = 0;

	put_header(b, DER_BIT_STRING, n + 1);
	put(b, &unused, 1);
	put(b, p, n);
}

/* What the host's certificate gives: each a whole TLV. */
struct orig_parts {
	struct der	validity, subject, san;
};

static bool
read_extensions(struct der ext, struct orig_parts *o)
{
	struct der list, e, whole, item, oid, w;
	unsigned tag;

	if (!der_expect(&ext, DER_SEQUENCE, &list, &w))
		return false;
	while (list.len > 0) {
		if (!der_expect(&list, DER_SEQUENCE, &item, &whole))
			return false;
		e = item;
		if (!der_next(&e, &tag, &oid, &w) || tag != DER_OID)
			return false;
		if (oid.len == sizeof(oid_san) &&
		    memcmp(oid.p, oid_san, sizeof(oid_san)) == 0)
			o->san = whole;
	}
	return true;
}

/* The parts of a certificate that are copied, or false. */
static bool
read_orig(const unsigned char *cert, size_t len, struct orig_parts *o)
{
	struct der in = { cert, len }, c, tbs, part, whole;
	unsigned tag;
	int i;

	memset(o, 0, sizeof(*o));
	if (!der_expect(&in, DER_SEQUENCE, &c, &whole) ||
	    !der_expect(&c, DER_SEQUENCE, &tbs, &whole))
		return false;
	if (tbs.len > 0 && tbs.p[0] == DER_VERSION &&
	    !der_next(&tbs, &tag, &part, &whole))
		return false;
	/* serial, signature algorithm, issuer: passed over */
	for (i = 0; i < 3; i++)
		if (!der_next(&tbs, &tag, &part, &whole))
			return false;
	if (!der_expect(&tbs, DER_SEQUENCE, &part, &o->validity) ||
	    !der_expect(&tbs, DER_SEQUENCE, &part, &o->subject) ||
	    !der_expect(&tbs, DER_SEQUENCE, &part, &whole))
		return false;
	while (tbs.len > 0) {
		if (!der_next(&tbs, &tag, &part, &whole))
			return false;
		if (tag == DER_EXTENSIONS && !read_extensions(part, o))
			return false;
	}
	return true;
}

/* The CA's subject: the new certificate's issuer. */
static bool
read_subject(const unsigned char *cert, size_t len, struct der *subject)
{
	struct der in = { cert, len }, c, tbs, part, whole;
	unsigned tag;
	int i;

	if (!der_expect(&in, DER_SEQUENCE, &c, &whole) ||
	    !der_expect(&c, DER_SEQUENCE, &tbs, &whole))
		return false;
	if (tbs.len > 0 && tbs.p[0] == DER_VERSION &&
	    !der_next(&tbs, &tag, &part, &whole))
		return false;
	for (i = 0; i < 4; i++)		/* serial, alg, issuer, validity */
		if (!der_next(&tbs, &tag, &part, &whole))
			return false;
	return der_expect(&tbs, DER_SEQUENCE, &part, subject);
}

static const unsigned char *
curve_oid(int curve, size_t *len)
{
	switch (curve) {
	case BR_EC_secp256r1:
		*len = sizeof(oid_p256);
		return oid_p256;
	case BR_EC_secp384r1:
		*len = sizeof(oid_p384);
		return oid_p384;
	case BR_EC_secp521r1:
		*len = sizeof(oid_p521);
		return oid_p521;
	default:
		return NULL;
	}
}

/* SubjectPublicKeyInfo of pub. */
static bool
put_spki(struct dbuf *out, const br_x509_pkey *pub)
{
	unsigned char a[PART_MAX], k[PART_MAX], n[PART_MAX], q[PART_MAX];
	struct dbuf alg = { a, 0, sizeof(a), 0 }, body = { k, 0, sizeof(k), 0 };
	struct dbuf nums = { n, 0, sizeof(n), 0 }, seq = { q, 0, sizeof(q), 0 };
	const unsigned char *coid;
	size_t clen;

	if (pub->key_type == BR_KEYTYPE_EC) {
		if ((coid = curve_oid(pub->key.ec.curve, &clen)) == NULL)
			return false;
		put_tlv(&alg, DER_OID, oid_ec_public_key,
		    sizeof(oid_ec_public_key));
		put_tlv(&alg, DER_OID, coid, clen);
		put_tlv(&body, DER_SEQUENCE, a, alg.len);
		put_bits(&body, pub->key.ec.q, pub->key.ec.qlen);
	} else {
		put_tlv(&alg, DER_OID, oid_rsa_encryption,
		    sizeof(oid_rsa_encryption));
		put_tlv(&alg, DER_NULL, NULL, 0);
		put_tlv(&body, DER_SEQUENCE, a, alg.len);
		put_uint(&nums, pub->key.rsa.n, pub->key.rsa.nlen);
		put_uint(&nums, pub->key.rsa.e, pub->key.rsa.elen);
		put_tlv(&seq, DER_SEQUENCE, n, nums.len);
		put_bits(&body, q, seq.len);
	}
	if (alg.overflow || body.overflow || nums.overflow || seq.overflow)
		return false;
	put_tlv(out, DER_SEQUENCE, k, body.len);
	return !out->overflow;
}

/* subjectAltName: the host's, or one with the SNI name. */
static bool
put_extensions(struct dbuf *out, const struct orig_parts *o, const char *sni)
{
	unsigned char l[PART_MAX], g[PART_MAX], n[PART_MAX], e[PART_MAX];
	struct dbuf list = { l, 0, sizeof(l), 0 }, names = { n, 0, sizeof(n), 0 };
	struct dbuf gn = { g, 0, sizeof(g), 0 }, ext = { e, 0, sizeof(e), 0 };

	if (o->san.p != NULL)
		put(&list, o->san.p, o->san.len);
	else if (sni != NULL && *sni != '\0') {
		put_tlv(&gn, DER_DNS_NAME, sni, strlen(sni));
		put_tlv(&names, DER_SEQUENCE, g, gn.len);	/* GeneralNames */
		put_tlv(&ext, DER_OID, oid_san, sizeof(oid_san));
		put_tlv(&ext, DER_OCTET_STRING, n, names.len);
		put_tlv(&list, DER_SEQUENCE, e, ext.len);
	} else
		return true;
	if (list.overflow || names.overflow || gn.overflow || ext.overflow)
		return false;
	ext.len = 0;
	put_tlv(&ext, DER_SEQUENCE, l, list.len);
	put_tlv(out, DER_EXTENSIONS, e, ext.len);
	return !out->overflow && !ext.overflow;
}

static bool
put_tbs(struct dbuf *out, const struct tls_mint_ca *ca,
    const struct orig_parts *o, const struct der *issuer, const char *sni,
    const br_x509_pkey *pub)
{
	static const unsigned char v3[] = { 0x02, 0x01, 0x02 };
	unsigned char serial[16];

	if (getrandom(serial, sizeof(serial), 0) != (ssize_t)sizeof(serial))
		return false;
	serial[0] &= 0x7f;
	serial[0] |= 0x01;	/* positive, and 16 bytes long */
	put_tlv(out, DER_VERSION, v3, sizeof(v3));
	put_uint(out, serial, sizeof(serial));
	if (ca->key_type == BR_KEYTYPE_EC)
		put(out, alg_ecdsa_sha256, sizeof(alg_ecdsa_sha256));
	else
		put(out, alg_rsa_sha256, sizeof(alg_rsa_sha256));
	put(out, issuer->p, issuer->len);
	put(out, o->validity.p, o->validity.len);
	put(out, o->subject.p, o->subject.len);
	return put_spki(out, pub) && put_extensions(out, o, sni);
}

size_t
tls_mint(const struct tls_mint_ca *ca, const unsigned char *orig,
    size_t orig_len, const char *sni, const br_x509_pkey *pub,
    unsigned char *out, size_t out_max, const char **why)
{
	unsigned char t[TLS_MINT_MAX], hash[br_sha256_SIZE], sig[TLS_SIG_MAX];
	struct dbuf tbs = { t, 0, sizeof(t), 0 }, cert = { out, 0, out_max, 0 };
	struct orig_parts o;
	struct der issuer;
	br_sha256_context h;
	unsigned char body[TLS_MINT_MAX + 8];
	struct dbuf whole = { body, 0, sizeof(body), 0 };
	size_t siglen;

	if (!read_orig(orig, orig_len, &o)) {
		*why = "the host's certificate cannot be read";
		return 0;
	}
	if (!read_subject(ca->cert, ca->cert_len, &issuer)) {
		*why = "the CA certificate cannot be read";
		return 0;
	}
	if (!put_tbs(&tbs, ca, &o, &issuer, sni, pub) || tbs.overflow) {
		*why = "the certificate does not fit";
		return 0;
	}
	put_tlv(&whole, DER_SEQUENCE, t, tbs.len);
	br_sha256_init(&h);
	br_sha256_update(&h, body, whole.len);
	br_sha256_out(&h, hash);
	siglen = ca->signer.sign(ca->signer.arg, ca->key_host, ca->key_type,
	    br_sha256_ID, hash, sizeof(hash), sig, sizeof(sig));
	if (siglen == 0) {
		*why = "the CA key did not sign";
		return 0;
	}
	if (ca->key_type == BR_KEYTYPE_EC)
		put(&whole, alg_ecdsa_sha256, sizeof(alg_ecdsa_sha256));
	else
		put(&whole, alg_rsa_sha256, sizeof(alg_rsa_sha256));
	put_bits(&whole, sig, siglen);
	put_tlv(&cert, DER_SEQUENCE, body, whole.len);
	if (whole.overflow || cert.overflow) {
		*why = "the certificate does not fit";
		return 0;
	}
	return cert.len;
}
