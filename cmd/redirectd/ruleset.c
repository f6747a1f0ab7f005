/*
 * ruleset: the nftables text of redirectd's table.  The table is built
 * whole at start and on reload (created, deleted and made anew in one
 * transaction, so that the kernel swaps it atomically); a round of
 * health changes only flushes and refills the chains of the
 * redirections whose hosts changed, so that the sticky maps and the
 * conntrack timeout objects of the others stay as they are.
 *
 * Per redirection r and family (4, 6):
 *	prerouting (nat)	listen address, protocol, port: jump rN_F
 *	rN_F			mark; the sticky lookup; dnat through a map
 *				of the live hosts, chosen by numgen or jhash
 *	raw (filter, raw)	session timeout: a ct timeout object
 *	postrouting (filter)	sticky-address: remember client -> host
 *	forward (filter)	-c: drop flows whose host went down
 *
 * route to is not in this table but in netdev relayd (route.c), which
 * uses the helpers exported here (rs_*) to say the same things alike.
 */
#include <netinet/in.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/siphash.h"
#include "base/strbuf.h"
#include "redirectd.h"

#define T	RDR_NFT_FAMILY " " RDR_NFT_TABLE
#define TN	RDR_NFT_NETDEV " " RDR_NFT_TABLE

void
rs_put(struct strbuf *sb, const char *fmt, ...)
{
	char tmp[RDR_RULE_BYTES];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		sb->full = true;
		return;
	}
	strbuf_put(sb, tmp, (size_t)n);
}

bool
rdr_host_live(const struct rdr_host *h)
{
	/* Unknown hosts are tried, as relay tries them: checkd may be late. */
	return h->state == STATUSFILE_UP || h->state == STATUSFILE_UNKNOWN;
}

static bool
any_live(const struct rdr_table *t)
{
	size_t i;

	for (i = 0; i < t->nhosts; i++)
		if (rdr_host_live(&t->hosts[i]))
			return true;
	return false;
}

enum rdr_using
rdr_using(const struct rdr_redirect *r)
{
	if (r->off)
		return RDR_USING_NONE;
	if (any_live(&r->main))
		return RDR_USING_MAIN;
	if (r->backup.use != NULL && any_live(&r->backup))
		return RDR_USING_BACKUP;
	return RDR_USING_NONE;
}

const struct rdr_table *
rs_used_table(const struct rdr_redirect *r, enum rdr_using u)
{
	return u == RDR_USING_MAIN ? &r->main : u == RDR_USING_BACKUP ?
	    &r->backup : NULL;
}

/* A host's address in family af (4 or 6); -n shows names as IPv4. */
bool
rs_in_family(const struct addr *a, int af)
{
	if (a->kind == ADDR_INET6)
		return af == 6;
	return af == 4;
}

void
rs_put_addr(struct strbuf *sb, const struct addr *a)
{
	char text[INET6_ADDRSTRLEN];

	if (a->kind == ADDR_NAME)
		rs_put(sb, "%s", a->name);
	else if (inet_ntop(a->kind == ADDR_INET ? AF_INET : AF_INET6,
	    a->bytes, text, sizeof(text)) != NULL)
		rs_put(sb, "%s", text);
}

const char *
rs_ipword(int af)
{
	return af == 4 ? "ip" : "ip6";
}

const char *
rs_l4name(int ipproto)
{
	return ipproto == IPPROTO_UDP ? "udp" : "tcp";
}

/*
 * What the packets to one listen match: interface, address, port.  A
 * netdev chain hooks the interface itself and sees every protocol.
 */
void
rs_put_listen(struct strbuf *sb, const struct rd_listen *l,
    const struct addr *a, int af, bool netdev)
{
	if (l->ifname != NULL && !netdev)
		rs_put(sb, "iifname \"%s\" ", l->ifname);
	if (a->kind == ADDR_ANY && netdev)
		rs_put(sb, "meta protocol %s ", rs_ipword(af));
	else if (a->kind == ADDR_ANY)
		rs_put(sb, "meta nfproto %s ", af == 4 ? "ipv4" : "ipv6");
	else {
		rs_put(sb, "%s daddr ", rs_ipword(af));
		rs_put_addr(sb, a);
		rs_put(sb, " ");
	}
	rs_put(sb, "%s dport %u", rs_l4name(l->ipproto), l->port);
	if (l->port_max != 0)
		rs_put(sb, "-%u", l->port_max);
}

bool
rs_listen_in(const struct addr *a, int af)
{
	return a->kind == ADDR_ANY || rs_in_family(a, af);
}

