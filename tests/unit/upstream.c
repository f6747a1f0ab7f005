/*
 * Unit tests of upstream connections over real sockets on 127.0.0.1: a
 * listening socket the test owns is the backend.  Connecting, failing to
 * connect, keeping and handing out again, the idle limit, expiry (time
 * injected through the loop's now), and an idle peer that closes.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/evloop.h"
#include "net/upstream.h"
#include "tap.h"

enum { K_UP = 5, SLOTS = 8, WAIT_MS = 5000 };

static struct evloop loop;
static struct upstream_conn slots[SLOTS];
static struct upstream_pool pool;

/* A socket bound to a free port of 127.0.0.1; listening if asked. */
static int
bound(bool listening, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (listening && listen(fd, 16) == -1) ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		(void)close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/*
 * Pass the pool's events to upstream_event until one for u comes, and
 * say what it meant; UPSTREAM_EV_NONE if none came within ms (WAIT_MS:
 * a bound against hanging, not a measure).
 */
static enum upstream_ev
event_within(const struct upstream_conn *u, int *err, int ms)
{
	struct epoll_event ev[SLOTS];
	struct upstream_conn *v;
	enum upstream_ev what;
	int64_t end = loop.now + ms;
	int i, n;

	do {
		n = evloop_wait(&loop, ev, SLOTS, end);
		for (i = 0; i < n; i++) {
			v = upstream_slot(&pool, evloop_index(ev[i].data.u64));
			if (v == NULL)
				continue;
			what = upstream_event(&pool, v, ev[i].events, err);
			if (v == u && what != UPSTREAM_EV_NONE)
				return what;
		}
	} while (loop.now < end);
	return UPSTREAM_EV_NONE;
}

static enum upstream_ev
event_for(const struct upstream_conn *u, int *err)
{
	return event_within(u, err, WAIT_MS);
}

/* A connection to t, connected; NULL if it could not be. */
static struct upstream_conn *
connected(struct upstream_target *t, bool fresh)
{
	struct upstream_conn *u;
	int err;

	if ((u = upstream_get(&pool, t, &pool, fresh)) == NULL)
		return NULL;
	if (u->state == UPSTREAM_CONNECTING &&
	    event_for(u, &err) != UPSTREAM_EV_CONNECTED)
		return NULL;
	return u;
}

static bool
fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static void
test_connect(int lfd, struct upstream_target *t)
{
	struct upstream_conn *u;
	uint8_t buf[16];
	size_t off = 0, len = 0;
	bool eof = false;
	int err = -1, peer;

	u = upstream_get(&pool, t, &loop, false);
	ok(u != NULL && u->state == UPSTREAM_CONNECTING && !u->reused &&
	    u->owner == &loop && !u->writable,
	    "a new TCP connection is pending, the caller's, not writable");
	if (u == NULL)
		return;
	ok(upstream_slot(&pool, (uint32_t)(u - slots)) == u &&
	    upstream_slot(&pool, SLOTS - 1) == NULL,
	    "a tag's index finds its slot, one never handed out finds none");
	ok(event_for(u, &err) == UPSTREAM_EV_CONNECTED && err == 0 &&
	    u->state == UPSTREAM_BUSY && u->writable,
	    "its completion is reported: busy and writable");
	peer = accept(lfd, NULL, NULL);
	ok(upstream_send(u, (const uint8_t *)"ping", 4, &off) && off == 4 &&
	    read(peer, buf, sizeof(buf)) == 4, "bytes go to the backend");
	(void)write(peer, "pong", 4);
	ok(event_for(u, &err) == UPSTREAM_EV_IO && u->readable,
	    "bytes from the backend make it readable");
	ok(upstream_recv(u, buf, sizeof(buf), &len, &eof) && len == 4 &&
	    memcmp(buf, "pong", 4) == 0 && !eof && !u->readable,
	    "they are read, to EAGAIN");

	upstream_put(&pool, u, true);
	ok(u->state == UPSTREAM_IDLE && t->nidle == 1 && t->idle == u &&
	    u->owner == NULL, "a reusable connection put back is kept idle");
	ok(upstream_get(&pool, t, &pool, false) == u &&
	    u->state == UPSTREAM_BUSY && u->reused && u->owner == &pool &&
	    t->nidle == 0, "and handed out again, reused, to its new owner");
	err = u->fd;
	upstream_put(&pool, u, false);
	ok(u->state == UPSTREAM_FREE && u->fd == -1 && !fd_open(err) &&
	    t->nidle == 0, "one that is not reusable is closed");
	len = 0;
	ok(upstream_recv(u, buf, sizeof(buf), &len, &eof) && len == 0,
	    "a freed connection moves no bytes");
	ok(read(peer, buf, sizeof(buf)) == 0, "its peer sees it closed");
	(void)close(peer);
}

static void
test_refused(void)
{
	struct upstream_target t;
	struct upstream_conn *u;
	uint16_t port;
	int fd, err = 0;

	/* Bound but not listening: the port refuses connections. */
	if ((fd = bound(false, &port)) == -1) {
		ok(0, "a closed port");
		return;
	}
	ok(upstream_target_init(&t, true, "127.0.0.1", port, 2, 1000) ==
	    NULL, "a numeric host resolves");
	errno = 0;
	u = upstream_get(&pool, &t, NULL, false);
	/* Loopback may refuse within connect itself. */
	if (u == NULL)
		err = errno;
	else if (event_for(u, &err) != UPSTREAM_EV_FAILED)
		err = 0;
	ok(err == ECONNREFUSED, "a closed port is reported refused");
	if (u != NULL) {
		upstream_put(&pool, u, true);
		ok(u->state == UPSTREAM_FREE && t.nidle == 0,
		    "a failed connection put back is closed, however reusable");
	} else
		ok(pool.free != NULL && pool.free->state == UPSTREAM_FREE,
		    "a failed connection frees its slot");
	(void)close(fd);
}

static void
test_idle_limit_and_expiry(struct upstream_target *t)
{
	struct upstream_conn *u[3], *fresh;
	size_t i;

	for (i = 0; i < 3; i++)
		u[i] = connected(t, true);
	if (!ok(u[0] != NULL && u[1] != NULL && u[2] != NULL,
	    "three connections"))
		return;
	upstream_put(&pool, u[0], true);
	fresh = connected(t, true);
	ok(fresh != NULL && fresh != u[0] && !fresh->reused,
	    "fresh: a new connection though one is idle");
	if (fresh != NULL)
		upstream_put(&pool, fresh, false);
	/* Time injected: the others are put 10 ms after the first. */
	loop.now = u[0]->idle_since + 10;
	for (i = 1; i < 3; i++)
		upstream_put(&pool, u[i], true);
	ok(t->nidle == 2 && u[0]->state == UPSTREAM_IDLE &&
	    u[1]->state == UPSTREAM_IDLE && u[2]->state == UPSTREAM_FREE,
	    "beyond the idle limit a reusable connection is closed");

	loop.now = u[1]->idle_since + t->idle_ms - 1;
	upstream_expire(&pool, t);
	ok(t->nidle == 1 && u[0]->state == UPSTREAM_FREE &&
	    u[1]->state == UPSTREAM_IDLE, "expiry closes only those past "
	    "their idle time");
	loop.now += 1;
	upstream_expire(&pool, t);
	ok(t->nidle == 0 && t->idle == NULL && u[1]->state == UPSTREAM_FREE,
	    "and the rest once theirs is over");
}

/* A listener of its own: the first accepted is this connection's peer. */
static void
test_idle_peer_closes(void)
{
	struct upstream_target t;
	struct upstream_conn *u;
	uint16_t port;
	int err, lfd, peer = -1;

	if ((lfd = bound(true, &port)) == -1 || upstream_target_init(&t, true,
	    "127.0.0.1", port, 2, 1000) != NULL ||
	    (u = connected(&t, false)) == NULL ||
	    (peer = accept(lfd, NULL, NULL)) == -1) {
		ok(0, "a connection and its peer");
		return;
	}
	upstream_put(&pool, u, true);
	ok(event_within(u, &err, 0) == UPSTREAM_EV_NONE &&
	    u->state == UPSTREAM_IDLE, "an idle connection with a quiet peer "
	    "stays");
	(void)close(peer);
	ok(event_for(u, &err) == UPSTREAM_EV_CLOSED &&
	    u->state == UPSTREAM_FREE && t.nidle == 0,
	    "an idle connection whose peer closed is closed at its event");
	(void)close(lfd);
}

static void
test_draining(struct upstream_target *t)
{
	struct upstream_conn *u;

	if ((u = connected(t, true)) == NULL) {
		ok(0, "a connection");
		return;
	}
	pool.draining = true;
	upstream_put(&pool, u, true);
	pool.draining = false;
	ok(u->state == UPSTREAM_FREE && t->nidle == 0,
	    "a draining pool keeps nothing");
}

static void
test_unix(void)
{
	char path[64], longpath[200];
	struct upstream_target t;
	struct upstream_conn *u;
	struct sockaddr_un sun;
	int fd;

	(void)snprintf(path, sizeof(path), "/tmp/upstream-unit.%d",
	    (int)getpid());
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 4) == -1) {
		ok(0, "a UNIX socket");
		return;
	}
	ok(upstream_target_init(&t, false, path, 0, 1, 1000) == NULL,
	    "a UNIX path is a target");
	u = upstream_get(&pool, &t, NULL, false);
	ok(u != NULL && u->state == UPSTREAM_BUSY && u->writable,
	    "a UNIX socket connects at once");
	if (u != NULL)
		upstream_put(&pool, u, false);
	(void)close(fd);
	(void)unlink(path);

	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	ok(upstream_target_init(&t, false, longpath, 0, 1, 1000) != NULL &&
	    t.sslen == 0, "a path longer than sun_path is refused");
	errno = 0;
	ok(upstream_get(&pool, &t, NULL, false) == NULL &&
	    errno == EADDRNOTAVAIL, "and a connection to it fails");
}

