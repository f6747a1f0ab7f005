/*
 * upstream: connections to backends, connected without blocking and
 * kept idle between requests (upstream.h has the contract).
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/upstream.h"

void
upstream_pool_init(struct upstream_pool *p, struct upstream_conn *slots,
    size_t max, struct evloop *loop, uint32_t kind)
{
	memset(p, 0, sizeof(*p));
	p->slots = slots;
	p->max = max;
	p->loop = loop;
	p->kind = kind;
}

static const char *
resolve_unix(struct upstream_target *t, const char *path)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)(void *)&t->ss;
	size_t len = strlen(path);

	if (len >= sizeof(sun->sun_path))
		return "path too long";
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	t->sslen = sizeof(*sun);
	return NULL;
}

/* The first address of the host: a backend is one address. */
static const char *
resolve_tcp(struct upstream_target *t, const char *host, uint16_t port)
{
	struct addrinfo hints, *res;
	char serv[8];
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	(void)snprintf(serv, sizeof(serv), "%u", port);
	if ((e = getaddrinfo(host, serv, &hints, &res)) != 0)
		return gai_strerror(e);
	if (res->ai_addrlen <= sizeof(t->ss)) {
		memcpy(&t->ss, res->ai_addr, res->ai_addrlen);
		t->sslen = res->ai_addrlen;
	}
	freeaddrinfo(res);
	return t->sslen == 0 ? "address too long" : NULL;
}

const char *
upstream_target_init(struct upstream_target *t, bool tcp, const char *name,
    uint16_t port, unsigned idle_max, int64_t idle_ms)
{
	memset(t, 0, sizeof(*t));
	t->idle_max = idle_max;
	t->idle_ms = idle_ms;
	return tcp ? resolve_tcp(t, name, port) : resolve_unix(t, name);
}

struct upstream_conn *
upstream_slot(struct upstream_pool *p, uint32_t index)
{
	return index < p->used ? &p->slots[index] : NULL;
}

static struct upstream_conn *
slot_take(struct upstream_pool *p)
{
	struct upstream_conn *u;

	if ((u = p->free) != NULL) {
		p->free = u->next;
		return u;
	}
	if (p->used == p->max)
		return NULL;
	u = &p->slots[p->used++];
	u->fd = -1;
	return u;
}

static void
slot_close(struct upstream_pool *p, struct upstream_conn *u)
{
	if (u->fd != -1)
		(void)close(u->fd);	/* leaves the epoll set with it */
	u->fd = -1;
	u->state = UPSTREAM_FREE;
	u->owner = NULL;
	u->next = p->free;
	p->free = u;
}

static void
idle_unlink(struct upstream_conn *u)
{
	struct upstream_conn **pp;

	for (pp = &u->target->idle; *pp != NULL; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			u->target->nidle--;
			return;
		}
}