/* The hash seed of source-hash's key: the same key, the same hosts. */
static uint32_t
key_seed(const char *key)
{
	static const unsigned char zero[16];

	if (key == NULL)
		return 0;
	return (uint32_t)siphash24(zero, key, strlen(key));
}

size_t
rs_count_live(const struct rdr_table *t, int af)
{
	size_t i, n = 0;

	for (i = 0; i < t->nhosts; i++)
		if (rdr_host_live(&t->hosts[i]) &&
		    rs_in_family(&t->hosts[i].addr, af))
			n++;
	return n;
}

/* The numgen or jhash expression that picks one of n hosts. */
void
rs_put_selector(struct strbuf *sb, const struct rdr_redirect *r, int af,
    size_t n)
{
	const struct rd_table_opts *o = &r->conf->table->opts;

	if (o->mode == RD_MODE_SOURCE_HASH)
		rs_put(sb, "jhash %s saddr mod %zu seed 0x%08x", rs_ipword(af), n,
		    key_seed(o->key));
	else if (o->mode == RD_MODE_RANDOM)
		rs_put(sb, "numgen random mod %zu", n);
	else
		rs_put(sb, "numgen inc mod %zu", n);
}

static void
put_map(struct strbuf *sb, const struct rdr_redirect *r,
    const struct rdr_table *t, int af)
{
	const struct rdr_host *h;
	size_t i, k = 0;

	rs_put(sb, " map { ");
	for (i = 0; i < t->nhosts; i++) {
		h = &t->hosts[i];
		if (!rdr_host_live(h) || !rs_in_family(&h->addr, af))
			continue;
		rs_put(sb, "%s%zu : ", k > 0 ? ", " : "", k);
		rs_put_addr(sb, &h->addr);
		if (!r->keep_port)
			rs_put(sb, " . %u", r->port);
		k++;
	}
	rs_put(sb, " }");
}

/* The rules of chain rN_F for the hosts live now. */
static void
chain_rules(struct strbuf *sb, const struct rdr_redirect *r, int af,
    const char *prefix)
{
	const struct rdr_table *t = rs_used_table(r, rdr_using(r));
	const char *ip = rs_ipword(af);
	size_t n = t != NULL ? rs_count_live(t, af) : 0;

	if (r->mark != 0)
		rs_put(sb, "%smeta mark set 0x%08x ct mark set meta mark\n",
		    prefix, r->mark);
	if (n == 0)
		return;		/* to the listen address itself, as pf does */
	/* The map keeps addresses: every host of a table has one port. */
	if (r->conf->sticky && r->keep_port)
		rs_put(sb, "%sdnat %s to %s saddr map @r%d_sticky%d\n", prefix,
		    ip, ip, r->index, af);
	else if (r->conf->sticky)
		rs_put(sb, "%smeta l4proto { tcp, udp } dnat %s to %s saddr map "
		    "@r%d_sticky%d : %u\n", prefix, ip, ip, r->index, af,
		    r->port);
	rs_put(sb, "%smeta l4proto { tcp, udp } dnat %s to ", prefix, ip);
	rs_put_selector(sb, r, af, n);
	put_map(sb, r, t, af);
	rs_put(sb, "\n");
}

static bool
has_proto(const struct rdr_redirect *r, int af, int ipproto)
{
	const struct rd_listen *l;
	const struct addr *a;

	for (l = r->conf->listens, a = r->laddrs; l != NULL; l = l->next, a++)
		if (l->ipproto == ipproto && rs_listen_in(a, af))
			return true;
	return false;
}

bool
rs_has_af(const struct rdr_redirect *r, int af)
{
	return af == 4 ? r->af4 : r->af6;
}

/* session timeout: one conntrack timeout policy per protocol used. */
static void
put_timeouts(struct strbuf *sb, const struct rdr_redirect *r)
{
	static const int protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	long long s = r->conf->session_timeout;
	size_t i;
	int af;

	if (r->conf->table->route)
		return;
	for (af = 4; af <= 6; af += 2)
		for (i = 0; i < 2; i++) {
			if (!rs_has_af(r, af) || !has_proto(r, af, protos[i]))
				continue;
			rs_put(sb, "\tct timeout r%d_%s%d {\n\t\tprotocol %s; "
			    "l3proto %s;\n", r->index, rs_l4name(protos[i]), af,
			    rs_l4name(protos[i]), rs_ipword(af));
			if (protos[i] == IPPROTO_TCP)
				rs_put(sb, "\t\tpolicy = { established: %lld }\n",
				    s);
			else
				rs_put(sb, "\t\tpolicy = { unreplied: %lld, "
				    "replied: %lld }\n", s, s);
			rs_put(sb, "\t}\n");
		}
}

