/*
 * tlssetup: what a TLS socket serves with, built by the root parent for
 * each generation before the workers fork -- a tls_site from the servers
 * of the socket (certificates and keys read from anywhere, usually
 * outside the chroot), how an SNI name picks one of them, and one
 * session cache shared by all the workers.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "httpd.h"
#include "tls/tls_site.h"
#include "worker.h"

/*
 * A TLS socket's site (lib/tls/tls_site): httpd's workers hold their
 * keys and sign themselves, as OpenBSD's httpd does.
 */
struct listener_tls {
	struct tls_site		site;
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
setup_listener(struct httpd_state *st, struct listener *l, size_t index)
{
	const struct httpd_tls *conf = &l->servers[0]->tls;
	struct tls_site_host hosts[TLS_SITE_HOSTS_MAX];
	struct tls_site_params params = { conf->ciphers, conf->ecdhe,
	    conf->protocols, conf->ticket_lifetime > 0 ?
	    conf->ticket_lifetime : SESSION_LIFETIME_DEFAULT, false };
	struct listener_tls *lt;
	char err[512];
	size_t i;

	if ((lt = calloc(1, sizeof(*lt))) == NULL)
		return setup_fail(st, true, "tls");
	l->tlsctx = lt;
	for (i = 0; i < l->nservers && i < TLS_SITE_HOSTS_MAX; i++) {
		conf = &l->servers[i]->tls;
		hosts[i].name = l->servers[i]->name;
		hosts[i].cert = conf->certificate;
		hosts[i].key = conf->key;
		hosts[i].client_ca = conf->client_ca;
		hosts[i].client_optional = conf->client_optional;
	}
	if (!tls_site_load(&lt->site, &params, hosts, l->nservers, true, err,
	    sizeof(err)))
		return setup_fail(st, false, "%s", err);
	lt->site.srv.cache = st->tls_cache;
	lt->site.srv.cache_tag = (uint32_t)index;
	lt->site.srv.select = select_by_sni;
	lt->site.srv.select_arg = l;
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
	size_t i;

	for (i = 0; i < st->nlisteners; i++) {
		if ((lt = st->listeners[i].tlsctx) == NULL)
			continue;
		tls_site_free(&lt->site);
		free(lt);
		st->listeners[i].tlsctx = NULL;
	}
	tls_cache_free(st->tls_cache);
	st->tls_cache = NULL;
}

const struct tls_server *
listener_tls_server(const struct listener *l)
{
	return l->tlsctx != NULL ? &l->tlsctx->site.srv : NULL;
}
