/*
 * The checks that talk TCP: tcp, tls, http and https (code or digest),
 * send/expect and binary send/expect, each optionally over TLS.  A probe
 * is a small state machine driven by epoll: connect, TLS handshake,
 * send the request, read until the answer decides.  Everything it keeps
 * is bounded: PROBE_READ_MAX bytes of answer, PROBE_BODY_MAX bytes of a
 * body to hash.  The round's deadline (checker.c) ends what is left.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bearssl.h>

#include "base/die.h"
#include "base/hex.h"
#include "checkd.h"
#include "tls/tls_client.h"

enum {
	HTTP_HEAD_MAX = 8192,	/* status line and headers of a check */
	READS_PER_EVENT = 4	/* then let other probes have the loop */
};

struct probe {
	int			 fd;
	enum probe_phase	 phase;
	uint32_t		 events;	/* epoll interest */
	struct tls_client	*tls;
	char			*req;		/* request bytes, or NULL */
	size_t			 reqlen, sent;
	unsigned char		*buf;		/* answer so far (NUL-ended) */
	size_t			 len, cap;
	bool			 in_body;	/* digest: past the headers */
	size_t			 body;
	br_sha1_context		 sha1;
	br_md5_context		 md5;
};

/* A verdict: decided (up or down with a reason), or read on. */
struct verdict {
	bool		 decided, up;
	enum reason	 reason;
};

static const struct verdict more = { false, false, R_NONE };

static struct verdict
decide(bool up, enum reason r)
{
	struct verdict v = { true, up, r };

	return v;
}

static void
cleanup(struct checker *c, struct host *h)
{
	struct probe *p = h->probe;
	struct linger lg = { 1, 0 };

	if (p == NULL)
		return;
	if (p->fd != -1) {
		evloop_del(&c->loop, p->fd);
		/* A reset, not TIME_WAIT: thousands of checks a second. */
		(void)setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		(void)close(p->fd);
	}
	free(p->tls);
	free(p->req);
	free(p->buf);
	free(p);
	h->probe = NULL;
}

static void
finish(struct checker *c, struct host *h, bool up, enum reason r)
{
	cleanup(c, h);
	check_done(c, h, up, r);
}

static void
want(struct checker *c, struct host *h, uint32_t events)
{
	struct probe *p = h->probe;

	(void)evloop_set(&c->loop, p->fd, tag_host(c, h), events, &p->events);
}

/* relayd's requests: HEAD for a code, GET for a digest, HTTP/1.0. */
static bool
build_request(const struct rd_check *ck, struct probe *p)
{
	const char *method = ck->type == RD_CHECK_HTTP_CODE ? "HEAD" : "GET";
	int n;

	switch (ck->type) {
	case RD_CHECK_HTTP_CODE:
	case RD_CHECK_HTTP_DIGEST:
		if (ck->host != NULL)
			n = asprintf(&p->req, "%s %s HTTP/1.1\r\nHost: %s\r\n"
			    "Connection: close\r\n\r\n", method, ck->path,
			    ck->host);
		else
			n = asprintf(&p->req, "%s %s HTTP/1.0\r\n\r\n", method,
			    ck->path);
		if (n < 0) {
			p->req = NULL;
			return false;
		}
		p->reqlen = (size_t)n;
		break;
	case RD_CHECK_SEND_EXPECT:
		if (ck->send != NULL && (p->req = strdup(ck->send)) == NULL)
			return false;
		p->reqlen = ck->send != NULL ? strlen(ck->send) : 0;
		break;
	case RD_CHECK_BINARY:
		if (ck->send_bin_len > 0) {
			if ((p->req = malloc(ck->send_bin_len)) == NULL)
				return false;
			memcpy(p->req, ck->send_bin, ck->send_bin_len);
		}
		p->reqlen = ck->send_bin_len;
		break;
	default:
		break;
	}
	return true;
}

