/*
 * libFuzzer driver for TLS inspection's reading of a host's certificate:
 * the input is that certificate (and, split at its middle byte, a CA's);
 * tls_mint must not crash, and what it writes must fit its buffer and
 * start as a DER SEQUENCE.  The signature is a fixed one: the signer is
 * not what is tested here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls_mint.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t
fixed_sign(void *arg, size_t host, int key_type, unsigned hash_id,
    const unsigned char *hv, size_t hv_len, unsigned char *sig,
    size_t sig_max)
{
	(void)arg;
	(void)host;
	(void)key_type;
	(void)hash_id;
	(void)hv;
	(void)hv_len;
	if (sig_max < 8)
		return 0;
	memset(sig, 0x5a, 8);
	return 8;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char q[65] = { 4 };
	static unsigned char out[TLS_MINT_MAX];
	br_x509_pkey pub;
	struct tls_mint_ca ca;
	const char *why;
	size_t n, half = size / 2;

	memset(&pub, 0, sizeof(pub));
	pub.key_type = BR_KEYTYPE_EC;
	pub.key.ec.curve = BR_EC_secp256r1;
	pub.key.ec.q = (unsigned char *)(uintptr_t)q;
	pub.key.ec.qlen = sizeof(q);
	ca.cert = data + half;
	ca.cert_len = size - half;
	ca.key_type = BR_KEYTYPE_EC;
	ca.signer.sign = fixed_sign;
	ca.signer.arg = NULL;
	ca.key_host = 0;
	n = tls_mint(&ca, data, size, "fuzz.test", &pub, out, sizeof(out),
	    &why);
	if (n > sizeof(out) || (n > 0 && out[0] != 0x30))
		abort();
	n = tls_mint(&ca, data, half, NULL, &pub, out, sizeof(out), &why);
	if (n > sizeof(out) || (n > 0 && out[0] != 0x30))
		abort();
	return 0;
}
