#include <sys/epoll.h>

#include <stdint.h>
#include <string.h>

#include "tls/tls_client.h"
#include "tls/tls_io.h"

/*
 * The no-verify X.509 class: only the end-entity certificate is decoded,
 * for its key; end_chain accepts whatever came.
 */
static void
nv_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_noverify *nv = (struct tls_noverify *)(void *)ctx;

	(void)server_name;
	nv->ncerts = 0;
	nv->have_key = false;
}

static void
nv_ignore_dn(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
}

static void
nv_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_noverify *nv = (struct tls_noverify *)(void *)ctx;

	(void)length;
	if (nv->ncerts == 0)
		br_x509_decoder_init(&nv->dc, nv_ignore_dn, NULL);
}

static void
nv_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_noverify *nv = (struct tls_noverify *)(void *)ctx;

	if (nv->ncerts == 0)
		br_x509_decoder_push(&nv->dc, buf, len);
}

static void
nv_end_cert(const br_x509_class **ctx)
{
	struct tls_noverify *nv = (struct tls_noverify *)(void *)ctx;

	if (nv->ncerts == 0)
		nv->have_key = br_x509_decoder_get_pkey(&nv->dc) != NULL;
	nv->ncerts++;
}

static unsigned
nv_end_chain(const br_x509_class **ctx)
{
	struct tls_noverify *nv = (struct tls_noverify *)(void *)ctx;

	/* No key, no key exchange: that much must hold. */
	return nv->have_key ? 0 : BR_ERR_X509_EMPTY_CHAIN;
}

static const br_x509_pkey *
nv_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	struct tls_noverify *nv = (struct tls_noverify *)(void *)ctx;

	if (usages != NULL)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return nv->have_key ? br_x509_decoder_get_pkey(&nv->dc) : NULL;
}

static const br_x509_class noverify_class = {
	sizeof(struct tls_noverify),
	nv_start_chain,
	nv_start_cert,
	nv_append,
	nv_end_cert,
	nv_end_chain,
	nv_get_pkey
};

/* The capturing class: the first certificate kept, every call passed on. */
static struct tls_capture *
capture_of(const br_x509_class *const *ctx)
{
	return (struct tls_capture *)(uintptr_t)(const void *)ctx;
}

static void
cap_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_capture *c = capture_of(ctx);

	c->ncerts = 0;
	c->len = 0;
	c->over = false;
	(*c->inner)->start_chain(c->inner, server_name);
}

static void
cap_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_capture *c = capture_of(ctx);

	(*c->inner)->start_cert(c->inner, length);
}

static void
cap_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_capture *c = capture_of(ctx);

	if (c->ncerts == 0) {
		if (len > sizeof(c->leaf) - c->len)
			c->over = true;
		else {
			memcpy(c->leaf + c->len, buf, len);
			c->len += len;
		}
	}
	(*c->inner)->append(c->inner, buf, len);
}

static void
cap_end_cert(const br_x509_class **ctx)
{
	struct tls_capture *c = capture_of(ctx);

	c->ncerts++;
	(*c->inner)->end_cert(c->inner);
}

static unsigned
cap_end_chain(const br_x509_class **ctx)
{
	struct tls_capture *c = capture_of(ctx);

	return (*c->inner)->end_chain(c->inner);
}

static const br_x509_pkey *
cap_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct tls_capture *c = capture_of(ctx);

	return (*c->inner)->get_pkey(c->inner, usages);
}

static const br_x509_class capture_class = {
	sizeof(struct tls_capture),
	cap_start_chain,
	cap_start_cert,
	cap_append,
	cap_end_cert,
	cap_end_chain,
	cap_get_pkey
};

void
tls_client_capture(struct tls_client *t, struct tls_capture *cap)
{
	cap->vtable = &capture_class;
	cap->inner = t->cc.eng.x509ctx;
	cap->ncerts = 0;
	cap->len = 0;
	cap->over = false;
	br_ssl_engine_set_x509(&t->cc.eng, &cap->vtable);
}

