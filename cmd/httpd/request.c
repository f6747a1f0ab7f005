/*
 * request: route one parsed request -- pick the server by Host, clean the
 * path, find the location, apply block, rewrite and authentication, and
 * hand what is left to file.c.  Every refusal becomes a response here;
 * nothing below sees a request that should not reach the file system.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/hex.h"
#include "base/patterns.h"
#include "base/strbuf.h"
#include "http/http_path.h"
#include "tls/tls_server.h"
#include "worker.h"

enum { REWRITES_MAX = 8 };	/* a rewrite loop ends here, with 500 */

/* What routing knows about the request, for macros and the file. */
struct route {
	struct http_slice	 host;		/* without the port */
	struct http_slice	 host_field;	/* as sent, for $HTTP_HOST */
	struct http_slice	 query;		/* NULL ptr: no '?' */
	char			 path[HTTP_PATH_MAX];	/* canonical */
	struct pattern_match	 m;		/* of a `location match` */
	const char		*matched;	/* subject of m */
};

static struct http_slice
field(const struct http_request *r, const char *name)
{
	const struct http_header *h = http_request_header(r, name);
	struct http_slice none = { NULL, 0 };

	return h != NULL ? h->value : none;
}

static void
note_for_log(struct conn *c, const struct http_request *r)
{
	static const char *const versions[] = { "HTTP/1.0", "HTTP/1.1" };

	c->log.method = r->method_name;
	c->log.target = r->target;
	c->log.version.ptr = versions[r->minor];
	c->log.version.len = 8;
	c->log.referer = field(r, "Referer");
	c->log.agent = field(r, "User-Agent");
	c->log.xff = field(r, "X-Forwarded-For");
	c->log.xfp = field(r, "X-Forwarded-Port");
}

/* Host without its port; an IPv6 literal keeps its brackets. */
static struct http_slice
host_name(const struct http_request *r)
{
	struct http_slice h = r->form == HTTP_TARGET_ABSOLUTE ? r->authority :
	    r->host;
	const char *colon;

	if (h.ptr == NULL)
		return h;
	if (h.len > 0 && h.ptr[0] == '[') {
		colon = memchr(h.ptr, ']', h.len);
		if (colon != NULL)
			h.len = (size_t)(colon - h.ptr) + 1;
		return h;
	}
	if ((colon = memchr(h.ptr, ':', h.len)) != NULL)
		h.len = (size_t)(colon - h.ptr);
	return h;
}

static bool
name_matches(const char *name, bool match, struct http_slice host)
{
	char h[256];
	struct pattern_match m;
	const char *err;

	if (host.len >= sizeof(h))
		return false;
	memcpy(h, host.ptr, host.len);
	h[host.len] = '\0';
	if (match)
		return pattern_find(name, h, host.len, &m, &err) == 1;
	return fnmatch(name, h, FNM_CASEFOLD) == 0;
}

/*
 * The index of the first server on the socket whose name or alias
 * matches, or 0, the default.  The Host header chooses with it, and so
 * does the TLS SNI name.
 */
size_t
vhost_index(const struct listener *l, struct http_slice host)
{
	const struct httpd_server *s;
	const struct httpd_name *a;
	size_t i;

	if (host.ptr == NULL || host.len == 0)
		return 0;
	for (i = 0; i < l->nservers; i++) {
		s = l->servers[i];
		if (name_matches(s->name, s->name_match, host))
			return i;
		for (a = s->aliases; a != NULL; a = a->next)
			if (name_matches(a->name, a->match, host))
				return i;
	}
	return 0;
}

/*
 * On a TLS connection the SNI name chose the server whose authorities
 * checked the client's certificate.  Host may name another server only
 * where neither asks for client certificates: otherwise one server's
 * authorities would let clients into the other, or a server that wants
 * a certificate would get a client that showed none.  RFC 9110 15.5.20:
 * 421, the client asks again on a connection of its own.
 */
static bool
misdirected(const struct conn *c, size_t vhost)
{
	const struct listener *l = c->listener;

	if (c->tls == NULL || c->tls->vhost == vhost)
		return false;
	return l->servers[c->tls->vhost]->tls.client_ca != NULL ||
	    l->servers[vhost]->tls.client_ca != NULL;
}

static const struct httpd_server *
select_location(struct worker *w, const struct httpd_server *srv,
    struct route *rt)
{
	const struct httpd_server *loc;
	const char *err;

	for (loc = srv->locations; loc != NULL; loc = loc->next) {
		if (loc->path_match) {
			if (pattern_find(loc->path, rt->path, strlen(rt->path),
			    &rt->m, &err) != 1)
				continue;
			rt->matched = rt->path;
		} else if (fnmatch(loc->path, rt->path, FNM_CASEFOLD) != 0)
			continue;
		if (loc->found != HTTPD_FOUND_ANY &&
		    file_exists(w, loc, rt->path) !=
		    (loc->found == HTTPD_FOUND))
			continue;
		return loc;
	}
	return srv;
}

