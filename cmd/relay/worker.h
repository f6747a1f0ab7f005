/*
 * worker: one relaying process, its sessions and their two streams.
 *
 * A session is a client and, once one is chosen and connected, a host.
 * Each direction has a buffer, taken from the worker's pool only while
 * bytes are in it: an idle session holds none.
 */
#ifndef WORKER_H
#define WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/sockaddr.h"
#include "net/bufpool.h"
#include "net/evloop.h"
#include "net/logsink.h"
#include "net/statwatch.h"
#include "net/stream.h"
#include "http_relay.h"
#include "relay.h"
#include "tls/tls_keyproc.h"
#include "tls/tls_server.h"

enum {
	WORKER_TAG_LISTENER = 1,
	WORKER_TAG_CLIENT = 2,
	WORKER_TAG_SERVER = 3,
	WORKER_TAG_HEALTH = 4,
	WORKER_TAG_IDLE = 5,		/* host connections kept idle */
	WORKER_TAG_DNS = 6,		/* dns: the sockets to the hosts */
	WORKER_TAG_PROBE = 7,		/* TLS inspection's first connection */
	RELAY_SESSIONS_MAX = 16384,
	RELAY_BUF = 16384,		/* one direction's buffer */
	RELAY_PIPE = 262144,		/* a splicing direction's pipe */
	RELAY_BUFS_KEPT = 16,		/* free buffers kept after a burst */
	RELAY_HEAD_MAX = 131072		/* an HTTP head, at most */
};

enum sess_state {
	SESS_FREE,
	SESS_HEAD,		/* http: reading a request head */
	SESS_CONNECTING,	/* to a host */
	SESS_RELAYING,
};

/* One direction: what was read from one side and is due to the other. */
struct half {
	char		*buf;		/* NULL while empty */
	size_t		 off, len;
	bool		 eof;		/* the source ended */
	bool		 shut;		/* the end was passed on */
	struct splice_pipe pipe;	/* fd[0] -1: no splicing */
};

struct http_sess;
struct dns_state;
struct inspect;

/* Where a redirected client wanted to go: the host of its session. */
struct dest_host {
	struct rhost	h;
	char		name[SOCKADDR_TEXT_MAX];
};

struct session {
	enum sess_state		 state;
	uint32_t		 index;
	uint64_t		 id;		/* for the log */
	struct rrelay		*relay;
	struct rlistener	*listener;
	struct stream		 cli, srv;
	uint32_t		 cli_have, srv_have;	/* registered events */
	struct sockaddr_storage	 peer, local;
	struct rforward		*fwd;		/* the forward in use */
	struct rhost		*host;		/* chosen, NULL: none yet */
	bool			 srv_reused;	/* the host's connection was kept */
	bool			 srv_fresh;	/* next connect: not a kept one */
	struct dest_host	*dest;		/* forward to destination */
	int			 dest_state;	/* 0 not looked up, 1 found, -1 */
	long long		 tries;		/* connects left */
	/* What the rules chose for this request, and for its connection. */
	int			 want_fwd, pick_fwd;	/* forward index, -1 */
	bool			 hashed, pick_hashed;
	uint64_t		 hashv, pick_hashv;	/* hash actions' */
	int64_t			 deadline;	/* monotonic ms */
	int64_t			 started;
	struct half		 up;		/* client to host */
	struct half		 down;		/* host to client */
	struct tls_conn		*tls;		/* client side, listen tls */
	struct tls_client	*tcl;		/* host side, forward tls */
	struct http_sess	*http;		/* &http_state, or NULL */
	/*
	 * In the session rather than from malloc: small objects that live
	 * as long as a connection, between the buffers that come and go,
	 * would pin the heap's pages after a burst.
	 */
	struct http_sess	 http_state;
	struct inspect		*insp;		/* TLS inspection, or NULL */
	const char		*done;		/* why it ended, for the log */
	bool			 error;		/* ... and whether an error */
	struct session		*next;		/* free list */
};

struct worker {
	struct relay_state	*st;
	int			 id;
	struct evloop		 loop;
	bool			 draining;
	struct session		*sessions;	/* RELAY_SESSIONS_MAX */
	uint32_t		 used;		/* slots ever handed out */
	struct session		*free;
	uint32_t		 nsessions;
	uint64_t		 next_id;
	struct bufpool		 bufs;		/* TCP relays' */
	struct bufpool		 hbufs;		/* HTTP relays', heads fit */
	struct upstream_pool	 idle;		/* host connections, kept */
	struct upstream_conn	*idle_slots;
	struct statwatch	 health;
	bool			 health_on;
	struct logsink		 log;
	struct tls_keyproc_client keys;
	time_t			 now;
	struct dns_state	*dns;		/* NULL: no dns relay */
};

/* worker.c */
void	worker_pause_accept(struct worker *, int ms);

/* session.c */
void	session_accept(struct worker *, struct rlistener *);
void	session_event(struct worker *, struct session *, bool server,
	    uint32_t events);
void	session_close(struct worker *, struct session *, const char *why,
	    bool error);
void	session_timeouts(struct worker *);
bool	session_connect(struct worker *, struct session *);
void	session_update(struct worker *, struct session *);
void	session_drain_idle(struct worker *);
void	session_drop_server(struct session *);
void	session_release_host(struct worker *, struct session *);
void	session_expire_idle(struct worker *);
bool	session_destination(struct session *, struct rforward *);

/* tcp.c: bytes both ways as they come. */
void	tcp_relay(struct worker *, struct session *);
bool	half_move(struct worker *, struct half *, struct stream *from,
	    struct stream *to, struct session *);

/* sched.c: the host a session goes to. */
struct rhost *sched_pick(struct worker *, struct session *);
bool	sched_host_usable(const struct rhost *);

/* health.c: hosts' states from checkd's status files. */
void	health_init(struct worker *);
void	health_event(struct worker *);

/* log.c: relayd's connection lines. */
void	relay_log_session(struct worker *, const struct session *);
void	relay_log(struct worker *, bool error, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* inspect.c: TLS inspection's certificates. */
void	inspect_check(struct worker *, struct session *);
void	inspect_event(struct worker *, struct session *, uint32_t events);
void	inspect_free(struct worker *, struct session *);

/* dns.c: dns protocol relays, over UDP. */
void	dns_init(struct worker *);
void	dns_query(struct worker *, struct rlistener *);
void	dns_answer(struct worker *, uint32_t family);
void	dns_expire(struct worker *);
uint32_t dns_pending(const struct worker *);

/* http.c */
void	http_start(struct worker *, struct session *);
void	http_event(struct worker *, struct session *);
void	http_free(struct worker *, struct session *);
void	http_timeout(struct worker *, struct session *);
bool	http_host_reusable(const struct session *);
void	http_drain(struct worker *, struct session *);
bool	http_prepend(struct worker *, struct session *, const void *,
	    size_t);
void	http_connect_failed(struct worker *, struct session *, int status,
	    const char *why);

#endif
