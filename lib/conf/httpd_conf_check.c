/*
 * httpd_conf_check: defaults of servers and locations, what a location
 * inherits from its server, and the checks OpenBSD makes when a server
 * or location block closes.  Messages are reported at the closing '}'.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf/httpd_conf_impl.h"

static void
httpd_fastcgi_defaults(struct httpd_fastcgi *f)
{
	memset(f, 0, sizeof(*f));
	f->socket = "/run/slowcgi.sock";
}

/* A location starts empty; what it does not set comes from its server. */
void
httpd_location_defaults(struct httpd_server *l)
{
	httpd_fastcgi_defaults(&l->fastcgi);
}

/* A new server takes the global banner and errdocs as they are now. */
void
httpd_server_defaults(const struct httpd_conf *conf, struct httpd_server *s)
{
	s->root = "/htdocs";
	s->index = "index.html";
	s->block = HTTPD_PASS;
	httpd_fastcgi_defaults(&s->fastcgi);
	s->log.enabled = true;
	s->log.access = "access.log";
	s->log.error = "error.log";
	s->log.style = HTTPD_LOG_COMMON;
	s->connection.max_request_body = HTTPD_MAX_BODY_DEFAULT;
	s->connection.max_requests = HTTPD_MAX_REQUESTS_DEFAULT;
	s->connection.request_timeout = HTTPD_REQUEST_TIMEOUT_DEFAULT;
	s->connection.timeout = HTTPD_TIMEOUT_DEFAULT;
	sockopts_init(&s->tcp, HTTPD_BACKLOG_DEFAULT);
	s->tls.certificate = "/etc/ssl/server.crt";
	s->tls.key = "/etc/ssl/private/server.key";
	s->tls.ciphers = "HIGH:!aNULL";
	s->tls.dhe = "none";
	s->tls.ecdhe = "default";
	s->tls.protocols = TLS_PROTO_DEFAULT;
	s->hsts.max_age = HTTPD_HSTS_MAX_AGE_DEFAULT;
	s->no_banner = conf->no_banner;
	s->errdocs = conf->errdocs;
}

bool
httpd_server_has_tls(const struct httpd_server *s)
{
	const struct httpd_listen *l;

	for (l = s->listens; l != NULL; l = l->next)
		if (l->tls)
			return true;
	return false;
}

bool
httpd_fastcgi_on_unix(const struct httpd_conf *conf)
{
	const struct httpd_server *s, *loc;

	for (s = conf->servers; s != NULL; s = s->next)
		for (loc = s; loc != NULL; loc = loc == s ? s->locations :
		    loc->next)
			if (loc->fastcgi.enabled && !loc->fastcgi.tcp)
				return true;
	return false;
}

static bool
httpd_addr_equal(const struct addr *a, const struct addr *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == ADDR_NAME)
		return strcmp(a->name, b->name) == 0;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

static bool
same_socket(const struct httpd_listen *a, const struct httpd_listen *b)
{
	return a->port == b->port && httpd_addr_equal(&a->addr, &b->addr);
}

/* OpenBSD's server_tls_cmp: what one TLS socket cannot vary by name. */
static bool
same_tls_socket_options(const struct httpd_tls *a, const struct httpd_tls *b)
{
	return a->protocols == b->protocols &&
	    a->ticket_lifetime == b->ticket_lifetime &&
	    (a->client_ca != NULL) == (b->client_ca != NULL) &&
	    (a->client_crl != NULL) == (b->client_crl != NULL) &&
	    a->client_optional == b->client_optional &&
	    strcmp(a->ciphers, b->ciphers) == 0 &&
	    strcmp(a->dhe, b->dhe) == 0 && strcmp(a->ecdhe, b->ecdhe) == 0;
}

static bool
name_on(const struct httpd_server *s, const char *name)
{
	const struct httpd_name *a;

	if (strcmp(s->name, name) == 0)
		return true;
	for (a = s->aliases; a != NULL; a = a->next)
		if (strcmp(a->name, name) == 0)
			return true;
	return false;
}

