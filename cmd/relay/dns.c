/*
 * dns: relayd's `dns protocol` -- DNS over UDP, query by query.  A
 * query that comes to a relay's UDP socket goes to a host chosen as for
 * a TCP session, with its ID replaced by a random one that no other
 * query of this worker has in flight; the answer is taken only from the
 * host the query went to, with that ID, and goes back to the client
 * with the client's own ID.  An ID an off-path attacker must guess is
 * the point: an answer that does not match is dropped.
 *
 * A worker sends to the hosts from one socket per address family of its
 * own, so the answers come back to it.  Queries wait at most
 * DNS_WAIT_MS (or the session timeout, if shorter); DNS_PENDING_MAX of
 * them at once, past which new ones are dropped -- a DNS client asks
 * again.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/sockaddr.h"
#include "worker.h"

enum {
	DNS_HEADER = 12,		/* ID, flags, four counts */
	DNS_PACKET_MAX = 65535,		/* a UDP payload */
	DNS_PENDING_MAX = 4096,		/* queries in flight, per worker */
	DNS_WAIT_MS = 10000,
	DNS_BATCH = 64			/* datagrams read per wake-up */
};

struct dns_query {
	bool			 used;
	uint16_t		 id;		/* ours, sent to the host */
	uint16_t		 client_id;	/* the client's */
	int64_t			 deadline;
	struct sockaddr_storage	 client;
	socklen_t		 client_len;
	struct rlistener	*listener;
	struct rhost		*host;
	uint64_t		 session;	/* for the log */
	struct dns_query	*next_free;
};

struct dns_state {
	int			 fd[2];		/* to hosts: IPv4, IPv6 */
	struct dns_query	 q[DNS_PENDING_MAX];
	struct dns_query	*free;
	uint16_t		 by_id[65536];	/* query index + 1, 0: none */
	uint32_t		 npending;
};

static unsigned char packet[DNS_PACKET_MAX];

static bool
has_dns(const struct relay_state *st)
{
	size_t i;

	for (i = 0; i < st->nlisteners; i++)
		if (st->listeners[i].udp)
			return true;
	return false;
}