static void
test_no_slot(struct upstream_target *t)
{
	struct upstream_pool small;
	struct upstream_conn one[1], *u;

	upstream_pool_init(&small, one, 1, &loop, K_UP);
	u = upstream_get(&small, t, NULL, true);
	errno = 0;
	ok(u != NULL && upstream_get(&small, t, NULL, true) == NULL &&
	    errno == EMFILE, "no slot left: EMFILE");
	if (u != NULL)
		upstream_put(&small, u, false);
	ok(small.free == one && one[0].fd == -1, "the slot is free again");
}

int
main(void)
{
	struct upstream_target t;
	uint16_t port;
	int lfd;

	evloop_init(&loop);
	upstream_pool_init(&pool, slots, SLOTS, &loop, K_UP);
	if ((lfd = bound(true, &port)) == -1) {
		ok(0, "a listening socket on 127.0.0.1");
		return done_testing();
	}
	ok(upstream_target_init(&t, true, "127.0.0.1", port, 2, 1000) ==
	    NULL && t.sslen > 0 && t.nidle == 0, "a TCP target");
	test_connect(lfd, &t);
	test_refused();
	test_idle_limit_and_expiry(&t);
	test_idle_peer_closes();
	test_draining(&t);
	test_unix();
	test_no_slot(&t);
	(void)close(lfd);
	return done_testing();
}
