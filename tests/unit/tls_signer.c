/*
 * Unit tests of the signer seam: the chain and the key loaded apart,
 * full handshakes signed in this process and by a forked key process
 * that alone holds the key, the key process's refusals, and a key
 * process that is gone or stuck.  The handshakes per second of both
 * signers are printed as TAP comments, never asserted.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <time.h>

#include <skalibs/tai.h>

#include "tap.h"
#include "tls/tls_keyproc.h"
#include "tls_pair.h"

static const char *dir;
static struct tls_client_conf plain;	/* no verification */

static const char *
path(const char *name)
{
	static char p[4][256];
	static int next;

	next = (next + 1) % 4;
	(void)snprintf(p[next], sizeof(p[next]), "%s/%s", dir, name);
	return p[next];
}

/*
 * A key process in a child: it loads keyfile itself (the parent never
 * reads it) and serves the other end of a socketpair until it closes.
 * With `mute`, it reads requests and never answers.
 */
static pid_t
keyproc_start(const char *keyfile, bool mute, int *fd)
{
	struct tls_keyproc_server ks;
	struct tls_privkey key;
	char err[256];
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		(void)close(sv[0]);
		if (mute) {
			while (read(sv[1], err, sizeof(err)) > 0)
				continue;
			_exit(0);
		}
		if (!tls_privkey_load(&key, keyfile, err, sizeof(err)))
			_exit(1);
		tls_keyproc_server_init(&ks, sv[1], &key, 1);
		while (tls_keyproc_serve(&ks) == 1)
			continue;
		tls_keyproc_server_free(&ks);
		tls_privkey_free(&key);
		_exit(0);
	}
	(void)close(sv[1]);
	*fd = sv[0];
	return pid;
}

static void
keyproc_stop(pid_t pid, int fd)
{
	int status;

	(void)close(fd);
	(void)kill(pid, SIGTERM);
	(void)waitpid(pid, &status, 0);
}

static void
test_split(void)
{
	struct tls_chain ch;
	struct tls_privkey a, b;
	char err[512];

	ok(tls_chain_load(&ch, path("a.crt"), time(NULL), err, sizeof(err)) &&
	    ch.len == 1 && ch.key_type == BR_KEYTYPE_EC,
	    "a chain loads alone, its leaf's key type known");
	ok(tls_privkey_load(&a, path("a.key"), err, sizeof(err)) &&
	    a.key_type == BR_KEYTYPE_EC, "a key loads alone");
	ok(tls_privkey_load(&b, path("b.key"), err, sizeof(err)) &&
	    b.key_type == BR_KEYTYPE_RSA, "another key");
	ok(tls_privkey_matches(&a, &ch), "the leaf's key matches");
	ok(!tls_privkey_matches(&b, &ch), "another key does not");
	tls_privkey_free(&a);
	ok(a.mem == NULL && a.ec.x == NULL, "a freed key keeps no pointer");
	tls_privkey_free(&b);
	tls_chain_free(&ch);
	ok(!tls_keypair_load(&ch, &a, path("a.crt"), path("b.key"),
	    time(NULL), err, sizeof(err)), "a pair that does not match");
	ok(strstr(err, "b.key does not match the certificate") != NULL,
	    "... says so: %s", err);
	ok(ch.len == 0 && a.mem == NULL, "... and holds nothing");
	ok(!tls_chain_load(&ch, path("expired.crt"), time(NULL), err,
	    sizeof(err)), "an expired chain is refused on its own");
	ok(tls_chain_load(&ch, path("c.crt"), time(NULL), err, sizeof(err)) &&
	    ch.len == 2 && ch.key_type == BR_KEYTYPE_RSA,
	    "a chain of two, RSA leaf");
	tls_chain_free(&ch);
}