const unsigned char *
tls_capture_leaf(const struct tls_capture *c, size_t *len)
{
	if (c->ncerts == 0 || c->over || c->len == 0)
		return NULL;
	*len = c->len;
	return c->leaf;
}

/*
 * What checkd's checks offer besides the ECDHE suites of "compat": RSA
 * key exchange and 3DES, so that a check can complete a handshake with
 * an old server too -- as the checks always did.
 */
static const uint16_t check_suites_old[] = {
	BR_TLS_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_RSA_WITH_AES_128_CBC_SHA256,
	BR_TLS_RSA_WITH_AES_256_CBC_SHA256,
	BR_TLS_RSA_WITH_AES_128_CBC_SHA,
	BR_TLS_RSA_WITH_AES_256_CBC_SHA,
	BR_TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA,
	BR_TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
	BR_TLS_RSA_WITH_3DES_EDE_CBC_SHA
};

static void
check_params(struct tls_params *tp)
{
	char err[128];
	size_t i;

	memset(tp, 0, sizeof(*tp));
	(void)tls_params_ciphers(tp, "compat", err, sizeof(err));
	for (i = 0; i < sizeof(check_suites_old) / sizeof(check_suites_old[0]) &&
	    tp->nsuites < TLS_SUITES_MAX; i++)
		tp->suites[tp->nsuites++] = check_suites_old[i];
	tp->curves = UINT32_MAX;	/* every curve BearSSL has */
	tp->version_min = BR_TLS10;
	tp->version_max = BR_TLS12;
}

void
tls_client_conf_init(struct tls_client_conf *conf,
    const struct tls_params *params, const struct tls_anchors *ca)
{
	if (params != NULL)
		conf->params = *params;
	else
		check_params(&conf->params);
	tls_impl_choose(&conf->impl, conf->params.curves);
	conf->ca = ca;
}

