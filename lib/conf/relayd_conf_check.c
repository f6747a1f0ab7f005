/*
 * relayd_conf_check: the checks relayd makes once the whole file is
 * read (load_config() in its parse.y), and the table instances: every
 * distinct (table, port, check, timing) gets one, with host ids counted
 * from 1, which is what "parent" refers to.
 */
#include <string.h>

#include "conf/relayd_conf_int.h"

static bool
same_string(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
same_check(const struct rd_check *a, const struct rd_check *b)
{
	return a->type == b->type && a->tls == b->tls && a->code == b->code &&
	    same_string(a->path, b->path) && same_string(a->host, b->host) &&
	    same_string(a->digest, b->digest) &&
	    same_string(a->send, b->send) &&
	    same_string(a->expect, b->expect);
}

static long long
use_timeout(const struct rd_table_use *u)
{
	return u->opts.timeout >= 0 ? u->opts.timeout : u->table->timeout;
}

static bool
same_instance(const struct rd_table_inst *in, const struct rd_table_use *u,
    bool for_relay)
{
	return in->table == u->table && in->port == u->port &&
	    in->timeout == use_timeout(u) && in->for_relay == for_relay &&
	    in->opts->interval == u->opts.interval &&
	    same_check(&in->opts->check, &u->opts.check);
}

static bool
used_by_relay(const struct relayd_conf *rc, const struct rd_table_use *u)
{
	const struct rd_relay *r;
	const struct rd_forward *f;

	for (r = rc->relays; r != NULL; r = r->next)
		for (f = r->forwards; f != NULL; f = f->next)
			if (f->kind == RD_FWD_TABLE && &f->use == u)
				return true;
	return false;
}

/* One instance per distinct use, in the order relayd creates them. */
static void
make_instances(struct rd_parser *p)
{
	struct relayd_conf *rc = p->rc;
	struct rd_table_use *u;
	struct rd_table_inst *in, **pp;
	bool relay;

	for (u = rc->uses; u != NULL; u = u->next_use) {
		relay = used_by_relay(rc, u);
		for (pp = &rc->instances; (in = *pp) != NULL; pp = &in->next)
			if (same_instance(in, u, relay))
				break;
		if (in == NULL) {
			in = arena_alloc(p->a, sizeof(*in));
			in->id = ++rc->ninstances;
			in->table = u->table;
			in->opts = &u->opts;
			in->port = u->port;
			in->timeout = use_timeout(u);
			in->for_relay = relay;
			in->first_host_id = rc->nhosts + 1;
			rc->nhosts += u->table->nhosts;
			*pp = in;
		}
		u->inst = in;
	}
}

/* The host with this id, through the instances; NULL if none. */
static const struct rd_host *
host_by_id(const struct relayd_conf *rc, long long id)
{
	const struct rd_table_inst *in;
	const struct rd_host *h;
	long long n;

	for (in = rc->instances; in != NULL; in = in->next) {
		n = id - in->first_host_id;
		if (n < 0 || n >= in->table->nhosts)
			continue;
		for (h = in->table->hosts; n > 0; n--)
			h = h->next;
		return h;
	}
	return NULL;
}

static bool
check_instance(struct rd_parser *p, const struct rd_table_inst *in)
{
	const struct rd_host *h, *ph;
	long long id = in->first_host_id;

	/* relayd wants every check to end before the next one starts. */
	if (in->timeout >= p->rc->interval * 1000) {
		conf_error(p->c, "table timeout exceeds interval: %s",
		    in->table->name);
		return false;
	}
	if (in->for_relay && in->table->nhosts > RD_RELAY_MAXHOSTS) {
		conf_error(p->c, "table %s has more than %d hosts for a relay",
		    in->table->name, RD_RELAY_MAXHOSTS);
		return false;
	}
	for (h = in->table->hosts; h != NULL; h = h->next, id++) {
		if (h->parent == 0)
			continue;
		ph = host_by_id(p->rc, h->parent);
		/* A parent is another host, and not itself a child. */
		if (h->parent == id || ph == NULL || ph->parent != 0) {
			conf_error(p->c, "host parent id %lld invalid",
			    h->parent);
			return false;
		}
	}
	return true;
}

static bool
check_listeners(struct rd_parser *p)
{
	const struct rd_relay *r, *o;
	const struct rd_listen *l, *m;

	for (r = p->rc->relays; r != NULL; r = r->next)
		for (l = r->listens; l != NULL; l = l->next)
			for (o = r; o != NULL; o = o->next)
				for (m = o == r ? l->next : o->listens;
				    m != NULL; m = m->next)
					if (m->port == l->port &&
					    strcmp(m->name, l->name) == 0) {
						conf_error(p->c, "relay %s or "
						    "listener defined twice",
						    o->name);
						return false;
					}
	return true;
}

static void
warn_unused(struct rd_parser *p)
{
	const struct rd_table *t;
	const struct rd_protocol *pr;

	for (t = p->rc->tables; t != NULL; t = t->next)
		if (!t->used)
			conf_warn(p->c, "table %s defined at line %d is not "
			    "used", t->name, t->line);
	for (pr = p->rc->protocols; pr != NULL; pr = pr->next)
		if (!pr->used)
			conf_warn(p->c, "unused protocol: %s", pr->name);
}

bool
rd_check_all(struct rd_parser *p)
{
	const struct relayd_conf *rc = p->rc;
	const struct rd_table_inst *in;

	if (rc->redirects == NULL && rc->relays == NULL &&
	    rc->routers == NULL) {
		conf_error(p->c, "no actions, nothing to do");
		return false;
	}
	if (rc->timeout >= rc->interval * 1000) {
		conf_error(p->c, "global timeout exceeds interval");
		return false;
	}
	if (!check_listeners(p))
		return false;
	make_instances(p);
	for (in = rc->instances; in != NULL; in = in->next)
		if (!check_instance(p, in))
			return false;
	warn_unused(p);
	return true;
}
