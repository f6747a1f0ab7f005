/*
 * fastcgi_up: the responders' sockets and the connections to them.
 *
 * Every distinct `fastcgi socket` of the configuration is a target,
 * resolved once per worker before the chroot (a TCP host name needs
 * /etc).  A connection is non-blocking and registered in the worker's
 * epoll, edge-triggered, with the tag WORKER_TAG_FCGI and its slot.  After
 * a request that ended cleanly the connection is kept, idle, on its
 * target's list (at most FCGI_IDLE_MAX), and the next request to that
 * socket takes it instead of connecting; an idle connection that becomes
 * readable has been closed by the responder (or sent garbage) and is
 * closed.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "worker.h"

static bool
same_socket(const struct fcgi_target *t, const struct httpd_fastcgi *f)
{
	return t->tcp == f->tcp && (!f->tcp || t->port == f->port) &&
	    strcmp(t->socket, f->socket) == 0;
}

struct fcgi_target *
fcgi_target_find(struct worker *w, const struct httpd_fastcgi *f)
{
	size_t i;

	for (i = 0; i < w->nfcgi_targets; i++)
		if (same_socket(&w->fcgi_targets[i], f))
			return &w->fcgi_targets[i];
	return NULL;
}

static void
resolve(struct fcgi_target *t)
{
	struct addrinfo hints, *res;
	struct sockaddr_un *sun = (struct sockaddr_un *)(void *)&t->ss;
	char port[8];
	int e;

	t->sslen = 0;
	if (!t->tcp) {
		if (strlen(t->socket) >= sizeof(sun->sun_path))
			return;
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, t->socket, strlen(t->socket) + 1);
		t->sslen = sizeof(*sun);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	(void)snprintf(port, sizeof(port), "%u", t->port);
	if ((e = getaddrinfo(t->socket, port, &hints, &res)) != 0) {
		warnx_("fastcgi socket %s: %s", t->socket, gai_strerror(e));
		return;
	}
	if (res->ai_addrlen <= sizeof(t->ss)) {
		memcpy(&t->ss, res->ai_addr, res->ai_addrlen);
		t->sslen = res->ai_addrlen;
	}
	freeaddrinfo(res);
}

/* Every socket the servers and locations name, once. */
void
fcgi_targets_init(struct worker *w)
{
	const struct httpd_server *s, *loc;
	struct fcgi_target *t;

	w->nfcgi_targets = 0;
	for (s = w->st->conf->servers; s != NULL; s = s->next)
		for (loc = s; loc != NULL; loc = loc == s ? s->locations :
		    loc->next) {
			if (!loc->fastcgi.enabled || loc->fastcgi.socket ==
			    NULL || fcgi_target_find(w, &loc->fastcgi) != NULL)
				continue;
			if (w->nfcgi_targets == FCGI_TARGETS_MAX) {
				warnx_("more than %d fastcgi sockets",
				    FCGI_TARGETS_MAX);
				return;
			}
			t = &w->fcgi_targets[w->nfcgi_targets++];
			memset(t, 0, sizeof(*t));
			t->tcp = loc->fastcgi.tcp;
			t->socket = loc->fastcgi.socket;
			t->port = loc->fastcgi.port;
			resolve(t);
		}
}

size_t
fcgi_target_ports(const struct worker *w, uint16_t *ports, size_t max,
    bool *unix_paths)
{
	size_t i, j, n = 0;

	*unix_paths = false;
	for (i = 0; i < w->nfcgi_targets && n < max; i++) {
		if (!w->fcgi_targets[i].tcp) {
			*unix_paths = true;
			continue;
		}
		for (j = 0; j < n && ports[j] != w->fcgi_targets[i].port; j++)
			;
		if (j == n)
			ports[n++] = w->fcgi_targets[i].port;
	}
	return n;
}

static struct fcgi_up *
up_slot(struct worker *w)
{
	struct fcgi_up *u;

	if ((u = w->free_ups) != NULL) {
		w->free_ups = u->next;
		return u;
	}
	if (w->fcgi_ups_used == FCGI_UPS_MAX)
		return NULL;
	u = &w->fcgi_ups[w->fcgi_ups_used++];
	u->fd = -1;
	return u;
}

static void
up_close(struct worker *w, struct fcgi_up *u)
{
	if (u->fd != -1)
		(void)close(u->fd);	/* leaves the epoll set with it */
	u->fd = -1;
	u->state = UP_FREE;
	u->c = NULL;
	u->next = w->free_ups;
	w->free_ups = u;
}

