/*
 * tls_pair.h: a tls_server connection and a tls_client on the two ends
 * of a socketpair in one process, pumped in turn until the handshake
 * ends -- a real handshake without a network.  Header-only, for the
 * unit tests of lib/tls.  The certificates come from tests/lib/certs.sh
 * (the unit tests run from the top of the tree).
 */
#ifndef UNIT_TLS_PAIR_H
#define UNIT_TLS_PAIR_H

#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tls/tls_client.h"
#include "tls/tls_server.h"

/* The test PKI of certs.sh, made in a fresh directory; NULL if not. */
__attribute__((unused)) static const char *
pair_certs(void)
{
	static char dir[] = "/tmp/tls-unit.XXXXXX";
	char cmd[256];

	if (mkdtemp(dir) == NULL)
		return NULL;
	(void)snprintf(cmd, sizeof(cmd), "sh -c 'bail_out() { exit 1; }; "
	    ". tests/lib/certs.sh && make_certs %s'", dir);
	return system(cmd) == 0 ? dir : NULL;
}

__attribute__((unused)) static void
pair_rmcerts(const char *dir)
{
	char cmd[256];

	if (dir == NULL)
		return;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
}

__attribute__((unused)) static size_t
pair_select_first(const void *arg, const char *sni)
{
	(void)arg;
	(void)sni;
	return 0;
}

/* A server on one chain with signer sg: ciphers, curves, versions. */
__attribute__((unused)) static bool
pair_server(struct tls_server *srv, const struct tls_chain *ch,
    struct tls_signer sg, const char *ciphers, unsigned versions)
{
	char err[256];

	memset(srv, 0, sizeof(*srv));
	if (!tls_params_ciphers(&srv->params, ciphers, err, sizeof(err)) ||
	    !tls_params_curves(&srv->params, "default", err, sizeof(err)) ||
	    !tls_params_versions(&srv->params, versions, err, sizeof(err)))
		return false;
	tls_server_prepare(srv);
	srv->chains = ch;
	srv->nchains = 1;
	srv->signer = sg;
	srv->select = pair_select_first;
	return true;
}

struct pair_result {
	bool	 done;		/* both ends finished the handshake */
	int	 server_err;	/* BearSSL's last errors */
	int	 client_err;
	bool	 resumed;	/* the server resumed a session */
};

/* One handshake of cl (initialised) with a new connection to srv. */
__attribute__((unused)) static struct pair_result
pair_handshake(const struct tls_server *srv, struct tls_client *cl)
{
	struct pair_result r = { false, 0, 0, false };
	struct tls_conn *t;
	struct tls_end end;
	unsigned char buf[64];
	enum tls_client_io io;
	bool rd, wr;
	ssize_t n;
	int sv[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1 ||
	    (t = calloc(1, sizeof(*t))) == NULL)
		return r;
	if (!tls_conn_init(t, srv))
		goto out;
	end = tls_conn_end(t);
	for (i = 0; i < 100; i++) {
		rd = wr = true;
		n = tls_end_read(&end, sv[0], &rd, &wr, buf, sizeof(buf));
		if (n == 0 || (n == -1 && errno != EAGAIN))
			break;
		io = tls_client_pump(cl, sv[1]);
		if (io != TLS_CLIENT_AGAIN)
			break;
		if ((br_ssl_engine_current_state(&t->sc.eng) &
		    BR_SSL_SENDAPP) && tls_client_can_write(cl)) {
			r.done = true;
			break;
		}
	}
	r.server_err = br_ssl_engine_last_error(&t->sc.eng);
	r.client_err = tls_client_error(cl);
	r.resumed = t->resumed;
out:
	tls_conn_release(t);
	free(t);
	(void)close(sv[0]);
	(void)close(sv[1]);
	return r;
}

#endif
