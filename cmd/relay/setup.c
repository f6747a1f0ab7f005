/*
 * setup: what a generation of workers relays with, built by the root
 * parent before they fork -- each relay's listening sockets (kept from
 * the generation before where the address is the same, so a reload
 * refuses no connection), its forward lines with their hosts resolved
 * (names need /etc and DNS, which the chroot hides), and the ports the
 * workers may connect to.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bearssl.h>

#include "base/die.h"
#include "net/listener.h"
#include "relay.h"

bool
relay_fail(struct relay_state *st, bool with_errno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vfail_at(st->error, sizeof(st->error), with_errno, fmt, ap);
	va_end(ap);
	return false;
}

/* A TCP and a UDP socket may share an address and port. */
static ssize_t
find_listener(const struct relay_state *st, const struct sockaddr_storage *ss,
    socklen_t len, bool udp)
{
	size_t i;

	for (i = 0; i < st->nlisteners; i++)
		if (st->listeners[i].sslen == len &&
		    st->listeners[i].udp == udp &&
		    memcmp(&st->listeners[i].ss, ss, len) == 0)
			return (ssize_t)i;
	return -1;
}

static const struct sockopts *
relay_sockopts(const struct rrelay *r, struct sockopts *def)
{
	if (r->proto != NULL)
		return &r->proto->tcp;
	sockopts_init(def, RD_BACKLOG_DEFAULT);
	return def;
}

/*
 * TCP_NODELAY: 1 on, 0 off, -1 the kernel's default.  An HTTP relay
 * sends each head with what follows it in one write, but the last segment
 * of a long body would still wait for an ACK under Nagle's algorithm: it
 * sets TCP_NODELAY unless told `no nodelay`.
 */
int
relay_nodelay(const struct rrelay *r)
{
	const struct sockopts *so = r->proto != NULL ? &r->proto->tcp : NULL;

	if (so != NULL && so->nodelay != SOCKOPTS_UNSET)
		return so->nodelay;
	return r->http ? 1 : -1;
}

/*
 * Whether the client speaks first, so that the kernel may hold its
 * connection until its first bytes come (TCP_DEFER_ACCEPT): HTTP, and
 * TLS's ClientHello.  Not a plain TCP relay: SMTP, SSH and others begin
 * with the server.
 */
bool
relay_defers_accept(const struct rrelay *r, bool tls)
{
	return r->http || tls;
}

/* What the client's connections inherit, set again on a kept socket. */
static bool
listener_inherited(struct relay_state *st, const struct rlistener *l)
{
	if (l->udp)
		return true;
	if (!listener_hand_down(l->fd, relay_nodelay(l->relay) == 1,
	    relay_defers_accept(l->relay, l->tls) ? 1 : 0))
		return relay_fail(st, true, "relay %s: setsockopt on a "
		    "listening socket", l->relay->name);
	return true;
}

static bool
add_listener(struct relay_state *st, const struct relay_state *old,
    struct rrelay *r, const struct rd_listen *rl,
    const struct sockaddr_storage *ss, socklen_t len)
{
	struct rlistener *l;
	struct sockopts def;
	ssize_t prev;
	char err[128];

	if (find_listener(st, ss, len, r->dns) != -1)
		return relay_fail(st, false, "relay %s: listen on %s port %u: "
		    "address in use by another relay", r->name, rl->name,
		    rl->port);
	if (st->nlisteners == RELAY_LISTENERS_MAX)
		return relay_fail(st, false, "more than %d listening sockets",
		    RELAY_LISTENERS_MAX);
	l = &st->listeners[st->nlisteners];
	l->ss = *ss;
	l->sslen = len;
	l->tls = rl->tls;
	l->udp = r->dns;
	l->relay = r;
	prev = old != NULL ? find_listener(old, ss, len, r->dns) : -1;
	if (prev != -1)
		l->fd = old->listeners[prev].fd;
	else if ((l->fd = inherit_take(st->inherited, r->dns ? SOCK_DGRAM :
	    SOCK_STREAM, ss)) != -1)
		;	/* handed over by a descriptor holder */
	else if ((l->fd = (r->dns ? listener_open_udp : listener_open)(ss, len,
	    relay_sockopts(r, &def), err, sizeof(err))) == -1)
		return relay_fail(st, true, "relay %s: %s", r->name, err);
	st->nlisteners++;
	return listener_inherited(st, l);
}

