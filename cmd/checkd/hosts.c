/*
 * From the configuration to the checker's tables and hosts: one table
 * per relayd table instance (a table with one set of check options),
 * host ids as relayd numbers them, addresses resolved once here, before
 * the chroot takes the resolver away.  States come back from the status
 * files of the previous checker, so a reload or restart keeps them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/sockaddr.h"
#include "checkd.h"
#include "net/statwatch.h"

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size);

	if (p == NULL)
		die(DIE_OOM, "out of memory");
	return p;
}

static void
set_sockaddr(struct host *h, const struct addr *a, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&h->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&h->ss;
	struct addrinfo hints, *res = NULL;

	memset(&h->ss, 0, sizeof(h->ss));
	h->sslen = 0;
	if (a->kind == ADDR_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->bytes, 4);
		h->sslen = sizeof(*sin);
	} else if (a->kind == ADDR_INET6) {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->bytes, 16);
		h->sslen = sizeof(*sin6);
	} else if (a->kind == ADDR_NAME) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(a->name, NULL, &hints, &res) == 0 &&
		    res != NULL && res->ai_addrlen <= sizeof(h->ss)) {
			memcpy(&h->ss, res->ai_addr, res->ai_addrlen);
			h->sslen = res->ai_addrlen;
		}
		if (res != NULL)
			freeaddrinfo(res);
	}
	if (h->ss.ss_family == AF_INET)
		sin->sin_port = htons(port);
	else if (h->ss.ss_family == AF_INET6)
		sin6->sin6_port = htons(port);
	sockaddr_text(&h->ss, h->addr, sizeof(h->addr), NULL);
}

/* tables/ and the file name of checkd.status(5)'s rule (statwatch). */
static void
name_file(struct checker *c, struct table *t)
{
	memcpy(t->file, "tables/", 7);
	if (!statwatch_table_file(c->conf, t->inst, t->file + 7,
	    sizeof(t->file) - 7))
		die(DIE_CONFIG, "table %s: name too long for a file",
		    t->inst->table->name);
}

/* t's hosts are the next slice of the one array of all hosts. */
static void
build_hosts(struct checker *c, struct table *t, struct host *slice,
    int64_t now)
{
	const struct rd_host *rh;
	struct host *h;
	int k = 0;

	t->hosts = slice;
	for (rh = t->inst->table->hosts; rh != NULL; rh = rh->next, k++) {
		h = &t->hosts[k];
		h->table = t;
		h->conf = rh;
		h->id = (uint32_t)(t->inst->first_host_id + k);
		if (h->id <= c->nids)
			c->byid[h->id] = h;
		set_sockaddr(h, &rh->addr, t->inst->port);
		h->since = now;
		h->retry_left = rh->retry;
		h->state = STATUSFILE_UNKNOWN;
		h->reason = R_NONE;
		if (h->sslen == 0) {
			h->state = STATUSFILE_DOWN;
			h->reason = R_LOOKUP_FAIL;
		}
		/* relayd: a relay's table without a check is always up. */
		if (t->check->type == RD_CHECK_NONE)
			h->state = STATUSFILE_UP;
		if (t->disabled) {
			h->state = STATUSFILE_DISABLED;
			h->reason = R_DISABLED;
		}
	}
	t->nhosts = k;
}

void
hosts_build(struct checker *c)
{
	const struct rd_table_inst *in;
	int64_t wall = wall_s(), now = now_ms();
	struct table *t;
	size_t used = 0;
	int i = 0, k;

	c->ntables = c->conf->ninstances;
	c->tables = xcalloc((size_t)c->ntables, sizeof(*c->tables));
	c->nids = (uint32_t)c->conf->nhosts;
	c->byid = xcalloc((size_t)c->nids + 1, sizeof(*c->byid));
	c->all = xcalloc((size_t)c->nids, sizeof(*c->all));
	c->echo_ident = (uint16_t)(getpid() & 0xffff);
	for (in = c->conf->instances; in != NULL && i < c->ntables;
	    in = in->next, i++) {
		t = &c->tables[i];
		t->inst = in;
		t->check = &in->opts->check;
		name_file(c, t);
		t->interval_ms = 1000 * (in->opts->interval > 0 ?
		    in->opts->interval : c->conf->interval);
		t->timeout_ms = in->timeout > 0 ? in->timeout :
		    c->conf->timeout;
		if (t->timeout_ms >= t->interval_ms)
			t->timeout_ms = t->interval_ms - 1;
		t->conf_disabled = t->disabled = in->table->disable;
		t->next = now;
		t->dirty = true;
		t->down = -1;
		if (used + (size_t)in->table->nhosts > c->nids)
			die(DIE_CONFIG, "table %s: more hosts than counted",
			    in->table->name);
		build_hosts(c, t, c->all + used, wall);
		used += (size_t)t->nhosts;
	}
	c->ntables = i;
	for (i = 0; i < c->ntables; i++)
		for (k = 0; k < c->tables[i].nhosts; k++) {
			struct host *h = &c->tables[i].hosts[k];
			long long p = h->conf->parent;

			if (p > 0 && (uint32_t)p <= c->nids &&
			    c->byid[p] != NULL && c->byid[p] != h) {
				h->parent = c->byid[p];
				c->has_children = true;
			}
		}
}

static enum reason
reason_of(const char *text)
{
	int r;

	for (r = 0; r < R_NREASONS; r++)
		if (strcmp(reason_text[r], text) == 0)
			return (enum reason)r;
	return R_NONE;
}

static struct host *
find_host(struct checker *c, struct table *t, const struct statusfile_host *s)
{
	struct host *h;
	int i;

	/* Host ids usually stay; fall back to a search when they moved. */
	if (s->id >= 1 && s->id <= c->nids && (h = c->byid[s->id]) != NULL &&
	    h->table == t && h->table->inst->port == s->port &&
	    strcmp(h->conf->name, s->host) == 0)
		return h;
	for (i = 0; i < t->nhosts; i++) {
		h = &t->hosts[i];
		if (h->table->inst->port == s->port &&
		    strcmp(h->conf->name, s->host) == 0)
			return h;
	}
	return NULL;
}

struct restore_ctx {
	struct checker	*c;
	struct table	*t;
};

static void
restore_one(const struct statusfile_host *s, void *arg)
{
	struct restore_ctx *rc = arg;
	struct host *h = find_host(rc->c, rc->t, s);

	/* Only a checked verdict comes back; "disabled" is decided anew. */
	if (h == NULL || h->state != STATUSFILE_UNKNOWN ||
	    (s->state != STATUSFILE_UP && s->state != STATUSFILE_DOWN))
		return;
	h->state = s->state;
	h->since = s->since;
	h->latency_ms = s->latency_ms;
	h->reason = reason_of(s->reason);
}

void
hosts_restore(struct checker *c)
{
	struct restore_ctx rc;
	size_t size;
	char *buf;
	long len;
	int i;

	rc.c = c;
	for (i = 0; i < c->ntables; i++) {
		rc.t = &c->tables[i];
		size = ((size_t)rc.t->nhosts + 1) * (STATUSFILE_LINE_MAX + 1);
		buf = xcalloc(size, 1);
		len = statusfile_read(AT_FDCWD, rc.t->file, buf, size);
		if (len > 0)
			(void)statusfile_parse(buf, (size_t)len, restore_one,
			    &rc);
		free(buf);
	}
}
