/*
 * setup: the redirections of a configuration as redirectd keeps them --
 * which families they listen on, which port the hosts get, the mark of
 * their pftag, and every host of their main and backup tables with the
 * address the maps will hold.  Disabled redirections are left out:
 * relayd loads no rule for them either.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/die.h"
#include "redirectd.h"

static bool
fail_line(const struct rdr_state *st, int line, char *err, size_t errlen,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "file:line: message", as the configuration's own errors read. */
static bool
fail_line(const struct rdr_state *st, int line, char *err, size_t errlen,
    const char *fmt, ...)
{
	char msg[RDR_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail_at(err, errlen, "%s:%d: %s", st->conffile, line, msg);
}

/*
 * A name becomes its first address.  Only at start and on reload, never
 * for -n, which answers the same on a machine without DNS.
 */
static bool
resolve(struct addr *a, int family)
{
	struct addrinfo hints, *res;
	const void *src;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(a->name, NULL, &hints, &res) != 0)
		return false;
	if (res->ai_family == AF_INET) {
		src = &((const struct sockaddr_in *)(const void *)
		    res->ai_addr)->sin_addr;
		memcpy(a->bytes, src, 4);
		a->kind = ADDR_INET;
	} else {
		src = &((const struct sockaddr_in6 *)(const void *)
		    res->ai_addr)->sin6_addr;
		memcpy(a->bytes, src, 16);
		a->kind = ADDR_INET6;
	}
	freeaddrinfo(res);
	return true;
}

static void *
alloc(struct rdr_state *st, size_t n, size_t size)
{
	return arena_alloc(st->arena, n * size);
}

static bool
setup_table(struct rdr_state *st, struct rdr_table *t,
    const struct rd_table_use *u, bool names, char *err, size_t errlen)
{
	const struct rd_host *h;
	size_t i;

	t->use = u;
	if (u == NULL)
		return true;
	if (!statwatch_table_file(st->conf, u->inst, t->file, sizeof(t->file)))
		return fail_line(st, u->line, err, errlen,
		    "table %s: status file name too long", u->table->name);
	t->nhosts = (size_t)u->table->nhosts;
	t->hosts = alloc(st, t->nhosts + 1, sizeof(*t->hosts));
	for (h = u->table->hosts, i = 0; h != NULL; h = h->next, i++) {
		t->hosts[i].conf = h;
		t->hosts[i].id = (uint32_t)(u->inst->first_host_id + (int)i);
		t->hosts[i].addr = h->addr;
		t->hosts[i].state = STATUSFILE_UNKNOWN;
		if (h->addr.kind == ADDR_NAME && !names &&
		    !resolve(&t->hosts[i].addr, AF_UNSPEC))
			return fail_line(st, h->line, err, errlen,
			    "host %s: cannot resolve the name", h->name);
	}
	if (t->nhosts > st->maxhosts)
		st->maxhosts = t->nhosts;
	return true;
}

/*
 * nftables rewrites a destination port to one port, or leaves it: a
 * listen range is forwarded to the same ports (relayd's pf rule maps
 * the range onto the table's port range of the same length, which
 * starts at the range's first port when the table names no port).
 */
static bool
setup_ports(struct rdr_state *st, struct rdr_redirect *r, char *err,
    size_t errlen)
{
	const struct rd_listen *l;
	uint16_t port = r->conf->table->port;

	r->port = port;
	for (l = r->conf->listens; l != NULL; l = l->next)
		if (l->port_max != 0)
			r->keep_port = true;
	if (!r->keep_port)
		return true;
	for (l = r->conf->listens; l != NULL; l = l->next)
		if (l->port != port)
			return fail_line(st, l->line, err, errlen,
			    "port %u%s%.0u forwarded to port %u: nftables "
			    "forwards a port range only to the same ports",
			    l->port, l->port_max != 0 ? ":" : "",
			    l->port_max != 0 ? l->port_max : 0, port);
	return true;
}

static bool
setup_listens(struct rdr_state *st, struct rdr_redirect *r, bool names,
    char *err, size_t errlen)
{
	const struct rd_listen *l;
	struct addr *a;
	size_t n = 0;

	for (l = r->conf->listens; l != NULL; l = l->next)
		n++;
	r->laddrs = alloc(st, n, sizeof(*r->laddrs));
	for (l = r->conf->listens, a = r->laddrs; l != NULL; l = l->next, a++) {
		*a = l->addr;
		if (a->kind == ADDR_NAME && !names && !resolve(a, AF_UNSPEC))
			return fail_line(st, l->line, err, errlen,
			    "listen on %s: cannot resolve the name", l->name);
		if (a->kind == ADDR_INET6)
			r->af6 = true;
		else if (a->kind == ADDR_ANY)
			r->af4 = r->af6 = true;
		else
			r->af4 = true;	/* -n: a name is shown as IPv4 */
	}
	return true;
}

/* pftag: a number is the mark itself; a name, its FNV-1a hash. */
static uint32_t
tag_mark(const char *tag)
{
	uint32_t h = 2166136261u;
	unsigned long v;
	char *end;

	if (tag == NULL)
		return 0;
	v = strtoul(tag, &end, 0);
	if (*tag != '\0' && *end == '\0' && v > 0 && v <= UINT32_MAX)
		return (uint32_t)v;
	for (; *tag != '\0'; tag++)
		h = (h ^ (unsigned char)*tag) * 16777619u;
	return h != 0 ? h : 1;
}

/*
 * route to forwards from a netdev table's ingress chain (route.c): it
 * must know the interfaces the packets come in on, and its mark holds
 * the chosen host, so pftag's cannot be set as well.
 */
static bool
setup_route(const struct rdr_state *st, const struct rd_redirect *c,
    char *err, size_t errlen)
{
	const struct rd_listen *l;

	if (!c->table->route)
		return true;
	for (l = c->listens; l != NULL; l = l->next)
		if (l->ifname == NULL)
			return fail_line(st, l->line, err, errlen,
			    "listen on %s: route to needs the interface the "
			    "packets come in on (interface name): nftables "
			    "forwards them from that interface's ingress hook",
			    l->name);
	if (c->tag != NULL)
		return fail_line(st, c->table->line, err, errlen,
		    "route to: pftag not supported: the mark carries the "
		    "chosen host from the ingress hook");
	return true;
}

bool
rdr_setup(struct rdr_state *st, const struct relayd_conf *rc,
    const char *conffile, bool names, char *err, size_t errlen)
{
	const struct rd_redirect *c;
	struct rdr_redirect *r;
	size_t n = 0;

	if (st->arena == NULL)
		st->arena = arena_new();	/* the first: lives as long */
	st->conf = rc;
	st->conffile = conffile;
	st->names = names;
	for (c = rc->redirects; c != NULL; c = c->next)
		if (!c->disable)
			n++;
	st->rdrs = alloc(st, n + 1, sizeof(*st->rdrs));
	for (c = rc->redirects; c != NULL; c = c->next) {
		if (c->disable)
			continue;
		r = &st->rdrs[st->nrdrs];
		r->conf = c;
		r->index = (int)st->nrdrs++;
		r->mark = tag_mark(c->tag);
		if (!setup_route(st, c, err, errlen) ||
		    !setup_listens(st, r, names, err, errlen) ||
		    !setup_ports(st, r, err, errlen) ||
		    !setup_table(st, &r->main, c->table, names, err, errlen) ||
		    !setup_table(st, &r->backup, c->backup, names, err, errlen))
			return false;
	}
	return true;
}
