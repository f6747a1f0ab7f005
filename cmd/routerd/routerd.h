/*
 * routerd: relayd's routers on Linux.  For every destination of a router
 * it keeps one multipath route, in the router's table, with one next hop
 * per gateway that checkd says is up; the kernel spreads the traffic.
 *
 *	health.c	the gateways' states, from checkd's status files
 *	routes.c	the routes wanted, from the configuration and health
 *	netlink.c	rtnetlink (libmnl): add, replace, delete, dump, look up
 *	kernel.c	the diff between the routes wanted and those installed
 *	realm.c		rtlabel as a routing realm (rt_realms)
 *	main.c		the script: options, config, privileges, loop
 *
 * Every route routerd installs carries its own protocol number
 * (ROUTERD_PROTO); it never changes or removes a route without it.
 */
#ifndef ROUTERD_H
#define ROUTERD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/relayd_conf.h"
#include "net/statusfile.h"
#include "net/statwatch.h"

/*
 * The route protocol (rtm_protocol) of routerd's routes: unassigned in
 * iproute2's rt_protos, between the daemons' numbers (up to 192) and
 * the end of the byte.  `ip route show proto 252` lists them.
 */
enum { ROUTERD_PROTO = 252 };

enum {
	ROUTERD_NEXTHOPS_MAX = 32,	/* gateways a route spreads over */
	ROUTERD_ROUTES_MAX = 65536,	/* routes kept, stale ones included */
	ROUTERD_IPV6_METRIC = 1024	/* the kernel's for IPv6 metric 0 */
};

struct gateway {
	const struct rd_host	*host;
	uint32_t		 id;		/* relayd host id */
	enum statusfile_state	 state;
	bool			 onlink;	/* on a connected network */
	int			 ifindex;	/* where the kernel reaches it */
	bool			 warned;	/* "not connected" said once */
};

struct router {
	const struct rd_router	*conf;
	const struct rd_table_inst *inst;
	bool			 checked;	/* its table has a check */
	char			 file[STATWATCH_NAME_MAX];
	struct gateway		*gws;
	size_t			 ngws;
	uint32_t		 table;		/* Linux table id */
	uint32_t		 realm;		/* 0: none */
};

struct nexthop {
	unsigned char	 gw[16];
	int		 ifindex;
};

/* One kernel route; the key is (af, table, dst, plen, metric). */
struct route {
	int		 af;		/* AF_INET, AF_INET6 */
	unsigned char	 dst[16];
	int		 plen;
	uint32_t	 table;
	uint32_t	 metric;
	uint32_t	 realm;
	size_t		 nnh;
	struct nexthop	 nh[ROUTERD_NEXTHOPS_MAX];
	bool		 dirty;		/* found at start: replace it */
	char		 router[RD_NAME_MAX + 1];	/* "": found at start */
};

struct routeset {
	struct route	*r;
	size_t		 n, cap;
};

struct nl;

struct routerd {
	const struct relayd_conf *conf;
	struct router		*routers;
	size_t			 nrouters;
	struct statwatch	 watch;
	bool			 watching;
	struct nl		*nl;
	struct routeset		 wanted, installed;
	struct routeset		 refused;	/* another's route: said once */
	int			 verbose;
	bool			 keep_down;	/* -p: keep a route with no gateway */
	bool			 keep_exit;	/* -k: keep routes on exit */
};

/* routes.c */
/*
 * The routers of rc, their gateways unknown (up without a check);
 * names_only (-n) leaves rtlabel unresolved.  False with err set.
 */
bool	routers_build(struct routerd *, const struct relayd_conf *,
	    bool names_only, char *err, size_t errlen);
void	routers_free(struct routerd *);
void	routes_want(struct routerd *, bool all_up);
bool	route_same_key(const struct route *, const struct route *);
void	route_format(const struct route *, const char *realm_name, char *,
	    size_t);
void	routes_print(const struct routerd *, FILE *);
bool	routeset_push(struct routeset *, const struct route *);
void	routeset_free(struct routeset *);

/* health.c */
bool	health_open(struct routerd *, const char *statedir);
void	health_load_all(struct routerd *);
bool	health_event(struct routerd *);

/* realm.c */
bool	realm_lookup(const char *label, uint32_t *realm, char *err,
	    size_t errlen);

/* netlink.c */
struct nl *nl_open(char *err, size_t errlen);
void	nl_close(struct nl *);
/*
 * Install r whole; exclusive (a route not known to be routerd's) fails
 * with EEXIST rather than replace another program's route.
 */
bool	nl_replace(struct nl *, const struct route *, bool exclusive,
	    char *err, size_t errlen);
bool	nl_delete(struct nl *, const struct route *, char *err,
	    size_t errlen);
/* Every route of protocol ROUTERD_PROTO, of both families. */
bool	nl_dump_ours(struct nl *, struct routeset *, char *err,
	    size_t errlen);
/*
 * Whether gw is on a directly connected network (the kernel reaches it
 * without another gateway); *ifindex gets the interface.
 */
bool	nl_onlink(struct nl *, int af, const unsigned char *gw,
	    int *ifindex);

/* kernel.c */
/* Take over the routes of routerd's protocol an earlier run left. */
bool	kernel_adopt(struct routerd *, char *err, size_t errlen);
/* Make the kernel hold the routes wanted now, and no other of ours. */
void	kernel_sync(struct routerd *);
void	kernel_remove_all(struct routerd *);

#endif
