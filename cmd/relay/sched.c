/*
 * sched: which host a session goes to.  The relay's forward lines are
 * tried in order: the first whose table has a usable host is used, the
 * ones after it are backups for when every host before is down.  Within
 * the table the mode picks a slot, as relayd does -- roundrobin,
 * random, or a SipHash of relayd's inputs:
 *
 *	source-hash	the client's address
 *	loadbalance	the client's address, the relay's address and port
 *	hash		the relay's address and port
 *
 * keyed with the table's key -- and from that slot on the first usable
 * host takes the session, so that a host going down moves only its own
 * clients.  A retry after a failed connect starts after the host that
 * failed.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdlib.h>

#include "base/siphash.h"
#include "worker.h"

bool
sched_host_usable(const struct rhost *h)
{
	if (h->table->disabled)
		return false;
	if (!h->table->checked)
		return true;
	/* Unknown: checkd has not said yet; tried (relay.8). */
	return h->state == STATUSFILE_UP || h->state == STATUSFILE_UNKNOWN;
}

static bool
table_usable(const struct rtable *t)
{
	uint32_t i;

	for (i = 0; i < t->nhosts; i++)
		if (sched_host_usable(&t->hosts[i]))
			return true;
	return false;
}

/* The address alone: ports differ from one connection to the next. */
static void
hash_addr(struct siphash *h, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		siphash_update(h, &sin->sin_addr, sizeof(sin->sin_addr));
	else if (ss->ss_family == AF_INET6)
		siphash_update(h, &sin6->sin6_addr, sizeof(sin6->sin6_addr));
}

static void
hash_port(struct siphash *h, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		siphash_update(h, &sin->sin_port, sizeof(sin->sin_port));
	else if (ss->ss_family == AF_INET6)
		siphash_update(h, &sin6->sin6_port, sizeof(sin6->sin6_port));
}

static uint32_t
slot_of(struct rtable *t, const struct session *s)
{
	struct siphash h;

	switch (t->mode) {
	case RD_MODE_RANDOM:
		return arc4random_uniform(t->nhosts);
	case RD_MODE_SOURCE_HASH:
	case RD_MODE_LOADBALANCE:
	case RD_MODE_HASH:
		siphash_init(&h, t->key);
		if (t->mode != RD_MODE_HASH)
			hash_addr(&h, &s->peer);
		if (t->mode != RD_MODE_SOURCE_HASH) {
			hash_addr(&h, &s->local);
			hash_port(&h, &s->local);
		}
		/* What the filter rules' hash actions fed (filter.c). */
		if (s->hashed)
			siphash_update(&h, &s->hashv, sizeof(s->hashv));
		return (uint32_t)(siphash_final(&h) % t->nhosts);
	default:
		return t->next % t->nhosts;
	}
}

/* From slot `from` on, the first usable host other than `skip`. */
static struct rhost *
first_usable(struct rtable *t, uint32_t from, const struct rhost *skip)
{
	struct rhost *h;
	uint32_t i;

	for (i = 0; i < t->nhosts; i++) {
		h = &t->hosts[(from + i) % t->nhosts];
		if (h != skip && sched_host_usable(h))
			return h;
	}
	/* Only the one that just failed is left: it may try again. */
	return skip != NULL && sched_host_usable(skip) ? (struct rhost *)skip :
	    NULL;
}

static struct rhost *
pick_in(struct rtable *t, const struct session *s)
{
	const struct rhost *failed = s->host != NULL &&
	    s->host->table == t ? s->host : NULL;
	struct rhost *h;
	uint32_t from;

	if (failed != NULL)
		from = (uint32_t)(failed - t->hosts) + 1;
	else
		from = slot_of(t, s);
	if ((h = first_usable(t, from, failed)) != NULL &&
	    t->mode == RD_MODE_ROUNDROBIN)
		t->next = (uint32_t)(h - t->hosts) + 1;
	return h;
}

struct rhost *
sched_pick(struct worker *w, struct session *s)
{
	struct rrelay *r = s->relay;
	int i;

	(void)w;
	s->pick_fwd = s->want_fwd;
	s->pick_hashed = s->hashed;
	s->pick_hashv = s->hashv;
	if (s->want_fwd >= 0) {
		/* A rule's forward to: that table alone. */
		i = s->want_fwd;
		if (!table_usable(&r->fwd[i].table))
			return NULL;
		if (s->fwd != &r->fwd[i]) {
			s->fwd = &r->fwd[i];
			s->tries = s->fwd->retry;
		}
		return pick_in(&r->fwd[i].table, s);
	}
	for (i = 0; i < r->nfwd; i++) {
		if (r->fwd[i].dest) {
			/* The original destination, else the next line. */
			if (!session_destination(s, &r->fwd[i]))
				continue;
			if (s->fwd != &r->fwd[i]) {
				s->fwd = &r->fwd[i];
				s->tries = s->fwd->retry;
			}
			return &s->dest->h;
		}
		if (!table_usable(&r->fwd[i].table))
			continue;
		if (s->fwd != &r->fwd[i]) {
			s->fwd = &r->fwd[i];
			s->tries = s->fwd->retry;
		}
		return pick_in(&r->fwd[i].table, s);
	}
	return NULL;
}
