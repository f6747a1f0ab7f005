/*
 * relayd_conf_relay: relay blocks and protocol blocks -- listeners,
 * forward targets, and the tcp, tls and http options of a protocol.
 * Filter rules are in relayd_conf_rule.c.
 */
#include <limits.h>
#include <string.h>

#include "conf/relayd_conf_int.h"
#include "conf/tls_params.h"

/* Relays */

static void
relay_listen(struct rd_parser *p, struct rd_relay *r)
{
	struct rd_listen *l = arena_alloc(p->a, sizeof(*l)), **pp;
	uint16_t unused;

	l->line = conf_peek(p->c)->line;
	if (!conf_expect(p->c, "on") ||
	    !rd_address(p, false, &l->addr, &l->name) ||
	    !conf_expect(p->c, "port") || !rd_port(p, false, &l->port, &unused))
		return;
	l->tls = conf_accept(p->c, "tls");
	/* Tables without a port of their own use the last listen port. */
	p->tableport = l->port;
	for (pp = &r->listens; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = l;
}

/* [inet | inet6 prefix]: how to map the destination address family. */
static void
forward_af(struct rd_parser *p, struct rd_forward *f)
{
	struct addr a;

	if (conf_accept(p->c, "inet"))
		f->af = 4;
	else if (conf_accept(p->c, "inet6")) {
		if (!rd_address(p, false, &a, &f->inet6_prefix))
			return;
		if (a.kind != ADDR_INET6) {
			conf_error(p->c, "invalid ipv6 address %s",
			    f->inet6_prefix);
			return;
		}
		f->af = 6;
	}
}

static void
forward_retry(struct rd_parser *p, struct rd_forward *f)
{
	if (conf_accept(p->c, "retry"))
		(void)conf_number(p->c, "retry", 0, INT_MAX, &f->retry);
}

static void
forward_target(struct rd_parser *p, struct rd_relay *r, struct rd_forward *f)
{
	struct rd_forward *o;
	uint16_t unused;

	if (conf_accept(p->c, "destination")) {
		f->kind = RD_FWD_DESTINATION;
		forward_retry(p, f);
	} else if (conf_accept(p->c, "nat")) {
		if (!conf_expect(p->c, "lookup"))
			return;
		f->kind = RD_FWD_NATLOOKUP;
		forward_retry(p, f);
	} else if (conf_is_punct(p->c, '<')) {
		f->kind = RD_FWD_TABLE;
		(void)rd_table_use_into(p, RD_IN_RELAY, &f->use);
	} else {
		f->kind = RD_FWD_ADDRESS;
		for (o = r->forwards; o != NULL; o = o->next)
			if (o->kind == RD_FWD_ADDRESS) {
				conf_error(p->c, "relay %s target or "
				    "redirection already specified", r->name);
				return;
			}
		if (!rd_address(p, false, &f->addr, &f->name) ||
		    !conf_expect(p->c, "port") ||
		    !rd_port(p, false, &f->port, &unused))
			return;
		forward_retry(p, f);
	}
}

/* proxy-protocol [v1 | v2]: a PROXY header first to every host. */
static void
forward_proxy(struct rd_parser *p, struct rd_forward *f)
{
	if (!conf_accept(p->c, "proxy-protocol"))
		return;
	f->proxy = 1;
	if (conf_accept(p->c, "v2"))
		f->proxy = 2;
	else
		(void)conf_accept(p->c, "v1");
}

static void
relay_forward(struct rd_parser *p, struct rd_relay *r, bool transparent)
{
	struct rd_forward *f = arena_alloc(p->a, sizeof(*f)), **pp;

	f->transparent = transparent;
	if (conf_accept(p->c, "with")) {
		if (!conf_expect(p->c, "tls"))
			return;
		f->tls = true;
	}
	if (!conf_expect(p->c, "to"))
		return;
	forward_target(p, r, f);
	forward_af(p, f);
	forward_proxy(p, f);
	if (conf_failed(p->c))
		return;
	for (pp = &r->forwards; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = f;
}

static struct rd_protocol *
protocol_find(const struct relayd_conf *rc, const char *name)
{
	struct rd_protocol *pr;

	for (pr = rc->protocols; pr != NULL; pr = pr->next)
		if (strcmp(pr->name, name) == 0)
			return pr;
	return NULL;
}

static void
relay_option(struct rd_parser *p, struct rd_relay *r)
{
	char *name;

	if (conf_accept(p->c, "listen"))
		relay_listen(p, r);
	else if (conf_accept(p->c, "forward"))
		relay_forward(p, r, false);
	else if (conf_accept(p->c, "transparent")) {
		if (conf_expect(p->c, "forward"))
			relay_forward(p, r, true);
	} else if (conf_accept(p->c, "route"))
		conf_error(p->c, "no route for relays");
	else if (conf_accept(p->c, "session")) {
		if (conf_expect(p->c, "timeout"))
			(void)conf_number(p->c, "session timeout", 0,
			    RD_SESSION_TIMEOUT_MAX, &r->session_timeout);
	} else if (conf_accept(p->c, "protocol")) {
		/* As relayd: the protocol must be defined before the relay. */
		if ((name = rd_name(p, "protocol name", RD_NAME_MAX)) == NULL)
			return;
		if ((r->protocol = protocol_find(p->rc, name)) == NULL) {
			conf_error(p->c, "no such protocol: %s", name);
			return;
		}
		r->protocol->used = true;
	} else if (conf_accept(p->c, "disable"))
		r->disable = true;
	else if (conf_accept(p->c, "include")) {
		conf_include(p->c);
		return;
	} else {
		conf_error(p->c, "unknown relay option %s",
		    conf_describe(p->c, conf_peek(p->c)));
		return;
	}
	(void)conf_eol(p->c);
}

/* What relayd checks when the relay's block closes. */
static void
relay_complete(struct rd_parser *p, struct rd_relay *r)
{
	const struct rd_forward *f;
	bool natlook = false, divert = false, target = false;

	for (f = r->forwards; f != NULL; f = f->next) {
		natlook |= f->kind == RD_FWD_NATLOOKUP;
		divert |= f->kind == RD_FWD_DESTINATION;
		target |= f->kind == RD_FWD_ADDRESS || f->kind == RD_FWD_TABLE;
	}
	if (r->listens == NULL)
		conf_error(p->c, "relay %s has no listener", r->name);
	else if (natlook && divert)
		conf_error(p->c, "relay %s with conflicting nat lookup and "
		    "peer options", r->name);
	else if (!natlook && !divert && !target)
		conf_error(p->c, "relay %s has no target, rdr, or table",
		    r->name);
}

void
rd_relay(struct rd_parser *p)
{
	struct rd_relay *r = arena_alloc(p->a, sizeof(*r)), **pp;

	r->line = conf_peek(p->c)->line;
	if ((r->name = rd_name(p, "relay name", RD_NAME_MAX)) == NULL)
		return;
	for (pp = &p->rc->relays; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->name, r->name) == 0) {
			conf_error(p->c, "relay %s defined twice", r->name);
			return;
		}
	r->session_timeout = RD_SESSION_TIMEOUT_DEFAULT;
	p->tableport = 0;
	if (!conf_block_open(p->c))
		return;
	while (conf_block_next(p->c))
		relay_option(p, r);
	if (conf_failed(p->c))
		return;
	relay_complete(p, r);
	*pp = r;
}

/* Protocols: tcp options */

static bool
tcp_flag(struct rd_parser *p, struct rd_protocol *pr)
{
	bool no = conf_accept(p->c, "no");
	const char *what;

	if (conf_accept(p->c, "nodelay"))
		pr->tcp.nodelay = !no;
	else if (conf_accept(p->c, "sack")) {
		conf_warn(p->c, "tcp %ssack: Linux sets SACK for the whole "
		    "system, not per socket; ignored", no ? "no " : "");
		pr->tcp.sack = !no;
	} else if (conf_accept(p->c, "splice"))
		pr->tcp.splice = !no;
	else if (no) {
		conf_error(p->c, "invalid tcp option no %s",
		    conf_describe(p->c, conf_peek(p->c)));
		return false;
	} else if (conf_accept(p->c, "backlog"))
		return conf_number(p->c, "backlog", 0, RD_BACKLOG_MAX,
		    &pr->tcp.backlog);
	else if (conf_accept(p->c, "socket")) {
		return conf_expect(p->c, "buffer") && conf_number(p->c,
		    "socket buffer", 0, INT_MAX, &pr->tcp.socket_buffer);
	} else if (conf_accept(p->c, "ip")) {
		what = conf_peek(p->c)->text;
		if (conf_accept(p->c, "ttl"))
			return conf_number(p->c, "ttl", 0, 255, &pr->tcp.ip_ttl);
		if (conf_accept(p->c, "minttl"))
			return conf_number(p->c, "minttl", 0, 255,
			    &pr->tcp.ip_minttl);
		conf_error(p->c, "invalid TCP/IP flag: %s", what);
		return false;
	} else {
		conf_error(p->c, "invalid tcp option %s",
		    conf_describe(p->c, conf_peek(p->c)));
		return false;
	}
	return true;
}

/* Protocols: tls options */

/* Curves BearSSL offers; "default" leaves the choice to the library. */
static bool
valid_curves(const char *list)
{
	static const char *const known[] = { "default", "x25519", "X25519",
	    "prime256v1", "secp256r1", "P-256", "secp384r1", "P-384",
	    "secp521r1", "P-521", NULL };
	const char *s = list, *end;
	size_t i, n;

	for (;;) {
		end = strchr(s, ',');
		n = end != NULL ? (size_t)(end - s) : strlen(s);
		for (i = 0; known[i] != NULL; i++)
			if (strlen(known[i]) == n && strncmp(known[i], s, n) == 0)
				break;
		if (known[i] == NULL)
			return false;
		if (end == NULL)
			return true;
		s = end + 1;
	}
}

static struct rd_keypair *
keypair_get(struct rd_parser *p, struct rd_protocol *pr, const char *name)
{
	struct rd_keypair *k, **pp;

	for (pp = &pr->keypairs; (k = *pp) != NULL; pp = &k->next)
		if (strcmp(k->name, name) == 0)
			return k;
	k = arena_alloc(p->a, sizeof(*k));
	k->name = arena_strdup(p->a, name);
	*pp = k;
	return k;
}

/* tls keypair name [key file | cert file] */
static void
tls_keypair(struct rd_parser *p, struct rd_protocol *pr)
{
	struct rd_keypair *k;
	char *name;

	if ((name = rd_name(p, "keypair name", RD_NAME_MAX)) == NULL)
		return;
	k = keypair_get(p, pr, name);
	if (conf_accept(p->c, "key"))
		k->key_file = conf_string(p->c, "a key file");
	else if (conf_accept(p->c, "cert"))
		k->cert_file = conf_string(p->c, "a certificate file");
}

static void
tls_ca(struct rd_parser *p, struct rd_protocol *pr)
{
	if (conf_accept(p->c, "file"))
		pr->ca_file = conf_string(p->c, "a CA file");
	else if (conf_accept(p->c, "cert"))
		pr->ca_cert = conf_string(p->c, "a CA certificate");
	else if (conf_expect(p->c, "key")) {
		if ((pr->ca_key = conf_string(p->c, "a CA key")) != NULL &&
		    conf_expect(p->c, "password"))
			pr->ca_password = conf_string(p->c, "a password");
	}
}

/* Checked now against what BearSSL has, as httpd.conf's are. */
static void
tls_ciphers(struct rd_parser *p, struct rd_protocol *pr)
{
	struct tls_params tp;
	char err[512];

	if ((pr->ciphers = conf_string(p->c, "a cipher list")) == NULL)
		return;
	if (!tls_params_ciphers(&tp, pr->ciphers, err, sizeof(err)))
		conf_error(p->c, "tls ciphers: %s", err);
}

static void
tls_edh(struct rd_parser *p, struct rd_protocol *pr)
{
	conf_warn(p->c, "tls edh: BearSSL has no DHE key exchange; ignored");
	pr->edh = arena_strdup(p->a, "auto");
	if (!conf_accept(p->c, "params"))
		return;
	if ((pr->edh = conf_string(p->c, "edh params")) == NULL)
		return;
	if (strcmp(pr->edh, "none") != 0 && strcmp(pr->edh, "auto") != 0 &&
	    strcmp(pr->edh, "legacy") != 0)
		conf_error(p->c, "tls edh params %s: expected none, auto or "
		    "legacy", pr->edh);
}

/* The flags "[no] word" of relayd's TLSFLAG_*. */
static void
tls_version_flag(struct rd_parser *p, struct rd_protocol *pr, bool no)
{
	const struct conf_token *t = conf_peek(p->c);
	unsigned proto = 0;
	int flag = 0;

	if (t->kind != CT_WORD) {
		conf_error(p->c, "invalid TLS flag: %s", conf_describe(p->c, t));
		return;
	}
	if (strcmp(t->text, "sslv3") == 0 || strcmp(t->text, "tlsv1.0") == 0 ||
	    strcmp(t->text, "tlsv1.1") == 0)
		conf_warn(p->c, "tls %s is obsolete; ignored", t->text);
	else if (strcmp(t->text, "tlsv1") == 0)
		proto = TLS_PROTO_V1_2 | TLS_PROTO_V1_3;
	else if (strcmp(t->text, "tlsv1.2") == 0)
		proto = TLS_PROTO_V1_2;
	else if (strcmp(t->text, "tlsv1.3") == 0)
		proto = TLS_PROTO_V1_3;
	else if (strcmp(t->text, "cipher-server-preference") == 0)
		flag = RD_TLS_CIPHER_SERVER_PREF;
	else if (strcmp(t->text, "client-renegotiation") == 0)
		flag = RD_TLS_CLIENT_RENEG;
	else {
		conf_error(p->c, "invalid TLS flag: %s", t->text);
		return;
	}
	if (!no && proto == TLS_PROTO_V1_3)
		conf_warn(p->c, "tls tlsv1.3: BearSSL has no TLS 1.3; only "
		    "TLS 1.2 is offered");
	if (!no && flag == RD_TLS_CLIENT_RENEG)
		conf_warn(p->c, "tls client-renegotiation: BearSSL does not "
		    "offer it; ignored");
	conf_next(p->c);
	if (no) {
		pr->tls_flags &= ~flag;
		pr->tls_protocols &= ~proto;
	} else {
		pr->tls_flags |= flag;
		pr->tls_protocols |= proto;
	}
}

static bool
tls_flag(struct rd_parser *p, struct rd_protocol *pr)
{
	bool no = conf_accept(p->c, "no");

	if (conf_accept(p->c, "session")) {
		if (!conf_expect(p->c, "tickets"))
			return false;
		if (!no)
			conf_warn(p->c, "tls session tickets: not supported "
			    "with BearSSL; ignored");
		pr->session_tickets = !no;
	} else if (conf_accept(p->c, "edh")) {
		if (no)
			pr->edh = arena_strdup(p->a, "none");
		else
			tls_edh(p, pr);
	} else if (no)
		tls_version_flag(p, pr, true);
	else if (conf_accept(p->c, "ciphers"))
		tls_ciphers(p, pr);
	else if (conf_accept(p->c, "ecdhe")) {
		if ((pr->ecdhe = conf_string(p->c, "a curve list")) != NULL &&
		    !valid_curves(pr->ecdhe))
			conf_error(p->c, "tls ecdhe %s: unknown curve",
			    pr->ecdhe);
	} else if (conf_accept(p->c, "ca"))
		tls_ca(p, pr);
	else if (conf_accept(p->c, "keypair"))
		tls_keypair(p, pr);
	else
		tls_version_flag(p, pr, false);
	return !conf_failed(p->c);
}

/* Protocols: http options */

static bool
http_flag(struct rd_parser *p, struct rd_protocol *pr)
{
	bool no = conf_accept(p->c, "no");

	if (conf_accept(p->c, "websockets"))
		pr->websockets = !no;
	else if (!no && conf_accept(p->c, "headerlen"))
		return conf_number(p->c, "headerlen", 0, RD_HEADERLEN_MAX,
		    &pr->headerlen);
	else {
		conf_error(p->c, "invalid http option %s",
		    conf_describe(p->c, conf_peek(p->c)));
		return false;
	}
	return true;
}

/* "tcp flag" or "tcp { flag, flag }", the same for tls and http. */
static void
flag_list(struct rd_parser *p, struct rd_protocol *pr,
    bool (*one)(struct rd_parser *, struct rd_protocol *))
{
	if (!conf_is_punct(p->c, '{')) {
		(void)one(p, pr);
		return;
	}
	if (!conf_block_open(p->c))
		return;
	while (conf_block_next(p->c))
		if (!one(p, pr))
			return;
}

static void
return_error(struct rd_parser *p, struct rd_protocol *pr)
{
	if (!conf_expect(p->c, "error"))
		return;
	pr->return_error = true;
	if (conf_accept(p->c, "style"))
		pr->style = conf_string(p->c, "a style");
	else if (conf_is_punct(p->c, '{') && conf_block_open(p->c)) {
		while (conf_block_next(p->c))
			if (conf_expect(p->c, "style"))
				pr->style = conf_string(p->c, "a style");
	}
}

static void
protocol_option(struct rd_parser *p, struct rd_protocol *pr)
{
	if (conf_accept(p->c, "tcp"))
		flag_list(p, pr, tcp_flag);
	else if (conf_accept(p->c, "tls"))
		flag_list(p, pr, tls_flag);
	else if (conf_accept(p->c, "http")) {
		if (pr->type != RD_PROTO_HTTP) {
			conf_error(p->c, "can set http options only for http "
			    "protocol");
			return;
		}
		flag_list(p, pr, http_flag);
	} else if (conf_accept(p->c, "return"))
		return_error(p, pr);
	else if (rd_rule_start(p))
		rd_rule(p, pr);
	else if (conf_accept(p->c, "include")) {
		conf_include(p->c);
		return;
	} else {
		conf_error(p->c, "unknown protocol option %s",
		    conf_describe(p->c, conf_peek(p->c)));
		return;
	}
	(void)conf_eol(p->c);
}

void
rd_protocol(struct rd_parser *p, enum rd_proto_type type)
{
	struct rd_protocol *pr = arena_alloc(p->a, sizeof(*pr)), **pp;

	pr->line = conf_peek(p->c)->line;
	if ((pr->name = rd_name(p, "protocol name", RD_NAME_MAX)) == NULL)
		return;
	for (pp = &p->rc->protocols; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->name, pr->name) == 0) {
			conf_error(p->c, "protocol %s defined twice",
			    pr->name);
			return;
		}
	pr->type = type;
	sockopts_init(&pr->tcp, RD_BACKLOG_DEFAULT);
	pr->session_tickets = pr->websockets = -1;
	pr->headerlen = RD_HEADERLEN_DEFAULT;
	pr->tls_flags = RD_TLS_DEFAULT;
	pr->tls_protocols = TLS_PROTO_DEFAULT;
	/* The block is optional: "protocol name" alone is the defaults. */
	if (conf_is_punct(p->c, '{') && conf_block_open(p->c)) {
		while (conf_block_next(p->c))
			protocol_option(p, pr);
	}
	if (conf_failed(p->c))
		return;
	if ((pr->tls_protocols & (TLS_PROTO_V1_2 | TLS_PROTO_V1_3)) == 0) {
		conf_error(p->c, "invalid TLS protocol");
		return;
	}
	*pp = pr;
}
