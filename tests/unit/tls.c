/*
 * Unit tests of the TLS pieces that need no network: the ClientHello's
 * SNI, distinguished names as text, libtls settings for BearSSL, and the
 * session cache shared between processes.
 */
#include <sys/wait.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bearssl.h>

#include "base/arena.h"
#include "conf/confload.h"
#include "conf/httpd_conf.h"
#include "conf/relayd_conf.h"
#include "conf/tls_params.h"
#include "tap.h"
#include "tls/tls_cache.h"
#include "tls/tls_dn.h"
#include "tls/tls_hello.h"

/* A ClientHello record: session id of sid_len, then the extensions. */
static size_t
make_hello(unsigned char *out, size_t sid_len, const unsigned char *ext,
    size_t ext_len)
{
	unsigned char *p = out + 9;
	size_t body, i;

	*p++ = 3;
	*p++ = 3;
	for (i = 0; i < 32; i++)
		*p++ = (unsigned char)i;		/* random */
	*p++ = (unsigned char)sid_len;
	memset(p, 0xab, sid_len);
	p += sid_len;
	*p++ = 0;
	*p++ = 2;
	*p++ = 0xc0;
	*p++ = 0x2b;
	*p++ = 1;
	*p++ = 0;				/* null compression */
	if (ext != NULL) {
		*p++ = (unsigned char)(ext_len >> 8);
		*p++ = (unsigned char)ext_len;
		memcpy(p, ext, ext_len);
		p += ext_len;
	}
	body = (size_t)(p - out) - 9;
	out[0] = 22;
	out[1] = 3;
	out[2] = 1;
	out[3] = (unsigned char)((body + 4) >> 8);
	out[4] = (unsigned char)(body + 4);
	out[5] = 1;
	out[6] = 0;
	out[7] = (unsigned char)(body >> 8);
	out[8] = (unsigned char)body;
	return body + 9;
}

static size_t
sni_ext(unsigned char *out, const char *name)
{
	size_t n = strlen(name);
	unsigned char *p = out;

	/* another extension first: the name need not come first */
	*p++ = 0x00; *p++ = 0x17; *p++ = 0; *p++ = 0;
	*p++ = 0; *p++ = 0;
	*p++ = (unsigned char)((n + 5) >> 8);
	*p++ = (unsigned char)(n + 5);
	*p++ = (unsigned char)((n + 3) >> 8);
	*p++ = (unsigned char)(n + 3);
	*p++ = 0;
	*p++ = (unsigned char)(n >> 8);
	*p++ = (unsigned char)n;
	memcpy(p, name, n);
	return (size_t)(p - out) + n;
}

static void
test_hello(void)
{
	unsigned char rec[1024], ext[512];
	char name[256];
	size_t len, elen, cut;
	int all = 1;

	elen = sni_ext(ext, "a.test");
	len = make_hello(rec, 32, ext, elen);
	ok(tls_hello_sni(rec, len, name, sizeof(name)) &&
	    strcmp(name, "a.test") == 0, "SNI after another extension");
	for (cut = 0; cut < len; cut++)
		if (tls_hello_sni(rec, cut, name, sizeof(name)))
			all = 0;
	ok(all, "every truncation of the record is refused");
	ok(!tls_hello_sni(rec, len, name, 6), "a name that does not fit");
	len = make_hello(rec, 0, NULL, 0);
	ok(tls_hello_sni(rec, len, name, sizeof(name)) && name[0] == '\0',
	    "no extensions: no name");
	len = make_hello(rec, 0, ext, 4);
	ok(tls_hello_sni(rec, len, name, sizeof(name)) && name[0] == '\0',
	    "extensions without server_name: no name");
	elen = sni_ext(ext, "a.test");
	ext[elen - 3] = '\0';
	len = make_hello(rec, 0, ext, elen);
	ok(!tls_hello_sni(rec, len, name, sizeof(name)),
	    "a NUL in the name is refused");
	len = make_hello(rec, 0, ext, elen);
	rec[0] = 23;
	ok(!tls_hello_sni(rec, len, name, sizeof(name)),
	    "not a handshake record");
	elen = sni_ext(ext, "b.test");
	ext[8] = 0xff;		/* server_name list longer than the extension */
	len = make_hello(rec, 0, ext, elen);
	ok(!tls_hello_sni(rec, len, name, sizeof(name)),
	    "a list length past its extension is refused");
}

