/*
 * httpd_conf: the httpd.conf(5) grammar -- the top level (macros,
 * include, global options, server blocks, types) and the blocks of
 * servers and locations.  The options themselves are in
 * httpd_conf_opts.c, the checks after each block in httpd_conf_check.c.
 */
#include <string.h>
#include <unistd.h>

#include "conf/confload.h"
#include "conf/httpd_conf_impl.h"

/* OpenBSD's reserved words, plus those of the header directive. */
const char *const httpd_conf_keywords[] = {
	"access", "alias", "always", "authenticate", "auto", "backlog",
	"banner", "block", "body", "buffer", "ca", "certificate", "chroot",
	"ciphers", "client", "combined", "common", "connection", "crl",
	"default", "dhe", "directory", "drop", "ecdhe", "errdocs", "error",
	"fastcgi", "forwarded", "found", "gzip-static", "header", "hsts",
	"include", "index", "ip", "key", "lifetime", "listen", "location",
	"log", "logdir", "match", "max", "max-age", "no", "nodelay", "not",
	"ocsp", "on", "optional", "param", "pass", "port", "prefork",
	"preload", "protocols", "request", "requests", "return", "rewrite",
	"root", "sack", "server", "socket", "strip", "style", "subdomains",
	"syslog", "tcp", "ticket", "timeout", "tls", "type", "types", "with",
	NULL
};

static const struct httpd_directive *
httpd_find_directive(const struct httpd_directive *table, size_t n,
    const char *keyword)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(table[i].keyword, keyword) == 0)
			return &table[i];
	return NULL;
}

/*
 * One directive of a block: an optional "no", the keyword from the
 * table, and its arguments.  Errors name what was written.
 */
static void
block_directive(struct httpd_parser *p, struct httpd_server *s,
    const struct httpd_directive *table, size_t n)
{
	struct conf *c = p->c;
	const struct conf_token *t = conf_peek(c);
	const struct httpd_directive *d;
	bool no;

	if (t->kind != CT_WORD) {
		conf_error(c, "expected a directive, found %s",
		    conf_describe(c, t));
		return;
	}
	no = conf_accept(c, "no");
	t = conf_peek(c);
	if (t->kind != CT_WORD) {
		conf_error(c, "expected a directive after 'no', found %s",
		    conf_describe(c, t));
		return;
	}
	d = httpd_find_directive(table, n, t->text);
	if (d == NULL || (no && (d->flags & HTTPD_DIR_NO) == 0)) {
		conf_error(c, "unknown directive '%s%s'", no ? "no " : "",
		    t->text);
		return;
	}
	if (s != NULL && s->parent != NULL &&
	    (d->flags & HTTPD_DIR_SERVER_ONLY) != 0) {
		conf_error(c, "'%s%s' is not allowed inside a location",
		    no ? "no " : "", t->text);
		return;
	}
	conf_next(c);
	d->parse(p, s, no);
}

/* The statements of a server or location block, up to its '}'. */
static void
server_body(struct httpd_parser *p, struct httpd_server *s)
{
	struct conf *c = p->c;

	if (!conf_block_open(c))
		return;
	while (conf_block_next(c)) {
		if (conf_accept(c, "include")) {
			conf_include(c);
			continue;
		}
		block_directive(p, s, httpd_server_directives,
		    httpd_server_ndirectives);
		(void)conf_eol(c);
	}
}

/* location [[not] found] [match] path { ... }, inside server s. */
void
httpd_parse_location(struct httpd_parser *p, struct httpd_server *s,
    bool no)
{
	struct conf *c = p->c;
	struct httpd_server *l, **tail;

	(void)no;
	/* OpenBSD copies the listener into the location when it starts. */
	if (s->listens == NULL) {
		conf_error(c, "location before any 'listen on': listen "
		    "address not specified");
		return;
	}
	l = arena_alloc(conf_arena(c), sizeof(*l));
	l->parent = s;
	httpd_location_defaults(l);
	if (conf_accept(c, "found"))
		l->found = HTTPD_FOUND;
	else if (conf_accept(c, "not")) {
		if (!conf_expect(c, "found"))
			return;
		l->found = HTTPD_NOT_FOUND;
	}
	l->path_match = conf_accept(c, "match");
	if ((l->path = httpd_string(c, "location path",
	    HTTPD_LOCATION_MAX)) == NULL)
		return;
	server_body(p, l);
	if (conf_failed(c) || !httpd_check_location(p, s, l))
		return;
	for (tail = &s->locations; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = l;
}

/* server [match] name { ... } */
static void
parse_server(struct httpd_parser *p, struct httpd_server *unused, bool no)
{
	struct conf *c = p->c;
	struct httpd_server *s, **tail;

	(void)unused;
	(void)no;
	s = arena_alloc(conf_arena(c), sizeof(*s));
	httpd_server_defaults(p->conf, s);
	s->name_match = conf_accept(c, "match");
	if ((s->name = httpd_string(c, "server name", HTTPD_NAME_MAX)) ==
	    NULL)
		return;
	if (*s->name == '\0') {
		conf_error(c, "empty server name");
		return;
	}
	server_body(p, s);
	if (conf_failed(c) || !httpd_check_server(p, s))
		return;
	httpd_inherit(s);
	for (tail = &p->conf->servers; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = s;
}

/* Global options */

static void
global_prefork(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)s;
	(void)no;
	(void)conf_number(p->c, "prefork", 1, HTTPD_PREFORK_MAX,
	    &p->conf->prefork);
}

static void
global_chroot(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	const char *dir;

	(void)s;
	(void)no;
	if ((dir = httpd_string(p->c, "chroot directory",
	    HTTPD_PATH_MAX)) != NULL)
		p->conf->chroot = dir;
}

static void
global_logdir(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	const char *dir;

	(void)s;
	(void)no;
	if ((dir = httpd_string(p->c, "log directory",
	    HTTPD_PATH_MAX)) != NULL)
		p->conf->logdir = dir;
}

static void
global_errdocs(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	const char *dir;

	(void)s;
	(void)no;
	if ((dir = httpd_string(p->c, "errdocs directory",
	    HTTPD_PATH_MAX)) != NULL)
		p->conf->errdocs = dir;
}

/* Only "no banner" exists at the top: the banner is on by default. */
static void
global_banner(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)s;
	if (!no) {
		conf_error(p->c, "'banner' is only allowed inside a server");
		return;
	}
	p->conf->no_banner = true;
}

