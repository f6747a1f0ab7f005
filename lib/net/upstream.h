/*
 * upstream: connections a program opens to its backends (httpd to its
 * FastCGI responders, relay to its hosts) and keeps between requests.
 * It knows sockets, not protocols.
 *
 * A target is one backend address with an idle list: connections kept
 * after a request, at most idle_max, each for at most idle_ms.  A pool
 * is the caller's array of connection slots, handed out through a free
 * list, and the caller's event loop: every connection is non-blocking
 * and registered edge-triggered (in, out, rdhup) under the tag
 * (kind, slot index), where kind is the caller's.
 *
 * The life of a connection:
 *
 *	upstream_get	an idle one of the target (BUSY, reused), or a new
 *			one: CONNECTING, or BUSY when connect completed at
 *			once (a UNIX socket).  NULL and errno on failure:
 *			no slot (EMFILE), no address (EADDRNOTAVAIL), or
 *			what socket or connect said (ECONNREFUSED, and
 *			EAGAIN for a UNIX socket whose backlog is full).
 *	upstream_event	for every event with the pool's kind; says what
 *			happened (enum upstream_ev).
 *	upstream_send, upstream_recv
 *			move bytes while BUSY, clearing the edge flags.
 *	upstream_put	the owner is done: kept idle if it says the
 *			connection is reusable, the target has room and the
 *			pool is not draining; closed otherwise.  A
 *			connection that is not BUSY (a connect pending or
 *			failed) is always closed.
 *	upstream_expire	closes a target's idle connections past idle_ms.
 *
 * An idle connection has nothing due: one that becomes readable was
 * closed by its peer (or sent garbage) and is closed at its event.
 * Time is the loop's `now`; nothing here allocates or blocks.
 */
#ifndef UPSTREAM_H
#define UPSTREAM_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/evloop.h"

enum upstream_state {
	UPSTREAM_FREE,		/* a slot on the free list */
	UPSTREAM_CONNECTING,	/* connect in progress, or failed */
	UPSTREAM_BUSY,		/* the owner's: bytes may move */
	UPSTREAM_IDLE		/* on its target's idle list */
};

struct upstream_conn;

/* One backend address, resolved before any chroot. */
struct upstream_target {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;		/* 0: unusable */
	unsigned		 idle_max;	/* kept at most */
	int64_t			 idle_ms;	/* each for at most */
	struct upstream_conn	*idle;		/* most recent first */
	unsigned		 nidle;
};

struct upstream_conn {
	int			 fd;		/* -1 while FREE */
	enum upstream_state	 state;
	struct upstream_target	*target;
	void			*owner;		/* the caller's, while BUSY */
	bool			 readable, writable;	/* edge-triggered */
	bool			 reused;	/* kept from an earlier owner */
	int64_t			 idle_since;	/* loop ms, while IDLE */
	struct upstream_conn	*next;		/* idle or free list */
};

struct upstream_pool {
	struct upstream_conn	*slots;		/* the caller's array */
	size_t			 max;		/* of slots */
	size_t			 used;		/* slots ever handed out */
	struct upstream_conn	*free;
	struct evloop		*loop;
	uint32_t		 kind;		/* of the tags */
	bool			 draining;	/* the caller's: keep none */
};

/* What an event on a connection meant, for its owner. */
enum upstream_ev {
	UPSTREAM_EV_NONE,	/* nothing for anyone (a free slot) */
	UPSTREAM_EV_CONNECTED,	/* connect completed: BUSY, writable */
	UPSTREAM_EV_FAILED,	/* connect failed (*err): put it back */
	UPSTREAM_EV_IO,		/* readable or writable set: go on */
	UPSTREAM_EV_CLOSED	/* an idle one stirred: closed, no owner */
};

void	upstream_pool_init(struct upstream_pool *,
	    struct upstream_conn *slots, size_t max, struct evloop *,
	    uint32_t kind);

/*
 * A target for a UNIX socket path (tcp false) or a TCP host and port,
 * the host resolved now (it may need /etc and DNS).  Its idle list is
 * empty.  On failure sslen is 0 (upstream_get then fails with
 * EADDRNOTAVAIL) and the reason is returned; NULL on success.
 */
const char *upstream_target_init(struct upstream_target *, bool tcp,
	    const char *name, uint16_t port, unsigned idle_max,
	    int64_t idle_ms);

/* The connection of a tag's index; NULL if no such slot was handed out. */
struct upstream_conn *upstream_slot(struct upstream_pool *, uint32_t index);

/* A connection to t for owner; fresh: never an idle one.  See above. */
struct upstream_conn *upstream_get(struct upstream_pool *,
	    struct upstream_target *t, void *owner, bool fresh);
void	upstream_put(struct upstream_pool *, struct upstream_conn *,
	    bool reusable);
void	upstream_expire(struct upstream_pool *, struct upstream_target *);
enum upstream_ev upstream_event(struct upstream_pool *, struct upstream_conn *,
	    uint32_t events, int *err);

/*
 * A pool may also keep connections its caller made and drives itself
 * (relay's, which may be TLS or bound to a client's address, are made
 * by relay): upstream_keep takes fd -- connected to t, owing nothing,
 * in the loop -- as an idle connection of t if t has room and the pool
 * is not draining, and closes it otherwise; upstream_take_idle gives
 * the most recent idle connection of t back as a descriptor (its slot
 * freed, still in the loop under the pool's tag: the caller registers
 * it as its own with evloop_mod), or -1 if t has none.
 */
void	upstream_keep(struct upstream_pool *, struct upstream_target *, int fd);
int	upstream_take_idle(struct upstream_pool *, struct upstream_target *);

/*
 * Send buf[*off, len) while writable, advancing *off; read into
 * buf[*len, size) while readable, advancing *len and setting *eof when
 * the peer closed.  Both stop at EAGAIN (clearing the flag) and do
 * nothing unless BUSY; false and errno on any other error.
 */
bool	upstream_send(struct upstream_conn *, const uint8_t *buf, size_t len,
	    size_t *off);
bool	upstream_recv(struct upstream_conn *, uint8_t *buf, size_t size,
	    size_t *len, bool *eof);

#endif