static bool
setup_listens(struct relay_state *st, const struct relay_state *old,
    struct rrelay *r)
{
	const struct rd_listen *rl;
	struct listen_addrs la;
	size_t i;

	for (rl = r->conf->listens; rl != NULL; rl = rl->next) {
		if (!listener_resolve(&rl->addr, rl->port, &la))
			return relay_fail(st, false, "relay %s: listen on %s: "
			    "no such interface or host", r->name, rl->name);
		for (i = 0; i < la.n; i++)
			if (!add_listener(st, old, r, rl, &la.ss[i], la.len[i]))
				return false;
	}
	return true;
}

/* A host's address: numeric as written, or a name's first address. */
static bool
resolve_host(struct relay_state *st, const struct addr *a, const char *name,
    uint16_t port, struct rhost *h)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&h->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&h->ss;
	struct addrinfo hints, *res;
	int e;

	memset(&h->ss, 0, sizeof(h->ss));
	h->name = name;
	h->port = port;
	if (a->kind == ADDR_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->bytes, 4);
		h->sslen = sizeof(*sin);
	} else if (a->kind == ADDR_INET6) {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->bytes, 16);
		h->sslen = sizeof(*sin6);
	} else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		if ((e = getaddrinfo(a->name, NULL, &hints, &res)) != 0)
			return relay_fail(st, false, "host %s: %s", name,
			    gai_strerror(e));
		memcpy(&h->ss, res->ai_addr, res->ai_addrlen);
		h->sslen = res->ai_addrlen;
		freeaddrinfo(res);
	}
	if (h->ss.ss_family == AF_INET)
		sin->sin_port = htons(port);
	else
		sin6->sin6_port = htons(port);
	/* HTTP relays keep idle connections to it (lib/net/upstream). */
	memset(&h->idle, 0, sizeof(h->idle));
	h->idle.ss = h->ss;
	h->idle.sslen = h->sslen;
	h->idle.idle_max = RELAY_IDLE_PER_HOST;
	h->idle.idle_ms = RELAY_IDLE_MS;
	return true;
}

/* The port joins the list of those the workers may connect to. */
static bool
add_port(struct relay_state *st, uint16_t port)
{
	uint16_t *p;
	size_t i;

	for (i = 0; i < st->nports; i++)
		if (st->ports[i] == port)
			return true;
	/* Few ports, once per generation: the old array stays in the arena. */
	p = arena_alloc(st->mem, (st->nports + 1) * sizeof(*p));
	if (st->nports > 0)
		memcpy(p, st->ports, st->nports * sizeof(*p));
	p[st->nports++] = port;
	st->ports = p;
	return true;
}

/* The SipHash key of a table's mode: from `key`, else from its name. */
static void
mode_key(struct rtable *t, const char *key, const char *name)
{
	br_sha256_context c;
	unsigned char sum[32];

	br_sha256_init(&c);
	br_sha256_update(&c, key != NULL ? key : name,
	    strlen(key != NULL ? key : name));
	br_sha256_out(&c, sum);
	memcpy(t->key, sum, sizeof(t->key));
}

static bool
setup_table(struct relay_state *st, struct rforward *fw)
{
	const struct rd_table_use *u = &fw->conf->use;
	const struct rd_host *rh;
	struct rtable *t = &fw->table;
	uint16_t port = u->port != 0 ? u->port : u->inst->port;
	uint32_t i = 0;

	t->inst = u->inst;
	t->nhosts = (uint32_t)u->table->nhosts;
	t->hosts = arena_alloc(st->mem, t->nhosts * sizeof(*t->hosts));
	t->mode = u->opts.mode_set ? u->opts.mode : RD_MODE_ROUNDROBIN;
	mode_key(t, u->opts.key, u->table->name);
	t->checked = u->opts.check.type != RD_CHECK_NONE;
	t->disabled = u->table->disable;
	fw->retry = 0;
	for (rh = u->table->hosts; rh != NULL; rh = rh->next, i++) {
		if (!resolve_host(st, &rh->addr, rh->name, port, &t->hosts[i]))
			return false;
		t->hosts[i].id = (uint32_t)(u->inst->first_host_id + (int)i);
		t->hosts[i].table = t;
		if (rh->retry > fw->retry)
			fw->retry = rh->retry;
	}
	return add_port(st, port);
}

