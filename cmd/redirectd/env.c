/*
 * env: what the machine must offer besides the configuration --
 * forwarding switched on, the interfaces the file names.  redirectd
 * checks and names what is missing; it never changes a sysctl itself:
 * turning a host into a router is the operator's decision.
 */
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "redirectd.h"

/* The sysctl's value: 1 on, 0 off, -1 unreadable. */
static int
sysctl_on(const char *path)
{
	char c = '0';
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = '0';
	(void)close(fd);
	return c != '0';
}

static bool
forwarding(const char *name, const char *path)
{
	int on = sysctl_on(path);

	if (on == -1)
		die_sys(DIE_SYS, "%s (%s)", name, path);
	return on == 1;
}

/*
 * At start, before the chroot hides /proc: a redirection of a family
 * whose forwarding is off could only send its packets nowhere.  The
 * answers are kept for reloads, which cannot read /proc any more.
 */
void
env_check_forwarding(struct redirectd *d)
{
	size_t i;
	bool v4 = false, v6 = false;

	for (i = 0; i < d->st.nrdrs; i++) {
		/* route to's fwd sends from ingress, not through routing. */
		if (d->st.rdrs[i].conf->table->route)
			continue;
		v4 |= d->st.rdrs[i].af4;
		v6 |= d->st.rdrs[i].af6;
	}
	d->forward4 = forwarding("net.ipv4.ip_forward",
	    "/proc/sys/net/ipv4/ip_forward");
	d->forward6 = forwarding("net.ipv6.conf.all.forwarding",
	    "/proc/sys/net/ipv6/conf/all/forwarding");
	if (v4 && !d->forward4)
		die(DIE_SYS, "net.ipv4.ip_forward is 0: the kernel would not "
		    "forward redirected IPv4 packets; set it to 1 "
		    "(sysctl -w net.ipv4.ip_forward=1)");
	if (v6 && !d->forward6)
		die(DIE_SYS, "net.ipv6.conf.all.forwarding is 0: the kernel "
		    "would not forward redirected IPv6 packets; set it to 1 "
		    "(sysctl -w net.ipv6.conf.all.forwarding=1)");
}

/*
 * Ask rtnetlink for the link by name (RTM_GETLINK with IFLA_IFNAME):
 * the answer is the link or ENODEV.  A netlink socket, unlike
 * if_nametoindex's ioctl on an AF_UNIX one, is what the sandbox allows.
 */
static bool
interface_exists(const char *name)
{
	struct {
		struct nlmsghdr		nh;
		struct ifinfomsg	ifi;
		struct rtattr		rta;
		char			name[RD_IFNAME_MAX + 1];
	} req;
	union {
		struct nlmsghdr	nh;
		char		buf[8192];
	} ans;
	size_t len = strlen(name);
	ssize_t n;
	int fd;

	if (len > RD_IFNAME_MAX)
		return false;
	memset(&req, 0, sizeof(req));
	req.rta.rta_type = IFLA_IFNAME;
	req.rta.rta_len = (unsigned short)RTA_LENGTH(len + 1);
	memcpy(req.name, name, len);
	req.nh.nlmsg_len = (uint32_t)NLMSG_LENGTH(sizeof(req.ifi) +
	    RTA_ALIGN(req.rta.rta_len));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.ifi.ifi_family = AF_UNSPEC;
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1)
		die_sys(DIE_SYS, "netlink socket");
	if (send(fd, &req, req.nh.nlmsg_len, 0) == -1)
		die_sys(DIE_SYS, "netlink send");
	while ((n = recv(fd, &ans, sizeof(ans), 0)) == -1 && errno == EINTR)
		;
	(void)close(fd);
	if (n < (ssize_t)sizeof(struct nlmsghdr))
		die_sys(DIE_SYS, "netlink answer");
	return ans.nh.nlmsg_type == RTM_NEWLINK;
}

/*
 * Every interface a redirection names must exist: nftables matches
 * iifname as a string and would accept a typing mistake that never
 * matches a packet.
 */
bool
env_check_interfaces(const struct rdr_state *st, char *err, size_t errlen)
{
	const struct rdr_redirect *r;
	const struct rd_listen *l;
	const struct rd_table_use *u;
	size_t i;

	for (i = 0; i < st->nrdrs; i++) {
		r = &st->rdrs[i];
		for (l = r->conf->listens; l != NULL; l = l->next)
			if (l->ifname != NULL && !interface_exists(l->ifname))
				return fail_at(err, errlen, "%s:%d: interface "
				    "%s does not exist", st->conffile, l->line,
				    l->ifname);
		u = r->conf->table;
		if (u->ifname != NULL && !interface_exists(u->ifname))
			return fail_at(err, errlen, "%s:%d: interface %s "
			    "does not exist", st->conffile, u->line,
			    u->ifname);
	}
	return true;
}