static bool
listens_on(const struct httpd_server *o, const struct httpd_listen *l,
    const struct httpd_listen *stop)
{
	const struct httpd_listen *ol;

	for (ol = o->listens; ol != NULL && ol != stop; ol = ol->next)
		if (same_socket(ol, l))
			return true;
	return false;
}

/* A name of s that o serves too, or NULL. */
static const char *
shared_name(const struct httpd_server *o, const struct httpd_server *s)
{
	const struct httpd_name *a;

	if (name_on(o, s->name))
		return s->name;
	for (a = s->aliases; a != NULL; a = a->next)
		if (name_on(o, a->name))
			return a->name;
	return NULL;
}

/*
 * A name may be served once per address and port: OpenBSD expands every
 * (name or alias, listener) pair into a server and rejects repeats.
 */
static bool
check_names(struct httpd_parser *p, const struct httpd_server *s)
{
	const struct httpd_name *a, *b;
	const struct httpd_listen *l;
	const struct httpd_server *o;
	const char *dup = NULL;

	for (a = s->aliases; a != NULL && dup == NULL; a = a->next) {
		if (strcmp(a->name, s->name) == 0)
			dup = a->name;
		for (b = a->next; b != NULL && dup == NULL; b = b->next)
			if (strcmp(a->name, b->name) == 0)
				dup = a->name;
	}
	for (l = s->listens; l != NULL && dup == NULL; l = l->next)
		if (listens_on(s, l, l))
			dup = s->name;
	for (o = p->conf->servers; o != NULL && dup == NULL; o = o->next)
		for (l = s->listens; l != NULL && dup == NULL; l = l->next)
			if (listens_on(o, l, NULL))
				dup = shared_name(o, s);
	if (dup != NULL) {
		conf_error(p->c, "server \"%s\" defined twice", dup);
		return false;
	}
	return true;
}

/* One socket speaks TLS or not, with one set of TLS socket options. */
static bool
check_tls_socket(struct httpd_parser *p, const struct httpd_server *s,
    const struct httpd_server *o, const struct httpd_listen *l)
{
	const struct httpd_listen *ol;

	for (ol = o->listens; ol != NULL && ol != l; ol = ol->next) {
		if (!same_socket(ol, l))
			continue;
		if (ol->tls != l->tls) {
			conf_error(p->c, "server \"%s\": tls and non-tls on "
			    "same address/port", s->name);
			return false;
		}
		if (l->tls && o != s &&
		    !same_tls_socket_options(&o->tls, &s->tls)) {
			conf_error(p->c, "server \"%s\": tls configuration "
			    "mismatch on same address/port", s->name);
			return false;
		}
	}
	return true;
}

/*
 * Servers on one TLS socket each check client certificates against their
 * own authorities, chosen by the SNI name.  What stays shared is worth a
 * warning: a client that names no server (or an unknown one) is checked
 * against the default server's, and a Host that names a server other
 * than the SNI name is refused.
 */
static void
warn_shared_client_ca(struct httpd_parser *p, const struct httpd_server *s)
{
	const struct httpd_server *o;
	const struct httpd_listen *l;

	for (o = p->conf->servers; o != NULL; o = o->next) {
		if (o == s || (s->tls.client_ca == NULL &&
		    o->tls.client_ca == NULL))
			continue;
		for (l = s->listens; l != NULL; l = l->next)
			if (l->tls && listens_on(o, l, NULL))
				break;
		if (l != NULL)
			conf_warn(p->c, "server \"%s\" shares its tls address "
			    "and port with server \"%s\" and client "
			    "certificates: a client that sends no SNI name is "
			    "checked against the default server's client ca, "
			    "and a request whose Host is not the SNI name's "
			    "server gets 421", s->name, o->name);
	}
}

