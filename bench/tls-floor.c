/*
 * tls-floor CERT KEY: what BearSSL itself needs for one full TLS 1.2
 * handshake on the server side, on this CPU: a BearSSL client and server
 * handshake in memory, no sockets, no event loop, and only the server
 * engine's calls are timed (thread CPU time).  Prints milliseconds per
 * handshake; bench/tls-vs-nginx compares httpd's worker CPU per
 * handshake with it.  Uses the same suite and curve as the benchmark's
 * clients (ECDHE with AES-128-GCM, X25519).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bearssl.h>

#include "tls/tls_keys.h"

enum { ROUNDS = 300 };

static double server_cpu;

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Move one engine's outgoing records into the other; bytes moved. */
static size_t
move(br_ssl_engine_context *from, br_ssl_engine_context *to, bool to_server)
{
	unsigned char *out, *in;
	size_t olen, ilen, n;
	double t0;

	if (!(br_ssl_engine_current_state(from) & BR_SSL_SENDREC) ||
	    !(br_ssl_engine_current_state(to) & BR_SSL_RECVREC))
		return 0;
	out = br_ssl_engine_sendrec_buf(from, &olen);
	in = br_ssl_engine_recvrec_buf(to, &ilen);
	n = olen < ilen ? olen : ilen;
	memcpy(in, out, n);
	if (to_server) {
		br_ssl_engine_sendrec_ack(from, n);
		t0 = cpu_now();
		br_ssl_engine_recvrec_ack(to, n);
	} else {
		t0 = cpu_now();
		br_ssl_engine_sendrec_ack(from, n);
	}
	server_cpu += cpu_now() - t0;
	if (!to_server)
		br_ssl_engine_recvrec_ack(to, n);
	return n;
}

int
main(int argc, char **argv)
{
	static br_ssl_server_context sc;
	static br_ssl_client_context cc;
	static br_x509_knownkey_context kk;
	static br_x509_minimal_context xm;
	static unsigned char sbuf[BR_SSL_BUFSIZE_BIDI], cbuf[BR_SSL_BUFSIZE_BIDI];
	static const uint16_t suites[] = {
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
	};
	struct tls_chain ch;
	struct tls_privkey kp;
	br_x509_decoder_context dc;
	char err[512];
	double t0;
	int i, done;

	if (argc != 3 || !tls_keypair_load(&ch, &kp, argv[1], argv[2], time(NULL),
	    err, sizeof(err))) {
		fprintf(stderr, "usage: tls-floor cert key (%s)\n",
		    argc == 3 ? err : "");
		return 1;
	}
	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, ch.certs[0].data, ch.certs[0].data_len);
	if (kp.key_type == BR_KEYTYPE_EC)
		br_x509_knownkey_init_ec(&kk,
		    &br_x509_decoder_get_pkey(&dc)->key.ec,
		    BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN);
	else
		br_x509_knownkey_init_rsa(&kk,
		    &br_x509_decoder_get_pkey(&dc)->key.rsa,
		    BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN);
	for (i = 0; i < ROUNDS; i++) {
		t0 = cpu_now();
		if (kp.key_type == BR_KEYTYPE_EC)
			br_ssl_server_init_full_ec(&sc, ch.certs, ch.len,
			    BR_KEYTYPE_EC, &kp.ec);
		else
			br_ssl_server_init_full_rsa(&sc, ch.certs, ch.len,
			    &kp.rsa);
		br_ssl_engine_set_versions(&sc.eng, BR_TLS12, BR_TLS12);
		br_ssl_engine_set_suites(&sc.eng, suites, 2);
		br_ssl_engine_set_buffer(&sc.eng, sbuf, sizeof(sbuf), 1);
		br_ssl_server_reset(&sc);
		server_cpu += cpu_now() - t0;
		br_ssl_client_init_full(&cc, &xm, NULL, 0);
		br_ssl_engine_set_x509(&cc.eng, &kk.vtable);
		br_ssl_engine_set_buffer(&cc.eng, cbuf, sizeof(cbuf), 1);
		br_ssl_client_reset(&cc, NULL, 0);
		for (done = 0; done < 1000; done++) {
			if ((br_ssl_engine_current_state(&sc.eng) &
			    BR_SSL_SENDAPP) && (br_ssl_engine_current_state(
			    &cc.eng) & BR_SSL_SENDAPP))
				break;
			if (move(&cc.eng, &sc.eng, true) == 0 &&
			    move(&sc.eng, &cc.eng, false) == 0)
				break;
		}
		if (!(br_ssl_engine_current_state(&sc.eng) & BR_SSL_SENDAPP)) {
			fprintf(stderr, "handshake failed: server %d, "
			    "client %d\n", br_ssl_engine_last_error(&sc.eng),
			    br_ssl_engine_last_error(&cc.eng));
			return 1;
		}
	}
	printf("%.3f\n", server_cpu * 1000 / ROUNDS);
	return 0;
}
