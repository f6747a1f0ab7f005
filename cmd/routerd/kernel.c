/*
 * kernel: the routes installed follow the routes wanted, one netlink
 * request per route that differs -- added, replaced or deleted whole.
 *
 * routerd remembers what it installed (st->installed) and so never reads
 * the kernel's table after start.  At start it adopts every route of its
 * protocol it finds (a run before it, killed or kept with -k): each one
 * still wanted is replaced, the others deleted.  A route it does not
 * know as its own is added exclusively, so that another program's route
 * with the same destination and metric is refused, logged and left alone.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <string.h>

#include "base/die.h"
#include "routerd.h"

enum { LINE_MAX_ROUTE = 2048 };

static bool
same_content(const struct route *a, const struct route *b)
{
	size_t i;

	if (a->realm != b->realm || a->nnh != b->nnh)
		return false;
	for (i = 0; i < a->nnh; i++)
		if (memcmp(a->nh[i].gw, b->nh[i].gw, 16) != 0 ||
		    a->nh[i].ifindex != b->nh[i].ifindex)
			return false;
	return true;
}

static long
find(const struct routeset *s, const struct route *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (route_same_key(&s->r[i], key))
			return (long)i;
	return -1;
}

static void
log_route(const struct routerd *st, const char *what, const struct route *r)
{
	char line[LINE_MAX_ROUTE];

	if (st->verbose == 0)
		return;
	route_format(r, NULL, line, sizeof(line));
	if (r->router[0] != '\0')
		warnx_("router %s: %s %s", r->router, what, line);
	else
		warnx_("earlier run's route: %s %s", what, line);
}

/*
 * A gateway must be on a network the host is connected to: the kernel
 * refuses a next hop it cannot reach directly, and with it the whole
 * route.  Such a gateway is left out (said once), and asked about again
 * at every change, so that it comes back with its network.
 */
static void
check_gateways(struct routerd *st)
{
	struct router *r;
	struct gateway *g;
	size_t i, k;
	int af, ifindex;
	bool on;

	for (i = 0; i < st->nrouters; i++) {
		r = &st->routers[i];
		af = r->conf->af == 4 ? AF_INET : AF_INET6;
		for (k = 0; k < r->ngws; k++) {
			g = &r->gws[k];
			if (g->state != STATUSFILE_UP || r->conf->disable)
				continue;
			ifindex = 0;
			on = nl_onlink(st->nl, af, g->host->addr.bytes,
			    &ifindex);
			if (!on && !g->warned)
				warnx_("router %s: gateway %s is not on a "
				    "directly connected network; left out of "
				    "the routes", r->conf->name, g->host->name);
			else if (on && g->warned)
				warnx_("router %s: gateway %s is on a "
				    "connected network again", r->conf->name,
				    g->host->name);
			g->warned = !on;
			g->onlink = on;
			g->ifindex = on ? ifindex : 0;
		}
	}
}

static void
install(struct routerd *st, const struct route *w)
{
	char err[256], line[LINE_MAX_ROUTE];
	long i = find(&st->installed, w);
	struct route *old = i >= 0 ? &st->installed.r[i] : NULL;

	if (old != NULL && !old->dirty && same_content(old, w))
		return;
	if (!nl_replace(st->nl, w, old == NULL, err, sizeof(err))) {
		route_format(w, NULL, line, sizeof(line));
		/* Said once, not at every change of the gateways. */
		if (old == NULL && errno == EEXIST) {
			if (find(&st->refused, w) < 0 &&
			    routeset_push(&st->refused, w))
				warnx_("router %s: %s: another program's "
				    "route has this destination and metric; "
				    "left alone", w->router, line);
		} else
			warnx_("router %s: %s: kernel refused: %s; the route "
			    "stays as it was", w->router, line, err);
		return;
	}
	log_route(st, old == NULL ? "added" : "replaced", w);
	if ((i = find(&st->refused, w)) >= 0)
		st->refused.r[i] = st->refused.r[--st->refused.n];
	if (old != NULL)
		*old = *w;
	else if (!routeset_push(&st->installed, w))
		warnx_("more than %d routes installed: a route will stay "
		    "behind at exit", ROUTERD_ROUTES_MAX);
}

static bool
remove_one(struct routerd *st, size_t i)
{
	char err[256], line[LINE_MAX_ROUTE];
	struct route *r = &st->installed.r[i];

	/* Gone already (someone deleted it): as good as removed. */
	if (!nl_delete(st->nl, r, err, sizeof(err)) && errno != ESRCH) {
		route_format(r, NULL, line, sizeof(line));
		warnx_("%s: delete refused: %s", line, err);
		return false;
	}
	log_route(st, "deleted", r);
	st->installed.r[i] = st->installed.r[--st->installed.n];
	return true;
}

void
kernel_sync(struct routerd *st)
{
	size_t i;

	check_gateways(st);
	routes_want(st, false);
	for (i = 0; i < st->wanted.n; i++)
		install(st, &st->wanted.r[i]);
	for (i = st->installed.n; i-- > 0;)
		if (find(&st->wanted, &st->installed.r[i]) < 0)
			(void)remove_one(st, i);
	/* A refusal no longer wanted is forgotten: said again if it returns. */
	for (i = st->refused.n; i-- > 0;)
		if (find(&st->wanted, &st->refused.r[i]) < 0)
			st->refused.r[i] = st->refused.r[--st->refused.n];
}

bool
kernel_adopt(struct routerd *st, char *err, size_t errlen)
{
	if (!nl_dump_ours(st->nl, &st->installed, err, errlen))
		return false;
	if (st->verbose > 0 && st->installed.n > 0)
		warnx_("%zu routes of protocol %d from an earlier run",
		    st->installed.n, ROUTERD_PROTO);
	return true;
}

void
kernel_remove_all(struct routerd *st)
{
	size_t i;

	for (i = st->installed.n; i-- > 0;)
		(void)remove_one(st, i);
}
