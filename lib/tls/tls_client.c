#include <sys/epoll.h>

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

/*
 * init_full wants a minimal X.509 context to wire in; it is replaced by
 * the no-verify class at once and never used, so one static suffices.
 */
static br_x509_minimal_context unused_minimal;

bool
tls_client_init(struct tls_client *t, const char *server_name)
{
	br_ssl_client_init_full(&t->cc, &unused_minimal, NULL, 0);
	t->x509.vtable = &noverify_class;
	br_ssl_engine_set_x509(&t->cc.eng, &t->x509.vtable);
	br_ssl_engine_set_versions(&t->cc.eng, BR_TLS10, BR_TLS12);
	br_ssl_engine_set_buffer(&t->cc.eng, t->iobuf, sizeof(t->iobuf), 1);
	if (!tls_io_seed(&t->cc.eng))
		return false;
	return br_ssl_client_reset(&t->cc, server_name, 0) != 0;
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
