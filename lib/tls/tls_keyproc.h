/*
 * tls_keyproc: signing over a socket, for a process that must never
 * hold a private key (relay's workers) and a key process that holds
 * them (relayd's `ca`).  The two ends share a connected AF_UNIX
 * SOCK_STREAM socketpair; each message is a skalibs textmessage (a
 * 4-byte length, then the bytes), bounded on both sides.
 *
 *   request  seq(4) host(4) key_type(1) hash_id(1) hash value (1..64)
 *   answer   seq(4) status(1) signature (0..TLS_SIG_MAX; only if OK)
 *
 * Integers are big-endian; key_type is BR_KEYTYPE_RSA or _EC, hash_id
 * BearSSL's (0: MD5+SHA-1), status an enum tls_sign_status.  One
 * request, one answer: the key process answers every well-formed
 * request, refusing a host index it has no key for or an algorithm
 * that is not the key's with an error status, and sends nothing but
 * signatures -- never key material.  A malformed message ends its side
 * of the connection: a stream has no way to find the next message.
 *
 * BearSSL's policy callback must return the signature, so the worker's
 * side is synchronous: the worker blocks on the key process for one
 * signature (at most TLS_KEYPROC_TIMEOUT_MS), every other connection of
 * that worker waiting meanwhile.  The sequence number lets an answer
 * that comes after its request gave up be told apart and dropped.
 * Writing to a key process that died is an EPIPE: the caller ignores
 * SIGPIPE, as every program of the suite does (net/signals).
 */
#ifndef TLS_KEYPROC_H
#define TLS_KEYPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <skalibs/textmessage.h>

#include "tls/tls_keys.h"
#include "tls/tls_signer.h"

enum {
	TLS_KEYPROC_REQ_MAX = 10 + TLS_HASH_MAX,
	TLS_KEYPROC_ANS_MAX = 5 + TLS_SIG_MAX,
	/* A signature takes milliseconds; the key process being stuck
	 * must not hold a worker's every connection for longer. */
	TLS_KEYPROC_TIMEOUT_MS = 2000
};

/* The worker's end: the arg of tls_sign_remote. */
struct tls_keyproc_client {
	textmessage_sender	 out;
	textmessage_receiver	 in;
	char			 inbuf[TLS_KEYPROC_ANS_MAX + 4];
	uint32_t		 seq;
	unsigned		 timeout_ms;
};

/*
 * Take fd (made non-blocking) as the connection to the key process.
 * tls_keyproc_client_free releases the buffers, not the descriptor.
 */
void	tls_keyproc_client_init(struct tls_keyproc_client *, int fd);
void	tls_keyproc_client_free(struct tls_keyproc_client *);

/*
 * A tls_sign_fn (tls_signer.h) whose arg is a tls_keyproc_client:
 * sends the request and waits for its answer; 0 if the key process
 * refused, did not answer in time or is gone.
 */
size_t	tls_sign_remote(void *arg, size_t host, int key_type,
	    unsigned hash_id, const unsigned char *hv, size_t hv_len,
	    unsigned char *sig, size_t sig_max);

/*
 * The key process's end, one per worker connection: answers requests
 * with keys[host], n keys, which stay the caller's.
 */
struct tls_keyproc_server {
	textmessage_sender	 out;
	textmessage_receiver	 in;
	char			 inbuf[TLS_KEYPROC_REQ_MAX + 4];
	const struct tls_privkey *keys;
	size_t			 n;
};

void	tls_keyproc_server_init(struct tls_keyproc_server *, int fd,
	    const struct tls_privkey *keys, size_t n);
void	tls_keyproc_server_free(struct tls_keyproc_server *);
/*
 * Wait for one request and answer it: 1 answered (a refusal is an
 * answer too), 0 the worker closed the connection, -1 a malformed
 * message or an error (errno): the caller closes the connection then.
 */
int	tls_keyproc_serve(struct tls_keyproc_server *);

#endif
