/*
 * Two TLS ends in one loop, each behind a stream: a server connection
 * and a client on the two sides of a socketpair, pumped in turn through
 * the same stream calls a relay's two sides will use -- the handshake
 * happens on the way, then bytes cross both ways and close_notify ends
 * the client's stream at the server.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/stream.h"
#include "tap.h"
#include "tls/tls_client.h"
#include "tls/tls_signer.h"
#include "tls_pair.h"

static struct tls_chain chain;
static struct tls_privkey key;
static struct tls_local_keys local = { &key, 1 };

/* Pump both streams until want bytes reached `to` (or a bound). */
static ssize_t
cross(struct stream *from, struct stream *to, const char *msg, char *got,
    size_t size)
{
	ssize_t n = -1, sent = 0;
	int i;

	for (i = 0; i < 200; i++) {
		from->readable = from->writable = true;
		to->readable = to->writable = true;
		if (sent == 0 && (n = stream_write(from, msg, strlen(msg),
		    false)) > 0)
			sent = n;
		if (sent > 0)
			(void)stream_flush(from);
		/* The other side's engine may need to read to write. */
		(void)stream_read(from, got, 0);
		n = stream_read(to, got, size);
		if (n > 0 || n == 0)
			return n;
		if (errno != EAGAIN)
			return -1;
	}
	return -1;
}

int
main(void)
{
	const char *dir = pair_certs();
	struct tls_client_conf conf;
	struct tls_server srv;
	struct stream s_srv, s_cl;
	struct tls_client *cl;
	struct tls_conn *t;
	char path[2][160], err[256], got[64];
	int sv[2];
	ssize_t n;

	if (dir == NULL || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sv) == -1) {
		printf("Bail out! no certificates or socketpair\n");
		return 1;
	}
	(void)snprintf(path[0], sizeof(path[0]), "%s/a.crt", dir);
	(void)snprintf(path[1], sizeof(path[1]), "%s/a.key", dir);
	if (!tls_keypair_load(&chain, &key, path[0], path[1], time(NULL), err,
	    sizeof(err)) || !pair_server(&srv, &chain,
	    (struct tls_signer){ tls_sign_local, &local }, "secure",
	    TLS_PROTO_DEFAULT)) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	t = calloc(1, sizeof(*t));
	cl = calloc(1, sizeof(*cl));
	tls_client_conf_init(&conf, NULL, NULL);
	if (t == NULL || cl == NULL || !tls_conn_init(t, &srv) ||
	    !tls_client_init(cl, &conf, "a.test", NULL)) {
		printf("Bail out! no engines\n");
		return 1;
	}
	stream_open(&s_srv, sv[0]);
	stream_open(&s_cl, sv[1]);
	stream_start_tls(&s_srv, tls_conn_end(t));
	stream_start_tls(&s_cl, tls_client_end(cl));
	ok(stream_is_tls(&s_srv) && stream_is_tls(&s_cl), "two TLS streams");

	n = cross(&s_cl, &s_srv, "GET / HTTP/1.0\r\n\r\n", got, sizeof(got));
	ok(n == 18 && memcmp(got, "GET / HTTP/1.0\r\n\r\n", 18) == 0,
	    "client to server through the handshake: %zd bytes", n);
	n = cross(&s_srv, &s_cl, "HTTP/1.0 200 OK\r\n", got, sizeof(got));
	ok(n == 17 && memcmp(got, "HTTP/1.0 200 OK\r\n", 17) == 0,
	    "and back: %zd bytes", n);
	ok(stream_flushed(&s_srv) && stream_error(&s_srv) == NULL &&
	    stream_error(&s_cl) == NULL, "flushed, no error on either end");
	stream_close_notify(&s_cl);
	s_srv.readable = s_srv.writable = true;
	ok(stream_read(&s_srv, got, sizeof(got)) == 0,
	    "the client's close_notify is the server's end of stream");

	tls_conn_release(t);
	free(t);
	free(cl);
	tls_chain_free(&chain);
	tls_privkey_free(&key);
	(void)close(sv[0]);
	(void)close(sv[1]);
	pair_rmcerts(dir);
	return done_testing();
}
