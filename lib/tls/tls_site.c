#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tls/tls_site.h"

static bool
fail(char *err, size_t errlen, const char *host, const char *what)
{
	(void)snprintf(err, errlen, "server \"%s\": %s", host, what);
	return false;
}

/* The socket's suites, curves and versions, and its implementations. */
static bool
load_params(struct tls_site *site, const struct tls_site_params *p,
    char *err, size_t errlen)
{
	char why[256];

	if (!tls_params_set(&site->srv.params, p->ciphers, p->ecdhe,
	    p->protocols, why, sizeof(why))) {
		(void)snprintf(err, errlen, "tls: %s", why);
		return false;
	}
	site->srv.params.client_order = p->client_order;
	tls_server_prepare(&site->srv);
	if (site->srv.impl.ec.supported_curves == 0) {
		(void)snprintf(err, errlen, "tls ecdhe %s: no curve BearSSL "
		    "has", p->ecdhe);
		return false;
	}
	site->srv.lifetime = p->lifetime;
	return true;
}

/*
 * Each host's own client authorities: the handshake checks a client
 * against those of the host its SNI name chose (tls_server.c).
 */
static bool
load_client_ca(struct tls_site *site, size_t i, const struct tls_site_host *h,
    char *err, size_t errlen)
{
	char why[512];

	if (h->client_ca == NULL)
		return true;
	if (!tls_anchors_load(&site->client_ca[i], h->client_ca, why,
	    sizeof(why))) {
		(void)snprintf(err, errlen, "server \"%s\": tls client ca: %s",
		    h->name, why);
		return false;
	}
	site->client_auth[i].ca = &site->client_ca[i];
	site->client_auth[i].optional = h->client_optional;
	site->srv.client_auth = site->client_auth;
	return true;
}

bool
tls_site_load(struct tls_site *site, const struct tls_site_params *p,
    const struct tls_site_host *hosts, size_t n, bool with_keys, char *err,
    size_t errlen)
{
	char why[512];
	time_t now = time(NULL);
	bool ok;
	size_t i;

	if (n > TLS_SITE_HOSTS_MAX) {
		(void)snprintf(err, errlen, "more than %d servers on one TLS "
		    "socket", TLS_SITE_HOSTS_MAX);
		return false;
	}
	if (!load_params(site, p, err, errlen))
		return false;
	for (i = 0; i < n; i++) {
		site->n = i + 1;
		ok = with_keys ? tls_keypair_load(&site->chains[i],
		    &site->keys[i], hosts[i].cert, hosts[i].key, now, why,
		    sizeof(why)) : tls_chain_load(&site->chains[i],
		    hosts[i].cert, now, why, sizeof(why));
		if (!ok)
			return fail(err, errlen, hosts[i].name, why);
		if (!load_client_ca(site, i, &hosts[i], err, errlen))
			return false;
	}
	site->srv.chains = site->chains;
	site->srv.nchains = n;
	if (with_keys) {
		site->local.keys = site->keys;
		site->local.n = n;
		site->srv.signer.sign = tls_sign_local;
		site->srv.signer.arg = &site->local;
	}
	return true;
}

void
tls_site_free(struct tls_site *site)
{
	size_t i;

	for (i = 0; i < site->n; i++) {
		tls_chain_free(&site->chains[i]);
		tls_privkey_free(&site->keys[i]);
		tls_anchors_free(&site->client_ca[i]);
	}
	site->n = 0;
}
