/*
 * tlssetup: what a TLS socket serves with, built by the root parent for
 * each generation before the workers fork -- certificates and keys read
 * from anywhere (they are usually outside the chroot), the suites,
 * curves and versions of the configuration, the client CAs, and one
 * session cache shared by all the workers.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "httpd.h"
#include "tls/tls_server.h"
#include "worker.h"

struct listener_tls {
	struct tls_server	srv;
	/*
	 * Chains and keys, as listener.servers: httpd's workers hold their
	 * keys and sign themselves, as OpenBSD's httpd does.
	 */
	struct tls_chain	chains[32];
	struct tls_privkey	keys[32];
	struct tls_local_keys	local;
	struct tls_anchors	client_ca[32];	/* each server's own */
	struct tls_client_auth	client_auth[32];
};

/* Sessions live this long when `tls ticket lifetime` does not say. */
enum { SESSION_LIFETIME_DEFAULT = 300 };

static size_t
select_by_sni(const void *arg, const char *sni)
{
	struct http_slice name = { sni, strlen(sni) };

	return vhost_index(arg, name);
}

static bool
socket_params(struct httpd_state *st, struct listener_tls *lt,
    const struct httpd_tls *conf)
{
	char err[256];

	if (!tls_params_ciphers(&lt->srv.params, conf->ciphers, err,
	    sizeof(err)) || !tls_params_curves(&lt->srv.params, conf->ecdhe,
	    err, sizeof(err)) || !tls_params_versions(&lt->srv.params,
	    conf->protocols, err, sizeof(err)))
		return setup_fail(st, false, "tls: %s", err);
	tls_server_prepare(&lt->srv);
	if (lt->srv.impl.ec.supported_curves == 0)
		return setup_fail(st, false, "tls ecdhe %s: no curve BearSSL "
		    "has", conf->ecdhe);
	lt->srv.lifetime = conf->ticket_lifetime > 0 ?
	    conf->ticket_lifetime : SESSION_LIFETIME_DEFAULT;
	return true;
}

/*
 * Each server's own client authorities: the handshake checks a client
 * against those of the server its SNI name chose (tls_server.c).
 */
static bool
client_cas(struct httpd_state *st, struct listener *l,
    struct listener_tls *lt)
{
	const struct httpd_tls *conf;
	char err[512];
	bool any = false;
	size_t i;

	for (i = 0; i < l->nservers; i++) {
		conf = &l->servers[i]->tls;
		if (conf->client_ca == NULL)
			continue;
		if (!tls_anchors_load(&lt->client_ca[i], conf->client_ca, err,
		    sizeof(err)))
			return setup_fail(st, false, "server \"%s\": tls "
			    "client ca: %s", l->servers[i]->name, err);
		lt->client_auth[i].ca = &lt->client_ca[i];
		lt->client_auth[i].optional = conf->client_optional;
		any = true;
	}
	if (any)
		lt->srv.client_auth = lt->client_auth;
	return true;
}

static bool
setup_listener(struct httpd_state *st, struct listener *l, size_t index)
{
	const struct httpd_tls *conf = &l->servers[0]->tls;
	struct listener_tls *lt;
	char err[512];
	size_t i;

	if ((lt = calloc(1, sizeof(*lt))) == NULL)
		return setup_fail(st, true, "tls");
	l->tlsctx = lt;
	if (!socket_params(st, lt, conf))
		return false;
	for (i = 0; i < l->nservers; i++) {
		conf = &l->servers[i]->tls;
		if (!tls_keypair_load(&lt->chains[i], &lt->keys[i],
		    conf->certificate, conf->key, time(NULL), err,
		    sizeof(err)))
			return setup_fail(st, false, "server \"%s\": %s",
			    l->servers[i]->name, err);
	}
	lt->srv.chains = lt->chains;
	lt->srv.nchains = l->nservers;
	lt->local.keys = lt->keys;
	lt->local.n = l->nservers;
	lt->srv.signer.sign = tls_sign_local;
	lt->srv.signer.arg = &lt->local;
	if (!client_cas(st, l, lt))
		return false;
	lt->srv.cache = st->tls_cache;
	lt->srv.cache_tag = (uint32_t)index;
	lt->srv.select = select_by_sni;
	lt->srv.select_arg = l;
	return true;
}

bool
tls_setup(struct httpd_state *st)
{
	size_t i;

	for (i = 0; i < st->nlisteners; i++) {
		if (!st->listeners[i].tls)
			continue;
		if (st->tls_cache == NULL &&
		    (st->tls_cache = tls_cache_new(TLS_CACHE_ENTRIES)) == NULL)
			return setup_fail(st, true, "tls session cache");
		if (!setup_listener(st, &st->listeners[i], i))
			return false;
	}
	return true;
}

void
tls_teardown(struct httpd_state *st)
{
	struct listener_tls *lt;
	size_t i, k;

	for (i = 0; i < st->nlisteners; i++) {
		if ((lt = st->listeners[i].tlsctx) == NULL)
			continue;
		for (k = 0; k < st->listeners[i].nservers; k++) {
			tls_chain_free(&lt->chains[k]);
			tls_privkey_free(&lt->keys[k]);
			tls_anchors_free(&lt->client_ca[k]);
		}
		free(lt);
		st->listeners[i].tlsctx = NULL;
	}
	tls_cache_free(st->tls_cache);
	st->tls_cache = NULL;
}

const struct tls_server *
listener_tls_server(const struct listener *l)
{
	return l->tlsctx != NULL ? &l->tlsctx->srv : NULL;
}
