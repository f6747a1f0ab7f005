/*
 * httpd_conf_opts: the options of server and location blocks.  Each
 * directive is one function, found through a sorted table; options that
 * take "{ a, b }" or a single "a" share option_list().  Options Linux or
 * BearSSL cannot honour are accepted with a warning, as the suite's
 * design promises that a configuration from OpenBSD runs unchanged.
 */
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "conf/httpd_conf_impl.h"
#include "conf/tls_params.h"

typedef void	 option_fn(struct httpd_parser *, struct httpd_server *);

/* Helpers */

/* A string argument of at most max bytes, checked before it is taken. */
char *
httpd_string(struct conf *c, const char *what, size_t max)
{
	const struct conf_token *t = conf_peek(c);

	if ((t->kind == CT_WORD || t->kind == CT_QUOTED) && t->len > max) {
		conf_error(c, "%s too long (at most %zu bytes)", what, max);
		return NULL;
	}
	/* OpenBSD's lexer makes a bare integer a number, never a string. */
	if (t->kind == CT_WORD && t->len > 0 &&
	    strspn(t->text + (*t->text == '-'), "0123456789") ==
	    t->len - (*t->text == '-')) {
		conf_error(c, "expected %s, found number %s (quote it)", what,
		    t->text);
		return NULL;
	}
	return conf_string(c, what);
}

/* The statement ends here: nothing more on the line. */
bool
httpd_at_end(struct conf *c)
{
	const struct conf_token *t = conf_peek(c);

	return t->kind == CT_NL || t->kind == CT_EOF ||
	    (t->kind == CT_PUNCT && (t->punct == '}' || t->punct == ','));
}

/* type/subtype: one word in our lexer, where OpenBSD's has three. */
bool
httpd_media(struct conf *c, struct httpd_media *m)
{
	const struct conf_token *t = conf_peek(c);
	const char *slash;
	size_t tlen, slen;

	if (t->kind != CT_WORD && t->kind != CT_QUOTED) {
		conf_error(c, "expected a media type, found %s",
		    conf_describe(c, t));
		return false;
	}
	slash = strchr(t->text, '/');
	tlen = slash != NULL ? (size_t)(slash - t->text) : 0;
	slen = slash != NULL ? strlen(slash + 1) : 0;
	if (slash == NULL || tlen == 0 || slen == 0 ||
	    strchr(slash + 1, '/') != NULL) {
		conf_error(c, "invalid media type '%.64s' (type/subtype)",
		    t->text);
		return false;
	}
	if (tlen > HTTPD_MEDIA_TYPE_MAX || slen > HTTPD_MEDIA_NAME_MAX) {
		conf_error(c, "media type too long");
		return false;
	}
	m->type = arena_strndup(conf_arena(c), t->text, tlen);
	m->subtype = arena_strdup(conf_arena(c), slash + 1);
	conf_next(c);
	return true;
}

/*
 * "keyword option" or "keyword { option, option ... }".  With optional,
 * the keyword alone is also complete (hsts, fastcgi).
 */
static void
option_list(struct httpd_parser *p, struct httpd_server *s, const char *what,
    option_fn *one, bool optional)
{
	struct conf *c = p->c;
	int n = 0;

	if (optional && httpd_at_end(c))
		return;
	if (!conf_is_punct(c, '{')) {
		one(p, s);
		return;
	}
	if (!conf_block_open(c))
		return;
	while (conf_block_next(c)) {
		one(p, s);
		(void)conf_eol(c);
		n++;
	}
	if (!conf_failed(c) && n == 0)
		conf_error(c, "empty %s block", what);
}

static void
unknown_option(struct conf *c, const char *what)
{
	conf_error(c, "expected a %s option, found %s", what,
	    conf_describe(c, conf_peek(c)));
}

static long long
number(struct conf *c, const char *what, long long min, long long max)
{
	long long v = 0;

	(void)conf_number(c, what, min, max, &v);
	return v;
}

