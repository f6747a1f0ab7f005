/*
 * route: relayd's `route to`, pf's route-to -- direct server return.
 * The packet goes to the chosen host unchanged, its destination still
 * the virtual address (the hosts hold it on a loopback or dummy
 * interface and answer the client themselves).  nftables forwards a
 * packet unchanged only at a device's ingress hook (fwd, in a netdev
 * table), so route to lives in a table of its own, netdev relayd.
 *
 * The ingress hook comes before conntrack: nothing remembers a flow's
 * host, and numgen would send every packet of one TCP connection
 * somewhere else.  Each redirection keeps its flows in a dynamic map
 * instead (client port, protocol, address -> host id; the client
 * address alone with sticky-address), whose entries expire after the
 * session timeout without packets.  The meta mark carries the host id
 * through the chain; a second map turns it into the address.
 *
 * Per redirection r, family F and listen K:
 *	rN_inK		ingress on the listen's interface: address,
 *			protocol, port: jump rN_F
 *	rN_F		the flow's host, or a new one chosen by numgen or
 *			jhash among the live hosts; fwd to its address
 *	rN_flowF	the flows and their hosts
 */
#include <stdio.h>

#include "base/strbuf.h"
#include "redirectd.h"

bool
route_any(const struct rdr_state *st)
{
	size_t i;

	for (i = 0; i < st->nrdrs; i++)
		if (st->rdrs[i].conf->table->route)
			return true;
	return false;
}

/*
 * The flow map's key.  The address comes last: nftables 1.0.6 aborts
 * on an update whose IPv6 key begins with the address.
 */
static void
put_key(struct strbuf *sb, const struct rdr_redirect *r, int af)
{
	if (r->conf->sticky)
		rs_put(sb, "%s saddr", rs_ipword(af));
	else
		rs_put(sb, "th sport . meta l4proto . %s saddr",
		    rs_ipword(af));
}

/* The live hosts of table t in family af: "k : id" or "id". */
static void
put_live(struct strbuf *sb, const struct rdr_table *t, int af, bool keyed)
{
	const struct rdr_host *h;
	size_t i, k = 0;

	for (i = 0; i < t->nhosts; i++) {
		h = &t->hosts[i];
		if (!rdr_host_live(h) || !rs_in_family(&h->addr, af))
			continue;
		if (keyed)
			rs_put(sb, "%s%zu : %u", k > 0 ? ", " : "", k, h->id);
		else
			rs_put(sb, "%s%u", k > 0 ? ", " : "", h->id);
		k++;
	}
}

static size_t
count_hosts(const struct rdr_redirect *r, int af)
{
	const struct rdr_table *ts[2] = { &r->main, &r->backup };
	size_t i, j, k = 0;

	for (j = 0; j < 2; j++)
		for (i = 0; i < ts[j]->nhosts; i++)
			k += rs_in_family(&ts[j]->hosts[i].addr, af);
	return k;
}

/* The rules of chain rN_F for the hosts live now. */
void
route_chain(struct strbuf *sb, const struct rdr_redirect *r, int af,
    unsigned flags, const char *prefix)
{
	const struct rdr_table *t = rs_used_table(r, rdr_using(r));
	const char *ip = rs_ipword(af);
	size_t n = t != NULL ? rs_count_live(t, af) : 0;

	/* A known flow: its host's id in the mark, 0 otherwise. */
	rs_put(sb, "%smeta mark set 0x0\n%smeta mark set ", prefix, prefix);
	put_key(sb, r, af);
	rs_put(sb, " map @r%d_flow%d\n", r->index, af);
	if (flags & RDR_FLAG_CUT) {
		/* Not refreshed: once it expires the client chooses anew. */
		rs_put(sb, "%smeta mark != 0x0 ", prefix);
		if (n > 0) {
			rs_put(sb, "meta mark != { ");
			put_live(sb, t, af, false);
			rs_put(sb, " } ");
		}
		rs_put(sb, "drop\n");
	}
	if (n > 0) {
		rs_put(sb, "%smeta mark 0x0 meta mark set ", prefix);
		rs_put_selector(sb, r, af, n);
		rs_put(sb, " map { ");
		put_live(sb, t, af, true);
		rs_put(sb, " }\n");
	}
	/* New: remembered; known: its timeout starts again. */
	rs_put(sb, "%smeta mark != 0x0 update @r%d_flow%d { ", prefix,
	    r->index, af);
	put_key(sb, r, af);
	rs_put(sb, " : meta mark }\n");
	/* No host: the packet goes on to the virtual address, as pf's. */
	if (count_hosts(r, af) == 0)
		return;
	/*
	 * Every host of both tables, live or not: a flow keeps its host
	 * while the host is down unless -c cuts it, as pf keeps its states.
	 */
	rs_put(sb, "%sfwd %s to meta mark map { ", prefix, ip);
	(void)rs_put_hosts(sb, r, af, false, true, "");
	rs_put(sb, " } device \"%s\"\n", r->conf->table->ifname);
}

static void
put_flow_map(struct strbuf *sb, const struct rdr_redirect *r, int af)
{
	const char *type = af == 4 ? "ipv4_addr" : "ipv6_addr";

	rs_put(sb, "\tmap r%d_flow%d {\n\t\ttype ", r->index, af);
	if (r->conf->sticky)
		rs_put(sb, "%s", type);
	else
		rs_put(sb, "inet_service . inet_proto . %s", type);
	rs_put(sb, " : mark\n\t\tflags dynamic, timeout\n\t\ttimeout %llds\n"
	    "\t}\n", rs_sticky_timeout(r->conf->session_timeout));
}

/* One ingress chain per listen: a netdev chain hooks one interface. */
static void
put_ingress(struct strbuf *sb, const struct rdr_redirect *r)
{
	const struct rd_listen *l;
	const struct addr *a;
	int af, k;

	for (l = r->conf->listens, a = r->laddrs, k = 0; l != NULL;
	    l = l->next, a++, k++) {
		rs_put(sb, "\tchain r%d_in%d {\n\t\ttype filter hook ingress "
		    "device \"%s\" priority filter; policy accept;\n",
		    r->index, k, l->ifname);
		for (af = 4; af <= 6; af += 2)
			if (rs_listen_in(a, af)) {
				rs_put(sb, "\t\t");
				rs_put_listen(sb, l, a, af, true);
				rs_put(sb, " jump r%d_%d\n", r->index, af);
			}
		rs_put(sb, "\t}\n");
	}
}

/* The whole netdev table, after the inet one. */
void
route_table(struct strbuf *sb, const struct rdr_state *st, unsigned flags)
{
	const struct rdr_redirect *r;
	size_t i;
	int af;

	rs_put(sb, "table " RDR_NFT_NETDEV " " RDR_NFT_TABLE " {\n");
	for (i = 0; i < st->nrdrs; i++) {
		r = &st->rdrs[i];
		if (!r->conf->table->route)
			continue;
		for (af = 4; af <= 6; af += 2)
			if (rs_has_af(r, af))
				put_flow_map(sb, r, af);
		for (af = 4; af <= 6; af += 2)
			if (rs_has_af(r, af)) {
				rs_put(sb, "\tchain r%d_%d {\n", r->index, af);
				route_chain(sb, r, af, flags, "\t\t");
				rs_put(sb, "\t}\n");
			}
		put_ingress(sb, r);
	}
	rs_put(sb, "}\n");
}
