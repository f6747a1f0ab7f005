#include <sys/socket.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tls/tls_dn.h"
#include "tls/tls_hello.h"
#include "tls/tls_io.h"
#include "tls/tls_server.h"

/* The connection a BearSSL callback's context pointer is part of. */
static struct tls_conn *
conn_of_policy(const br_ssl_server_policy_class **pctx)
{
	return (struct tls_conn *)(void *)((char *)pctx -
	    offsetof(struct tls_conn, policy));
}

static struct tls_conn *
conn_of_cache(const br_ssl_session_cache_class **ctx)
{
	return (struct tls_conn *)(void *)((char *)ctx -
	    offsetof(struct tls_conn, cache_vtable));
}

static struct tls_conn *
conn_of_x509(const br_x509_class **ctx)
{
	return (struct tls_conn *)(void *)((char *)ctx -
	    offsetof(struct tls_conn, peer.vtable));
}

/* --- the policy: which certificate, which suite, and signing --- */

/* The hash to sign with: SHA-256 first, from those the client takes. */
static unsigned
sign_hash(unsigned mask, unsigned version, bool ec)
{
	static const unsigned order[] = { br_sha256_ID, br_sha384_ID,
	    br_sha512_ID, br_sha224_ID, br_sha1_ID };
	size_t i;

	if (version < BR_TLS12)
		return ec ? br_sha1_ID : 0;	/* 0: MD5+SHA-1 */
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (mask & (1u << order[i]))
			return order[i];
	return br_sha1_ID;	/* RFC 5246 7.4.1.4.1: the default */
}

/*
 * The host is chosen: ask for a certificate from its authorities, or
 * for none.  BearSSL sends the CertificateRequest only when it has
 * anchor names, after this callback, and hands the client's chain to
 * the X.509 engine later still, so both follow the SNI name: one host's
 * authorities never vouch for a client of another.
 */
static void
client_auth_choose(struct tls_conn *t)
{
	const struct tls_client_auth *ca;
	br_ssl_engine_context *eng = &t->sc.eng;

	if (t->srv->client_auth == NULL)
		return;
	ca = &t->srv->client_auth[t->vhost];
	br_ssl_engine_remove_flags(eng, BR_OPT_TOLERATE_NO_CLIENT_AUTH);
	if (ca->ca == NULL) {
		br_ssl_server_set_trust_anchor_names_alt(&t->sc, NULL, 0);
		return;
	}
	br_x509_minimal_init_full(&t->peer.xm, ca->ca->ta, ca->ca->n);
	br_ssl_server_set_trust_anchor_names_alt(&t->sc, ca->ca->ta,
	    ca->ca->n);
	if (ca->optional)
		br_ssl_engine_add_flags(eng, BR_OPT_TOLERATE_NO_CLIENT_AUTH);
}

static int
policy_choose(const br_ssl_server_policy_class **pctx,
    const br_ssl_server_context *sc, br_ssl_server_choices *choices)
{
	struct tls_conn *t = conn_of_policy(pctx);
	const struct tls_chain *ch;
	const br_suite_translated *suites;
	size_t i, n;
	unsigned keyx, want, hashes;
	bool ec;

	t->vhost = t->srv->select(t->srv->select_arg,
	    br_ssl_engine_get_server_name(&sc->eng));
	client_auth_choose(t);
	ch = &t->srv->chains[t->vhost];
	ec = ch->key_type == BR_KEYTYPE_EC;
	want = ec ? BR_SSLKEYX_ECDHE_ECDSA : BR_SSLKEYX_ECDHE_RSA;
	hashes = br_ssl_server_get_client_hashes(sc);
	suites = br_ssl_server_get_client_suites(sc, &n);
	for (i = 0; i < n; i++) {
		keyx = (unsigned)suites[i][1] >> 12;
		if (keyx != want)
			continue;
		choices->cipher_suite = suites[i][0];
		choices->algo_id = 0xFF00 + sign_hash(ec ? (hashes >> 8) &
		    0xFF : hashes & 0xFF, br_ssl_engine_get_version(&sc->eng),
		    ec);
		choices->chain = ch->certs;
		choices->chain_len = ch->len;
		return 1;
	}
	return 0;
}