/* listen on address [tls] port port */
static void
dir_listen(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	struct conf *c = p->c;
	struct httpd_listen *l, **tail;
	const char *text, *why = NULL;

	(void)no;
	if (!conf_expect(c, "on") ||
	    (text = httpd_string(c, "listen address", ADDR_NAME_MAX)) == NULL)
		return;
	l = arena_alloc(conf_arena(c), sizeof(*l));
	if (!addr_parse(text, false, &l->addr, &why)) {
		conf_error(c, "invalid listen address '%s': %s", text, why);
		return;
	}
	l->tls = conf_accept(c, "tls");
	if (!conf_expect(c, "port") || !conf_port(c, &l->port))
		return;
	for (tail = &s->listens; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = l;
}

/* alias [match] name */
static void
dir_alias(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	struct conf *c = p->c;
	struct httpd_name *a, **tail;

	(void)no;
	a = arena_alloc(conf_arena(c), sizeof(*a));
	a->match = conf_accept(c, "match");
	if ((a->name = httpd_string(c, "alias", HTTPD_NAME_MAX)) == NULL)
		return;
	if (*a->name == '\0') {
		conf_error(c, "empty alias");
		return;
	}
	for (tail = &s->aliases; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = a;
}

static void
dir_root(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	const char *dir;

	(void)no;
	if ((dir = httpd_string(p->c, "document root", HTTPD_PATH_MAX)) ==
	    NULL)
		return;
	s->root = dir;
	s->set |= HTTPD_SET_ROOT;
}

static void
dir_errdocs(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	if (no) {
		s->errdocs = NULL;
		return;
	}
	s->errdocs = httpd_string(p->c, "errdocs directory", HTTPD_PATH_MAX);
}

static void
dir_banner(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)p;
	s->no_banner = no;
}

static void
dir_gzip_static(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)p;
	s->gzip_static = !no;
	s->set |= HTTPD_SET_GZIP;
}

static void
dir_default_type(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)no;
	if (conf_expect(p->c, "type") && httpd_media(p->c, &s->default_type))
		s->set |= HTTPD_SET_DEFAULT_TYPE;
}

/* authenticate [realm] with htpasswd, or no authenticate */
static void
dir_authenticate(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	struct conf *c = p->c;
	struct httpd_auth auth = { .enabled = !no };

	if (!no) {
		if (!conf_is(c, "with") && (auth.realm = httpd_string(c,
		    "realm", HTTPD_REALM_MAX)) == NULL)
			return;
		if (!conf_expect(c, "with") || (auth.htpasswd = httpd_string(c,
		    "htpasswd file", HTTPD_PATH_MAX)) == NULL)
			return;
	}
	s->auth = auth;
	s->set |= HTTPD_SET_AUTH;
}

/* block [drop | return code [uri]], and pass */
static void
dir_block(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	struct conf *c = p->c;
	long long code;

	(void)no;
	s->set |= HTTPD_SET_BLOCK;
	s->return_uri = NULL;
	if (conf_accept(c, "drop")) {
		s->block = HTTPD_BLOCK_DROP;
		return;
	}
	s->block = HTTPD_BLOCK_RETURN;
	s->return_code = 403;
	if (!conf_accept(c, "return"))
		return;
	if (!conf_number(c, "return code", INT_MIN, INT_MAX, &code))
		return;
	if (!httpd_return_code_known(code)) {
		conf_error(c, "invalid return code: %lld", code);
		return;
	}
	s->return_code = (int)code;
	if (httpd_at_end(c))
		return;
	/* A URI makes a Location: header, which only redirects send. */
	if (code < 300 || code > 399) {
		conf_error(c, "invalid return code for location URI: %lld",
		    code);
		return;
	}
	s->return_uri = httpd_string(c, "return URI", HTTPD_PATH_MAX);
}

static void
dir_pass(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)p;
	(void)no;
	s->block = HTTPD_PASS;
	s->return_uri = NULL;
	s->set |= HTTPD_SET_BLOCK;
}

/* RFC 9110 token characters: anything else would break the header. */
static bool
header_name_valid(const char *name)
{
	if (*name == '\0')
		return false;
	for (; *name != '\0'; name++)
		if (!isalnum((unsigned char)*name) &&
		    strchr("!#$%&'*+-.^_`|~", *name) == NULL)
			return false;
	return true;
}

