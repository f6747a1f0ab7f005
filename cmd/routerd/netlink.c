/*
 * netlink: routerd's one place that changes the kernel, over rtnetlink
 * (rtnetlink(7)) with libmnl building and walking the messages.
 *
 * Each request is one message, acknowledged before the next: a route
 * is added, replaced or deleted whole by the kernel (a multipath route
 * with all its next hops at once), so a refused request leaves the old
 * route as it was.  The kernel's own words for a refusal (extended ACK)
 * go into the log.  Deletions name routerd's protocol, and the kernel
 * deletes nothing of another protocol.
 */
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/die.h"
#include "routerd.h"

/* A dump batch of the kernel's is at most a page or so; 32 KiB holds it. */
enum { NL_BUF_SIZE = 32768, NL_EXTACK_MAX = 128 };

struct nl {
	struct mnl_socket	*sock;
	unsigned		 portid;
	unsigned		 seq;
	char			 buf[NL_BUF_SIZE];
	char			 extack[NL_EXTACK_MAX];
};

struct nl *
nl_open(char *err, size_t errlen)
{
	struct nl *nl;
	int on = 1;

	if ((nl = calloc(1, sizeof(*nl))) == NULL) {
		(void)fail_at(err, errlen, "out of memory");
		return NULL;
	}
	if ((nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) ==
	    NULL) {
		(void)fail_at(err, errlen, "netlink socket: %s",
		    strerror(errno));
		free(nl);
		return NULL;
	}
	/* The kernel's reasons, and acks without our request echoed. */
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &on,
	    sizeof(on));
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &on,
	    sizeof(on));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) == -1) {
		(void)fail_at(err, errlen, "netlink bind: %s",
		    strerror(errno));
		nl_close(nl);
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	return nl;
}

void
nl_close(struct nl *nl)
{
	if (nl == NULL)
		return;
	(void)mnl_socket_close(nl->sock);
	free(nl);
}

static int
extack_attr(const struct nlattr *a, void *arg)
{
	struct nl *nl = arg;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		(void)snprintf(nl->extack, sizeof(nl->extack), "%s",
		    mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* An NLMSG_ERROR: an ack (0), or a refusal with errno and extack. */
static int
error_cb(const struct nlmsghdr *h, void *arg)
{
	struct nl *nl = arg;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

	if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    (h->nlmsg_flags & NLM_F_CAPPED))
		(void)mnl_attr_parse(h, sizeof(*e), extack_attr, nl);
	errno = -e->error;
	return MNL_CB_ERROR;
}

/* The end of a dump. */
static int
done_cb(const struct nlmsghdr *h, void *arg)
{
	(void)h;
	(void)arg;
	return MNL_CB_STOP;
}

/* The reason in err; errno stays the kernel's for the caller. */
static bool
fail_nl(struct nl *nl, char *err, size_t errlen)
{
	int saved = errno;

	if (nl->extack[0] != '\0')
		(void)fail_at(err, errlen, "%s (%s)", nl->extack,
		    strerror(saved));
	else
		(void)fail_at(err, errlen, "%s", strerror(saved));
	errno = saved;
	return false;
}

/* Send h and read the answers, each to cb, until the ack or the end. */
static bool
transact(struct nl *nl, struct nlmsghdr *h, mnl_cb_t cb, void *arg)
{
	/* Given a table, libmnl leaves every control type to it. */
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb, [NLMSG_DONE] = done_cb
	};
	ssize_t n;
	int ret;

	nl->extack[0] = '\0';
	h->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, h, h->nlmsg_len) == -1)
		return false;
	do {
		if ((n = mnl_socket_recvfrom(nl->sock, nl->buf,
		    sizeof(nl->buf))) == -1)
			return false;
		ret = mnl_cb_run2(nl->buf, (size_t)n, nl->seq, nl->portid,
		    cb, arg, ctl, NLMSG_MIN_TYPE);
	} while (ret == MNL_CB_OK);
	/* A refusal: errno and nl->extack were set by error_cb. */
	return ret != MNL_CB_ERROR;
}

static size_t
alen(int af)
{
	return af == AF_INET ? 4 : 16;
}

static struct rtmsg *
put_route_header(struct nl *nl, struct nlmsghdr **hp, uint16_t type,
    uint16_t flags, const struct route *r)
{
	char *buf = nl->buf;
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	h->nlmsg_type = type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	rtm = mnl_nlmsg_put_extra_header(h, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)r->af;
	rtm->rtm_dst_len = (unsigned char)r->plen;
	rtm->rtm_table = r->table < 256 ? (unsigned char)r->table :
	    RT_TABLE_UNSPEC;
	rtm->rtm_protocol = ROUTERD_PROTO;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(h, RTA_DST, alen(r->af), r->dst);
	mnl_attr_put_u32(h, RTA_TABLE, r->table);
	mnl_attr_put_u32(h, RTA_PRIORITY, r->metric);
	*hp = h;
	return rtm;
}

/* One next hop inside RTA_MULTIPATH: struct rtnexthop, then its attrs. */
static void
put_nexthop(struct nlmsghdr *h, const struct route *r,
    const struct nexthop *nh)
{
	struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(h);

	_Static_assert(sizeof(*rtnh) % RTNH_ALIGNTO == 0, "rtnexthop aligned");
	h->nlmsg_len += (uint32_t)sizeof(*rtnh);
	memset(rtnh, 0, sizeof(*rtnh));
	rtnh->rtnh_hops = 0;		/* weight 1 */
	rtnh->rtnh_ifindex = nh->ifindex;
	mnl_attr_put(h, RTA_GATEWAY, alen(r->af), nh->gw);
	if (r->realm != 0)
		mnl_attr_put_u32(h, RTA_FLOW, r->realm);
	rtnh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(h)
	    - (char *)rtnh);
}