/*
 * A sticky entry outlives its flows by the session timeout; nftables
 * refuses a set timeout much above 1000 days, and 0 would be no timeout.
 */
long long
rs_sticky_timeout(long long s)
{
	return s < 1 ? 1 : s > RDR_STICKY_TIMEOUT_MAX ?
	    RDR_STICKY_TIMEOUT_MAX : s;
}

static void
put_sets(struct strbuf *sb, const struct rdr_redirect *r, unsigned flags)
{
	int af;

	for (af = 4; af <= 6; af += 2) {
		if (!rs_has_af(r, af))
			continue;
		if (r->conf->sticky && !r->conf->table->route)
			rs_put(sb, "\tmap r%d_sticky%d {\n\t\ttype %s_addr : "
			    "%s_addr\n\t\tflags dynamic, timeout\n"
			    "\t\ttimeout %llds\n\t}\n", r->index, af,
			    af == 4 ? "ipv4" : "ipv6", af == 4 ? "ipv4" : "ipv6",
			    rs_sticky_timeout(r->conf->session_timeout));
		if ((flags & RDR_FLAG_CUT) && !r->conf->table->route)
			rs_put(sb, "\tset r%d_down%d {\n\t\ttype %s_addr\n\t}\n",
			    r->index, af, af == 4 ? "ipv4" : "ipv6");
	}
}

/* The flows a redirection made, seen again after the nat hooks. */
static void
put_ct_match(struct strbuf *sb, const struct rd_listen *l,
    const struct addr *a, int af)
{
	rs_put(sb, "meta l4proto %s ct status dnat ", rs_l4name(l->ipproto));
	if (a->kind == ADDR_ANY)
		rs_put(sb, "meta nfproto %s ", af == 4 ? "ipv4" : "ipv6");
	else {
		rs_put(sb, "ct original %s daddr ", rs_ipword(af));
		rs_put_addr(sb, a);
		rs_put(sb, " ");
	}
	rs_put(sb, "ct original proto-dst %u", l->port);
	if (l->port_max != 0)
		rs_put(sb, "-%u", l->port_max);
}

/* The rules made once per listen of every redirection, by hook. */
enum listen_rule { LR_JUMP, LR_TIMEOUT, LR_STICKY, LR_CUT };

static void
put_listen_rule(struct strbuf *sb, const struct rdr_redirect *r,
    const struct rd_listen *l, const struct addr *a, int af,
    enum listen_rule kind)
{
	const char *ip = rs_ipword(af);

	rs_put(sb, "\t\t");
	if (kind == LR_JUMP || kind == LR_TIMEOUT)
		rs_put_listen(sb, l, a, af, false);
	else
		put_ct_match(sb, l, a, af);
	switch (kind) {
	case LR_JUMP:
		rs_put(sb, " jump r%d_%d\n", r->index, af);
		break;
	case LR_TIMEOUT:
		rs_put(sb, " ct timeout set \"r%d_%s%d\"\n", r->index,
		    rs_l4name(l->ipproto), af);
		break;
	case LR_STICKY:
		rs_put(sb, " ct direction original update @r%d_sticky%d "
		    "{ %s saddr : %s daddr }\n", r->index, af, ip, ip);
		break;
	case LR_CUT:
		rs_put(sb, " ct reply %s saddr @r%d_down%d drop\n", ip, r->index,
		    af);
		break;
	}
}

static void
put_listen_rules(struct strbuf *sb, const struct rdr_state *st,
    enum listen_rule kind)
{
	const struct rdr_redirect *r;
	const struct rd_listen *l;
	const struct addr *a;
	size_t i;
	int af;

	for (i = 0; i < st->nrdrs; i++) {
		r = &st->rdrs[i];
		if (r->conf->table->route || (kind == LR_STICKY &&
		    !r->conf->sticky))
			continue;
		for (af = 4; af <= 6; af += 2)
			for (l = r->conf->listens, a = r->laddrs; l != NULL;
			    l = l->next, a++)
				if (rs_listen_in(a, af))
					put_listen_rule(sb, r, l, a, af, kind);
	}
}

static bool
any_sticky(const struct rdr_state *st)
{
	size_t i;

	for (i = 0; i < st->nrdrs; i++)
		if (st->rdrs[i].conf->sticky && !st->rdrs[i].conf->table->route)
			return true;
	return false;
}

