/*
 * inspect: TLS inspection (relayd's `tls ca cert` and `tls ca key` with
 * `listen ... tls` and `forward with tls`).  The client's ClientHello is
 * held back (tls_conn_hold) until the relay knows what certificate to
 * show: it connects to the host the session would use, with the name the
 * client asked for (SNI), takes the host's certificate, and mints one
 * like it for the relay's own key, signed by the inspection CA in the key
 * process (tls_mint).  The handshake with the client then goes on with
 * that certificate and the CA's, and the session as any other: its own
 * connection to the host, through the relay.
 *
 * That first connection is a probe and ends with its handshake.  What it
 * minted is kept per worker by relay and name (INSPECT_CACHE, the least
 * recently used going first), so that only a name not seen lately costs
 * a probe.  relayd inspects without SNI, minting for the host it
 * connects to; here the name the client asked is the one connected to
 * and minted.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tls/tls_mint.h"
#include "worker.h"

enum { INSPECT_CACHE = 32 };

struct probe {
	int			 fd;
	bool			 connecting;
	uint32_t		 have;		/* registered events */
	struct tls_client	 tcl;
	struct tls_capture	 cap;
};

struct inspect {
	struct probe		*probe;
	struct tls_chain	 chain;		/* minted, then the CA's */
	size_t			 len;
	unsigned char		 der[TLS_MINT_MAX];
};

struct minted {
	const struct rrelay	*relay;
	char			 sni[256];
	int64_t			 used;		/* 0: free */
	size_t			 len;
	unsigned char		 der[TLS_MINT_MAX];
};

static struct minted cache[INSPECT_CACHE];

static struct minted *
cache_find(const struct rrelay *r, const char *sni)
{
	size_t i;

	for (i = 0; i < INSPECT_CACHE; i++)
		if (cache[i].used != 0 && cache[i].relay == r &&
		    strcmp(cache[i].sni, sni) == 0)
			return &cache[i];
	return NULL;
}

static void
cache_put(struct worker *w, const struct rrelay *r, const char *sni,
    const unsigned char *der, size_t len)
{
	struct minted *m = &cache[0];
	size_t i;

	for (i = 1; i < INSPECT_CACHE && m->used != 0; i++)
		if (cache[i].used < m->used)
			m = &cache[i];
	m->relay = r;
	(void)snprintf(m->sni, sizeof(m->sni), "%s", sni);
	m->used = w->loop.now;
	memcpy(m->der, der, len);
	m->len = len;
}

static const char *
sni_of(const struct session *s)
{
	return s->tls->sni_state == TLS_SNI_KNOWN ? s->tls->sni : "";
}

static void
probe_free(struct worker *w, struct inspect *in)
{
	if (in->probe == NULL)
		return;
	if (in->probe->fd != -1) {
		evloop_del(&w->loop, in->probe->fd);
		(void)close(in->probe->fd);
	}
	free(in->probe);
	in->probe = NULL;
}

/* The client's handshake goes on with the certificate minted. */
static void
present(struct worker *w, struct session *s, const unsigned char *der,
    size_t len)
{
	struct inspect *in = s->insp;
	const struct rrelay *r = s->relay;
	size_t i;

	probe_free(w, in);
	memcpy(in->der, der, len);
	in->len = len;
	memset(&in->chain, 0, sizeof(in->chain));
	in->chain.certs[0].data = in->der;
	in->chain.certs[0].data_len = len;
	for (i = 0; i < r->inspect_ca.len && i + 1 < TLS_CHAIN_MAX; i++)
		in->chain.certs[i + 1] = r->inspect_ca.certs[i];
	in->chain.len = i + 1;
	in->chain.key_type = r->inspect_pub.key_type;
	tls_conn_release_hold(s->tls, &in->chain, 0);
	session_update(w, s);
}

static void
minted(struct worker *w, struct session *s)
{
	struct probe *p = s->insp->probe;
	const unsigned char *leaf;
	unsigned char der[TLS_MINT_MAX];
	const char *why = NULL;
	size_t leaf_len, n;

	if ((leaf = tls_capture_leaf(&p->cap, &leaf_len)) == NULL) {
		session_close(w, s, "TLS inspection: no certificate from the "
		    "host", true);
		return;
	}
	n = tls_mint(&s->relay->mint, leaf, leaf_len, sni_of(s)[0] != '\0' ?
	    sni_of(s) : NULL, &s->relay->inspect_pub, der, sizeof(der), &why);
	if (n == 0) {
		relay_log(w, true, "relay %s: TLS inspection: %s",
		    s->relay->name, why);
		session_close(w, s, "TLS inspection failed", true);
		return;
	}
	cache_put(w, s->relay, sni_of(s), der, n);
	present(w, s, der, n);
}

/* The probe's socket stirred: connected, handshake on, or done. */
void
inspect_event(struct worker *w, struct session *s, uint32_t events)
{
	struct probe *p;
	enum tls_client_io r;
	socklen_t len = sizeof(int);
	int err = 0;

	if (s->state == SESS_FREE || s->insp == NULL ||
	    (p = s->insp->probe) == NULL)
		return;
	if (p->connecting) {
		if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0)
			return;
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			session_close(w, s, "TLS inspection: host refused",
			    true);
			return;
		}
		p->connecting = false;
	}
	r = tls_client_pump(&p->tcl, p->fd);
	if (tls_client_can_write(&p->tcl)) {
		minted(w, s);
		return;
	}
	if (r != TLS_CLIENT_AGAIN)
		session_close(w, s, "TLS inspection: handshake with the host "
		    "failed", true);
}

static bool
probe_start(struct worker *w, struct session *s, const struct rhost *h)
{
	struct probe *p;
	const char *sni = sni_of(s);

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return false;
	s->insp->probe = p;
	p->fd = socket(h->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (p->fd == -1)
		return false;
	if (connect(p->fd, (const struct sockaddr *)&h->ss, h->sslen) == -1 &&
	    errno != EINPROGRESS)
		return false;
	p->connecting = true;
	if (!tls_client_init(&p->tcl, &s->relay->client, sni[0] != '\0' ?
	    sni : NULL, NULL))
		return false;
	tls_client_capture(&p->tcl, &p->cap);
	return evloop_set(&w->loop, p->fd, evloop_tag(WORKER_TAG_PROBE,
	    s->index), EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
	    &p->have) == 0;
}

/*
 * Called as the session moves on: once the ClientHello is held, the
 * certificate comes from the cache or a probe is started.
 */
void
inspect_check(struct worker *w, struct session *s)
{
	const struct rhost *h;
	const struct minted *m;

	if (!s->relay->inspect || s->tls == NULL || !tls_conn_held(s->tls) ||
	    (s->insp != NULL && s->insp->probe != NULL))
		return;
	if (s->insp == NULL && (s->insp = calloc(1, sizeof(*s->insp))) ==
	    NULL) {
		session_close(w, s, "out of memory", true);
		return;
	}
	if ((m = cache_find(s->relay, sni_of(s))) != NULL) {
		cache[m - cache].used = w->loop.now;
		present(w, s, m->der, m->len);
		return;
	}
	/* The host the session would use; an HTTP relay picks again later. */
	if ((h = s->host) == NULL && (h = sched_pick(w, s)) == NULL) {
		session_close(w, s, "TLS inspection: no host available", true);
		return;
	}
	if (!probe_start(w, s, h))
		session_close(w, s, "TLS inspection: cannot reach the host",
		    true);
}

void
inspect_free(struct worker *w, struct session *s)
{
	if (s->insp == NULL)
		return;
	probe_free(w, s->insp);
	free(s->insp);
	s->insp = NULL;
}
