/*
 * relayd_conf: the typed relayd.conf(5) configuration shared by checkd,
 * relay, redirectd and routerd, and the grammar that builds it.
 *
 * Everything lives in the arena of the conf_load() call; lists are
 * singly linked in file order.  Names are kept as written (addresses stay
 * names until a program resolves them).  A table is defined once
 * (struct rd_table) and used by forward/route statements with their own
 * options (struct rd_table_use); as in relayd, every distinct
 * (table, options) pair is one instance with its own host ids, numbered
 * from 1 in the order the instances appear.
 */
#ifndef RELAYD_CONF_H
#define RELAYD_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/sockopts.h"
#include "conf/tls_params.h"

/* Limits, each as relayd's relayd.h has it. */
enum {
	RD_NAME_MAX = 63,		/* table/relay/protocol names (64 with NUL) */
	RD_TAG_MAX = 63,		/* pf and rule tag names */
	RD_LABEL_MAX = 1023,		/* rule labels: HTML for error pages */
	RD_IFNAME_MAX = 15,		/* IFNAMSIZ - 1 */
	RD_INTERVAL_DEFAULT = 10,	/* seconds */
	RD_TIMEOUT_DEFAULT = 200,	/* milliseconds */
	RD_PREFORK_DEFAULT = 3,
	RD_PREFORK_MAX = 32,		/* PROC_MAX_INSTANCES */
	RD_SESSION_TIMEOUT_DEFAULT = 600,
	RD_BACKLOG_DEFAULT = 10,
	RD_BACKLOG_MAX = 512,
	RD_HEADERLEN_DEFAULT = 8192,
	RD_HEADERLEN_MAX = 131072,
	RD_KEYS_MAX = 10000,		/* keys of a rule's file */
	RD_KEY_LEN_MAX = 1024,		/* bytes of one of them */
	RD_RELAY_MAXHOSTS = 32,		/* hosts a relay balances per table */
	RD_PRIORITY_MAX = 63,		/* RTP_MAX */
	RD_RTABLE_MAX = 255,		/* RT_TABLEID_MAX */
	RD_BINARY_MAX = 4096		/* decoded binary send/expect bytes */
};
#define RD_SESSION_TIMEOUT_MAX	2147483647LL	/* INT_MAX seconds */

enum rd_check_type {
	RD_CHECK_NONE,
	RD_CHECK_ICMP,
	RD_CHECK_TCP,		/* with tls: a complete TLS handshake */
	RD_CHECK_HTTP_CODE,
	RD_CHECK_HTTP_DIGEST,
	RD_CHECK_SEND_EXPECT,
	RD_CHECK_BINARY,
	RD_CHECK_SCRIPT
};
extern const char *const rd_check_names[];

enum rd_digest_type { RD_DIGEST_NONE, RD_DIGEST_SHA1, RD_DIGEST_MD5 };

enum rd_mode {
	RD_MODE_ROUNDROBIN,	/* the default */
	RD_MODE_LOADBALANCE,
	RD_MODE_HASH,
	RD_MODE_LEAST_STATES,
	RD_MODE_SOURCE_HASH,
	RD_MODE_RANDOM
};
extern const char *const rd_mode_names[];

struct rd_check {
	enum rd_check_type	 type;
	bool			 tls;		/* https, tls, ... tls */
	char			*path;		/* http: request path; script */
	char			*host;		/* http: Host header, or NULL */
	int			 code;		/* http code */
	char			*digest;	/* http digest, lower-case hex */
	enum rd_digest_type	 digest_type;	/* by length: 40 SHA-1, 32 MD5 */
	char			*send;		/* NULL: send nothing */
	char			*expect;
	unsigned char		*send_bin;	/* binary: decoded send/expect */
	size_t			 send_bin_len;
	unsigned char		*expect_bin;
	size_t			 expect_bin_len;
};

/* Options of one forward/route statement naming a table. */
struct rd_table_opts {
	struct rd_check	 check;
	long long	 interval;	/* seconds, 0: the global interval */
	long long	 timeout;	/* ms, -1: not given */
	bool		 mode_set;
	enum rd_mode	 mode;
	char		*key;		/* mode key as written, or NULL */
	uint16_t	 port;		/* given port, 0: none */
	char		*demote;	/* demote group (checkd's demote/), or NULL */
};

