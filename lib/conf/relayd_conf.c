/*
 * relayd_conf: the relayd.conf(5) grammar -- the top level, global
 * options, table definitions, redirections and routers, and the token
 * helpers the other relayd_conf_*.c files share.
 *
 * Hand-written recursive descent over conf.h.  Errors relayd reports
 * while parsing are reported here at the same point, so that the line
 * numbers match; checks over the whole file are in relayd_conf_check.c.
 */
#include <netdb.h>
#include <netinet/in.h>

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf/confload.h"
#include "conf/relayd_conf_int.h"

/* Reserved words: unquoted, they never stand for a name or a macro. */
const char *const relayd_conf_keywords[] = {
	"agentx", "append", "backlog", "binary", "block", "buffer", "ca",
	"cert", "changes", "check", "checks", "ciphers", "code",
	"connection", "context", "cookie", "demote", "destination", "digest",
	"disable", "ecdhe", "edh", "error", "errors", "expect", "file",
	"forward", "from", "hash", "header", "headerlen", "host", "http",
	"icmp", "include", "inet", "inet6", "interface", "interval", "ip",
	"key", "keypair", "label", "least-states", "listen", "loadbalance",
	"log", "lookup", "match", "method", "mode", "nat", "no", "nodelay",
	"nothing", "on", "params", "parent", "pass", "password", "path",
	"pattern", "pftag", "port", "prefork", "priority", "protocol",
	"proxy-protocol",
	"query", "quick", "random", "redirect", "relay", "remove", "request",
	"response", "retry", "return", "roundrobin", "route", "router",
	"rtable", "rtlabel", "sack", "script", "send", "session", "set",
	"snmp", "socket", "source-hash", "splice", "ssl", "state",
	"sticky-address", "strip", "style", "table", "tag", "tagged", "tcp",
	"tickets", "timeout", "tls", "to", "transparent", "trap", "ttl",
	"url", "value", "websockets", "with", NULL
};

const char *const rd_check_names[] = {
	"none", "icmp", "tcp", "http code", "http digest", "send expect",
	"binary send expect", "script"
};

const char *const rd_mode_names[] = {
	"roundrobin", "loadbalance", "hash", "least-states", "source-hash",
	"random"
};

bool
rd_is_keyword(const char *word)
{
	const char *const *k;

	for (k = relayd_conf_keywords; *k != NULL; k++)
		if (strcmp(*k, word) == 0)
			return true;
	return false;
}

/* A name of an object (relay, protocol, tag, ...), bounded as relayd's. */
char *
rd_name(struct rd_parser *p, const char *what, size_t max)
{
	char *s = conf_string(p->c, what);

	if (s == NULL)
		return NULL;
	if (*s == '\0' || strlen(s) > max) {
		conf_error(p->c, "invalid %s '%.64s' (1-%zu bytes)", what, s,
		    max);
		return NULL;
	}
	return s;
}

/* One side of a port range: a number 1-65535 or a service name. */
static long
port_value(const char *s)
{
	struct servent *se;
	char *end;
	long v;

	if (isdigit((unsigned char)*s)) {
		v = strtol(s, &end, 10);
		return (*end == '\0' && v >= 1 && v <= 65535) ? v : -1;
	}
	if ((se = getservbyname(s, "tcp")) == NULL &&
	    (se = getservbyname(s, "udp")) == NULL)
		return -1;
	return ntohs((uint16_t)se->s_port);
}