bool
httpd_check_server(struct httpd_parser *p, struct httpd_server *s)
{
	const struct httpd_server *o;
	const struct httpd_listen *l;

	if (s->listens == NULL) {
		conf_error(p->c, "server \"%s\": listen address not specified",
		    s->name);
		return false;
	}
	if (!check_names(p, s))
		return false;
	for (l = s->listens; l != NULL; l = l->next) {
		for (o = p->conf->servers; o != NULL; o = o->next)
			if (!check_tls_socket(p, s, o, l))
				return false;
		if (!check_tls_socket(p, s, s, l))
			return false;
	}
	if (httpd_server_has_tls(s) && s->tls.protocols == 0) {
		conf_error(p->c, "server \"%s\": no tls protocols", s->name);
		return false;
	}
	warn_shared_client_ca(p, s);
	return true;
}

/* Two locations with the same path and found condition never differ. */
bool
httpd_check_location(struct httpd_parser *p, const struct httpd_server *s,
    const struct httpd_server *l)
{
	const struct httpd_server *o;

	for (o = s->locations; o != NULL; o = o->next)
		if (o->found == l->found && strcmp(o->path, l->path) == 0) {
			conf_error(p->c, "location \"%s\" defined twice",
			    l->path);
			return false;
		}
	return true;
}

/* Options of one location: each group not set is taken from s. */
static void
inherit_location(struct httpd_server *l, const struct httpd_server *s)
{
	unsigned set = l->set;

	if (!(set & HTTPD_SET_ROOT))
		l->root = s->root;
	if (!(set & HTTPD_SET_REWRITE))
		l->rewrite = s->rewrite;
	if (!(set & HTTPD_SET_STRIP))
		l->strip = s->strip;
	if (!(set & HTTPD_SET_BLOCK)) {
		l->block = s->block;
		l->return_code = s->return_code;
		l->return_uri = s->return_uri;
	}
	if (!(set & HTTPD_SET_AUTH))
		l->auth = s->auth;
	if (!(set & HTTPD_SET_AUTO_INDEX))
		l->auto_index = s->auto_index;
	if (!(set & HTTPD_SET_INDEX))
		l->index = s->index;
	if (!(set & HTTPD_SET_FASTCGI))
		l->fastcgi = s->fastcgi;
	if (!(set & HTTPD_SET_LOG)) {
		l->log.enabled = s->log.enabled;
		l->log.style = s->log.style;
	}
	if (!(set & HTTPD_SET_LOG_ACCESS))
		l->log.access = s->log.access;
	if (!(set & HTTPD_SET_LOG_ERROR))
		l->log.error = s->log.error;
	if (!(set & HTTPD_SET_SYSLOG))
		l->log.syslog = s->log.syslog;
	if (!(set & HTTPD_SET_HEADERS))
		l->headers = s->headers;
	if (!(set & HTTPD_SET_GZIP))
		l->gzip_static = s->gzip_static;
	if (!(set & HTTPD_SET_DEFAULT_TYPE))
		l->default_type = s->default_type;
	/* Not allowed in a location: always the server's. */
	l->connection = s->connection;
	l->tcp = s->tcp;
	l->tls = s->tls;
	l->hsts = s->hsts;
	l->no_banner = s->no_banner;
	l->errdocs = s->errdocs;
}

void
httpd_inherit(struct httpd_server *s)
{
	struct httpd_server *l;

	for (l = s->locations; l != NULL; l = l->next)
		inherit_location(l, s);
}