/* header set|add name value [always], header remove name */
static void
dir_header(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	struct conf *c = p->c;
	struct httpd_header *h, **tail;

	(void)no;
	h = arena_alloc(conf_arena(c), sizeof(*h));
	if (conf_accept(c, "set"))
		h->op = HTTPD_HEADER_SET;
	else if (conf_accept(c, "add"))
		h->op = HTTPD_HEADER_ADD;
	else if (conf_accept(c, "remove"))
		h->op = HTTPD_HEADER_REMOVE;
	else {
		unknown_option(c, "header");
		return;
	}
	if ((h->name = httpd_string(c, "header name",
	    HTTPD_HEADER_NAME_MAX)) == NULL)
		return;
	if (!header_name_valid(h->name)) {
		conf_error(c, "invalid header name '%s'", h->name);
		return;
	}
	if (h->op != HTTPD_HEADER_REMOVE) {
		if ((h->value = httpd_string(c, "header value",
		    HTTPD_HEADER_VALUE_MAX)) == NULL)
			return;
		h->always = conf_accept(c, "always");
	}
	/* A location's headers replace its server's, not add to them. */
	for (tail = &s->headers; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = h;
	s->set |= HTTPD_SET_HEADERS;
}

/* hsts [{ max-age n, preload, subdomains }] */
static void
hsts_option(struct httpd_parser *p, struct httpd_server *s)
{
	struct conf *c = p->c;

	if (conf_accept(c, "max-age"))
		s->hsts.max_age = number(c, "hsts max-age", 0, INT_MAX);
	else if (conf_accept(c, "preload"))
		s->hsts.preload = true;
	else if (conf_accept(c, "subdomains"))
		s->hsts.subdomains = true;
	else
		unknown_option(c, "hsts");
}

static void
dir_hsts(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)no;
	s->hsts.enabled = true;
	option_list(p, s, "hsts", hsts_option, true);
}

/* connection { max request body n, max requests n, ... } */
static void
connection_option(struct httpd_parser *p, struct httpd_server *s)
{
	struct conf *c = p->c;
	struct httpd_connection *cn = &s->connection;

	if (conf_accept(c, "max")) {
		if (conf_accept(c, "requests"))
			cn->max_requests = number(c, "max requests", 0,
			    INT_MAX);
		else if (conf_expect(c, "request") && conf_expect(c, "body"))
			cn->max_request_body = number(c, "max request body",
			    0, LLONG_MAX);
	} else if (conf_accept(c, "request")) {
		if (conf_expect(c, "timeout"))
			cn->request_timeout = number(c, "request timeout", 0,
			    INT_MAX);
	} else if (conf_accept(c, "timeout"))
		cn->timeout = number(c, "timeout", 0, INT_MAX);
	else
		unknown_option(c, "connection");
}

static void
dir_connection(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)no;
	option_list(p, s, "connection", connection_option, false);
}

/* directory { [no] auto index, index file, no index } */
static void
directory_option(struct httpd_parser *p, struct httpd_server *s)
{
	struct conf *c = p->c;
	bool no = conf_accept(c, "no");

	if (conf_accept(c, "auto")) {
		if (!conf_expect(c, "index"))
			return;
		s->auto_index = !no;
		s->set |= HTTPD_SET_AUTO_INDEX;
	} else if (conf_accept(c, "index")) {
		s->index = no ? NULL : httpd_string(c, "index file",
		    HTTPD_PATH_MAX);
		s->set |= HTTPD_SET_INDEX;
	} else
		unknown_option(c, "directory");
}

static void
dir_directory(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)no;
	option_list(p, s, "directory", directory_option, false);
}

/* request { [no] rewrite path, strip n } */
static void
request_option(struct httpd_parser *p, struct httpd_server *s)
{
	struct conf *c = p->c;
	bool no = conf_accept(c, "no");

	if (conf_accept(c, "rewrite")) {
		s->rewrite = no ? NULL : httpd_string(c, "rewrite path",
		    HTTPD_PATH_MAX);
		s->set |= HTTPD_SET_REWRITE;
	} else if (!no && conf_accept(c, "strip")) {
		s->strip = number(c, "strip", 0, INT_MAX);
		s->set |= HTTPD_SET_STRIP;
	} else
		unknown_option(c, "request");
}

static void
dir_request(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)no;
	option_list(p, s, "request", request_option, false);
}