/* Only ECDHE suites are offered: no RSA or static ECDH key exchange. */
static uint32_t
policy_keyx(const br_ssl_server_policy_class **pctx, unsigned char *data,
    size_t *len)
{
	(void)pctx;
	(void)data;
	(void)len;
	return 0;
}

/*
 * The engine passes algo_id as 0xFF00 + hash id, the value choose() set:
 * only the low byte names the hash.  The hash value is where the
 * signature goes: it is copied out first.  The signer may be another
 * process: this call then waits for its answer (tls_keyproc.h).
 */
static size_t
policy_sign(const br_ssl_server_policy_class **pctx, unsigned algo_id,
    unsigned char *data, size_t hv_len, size_t len)
{
	const struct tls_conn *t = conn_of_policy(pctx);
	const struct tls_signer *sg = &t->srv->signer;
	unsigned char hv[TLS_HASH_MAX];

	if (hv_len > sizeof(hv))
		return 0;
	memcpy(hv, data, hv_len);
	return sg->sign(sg->arg, t->vhost, t->srv->chains[t->vhost].key_type,
	    algo_id & 0xFF, hv, hv_len, data, len);
}

static const br_ssl_server_policy_class policy_vtable = {
	sizeof(const br_ssl_server_policy_class *),
	policy_choose,
	policy_keyx,
	policy_sign
};

/* --- the session cache, bound to the host and the client's identity --- */

static void
cache_save(const br_ssl_session_cache_class **ctx,
    br_ssl_server_context *sc, const br_ssl_session_parameters *params)
{
	struct tls_conn *t = conn_of_cache(ctx);
	struct tls_session s;
	time_t now = time(NULL);

	(void)sc;
	memset(&s, 0, sizeof(s));
	memcpy(s.id, params->session_id, sizeof(s.id));
	memcpy(s.master, params->master_secret, sizeof(s.master));
	s.version = params->version;
	s.suite = params->cipher_suite;
	s.vhost = t->srv->cache_tag << 16 | (uint32_t)t->vhost;
	s.expires = (int64_t)now + t->srv->lifetime;
	s.peer_verified = t->peer_verified;
	/* The subject is set only for a verified client. */
	if (t->peer_verified)
		memcpy(s.peer_subject, t->peer_subject,
		    sizeof(s.peer_subject));
	tls_cache_save(t->srv->cache, &s, now);
	explicit_bzero(&s, sizeof(s));
}

static int
cache_load(const br_ssl_session_cache_class **ctx,
    br_ssl_server_context *sc, br_ssl_session_parameters *params)
{
	struct tls_conn *t = conn_of_cache(ctx);
	struct tls_session s;
	size_t vhost;

	(void)sc;
	/*
	 * BearSSL asks before it has read the extensions: the SNI name
	 * comes from the ClientHello's bytes.  No name to be sure of, no
	 * resumption.
	 */
	if (t->sni_state != TLS_SNI_KNOWN ||
	    !tls_cache_load(t->srv->cache, params->session_id, time(NULL),
	    &s))
		return 0;
	vhost = t->srv->select(t->srv->select_arg, t->sni);
	/* Made for another host: a full handshake, with this host's key. */
	if (s.vhost != (t->srv->cache_tag << 16 | (uint32_t)vhost)) {
		explicit_bzero(&s, sizeof(s));
		return 0;
	}
	params->version = s.version;
	params->cipher_suite = s.suite;
	memcpy(params->master_secret, s.master, sizeof(s.master));
	t->vhost = vhost;
	t->resumed = true;
	t->peer_verified = s.peer_verified;
	if (s.peer_verified)
		memcpy(t->peer_subject, s.peer_subject,
		    sizeof(t->peer_subject));
	explicit_bzero(&s, sizeof(s));
	return 1;
}

static const br_ssl_session_cache_class cache_vtable = {
	sizeof(const br_ssl_session_cache_class *),
	cache_save,
	cache_load
};

/* --- client certificates: BearSSL's minimal engine, watched --- */

static void
dn_append(void *arg, const void *buf, size_t len)
{
	struct tls_peer_x509 *p = arg;

	if (p->dn_overflow || len > sizeof(p->dn) - p->dn_len) {
		p->dn_overflow = true;
		return;
	}
	memcpy(p->dn + p->dn_len, buf, len);
	p->dn_len += len;
}

