/*
 * relayd_conf_router: "router name { ... }", relayd's routers, kept in
 * the kernel by routerd(8).  Besides relayd's own rules it refuses what
 * cannot become a Linux route, at the line that says it: a prefix with
 * host bits set (the kernel refuses it), a gateway that is a name, of
 * the other family or link-local (a next hop is an address, and no
 * interface is named), an rtable that is one of
 * Linux's reserved tables, a route kept by two routers in one table, and
 * a gateway table that a redirection also uses (its hosts are servers
 * that receive the redirected traffic, not next hops).
 */
#include <string.h>

#include "base/arena.h"
#include "conf/relayd_conf_int.h"

/* Linux's tables 253 (default), 254 (main) and 255 (local). */
enum { RD_RTABLE_LINUX_RESERVED = 253 };

static bool
host_bits_clear(const struct addr *a)
{
	int len = a->kind == ADDR_INET ? 4 : 16, i, bits = a->prefixlen;

	for (i = 0; i < len; i++, bits -= 8) {
		if (bits >= 8)
			continue;
		if ((a->bytes[i] & (bits <= 0 ? 0xff : 0xff >> bits)) != 0)
			return false;
	}
	return true;
}

static bool
same_prefix(const struct addr *a, const struct addr *b)
{
	return a->kind == b->kind && a->prefixlen == b->prefixlen &&
	    memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

/* Every gateway an address of the router's family, once both are known. */
static bool
check_gateways(struct rd_parser *p, const struct rd_router *rt)
{
	const struct rd_host *h;
	enum addr_kind want = rt->af == 4 ? ADDR_INET : ADDR_INET6;

	if (rt->gateways == NULL)
		return true;
	for (h = rt->gateways->table->hosts; h != NULL; h = h->next) {
		if (h->addr.kind != ADDR_INET && h->addr.kind != ADDR_INET6) {
			conf_error(p->c, "router %s: gateway %s is not a "
			    "numeric address", rt->name, h->name);
			return false;
		}
		/* fe80::/10 is only reachable through a named interface. */
		if (h->addr.kind == ADDR_INET6 && h->addr.bytes[0] == 0xfe &&
		    (h->addr.bytes[1] & 0xc0) == 0x80) {
			conf_error(p->c, "router %s: gateway %s is link-local; "
			    "a gateway needs a global address", rt->name,
			    h->name);
			return false;
		}
		if (rt->af != 0 && h->addr.kind != want) {
			conf_error(p->c, "router %s: gateway %s is not an %s "
			    "address", rt->name, h->name,
			    rt->af == 4 ? "IPv4" : "IPv6");
			return false;
		}
	}
	return true;
}

static void
router_route(struct rd_parser *p, struct rd_router *rt)
{
	struct rd_route *r = arena_alloc(p->a, sizeof(*r)), **pp;
	char text[64];
	int af;

	if (!rd_address(p, true, &r->prefix, NULL))
		return;
	if (r->prefix.kind != ADDR_INET && r->prefix.kind != ADDR_INET6) {
		conf_error(p->c, "route needs a numeric address");
		return;
	}
	af = r->prefix.kind == ADDR_INET ? 4 : 6;
	if (r->prefix.prefixlen < 0)
		r->prefix.prefixlen = af == 4 ? 32 : 128;
	addr_format(&r->prefix, text, sizeof(text));
	if (!host_bits_clear(&r->prefix)) {
		conf_error(p->c, "route %s: address bits set beyond the "
		    "prefix length", text);
		return;
	}
	if (rt->af != 0 && rt->af != af) {
		conf_error(p->c, "router %s address family mismatch",
		    rt->name);
		return;
	}
	rt->af = af;
	for (pp = &rt->routes; *pp != NULL; pp = &(*pp)->next)
		if (same_prefix(&(*pp)->prefix, &r->prefix)) {
			conf_error(p->c, "router %s: route %s given twice",
			    rt->name, text);
			return;
		}
	*pp = r;
	(void)check_gateways(p, rt);
}

/* A gateway table is not a redirection's table too. */
static bool
table_of_no_redirect(struct rd_parser *p, const struct rd_router *rt,
    const struct rd_table *t)
{
	const struct rd_redirect *r;

	for (r = p->rc->redirects; r != NULL; r = r->next)
		if ((r->table != NULL && r->table->table == t) ||
		    (r->backup != NULL && r->backup->table == t)) {
			conf_error(p->c, "table %s of router %s is also used "
			    "by redirection %s", t->name, rt->name, r->name);
			return false;
		}
	return true;
}

bool
rd_router_table_free(struct rd_parser *p, const struct rd_table *t,
    const char *redirect)
{
	const struct rd_router *rt;

	for (rt = p->rc->routers; rt != NULL; rt = rt->next)
		if (rt->gateways != NULL && rt->gateways->table == t) {
			conf_error(p->c, "table %s of redirection %s is the "
			    "gateway table of router %s", t->name, redirect,
			    rt->name);
			return false;
		}
	return true;
}

static void
router_forward(struct rd_parser *p, struct rd_router *rt)
{
	struct rd_table_use *u;

	if (!conf_expect(p->c, "to") ||
	    (u = rd_table_use(p, RD_IN_ROUTER)) == NULL)
		return;
	if (rt->gateways != NULL) {
		conf_error(p->c, "router %s table already specified",
		    rt->name);
		return;
	}
	if (!table_of_no_redirect(p, rt, u->table))
		return;
	rt->gateways = u;
	(void)check_gateways(p, rt);
}

static void
router_rtable(struct rd_parser *p, struct rd_router *rt, bool *rtable_set)
{
	if (*rtable_set) {
		conf_error(p->c, "router %s rtable already specified",
		    rt->name);
		return;
	}
	*rtable_set = true;
	if (!conf_number(p->c, "rtable", 0, RD_RTABLE_MAX, &rt->rtable))
		return;
	if (rt->rtable >= RD_RTABLE_LINUX_RESERVED)
		conf_error(p->c, "rtable %lld: Linux reserves tables 253 to "
		    "255 (default, main, local)", rt->rtable);
}

static void
router_option(struct rd_parser *p, struct rd_router *rt, bool *rtable_set)
{
	if (conf_accept(p->c, "route"))
		router_route(p, rt);
	else if (conf_accept(p->c, "forward"))
		router_forward(p, rt);
	else if (conf_accept(p->c, "rtable"))
		router_rtable(p, rt, rtable_set);
	else if (conf_accept(p->c, "rtlabel")) {
		conf_warn(p->c, "rtlabel: Linux routes have no labels; "
		    "routerd sets their realm");
		rt->rtlabel = rd_name(p, "route label", RD_NAME_MAX);
	} else if (conf_accept(p->c, "disable"))
		rt->disable = true;
	else if (conf_accept(p->c, "include")) {
		conf_include(p->c);
		return;
	} else {
		conf_error(p->c, "unknown router option %s",
		    conf_describe(p->c, conf_peek(p->c)));
		return;
	}
	(void)conf_eol(p->c);
}

/* One kernel route per (table, prefix): two routers would fight. */
static void
check_routes_unique(struct rd_parser *p, const struct rd_router *rt)
{
	const struct rd_router *o;
	const struct rd_route *r, *s;
	char text[64];

	for (o = p->rc->routers; o != NULL; o = o->next) {
		if (o->rtable != rt->rtable)
			continue;
		for (r = rt->routes; r != NULL; r = r->next)
			for (s = o->routes; s != NULL; s = s->next)
				if (same_prefix(&r->prefix, &s->prefix)) {
					addr_format(&r->prefix, text,
					    sizeof(text));
					conf_error(p->c, "router %s: route %s "
					    "in rtable %lld is router %s's "
					    "already", rt->name, text,
					    rt->rtable, o->name);
					return;
				}
	}
}

void
rd_router(struct rd_parser *p)
{
	struct rd_router *rt = arena_alloc(p->a, sizeof(*rt)), **pp;
	bool rtable_set = false;

	rt->line = conf_peek(p->c)->line;
	if ((rt->name = rd_name(p, "router name", RD_NAME_MAX)) == NULL)
		return;
	for (pp = &p->rc->routers; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->name, rt->name) == 0) {
			conf_error(p->c, "router %s defined twice", rt->name);
			return;
		}
	p->tableport = 0;
	if (!conf_block_open(p->c))
		return;
	while (conf_block_next(p->c))
		router_option(p, rt, &rtable_set);
	if (conf_failed(p->c))
		return;
	if (rt->routes == NULL)
		conf_error(p->c, "router %s without routes", rt->name);
	else if (rt->gateways == NULL)
		conf_error(p->c, "router %s has no forward to", rt->name);
	else
		check_routes_unique(p, rt);
	*pp = rt;
}