/* log { access name, error name, style s, [no] syslog }, or no log */
static void
log_option(struct httpd_parser *p, struct httpd_server *s)
{
	static const char *const styles[] = { "common", "combined",
	    "forwarded", "connection" };
	struct conf *c = p->c;
	size_t i;

	if (conf_accept(c, "access")) {
		s->log.access = httpd_string(c, "access log", HTTPD_PATH_MAX);
		s->set |= HTTPD_SET_LOG_ACCESS;
	} else if (conf_accept(c, "error")) {
		s->log.error = httpd_string(c, "error log", HTTPD_PATH_MAX);
		s->set |= HTTPD_SET_LOG_ERROR;
	} else if (conf_accept(c, "syslog")) {
		s->log.syslog = true;
		s->set |= HTTPD_SET_SYSLOG;
	} else if (conf_accept(c, "no")) {
		if (!conf_expect(c, "syslog"))
			return;
		s->log.syslog = false;
		s->set |= HTTPD_SET_SYSLOG;
	} else if (conf_accept(c, "style")) {
		for (i = 0; i < sizeof(styles) / sizeof(styles[0]); i++)
			if (conf_accept(c, styles[i]))
				break;
		if (i == sizeof(styles) / sizeof(styles[0])) {
			unknown_option(c, "log style");
			return;
		}
		/* Choosing a style turns logging back on, as OpenBSD. */
		s->log.style = (enum httpd_log_style)i;
		s->log.enabled = true;
		s->set |= HTTPD_SET_LOG;
	} else
		unknown_option(c, "log");
}

static void
dir_log(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	if (no) {
		s->log.enabled = false;
		s->set |= HTTPD_SET_LOG;
		return;
	}
	option_list(p, s, "log", log_option, false);
}

/* fastcgi [{ socket [tcp] path|host [port], strip n, param name value }] */
static void
fastcgi_socket(struct conf *c, struct httpd_fastcgi *f)
{
	struct addr a;
	const char *why = NULL, *host;

	if (!conf_accept(c, "tcp")) {
		f->tcp = false;
		f->socket = httpd_string(c, "fastcgi socket path",
		    HTTPD_SOCKET_PATH_MAX);
		return;
	}
	if ((host = httpd_string(c, "fastcgi host", ADDR_NAME_MAX)) == NULL)
		return;
	if (!addr_parse(host, false, &a, &why) || a.kind == ADDR_ANY) {
		conf_error(c, "invalid fastcgi host '%s': %s", host,
		    why != NULL ? why : "not a single address");
		return;
	}
	f->tcp = true;
	f->socket = host;
	f->port = HTTPD_FASTCGI_PORT_DEFAULT;
	if (!httpd_at_end(c))
		(void)conf_port(c, &f->port);
}

static void
fastcgi_option(struct httpd_parser *p, struct httpd_server *s)
{
	struct conf *c = p->c;
	struct httpd_param *param, **tail;

	if (conf_accept(c, "socket"))
		fastcgi_socket(c, &s->fastcgi);
	else if (conf_accept(c, "strip"))
		s->fastcgi.strip = number(c, "fastcgi strip", 0, INT_MAX);
	else if (conf_accept(c, "param")) {
		param = arena_alloc(conf_arena(c), sizeof(*param));
		if ((param->name = httpd_string(c, "fastcgi param name",
		    HTTPD_PARAM_MAX)) == NULL ||
		    (param->value = httpd_string(c, "fastcgi param value",
		    HTTPD_PARAM_MAX)) == NULL)
			return;
		for (tail = &s->fastcgi.params; *tail != NULL;
		    tail = &(*tail)->next)
			;
		*tail = param;
	} else
		unknown_option(c, "fastcgi");
}

static void
dir_fastcgi(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	s->fastcgi.enabled = !no;
	s->set |= HTTPD_SET_FASTCGI;
	if (!no)
		option_list(p, s, "fastcgi", fastcgi_option, true);
}

