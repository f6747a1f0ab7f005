/*
 * tls-floor: the CPU a TLS 1.2 server must spend in BearSSL's public-key
 * code for one full ECDHE-ECDSA handshake with X25519 -- an X25519 key
 * pair, the shared secret, and a P-256 ECDSA signature -- measured on
 * this CPU.  Prints milliseconds per handshake; bench/tls-vs-nginx
 * compares httpd's CPU per handshake with it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bearssl.h>

enum { ROUNDS = 400 };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	const br_ec_impl *ec = br_ec_get_default();
	br_ecdsa_sign sign = br_ecdsa_sign_asn1_get_default();
	br_hmac_drbg_context rng;
	br_ec_private_key sk;
	unsigned char kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], x[32], pub[32], peer[32];
	unsigned char hash[32], sig[80];
	double t0, t1;
	size_t glen;
	int i;

	br_hmac_drbg_init(&rng, &br_sha256_vtable, "tls-floor", 9);
	if (br_ec_keygen(&rng.vtable, ec, &sk, kbuf, BR_EC_secp256r1) == 0)
		return 1;
	memset(hash, 7, sizeof(hash));
	memset(peer, 9, sizeof(peer));
	t0 = now();
	for (i = 0; i < ROUNDS; i++) {
		br_hmac_drbg_generate(&rng, x, sizeof(x));
		(void)ec->mulgen(pub, x, sizeof(x), BR_EC_curve25519);
		glen = sizeof(peer);
		(void)ec->mul(peer, glen, x, sizeof(x), BR_EC_curve25519);
		(void)sign(ec, &br_sha256_vtable, hash, &sk, sig);
	}
	t1 = now();
	printf("%.3f\n", (t1 - t0) * 1000 / ROUNDS);
	return 0;
}
