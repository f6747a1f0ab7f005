/*
 * checkd: the health check engine.  A root parent (main.c) keeps the
 * configuration and the privileged descriptors and runs one checker
 * process at a time; the checker (checker.c) chroots to the state
 * directory (statedir.c says who owns what there), drops privileges, and runs every check of every table in
 * one epoll loop.  Scripts run in a helper (script.c) forked by the
 * checker before its seccomp filter.
 */
#ifndef CHECKD_H
#define CHECKD_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stdint.h>

#include "base/clock.h"
#include "conf/relayd_conf.h"
#include "net/evloop.h"
#include "net/privdrop.h"
#include "net/statusfile.h"
#include "tls/tls_client.h"

enum {
	PROBE_READ_MAX = 65536,		/* bytes kept of an answer */
	PROBE_BODY_MAX = 1 << 20,	/* digest: body bytes hashed at most */
	DISABLE_POLL_MS = 1000,		/* the operator's files, read anew */
	ECHO_COOKIE_LEN = 8		/* random bytes in an echo request */
};

/* Why a check failed, or how it passed: relayd's enum host_error. */
enum reason {
	R_NONE,
	R_ABORTED,
	R_INTERVAL_TIMEOUT,
	R_ICMP_OK,
	R_ICMP_READ_TIMEOUT,
	R_ICMP_WRITE_TIMEOUT,
	R_TCP_SOCKET_ERROR,
	R_TCP_SOCKET_LIMIT,
	R_TCP_CONNECT_FAIL,
	R_TCP_CONNECT_TIMEOUT,
	R_TCP_CONNECT_OK,
	R_TCP_WRITE_TIMEOUT,
	R_TCP_WRITE_FAIL,
	R_TCP_READ_TIMEOUT,
	R_TCP_READ_FAIL,
	R_SCRIPT_OK,
	R_SCRIPT_FAIL,
	R_TLS_CONNECT_ERROR,
	R_TLS_CONNECT_FAIL,
	R_TLS_CONNECT_OK,
	R_TLS_CONNECT_TIMEOUT,
	R_TLS_READ_TIMEOUT,
	R_TLS_WRITE_TIMEOUT,
	R_TLS_READ_ERROR,
	R_TLS_WRITE_ERROR,
	R_SEND_EXPECT_FAIL,
	R_SEND_EXPECT_OK,
	R_HTTP_CODE_ERROR,
	R_HTTP_CODE_FAIL,
	R_HTTP_CODE_OK,
	R_HTTP_DIGEST_ERROR,
	R_HTTP_DIGEST_FAIL,
	R_HTTP_DIGEST_OK,
	/* Ours, where relayd has no word. */
	R_RESPONSE_TOO_LARGE,
	R_LOOKUP_FAIL,
	R_DISABLED,
	R_PARENT,
	R_NREASONS
};
extern const char *const reason_text[R_NREASONS];

enum probe_phase { PH_IDLE, PH_CONNECT, PH_HANDSHAKE, PH_TALK };

struct probe;			/* a check in flight (probe.c) */
struct table;

struct host {
	struct table		*table;
	const struct rd_host	*conf;
	uint32_t		 id;		/* relayd host id */
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;		/* 0: lookup failed */
	char			 addr[STATUSFILE_ADDR_MAX + 1];
	struct host		*parent;	/* parent N, or NULL */
	/* Published state. */
	enum statusfile_state	 state;
	int64_t			 since;		/* Unix seconds */
	uint32_t		 latency_ms;
	enum reason		 reason;
	long long		 retry_left;	/* failures still tolerated */
	bool			 disabled;	/* by the operator's file */
	/* The check in flight. */
	bool			 busy;
	int64_t			 started;	/* ms, monotonic */
	struct probe		*probe;
	uint16_t		 echo_seq;	/* icmp: the request's */
	uint8_t			 echo_cookie[ECHO_COOKIE_LEN];
};