static void
test_dn(void)
{
	/* SEQUENCE { SET { SEQUENCE { OID C, "DE" } }, SET { CN "a/b\n" } } */
	static const unsigned char dn[] = {
		0x30, 0x1b,
		0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06,
		0x13, 0x02, 'D', 'E',
		0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03,
		0x0c, 0x03, 'a', '/', '\n'
	};
	static const unsigned char odd[] = {
		0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x2b, 0x06, 0x01,
		0x0c, 0x01, 'x'
	};
	char out[128];

	ok(tls_dn_text(dn, sizeof(dn), out, sizeof(out)), "a DN decodes");
	is_str(out, "/C=DE/CN=a\\x2F\\x0A", "... as libtls writes it, escaped");
	ok(tls_dn_text(dn + 2, sizeof(dn) - 2, out, sizeof(out)),
	    "without the outer SEQUENCE too");
	ok(!tls_dn_text(dn, sizeof(dn) - 1, out, sizeof(out)) &&
	    out[0] == '\0', "a truncated DN is refused");
	ok(!tls_dn_text(dn, sizeof(dn), out, 8), "a DN that does not fit");
	ok(tls_dn_text(odd, sizeof(odd), out, sizeof(out)),
	    "an unknown attribute");
	is_str(out, "/1.3.6.1=x", "... is named by its OID");
}