/*
 * The hosts of both tables in family af, all or only those down now
 * (-c's set), as addresses or as "id : address" (route to's map); the
 * first is preceded by first.  Returns how many.
 */
size_t
rs_put_hosts(struct strbuf *sb, const struct rdr_redirect *r, int af,
    bool down_only, bool ids, const char *first)
{
	const struct rdr_table *ts[2] = { &r->main, &r->backup };
	const struct rdr_host *h;
	size_t i, j, k = 0;

	for (j = 0; j < 2; j++)
		for (i = 0; i < ts[j]->nhosts; i++) {
			h = &ts[j]->hosts[i];
			if (!rs_in_family(&h->addr, af) || (down_only &&
			    (rdr_host_live(h) || h->addr.kind == ADDR_NAME)))
				continue;
			rs_put(sb, "%s", k++ == 0 ? first : ", ");
			if (ids)
				rs_put(sb, "%u : ", h->id);
			rs_put_addr(sb, &h->addr);
		}
	return k;
}

/* -c: the hosts of both tables that are down now. */
static void
put_down(struct strbuf *sb, const struct rdr_redirect *r, int af,
    const char *prefix)
{
	if (rs_put_hosts(sb, r, af, true, false, prefix) > 0)
		rs_put(sb, " }\n");
}

static void
put_body(struct strbuf *sb, const struct rdr_state *st, unsigned flags)
{
	const struct rdr_redirect *r;
	char prefix[64];
	size_t i;
	int af;

	for (i = 0; i < st->nrdrs; i++) {
		put_timeouts(sb, &st->rdrs[i]);
		put_sets(sb, &st->rdrs[i], flags);
	}
	rs_put(sb, "\tchain raw {\n\t\ttype filter hook prerouting priority "
	    "raw; policy accept;\n");
	put_listen_rules(sb, st, LR_TIMEOUT);
	rs_put(sb, "\t}\n\tchain prerouting {\n\t\ttype nat hook prerouting "
	    "priority dstnat; policy accept;\n");
	put_listen_rules(sb, st, LR_JUMP);
	rs_put(sb, "\t}\n");
	for (i = 0; i < st->nrdrs; i++) {
		r = &st->rdrs[i];
		for (af = 4; af <= 6; af += 2) {
			if (!rs_has_af(r, af) || r->conf->table->route)
				continue;
			rs_put(sb, "\tchain r%d_%d {\n", r->index, af);
			chain_rules(sb, r, af, "\t\t");
			rs_put(sb, "\t}\n");
		}
	}
	if (any_sticky(st)) {
		rs_put(sb, "\tchain postrouting {\n\t\ttype filter hook "
		    "postrouting priority srcnat + 1; policy accept;\n");
		put_listen_rules(sb, st, LR_STICKY);
		rs_put(sb, "\t}\n");
	}
	if (flags & RDR_FLAG_CUT) {
		rs_put(sb, "\tchain forward {\n\t\ttype filter hook forward "
		    "priority filter; policy accept;\n");
		put_listen_rules(sb, st, LR_CUT);
		rs_put(sb, "\t}\n");
	}
	rs_put(sb, "}\n");
	/* The down sets' elements, after the table that declares them. */
	for (i = 0; i < st->nrdrs && (flags & RDR_FLAG_CUT); i++)
		for (af = 4; af <= 6; af += 2)
			if (rs_has_af(&st->rdrs[i], af) &&
			    !st->rdrs[i].conf->table->route) {
				(void)snprintf(prefix, sizeof(prefix),
				    "add element " T " r%d_down%d { ",
				    st->rdrs[i].index, af);
				put_down(sb, &st->rdrs[i], af, prefix);
			}
}

size_t
ruleset_text_size(const struct rdr_state *st)
{
	const struct rd_listen *l;
	size_t i, n = RDR_TEXT_MIN;

	/*
	 * Each host at most twice (a map, a down set), each rule bounded:
	 * a listen has one rule in each of four hooks, a redirection's
	 * chains and objects a few more.  route to: a host at most three
	 * times (choice, -c's set, the addresses), each shorter.
	 */
	for (i = 0; i < st->nrdrs; i++) {
		n += 16 * RDR_RULE_BYTES + 3 * RDR_HOST_TEXT *
		    (st->rdrs[i].main.nhosts + st->rdrs[i].backup.nhosts);
		for (l = st->rdrs[i].conf->listens; l != NULL; l = l->next)
			n += 2 * 4 * RDR_RULE_BYTES;
	}
	return n;
}