/* BearSSL's minimal X.509 engine on conf's authorities. */
static void
verify_engine(struct tls_client *t, const struct tls_anchors *ca)
{
	br_x509_minimal_context *xm = &t->minimal;

	br_x509_minimal_init(xm, &br_sha256_vtable, ca->ta, ca->n);
	br_x509_minimal_set_hash(xm, br_sha1_ID, &br_sha1_vtable);
	br_x509_minimal_set_hash(xm, br_sha224_ID, &br_sha224_vtable);
	br_x509_minimal_set_hash(xm, br_sha256_ID, &br_sha256_vtable);
	br_x509_minimal_set_hash(xm, br_sha384_ID, &br_sha384_vtable);
	br_x509_minimal_set_hash(xm, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(xm, br_rsa_pkcs1_vrfy_get_default());
	br_x509_minimal_set_ecdsa(xm, br_ec_get_default(),
	    br_ecdsa_vrfy_asn1_get_default());
	br_ssl_engine_set_x509(&t->cc.eng, &xm->vtable);
}

bool
tls_client_init(struct tls_client *t, const struct tls_client_conf *conf,
    const char *server_name, const struct tls_client_session *slot)
{
	br_ssl_engine_context *eng = &t->cc.eng;
	bool resume = slot != NULL && slot->valid;

	br_ssl_client_zero(&t->cc);
	br_ssl_engine_set_versions(eng, conf->params.version_min,
	    conf->params.version_max);
	br_ssl_engine_set_suites(eng, conf->params.suites,
	    conf->params.nsuites);
	/* Not set_default_ecdsa: it would set BearSSL's EC, all curves. */
	br_ssl_client_set_default_rsapub(&t->cc);
	br_ssl_engine_set_default_rsavrfy(eng);
	br_ssl_engine_set_ecdsa(eng, br_ecdsa_vrfy_asn1_get_default());
	br_ssl_engine_set_des_cbc(eng, &br_des_ct_cbcenc_vtable,
	    &br_des_ct_cbcdec_vtable);
	tls_impl_engine(eng, &conf->impl);
	if (conf->ca != NULL)
		verify_engine(t, conf->ca);
	else {
		t->noverify.vtable = &noverify_class;
		br_ssl_engine_set_x509(eng, &t->noverify.vtable);
	}
	br_ssl_engine_set_buffer(eng, t->iobuf, sizeof(t->iobuf), 1);
	t->offered_len = resume ? slot->params.session_id_len : 0;
	if (resume) {
		br_ssl_engine_set_session_parameters(eng, &slot->params);
		memcpy(t->offered, slot->params.session_id, sizeof(t->offered));
	}
	if (!tls_io_seed(eng))
		return false;
	return br_ssl_client_reset(&t->cc, server_name, resume) != 0;
}

void
tls_client_save(const struct tls_client *t, struct tls_client_session *slot)
{
	if (!tls_client_can_write(t))
		return;
	br_ssl_engine_get_session_parameters(&t->cc.eng, &slot->params);
	slot->valid = slot->params.session_id_len > 0;
}

bool
tls_client_resumed(const struct tls_client *t)
{
	br_ssl_session_parameters p;

	/* A server that resumes answers with the id offered. */
	if (t->offered_len == 0 || !tls_client_can_write(t))
		return false;
	br_ssl_engine_get_session_parameters(&t->cc.eng, &p);
	return p.session_id_len == t->offered_len &&
	    memcmp(p.session_id, t->offered, t->offered_len) == 0;
}

enum tls_client_io
tls_client_pump(struct tls_client *t, int fd)
{
	br_ssl_engine_context *e = &t->cc.eng;
	bool readable = true, writable = true;
	int r;

	for (;;) {
		if (!tls_io_send(e, fd, &writable, false))
			return TLS_CLIENT_SOCKET;
		if (br_ssl_engine_current_state(e) & BR_SSL_CLOSED)
			return TLS_CLIENT_CLOSED;
		if (!readable ||
		    !(br_ssl_engine_current_state(e) & BR_SSL_RECVREC))
			return TLS_CLIENT_AGAIN;
		if ((r = tls_io_recv(e, fd, &readable)) == 0)
			return TLS_CLIENT_EOF;
		if (r == -1 && readable)
			return TLS_CLIENT_SOCKET;
	}
}

static int
client_recv(void *arg, int fd, bool *readable)
{
	return tls_io_recv(arg, fd, readable);
}

struct tls_end
tls_client_end(struct tls_client *t)
{
	struct tls_end e = { &t->cc.eng, client_recv, &t->cc.eng };

	return e;
}

unsigned
tls_client_events(const struct tls_client *t)
{
	unsigned st = br_ssl_engine_current_state(&t->cc.eng), ev = 0;

	if (st & BR_SSL_SENDREC)
		ev |= EPOLLOUT;
	if (st & BR_SSL_RECVREC)
		ev |= EPOLLIN;
	return ev;
}

bool
tls_client_can_write(const struct tls_client *t)
{
	return (br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_SENDAPP) != 0;
}

size_t
tls_client_write(struct tls_client *t, const void *data, size_t len)
{
	unsigned char *buf;
	size_t room;

	if (!tls_client_can_write(t))
		return 0;
	buf = br_ssl_engine_sendapp_buf(&t->cc.eng, &room);
	if (len > room)
		len = room;
	memcpy(buf, data, len);
	br_ssl_engine_sendapp_ack(&t->cc.eng, len);
	br_ssl_engine_flush(&t->cc.eng, 0);
	return len;
}

size_t
tls_client_read(struct tls_client *t, void *out, size_t len)
{
	unsigned char *buf;
	size_t avail;

	if ((br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_RECVAPP) == 0)
		return 0;
	buf = br_ssl_engine_recvapp_buf(&t->cc.eng, &avail);
	if (len > avail)
		len = avail;
	memcpy(out, buf, len);
	br_ssl_engine_recvapp_ack(&t->cc.eng, len);
	return len;
}

int
tls_client_error(const struct tls_client *t)
{
	return br_ssl_engine_last_error(&t->cc.eng);
}
