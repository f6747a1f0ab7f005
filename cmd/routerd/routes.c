/*
 * routes: what the kernel should hold, computed from the configuration
 * and the gateways' health, with no I/O.
 *
 * A router's gateways are grouped by their host "priority", which is the
 * route metric: for each destination there is one multipath route per
 * priority present in the table, through the live gateways of that
 * priority, all of weight 1.  With one priority (the usual case) that is
 * one route per destination; with several the kernel prefers the lowest
 * metric and falls back to the next when its route is gone, as OpenBSD
 * prefers the lowest route priority.  A group with no live gateway has
 * no route, unless -p keeps the last one.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/die.h"
#include "routerd.h"

static bool
build_gateways(struct router *r, char *err, size_t errlen)
{
	const struct rd_host *h;
	size_t i = 0;

	r->ngws = (size_t)r->inst->table->nhosts;
	if (r->ngws > ROUTERD_NEXTHOPS_MAX)
		return fail_at(err, errlen, "router %s: %zu gateways, more "
		    "than the %d a route can spread over", r->conf->name,
		    r->ngws, ROUTERD_NEXTHOPS_MAX);
	if ((r->gws = calloc(r->ngws + 1, sizeof(*r->gws))) == NULL)
		return fail_at(err, errlen, "out of memory");
	for (h = r->inst->table->hosts; h != NULL; h = h->next, i++) {
		r->gws[i].host = h;
		r->gws[i].id = (uint32_t)(r->inst->first_host_id + (int)i);
		r->gws[i].state = r->checked ? STATUSFILE_UNKNOWN :
		    STATUSFILE_UP;
		if (r->inst->table->disable)
			r->gws[i].state = STATUSFILE_DISABLED;
	}
	return true;
}

/* rtable 0 is the main table, as OpenBSD's table 0 is its only one. */
static bool
build_router(struct router *r, const struct relayd_conf *rc,
    const struct rd_router *c, bool names_only, char *err, size_t errlen)
{
	r->conf = c;
	r->inst = c->gateways->inst;
	r->checked = r->inst->opts->check.type != RD_CHECK_NONE;
	r->table = c->rtable == 0 ? RT_TABLE_MAIN : (uint32_t)c->rtable;
	if (!statwatch_table_file(rc, r->inst, r->file, sizeof(r->file)))
		return fail_at(err, errlen, "router %s: table name too long",
		    c->name);
	if (c->rtlabel != NULL) {
		/* Linux keeps realms for IPv4 routes only. */
		if (c->af == 6)
			return fail_at(err, errlen, "router %s: rtlabel %s: "
			    "IPv6 routes have no realm; remove rtlabel",
			    c->name, c->rtlabel);
		/* -n prints the label as ip(8) takes it, unresolved. */
		if (!names_only &&
		    !realm_lookup(c->rtlabel, &r->realm, err, errlen))
			return false;
	}
	return build_gateways(r, err, errlen);
}

bool
routers_build(struct routerd *st, const struct relayd_conf *rc,
    bool names_only, char *err, size_t errlen)
{
	const struct rd_router *c;
	size_t n = 0;

	for (c = rc->routers; c != NULL; c = c->next)
		n++;
	st->conf = rc;
	st->nrouters = 0;
	if ((st->routers = calloc(n + 1, sizeof(*st->routers))) == NULL)
		return fail_at(err, errlen, "out of memory");
	for (c = rc->routers; c != NULL; c = c->next) {
		if (!build_router(&st->routers[st->nrouters], rc, c,
		    names_only, err, errlen)) {
			st->nrouters++;
			routers_free(st);
			return false;
		}
		st->nrouters++;
	}
	return true;
}

void
routers_free(struct routerd *st)
{
	size_t i;

	for (i = 0; i < st->nrouters; i++)
		free(st->routers[i].gws);
	free(st->routers);
	st->routers = NULL;
	st->nrouters = 0;
}

bool
routeset_push(struct routeset *s, const struct route *r)
{
	struct route *p;
	size_t cap;

	if (s->n == s->cap) {
		if (s->cap >= ROUTERD_ROUTES_MAX)
			return false;
		cap = s->cap == 0 ? 64 : s->cap * 2;
		if ((p = reallocarray(s->r, cap, sizeof(*p))) == NULL)
			return false;
		s->r = p;
		s->cap = cap;
	}
	s->r[s->n++] = *r;
	return true;
}

void
routeset_free(struct routeset *s)
{
	free(s->r);
	memset(s, 0, sizeof(*s));
}

bool
route_same_key(const struct route *a, const struct route *b)
{
	return a->af == b->af && a->table == b->table && a->plen == b->plen &&
	    a->metric == b->metric && memcmp(a->dst, b->dst, 16) == 0;
}