bool
ruleset_table(const struct rdr_state *st, unsigned flags, char *buf,
    size_t size)
{
	struct strbuf sb;

	strbuf_init(&sb, buf, size);
	rs_put(&sb, "table " T " {\n");
	put_body(&sb, st, flags);
	if (route_any(st))
		route_table(&sb, st, flags);
	return !sb.full;
}

/*
 * Made if missing, then deleted and made anew: one atomic swap.  The
 * netdev table too, so that a reload without route to removes it.
 */
bool
ruleset_replace(const struct rdr_state *st, unsigned flags, char *buf,
    size_t size)
{
	struct strbuf sb;

	strbuf_init(&sb, buf, size);
	rs_put(&sb, "add table " T "\ndelete table " T "\nadd table " TN
	    "\ndelete table " TN "\ntable " T " {\n");
	put_body(&sb, st, flags);
	if (route_any(st))
		route_table(&sb, st, flags);
	return !sb.full;
}

static bool
changed(const struct rdr_redirect *r)
{
	enum rdr_using u = rdr_using(r);
	const struct rdr_table *ts[2] = { &r->main, &r->backup };
	size_t i, j;

	if (!r->loaded_valid || u != r->loaded_using)
		return true;
	for (j = 0; j < 2; j++)
		for (i = 0; i < ts[j]->nhosts; i++)
			if (rdr_host_live(&ts[j]->hosts[i]) !=
			    ts[j]->hosts[i].loaded)
				return true;
	return false;
}

/* A host left the map: clients it kept must choose again. */
static bool
host_left(const struct rdr_redirect *r)
{
	const struct rdr_table *ts[2] = { &r->main, &r->backup };
	size_t i, j;

	if (rdr_using(r) != r->loaded_using)
		return true;
	for (j = 0; j < 2; j++)
		for (i = 0; i < ts[j]->nhosts; i++)
			if (ts[j]->hosts[i].loaded &&
			    !rdr_host_live(&ts[j]->hosts[i]))
				return true;
	return false;
}

/*
 * A route to redirection's flows stay with their hosts (its map has no
 * conntrack behind it to keep them otherwise); with -c, a sticky one's
 * clients choose again when a host leaves.
 */
static void
round_route(struct strbuf *sb, const struct rdr_redirect *r, int af,
    unsigned flags)
{
	char prefix[64];

	rs_put(sb, "flush chain " TN " r%d_%d\n", r->index, af);
	(void)snprintf(prefix, sizeof(prefix), "add rule " TN " r%d_%d ",
	    r->index, af);
	route_chain(sb, r, af, flags, prefix);
	if (r->conf->sticky && (flags & RDR_FLAG_CUT) && host_left(r))
		rs_put(sb, "flush map " TN " r%d_flow%d\n", r->index, af);
}

static void
round_one(struct strbuf *sb, const struct rdr_redirect *r, unsigned flags)
{
	char prefix[64];
	int af;

	for (af = 4; af <= 6; af += 2) {
		if (!rs_has_af(r, af))
			continue;
		if (r->conf->table->route) {
			round_route(sb, r, af, flags);
			continue;
		}
		rs_put(sb, "flush chain " T " r%d_%d\n", r->index, af);
		(void)snprintf(prefix, sizeof(prefix), "add rule " T " r%d_%d ",
		    r->index, af);
		chain_rules(sb, r, af, prefix);
		if (r->conf->sticky && host_left(r))
			rs_put(sb, "flush map " T " r%d_sticky%d\n", r->index,
			    af);
		if (flags & RDR_FLAG_CUT) {
			rs_put(sb, "flush set " T " r%d_down%d\n", r->index, af);
			(void)snprintf(prefix, sizeof(prefix),
			    "add element " T " r%d_down%d { ", r->index, af);
			put_down(sb, r, af, prefix);
		}
	}
}

bool
ruleset_round(const struct rdr_state *st, unsigned flags, char *buf,
    size_t size, bool *any)
{
	struct strbuf sb;
	size_t i;

	strbuf_init(&sb, buf, size);
	*any = false;
	for (i = 0; i < st->nrdrs; i++)
		if (changed(&st->rdrs[i])) {
			round_one(&sb, &st->rdrs[i], flags);
			*any = true;
		}
	return !sb.full;
}

bool
ruleset_delete(char *buf, size_t size)
{
	int n = snprintf(buf, size, "delete table " T "\nadd table " TN
	    "\ndelete table " TN "\n");

	return n > 0 && (size_t)n < size;
}