static void
global_default_type(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	(void)s;
	(void)no;
	if (conf_expect(p->c, "type"))
		(void)httpd_media(p->c, &p->conf->default_type);
}

/* Types */

/* Later lines overwrite earlier ones, as OpenBSD's media tree does. */
static void
add_type(struct httpd_parser *p, const struct httpd_media *m, char *ext)
{
	struct httpd_type *t, **tail;

	for (tail = &p->conf->types; (t = *tail) != NULL; tail = &t->next)
		if (strcmp(t->ext, ext) == 0) {
			t->media = *m;
			return;
		}
	t = arena_alloc(conf_arena(p->c), sizeof(*t));
	t->media = *m;
	t->ext = ext;
	*tail = t;
}

/* An extension: any word (mime.types uses "key", "crl") or string. */
static char *
type_extension(struct conf *c)
{
	const struct conf_token *t = conf_peek(c);
	char *ext;

	if (t->kind != CT_WORD && t->kind != CT_QUOTED) {
		conf_error(c, "expected a file extension, found %s",
		    conf_describe(c, t));
		return NULL;
	}
	if (t->len == 0 || t->len > HTTPD_MEDIA_NAME_MAX) {
		conf_error(c, "invalid media name '%.64s'", t->text);
		return NULL;
	}
	ext = arena_strndup(conf_arena(c), t->text, t->len);
	conf_next(c);
	return ext;
}

/* type/subtype name [name ...] [;] */
static void
types_line(struct httpd_parser *p)
{
	struct conf *c = p->c;
	struct httpd_media m;
	char *ext;

	if (!httpd_media(c, &m))
		return;
	do {
		if ((ext = type_extension(c)) == NULL)
			return;
		add_type(p, &m, ext);
	} while (!httpd_at_end(c) && !conf_is_punct(c, ';'));
	(void)conf_accept_punct(c, ';');
}

static void
parse_types(struct httpd_parser *p, struct httpd_server *s, bool no)
{
	struct conf *c = p->c;
	int lines = 0;

	(void)s;
	(void)no;
	if (!conf_block_open(c))
		return;
	while (conf_block_next(c)) {
		if (conf_accept(c, "include")) {
			conf_include(c);
			continue;
		}
		types_line(p);
		(void)conf_eol(c);
		lines++;
	}
	if (!conf_failed(c) && lines == 0)
		conf_error(c, "types: no media types defined");
}

static const struct httpd_directive global_directives[] = {
	{ "banner",	global_banner,		HTTPD_DIR_NO },
	{ "chroot",	global_chroot,		0 },
	{ "default",	global_default_type,	0 },
	{ "errdocs",	global_errdocs,		0 },
	{ "logdir",	global_logdir,		0 },
	{ "prefork",	global_prefork,		0 },
	{ "server",	parse_server,		0 },
	{ "types",	parse_types,		0 }
};

/*
 * One worker per core by default (OpenBSD's fixed 3 would leave cores idle
 * or crowd them), at least 1 and at most HTTPD_PREFORK_MAX.
 */
static long long
default_prefork(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return HTTPD_PREFORK_DEFAULT;
	return n > HTTPD_PREFORK_MAX ? HTTPD_PREFORK_MAX : n;
}

static void
global_defaults(struct httpd_conf *conf)
{
	conf->chroot = "/var/www";
	conf->logdir = "/logs";
	conf->prefork = default_prefork();
	conf->default_type.type = "application";
	conf->default_type.subtype = "octet-stream";
}

/* The whole file: statements until the end of the top-level file. */
static void *
httpd_read(struct conf *c)
{
	struct httpd_parser p;
	enum conf_tok kind;

	p.c = c;
	p.conf = arena_alloc(conf_arena(c), sizeof(*p.conf));
	global_defaults(p.conf);
	while ((kind = conf_peek(c)->kind) != CT_EOF && kind != CT_ERROR) {
		if (kind == CT_NL) {
			conf_next(c);
			continue;
		}
		if (conf_macro_statement(c))
			continue;
		if (conf_accept(c, "include")) {
			conf_include(c);
			continue;
		}
		block_directive(&p, NULL, global_directives,
		    sizeof(global_directives) / sizeof(global_directives[0]));
		(void)conf_eol(c);
	}
	if (!conf_failed(c))
		httpd_finish(&p);
	return conf_failed(c) ? NULL : p.conf;
}

const struct grammar httpd_grammar = {
	"httpd.conf", httpd_conf_keywords, httpd_read, httpd_dump
};
