/*
 * Unit tests of the TLS client against tls_server, both in this process
 * on a socketpair: verification against a CA and the server's name,
 * SNI, session resumption through the caller's slot, and the versions,
 * suites and curves of struct tls_params.
 */
#include <signal.h>
#include <time.h>

#include "tap.h"
#include "tls/tls_cache.h"
#include "tls_pair.h"

static const char *dir;
static struct tls_chain chain;		/* a.test, ECDSA, signed by ca */
static struct tls_privkey key;
static struct tls_local_keys local = { &key, 1 };
static struct tls_client cl;

static const char *
path(const char *name)
{
	static char p[2][256];
	static int next;

	next = !next;
	(void)snprintf(p[next], sizeof(p[next]), "%s/%s", dir, name);
	return p[next];
}

/* The SNI name the server saw, through its select callback. */
static char seen_sni[256];

static size_t
select_record(const void *arg, const char *sni)
{
	(void)arg;
	(void)snprintf(seen_sni, sizeof(seen_sni), "%s", sni);
	return 0;
}

static void
server(struct tls_server *srv, const char *ciphers, unsigned versions)
{
	(void)pair_server(srv, &chain,
	    (struct tls_signer){ tls_sign_local, &local }, ciphers, versions);
	srv->select = select_record;
}

static void
test_verify(void)
{
	struct tls_anchors ca, ca2;
	struct tls_client_conf conf;
	struct tls_server srv;
	struct pair_result r;
	char err[256];

	server(&srv, "HIGH:!aNULL", TLS_PROTO_V1_2);
	if (!ok(tls_anchors_load(&ca, path("ca.crt"), err, sizeof(err)) &&
	    tls_anchors_load(&ca2, path("ca2.crt"), err, sizeof(err)),
	    "two CAs"))
		return;
	tls_client_conf_init(&conf, NULL, &ca);
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, "a.test",
	    NULL), &cl));
	ok(r.done && r.client_err == 0, "verified against the right CA, "
	    "for the certificate's name");
	is_str(seen_sni, "a.test", "... the name went as SNI");
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, "www.a.test",
	    NULL), &cl));
	ok(r.done, "and for its other name");
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, "b.test",
	    NULL), &cl));
	ok(!r.done && r.client_err == BR_ERR_X509_BAD_SERVER_NAME,
	    "another server name: refused with BearSSL's error (%d)",
	    r.client_err);
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, NULL, NULL),
	    &cl));
	ok(r.done && seen_sni[0] == '\0', "no name: the chain is checked, "
	    "no name is, none is sent");
	tls_client_conf_init(&conf, NULL, &ca2);
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, "a.test",
	    NULL), &cl));
	ok(!r.done && r.client_err == BR_ERR_X509_NOT_TRUSTED,
	    "another CA: refused with BearSSL's error (%d)", r.client_err);
	tls_client_conf_init(&conf, NULL, NULL);
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, "b.test",
	    NULL), &cl));
	ok(r.done && strcmp(seen_sni, "b.test") == 0,
	    "without a CA nothing is verified, as checkd's checks need");
	tls_anchors_free(&ca);
	tls_anchors_free(&ca2);
}

static void
test_resume(void)
{
	struct tls_client_session slot, other;
	struct tls_client_conf conf;
	struct tls_server srv;
	struct pair_result r;

	server(&srv, "HIGH:!aNULL", TLS_PROTO_V1_2);
	srv.cache = tls_cache_new(64);
	srv.lifetime = 300;
	tls_client_conf_init(&conf, NULL, NULL);
	memset(&slot, 0, sizeof(slot));
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, "a.test",
	    &slot), &cl));
	ok(r.done && !r.resumed && !tls_client_resumed(&cl),
	    "an empty slot: a full handshake");
	tls_client_save(&cl, &slot);
	ok(slot.valid, "its session is saved in the slot");
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, "a.test",
	    &slot), &cl));
	ok(r.done && r.resumed && tls_client_resumed(&cl),
	    "the next handshake offers it and is resumed (same session id)");
	other = slot;
	other.params.session_id[0] ^= 1;
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, "a.test",
	    &other), &cl));
	ok(r.done && !r.resumed && !tls_client_resumed(&cl),
	    "a session the server does not know: a full handshake");
	tls_cache_free(srv.cache);
	srv.cache = NULL;
	r = pair_handshake(&srv, (tls_client_init(&cl, &conf, "a.test",
	    &slot), &cl));
	ok(r.done && !tls_client_resumed(&cl),
	    "a server without a cache: a full handshake");
}