/* port N, or N:M where redirections allow a range (*hi 0: no range). */
bool
rd_port(struct rd_parser *p, bool allow_range, uint16_t *lo, uint16_t *hi)
{
	const struct conf_token *t = conf_peek(p->c);
	const char *colon;
	char first[CONF_TOKEN_MAX];
	long a, b;

	*hi = 0;
	if (t->kind != CT_WORD || (colon = strchr(t->text, ':')) == NULL)
		return conf_port(p->c, lo);
	if (!allow_range) {
		conf_error(p->c, "invalid port %s: a range is only allowed "
		    "in redirections", t->text);
		return false;
	}
	(void)snprintf(first, sizeof(first), "%.*s",
	    (int)(colon - t->text), t->text);
	a = port_value(first);
	b = port_value(colon + 1);
	if (a < 0 || b < 0) {
		conf_error(p->c, "invalid port range %s", t->text);
		return false;
	}
	if (a > b) {
		conf_error(p->c, "invalid port range %s: %ld is above %ld",
		    t->text, a, b);
		return false;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	conf_next(p->c);
	return true;
}

/* An address (numeric or a name resolved later), kept as written too. */
bool
rd_address(struct rd_parser *p, bool allow_prefix, struct addr *out,
    char **written)
{
	const char *why = NULL;
	char *s = conf_string(p->c, "an address");

	if (s == NULL)
		return false;
	if (!addr_parse(s, allow_prefix, out, &why)) {
		conf_error(p->c, "invalid address '%.64s': %s", s, why);
		return false;
	}
	if (written != NULL)
		*written = s;
	return true;
}

/* <name>: reserved words are refused as relayd's lexer does. */
char *
rd_table_ref(struct rd_parser *p)
{
	const struct conf_token *t;

	if (conf_is_punct(p->c, '<')) {
		t = conf_peek2(p->c);
		if (t->kind == CT_WORD && rd_is_keyword(t->text)) {
			conf_next(p->c);
			conf_error(p->c, "table name '%s' is a reserved word",
			    t->text);
			return NULL;
		}
	}
	return conf_table_name(p->c, RD_NAME_MAX);
}

struct rd_table *
rd_table_find(const struct relayd_conf *rc, const char *name)
{
	struct rd_table *t;

	for (t = rc->tables; t != NULL; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* relayd takes the digest type from its length: 40 SHA-1, 32 MD5. */
bool
rd_hex_digest(const char *s, enum rd_digest_type *type)
{
	size_t i, n = strlen(s);

	if (n == 40)
		*type = RD_DIGEST_SHA1;
	else if (n == 32)
		*type = RD_DIGEST_MD5;
	else
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Global options */

static void
global_log(struct rd_parser *p)
{
	if (conf_accept(p->c, "state") && conf_expect(p->c, "changes"))
		p->rc->log |= RD_LOG_STATE_CHANGES;
	else if (conf_accept(p->c, "host") && conf_expect(p->c, "checks"))
		p->rc->log |= RD_LOG_HOST_CHECKS;
	else if (conf_accept(p->c, "connection")) {
		if (conf_accept(p->c, "errors"))
			p->rc->log |= RD_LOG_CONNECTION_ERRORS;
		else
			p->rc->log |= RD_LOG_CONNECTION |
			    RD_LOG_CONNECTION_ERRORS;
	} else if (!conf_failed(p->c))
		conf_error(p->c, "invalid log option %s (state changes, host "
		    "checks, connection [errors])",
		    conf_describe(p->c, conf_peek(p->c)));
}

/* agentx [context c] [path p]; relayd's older snmp [trap] [path]. */
static void
global_snmp(struct rd_parser *p, bool agentx)
{
	struct relayd_conf *rc = p->rc;
	const struct conf_token *t;

	if (agentx) {
		conf_warn(p->c, "agentx is not supported on Linux; ignored");
		rc->agentx = true;
		if (conf_accept(p->c, "context"))
			rc->agentx_context = conf_string(p->c, "a context");
		if (conf_accept(p->c, "path"))
			rc->agentx_path = conf_string(p->c, "a path");
		return;
	}
	conf_warn(p->c, "snmp is not supported on Linux; ignored");
	rc->snmp = true;
	rc->snmp_trap = conf_accept(p->c, "trap");
	t = conf_peek(p->c);
	if (t->kind == CT_QUOTED || (t->kind == CT_WORD &&
	    !rd_is_keyword(t->text)))
		rc->snmp_path = conf_string(p->c, "a path");
}

static bool
global_option(struct rd_parser *p)
{
	struct relayd_conf *rc = p->rc;

	if (conf_accept(p->c, "interval"))
		(void)conf_number(p->c, "interval", 1, INT_MAX, &rc->interval);
	else if (conf_accept(p->c, "timeout"))
		(void)conf_number(p->c, "timeout", 0, INT_MAX, &rc->timeout);
	else if (conf_accept(p->c, "prefork"))
		(void)conf_number(p->c, "prefork", 1, RD_PREFORK_MAX,
		    &rc->prefork);
	else if (conf_accept(p->c, "log"))
		global_log(p);
	else if (conf_accept(p->c, "socket"))
		rc->socket = conf_string(p->c, "a socket path");
	else if (conf_accept(p->c, "agentx"))
		global_snmp(p, true);
	else if (conf_accept(p->c, "snmp"))
		global_snmp(p, false);
	else
		return false;
	return true;
}

/* Tables */

static bool
host_flag(struct rd_parser *p, struct rd_host *h)
{
	const char *what;
	long long *v, max = INT_MAX;

	if (conf_accept(p->c, "retry")) {
		what = "retry";
		v = &h->retry;
	} else if (conf_accept(p->c, "parent")) {
		what = "parent";
		v = &h->parent;
	} else if (conf_accept(p->c, "priority")) {
		what = "priority";
		v = &h->priority;
		max = RD_PRIORITY_MAX;
	} else if (conf_is(p->c, "ip")) {
		conf_next(p->c);
		if (!conf_expect(p->c, "ttl"))
			return false;
		what = "ttl";
		v = &h->ttl;
		max = 255;
	} else
		return false;
	/* As relayd: a value once set (non-zero) may not be set again. */
	if (*v != 0) {
		conf_error(p->c, "%s value already set", what);
		return false;
	}
	return conf_number(p->c, what, 0, max, v);
}

static void
table_host(struct rd_parser *p, struct rd_table *tb)
{
	struct rd_host *h = arena_alloc(p->a, sizeof(*h)), **pp;

	h->line = conf_peek(p->c)->line;
	if (!rd_address(p, false, &h->addr, &h->name))
		return;
	while (!conf_failed(p->c) && host_flag(p, h))
		;
	for (pp = &tb->hosts; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = h;
	tb->nhosts++;
}

static void
table_hosts(struct rd_parser *p, struct rd_table *tb)
{
	if (!conf_block_open(p->c))
		return;
	while (conf_block_next(p->c)) {
		if (conf_accept(p->c, "include"))
			conf_include(p->c);
		else
			table_host(p, tb);
	}
}

static void
table_definition(struct rd_parser *p)
{
	struct rd_table *tb, **pp;
	char *name;
	int line = conf_peek(p->c)->line;

	if ((name = rd_table_ref(p)) == NULL)
		return;
	if (rd_table_find(p->rc, name) != NULL) {
		conf_error(p->c, "table %s defined twice", name);
		return;
	}
	tb = arena_alloc(p->a, sizeof(*tb));
	tb->name = name;
	tb->line = line;
	/* relayd: a table takes the global timeout set before it. */
	tb->timeout = p->rc->timeout;
	/* "disable" and the host block, in either order, as relayd. */
	for (;;) {
		if (conf_accept(p->c, "disable"))
			tb->disable = true;
		else if (conf_is_punct(p->c, '{'))
			table_hosts(p, tb);
		else
			break;
		if (conf_failed(p->c))
			return;
	}
	if (tb->nhosts == 0) {
		conf_error(p->c, "table %s has no hosts", name);
		return;
	}
	for (pp = &p->rc->tables; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = tb;
}

/* Redirections */

static void
redirect_listen(struct rd_parser *p, struct rd_redirect *r)
{
	struct rd_listen *l = arena_alloc(p->a, sizeof(*l)), **pp;
	const struct conf_token *t;
	struct protoent *pe;

	l->line = conf_peek(p->c)->line;
	if (!conf_expect(p->c, "on") ||
	    !rd_address(p, false, &l->addr, &l->name))
		return;
	l->ipproto = IPPROTO_TCP;
	t = conf_peek(p->c);
	if (conf_accept(p->c, "tcp"))
		;
	else if (t->kind == CT_QUOTED || (t->kind == CT_WORD &&
	    !rd_is_keyword(t->text))) {
		if ((pe = getprotobyname(t->text)) == NULL) {
			conf_error(p->c, "invalid protocol: %s", t->text);
			return;
		}
		l->ipproto = pe->p_proto;
		conf_next(p->c);
	}
	if (!conf_expect(p->c, "port") ||
	    !rd_port(p, true, &l->port, &l->port_max))
		return;
	if (conf_accept(p->c, "interface"))
		l->ifname = rd_name(p, "interface", RD_IFNAME_MAX);
	/* Tables without a port of their own use the first listen port. */
	if (r->listens == NULL)
		p->tableport = l->port;
	for (pp = &r->listens; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = l;
}

static void
redirect_table(struct rd_parser *p, struct rd_redirect *r, bool route)
{
	struct rd_table_use *u;

	if (!conf_expect(p->c, "to") ||
	    (u = rd_table_use(p, RD_IN_REDIRECT)) == NULL ||
	    !rd_router_table_free(p, u->table, r->name))
		return;
	u->route = route;
	if (conf_accept(p->c, "interface"))
		u->ifname = rd_name(p, "interface", RD_IFNAME_MAX);
	if (conf_failed(p->c))
		return;
	if (!route && u->ifname != NULL) {
		conf_error(p->c, "superfluous interface");
		return;
	}
	if (route && u->ifname == NULL) {
		conf_error(p->c, "missing interface to route to");
		return;
	}
	if (u->opts.check.type == RD_CHECK_NONE) {
		conf_error(p->c, "table %s has no check", u->table->name);
		return;
	}
	if (r->backup != NULL) {
		conf_error(p->c, "only one backup table is allowed");
		return;
	}
	if (r->table == NULL) {
		r->table = u;
		return;
	}
	if (u->opts.mode != r->table->opts.mode) {
		conf_error(p->c, "backup table for %s with different mode",
		    r->name);
		return;
	}
	r->backup = u;
}

static void
redirect_option(struct rd_parser *p, struct rd_redirect *r)
{
	bool match;

	if (conf_accept(p->c, "listen"))
		redirect_listen(p, r);
	else if (conf_accept(p->c, "forward"))
		redirect_table(p, r, false);
	else if (conf_accept(p->c, "route"))
		redirect_table(p, r, true);
	else if (conf_accept(p->c, "transparent"))
		conf_error(p->c, "no transparent forward here");
	else if ((match = conf_accept(p->c, "match")) ||
	    conf_is(p->c, "pftag")) {
		if (conf_expect(p->c, "pftag")) {
			r->tag = rd_name(p, "pftag", RD_TAG_MAX);
			r->match_tag = match;
		}
	} else if (conf_accept(p->c, "sticky-address"))
		r->sticky = true;
	else if (conf_accept(p->c, "session")) {
		if (conf_expect(p->c, "timeout"))
			(void)conf_number(p->c, "session timeout", 0,
			    RD_SESSION_TIMEOUT_MAX, &r->session_timeout);
	} else if (conf_accept(p->c, "disable"))
		r->disable = true;
	else if (conf_accept(p->c, "include")) {
		conf_include(p->c);
		return;
	} else {
		conf_error(p->c, "unknown redirect option %s",
		    conf_describe(p->c, conf_peek(p->c)));
		return;
	}
	(void)conf_eol(p->c);
}

static void
redirect(struct rd_parser *p)
{
	struct rd_redirect *r = arena_alloc(p->a, sizeof(*r)), **pp;

	r->line = conf_peek(p->c)->line;
	if ((r->name = rd_name(p, "redirection name", RD_NAME_MAX)) == NULL)
		return;
	for (pp = &p->rc->redirects; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->name, r->name) == 0) {
			conf_error(p->c, "redirection %s defined twice",
			    r->name);
			return;
		}
	r->session_timeout = RD_SESSION_TIMEOUT_DEFAULT;
	p->tableport = 0;
	if (!conf_block_open(p->c))
		return;
	while (conf_block_next(p->c))
		redirect_option(p, r);
	if (conf_failed(p->c))
		return;
	if (r->table == NULL)
		conf_error(p->c, "redirection %s has no table", r->name);
	else if (r->listens == NULL)
		conf_error(p->c, "redirection %s has no virtual ip", r->name);
	else if (r->backup != NULL &&
	    r->backup->port != r->table->port)
		conf_error(p->c, "redirection %s uses two different ports "
		    "for its table and backup table", r->name);
	*pp = r;
}

/* The top level */

static void
protocol_statement(struct rd_parser *p)
{
	enum rd_proto_type type = RD_PROTO_TCP;

	if (conf_accept(p->c, "tcp"))
		type = RD_PROTO_TCP;
	else if (conf_accept(p->c, "http"))
		type = RD_PROTO_HTTP;
	else if (conf_accept(p->c, "dns"))
		type = RD_PROTO_DNS;
	if (conf_expect(p->c, "protocol"))
		rd_protocol(p, type);
}

static void
statement(struct rd_parser *p)
{
	const struct conf_token *t = conf_peek(p->c);

	if (conf_macro_statement(p->c))
		return;
	if (conf_accept(p->c, "include")) {
		conf_include(p->c);
		return;
	}
	if (global_option(p))
		;
	else if (conf_accept(p->c, "table"))
		table_definition(p);
	else if (conf_accept(p->c, "redirect"))
		redirect(p);
	else if (conf_accept(p->c, "relay"))
		rd_relay(p);
	else if (conf_accept(p->c, "router"))
		rd_router(p);
	else if (conf_is(p->c, "protocol") || conf_is(p->c, "tcp") ||
	    conf_is(p->c, "http") || (conf_is(p->c, "dns") &&
	    conf_peek2(p->c)->kind == CT_WORD &&
	    strcmp(conf_peek2(p->c)->text, "protocol") == 0))
		protocol_statement(p);
	else {
		conf_error(p->c, "unknown directive %s", conf_describe(p->c, t));
		return;
	}
	(void)conf_eol(p->c);
}

static void *
read_conf(struct conf *c)
{
	struct rd_parser p;
	struct relayd_conf *rc = arena_alloc(conf_arena(c), sizeof(*rc));

	memset(&p, 0, sizeof(p));
	p.c = c;
	p.a = conf_arena(c);
	p.rc = rc;
	rc->interval = RD_INTERVAL_DEFAULT;
	rc->timeout = RD_TIMEOUT_DEFAULT;
	rc->prefork = RD_PREFORK_DEFAULT;
	rc->socket = arena_strdup(p.a, "/var/run/relayd.sock");
	while (!conf_failed(c) && conf_peek(c)->kind != CT_EOF) {
		if (conf_peek(c)->kind == CT_NL) {
			conf_next(c);
			continue;
		}
		statement(&p);
	}
	if (conf_failed(c) || !rd_check_all(&p))
		return NULL;
	return rc;
}

const struct grammar relayd_grammar = {
	"relayd.conf", relayd_conf_keywords, read_conf, rd_dump
};
