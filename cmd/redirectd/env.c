/*
 * env: what the machine must offer besides the configuration --
 * forwarding switched on, the interfaces the file names.  redirectd
 * checks and names what is missing; it never changes a sysctl itself:
 * turning a host into a router is the operator's decision.
 */
#include <net/if.h>

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

static bool
interface_exists(const char *name)
{
	return if_nametoindex(name) != 0;
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