/* `forward to address port N`: a table of one host, always up. */
static bool
setup_address(struct relay_state *st, struct rforward *fw)
{
	struct rtable *t = &fw->table;

	t->nhosts = 1;
	t->hosts = arena_alloc(st->mem, sizeof(*t->hosts));
	t->hosts[0].table = t;
	fw->retry = fw->conf->retry;
	if (!resolve_host(st, &fw->conf->addr, fw->conf->name, fw->conf->port,
	    &t->hosts[0]))
		return false;
	return add_port(st, fw->conf->port);
}

static bool
setup_forwards(struct relay_state *st, struct rrelay *r)
{
	const struct rd_forward *f;
	struct rforward *fw;

	for (f = r->conf->forwards; f != NULL; f = f->next) {
		if (r->nfwd == RELAY_FORWARDS_MAX)
			return relay_fail(st, false, "relay %s: more than %d "
			    "forward lines", r->name, RELAY_FORWARDS_MAX);
		st->transparent |= f->transparent;
		fw = &r->fwd[r->nfwd++];
		fw->conf = f;
		fw->tls = f->tls;
		fw->proxy = f->proxy;
		fw->retry = f->retry;
		if (f->kind == RD_FWD_DESTINATION ||
		    f->kind == RD_FWD_NATLOOKUP) {
			/* Any host, any port: whatever the client asked. */
			fw->dest = true;
			st->connect_any = true;
			continue;
		}
		if (!(f->kind == RD_FWD_TABLE ? setup_table(st, fw) :
		    setup_address(st, fw)))
			return false;
	}
	return true;
}

static bool
setup_relay(struct relay_state *st, const struct relay_state *old,
    struct rrelay *r, const struct rd_relay *rc)
{
	r->conf = rc;
	r->name = rc->name;
	r->proto = rc->protocol;
	r->http = r->proto != NULL && r->proto->type == RD_PROTO_HTTP;
	r->dns = r->proto != NULL && r->proto->type == RD_PROTO_DNS;
	/*
	 * relayd splices TCP relays unless told not to; HTTP relays copy
	 * through their buffers, tunnels included, and never splice.
	 */
	r->splice = !r->http && (r->proto == NULL ||
	    r->proto->tcp.splice != 0);
	r->timeout_ms = rc->session_timeout * 1000;
	r->headerlen = r->proto != NULL && r->proto->headerlen > 0 ?
	    (size_t)r->proto->headerlen : RD_HEADERLEN_DEFAULT;
	if (!setup_forwards(st, r))
		return false;
	if (!filter_compile(st->mem, r, st->error, sizeof(st->error)))
		return false;
	return setup_listens(st, old, r);
}

bool
relay_setup(struct relay_state *st, const struct relay_state *old)
{
	const struct rd_relay *rc;
	uint32_t n = 0;

	for (rc = st->conf->relays; rc != NULL; rc = rc->next)
		n += !rc->disable;
	st->keyproc_pid = -1;
	memset(st->keyproc_fd, -1, sizeof(st->keyproc_fd));
	st->mem = arena_new();
	st->relays = arena_alloc(st->mem, (n > 0 ? n : 1) *
	    sizeof(*st->relays));
	for (rc = st->conf->relays; rc != NULL; rc = rc->next) {
		if (rc->disable)
			continue;
		st->relays[st->nrelays].index = st->nrelays;
		if (!setup_relay(st, old, &st->relays[st->nrelays++], rc))
			return false;
	}
	if (st->nlisteners == 0)
		return relay_fail(st, false, "no relay to run");
	return relay_tls_setup(st);
}

/* Everything of st but the sockets cur still listens on. */
void
relay_teardown(struct relay_state *st, const struct relay_state *cur)
{
	uint32_t i;

	for (i = 0; i < st->nlisteners; i++)
		if (st->listeners[i].fd != -1 && (cur == NULL ||
		    find_listener(cur, &st->listeners[i].ss,
		    st->listeners[i].sslen, st->listeners[i].udp) == -1) &&
		    !inherit_holds(st->inherited, st->listeners[i].fd))
			(void)close(st->listeners[i].fd);
	st->nlisteners = 0;
	relay_tls_teardown(st);
	arena_free(st->mem);
	st->mem = NULL;
	st->relays = NULL;
	st->nrelays = 0;
	st->ports = NULL;
	st->nports = 0;
}