static void
test_params(void)
{
	struct tls_params tp;
	char err[256];

	ok(tls_params_ciphers(&tp, "HIGH:!aNULL", err, sizeof(err)) &&
	    tp.nsuites == 6 &&
	    tp.suites[0] == BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	    "OpenBSD's default: six AEAD suites, AES-128-GCM first");
	ok(tls_params_ciphers(&tp, "compat", err, sizeof(err)) &&
	    tp.nsuites == 14, "compat adds the CBC suites");
	ok(tls_params_ciphers(&tp, "ECDHE-RSA-CHACHA20-POLY1305:RC4-MD5", err,
	    sizeof(err)) && tp.nsuites == 1 &&
	    tp.suites[0] == BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	    "a list: the suites BearSSL has, in order");
	ok(!tls_params_ciphers(&tp, "RC4-MD5", err, sizeof(err)),
	    "a list of none BearSSL has is refused");
	ok(tls_params_ciphers(&tp, "HIGH", err, sizeof(err)) &&
	    tp.nsuites == 6, "OpenSSL's HIGH: the AEAD suites");
	ok(tls_params_ciphers(&tp, "EECDH+AESGCM:EDH+AESGCM:!MD5", err,
	    sizeof(err)) && tp.nsuites == 6,
	    "a join of strong words: the AEAD suites; EDH and exclusions add none");
	ok(!tls_params_ciphers(&tp, "!aNULL:-RC4", err, sizeof(err)),
	    "exclusions alone leave no suite");
	ok(tls_params_curves(&tp, "default", err, sizeof(err)) &&
	    tp.curves == (1u << BR_EC_curve25519 | 1u << BR_EC_secp256r1 |
	    1u << BR_EC_secp384r1), "default curves: X25519, P-256, P-384");
	ok(tls_params_curves(&tp, "X25519,prime256v1", err, sizeof(err)) &&
	    tp.curves == (1u << BR_EC_curve25519 | 1u << BR_EC_secp256r1),
	    "a list of curves");
	ok(!tls_params_curves(&tp, "X25519,brainpool", err, sizeof(err)),
	    "an unknown curve");
	is_str(err, "invalid ecdhe curve 'brainpool'", "... is named");
	ok(tls_params_versions(&tp, TLS_PROTO_V1_2 | TLS_PROTO_V1_3, err,
	    sizeof(err)) && tp.version_min == BR_TLS12 &&
	    tp.version_max == BR_TLS12, "1.2 and 1.3: 1.2 only");
	ok(tls_params_versions(&tp, TLS_PROTO_V1_0 | TLS_PROTO_V1_1 |
	    TLS_PROTO_V1_2, err, sizeof(err)) && tp.version_min == BR_TLS10,
	    "1.0 to 1.2");
	ok(!tls_params_versions(&tp, TLS_PROTO_V1_0 | TLS_PROTO_V1_2, err,
	    sizeof(err)), "a gap is refused");
	ok(!tls_params_versions(&tp, TLS_PROTO_V1_3, err, sizeof(err)),
	    "1.3 alone is refused");
	is_str(tls_suite_name(BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
	    "ECDHE-RSA-AES128-GCM-SHA256", "suite names as OpenSSL's");
}

static void
session(struct tls_session *s, unsigned char first, int64_t expires)
{
	memset(s, 0, sizeof(*s));
	memset(s->id, first, sizeof(s->id));
	memset(s->master, first ^ 0x5a, sizeof(s->master));
	s->vhost = first;
	s->expires = expires;
	s->peer_verified = first & 1;
	strcpy(s->peer_subject, "/CN=x");
}

static void
test_cache(void)
{
	struct tls_cache *tc = tls_cache_new(64);
	struct tls_session s, got;
	pid_t pid;
	int status, i, found = 0;

	ok(tc != NULL, "a cache is mapped");
	session(&s, 7, 1000);
	tls_cache_save(tc, &s, 10);
	ok(tls_cache_load(tc, s.id, 999, &got) && got.vhost == 7 &&
	    got.peer_verified && strcmp(got.peer_subject, "/CN=x") == 0 &&
	    memcmp(got.master, s.master, sizeof(s.master)) == 0,
	    "a session saved is loaded with its host and identity");
	ok(!tls_cache_load(tc, s.id, 1000, &got), "not once it expires");
	s.id[31] ^= 1;
	ok(!tls_cache_load(tc, s.id, 10, &got), "another id is not found");
	/* Saved by a child, loaded by the parent: one mapping for all. */
	if ((pid = fork()) == 0) {
		session(&s, 9, 5000);
		tls_cache_save(tc, &s, 10);
		_exit(0);
	}
	(void)waitpid(pid, &status, 0);
	session(&s, 9, 5000);
	ok(tls_cache_load(tc, s.id, 10, &got) && got.vhost == 9,
	    "a session saved by another process is found");
	/* Many sessions: the table keeps working, bounded. */
	for (i = 0; i < 1000; i++) {
		memset(&s, 0, sizeof(s));
		memcpy(s.id, &i, sizeof(i));
		s.id[8] = (unsigned char)i;
		s.expires = 100 + i;
		tls_cache_save(tc, &s, 10);
	}
	for (i = 0; i < 1000; i++) {
		memset(&s, 0, sizeof(s));
		memcpy(s.id, &i, sizeof(i));
		s.id[8] = (unsigned char)i;
		if (tls_cache_load(tc, s.id, 10, &got))
			found++;
	}
	ok(found > 0 && found <= 64, "1000 sessions in 64 entries: the "
	    "newest stay (%d found)", found);
	tls_cache_free(tc);
}

/* Whether the master secret of s is anywhere in the shared mapping. */
static bool
secret_mapped(const struct tls_cache *tc, const struct tls_session *s)
{
	const unsigned char *start;
	size_t len;

	tls_cache_span(tc, &start, &len);
	return memmem(start, len, s->master, sizeof(s->master)) != NULL;
}

/* A session whose id shares its first 8 bytes (its pair) with others. */
static void
paired_session(struct tls_session *s, unsigned char pair, unsigned char first,
    int64_t expires)
{
	session(s, first, expires);
	memset(s->id, pair, 8);
}

static void
test_cache_wipe(void)
{
	struct tls_cache *tc = tls_cache_new(64);
	struct tls_session a, b, c, got;

	session(&a, 0x21, 100);
	tls_cache_save(tc, &a, 50);
	ok(secret_mapped(tc, &a), "a saved secret is in the mapping");
	ok(!tls_cache_load(tc, a.id, 100, &got), "expired at 100");
	ok(!secret_mapped(tc, &a),
	    "an expired session a lookup finds is wiped from the mapping");

	/* Two live sessions in one pair; a third replaces the older. */
	paired_session(&a, 0x40, 0x31, 1000);
	paired_session(&b, 0x40, 0x32, 2000);
	paired_session(&c, 0x40, 0x33, 3000);
	tls_cache_save(tc, &a, 10);
	tls_cache_save(tc, &b, 10);
	ok(secret_mapped(tc, &a) && secret_mapped(tc, &b), "a pair is full");
	tls_cache_save(tc, &c, 20);
	ok(!secret_mapped(tc, &a), "the session a save replaces is gone");
	ok(tls_cache_load(tc, b.id, 20, &got) && tls_cache_load(tc, c.id, 20,
	    &got), "the live ones stay");

	/* Both expired: the one replaced and the one beside it go. */
	paired_session(&a, 0x44, 0x34, 100);
	paired_session(&b, 0x44, 0x35, 200);
	paired_session(&c, 0x44, 0x36, 3000);
	tls_cache_save(tc, &a, 10);
	tls_cache_save(tc, &b, 10);
	ok(secret_mapped(tc, &a) && secret_mapped(tc, &b),
	    "a pair of sessions, both to expire");
	tls_cache_save(tc, &c, 250);
	ok(!secret_mapped(tc, &a) && !secret_mapped(tc, &b),
	    "a save wipes the expired session it replaces and its neighbour");
	ok(tls_cache_load(tc, c.id, 260, &got) && memcmp(got.master,
	    c.master, sizeof(c.master)) == 0, "and keeps its own");

	/* Expired and never looked up again: the sweep takes it. */
	session(&a, 0x51, 100);
	tls_cache_save(tc, &a, 10);
	tls_cache_sweep(tc, 99, 64);
	ok(tls_cache_load(tc, a.id, 99, &got),
	    "a sweep leaves a live session alone");
	tls_cache_sweep(tc, 100, 64);
	ok(!secret_mapped(tc, &a), "a sweep wipes what has expired");

	/* A wiped entry (id and expiry zero) is never resumed. */
	memset(a.id, 0, sizeof(a.id));
	ok(!tls_cache_load(tc, a.id, 0, &got) &&
	    !tls_cache_load(tc, a.id, -1, &got), "an all-zero id finds nothing");
	tls_cache_free(tc);
}

/* The versions httpd.conf and relayd.conf take: one encoding. */
static void
test_grammar_bits(void)
{
	static const char httpd[] = "server \"a\" {\n"
	    "listen on 127.0.0.1 tls port 443\n"
	    "tls {\ncertificate \"/a.crt\"\nkey \"/a.key\"\n"
	    "protocols \"tlsv1.2\"\n}\n}\n";
	static const char relayd[] = "protocol \"p\" { tls no tlsv1.3 }\n"
	    "protocol \"q\" { tls no tlsv1.2 }\n"
	    "relay \"r\" { listen on 127.0.0.1 port 8443\n"
	    "protocol \"p\"\nforward to 127.0.0.1 port 80 }\n";
	struct arena *a = arena_new();
	const struct httpd_conf *hc;
	const struct relayd_conf *rc;
	const char *err = NULL;

	hc = conf_load_buffer(a, &httpd_grammar, "h.conf", httpd,
	    strlen(httpd), NULL, &err);
	ok(hc != NULL && hc->servers->tls.protocols == TLS_PROTO_V1_2,
	    "httpd.conf protocols \"tlsv1.2\": TLS_PROTO_V1_2 (%s)",
	    err != NULL ? err : "");
	rc = conf_load_buffer(a, &relayd_grammar, "r.conf", relayd,
	    strlen(relayd), NULL, &err);
	ok(rc != NULL && rc->protocols->tls_protocols == TLS_PROTO_V1_2,
	    "relayd.conf tls no tlsv1.3: TLS_PROTO_V1_2, the same bits");
	ok(rc != NULL && rc->protocols->next->tls_protocols ==
	    TLS_PROTO_V1_3, "relayd.conf tls no tlsv1.2: TLS_PROTO_V1_3");
	arena_free(a);
}

int
main(void)
{
	test_grammar_bits();
	test_hello();
	test_dn();
	test_params();
	test_cache();
	test_cache_wipe();
	return done_testing();
}