/* RFC 3986's unreserved bytes. */
static bool
unreserved(unsigned char ch)
{
	return isalnum(ch) || (ch != '\0' && strchr("-._~", ch) != NULL);
}

static bool
is_macro(const char *name, size_t len, const char *macro)
{
	return len == strlen(macro) && memcmp(name, macro, len) == 0;
}

/* One $MACRO of httpd.conf(5); false if the name is not one. */
static bool
expand_macro(struct worker *w, struct conn *c, const struct route *rt,
    const char *name, size_t len, struct strbuf *sb)
{
	char addr[SOCKADDR_TEXT_MAX];
	uint16_t port;

	if (is_macro(name, len, "DOCUMENT_URI"))
		strbuf_puts(sb, rt->path);
	else if (is_macro(name, len, "QUERY_STRING"))
		strbuf_put(sb, rt->query.ptr, rt->query.len);
	else if (is_macro(name, len, "QUERY_STRING_ENC"))
		hex_pct_encode(sb, rt->query.ptr, rt->query.len, unreserved);
	else if (is_macro(name, len, "REMOTE_ADDR"))
		strbuf_puts(sb, c->peer);
	else if (is_macro(name, len, "REMOTE_PORT"))
		strbuf_putnum(sb, c->peer_port, 0);
	else if (is_macro(name, len, "REMOTE_USER"))
		strbuf_puts(sb, c->log.user);
	else if (is_macro(name, len, "REQUEST_SCHEME"))
		strbuf_puts(sb, c->listener->tls ? "https" : "http");
	else if (is_macro(name, len, "REQUEST_URI"))
		strbuf_put(sb, w->req.path.ptr, w->req.path.len);
	else if (is_macro(name, len, "SERVER_ADDR")) {
		conn_local(c, addr, sizeof(addr), &port);
		strbuf_puts(sb, addr);
	} else if (is_macro(name, len, "SERVER_PORT")) {
		conn_local(c, addr, sizeof(addr), &port);
		strbuf_putnum(sb, port, 0);
	}
	else if (is_macro(name, len, "SERVER_NAME"))
		strbuf_puts(sb, c->log.server->name);
	else if (is_macro(name, len, "HTTP_HOST"))
		strbuf_put(sb, rt->host_field.ptr, rt->host_field.len);
	else
		return false;
	return true;
}

/*
 * Expand the macros of a `block return` URI or a `request rewrite` path:
 * $NAME from the request, %n from the captures of `location match`.
 * False if the result does not fit.
 */
static bool
expand(struct worker *w, struct conn *c, const struct route *rt,
    const char *tmpl, char *out, size_t size)
{
	struct strbuf sb;
	const char *p = tmpl;
	size_t len;
	unsigned idx;

	strbuf_init(&sb, out, size);
	while (*p != '\0' && !sb.full) {
		if (*p == '$') {
			for (len = 1; isupper((unsigned char)p[len]) ||
			    p[len] == '_'; len++)
				;
			if (len > 1 && expand_macro(w, c, rt, p + 1, len - 1,
			    &sb)) {
				p += len;
				continue;
			}
		} else if (*p == '%' && isdigit((unsigned char)p[1])) {
			idx = (unsigned)(p[1] - '0');
			if (rt->matched != NULL && idx >= 1 &&
			    idx <= rt->m.ncaptures)
				strbuf_put(&sb, rt->matched +
				    rt->m.cap[idx - 1].start,
				    rt->m.cap[idx - 1].len);
			p += 2;
			continue;
		}
		strbuf_put(&sb, p++, 1);
	}
	return !sb.full;
}

/* Split "path?query" and canonicalize the path into rt->path. */
static int
set_path(struct route *rt, const char *target, size_t len)
{
	const char *q = memchr(target, '?', len);

	rt->query.ptr = NULL;
	rt->query.len = 0;
	if (q != NULL) {
		rt->query.ptr = q + 1;
		rt->query.len = len - (size_t)(q - target) - 1;
		len = (size_t)(q - target);
	}
	return http_path_canon(target, len, rt->path, sizeof(rt->path));
}

/* Drop the first n components of path, as `request strip` says. */
static const char *
strip_path(const char *path, long long n)
{
	const char *p = path;

	while (n-- > 0) {
		const char *next = strchr(p + 1, '/');

		if (next == NULL)
			return "/";
		p = next;
	}
	return p;
}

static void
refuse(struct worker *w, struct conn *c, int status)
{
	resp_error(w, c, status, NULL);
}

static bool
check_body(struct worker *w, struct conn *c, const struct httpd_server *srv)
{
	const struct http_request *r = &w->req;

	if (r->content_length <= 0 && !r->chunked)
		return true;
	/*
	 * Static files take no body: answer and close, never guess framing.
	 * FastCGI reads the body and may keep the connection (fastcgi.c).
	 */
	c->keep_alive = false;
	if (r->content_length > srv->connection.max_request_body) {
		refuse(w, c, HTTP_STATUS_CONTENT_TOO_LARGE);
		return false;
	}
	return true;
}