/* tcp { backlog n, ip minttl n, ip ttl n, [no] nodelay, [no] sack, ... } */
static void
tcp_option(struct httpd_parser *p, struct httpd_server *s)
{
	struct conf *c = p->c;
	struct sockopts *t = &s->tcp;
	bool no = conf_accept(c, "no");

	if (conf_accept(c, "nodelay"))
		t->nodelay = !no;
	else if (conf_accept(c, "sack")) {
		/* Linux has only the global net.ipv4.tcp_sack sysctl. */
		conf_warn(c, "'tcp %ssack' is not supported on Linux; ignored",
		    no ? "no " : "");
		t->sack = !no;
	} else if (no)
		unknown_option(c, "tcp no");
	else if (conf_accept(c, "backlog"))
		t->backlog = number(c, "backlog", 0, HTTPD_BACKLOG_MAX);
	else if (conf_accept(c, "socket")) {
		if (conf_expect(c, "buffer"))
			t->socket_buffer = number(c, "socket buffer", 0,
			    INT_MAX);
	} else if (conf_accept(c, "ip")) {
		/* A TTL is one byte on the wire. */
		if (conf_accept(c, "ttl"))
			t->ip_ttl = number(c, "ip ttl", 0, 255);
		else if (conf_accept(c, "minttl"))
			t->ip_minttl = number(c, "ip minttl", 0, 255);
		else
			unknown_option(c, "tcp ip");
	} else
		unknown_option(c, "tcp");
}

static void
dir_tcp(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)no;
	option_list(p, s, "tcp", tcp_option, false);
}

/* client ca file [crl file] [optional] */
static void
tls_client_ca(struct conf *c, struct httpd_tls *t)
{
	if (!conf_expect(c, "ca") || (t->client_ca = httpd_string(c,
	    "client ca file", HTTPD_PATH_MAX)) == NULL)
		return;
	for (;;) {
		if (conf_accept(c, "optional"))
			t->client_optional = true;
		else if (conf_accept(c, "crl")) {
			t->client_crl = httpd_string(c, "crl file",
			    HTTPD_PATH_MAX);
			conf_warn(c, "'crl' is not supported by BearSSL; "
			    "client certificates are not checked for "
			    "revocation");
		} else
			return;
	}
}

/* ecdhe: "default", "auto" or a comma-separated list of curve names. */
static const char *
tls_ecdhe(struct conf *c)
{
	struct tls_params tp;
	const char *list;
	char err[256];

	if ((list = httpd_string(c, "ecdhe curves",
	    HTTPD_TLS_STRING_MAX)) == NULL)
		return NULL;
	if (!tls_params_curves(&tp, list, err, sizeof(err))) {
		conf_error(c, "%s", err);
		return NULL;
	}
	return list;
}

/* ciphers: what libtls takes, as far as BearSSL has the suites. */
static const char *
tls_ciphers(struct conf *c)
{
	struct tls_params tp;
	const char *text;
	char err[512];

	if ((text = httpd_string(c, "ciphers", HTTPD_TLS_STRING_MAX)) == NULL)
		return NULL;
	if (!tls_params_ciphers(&tp, text, err, sizeof(err))) {
		conf_error(c, "tls ciphers: %s", err);
		return NULL;
	}
	return text;
}

static void
tls_protocols(struct conf *c, struct httpd_tls *t)
{
	const char *text;

	if ((text = httpd_string(c, "tls protocols",
	    HTTPD_TLS_STRING_MAX)) == NULL)
		return;
	if (!httpd_parse_protocols(text, &t->protocols)) {
		conf_error(c, "invalid tls protocols '%s'", text);
		return;
	}
	/* BearSSL speaks TLS up to 1.2: 1.3 alone would serve nobody. */
	if (t->protocols == TLS_PROTO_V1_3) {
		conf_error(c, "tls protocols: TLSv1.3 alone is not supported "
		    "by BearSSL");
		return;
	}
	if (strcasestr(text, "tlsv1.3") != NULL &&
	    strcasestr(text, "!tlsv1.3") == NULL)
		conf_warn(c, "'tls protocols': TLSv1.3 is not supported by "
		    "BearSSL; ignored");
}

static void
tls_ticket(struct conf *c, struct httpd_tls *t)
{
	long long v;

	if (!conf_expect(c, "lifetime"))
		return;
	if (conf_accept(c, "default"))
		v = HTTPD_TICKET_DEFAULT;
	else if (!conf_number(c, "ticket lifetime", 0, HTTPD_TICKET_MAX, &v))
		return;
	else if (v != 0 && v < HTTPD_TICKET_MIN) {
		conf_error(c, "ticket lifetime too small (at least %d)",
		    HTTPD_TICKET_MIN);
		return;
	}
	t->ticket_lifetime = v;
	if (v != 0)
		conf_warn(c, "'tls ticket lifetime': session tickets are not "
		    "supported by BearSSL; sessions resume by ID, kept this "
		    "long");
}

