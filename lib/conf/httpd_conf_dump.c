/*
 * httpd_conf_dump: the normalized configuration, as httpd -nn prints it.
 * It is itself a valid httpd.conf: globals with their effective values,
 * then each server with every option, then its locations, which show only
 * what differs from their server (the rest is inherited when it is read
 * back).  Every string is quoted, so the dump of a dump is the same.
 */
#include <stdio.h>
#include <string.h>

#include "conf/httpd_conf_impl.h"

static void
indent(FILE *f, int depth)
{
	while (depth-- > 0)
		fputc('\t', f);
}

/* One line: tabs, words, then one quoted string unless it is NULL. */
static void
line(FILE *f, int depth, const char *words, const char *quoted)
{
	indent(f, depth);
	fputs(words, f);
	if (quoted != NULL) {
		fputc(' ', f);
		conf_print_quoted(f, quoted);
	}
	fputc('\n', f);
}

static void
line_number(FILE *f, int depth, const char *words, long long n)
{
	indent(f, depth);
	fprintf(f, "%s %lld\n", words, n);
}

/* type/subtype as one quoted string; both parts are bounded. */
static void
print_media_string(FILE *f, const struct httpd_media *m)
{
	char buf[HTTPD_MEDIA_TYPE_MAX + HTTPD_MEDIA_NAME_MAX + 2];

	(void)snprintf(buf, sizeof(buf), "%s/%s", m->type, m->subtype);
	conf_print_quoted(f, buf);
}

static void
print_media(FILE *f, int depth, const struct httpd_media *m)
{
	indent(f, depth);
	fputs("default type ", f);
	print_media_string(f, m);
	fputc('\n', f);
}