static bool
apply_rewrites(struct worker *w, struct conn *c, struct route *rt,
    const struct httpd_server *srv, const struct httpd_server **loc)
{
	char target[HTTP_PATH_MAX];
	int i, status;

	for (i = 0; (*loc)->rewrite != NULL; i++) {
		if (i == REWRITES_MAX || !expand(w, c, rt, (*loc)->rewrite,
		    target, sizeof(target))) {
			refuse(w, c, HTTP_STATUS_INTERNAL_ERROR);
			return false;
		}
		if ((status = set_path(rt, target, strlen(target))) != 0) {
			refuse(w, c, status);
			return false;
		}
		rt->matched = NULL;
		*loc = select_location(w, srv, rt);
	}
	return true;
}

static void
block_return(struct worker *w, struct conn *c, const struct route *rt,
    const struct httpd_server *loc)
{
	char uri[2048];

	if (loc->return_uri == NULL) {
		refuse(w, c, loc->return_code);
		return;
	}
	if (!expand(w, c, rt, loc->return_uri, uri, sizeof(uri))) {
		refuse(w, c, HTTP_STATUS_INTERNAL_ERROR);
		return;
	}
	resp_error(w, c, loc->return_code, uri);
}

/*
 * A directory's index is served by the location its own path selects, as
 * OpenBSD's httpd does: "/" with `directory index "index.php"` goes to the
 * `location "*.php"` that hands it to FastCGI -- served as a file, the
 * script's source would go out.  Only for a location that serves files;
 * rt->path gets the index when the location changes.
 */
static const struct httpd_server *
index_location(struct worker *w, const struct httpd_server *srv,
    const struct httpd_server *loc, struct route *rt)
{
	const struct httpd_server *next;
	size_t plen = strlen(rt->path), ilen;

	if (loc->index == NULL || loc->fastcgi.enabled ||
	    loc->block != HTTPD_PASS || plen == 0 || rt->path[plen - 1] != '/')
		return loc;
	ilen = strlen(loc->index);
	if (plen + ilen >= sizeof(rt->path) ||
	    !file_is_directory(w, loc, strip_path(rt->path, loc->strip)))
		return loc;
	memcpy(rt->path + plen, loc->index, ilen + 1);
	if ((next = select_location(w, srv, rt)) != loc)
		return next;
	rt->path[plen] = '\0';
	return select_location(w, srv, rt);
}

void
request_route(struct worker *w, struct conn *c)
{
	static struct route rt;
	const struct http_request *r = &w->req;
	const struct httpd_server *srv, *loc;
	size_t vhost;
	bool wrong_host;
	int status;

	note_for_log(c, r);
	if (!r->keep_alive)
		c->keep_alive = false;
	rt.host = host_name(r);
	rt.host_field = r->form == HTTP_TARGET_ABSOLUTE ? r->authority :
	    r->host;
	/* Without Host (HTTP/1.0), the name asked in the handshake. */
	if (rt.host.len == 0 && c->tls != NULL)
		vhost = c->tls->vhost;
	else
		vhost = vhost_index(c->listener, rt.host);
	/* Refused, it is logged for the server the handshake chose. */
	if ((wrong_host = misdirected(c, vhost)))
		vhost = c->tls->vhost;
	srv = c->listener->servers[vhost];
	c->log.server = srv;
	c->log.conf = srv;
	if (!check_body(w, c, srv))
		return;
	if (wrong_host) {
		refuse(w, c, HTTP_STATUS_MISDIRECTED);
		return;
	}
	rt.matched = NULL;
	if (r->form != HTTP_TARGET_ORIGIN && r->form != HTTP_TARGET_ABSOLUTE) {
		refuse(w, c, r->method == HTTP_METHOD_OPTIONS ?
		    HTTP_STATUS_METHOD_NOT_ALLOWED : HTTP_STATUS_BAD_REQUEST);
		return;
	}
	if ((status = set_path(&rt, r->path.ptr, r->path.len)) != 0) {
		refuse(w, c, status);
		return;
	}
	loc = select_location(w, srv, &rt);
	c->log.conf = loc;
	if (!apply_rewrites(w, c, &rt, srv, &loc))
		return;
	loc = index_location(w, srv, loc, &rt);
	c->log.conf = loc;
	switch (loc->block) {
	case HTTPD_BLOCK_DROP:
		c->keep_alive = false;
		c->drop = true;
		return;
	case HTTPD_BLOCK_RETURN:
		block_return(w, c, &rt, loc);
		return;
	case HTTPD_PASS:
		break;
	}
	if (loc->auth.enabled && !auth_check(w, c, loc))
		return;
	if (loc->fastcgi.enabled) {
		struct fcgi_route fr = { rt.path, strip_path(rt.path,
		    loc->strip), rt.query };

		fcgi_start(w, c, loc, &fr);
		return;
	}

	if (r->method != HTTP_METHOD_GET && r->method != HTTP_METHOD_HEAD) {
		refuse(w, c, HTTP_STATUS_METHOD_NOT_ALLOWED);
		return;
	}
	file_serve(w, c, loc, strip_path(rt.path, loc->strip), rt.query);
}