static void
tls_dhe(struct conf *c, struct httpd_tls *t)
{
	const char *v;

	if ((v = httpd_string(c, "dhe parameters",
	    HTTPD_TLS_STRING_MAX)) == NULL)
		return;
	if (strcmp(v, "none") != 0 && strcmp(v, "auto") != 0 &&
	    strcmp(v, "legacy") != 0) {
		conf_error(c, "invalid dhe parameters '%s' (none, auto, legacy)",
		    v);
		return;
	}
	t->dhe = v;
	if (strcmp(v, "none") != 0)
		conf_warn(c, "'tls dhe': DHE is not supported by BearSSL; "
		    "ignored");
}

static void
tls_option(struct httpd_parser *p, struct httpd_server *s)
{
	struct conf *c = p->c;
	struct httpd_tls *t = &s->tls;
	const char *v;

	if (conf_accept(c, "certificate")) {
		if ((v = httpd_string(c, "certificate file",
		    HTTPD_PATH_MAX)) != NULL)
			t->certificate = v;
	} else if (conf_accept(c, "key")) {
		if ((v = httpd_string(c, "key file", HTTPD_PATH_MAX)) != NULL)
			t->key = v;
	} else if (conf_accept(c, "ciphers")) {
		if ((v = tls_ciphers(c)) != NULL)
			t->ciphers = v;
	} else if (conf_accept(c, "ecdhe")) {
		if ((v = tls_ecdhe(c)) != NULL)
			t->ecdhe = v;
	} else if (conf_accept(c, "ocsp")) {
		t->ocsp = httpd_string(c, "ocsp file", HTTPD_PATH_MAX);
		conf_warn(c, "'tls ocsp': OCSP stapling is not supported by "
		    "BearSSL; ignored");
	} else if (conf_accept(c, "client"))
		tls_client_ca(c, t);
	else if (conf_accept(c, "dhe"))
		tls_dhe(c, t);
	else if (conf_accept(c, "protocols"))
		tls_protocols(c, t);
	else if (conf_accept(c, "ticket"))
		tls_ticket(c, t);
	else if (conf_accept(c, "no")) {
		if (conf_expect(c, "ticket"))
			t->ticket_lifetime = 0;
	} else
		unknown_option(c, "tls");
}

/* OpenBSD checks this when it reads the tls keyword: order matters. */
static void
dir_tls(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)no;
	if (!httpd_server_has_tls(s)) {
		conf_error(p->c, "tls options without tls listener");
		return;
	}
	option_list(p, s, "tls", tls_option, false);
}

/* Sorted by keyword; httpd_conf.c looks them up. */
const struct httpd_directive httpd_server_directives[] = {
	{ "alias",	  dir_alias,		HTTPD_DIR_SERVER_ONLY },
	{ "authenticate", dir_authenticate,	HTTPD_DIR_NO },
	{ "banner",	  dir_banner,		HTTPD_DIR_NO |
	    HTTPD_DIR_SERVER_ONLY },
	{ "block",	  dir_block,		0 },
	{ "connection",	  dir_connection,	HTTPD_DIR_SERVER_ONLY },
	{ "default",	  dir_default_type,	0 },
	{ "directory",	  dir_directory,	0 },
	{ "errdocs",	  dir_errdocs,		HTTPD_DIR_NO |
	    HTTPD_DIR_SERVER_ONLY },
	{ "fastcgi",	  dir_fastcgi,		HTTPD_DIR_NO },
	{ "gzip-static",  dir_gzip_static,	HTTPD_DIR_NO },
	{ "header",	  dir_header,		0 },
	{ "hsts",	  dir_hsts,		HTTPD_DIR_SERVER_ONLY },
	{ "listen",	  dir_listen,		HTTPD_DIR_SERVER_ONLY },
	{ "location",	  httpd_parse_location,	HTTPD_DIR_SERVER_ONLY },
	{ "log",	  dir_log,		HTTPD_DIR_NO },
	{ "pass",	  dir_pass,		0 },
	{ "request",	  dir_request,		0 },
	{ "root",	  dir_root,		0 },
	{ "tcp",	  dir_tcp,		HTTPD_DIR_SERVER_ONLY },
	{ "tls",	  dir_tls,		HTTPD_DIR_SERVER_ONLY }
};
const size_t httpd_server_ndirectives =
    sizeof(httpd_server_directives) / sizeof(httpd_server_directives[0]);