/* Keep up to PROBE_READ_MAX bytes; false when that is exceeded. */
static bool
append(struct probe *p, const unsigned char *data, size_t n)
{
	size_t ncap;
	unsigned char *nb;

	if (p->len + n > PROBE_READ_MAX)
		return false;
	if (n == 0 || data == NULL)	/* end of the answer: nothing to add */
		return true;
	if (p->len + n + 1 > p->cap) {
		ncap = p->cap == 0 ? 1024 : p->cap;
		while (ncap < p->len + n + 1)
			ncap *= 2;
		if ((nb = realloc(p->buf, ncap)) == NULL)
			return false;
		p->buf = nb;
		p->cap = ncap;
	}
	memcpy(p->buf + p->len, data, n);
	p->len += n;
	p->buf[p->len] = '\0';
	return true;
}

/* "HTTP/1.x NNN": the status code, or -1 if the line is not that. */
static int
status_code(const unsigned char *b, size_t len)
{
	if (len < 12 || memcmp(b, "HTTP/1.", 7) != 0 ||
	    (b[7] != '0' && b[7] != '1') || b[8] != ' ' ||
	    b[9] < '1' || b[9] > '9' || b[10] < '0' || b[10] > '9' ||
	    b[11] < '0' || b[11] > '9' || (len > 12 && b[12] != ' ' &&
	    b[12] != '\r' && b[12] != '\n'))
		return -1;
	return (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
}

static struct verdict
verdict_code(const struct rd_check *ck, struct probe *p, bool eof)
{
	const unsigned char *nl = p->len > 0 ? memchr(p->buf, '\n', p->len) :
	    NULL;
	int code;

	if (nl == NULL)
		return eof || p->len >= HTTP_HEAD_MAX ?
		    decide(false, R_HTTP_CODE_ERROR) : more;
	if ((code = status_code(p->buf, (size_t)(nl - p->buf + 1))) == -1)
		return decide(false, R_HTTP_CODE_ERROR);
	return code == ck->code ? decide(true, R_HTTP_CODE_OK) :
	    decide(false, R_HTTP_CODE_FAIL);
}

static struct verdict
digest_end(const struct rd_check *ck, struct probe *p)
{
	unsigned char d[br_sha1_SIZE];
	char text[2 * br_sha1_SIZE + 1];

	if (ck->digest_type == RD_DIGEST_MD5) {
		br_md5_out(&p->md5, d);
		hex_encode(d, br_md5_SIZE, text);
	} else {
		br_sha1_out(&p->sha1, d);
		hex_encode(d, br_sha1_SIZE, text);
	}
	return strcmp(text, ck->digest) == 0 ? decide(true, R_HTTP_DIGEST_OK) :
	    decide(false, R_HTTP_DIGEST_FAIL);
}

static void
hash(const struct rd_check *ck, struct probe *p, const void *d, size_t n)
{
	if (ck->digest_type == RD_DIGEST_MD5)
		br_md5_update(&p->md5, d, n);
	else
		br_sha1_update(&p->sha1, d, n);
	p->body += n;
}

/* The body after the headers, hashed as it comes: never kept. */
static struct verdict
feed_digest(const struct rd_check *ck, struct probe *p,
    const unsigned char *d, size_t n, bool eof)
{
	unsigned char *end;
	size_t head;

	if (!p->in_body) {
		if (!append(p, d, n) || p->len > HTTP_HEAD_MAX)
			return decide(false, R_HTTP_DIGEST_ERROR);
		if ((end = memmem(p->buf, p->len, "\r\n\r\n", 4)) == NULL)
			return eof ? decide(false, R_HTTP_DIGEST_ERROR) : more;
		head = (size_t)(end - p->buf) + 4;
		p->in_body = true;
		br_sha1_init(&p->sha1);
		br_md5_init(&p->md5);
		d = p->buf + head;
		n = p->len - head;
	}
	hash(ck, p, d, n);
	if (p->body > PROBE_BODY_MAX)
		return decide(false, R_RESPONSE_TOO_LARGE);
	return eof ? digest_end(ck, p) : more;
}

static struct verdict
feed(struct host *h, const unsigned char *d, size_t n, bool eof)
{
	const struct rd_check *ck = h->table->check;
	struct probe *p = h->probe;
	bool kept;

	if (ck->type == RD_CHECK_HTTP_DIGEST)
		return feed_digest(ck, p, d, n, eof);
	kept = append(p, d, n);
	switch (ck->type) {
	case RD_CHECK_HTTP_CODE:
		return verdict_code(ck, p, eof);
	case RD_CHECK_SEND_EXPECT:
		/* relayd: the whole answer so far against the glob. */
		if (p->buf != NULL && fnmatch(ck->expect, (char *)p->buf, 0) == 0)
			return decide(true, R_SEND_EXPECT_OK);
		return eof || !kept ? decide(false, R_SEND_EXPECT_FAIL) : more;
	case RD_CHECK_BINARY:
		if (p->len >= ck->expect_bin_len)
			return memcmp(p->buf, ck->expect_bin,
			    ck->expect_bin_len) == 0 ?
			    decide(true, R_SEND_EXPECT_OK) :
			    decide(false, R_SEND_EXPECT_FAIL);
		return eof || !kept ? decide(false, R_SEND_EXPECT_FAIL) : more;
	default:
		return decide(true, R_TCP_CONNECT_OK);
	}
}

/* Applies a verdict; true if the probe is over. */
static bool
settle(struct checker *c, struct host *h, struct verdict v)
{
	if (!v.decided)
		return false;
	finish(c, h, v.up, v.reason);
	return true;
}

static void
talk_plain(struct checker *c, struct host *h)
{
	struct probe *p = h->probe;
	unsigned char tmp[16384];
	ssize_t n;
	int i;

	while (p->sent < p->reqlen) {
		n = send(p->fd, p->req + p->sent, p->reqlen - p->sent,
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EAGAIN) {
			want(c, h, EPOLLOUT);
			return;
		}
		if (n <= 0) {
			finish(c, h, false, R_TCP_WRITE_FAIL);
			return;
		}
		p->sent += (size_t)n;
	}
	for (i = 0; i < READS_PER_EVENT; i++) {
		n = read(p->fd, tmp, sizeof(tmp));
		if (n == -1 && errno == EAGAIN)
			break;
		if (n == -1) {
			finish(c, h, false, R_TCP_READ_FAIL);
			return;
		}
		if (settle(c, h, feed(h, tmp, (size_t)n, n == 0)))
			return;
	}
	want(c, h, EPOLLIN);
}

static void
tls_failed(struct checker *c, struct host *h, enum tls_client_io r)
{
	struct probe *p = h->probe;
	int err = tls_client_error(p->tls);

	if (p->phase == PH_HANDSHAKE)
		finish(c, h, false, r == TLS_CLIENT_SOCKET || err == 0 ?
		    R_TLS_CONNECT_FAIL : R_TLS_CONNECT_ERROR);
	else if (r == TLS_CLIENT_SOCKET || err != 0)
		finish(c, h, false, p->sent < p->reqlen ? R_TLS_WRITE_ERROR :
		    R_TLS_READ_ERROR);
	else	/* a clean close, or the peer hung up: the answer ends */
		(void)settle(c, h, feed(h, NULL, 0, true));
}

/* Moves app data in and out of the engine once; true if it did. */
static bool
tls_app(struct checker *c, struct host *h, bool *over)
{
	struct probe *p = h->probe;
	unsigned char tmp[16384];
	size_t n;
	bool moved = false;

	if (p->sent < p->reqlen && tls_client_can_write(p->tls)) {
		n = tls_client_write(p->tls, p->req + p->sent,
		    p->reqlen - p->sent);
		p->sent += n;
		moved = n > 0;
	}
	if ((n = tls_client_read(p->tls, tmp, sizeof(tmp))) > 0) {
		moved = true;
		*over = settle(c, h, feed(h, tmp, n, false));
	}
	return moved;
}

static void
talk_tls(struct checker *c, struct host *h)
{
	struct probe *p = h->probe;
	enum tls_client_io r;
	bool over = false;

	for (;;) {
		r = tls_client_pump(p->tls, p->fd);
		if (r != TLS_CLIENT_AGAIN) {
			tls_failed(c, h, r);
			return;
		}
		if (p->phase == PH_HANDSHAKE && tls_client_can_write(p->tls)) {
			if (h->table->check->type == RD_CHECK_TCP) {
				finish(c, h, true, R_TLS_CONNECT_OK);
				return;
			}
			p->phase = PH_TALK;
		}
		if (p->phase != PH_TALK || !tls_app(c, h, &over))
			break;
		if (over)
			return;
	}
	want(c, h, tls_client_events(p->tls));
}

static void
connected(struct checker *c, struct host *h)
{
	struct probe *p = h->probe;
	const struct rd_check *ck = h->table->check;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
	    err != 0) {
		finish(c, h, false, R_TCP_CONNECT_FAIL);
		return;
	}
	if (ck->tls) {
		if ((p->tls = malloc(sizeof(*p->tls))) == NULL ||
		    !tls_client_init(p->tls, &c->tls, ck->host, NULL)) {
			finish(c, h, false, R_TLS_CONNECT_ERROR);
			return;
		}
		p->phase = PH_HANDSHAKE;
		talk_tls(c, h);
		return;
	}
	if (ck->type == RD_CHECK_TCP) {
		finish(c, h, true, R_TCP_CONNECT_OK);
		return;
	}
	p->phase = PH_TALK;
	talk_plain(c, h);
}

