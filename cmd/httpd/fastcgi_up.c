/*
 * fastcgi_up: the responders' sockets, and what their connections'
 * events mean for a request.
 *
 * Every distinct `fastcgi socket` of the configuration is a target of
 * lib/net/upstream, resolved once per worker before the chroot (a TCP
 * host name needs /etc).  Its connections are the worker's pool, tagged
 * WORKER_TAG_FCGI.  After a request that ended cleanly the connection
 * is kept idle (at most FCGI_IDLE_MAX per socket, FCGI_IDLE_MS each),
 * and the next request to that socket takes it instead of connecting.
 */
#include <string.h>

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

/* Every socket the servers and locations name, once. */
void
fcgi_targets_init(struct worker *w)
{
	const struct httpd_server *s, *loc;
	struct fcgi_target *t;
	const char *why;

	upstream_pool_init(&w->fcgi_pool, w->fcgi_ups, FCGI_UPS_MAX, &w->loop,
	    WORKER_TAG_FCGI);
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
			t->tcp = loc->fastcgi.tcp;
			t->socket = loc->fastcgi.socket;
			t->port = loc->fastcgi.port;
			why = upstream_target_init(&t->up, t->tcp, t->socket,
			    t->port, FCGI_IDLE_MAX, FCGI_IDLE_MS);
			if (why != NULL)
				warnx_("fastcgi socket %s: %s", t->socket, why);
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

void
fcgi_up_expire(struct worker *w)
{
	size_t i;

	for (i = 0; i < w->nfcgi_targets; i++)
		upstream_expire(&w->fcgi_pool, &w->fcgi_targets[i].up);
}

void
fcgi_up_event(struct worker *w, uint32_t i, uint32_t events)
{
	struct upstream_conn *u = upstream_slot(&w->fcgi_pool, i);
	struct conn *c;
	int err;

	if (u == NULL)
		return;
	switch (upstream_event(&w->fcgi_pool, u, events, &err)) {
	case UPSTREAM_EV_FAILED:
		c = u->owner;
		fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY, strerror(err));
		if (c->state == CONN_WRITING)
			conn_resume(w, c);
		break;
	case UPSTREAM_EV_CONNECTED:
	case UPSTREAM_EV_IO:
		conn_resume(w, u->owner);
		break;
	case UPSTREAM_EV_NONE:
	case UPSTREAM_EV_CLOSED:
		break;
	}
}
