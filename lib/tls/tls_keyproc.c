#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <skalibs/tai.h>

#include "tls/tls_keyproc.h"

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl != -1)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* --- the worker's end --- */

void
tls_keyproc_client_init(struct tls_keyproc_client *kc, int fd)
{
	nonblocking(fd);
	kc->out = textmessage_sender_zero;
	textmessage_sender_init(&kc->out, fd);
	(void)textmessage_receiver_init(&kc->in, fd, kc->inbuf,
	    sizeof(kc->inbuf), TLS_KEYPROC_ANS_MAX);
	kc->seq = 0;
	kc->timeout_ms = TLS_KEYPROC_TIMEOUT_MS;
}

void
tls_keyproc_client_free(struct tls_keyproc_client *kc)
{
	textmessage_sender_free(&kc->out);
	textmessage_receiver_free(&kc->in);
}

/*
 * The answer to request seq, waited for until deadline; answers to
 * requests that gave up earlier are dropped.  Its length, 0 if none.
 */
static size_t
await_answer(struct tls_keyproc_client *kc, uint32_t seq,
    const tain *deadline, unsigned char *sig, size_t sig_max)
{
	const unsigned char *a;
	struct iovec v;
	size_t n;

	for (;;) {
		if (textmessage_timed_receive_g(&kc->in, &v, deadline) <= 0)
			return 0;
		a = v.iov_base;
		if (v.iov_len < 5 || v.iov_len > TLS_KEYPROC_ANS_MAX)
			return 0;
		if (get32(a) != seq)
			continue;	/* a late answer to an earlier one */
		n = v.iov_len - 5;
		if (a[4] != TLS_SIGN_OK || n == 0 || n > sig_max)
			return 0;
		memcpy(sig, a + 5, n);
		return n;
	}
}

size_t
tls_sign_remote(void *arg, size_t host, int key_type, unsigned hash_id,
    const unsigned char *hv, size_t hv_len, unsigned char *sig,
    size_t sig_max)
{
	struct tls_keyproc_client *kc = arg;
	unsigned char req[TLS_KEYPROC_REQ_MAX];
	tain deadline;

	if (hv_len == 0 || hv_len > TLS_HASH_MAX || host > UINT32_MAX ||
	    key_type < 0 || key_type > 0xFF || hash_id > 0xFF)
		return 0;
	put32(req, ++kc->seq);
	put32(req + 4, (uint32_t)host);
	req[8] = (unsigned char)key_type;
	req[9] = (unsigned char)hash_id;
	memcpy(req + 10, hv, hv_len);
	tain_now_g();
	tain_from_millisecs(&deadline, (int)kc->timeout_ms);
	tain_add_g(&deadline, &deadline);
	if (!textmessage_timed_send_g(&kc->out, (const char *)req,
	    10 + hv_len, &deadline))
		return 0;
	return await_answer(kc, kc->seq, &deadline, sig, sig_max);
}

/* --- the key process's end --- */

/* The status of a request, its signature in ans + 5 if it is signed. */
static enum tls_sign_status
answer(const unsigned char *req, size_t len, const struct tls_privkey *keys,
    size_t n, unsigned char *ans, size_t *siglen)
{
	uint32_t host;

	*siglen = 0;
	if (len < 11 || len > TLS_KEYPROC_REQ_MAX)
		return TLS_SIGN_BAD_REQUEST;
	host = get32(req + 4);
	if (host >= n)
		return TLS_SIGN_BAD_HOST;
	return tls_privkey_sign(&keys[host], req[8], req[9], req + 10,
	    len - 10, ans + 5, siglen);
}

void
tls_keyproc_server_init(struct tls_keyproc_server *ks, int fd,
    const struct tls_privkey *keys, size_t n)
{
	nonblocking(fd);
	ks->out = textmessage_sender_zero;
	textmessage_sender_init(&ks->out, fd);
	(void)textmessage_receiver_init(&ks->in, fd, ks->inbuf,
	    sizeof(ks->inbuf), TLS_KEYPROC_REQ_MAX);
	ks->keys = keys;
	ks->n = n;
}

void
tls_keyproc_server_free(struct tls_keyproc_server *ks)
{
	textmessage_sender_free(&ks->out);
	textmessage_receiver_free(&ks->in);
}

int
tls_keyproc_serve(struct tls_keyproc_server *ks)
{
	unsigned char ans[TLS_KEYPROC_ANS_MAX];
	struct iovec v;
	size_t siglen;
	int r;

	r = textmessage_timed_receive_g(&ks->in, &v, &tain_infinite);
	if (r <= 0)
		return r == -1 && errno == EPIPE ? 0 : -1;
	memset(ans, 0, 5);
	if (v.iov_len >= 4)
		memcpy(ans, v.iov_base, 4);
	ans[4] = (unsigned char)answer(v.iov_base, v.iov_len, ks->keys,
	    ks->n, ans, &siglen);
	tain_now_g();
	r = textmessage_timed_send_g(&ks->out, (const char *)ans, 5 + siglen,
	    &tain_infinite) ? 1 : -1;
	explicit_bzero(ans, sizeof(ans));
	return r;
}