static void
set_ttl(int fd, int family, long long ttl)
{
	int v = (int)ttl;

	if (ttl <= 0)
		return;
	if (family == AF_INET)
		(void)setsockopt(fd, IPPROTO_IP, IP_TTL, &v, sizeof(v));
	else
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v,
		    sizeof(v));
}

void
probe_start(struct checker *c, struct host *h)
{
	struct probe *p;
	int fd;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		check_done(c, h, false, R_TCP_SOCKET_ERROR);
		return;
	}
	p->fd = -1;
	h->probe = p;
	if (!build_request(h->table->check, p)) {
		finish(c, h, false, R_TCP_SOCKET_ERROR);
		return;
	}
	fd = socket(h->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		finish(c, h, false, errno == EMFILE || errno == ENFILE ?
		    R_TCP_SOCKET_LIMIT : R_TCP_SOCKET_ERROR);
		return;
	}
	p->fd = fd;
	set_ttl(fd, h->ss.ss_family, h->conf->ttl);
	p->events = 0;
	if (evloop_set(&c->loop, fd, tag_host(c, h), EPOLLOUT, &p->events) ==
	    -1) {
		finish(c, h, false, R_TCP_SOCKET_ERROR);
		return;
	}
	p->phase = PH_CONNECT;
	if (connect(fd, (struct sockaddr *)&h->ss, h->sslen) == 0)
		connected(c, h);
	else if (errno != EINPROGRESS)
		finish(c, h, false, R_TCP_CONNECT_FAIL);
}