static bool
up_connect(struct worker *w, struct fcgi_up *u, struct fcgi_target *t)
{
	if (t->sslen == 0) {
		errno = EADDRNOTAVAIL;
		return false;
	}
	u->fd = socket(t->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (u->fd == -1)
		return false;
	u->state = UP_BUSY;
	u->readable = false;
	u->writable = true;
	if (connect(u->fd, (struct sockaddr *)&t->ss, t->sslen) == -1) {
		/* A UNIX socket with a full backlog says EAGAIN: refused. */
		if (errno != EINPROGRESS)
			return false;
		u->state = UP_CONNECTING;
		u->writable = false;
	}
	return evloop_add(&w->loop, u->fd, evloop_tag(WORKER_TAG_FCGI,
	    (uint32_t)(u - w->fcgi_ups)), EPOLLIN | EPOLLOUT | EPOLLRDHUP |
	    EPOLLET) == 0;
}

struct fcgi_up *
fcgi_up_get(struct worker *w, struct fcgi_target *t, struct conn *c,
    bool fresh)
{
	struct fcgi_up *u;
	int e;

	if (!fresh && (u = t->idle) != NULL) {
		t->idle = u->next;
		t->nidle--;
		u->state = UP_BUSY;
		u->c = c;
		u->reused = true;
		u->writable = true;
		return u;
	}
	if ((u = up_slot(w)) == NULL) {
		errno = EMFILE;
		return NULL;
	}
	u->target = t;
	u->c = c;
	u->reused = false;
	if (!up_connect(w, u, t)) {
		e = errno;
		up_close(w, u);
		errno = e;
		return NULL;
	}
	return u;
}

void
fcgi_up_put(struct worker *w, struct fcgi_up *u, bool reusable)
{
	struct fcgi_target *t = u->target;

	if (!reusable || t->nidle >= FCGI_IDLE_MAX || w->draining) {
		up_close(w, u);
		return;
	}
	u->state = UP_IDLE;
	u->c = NULL;
	u->idle_since = w->loop.now;
	u->next = t->idle;
	t->idle = u;
	t->nidle++;
}

void
fcgi_up_expire(struct worker *w)
{
	struct fcgi_target *t;
	struct fcgi_up **pp, *u;
	size_t i;

	for (i = 0; i < w->nfcgi_targets; i++) {
		t = &w->fcgi_targets[i];
		for (pp = &t->idle; (u = *pp) != NULL; ) {
			if (w->loop.now - u->idle_since < FCGI_IDLE_MS) {
				pp = &u->next;
				continue;
			}
			*pp = u->next;
			t->nidle--;
			up_close(w, u);
		}
	}
}

/* An idle connection that stirs is closed: nothing is due on it. */
static void
idle_event(struct worker *w, struct fcgi_up *u)
{
	struct fcgi_up **pp;

	for (pp = &u->target->idle; *pp != NULL; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			u->target->nidle--;
			break;
		}
	up_close(w, u);
}

void
fcgi_up_event(struct worker *w, struct fcgi_up *u, uint32_t events)
{
	int err = 0;
	socklen_t len = sizeof(err);

	switch (u->state) {
	case UP_FREE:
		return;
	case UP_IDLE:
		if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			idle_event(w, u);
		return;
	case UP_CONNECTING:
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (getsockopt(u->fd, SOL_SOCKET, SO_ERROR, &err, &len) ==
		    -1)
			err = errno;
		if (err != 0) {
			struct conn *c = u->c;

			fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY, strerror(err));
			if (c->state == CONN_WRITING)
				conn_resume(w, c);
			return;
		}
		u->state = UP_BUSY;
		break;
	case UP_BUSY:
		break;
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		u->readable = true;
	if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		u->writable = true;
	conn_resume(w, u->c);
}

bool
fcgi_up_write(struct fcgi_up *u, struct fcgi_req *fr)
{
	ssize_t n;

	while (u->state == UP_BUSY && u->writable && fr->ooff < fr->olen) {
		n = send(u->fd, fr->out + fr->ooff, fr->olen - fr->ooff,
		    MSG_NOSIGNAL);
		if (n > 0) {
			fr->ooff += (size_t)n;
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
fcgi_up_read(struct fcgi_up *u, struct fcgi_req *fr)
{
	size_t want;
	ssize_t n;

	while (u->state == UP_BUSY && u->readable && fr->ilen < FCGI_IBUF) {
		want = FCGI_IBUF - fr->ilen;
		n = read(u->fd, fr->in + fr->ilen, want);
		if (n > 0) {
			fr->ilen += (size_t)n;
			fr->received += (uint64_t)n;
			/*
			 * Read on to EAGAIN: a FIN that came with these
			 * bytes raises no new edge.
			 */
			continue;
		}
		if (n == 0) {
			fr->eof = true;
			u->readable = false;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK)
			u->readable = false;
		else if (errno != EINTR)
			return false;
	}
	return true;
}