struct rd_host {
	struct rd_host	*next;
	struct addr	 addr;
	char		*name;		/* as written */
	long long	 retry;
	long long	 parent;	/* host id, 0: none */
	long long	 priority;	/* 0: kernel default */
	long long	 ttl;		/* ip ttl, 0: default */
	int		 line;
};

struct rd_table {
	struct rd_table	*next;
	char		*name;
	bool		 disable;
	struct rd_host	*hosts;
	int		 nhosts;
	long long	 timeout;	/* global timeout when defined, ms */
	bool		 used;
	int		 line;
};

/* One instance: a table with one set of options, as relayd makes them. */
struct rd_table_inst {
	struct rd_table_inst	*next;
	int			 id;		/* from 1 */
	struct rd_table		*table;
	const struct rd_table_opts *opts;
	uint16_t		 port;		/* effective port */
	long long		 timeout;	/* effective, ms */
	int			 first_host_id;	/* hosts: first..first+n-1 */
	bool			 for_relay;
};

struct rd_table_use {
	struct rd_table_use	*next_use;	/* every use, in file order */
	struct rd_table		*table;
	struct rd_table_opts	 opts;
	struct rd_table_inst	*inst;
	uint16_t		 port;		/* effective: given or listen */
	bool			 route;		/* redirect: route to */
	char			*ifname;	/* route to ... interface */
	int			 line;
};

/* Redirections: layer 3 (nftables). */
struct rd_listen {
	struct rd_listen	*next;
	struct addr		 addr;
	char			*name;		/* as written */
	int			 ipproto;	/* redirect: IPPROTO_TCP default */
	uint16_t		 port, port_max;/* port_max 0: a single port */
	char			*ifname;	/* redirect: interface, or NULL */
	bool			 tls;		/* relay: TLS server */
	int			 line;
};

struct rd_redirect {
	struct rd_redirect	*next;
	char			*name;
	struct rd_listen	*listens;
	struct rd_table_use	*table, *backup;
	char			*tag;		/* pftag, or NULL */
	bool			 match_tag;
	bool			 sticky;
	long long		 session_timeout;
	bool			 disable;
	int			 line;
};

/* Relays: layer 7. */
enum rd_forward_kind { RD_FWD_ADDRESS, RD_FWD_TABLE, RD_FWD_DESTINATION,
	RD_FWD_NATLOOKUP };

struct rd_forward {
	struct rd_forward	*next;
	enum rd_forward_kind	 kind;
	bool			 transparent;
	bool			 tls;		/* forward with tls */
	struct addr		 addr;		/* RD_FWD_ADDRESS */
	char			*name;
	uint16_t		 port;
	long long		 retry;
	struct rd_table_use	 use;		/* RD_FWD_TABLE */
	int			 af;		/* 0, 4 (inet) or 6 (inet6) */
	char			*inet6_prefix;
	int			 proxy;		/* PROXY header version, 0 */
};

struct rd_protocol;

struct rd_relay {
	struct rd_relay		*next;
	char			*name;
	struct rd_listen	*listens;
	struct rd_forward	*forwards;
	struct rd_protocol	*protocol;	/* NULL: plain TCP default */
	long long		 session_timeout;
	bool			 disable;
	int			 line;
};

/* Protocols and their filter rules. */
enum rd_proto_type { RD_PROTO_TCP, RD_PROTO_HTTP, RD_PROTO_DNS };

enum rd_action { RD_ACTION_PASS, RD_ACTION_BLOCK, RD_ACTION_MATCH };
enum rd_direction { RD_DIR_REQUEST, RD_DIR_RESPONSE };

enum rd_key_type { RD_KEY_COOKIE, RD_KEY_HEADER, RD_KEY_PATH, RD_KEY_QUERY,
	RD_KEY_URL, RD_KEY_NTYPES };
extern const char *const rd_key_type_names[];

enum rd_key_option { RD_KEY_OPT_NONE, RD_KEY_OPT_APPEND, RD_KEY_OPT_SET,
	RD_KEY_OPT_REMOVE, RD_KEY_OPT_HASH, RD_KEY_OPT_LOG, RD_KEY_OPT_STRIP };
extern const char *const rd_key_option_names[];