/* Handshakes per second of a fresh client with srv, for a comment. */
static double
rate(const struct tls_server *srv, int rounds)
{
	static struct tls_client cl;
	struct timespec t0, t1;
	int i, good = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++)
		if (tls_client_init(&cl, &plain, NULL, NULL) &&
		    pair_handshake(srv, &cl).done)
			good++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (good != rounds)
		return 0;
	return rounds / ((double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

/* One certificate's handshakes, signed here and by a key process. */
static void
test_handshakes(const char *name, const char *crt, const char *key,
    int rounds)
{
	static struct tls_client cl;
	struct tls_server srv;
	struct tls_chain ch;
	struct tls_privkey kp;
	struct tls_local_keys lk = { &kp, 1 };
	struct tls_keyproc_client kc;
	struct pair_result r;
	double local, remote;
	char err[512];
	pid_t pid;
	int fd;

	if (!ok(tls_keypair_load(&ch, &kp, path(crt), path(key), time(NULL),
	    err, sizeof(err)), "%s: keys", name))
		return;
	ok(pair_server(&srv, &ch, (struct tls_signer){ tls_sign_local, &lk },
	    "HIGH:!aNULL", TLS_PROTO_V1_2) &&
	    tls_client_init(&cl, &plain, NULL, NULL) &&
	    pair_handshake(&srv, &cl).done, "%s: a handshake signed in this "
	    "process", name);
	ok(pair_server(&srv, &ch, (struct tls_signer){ tls_sign_local, &lk },
	    "compat", TLS_PROTO_V1_0) &&
	    tls_client_init(&cl, &plain, NULL, NULL) &&
	    pair_handshake(&srv, &cl).done, "%s: TLS 1.0 (%s hash)", name,
	    kp.key_type == BR_KEYTYPE_RSA ? "MD5+SHA-1" : "SHA-1");
	local = rate(&srv, rounds);
	tls_privkey_free(&kp);

	pid = keyproc_start(path(key), false, &fd);
	tls_keyproc_client_init(&kc, fd);
	(void)pair_server(&srv, &ch,
	    (struct tls_signer){ tls_sign_remote, &kc }, "HIGH:!aNULL",
	    TLS_PROTO_V1_2);
	ok(tls_client_init(&cl, &plain, NULL, NULL) && pair_handshake(&srv, &cl).done,
	    "%s: a handshake signed by the key process, the key only there",
	    name);
	remote = rate(&srv, rounds);
	ok(local > 0 && remote > 0, "%s: %d handshakes each", name, rounds);
	printf("# %s: %.0f full handshakes/s signed in process, %.0f/s by a "
	    "key process over a socketpair (%.0f%%; sanitizer build)\n", name,
	    local, remote, local > 0 ? 100 * remote / local : 0);

	/* The key process dies: the handshake fails, nothing hangs. */
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
	(void)tls_client_init(&cl, &plain, NULL, NULL);
	r = pair_handshake(&srv, &cl);
	ok(!r.done && r.server_err != 0, "%s: a dead key process: the "
	    "handshake fails (server error %d)", name, r.server_err);
	tls_keyproc_client_free(&kc);
	(void)close(fd);

	/* Stuck: it reads and never answers; the worker gives up. */
	pid = keyproc_start(path(key), true, &fd);
	tls_keyproc_client_init(&kc, fd);
	kc.timeout_ms = 200;
	(void)tls_client_init(&cl, &plain, NULL, NULL);
	r = pair_handshake(&srv, &cl);
	ok(!r.done && r.server_err != 0, "%s: a stuck key process: the "
	    "handshake fails after the timeout", name);
	tls_keyproc_client_free(&kc);
	keyproc_stop(pid, fd);
	tls_chain_free(&ch);
}

/* One raw request to the key process; the answer's status, -1 if none. */
static int
raw_request(int fd, const unsigned char *req, size_t len, size_t *anslen)
{
	textmessage_sender out = TEXTMESSAGE_SENDER_ZERO;
	textmessage_receiver in;
	char buf[1024];
	struct iovec v;
	tain deadline;
	int status = -1;

	textmessage_sender_init(&out, fd);
	(void)textmessage_receiver_init(&in, fd, buf, sizeof(buf), 4096);
	tain_now_g();
	tain_from_millisecs(&deadline, 2000);
	tain_add_g(&deadline, &deadline);
	*anslen = 0;
	if (textmessage_timed_send_g(&out, (const char *)req, len,
	    &deadline) && textmessage_timed_receive_g(&in, &v, &deadline) ==
	    1 && v.iov_len >= 5 && memcmp(v.iov_base, req, 4) == 0) {
		status = ((unsigned char *)v.iov_base)[4];
		*anslen = v.iov_len;
	}
	textmessage_sender_free(&out);
	textmessage_receiver_free(&in);
	return status;
}

static size_t
request(unsigned char *req, uint32_t host, int type, unsigned hash,
    size_t hv_len)
{
	memset(req, 0, 10 + hv_len);
	req[3] = 7;			/* seq */
	req[4] = (unsigned char)(host >> 24);
	req[7] = (unsigned char)host;
	req[8] = (unsigned char)type;
	req[9] = (unsigned char)hash;
	memset(req + 10, 0x5c, hv_len);
	return 10 + hv_len;
}

static void
test_refusals(void)
{
	unsigned char req[512];
	size_t len, alen;
	char c;
	pid_t pid;
	int fd;

	pid = keyproc_start(path("a.key"), false, &fd);
	len = request(req, 0, BR_KEYTYPE_EC, br_sha256_ID, 32);
	ok(raw_request(fd, req, len, &alen) == TLS_SIGN_OK && alen > 5 + 8,
	    "a good request is signed");
	len = request(req, 1, BR_KEYTYPE_EC, br_sha256_ID, 32);
	ok(raw_request(fd, req, len, &alen) == TLS_SIGN_BAD_HOST && alen == 5,
	    "host 1 of 1 key: refused, nothing but the status");
	len = request(req, 0x1000000, BR_KEYTYPE_EC, br_sha256_ID, 32);
	ok(raw_request(fd, req, len, &alen) == TLS_SIGN_BAD_HOST && alen == 5,
	    "a huge host index: refused");
	len = request(req, 0, BR_KEYTYPE_RSA, br_sha256_ID, 32);
	ok(raw_request(fd, req, len, &alen) == TLS_SIGN_BAD_ALGORITHM &&
	    alen == 5, "RSA asked of an EC key: refused");
	len = request(req, 0, BR_KEYTYPE_EC, 0, 36);
	ok(raw_request(fd, req, len, &alen) == TLS_SIGN_BAD_ALGORITHM &&
	    alen == 5, "MD5+SHA-1 asked of an EC key: refused");
	len = request(req, 0, BR_KEYTYPE_EC, 9, 32);
	ok(raw_request(fd, req, len, &alen) == TLS_SIGN_BAD_ALGORITHM &&
	    alen == 5, "an unknown hash id: refused");
	len = request(req, 0, BR_KEYTYPE_EC, br_sha256_ID, 20);
	ok(raw_request(fd, req, len, &alen) == TLS_SIGN_BAD_REQUEST &&
	    alen == 5, "a hash value of the wrong length: refused");
	ok(raw_request(fd, req, 6, &alen) == TLS_SIGN_BAD_REQUEST &&
	    alen == 5, "a request too short: refused");
	len = request(req, 0, BR_KEYTYPE_EC, br_sha256_ID, 32);
	ok(raw_request(fd, req, len, &alen) == TLS_SIGN_OK,
	    "the key process still serves after refusals");
	len = request(req, 0, BR_KEYTYPE_EC, br_sha256_ID, 300);
	ok(raw_request(fd, req, len, &alen) == -1 && read(fd, &c, 1) == 0,
	    "a message over the bound: no answer, the connection is closed");
	keyproc_stop(pid, fd);
}

int
main(void)
{
	(void)signal(SIGPIPE, SIG_IGN);
	if ((dir = pair_certs()) == NULL) {
		printf("Bail out! openssl could not make the test certificates\n");
		return 1;
	}
	tls_client_conf_init(&plain, NULL, NULL);
	test_split();
	test_refusals();
	test_handshakes("ECDSA P-256", "a.crt", "a.key", 100);
	test_handshakes("RSA-2048", "b.crt", "b.key", 100);
	pair_rmcerts(dir);
	return done_testing();
}