static unsigned
version_of(void)
{
	return br_ssl_engine_get_version(&cl.cc.eng);
}

static uint16_t
suite_of(void)
{
	br_ssl_session_parameters p;

	br_ssl_engine_get_session_parameters(&cl.cc.eng, &p);
	return p.cipher_suite;
}

static struct pair_result
with(const struct tls_server *srv, const char *ciphers, const char *curves,
    unsigned versions)
{
	struct pair_result none = { false, 0, 0, false };
	struct tls_client_conf conf;
	struct tls_params tp;
	char err[256];

	memset(&tp, 0, sizeof(tp));
	if (!tls_params_ciphers(&tp, ciphers, err, sizeof(err)) ||
	    !tls_params_curves(&tp, curves, err, sizeof(err)) ||
	    !tls_params_versions(&tp, versions, err, sizeof(err)))
		return none;
	tls_client_conf_init(&conf, &tp, NULL);
	if (!tls_client_init(&cl, &conf, "a.test", NULL))
		return none;
	return pair_handshake(srv, &cl);
}

static void
test_params(void)
{
	struct tls_server srv;
	struct pair_result r;

	server(&srv, "compat", TLS_PROTO_V1_0 | TLS_PROTO_V1_1 |
	    TLS_PROTO_V1_2);
	r = with(&srv, "compat", "default", TLS_PROTO_V1_2);
	ok(r.done && version_of() == BR_TLS12, "client 1.2 only: 1.2");
	r = with(&srv, "compat", "default", TLS_PROTO_V1_0 | TLS_PROTO_V1_1);
	ok(r.done && version_of() == BR_TLS11, "client 1.0-1.1: 1.1");
	r = with(&srv, "compat", "default", TLS_PROTO_V1_0);
	ok(r.done && version_of() == BR_TLS10, "client 1.0: 1.0");
	r = with(&srv, "ECDHE-ECDSA-CHACHA20-POLY1305", "default",
	    TLS_PROTO_V1_2);
	ok(r.done && suite_of() ==
	    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	    "one suite offered: that suite, though the server prefers "
	    "AES-GCM");
	r = with(&srv, "ECDHE-RSA-AES128-GCM-SHA256", "default",
	    TLS_PROTO_V1_2);
	ok(!r.done && r.server_err == BR_ERR_SEND_FATAL_ALERT + 40,
	    "only RSA suites against an ECDSA server: handshake_failure "
	    "alert (server %d)", r.server_err);

	server(&srv, "HIGH:!aNULL", TLS_PROTO_V1_2);
	r = with(&srv, "HIGH:!aNULL", "default", TLS_PROTO_V1_0 |
	    TLS_PROTO_V1_1);
	ok(!r.done && r.server_err == BR_ERR_SEND_FATAL_ALERT + 70,
	    "client 1.0-1.1 against a 1.2 server: protocol_version alert "
	    "(server %d)", r.server_err);
	srv.params.curves = 1u << BR_EC_secp256r1;
	tls_server_prepare(&srv);
	r = with(&srv, "HIGH:!aNULL", "X25519", TLS_PROTO_V1_2);
	ok(!r.done, "client X25519 only, server P-256 only: no handshake");
	r = with(&srv, "HIGH:!aNULL", "P-256", TLS_PROTO_V1_2);
	ok(r.done, "client P-256: a handshake");
}

int
main(void)
{
	char err[512];

	(void)signal(SIGPIPE, SIG_IGN);
	if ((dir = pair_certs()) == NULL) {
		printf("Bail out! openssl could not make the test certificates\n");
		return 1;
	}
	if (!tls_keypair_load(&chain, &key, path("a.crt"), path("a.key"),
	    time(NULL), err, sizeof(err))) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_verify();
	test_resume();
	test_params();
	tls_privkey_free(&key);
	tls_chain_free(&chain);
	pair_rmcerts(dir);
	return done_testing();
}
