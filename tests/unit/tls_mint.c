/*
 * Unit tests of TLS inspection's certificates: one minted from b.test's
 * certificate for a.test's key, issued by the test CA, passes BearSSL's
 * X.509 verification against that CA for the name b.test and carries
 * a.test's key; the SNI name stands in when a certificate has no names;
 * certificates that cannot be walked, and too little room, give none.
 */
#include <time.h>

#include "tap.h"
#include "tls/tls_keys.h"
#include "tls/tls_mint.h"
#include "tls_pair.h"

static const char *dir;

static const char *
path(const char *name)
{
	static char p[4][256];
	static int next;

	next = (next + 1) % 4;
	(void)snprintf(p[next], sizeof(p[next]), "%s/%s", dir, name);
	return p[next];
}

/* 0 if BearSSL accepts the chain {cert} under anchors for name. */
static unsigned
verify(const struct tls_anchors *ca, const unsigned char *cert, size_t len,
    const char *name, unsigned char *q, size_t *qlen)
{
	br_x509_minimal_context xm;
	const br_x509_class **vt = &xm.vtable;
	const br_x509_pkey *pk;
	unsigned err;

	br_x509_minimal_init(&xm, &br_sha256_vtable, ca->ta, ca->n);
	br_x509_minimal_set_hash(&xm, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_rsa(&xm, br_rsa_pkcs1_vrfy_get_default());
	br_x509_minimal_set_ecdsa(&xm, br_ec_get_default(),
	    br_ecdsa_vrfy_asn1_get_default());
	(*vt)->start_chain(vt, name);
	(*vt)->start_cert(vt, (uint32_t)len);
	(*vt)->append(vt, cert, len);
	(*vt)->end_cert(vt);
	err = (*vt)->end_chain(vt);
	if (err == 0 && q != NULL && (pk = (*vt)->get_pkey(vt, NULL)) != NULL &&
	    pk->key_type == BR_KEYTYPE_EC && pk->key.ec.qlen <= *qlen) {
		memcpy(q, pk->key.ec.q, pk->key.ec.qlen);
		*qlen = pk->key.ec.qlen;
	}
	return err;
}

static void
mint_tests(void)
{
	struct tls_chain ca_chain, a, b, nosan;
	struct tls_privkey ca_key;
	struct tls_anchors anchors;
	struct tls_local_keys lk;
	br_x509_decoder_context dc;
	const br_x509_pkey *a_pub;
	unsigned char q[256];
	size_t qlen = sizeof(q);
	unsigned char out[TLS_MINT_MAX], bad[64];
	const char *why = NULL;
	char err[256];
	size_t n, half;

	if (!tls_keypair_load(&ca_chain, &ca_key, path("ca.crt"),
	    path("ca.key"), time(NULL), err, sizeof(err)) ||
	    !tls_chain_load(&a, path("a.crt"), time(NULL), err, sizeof(err)) ||
	    !tls_chain_load(&b, path("b.crt"), time(NULL), err, sizeof(err)) ||
	    !tls_chain_load(&nosan, path("ca.crt"), time(NULL), err,
	    sizeof(err)) ||
	    !tls_anchors_load(&anchors, path("ca.crt"), err, sizeof(err))) {
		printf("Bail out! test PKI: %s\n", err);
		exit(1);
	}
	lk.keys = &ca_key;
	lk.n = 1;
	struct tls_mint_ca ca = { ca_chain.certs[0].data,
	    ca_chain.certs[0].data_len, ca_key.key_type,
	    { tls_sign_local, &lk }, 0 };
	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, a.certs[0].data, a.certs[0].data_len);
	a_pub = br_x509_decoder_get_pkey(&dc);
	ok(a_pub != NULL, "a.test's public key decoded");

	n = tls_mint(&ca, b.certs[0].data, b.certs[0].data_len, "b.test",
	    a_pub, out, sizeof(out), &why);
	ok(n > 0, "a certificate minted from b.test's (%s)", n > 0 ? "ok" :
	    why);
	ok(verify(&anchors, out, n, "b.test", q, &qlen) == 0,
	    "BearSSL verifies it against the CA, for the name b.test");
	ok(qlen == a_pub->key.ec.qlen && memcmp(q, a_pub->key.ec.q, qlen) ==
	    0, "it carries the relay's (a.test's) key");
	ok(verify(&anchors, out, n, "other.test", NULL, NULL) != 0,
	    "... and is refused for another name");

	/* The CA's own certificate has no subjectAltName: the SNI name. */
	n = tls_mint(&ca, nosan.certs[0].data, nosan.certs[0].data_len,
	    "sni.test", a_pub, out, sizeof(out), &why);
	ok(n > 0 && verify(&anchors, out, n, "sni.test", NULL, NULL) == 0,
	    "no names in the host's certificate: the SNI name is used");

	half = b.certs[0].data_len / 2;
	n = tls_mint(&ca, b.certs[0].data, half, "b.test", a_pub, out,
	    sizeof(out), &why);
	ok(n == 0, "a truncated certificate: none (%s)", why);
	memset(bad, 0, sizeof(bad));
	bad[0] = 0x30;
	bad[1] = 0x84;
	bad[2] = 0x7f;
	ok(tls_mint(&ca, bad, sizeof(bad), "b.test", a_pub, out, sizeof(out),
	    &why) == 0, "a length past the end: none");
	bad[1] = 0x80;
	ok(tls_mint(&ca, bad, sizeof(bad), "b.test", a_pub, out, sizeof(out),
	    &why) == 0, "an indefinite length: none");
	n = tls_mint(&ca, b.certs[0].data, b.certs[0].data_len, "b.test",
	    a_pub, out, 100, &why);
	ok(n == 0, "too little room: none (%s)", why);

	tls_anchors_free(&anchors);
	tls_chain_free(&ca_chain);
	tls_chain_free(&a);
	tls_chain_free(&b);
	tls_chain_free(&nosan);
	tls_privkey_free(&ca_key);
}

int
main(void)
{
	if ((dir = pair_certs()) == NULL) {
		printf("Bail out! openssl could not make the test certificates\n");
		return 1;
	}
	mint_tests();
	pair_rmcerts(dir);
	return done_testing();
}