void
probe_event(struct checker *c, struct host *h, uint32_t events)
{
	struct probe *p = h->probe;

	if (p == NULL)
		return;
	(void)events;	/* errors show in SO_ERROR, read or write */
	switch (p->phase) {
	case PH_CONNECT:
		connected(c, h);
		break;
	case PH_HANDSHAKE:
		talk_tls(c, h);
		break;
	case PH_TALK:
		if (p->tls != NULL)
			talk_tls(c, h);
		else
			talk_plain(c, h);
		break;
	default:
		break;
	}
}

void
probe_timeout(struct checker *c, struct host *h)
{
	struct probe *p = h->probe;
	enum reason r = R_INTERVAL_TIMEOUT;
	bool tls;

	if (p == NULL) {
		check_done(c, h, false, r);
		return;
	}
	tls = p->tls != NULL;
	if (p->phase == PH_CONNECT)
		r = R_TCP_CONNECT_TIMEOUT;
	else if (p->phase == PH_HANDSHAKE)
		r = R_TLS_CONNECT_TIMEOUT;
	else if (p->sent < p->reqlen)
		r = tls ? R_TLS_WRITE_TIMEOUT : R_TCP_WRITE_TIMEOUT;
	else
		r = tls ? R_TLS_READ_TIMEOUT : R_TCP_READ_TIMEOUT;
	finish(c, h, false, r);
}

void
probe_abort(struct checker *c, struct host *h)
{
	cleanup(c, h);
}