static void
x509_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_conn *t = conn_of_x509(ctx);

	t->peer.ncerts = 0;
	t->peer.xm.vtable->start_chain(&t->peer.xm.vtable, server_name);
}

static void
x509_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_conn *t = conn_of_x509(ctx);

	if (t->peer.ncerts == 0) {
		t->peer.dn_len = 0;
		t->peer.dn_overflow = false;
		br_x509_decoder_init(&t->peer.dec, dn_append, &t->peer);
	}
	t->peer.xm.vtable->start_cert(&t->peer.xm.vtable, length);
}

static void
x509_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_conn *t = conn_of_x509(ctx);

	if (t->peer.ncerts == 0)
		br_x509_decoder_push(&t->peer.dec, buf, len);
	t->peer.xm.vtable->append(&t->peer.xm.vtable, buf, len);
}

static void
x509_end_cert(const br_x509_class **ctx)
{
	struct tls_conn *t = conn_of_x509(ctx);

	t->peer.ncerts++;
	t->peer.xm.vtable->end_cert(&t->peer.xm.vtable);
}

/*
 * `client ca ... optional` tolerates a client without a certificate,
 * not one with a bad certificate: once a chain was sent and failed, the
 * engine is told to stop tolerating, so the handshake fails as it would
 * without `optional`.
 */
static unsigned
x509_end_chain(const br_x509_class **ctx)
{
	struct tls_conn *t = conn_of_x509(ctx);
	unsigned r = t->peer.xm.vtable->end_chain(&t->peer.xm.vtable);

	if (r == 0 && t->peer.ncerts > 0) {
		t->peer_verified = true;
		if (t->peer.dn_overflow || !tls_dn_text(t->peer.dn,
		    t->peer.dn_len, t->peer_subject, sizeof(t->peer_subject)))
			(void)snprintf(t->peer_subject,
			    sizeof(t->peer_subject), "(unprintable)");
	} else if (t->peer.ncerts > 0)
		br_ssl_engine_remove_flags(&t->sc.eng,
		    BR_OPT_TOLERATE_NO_CLIENT_AUTH);
	return r;
}

static const br_x509_pkey *
x509_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct tls_conn *t = (const struct tls_conn *)(const void *)
	    ((const char *)ctx - offsetof(struct tls_conn, peer.vtable));

	return t->peer.xm.vtable->get_pkey(&t->peer.xm.vtable, usages);
}

static const br_x509_class x509_vtable = {
	sizeof(struct tls_peer_x509),
	x509_start_chain,
	x509_start_cert,
	x509_append,
	x509_end_cert,
	x509_end_chain,
	x509_get_pkey
};

/* --- set-up --- */

void
tls_server_prepare(struct tls_server *srv)
{
	tls_impl_choose(&srv->impl, srv->params.curves);
}

/*
 * Some host on the socket asks for client certificates: the engine gets
 * the watched X.509 engine now; which authorities it trusts, and whether
 * a certificate is asked for at all, waits for the SNI name (below).
 */
static void
client_auth_engine(struct tls_conn *t)
{
	br_ssl_engine_context *eng = &t->sc.eng;

	t->peer.vtable = &x509_vtable;
	br_ssl_engine_set_x509(eng, &t->peer.vtable);
	br_ssl_engine_set_default_rsavrfy(eng);
	/* Not set_default_ecdsa: it would undo the narrowed curves. */
	br_ssl_engine_set_ecdsa(eng, br_ecdsa_vrfy_asn1_get_default());
}