static int
cmp_nexthop(const void *a, const void *b)
{
	return memcmp(((const struct nexthop *)a)->gw,
	    ((const struct nexthop *)b)->gw, 16);
}

static uint32_t
metric_of(int af, long long priority)
{
	if (priority == 0 && af == AF_INET6)
		return ROUTERD_IPV6_METRIC;
	return (uint32_t)priority;
}

static const struct route *
find_installed(const struct routerd *st, const struct route *key)
{
	size_t i;

	for (i = 0; i < st->installed.n; i++)
		if (route_same_key(&st->installed.r[i], key))
			return &st->installed.r[i];
	return NULL;
}

/* The route for prefix p through r's live gateways of one priority. */
static void
want_group(struct routerd *st, const struct router *r,
    const struct rd_route *p, long long priority, bool all_up)
{
	struct route w;
	const struct route *old;
	const struct gateway *g;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.af = p->prefix.kind == ADDR_INET ? AF_INET : AF_INET6;
	memcpy(w.dst, p->prefix.bytes, sizeof(w.dst));
	w.plen = p->prefix.prefixlen;
	w.table = r->table;
	w.metric = metric_of(w.af, priority);
	w.realm = r->realm;
	(void)snprintf(w.router, sizeof(w.router), "%s", r->conf->name);
	for (i = 0; i < r->ngws; i++) {
		g = &r->gws[i];
		if (g->host->priority != priority || (!all_up &&
		    (g->state != STATUSFILE_UP || !g->onlink)))
			continue;
		memcpy(w.nh[w.nnh].gw, g->host->addr.bytes, 16);
		w.nh[w.nnh++].ifindex = all_up ? 0 : g->ifindex;
	}
	qsort(w.nh, w.nnh, sizeof(w.nh[0]), cmp_nexthop);
	if (w.nnh == 0 && st->keep_down && (old = find_installed(st, &w)) !=
	    NULL) {
		w.nnh = old->nnh;
		memcpy(w.nh, old->nh, sizeof(w.nh));
	}
	if (w.nnh > 0 && !routeset_push(&st->wanted, &w))
		warnx_("router %s: more than %d routes; the rest are left out",
		    r->conf->name, ROUTERD_ROUTES_MAX);
}

/* Whether priority was seen before gateway i of r. */
static bool
priority_seen(const struct router *r, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (r->gws[j].host->priority == r->gws[i].host->priority)
			return true;
	return false;
}

void
routes_want(struct routerd *st, bool all_up)
{
	const struct router *r;
	const struct rd_route *p;
	size_t i, g;

	st->wanted.n = 0;
	for (i = 0; i < st->nrouters; i++) {
		r = &st->routers[i];
		if (r->conf->disable)
			continue;
		for (p = r->conf->routes; p != NULL; p = p->next)
			for (g = 0; g < r->ngws; g++)
				if (!priority_seen(r, g))
					want_group(st, r, p,
					    r->gws[g].host->priority, all_up);
	}
}

/*
 * As `ip route add` takes it: "10.9.0.0/24 table 100 proto 252 metric 0
 * nexthop via 10.1.0.1 weight 1 ...", so that a line can be pasted.
 */
void
route_format(const struct route *r, const char *realm_name, char *buf,
    size_t size)
{
	char a[INET6_ADDRSTRLEN];
	size_t len, i;

	(void)inet_ntop(r->af, r->dst, a, sizeof(a));
	(void)snprintf(buf, size, "%s/%d table %u proto %d metric %u", a,
	    r->plen, r->table, ROUTERD_PROTO, r->metric);
	len = strlen(buf);
	if (realm_name != NULL && len < size)
		len += (size_t)snprintf(buf + len, size - len, " realms %s",
		    realm_name);
	else if (r->realm != 0 && len < size)
		len += (size_t)snprintf(buf + len, size - len, " realms %u",
		    r->realm);
	for (i = 0; i < r->nnh && len < size; i++) {
		(void)inet_ntop(r->af, r->nh[i].gw, a, sizeof(a));
		len += (size_t)snprintf(buf + len, size - len,
		    " nexthop via %s weight 1", a);
	}
}

/* -n: every route as it is with every gateway up. */
void
routes_print(const struct routerd *st, FILE *f)
{
	char line[2048];
	const struct route *w;
	const struct router *r;
	size_t i, k;

	for (i = 0; i < st->wanted.n; i++) {
		w = &st->wanted.r[i];
		r = NULL;
		for (k = 0; k < st->nrouters; k++)
			if (strcmp(st->routers[k].conf->name, w->router) == 0)
				r = &st->routers[k];
		route_format(w, r != NULL ? r->conf->rtlabel : NULL, line,
		    sizeof(line));
		fprintf(f, "%s\n", line);
	}
}