/* Before the sandbox: the sockets to the hosts. */
void
dns_init(struct worker *w)
{
	struct dns_state *d;
	int f, family;
	size_t i;

	w->dns = NULL;
	if (!has_dns(w->st))
		return;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		die(DIE_SYS, "out of memory");
	for (f = 0; f < 2; f++) {
		family = f == 0 ? AF_INET : AF_INET6;
		d->fd[f] = socket(family, SOCK_DGRAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (d->fd[f] == -1 && family == AF_INET)
			die_sys(DIE_SYS, "dns: socket");
		if (d->fd[f] != -1 && evloop_add(&w->loop, d->fd[f],
		    evloop_tag(WORKER_TAG_DNS, (uint32_t)f), EPOLLIN) == -1)
			die_sys(DIE_SYS, "dns: epoll_ctl");
	}
	for (i = DNS_PENDING_MAX; i > 0; i--) {
		d->q[i - 1].next_free = d->free;
		d->free = &d->q[i - 1];
	}
	w->dns = d;
}

static void
query_log(struct worker *w, const struct dns_query *q, const char *why,
    bool error)
{
	struct session s;

	memset(&s, 0, sizeof(s));
	s.relay = q->listener->relay;
	s.id = q->session;
	s.peer = q->client;
	s.host = q->host;
	s.done = why;
	s.error = error;
	relay_log_session(w, &s);
}

static void
query_free(struct dns_state *d, struct dns_query *q)
{
	d->by_id[q->id] = 0;
	q->used = false;
	q->next_free = d->free;
	d->free = q;
	d->npending--;
}

/* A random ID that no query of ours has in flight. */
static uint16_t
fresh_id(const struct dns_state *d)
{
	uint16_t id;

	do
		id = (uint16_t)arc4random_uniform(65536);
	while (d->by_id[id] != 0);
	return id;
}

static int64_t
query_wait(const struct rrelay *r)
{
	return r->timeout_ms > 0 && r->timeout_ms < DNS_WAIT_MS ?
	    r->timeout_ms : DNS_WAIT_MS;
}

/* One query from a client: to a host, under an ID of ours. */
static void
query_forward(struct worker *w, struct rlistener *l, size_t len,
    const struct sockaddr_storage *client, socklen_t clen)
{
	struct dns_state *d = w->dns;
	struct dns_query *q;
	struct session s;
	struct rhost *h;
	int fd;

	/* A query: QR clear.  Anything shorter than a header is noise. */
	if (len < DNS_HEADER || (packet[2] & 0x80) != 0 || d->free == NULL)
		return;
	memset(&s, 0, sizeof(s));
	s.relay = l->relay;
	s.peer = *client;
	s.local = l->ss;
	s.want_fwd = -1;
	if ((h = sched_pick(w, &s)) == NULL)
		return;
	fd = d->fd[h->ss.ss_family == AF_INET ? 0 : 1];
	if (fd == -1)
		return;
	q = d->free;
	d->free = q->next_free;
	q->used = true;
	q->id = fresh_id(d);
	q->client_id = (uint16_t)(packet[0] << 8 | packet[1]);
	q->deadline = w->loop.now + query_wait(l->relay);
	q->client = *client;
	q->client_len = clen;
	q->listener = l;
	q->host = h;
	q->session = ++w->next_id;
	d->by_id[q->id] = (uint16_t)(q - d->q + 1);
	d->npending++;
	packet[0] = (uint8_t)(q->id >> 8);
	packet[1] = (uint8_t)q->id;
	if (sendto(fd, packet, len, 0, (struct sockaddr *)&h->ss, h->sslen) ==
	    -1) {
		query_log(w, q, "host write failed", true);
		query_free(d, q);
	}
}

/* Datagrams on a relay's UDP socket. */
void
dns_query(struct worker *w, struct rlistener *l)
{
	struct sockaddr_storage client;
	socklen_t clen;
	ssize_t n;
	int i;

	if (w->dns == NULL)
		return;
	for (i = 0; i < DNS_BATCH; i++) {
		clen = sizeof(client);
		n = recvfrom(l->fd, packet, sizeof(packet), 0,
		    (struct sockaddr *)&client, &clen);
		if (n < 0)
			break;
		query_forward(w, l, (size_t)n, &client, clen);
	}
}

static bool
same_addr(const struct sockaddr_storage *a, const struct rhost *h)
{
	return memcmp(a, &h->ss, h->sslen) == 0;
}

/* One answer from a host: back to its client, if it is one we await. */
static void
answer_back(struct worker *w, size_t len, const struct sockaddr_storage *from)
{
	struct dns_state *d = w->dns;
	struct dns_query *q;
	uint16_t id, idx;

	if (len < DNS_HEADER || (packet[2] & 0x80) == 0)
		return;
	id = (uint16_t)(packet[0] << 8 | packet[1]);
	if ((idx = d->by_id[id]) == 0)
		return;
	q = &d->q[idx - 1];
	/* Only the host asked may answer, from the address it was asked at. */
	if (!same_addr(from, q->host))
		return;
	packet[0] = (uint8_t)(q->client_id >> 8);
	packet[1] = (uint8_t)q->client_id;
	if (sendto(q->listener->fd, packet, len, 0,
	    (struct sockaddr *)&q->client, q->client_len) == -1)
		query_log(w, q, "client write failed", true);
	else
		query_log(w, q, "done", false);
	query_free(d, q);
}

void
dns_answer(struct worker *w, uint32_t family)
{
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t n;
	int i;

	if (w->dns == NULL || family > 1)
		return;
	for (i = 0; i < DNS_BATCH; i++) {
		flen = sizeof(from);
		memset(&from, 0, sizeof(from));
		n = recvfrom(w->dns->fd[family], packet, sizeof(packet), 0,
		    (struct sockaddr *)&from, &flen);
		if (n < 0)
			break;
		answer_back(w, (size_t)n, &from);
	}
}

/* Each second: queries whose host never answered are forgotten. */
void
dns_expire(struct worker *w)
{
	struct dns_state *d = w->dns;
	size_t i;

	if (d == NULL || d->npending == 0)
		return;
	for (i = 0; i < DNS_PENDING_MAX; i++)
		if (d->q[i].used && d->q[i].deadline <= w->loop.now) {
			query_log(w, &d->q[i], "host response timeout", true);
			query_free(d, &d->q[i]);
		}
}

uint32_t
dns_pending(const struct worker *w)
{
	return w->dns != NULL ? w->dns->npending : 0;
}