bool
tls_conn_init(struct tls_conn *t, const struct tls_server *srv)
{
	br_ssl_engine_context *eng = &t->sc.eng;

	t->srv = srv;
	t->vhost = 0;
	t->resumed = t->peer_verified = false;
	t->sni_state = TLS_SNI_PENDING;
	t->hello = NULL;
	t->hello_len = 0;
	br_ssl_server_zero(&t->sc);
	br_ssl_engine_set_versions(eng, srv->params.version_min,
	    srv->params.version_max);
	br_ssl_engine_set_suites(eng, srv->params.suites,
	    srv->params.nsuites);
	tls_impl_engine(eng, &srv->impl);
	/* Renegotiation is never offered: relayd's default, and safer. */
	br_ssl_engine_add_flags(eng, BR_OPT_NO_RENEGOTIATION |
	    (srv->params.client_order ? 0 : BR_OPT_ENFORCE_SERVER_PREFERENCES));
	t->policy = &policy_vtable;
	t->sc.policy_vtable = &t->policy;
	if (srv->cache != NULL) {
		t->cache_vtable = &cache_vtable;
		br_ssl_server_set_cache(&t->sc, &t->cache_vtable);
	}
	if (srv->client_auth != NULL)
		client_auth_engine(t);
	br_ssl_engine_set_buffer(eng, t->buf, sizeof(t->buf), 1);
	if (!tls_io_seed(eng))
		return false;
	return br_ssl_server_reset(&t->sc) != 0;
}

/* --- moving records --- */

static unsigned
state(const struct tls_conn *t)
{
	return br_ssl_engine_current_state(&t->sc.eng);
}

void
tls_conn_release(struct tls_conn *t)
{
	free(t->hello);
	t->hello = NULL;
}

/* The whole first record is in: 5 header bytes and its length. */
static size_t
hello_need(const struct tls_conn *t)
{
	if (t->hello_len < 5)
		return 5;
	if (t->hello[0] != 22)		/* not a handshake: the engine says so */
		return t->hello_len;
	return 5 + ((size_t)t->hello[3] << 8 | t->hello[4]);
}

/* Hand what was gathered to the engine, which expects it next. */
static void
push_hello(struct tls_conn *t)
{
	br_ssl_engine_context *eng = &t->sc.eng;
	unsigned char *p;
	size_t off = 0, room;

	while (off < t->hello_len && (state(t) & BR_SSL_RECVREC)) {
		p = br_ssl_engine_recvrec_buf(eng, &room);
		if (room > t->hello_len - off)
			room = t->hello_len - off;
		memcpy(p, t->hello + off, room);
		br_ssl_engine_recvrec_ack(eng, room);
		off += room;
	}
}

/*
 * BearSSL looks a session up as soon as it has read the session ID,
 * before the extensions: it must get the ClientHello record only when
 * the whole record is here, so that the name in it is known by then.
 * Until then the stream is read into `hello`: 1 progress, 0 the peer
 * closed, -1 EAGAIN or an error, as tls_io_recv.
 */
static int
gather_hello(struct tls_conn *t, int fd, bool *readable)
{
	size_t need;
	ssize_t n;
	bool known;

	if (t->hello == NULL) {
		if ((t->hello = malloc(TLS_HELLO_MAX)) == NULL) {
			t->sni_state = TLS_SNI_UNKNOWN;
			return 1;
		}
		t->hello_len = 0;
	}
	need = hello_need(t);
	if (need > TLS_HELLO_MAX)
		need = TLS_HELLO_MAX;
	if (t->hello_len < need) {
		n = read(fd, t->hello + t->hello_len, need - t->hello_len);
		if (n == 0)
			return 0;
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				*readable = false;
			return errno == EINTR ? 1 : -1;
		}
		t->hello_len += (size_t)n;
		if (t->hello_len < need)
			return 1;
	}
	if (t->hello_len < hello_need(t) && t->hello_len < TLS_HELLO_MAX)
		return 1;			/* the header told the length */
	known = t->hello_len == hello_need(t) &&
	    tls_hello_sni(t->hello, t->hello_len, t->sni, sizeof(t->sni));
	/* Settled first: the engine looks the session up as it takes it. */
	t->sni_state = known ? TLS_SNI_KNOWN : TLS_SNI_UNKNOWN;
	push_hello(t);
	tls_conn_release(t);
	return 1;
}

/* Records from the socket into the engine, the ClientHello gathered. */
static int
recv_step(struct tls_conn *t, int fd, bool *readable)
{
	if (t->sni_state == TLS_SNI_PENDING)
		return gather_hello(t, fd, readable);
	return tls_io_recv(&t->sc.eng, fd, readable);
}

static int
server_recv(void *arg, int fd, bool *readable)
{
	return recv_step(arg, fd, readable);
}

struct tls_end
tls_conn_end(struct tls_conn *t)
{
	struct tls_end e = { &t->sc.eng, server_recv, t };

	return e;
}