/* Built in when the file has no types section (OpenBSD's MEDIA_TYPES). */
static void
default_types(struct httpd_parser *p)
{
	static const char *const builtin[][3] = {
		{ "css", "text", "css" }, { "html", "text", "html" },
		{ "txt", "text", "plain" }, { "gif", "image", "gif" },
		{ "png", "image", "png" }, { "jpeg", "image", "jpeg" },
		{ "jpg", "image", "jpeg" }, { "svg", "image", "svg+xml" },
		{ "js", "application", "javascript" }
	};
	struct httpd_type **tail = &p->conf->types;
	size_t i;

	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		*tail = arena_alloc(conf_arena(p->c), sizeof(**tail));
		(*tail)->ext = builtin[i][0];
		(*tail)->media.type = builtin[i][1];
		(*tail)->media.subtype = builtin[i][2];
		tail = &(*tail)->next;
	}
}

/* After the whole file: the global default type reaches every server. */
void
httpd_finish(struct httpd_parser *p)
{
	struct httpd_server *s, *l;

	if (p->conf->servers == NULL) {
		conf_error(p->c, "no server defined: nothing to do");
		return;
	}
	for (s = p->conf->servers; s != NULL; s = s->next) {
		if (!(s->set & HTTPD_SET_DEFAULT_TYPE))
			s->default_type = p->conf->default_type;
		for (l = s->locations; l != NULL; l = l->next)
			if (!(l->set & HTTPD_SET_DEFAULT_TYPE))
				l->default_type = s->default_type;
	}
	if (p->conf->types == NULL)
		default_types(p);
}

/* The status codes httpd knows a reason phrase for (RFC 9110 and kin). */
bool
httpd_return_code_known(long long code)
{
	static const short codes[] = {
		200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
		300, 301, 302, 303, 304, 305, 307, 308,
		400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411,
		412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425,
		426, 428, 429, 431, 451,
		500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i] == code)
			return true;
	return false;
}

static const struct {
	const char	*name;
	unsigned	 bits;
} protocol_names[] = {
	{ "tlsv1.0", TLS_PROTO_V1_0 },
	{ "tlsv1.1", TLS_PROTO_V1_1 },
	{ "tlsv1.2", TLS_PROTO_V1_2 },
	{ "tlsv1.3", TLS_PROTO_V1_3 },
	{ "tlsv1", TLS_PROTO_ALL },
	{ "all", TLS_PROTO_ALL },
	{ "legacy", TLS_PROTO_ALL },
	{ "secure", TLS_PROTO_DEFAULT },
	{ "default", TLS_PROTO_DEFAULT }
};

/*
 * tls_config_parse_protocols(3): names separated by ',' or ':', each
 * optionally negated with '!', case does not matter.
 */
bool
httpd_parse_protocols(const char *text, unsigned *out)
{
	char word[32];
	unsigned bits = 0;
	size_t len, i, n = sizeof(protocol_names) / sizeof(protocol_names[0]);
	bool negate;

	for (;;) {
		len = strcspn(text, ",:");
		negate = len > 0 && *text == '!';
		if (len - negate == 0 || len - negate >= sizeof(word))
			return false;
		memcpy(word, text + negate, len - negate);
		word[len - negate] = '\0';
		for (i = 0; i < n; i++)
			if (strcasecmp(word, protocol_names[i].name) == 0)
				break;
		if (i == n)
			return false;
		if (negate)
			bits &= ~protocol_names[i].bits;
		else
			bits |= protocol_names[i].bits;
		if (text[len] == '\0')
			break;
		text += len + 1;
	}
	*out = bits;
	return true;
}

/* The inverse, for the dump: "tlsv1.2,tlsv1.3". */
void
httpd_format_protocols(unsigned bits, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	/* The names tls_config_parse_protocols(3) documents for these. */
	if (bits == TLS_PROTO_DEFAULT || bits == TLS_PROTO_ALL) {
		(void)snprintf(buf, size, "%s",
		    bits == TLS_PROTO_ALL ? "all" : "default");
		return;
	}
	for (i = 0; i < 4; i++) {
		if (!(bits & protocol_names[i].bits))
			continue;
		(void)snprintf(buf + used, size - used, "%s%s",
		    used > 0 ? "," : "", protocol_names[i].name);
		used = strlen(buf);
	}
}
