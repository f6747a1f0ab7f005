/*
 * tlssetup: TLS for the relays, built by the parent for each generation.
 *
 * listen ... tls: the protocol's `tls keypair` names, as relayd finds
 * them (/etc/ssl/NAME.crt and /etc/ssl/private/NAME.key unless `cert
 * file` and `key file` say otherwise; the listen address's name when no
 * keypair is named).  The workers get the certificate chains only: the
 * keys are loaded here for the key process (keyproc.c) and wiped from
 * the parent once it has them.  A ClientHello's SNI name chooses the
 * keypair of that name, else the first.
 *
 * forward with tls: the protocol's `tls ca file` verifies the hosts'
 * certificates; without it they are not verified, as relayd does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "relay.h"

enum { SESSION_LIFETIME = 300 };

static const char *
or_default(const char *s, const char *def)
{
	return s != NULL ? s : def;
}

static size_t
select_by_sni(const void *arg, const char *sni)
{
	const struct rrelay *r = arg;
	const struct rd_keypair *k;
	size_t i = 0;

	for (k = r->proto->keypairs; k != NULL; k = k->next, i++)
		if (strcasecmp(k->name, sni) == 0)
			return i;
	return 0;
}

static bool
keypair_paths(struct relay_state *st, const struct rd_keypair *k,
    const char *name, char *cert, char *key, size_t size)
{
	int a, b;

	if (k != NULL && k->cert_file != NULL)
		a = snprintf(cert, size, "%s", k->cert_file);
	else
		a = snprintf(cert, size, "/etc/ssl/%s.crt", name);
	if (k != NULL && k->key_file != NULL)
		b = snprintf(key, size, "%s", k->key_file);
	else
		b = snprintf(key, size, "/etc/ssl/private/%s.key", name);
	if (a < 0 || (size_t)a >= size || b < 0 || (size_t)b >= size)
		return relay_fail(st, false, "keypair %s: path too long",
		    name);
	return true;
}

/* One more key for the key process; the relay's keys are in a row. */
static bool
load_key(struct relay_state *st, const char *keyfile)
{
	struct tls_privkey *k;
	char err[256];

	k = realloc(st->keys, (st->nkeys + 1) * sizeof(*k));
	if (k == NULL)
		return relay_fail(st, true, "keys");
	st->keys = k;
	memset(&k[st->nkeys], 0, sizeof(*k));
	if (!tls_privkey_load(&k[st->nkeys], keyfile, err, sizeof(err)))
		return relay_fail(st, false, "%s", err);
	st->nkeys++;
	return true;
}

static bool
setup_site(struct relay_state *st, struct rrelay *r)
{
	static char paths[TLS_SITE_HOSTS_MAX][2][1024];
	struct tls_site_host hosts[TLS_SITE_HOSTS_MAX];
	const struct rd_protocol *pr = r->proto;
	struct tls_site_params params = { or_default(pr != NULL ?
	    pr->ciphers : NULL, "HIGH:!aNULL"), or_default(pr != NULL ?
	    pr->ecdhe : NULL, "default"), pr != NULL ? pr->tls_protocols :
	    TLS_PROTO_DEFAULT, SESSION_LIFETIME, pr != NULL &&
	    (pr->tls_flags & RD_TLS_CIPHER_SERVER_PREF) == 0 };
	const struct rd_keypair *k = pr != NULL ? pr->keypairs : NULL;
	size_t n = 0;
	char err[512];

	memset(hosts, 0, sizeof(hosts));
	r->key_base = st->nkeys;
	do {
		if (n == TLS_SITE_HOSTS_MAX)
			return relay_fail(st, false, "relay %s: more than %d "
			    "keypairs", r->name, TLS_SITE_HOSTS_MAX);
		hosts[n].name = k != NULL ? k->name : r->conf->listens->name;
		if (!keypair_paths(st, k, hosts[n].name, paths[n][0],
		    paths[n][1], sizeof(paths[n][0])) ||
		    !load_key(st, paths[n][1]))
			return false;
		hosts[n].cert = paths[n][0];
		hosts[n].key = paths[n][1];
		n++;
	} while (k != NULL && (k = k->next) != NULL);
	if ((r->site = calloc(1, sizeof(*r->site))) == NULL)
		return relay_fail(st, true, "tls");
	if (!tls_site_load(r->site, &params, hosts, n, false, err,
	    sizeof(err)))
		return relay_fail(st, false, "relay %s: %s", r->name, err);
	r->site->srv.cache = st->tls_cache;
	r->site->srv.cache_tag = r->index;
	if (pr != NULL) {
		r->site->srv.select = select_by_sni;
		r->site->srv.select_arg = r;
	}
	return true;
}

static bool
setup_client(struct relay_state *st, struct rrelay *r)
{
	const struct rd_protocol *pr = r->proto;
	struct tls_params params;
	char err[256];

	memset(&params, 0, sizeof(params));
	if (!tls_params_set(&params, or_default(pr != NULL ? pr->ciphers :
	    NULL, "HIGH:!aNULL"), or_default(pr != NULL ? pr->ecdhe : NULL,
	    "default"), pr != NULL ? pr->tls_protocols : TLS_PROTO_DEFAULT,
	    err, sizeof(err)))
		return relay_fail(st, false, "relay %s: %s", r->name, err);
	if (pr != NULL && pr->ca_file != NULL &&
	    !tls_anchors_load(&r->ca, pr->ca_file, err, sizeof(err)))
		return relay_fail(st, false, "relay %s: tls ca file: %s",
		    r->name, err);
	tls_client_conf_init(&r->client, &params, r->ca.n > 0 ? &r->ca :
	    NULL);
	r->client_ready = true;
	return true;
}

static bool
relay_has_tls(const struct rrelay *r, bool *listen, bool *forward)
{
	const struct rd_listen *l;
	int i;

	*listen = *forward = false;
	for (l = r->conf->listens; l != NULL; l = l->next)
		*listen |= l->tls;
	for (i = 0; i < r->nfwd; i++)
		*forward |= r->fwd[i].tls;
	return *listen || *forward;
}

bool
relay_tls_setup(struct relay_state *st)
{
	bool listen, forward;
	uint32_t i;

	for (i = 0; i < st->nrelays; i++) {
		if (!relay_has_tls(&st->relays[i], &listen, &forward))
			continue;
		if (listen && st->tls_cache == NULL &&
		    (st->tls_cache = tls_cache_new(TLS_CACHE_ENTRIES)) == NULL)
			return relay_fail(st, true, "tls session cache");
		if (listen && !setup_site(st, &st->relays[i]))
			return false;
		if (forward && !setup_client(st, &st->relays[i]))
			return false;
	}
	return true;
}

/* The keys are the key process's now: none stays in the parent. */
void
relay_tls_forget_keys(struct relay_state *st)
{
	size_t i;

	for (i = 0; i < st->nkeys; i++)
		tls_privkey_free(&st->keys[i]);
	free(st->keys);
	st->keys = NULL;
	st->nkeys = 0;
}

void
relay_tls_teardown(struct relay_state *st)
{
	uint32_t i;

	relay_tls_forget_keys(st);
	for (i = 0; i < st->nrelays; i++) {
		if (st->relays[i].site != NULL) {
			tls_site_free(st->relays[i].site);
			free(st->relays[i].site);
			st->relays[i].site = NULL;
		}
		tls_anchors_free(&st->relays[i].ca);
	}
	tls_cache_free(st->tls_cache);
	st->tls_cache = NULL;
}