struct table {
	const struct rd_table_inst *inst;
	const struct rd_check	*check;
	char			 file[RD_NAME_MAX + 32];	/* tables/name */
	struct host		*hosts;
	int			 nhosts;
	int64_t			 interval_ms;
	int64_t			 timeout_ms;
	int64_t			 next;		/* next round, ms */
	int64_t			 deadline;	/* of the round in flight */
	int			 pending;	/* checks in flight */
	bool			 disabled;	/* config or operator */
	bool			 conf_disabled;
	bool			 dirty;		/* status file to rewrite */
	uint64_t		 rounds;
	int			 down;		/* no host up: 1, else 0;
						   -1 before a verdict */
};

struct checker {
	const struct relayd_conf *conf;
	struct table		*tables;
	int			 ntables;
	struct host		*all;		/* every host, table by table */
	struct host		**byid;		/* host ids 1..nids */
	uint32_t		 nids;
	struct evloop		 loop;
	int			 icmp4, icmp6;	/* raw sockets, or -1 */
	uint16_t		 echo_ident;
	int			 script_fd;	/* to the helper, or -1 */
	int			 readyfd;
	int			 verbose;
	bool			 ready_sent;
	bool			 summary_dirty;
	bool			 has_children;	/* some host has a parent */
	bool			 demote_written; /* demote/ files, once */
	int64_t			 next_disable_scan;
	int64_t			 next_summary;
	uint64_t		 checks;	/* done since start */
	uint64_t		 failures;
	/* What every TLS check offers; no verification, as relayd's. */
	struct tls_client_conf	 tls;
};

/* What the parent hands the checker. */
struct checker_setup {
	const struct relayd_conf *conf;
	const char		*statedir;
	int			 statefd;	/* the checker's chroot */
	struct privdrop_user	 user;
	int			 icmp4, icmp6;
	int			 readyfd;
	int			 verbose;
};

_Noreturn void	checker_main(const struct checker_setup *);

/* statedir.c: the state directory, root's; returns it open. */
int	statedir_prepare(const char *, const struct privdrop_user *);

/* user.c: dies unless the user is checkd's alone (checkd(8)). */
void	user_check_dedicated(const struct privdrop_user *);

/* Time, ms: monotonic for deadlines, real for published stamps. */
int64_t	wall_s(void);

/* hosts.c: build tables and hosts from the configuration. */
void	hosts_build(struct checker *);
void	hosts_restore(struct checker *);

/* result.c: a check ended; apply retry, parents, events, logs. */
void	check_done(struct checker *, struct host *, bool up, enum reason);
void	set_host_state(struct checker *, struct host *,
	    enum statusfile_state, enum reason);
void	round_end(struct checker *, struct table *);

/* probe.c: TCP-based checks (tcp, tls, http, send/expect, binary). */
void	probe_start(struct checker *, struct host *);
void	probe_event(struct checker *, struct host *, uint32_t events);
void	probe_timeout(struct checker *, struct host *);
void	probe_abort(struct checker *, struct host *);

/* icmp.c */
void	icmp_start(struct checker *, struct host *);
void	icmp_read(struct checker *, int fd);
void	icmp_timeout(struct checker *, struct host *);

/* script.c: the helper process and the checker's side of it. */
int	script_helper_start(const struct checker *,
	    const struct privdrop_user *);
void	script_start(struct checker *, struct host *);
void	script_read(struct checker *);
void	script_timeout(struct checker *, struct host *);

/* report.c: status files, summary, Prometheus file, events. */
void	report_table(struct checker *, struct table *);
void	report_summary(struct checker *);
void	report_event(const struct checker *, const struct host *);
void	report_prune(struct checker *);

/* demote.c: tables with no host up, events and demote/ files. */
void	demote_update(struct checker *);
void	demote_prune(const struct checker *);

/* disable.c: the operator's disabled/ files. */
void	disable_scan(struct checker *);

/* Epoll tags: kind in the high 32 bits, host index or fd in the low. */
/* Kinds of the loop's tags; 0 is the loop's own (signals). */
enum { TAG_ICMP = 1, TAG_SCRIPT = 2, TAG_PROBE = 3 };
uint64_t	tag_host(const struct checker *, const struct host *);

#endif
