/*
 * relay: relayd's layer-7 relays.  A root parent reads relayd.conf,
 * binds every relay's listening sockets, resolves the hosts of its
 * tables, loads the TLS certificates (the keys go to the key process,
 * keyproc.c) and forks `prefork` workers.  A worker, chrooted in the
 * state directory and sandboxed, accepts clients, chooses a host of the
 * relay's tables by the table's scheduling mode and what checkd's status
 * files say of the hosts (health.c), and moves bytes between the two:
 * as they come (tcp.c, or splice(2)), or request by request (http.c).
 */
#ifndef RELAY_H
#define RELAY_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/arena.h"
#include "conf/relayd_conf.h"
#include "filter.h"
#include "net/inherit.h"
#include "net/privdrop.h"
#include "net/upstream.h"
#include "net/statusfile.h"
#include "tls/tls_cache.h"
#include "tls/tls_client.h"
#include "tls/tls_mint.h"
#include "tls/tls_site.h"

enum {
	RELAY_LISTENERS_MAX = 128,	/* listening sockets, all relays */
	RELAY_FORWARDS_MAX = 8,		/* forward lines of one relay */
	RELAY_DRAIN_SECONDS = 30,	/* a draining worker's last chance */
	RELAY_CONNECT_MS = 5000,	/* a host that takes longer is down */
	RELAY_IDLE_PER_HOST = 64,	/* HTTP connections kept, per worker */
	RELAY_IDLE_MS = 10000,		/* each for at most */
	/*
	 * Draining, an HTTP client between requests is let go only once it
	 * has been quiet this long: a request may be on its way, and it is
	 * answered (Connection: close), not cut off.  httpd's grace.
	 */
	RELAY_DRAIN_IDLE_MS = 2000,
	RELAY_LINGER_MS = 2000		/* after our half-close, at most */
};

/* A host of a table instance, or the address of a `forward to` line. */
struct rhost {
	struct sockaddr_storage	 ss;		/* with the port */
	socklen_t		 sslen;
	const char		*name;		/* as written */
	uint32_t		 id;		/* relayd's host id, 0: none */
	uint16_t		 port;
	struct rtable		*table;
	enum statusfile_state	 state;		/* the worker's view */
	struct upstream_target	 idle;		/* connections kept for reuse */
};

/* A table instance as a relay uses it: hosts in file order. */
struct rtable {
	const struct rd_table_inst *inst;	/* NULL: a single address */
	struct rhost		*hosts;
	uint32_t		 nhosts;
	enum rd_mode		 mode;
	unsigned char		 key[16];	/* SipHash key of the mode */
	bool			 checked;	/* checkd checks it */
	bool			 disabled;	/* table disable */
	uint32_t		 next;		/* roundrobin, per worker */
};

/* One `forward` line: where sessions go, and how. */
struct rforward {
	const struct rd_forward	*conf;
	struct rtable		 table;
	long long		 retry;
	bool			 tls;		/* forward with tls */
	int			 proxy;		/* PROXY header version, 0 */
	bool			 dest;		/* to destination: no table */
};

struct rrelay {
	const struct rd_relay	*conf;
	const struct rd_protocol *proto;	/* NULL: plain TCP */
	const char		*name;
	uint32_t		 index;
	bool			 http;
	bool			 dns;		/* dns protocol: UDP */
	bool			 splice;
	struct rforward		 fwd[RELAY_FORWARDS_MAX];
	int			 nfwd;
	int64_t			 timeout_ms;	/* session timeout */
	size_t			 headerlen;	/* http: head bytes at most */
	struct rfilter		 filter;	/* http: the protocol's rules */
	/* TLS towards clients (listen ... tls) and towards hosts. */
	struct tls_site		*site;
	size_t			 key_base;	/* its first key, keyproc's */
	struct tls_anchors	 ca;		/* tls ca file, for hosts */
	struct tls_client_conf	 client;
	bool			 client_ready;
	/* TLS inspection: tls ca cert and tls ca key (inspect.c). */
	bool			 inspect;
	struct tls_chain	 inspect_ca;	/* the CA's certificates */
	br_x509_pkey		 inspect_pub;	/* the first keypair's key */
	struct tls_mint_ca	 mint;		/* the CA key, in keyproc */
};

struct rlistener {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 fd;
	bool			 tls;
	bool			 udp;		/* a dns protocol's */
	struct rrelay		*relay;
};

/* What one generation of workers relays with: built by the parent. */
struct relay_state {
	const struct relayd_conf *conf;
	struct arena		*arena;		/* the configuration's */
	struct arena		*mem;		/* relays, hosts, ports */
	struct privdrop_user	 user;
	const char		*statedir;
	/* LISTEN_SOCKETS, the parent's for its life (net/inherit.h). */
	struct inherited	*inherited;
	int			 verbose;
	bool			 debug;
	struct rrelay		*relays;
	uint32_t		 nrelays;
	struct rlistener	 listeners[RELAY_LISTENERS_MAX];
	size_t			 nlisteners;
	uint16_t		*ports;		/* hosts' ports, for Landlock */
	bool			 transparent;	/* a transparent forward */
	bool			 connect_any;	/* a forward to destination */
	size_t			 nports;
	struct tls_cache	*tls_cache;
	struct tls_privkey	*keys;		/* until the key process has them */
	size_t			 nkeys;
	int			 keyproc_fd[64];	/* per worker, or -1 */
	int			 keyproc_pid;
	int			 syslog_fd;
	char			 error[512];
};

/* setup.c: the parent's work, once per generation. */
bool	relay_setup(struct relay_state *, const struct relay_state *old);
void	relay_teardown(struct relay_state *, const struct relay_state *cur);
bool	relay_fail(struct relay_state *, bool with_errno, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

/* tlssetup.c: certificates for listen ... tls, CAs for forward ... tls. */
int	relay_nodelay(const struct rrelay *);
bool	relay_defers_accept(const struct rrelay *, bool tls);
bool	relay_tls_setup(struct relay_state *);
void	relay_tls_teardown(struct relay_state *);
void	relay_tls_forget_keys(struct relay_state *);

/* keyproc.c: the process that alone holds the private keys. */
bool	keyproc_start(struct relay_state *, int nworkers);
void	keyproc_stop(struct relay_state *);

/* worker.c */
_Noreturn void worker_main(struct relay_state *, int id);

#endif