/* How the key is compared: shell glob, patterns(7), or a digest of it. */
enum rd_key_match { RD_MATCH_GLOB, RD_MATCH_PATTERN, RD_MATCH_DIGEST };

struct rd_kv {
	bool			 set;
	enum rd_key_option	 option;
	long long		 strip;		/* path strip N */
	enum rd_key_match	 match;
	enum rd_digest_type	 digest_type;
	char			*key;		/* NULL: any */
	char			*value;		/* NULL: not given ("*") */
};

enum { RD_TAG_NONE, RD_TAG_SET, RD_TAG_CLEAR };	/* tag/label, "no tag" */

struct rd_rule {
	struct rd_rule		*next;
	enum rd_action		 action;
	enum rd_direction	 dir;
	bool			 quick;
	int			 af;		/* 0, 4, 6 */
	bool			 has_from, has_to;
	struct addr		 from, to;
	const char		*method;	/* NULL: any */
	struct rd_kv		 kv[RD_KEY_NTYPES];
	enum rd_key_type	 kv_order[RD_KEY_NTYPES];
	int			 nkv;
	char			*file;		/* keys loaded from a file */
	enum rd_key_type	 file_type;
	char			**keys;		/* the file's, read at parse */
	size_t			 nkeys;
	char			*forward_table;
	int			 tag_state, label_state;
	char			*tag, *tagged, *label;
	int			 line;
};

/*
 * TLS behaviour flags, as relayd's TLSFLAG_*; the protocol versions are
 * tls_protocols, TLS_PROTO_* bits (conf/tls_params.h) as in httpd.conf.
 */
enum {
	RD_TLS_CIPHER_SERVER_PREF = 1 << 0,
	RD_TLS_CLIENT_RENEG = 1 << 1,
	RD_TLS_DEFAULT = RD_TLS_CIPHER_SERVER_PREF
};

struct rd_keypair {
	struct rd_keypair	*next;
	char			*name;
	char			*key_file;	/* NULL: by name */
	char			*cert_file;
};

struct rd_protocol {
	struct rd_protocol	*next;
	char			*name;
	enum rd_proto_type	 type;
	bool			 used;
	/* return error [style] */
	bool			 return_error;
	char			*style;
	struct sockopts		 tcp;		/* tcp { ... } */
	/* tls { ... } */
	int			 tls_flags;
	unsigned		 tls_protocols;	/* TLS_PROTO_* */
	int			 session_tickets;	/* -1: not set */
	char			*ciphers, *ecdhe, *edh;
	char			*ca_file, *ca_key, *ca_password, *ca_cert;
	struct rd_keypair	*keypairs;
	/* http { ... } */
	long long		 headerlen;
	int			 websockets;	/* -1: not set */
	struct rd_rule		*rules;
	int			 nrules;
	int			 line;
};

/* Routers: kernel routes through health-checked gateways. */
struct rd_route {
	struct rd_route		*next;
	struct addr		 prefix;
};

struct rd_router {
	struct rd_router	*next;
	char			*name;
	struct rd_route		*routes;
	int			 af;		/* 4 or 6 */
	struct rd_table_use	*gateways;
	long long		 rtable;
	char			*rtlabel;
	bool			 disable;
	int			 line;
};

enum {
	RD_LOG_STATE_CHANGES = 1 << 0,
	RD_LOG_HOST_CHECKS = 1 << 1,
	RD_LOG_CONNECTION = 1 << 2,
	RD_LOG_CONNECTION_ERRORS = 1 << 3
};

struct relayd_conf {
	long long		 interval;	/* seconds */
	long long		 timeout;	/* ms */
	long long		 prefork;
	int			 log;		/* RD_LOG_* */
	char			*socket;
	bool			 agentx;
	char			*agentx_context, *agentx_path;
	bool			 snmp;
	bool			 snmp_trap;
	char			*snmp_path;

	struct rd_table		*tables;
	struct rd_table_use	*uses;
	struct rd_table_inst	*instances;
	int			 ninstances, nhosts;
	struct rd_redirect	*redirects;
	struct rd_relay		*relays;
	struct rd_protocol	*protocols;
	struct rd_router	*routers;
};

extern const char *const relayd_conf_keywords[];

#endif