bool
nl_replace(struct nl *nl, const struct route *r, bool exclusive, char *err,
    size_t errlen)
{
	struct nlmsghdr *h;
	struct nlattr *mp;
	size_t i;

	/* A route not known to be ours must not replace someone's. */
	(void)put_route_header(nl, &h, RTM_NEWROUTE, (uint16_t)(NLM_F_CREATE |
	    (exclusive ? NLM_F_EXCL : NLM_F_REPLACE)), r);
	if (r->nnh == 1) {
		mnl_attr_put(h, RTA_GATEWAY, alen(r->af), r->nh[0].gw);
		if (r->nh[0].ifindex > 0)
			mnl_attr_put_u32(h, RTA_OIF,
			    (uint32_t)r->nh[0].ifindex);
		if (r->realm != 0)
			mnl_attr_put_u32(h, RTA_FLOW, r->realm);
	} else {
		mp = mnl_attr_nest_start(h, RTA_MULTIPATH);
		for (i = 0; i < r->nnh; i++)
			put_nexthop(h, r, &r->nh[i]);
		mnl_attr_nest_end(h, mp);
	}
	if (!transact(nl, h, NULL, NULL))
		return fail_nl(nl, err, errlen);
	return true;
}

bool
nl_delete(struct nl *nl, const struct route *r, char *err, size_t errlen)
{
	struct nlmsghdr *h;

	(void)put_route_header(nl, &h, RTM_DELROUTE, 0, r);
	if (!transact(nl, h, NULL, NULL))
		return fail_nl(nl, err, errlen);
	return true;
}

struct dump {
	struct routeset	*set;
	bool		 full;
};

static int
route_attr(const struct nlattr *a, void *arg)
{
	const struct nlattr **tb = arg;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) > 0)
		tb[type] = a;
	return MNL_CB_OK;
}

/* One route of the dump: kept if it is ours. */
static int
dump_cb(const struct nlmsghdr *h, void *arg)
{
	struct dump *d = arg;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[RTA_MAX + 1];
	struct route r;

	if (h->nlmsg_type != RTM_NEWROUTE || rtm->rtm_protocol !=
	    ROUTERD_PROTO || (rtm->rtm_family != AF_INET &&
	    rtm->rtm_family != AF_INET6))
		return MNL_CB_OK;
	memset(tb, 0, sizeof(tb));
	if (mnl_attr_parse(h, sizeof(*rtm), route_attr, tb) < 0)
		return MNL_CB_OK;
	memset(&r, 0, sizeof(r));
	r.af = rtm->rtm_family;
	r.plen = rtm->rtm_dst_len;
	r.table = tb[RTA_TABLE] != NULL ? mnl_attr_get_u32(tb[RTA_TABLE]) :
	    rtm->rtm_table;
	r.metric = tb[RTA_PRIORITY] != NULL ?
	    mnl_attr_get_u32(tb[RTA_PRIORITY]) : 0;
	if (tb[RTA_DST] != NULL &&
	    mnl_attr_get_payload_len(tb[RTA_DST]) == alen(r.af))
		memcpy(r.dst, mnl_attr_get_payload(tb[RTA_DST]), alen(r.af));
	r.dirty = true;
	if (!routeset_push(d->set, &r))
		d->full = true;
	return MNL_CB_OK;
}

static bool
dump_family(struct nl *nl, int af, struct dump *d)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->buf);
	struct rtmsg *rtm;

	h->nlmsg_type = RTM_GETROUTE;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(h, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)af;
	return transact(nl, h, dump_cb, d);
}

bool
nl_dump_ours(struct nl *nl, struct routeset *set, char *err, size_t errlen)
{
	struct dump d = { set, false };

	if (!dump_family(nl, AF_INET, &d) || !dump_family(nl, AF_INET6, &d))
		return fail_nl(nl, err, errlen);
	if (d.full)
		return fail_at(err, errlen, "more than %d routes of protocol "
		    "%d", ROUTERD_ROUTES_MAX, ROUTERD_PROTO);
	return true;
}

struct lookup {
	bool	onlink;
	int	ifindex;
};

static int
lookup_cb(const struct nlmsghdr *h, void *arg)
{
	struct lookup *l = arg;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(h);
	const struct nlattr *tb[RTA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	memset(tb, 0, sizeof(tb));
	if (mnl_attr_parse(h, sizeof(*rtm), route_attr, tb) < 0)
		return MNL_CB_OK;
	/* Connected: reached without a gateway, and not our own address. */
	l->onlink = rtm->rtm_type == RTN_UNICAST && tb[RTA_GATEWAY] == NULL &&
	    tb[RTA_OIF] != NULL;
	if (tb[RTA_OIF] != NULL)
		l->ifindex = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	return MNL_CB_OK;
}

bool
nl_onlink(struct nl *nl, int af, const unsigned char *gw, int *ifindex)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->buf);
	struct rtmsg *rtm;
	struct lookup l = { false, 0 };

	/* The ack after the answer ends the exchange. */
	h->nlmsg_type = RTM_GETROUTE;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	rtm = mnl_nlmsg_put_extra_header(h, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)af;
	rtm->rtm_dst_len = (unsigned char)(alen(af) * 8);
	mnl_attr_put(h, RTA_DST, alen(af), gw);
	/* No route at all (ENETUNREACH) is as good as not connected. */
	if (!transact(nl, h, lookup_cb, &l))
		return false;
	*ifindex = l.ifindex;
	return l.onlink;
}
