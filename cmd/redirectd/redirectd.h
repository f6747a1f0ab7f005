/*
 * redirectd: relayd's redirections as one nftables table of its own,
 * kept in step with checkd's status files.  The kernel rewrites the
 * packets; this program only decides which hosts are in the maps.
 *
 *	main.c		the script: options, configuration, privileges, loop
 *	setup.c		the configuration turned into redirections and hosts
 *	env.c		what the machine must offer: forwarding, interfaces
 *	ruleset.c	the nftables text: the whole table, or one round
 *	route.c		route to: the netdev table that forwards unchanged
 *	health.c	checkd's status files, followed with inotify, and the
 *			operator's switches
 *	apply.c		one libnftables transaction per round
 */
#ifndef REDIRECTD_H
#define REDIRECTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/arena.h"
#include "conf/relayd_conf.h"
#include "net/statusfile.h"
#include "net/statwatch.h"

/*
 * The tables redirectd owns; it touches nothing else in the ruleset.
 * route to lives in a netdev table of the same name: forwarding a
 * packet unchanged (fwd) exists only at a device's ingress hook.
 */
#define RDR_NFT_FAMILY	"inet"
#define RDR_NFT_NETDEV	"netdev"
#define RDR_NFT_TABLE	"relayd"
#define RDR_NFT_BOTH	RDR_NFT_FAMILY " " RDR_NFT_TABLE ", " RDR_NFT_NETDEV \
			" " RDR_NFT_TABLE

enum {
	RDR_ERR_MAX = 1024,		/* one error message */
	RDR_HOST_TEXT = ADDR_NAME_MAX + 24,	/* a host in a map (-n: a name) */
	RDR_RULE_BYTES = 1024,		/* one rule, without its map */
	RDR_TEXT_MIN = 1 << 16,		/* a transaction's text, at least */
	RDR_STICKY_TIMEOUT_MAX = 86400000,	/* seconds: 1000 days */
	RDR_RETRY_MS = 5000		/* a refused round, without news */
};

/* Flags of redirectd's own (progopt_parse_flags "ck"). */
enum {
	RDR_FLAG_CUT = 1 << 0,		/* -c: drop flows to hosts gone down */
	RDR_FLAG_KEEP = 1 << 1		/* -k: leave the table at exit */
};

struct rdr_host {
	const struct rd_host	*conf;
	uint32_t		 id;		/* relayd's host id */
	struct addr		 addr;		/* INET or INET6; NAME: not yet */
	enum statusfile_state	 state;
	bool			 loaded;	/* in the map the kernel has */
};

/* A table used by a redirection: its main table or its backup. */
struct rdr_table {
	const struct rd_table_use *use;		/* NULL: no such table */
	struct rdr_host		*hosts;
	size_t			 nhosts;
	char			 file[STATWATCH_NAME_MAX];
};

enum rdr_using { RDR_USING_NONE, RDR_USING_MAIN, RDR_USING_BACKUP };

struct rdr_redirect {
	const struct rd_redirect *conf;
	int			 index;		/* chains r<index>_4, r<index>_6 */
	struct addr		*laddrs;	/* of conf->listens, resolved */
	struct rdr_table	 main, backup;
	bool			 af4, af6;	/* families of its listens */
	bool			 keep_port;	/* dnat to the address only */
	uint16_t		 port;		/* the hosts' port otherwise */
	uint32_t		 mark;		/* pftag's mark, 0: none */
	bool			 off;		/* disabled/redirect:NAME exists */
	enum rdr_using		 loaded_using;	/* what the kernel has */
	bool			 loaded_valid;	/* false: not loaded yet */
};

struct rdr_state {
	const struct relayd_conf *conf;
	const char		*conffile;
	struct arena		*arena;		/* of rdrs and hosts (and conf on reload) */
	struct rdr_redirect	*rdrs;
	size_t			 nrdrs;
	size_t			 maxhosts;	/* in one table */
	bool			 names;		/* -n: names stay as written */
};

struct redirectd {
	struct rdr_state	 st;
	int			 verbose;
	unsigned		 flags;		/* RDR_FLAG_* */
	bool			 forward4, forward6;	/* sysctls at start */
	struct nft_ctx		*nft;
	struct statwatch	 sw;
	bool			 watching;
	char			*text;		/* a transaction being built */
	size_t			 textsize;
	bool			 fresh;		/* news since the last round */
	int64_t			 refused_at;	/* last refused round, 0: none */
	char			*filebuf;	/* a status file being read */
	size_t			 filesize;
};

/* setup.c: false with the reason in err ("file:line: ..."). */
bool	rdr_setup(struct rdr_state *, const struct relayd_conf *,
	    const char *conffile, bool resolve, char *err, size_t errlen);

/* env.c */
void	env_check_forwarding(struct redirectd *);
bool	env_check_interfaces(const struct rdr_state *, char *err,
	    size_t errlen);

/* ruleset.c: into buf; false if it did not fit. */
size_t	ruleset_text_size(const struct rdr_state *);
bool	ruleset_table(const struct rdr_state *, unsigned flags, char *buf,
	    size_t size);
bool	ruleset_replace(const struct rdr_state *, unsigned flags, char *buf,
	    size_t size);
/* One round: the chains of the redirections whose hosts changed. */
bool	ruleset_round(const struct rdr_state *, unsigned flags, char *buf,
	    size_t size, bool *any);
bool	ruleset_delete(char *buf, size_t size);
/* Which table a redirection uses now, and whether host h is in its map. */
enum rdr_using	rdr_using(const struct rdr_redirect *);
bool	rdr_host_live(const struct rdr_host *);

/* ruleset.c, shared with route.c */
struct strbuf;
void	rs_put(struct strbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	rs_put_addr(struct strbuf *, const struct addr *);
const char *rs_ipword(int af);
const char *rs_l4name(int ipproto);
bool	rs_in_family(const struct addr *, int af);
bool	rs_listen_in(const struct addr *, int af);
void	rs_put_listen(struct strbuf *, const struct rd_listen *,
	    const struct addr *, int af, bool netdev);
bool	rs_has_af(const struct rdr_redirect *, int af);
size_t	rs_count_live(const struct rdr_table *, int af);
const struct rdr_table *rs_used_table(const struct rdr_redirect *,
	    enum rdr_using);
void	rs_put_selector(struct strbuf *, const struct rdr_redirect *, int af,
	    size_t n);
long long rs_sticky_timeout(long long seconds);
size_t	rs_put_hosts(struct strbuf *, const struct rdr_redirect *, int af,
	    bool down_only, bool ids, const char *first);

/* route.c: route to's rules in the netdev table */
bool	route_any(const struct rdr_state *);
void	route_table(struct strbuf *, const struct rdr_state *, unsigned flags);
void	route_chain(struct strbuf *, const struct rdr_redirect *, int af,
	    unsigned flags, const char *prefix);

/* health.c */
void	health_watch(struct redirectd *, const char *statedir);
void	health_size(struct redirectd *);
void	health_read_all(struct redirectd *);
void	health_event(struct redirectd *);
void	health_switches(struct redirectd *);

/* apply.c */
void	apply_init(struct redirectd *);
bool	apply_text(struct redirectd *, const char *text, const char *what);
bool	apply_table(struct redirectd *);
void	apply_round(struct redirectd *);
void	apply_remove(struct redirectd *);
void	apply_loaded(struct rdr_state *, bool log, int verbose);

#endif