static bool
same_string(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Options of servers and locations: how to print one, how to compare. */

static void
print_root(FILE *f, int d, const struct httpd_server *s, bool location)
{
	(void)location;
	line(f, d, "root", s->root);
}

static bool
same_root(const struct httpd_server *a, const struct httpd_server *b)
{
	return same_string(a->root, b->root);
}

static void
print_request(FILE *f, int d, const struct httpd_server *s, bool location)
{
	(void)location;
	line(f, d, "request {", NULL);
	if (s->rewrite != NULL)
		line(f, d + 1, "rewrite", s->rewrite);
	else
		line(f, d + 1, "no rewrite", NULL);
	line_number(f, d + 1, "strip", s->strip);
	line(f, d, "}", NULL);
}

static bool
same_request(const struct httpd_server *a, const struct httpd_server *b)
{
	return same_string(a->rewrite, b->rewrite) && a->strip == b->strip;
}

/* A server that passes says nothing; a location may need to say pass. */
static void
print_block(FILE *f, int d, const struct httpd_server *s, bool location)
{
	switch (s->block) {
	case HTTPD_PASS:
		if (location)
			line(f, d, "pass", NULL);
		break;
	case HTTPD_BLOCK_DROP:
		line(f, d, "block drop", NULL);
		break;
	case HTTPD_BLOCK_RETURN:
		indent(f, d);
		fprintf(f, "block return %d", s->return_code);
		if (s->return_uri != NULL) {
			fputc(' ', f);
			conf_print_quoted(f, s->return_uri);
		}
		fputc('\n', f);
		break;
	}
}

static bool
same_block(const struct httpd_server *a, const struct httpd_server *b)
{
	return a->block == b->block && (a->block != HTTPD_BLOCK_RETURN ||
	    (a->return_code == b->return_code &&
	    same_string(a->return_uri, b->return_uri)));
}

static void
print_auth(FILE *f, int d, const struct httpd_server *s, bool location)
{
	(void)location;
	if (!s->auth.enabled) {
		line(f, d, "no authenticate", NULL);
		return;
	}
	indent(f, d);
	fputs("authenticate ", f);
	if (s->auth.realm != NULL) {
		conf_print_quoted(f, s->auth.realm);
		fputc(' ', f);
	}
	fputs("with ", f);
	conf_print_quoted(f, s->auth.htpasswd);
	fputc('\n', f);
}

static bool
same_auth(const struct httpd_server *a, const struct httpd_server *b)
{
	return a->auth.enabled == b->auth.enabled && (!a->auth.enabled ||
	    (same_string(a->auth.realm, b->auth.realm) &&
	    same_string(a->auth.htpasswd, b->auth.htpasswd)));
}

static void
print_directory(FILE *f, int d, const struct httpd_server *s, bool location)
{
	(void)location;
	line(f, d, "directory {", NULL);
	line(f, d + 1, s->auto_index ? "auto index" : "no auto index", NULL);
	if (s->index != NULL)
		line(f, d + 1, "index", s->index);
	else
		line(f, d + 1, "no index", NULL);
	line(f, d, "}", NULL);
}

static bool
same_directory(const struct httpd_server *a, const struct httpd_server *b)
{
	return a->auto_index == b->auto_index &&
	    same_string(a->index, b->index);
}

static void
print_fastcgi(FILE *f, int d, const struct httpd_server *s, bool location)
{
	const struct httpd_fastcgi *fc = &s->fastcgi;
	const struct httpd_param *p;

	(void)location;
	if (!fc->enabled) {
		line(f, d, "no fastcgi", NULL);
		return;
	}
	line(f, d, "fastcgi {", NULL);
	indent(f, d + 1);
	fputs(fc->tcp ? "socket tcp " : "socket ", f);
	conf_print_quoted(f, fc->socket);
	if (fc->tcp)
		fprintf(f, " %u", fc->port);
	fputc('\n', f);
	line_number(f, d + 1, "strip", fc->strip);
	for (p = fc->params; p != NULL; p = p->next) {
		indent(f, d + 1);
		fputs("param ", f);
		conf_print_quoted(f, p->name);
		fputc(' ', f);
		conf_print_quoted(f, p->value);
		fputc('\n', f);
	}
	line(f, d, "}", NULL);
}

static bool
same_params(const struct httpd_param *a, const struct httpd_param *b)
{
	for (; a != NULL && b != NULL; a = a->next, b = b->next)
		if (strcmp(a->name, b->name) != 0 ||
		    strcmp(a->value, b->value) != 0)
			return false;
	return a == b;
}

static bool
same_fastcgi(const struct httpd_server *a, const struct httpd_server *b)
{
	const struct httpd_fastcgi *x = &a->fastcgi, *y = &b->fastcgi;

	if (!x->enabled || !y->enabled)
		return x->enabled == y->enabled;
	return x->tcp == y->tcp && strcmp(x->socket, y->socket) == 0 &&
	    (!x->tcp || x->port == y->port) && x->strip == y->strip &&
	    same_params(x->params, y->params);
}

static void
print_log(FILE *f, int d, const struct httpd_server *s, bool location)
{
	static const char *const styles[] = { "style common",
	    "style combined", "style forwarded", "style connection" };

	(void)location;
	line(f, d, "log {", NULL);
	line(f, d + 1, "access", s->log.access);
	line(f, d + 1, "error", s->log.error);
	line(f, d + 1, styles[s->log.style], NULL);
	line(f, d + 1, s->log.syslog ? "syslog" : "no syslog", NULL);
	line(f, d, "}", NULL);
	/* A style turns logging on, so "no log" comes after it. */
	if (!s->log.enabled)
		line(f, d, "no log", NULL);
}

static bool
same_log(const struct httpd_server *a, const struct httpd_server *b)
{
	return a->log.enabled == b->log.enabled &&
	    a->log.style == b->log.style && a->log.syslog == b->log.syslog &&
	    strcmp(a->log.access, b->log.access) == 0 &&
	    strcmp(a->log.error, b->log.error) == 0;
}

static void
print_headers(FILE *f, int d, const struct httpd_server *s, bool location)
{
	static const char *const ops[] = { "header set ", "header add ",
	    "header remove " };
	const struct httpd_header *h;

	(void)location;
	for (h = s->headers; h != NULL; h = h->next) {
		indent(f, d);
		fputs(ops[h->op], f);
		conf_print_quoted(f, h->name);
		if (h->value != NULL) {
			fputc(' ', f);
			conf_print_quoted(f, h->value);
		}
		fputs(h->always ? " always\n" : "\n", f);
	}
}

static bool
same_headers(const struct httpd_server *a, const struct httpd_server *b)
{
	const struct httpd_header *x = a->headers, *y = b->headers;

	for (; x != NULL && y != NULL; x = x->next, y = y->next)
		if (x->op != y->op || x->always != y->always ||
		    strcmp(x->name, y->name) != 0 ||
		    !same_string(x->value, y->value))
			return false;
	return x == y;
}

static void
print_gzip(FILE *f, int d, const struct httpd_server *s, bool location)
{
	(void)location;
	line(f, d, s->gzip_static ? "gzip-static" : "no gzip-static", NULL);
}

static bool
same_gzip(const struct httpd_server *a, const struct httpd_server *b)
{
	return a->gzip_static == b->gzip_static;
}

static void
print_default_type(FILE *f, int d, const struct httpd_server *s,
    bool location)
{
	(void)location;
	print_media(f, d, &s->default_type);
}

static bool
same_default_type(const struct httpd_server *a, const struct httpd_server *b)
{
	return strcmp(a->default_type.type, b->default_type.type) == 0 &&
	    strcmp(a->default_type.subtype, b->default_type.subtype) == 0;
}

static const struct {
	void	(*print)(FILE *, int, const struct httpd_server *, bool);
	bool	(*same)(const struct httpd_server *,
		    const struct httpd_server *);
} groups[] = {
	{ print_root, same_root },
	{ print_request, same_request },
	{ print_block, same_block },
	{ print_auth, same_auth },
	{ print_directory, same_directory },
	{ print_fastcgi, same_fastcgi },
	{ print_log, same_log },
	{ print_headers, same_headers },
	{ print_gzip, same_gzip },
	{ print_default_type, same_default_type }
};

/* Server-only options */

static void
print_listens(FILE *f, const struct httpd_server *s)
{
	const struct httpd_listen *l;
	char addr[ADDR_NAME_MAX + 8];

	for (l = s->listens; l != NULL; l = l->next) {
		addr_format(&l->addr, addr, sizeof(addr));
		fputs("\tlisten on ", f);
		conf_print_quoted(f, addr);
		fprintf(f, "%s port %u\n", l->tls ? " tls" : "", l->port);
	}
}

static void
print_connection(FILE *f, const struct httpd_connection *cn)
{
	line(f, 1, "connection {", NULL);
	line_number(f, 2, "max request body", cn->max_request_body);
	line_number(f, 2, "max requests", cn->max_requests);
	line_number(f, 2, "request timeout", cn->request_timeout);
	line_number(f, 2, "timeout", cn->timeout);
	line(f, 1, "}", NULL);
}

/* Unset options stay unset: the kernel's default is not ours to print. */
static void
print_tcp(FILE *f, const struct sockopts *t)
{
	line(f, 1, "tcp {", NULL);
	line_number(f, 2, "backlog", t->backlog);
	if (t->ip_minttl >= 0)
		line_number(f, 2, "ip minttl", t->ip_minttl);
	if (t->ip_ttl >= 0)
		line_number(f, 2, "ip ttl", t->ip_ttl);
	if (t->nodelay != SOCKOPTS_UNSET)
		line(f, 2, t->nodelay ? "nodelay" : "no nodelay",
		    NULL);
	if (t->sack != SOCKOPTS_UNSET)
		line(f, 2, t->sack ? "sack" : "no sack", NULL);
	if (t->socket_buffer >= 0)
		line_number(f, 2, "socket buffer", t->socket_buffer);
	line(f, 1, "}", NULL);
}

static void
print_tls(FILE *f, const struct httpd_tls *t)
{
	char protocols[64];

	httpd_format_protocols(t->protocols, protocols, sizeof(protocols));
	line(f, 1, "tls {", NULL);
	line(f, 2, "certificate", t->certificate);
	line(f, 2, "key", t->key);
	line(f, 2, "ciphers", t->ciphers);
	line(f, 2, "dhe", t->dhe);
	line(f, 2, "ecdhe", t->ecdhe);
	line(f, 2, "protocols", protocols);
	if (t->client_ca != NULL) {
		indent(f, 2);
		fputs("client ca ", f);
		conf_print_quoted(f, t->client_ca);
		if (t->client_crl != NULL) {
			fputs(" crl ", f);
			conf_print_quoted(f, t->client_crl);
		}
		fputs(t->client_optional ? " optional\n" : "\n", f);
	}
	if (t->ocsp != NULL)
		line(f, 2, "ocsp", t->ocsp);
	if (t->ticket_lifetime > 0)
		line_number(f, 2, "ticket lifetime", t->ticket_lifetime);
	else
		line(f, 2, "no ticket", NULL);
	line(f, 1, "}", NULL);
}

static void
print_hsts(FILE *f, const struct httpd_hsts *h)
{
	line(f, 1, "hsts {", NULL);
	line_number(f, 2, "max-age", h->max_age);
	if (h->preload)
		line(f, 2, "preload", NULL);
	if (h->subdomains)
		line(f, 2, "subdomains", NULL);
	line(f, 1, "}", NULL);
}

static void
print_location(FILE *f, const struct httpd_server *l)
{
	size_t i;

	indent(f, 1);
	fputs("location ", f);
	if (l->found == HTTPD_FOUND)
		fputs("found ", f);
	else if (l->found == HTTPD_NOT_FOUND)
		fputs("not found ", f);
	if (l->path_match)
		fputs("match ", f);
	conf_print_quoted(f, l->path);
	fputs(" {\n", f);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (!groups[i].same(l, l->parent))
			groups[i].print(f, 2, l, true);
	line(f, 1, "}", NULL);
}

static void
print_server(FILE *f, const struct httpd_server *s)
{
	const struct httpd_name *a;
	const struct httpd_server *l;
	size_t i;

	fprintf(f, "\nserver %s", s->name_match ? "match " : "");
	conf_print_quoted(f, s->name);
	fputs(" {\n", f);
	print_listens(f, s);
	for (a = s->aliases; a != NULL; a = a->next)
		line(f, 1, a->match ? "alias match" : "alias", a->name);
	print_connection(f, &s->connection);
	print_tcp(f, &s->tcp);
	/* tls is an error without a tls listener, even with defaults. */
	if (httpd_server_has_tls(s))
		print_tls(f, &s->tls);
	if (s->hsts.enabled)
		print_hsts(f, &s->hsts);
	line(f, 1, s->no_banner ? "no banner" : "banner", NULL);
	if (s->errdocs != NULL)
		line(f, 1, "errdocs", s->errdocs);
	else
		line(f, 1, "no errdocs", NULL);
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		groups[i].print(f, 1, s, false);
	for (l = s->locations; l != NULL; l = l->next)
		print_location(f, l);
	fputs("}\n", f);
}

/* Consecutive extensions of one media type share a line. */
static void
print_types(FILE *f, const struct httpd_type *t)
{
	const struct httpd_type *prev = NULL;

	fputs("\ntypes {", f);
	for (; t != NULL; prev = t, t = t->next) {
		if (prev == NULL || strcmp(prev->media.type,
		    t->media.type) != 0 || strcmp(prev->media.subtype,
		    t->media.subtype) != 0) {
			fputs("\n\t", f);
			print_media_string(f, &t->media);
		}
		fputc(' ', f);
		conf_print_quoted(f, t->ext);
	}
	fputs("\n}\n", f);
}

void
httpd_dump(FILE *f, const void *config)
{
	const struct httpd_conf *conf = config;
	const struct httpd_server *s;

	line(f, 0, "chroot", conf->chroot);
	line(f, 0, "logdir", conf->logdir);
	line_number(f, 0, "prefork", conf->prefork);
	print_media(f, 0, &conf->default_type);
	if (conf->errdocs != NULL)
		line(f, 0, "errdocs", conf->errdocs);
	if (conf->no_banner)
		line(f, 0, "no banner", NULL);
	for (s = conf->servers; s != NULL; s = s->next)
		print_server(f, s);
	print_types(f, conf->types);
}