static bool
slot_connect(struct upstream_pool *p, struct upstream_conn *u)
{
	const struct upstream_target *t = u->target;

	if (t->sslen == 0) {
		errno = EADDRNOTAVAIL;
		return false;
	}
	u->fd = socket(t->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (u->fd == -1)
		return false;
	u->state = UPSTREAM_BUSY;
	u->readable = false;
	u->writable = true;
	if (connect(u->fd, (const struct sockaddr *)&t->ss, t->sslen) == -1) {
		/* A UNIX socket with a full backlog says EAGAIN: refused. */
		if (errno != EINPROGRESS)
			return false;
		u->state = UPSTREAM_CONNECTING;
		u->writable = false;
	}
	return evloop_add(p->loop, u->fd, evloop_tag(p->kind,
	    (uint32_t)(u - p->slots)), EPOLLIN | EPOLLOUT | EPOLLRDHUP |
	    EPOLLET) == 0;
}

struct upstream_conn *
upstream_get(struct upstream_pool *p, struct upstream_target *t,
    void *owner, bool fresh)
{
	struct upstream_conn *u;
	int e;

	if (!fresh && (u = t->idle) != NULL) {
		t->idle = u->next;
		t->nidle--;
		u->state = UPSTREAM_BUSY;
		u->owner = owner;
		u->reused = true;
		u->writable = true;
		return u;
	}
	if ((u = slot_take(p)) == NULL) {
		errno = EMFILE;
		return NULL;
	}
	u->target = t;
	u->owner = owner;
	u->reused = false;
	if (!slot_connect(p, u)) {
		e = errno;
		slot_close(p, u);
		errno = e;
		return NULL;
	}
	return u;
}

void
upstream_put(struct upstream_pool *p, struct upstream_conn *u, bool reusable)
{
	struct upstream_target *t = u->target;

	if (!reusable || u->state != UPSTREAM_BUSY ||
	    t->nidle >= t->idle_max || p->draining) {
		slot_close(p, u);
		return;
	}
	u->state = UPSTREAM_IDLE;
	u->owner = NULL;
	u->idle_since = p->loop->now;
	u->next = t->idle;
	t->idle = u;
	t->nidle++;
}

/* What an idle connection waits for: only its end, or garbage. */
static const uint32_t IDLE_EVENTS = EPOLLIN | EPOLLRDHUP | EPOLLET;

void
upstream_keep(struct upstream_pool *p, struct upstream_target *t, int fd)
{
	struct upstream_conn *u;

	if (t->nidle >= t->idle_max || p->draining ||
	    (u = slot_take(p)) == NULL) {
		(void)close(fd);
		return;
	}
	u->fd = fd;
	u->target = t;
	u->reused = true;
	u->readable = u->writable = false;
	if (evloop_mod(p->loop, fd, evloop_tag(p->kind,
	    (uint32_t)(u - p->slots)), IDLE_EVENTS) == -1) {
		slot_close(p, u);
		return;
	}
	u->state = UPSTREAM_BUSY;
	upstream_put(p, u, true);
}

int
upstream_take_idle(struct upstream_pool *p, struct upstream_target *t)
{
	struct upstream_conn *u = t->idle;
	int fd;

	if (u == NULL)
		return -1;
	t->idle = u->next;
	t->nidle--;
	fd = u->fd;
	u->fd = -1;
	slot_close(p, u);
	return fd;
}

void
upstream_expire(struct upstream_pool *p, struct upstream_target *t)
{
	struct upstream_conn **pp, *u;

	for (pp = &t->idle; (u = *pp) != NULL; ) {
		if (p->loop->now - u->idle_since < t->idle_ms) {
			pp = &u->next;
			continue;
		}
		*pp = u->next;
		t->nidle--;
		slot_close(p, u);
	}
}

enum upstream_ev
upstream_event(struct upstream_pool *p, struct upstream_conn *u,
    uint32_t events, int *err)
{
	enum upstream_ev ev = UPSTREAM_EV_IO;
	socklen_t len = sizeof(*err);

	*err = 0;
	switch (u->state) {
	case UPSTREAM_FREE:
		return UPSTREAM_EV_NONE;
	case UPSTREAM_IDLE:
		/* Nothing is due on it: the peer closed or misbehaves. */
		if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
			return UPSTREAM_EV_NONE;
		idle_unlink(u);
		slot_close(p, u);
		return UPSTREAM_EV_CLOSED;
	case UPSTREAM_CONNECTING:
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return UPSTREAM_EV_NONE;
		if (getsockopt(u->fd, SOL_SOCKET, SO_ERROR, err, &len) == -1)
			*err = errno;
		if (*err != 0)
			return UPSTREAM_EV_FAILED;
		u->state = UPSTREAM_BUSY;
		ev = UPSTREAM_EV_CONNECTED;
		break;
	case UPSTREAM_BUSY:
		break;
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		u->readable = true;
	if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		u->writable = true;
	return ev;
}

bool
upstream_send(struct upstream_conn *u, const uint8_t *buf, size_t len,
    size_t *off)
{
	ssize_t n;

	while (u->state == UPSTREAM_BUSY && u->writable && *off < len) {
		n = send(u->fd, buf + *off, len - *off, MSG_NOSIGNAL);
		if (n > 0) {
			*off += (size_t)n;
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			u->writable = false;
		else if (errno != EINTR)
			return false;
	}
	return true;
}

bool
upstream_recv(struct upstream_conn *u, uint8_t *buf, size_t size,
    size_t *len, bool *eof)
{
	ssize_t n;

	while (u->state == UPSTREAM_BUSY && u->readable && *len < size) {
		n = read(u->fd, buf + *len, size - *len);
		if (n > 0) {
			/*
			 * Read on to EAGAIN: a FIN that came with these
			 * bytes raises no new edge.
			 */
			*len += (size_t)n;
			continue;
		}
		if (n == 0) {
			*eof = true;
			u->readable = false;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK)
			u->readable = false;
		else if (errno != EINTR)
			return false;
	}
	return true;
}
