/*
 * Unit tests of a TLS site loaded from configuration words: two hosts
 * with their keys (signing in process), the same without keys (chains
 * only, for a key process to sign), each host's client CA, and the
 * messages of what fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tls/tls_site.h"
#include "tls_pair.h"

static struct tls_site site;

static bool
load(const struct tls_site_host *h, size_t n, bool keys, const char *ciphers,
    char *err, size_t errlen)
{
	struct tls_site_params p = { ciphers, "default", TLS_PROTO_DEFAULT,
	    300, false };

	tls_site_free(&site);
	memset(&site, 0, sizeof(site));
	return tls_site_load(&site, &p, h, n, keys, err, errlen);
}

int
main(void)
{
	const char *dir = pair_certs();
	char f[8][128], err[512];
	struct tls_site_host h[2];

	if (dir == NULL) {
		printf("Bail out! no test certificates\n");
		return 1;
	}
	(void)snprintf(f[0], sizeof(f[0]), "%s/a.crt", dir);
	(void)snprintf(f[1], sizeof(f[1]), "%s/a.key", dir);
	(void)snprintf(f[2], sizeof(f[2]), "%s/b.crt", dir);
	(void)snprintf(f[3], sizeof(f[3]), "%s/b.key", dir);
	(void)snprintf(f[4], sizeof(f[4]), "%s/ca2.crt", dir);
	(void)snprintf(f[5], sizeof(f[5]), "%s/none.crt", dir);
	memset(h, 0, sizeof(h));
	h[0] = (struct tls_site_host){ "a", f[0], f[1], NULL, false };
	h[1] = (struct tls_site_host){ "b", f[2], f[3], f[4], true };

	ok(load(h, 2, true, "secure", err, sizeof(err)), "two hosts with keys");
	ok(site.srv.nchains == 2 && site.srv.signer.sign == tls_sign_local &&
	    site.local.n == 2, "their chains, signed in process");
	ok(site.srv.client_auth != NULL && site.client_auth[0].ca == NULL &&
	    site.client_auth[1].ca != NULL && site.client_auth[1].optional,
	    "only b asks for client certificates, optionally");

	ok(load(h, 2, false, "secure", err, sizeof(err)) &&
	    site.srv.signer.sign == NULL && site.keys[0].mem == NULL &&
	    site.srv.nchains == 2, "without keys: chains only, no signer");

	h[1].cert = f[5];
	ok(!load(h, 2, true, "secure", err, sizeof(err)) &&
	    strncmp(err, "server \"b\": ", 12) == 0,
	    "a missing certificate names its host: %s", err);
	h[1].cert = f[2];
	h[1].key = f[1];
	ok(!load(h, 2, true, "secure", err, sizeof(err)) &&
	    strncmp(err, "server \"b\": ", 12) == 0,
	    "a key that is not the leaf's names its host: %s", err);
	h[1].key = f[3];
	ok(!load(h, 2, true, "NOPE-NONE", err, sizeof(err)) &&
	    strncmp(err, "tls: ", 5) == 0, "bad ciphers: %s", err);
	tls_site_free(&site);
	pair_rmcerts(dir);
	return done_testing();
}
