/*
 * fastcgi_params: the first records of a request -- BEGIN_REQUEST with
 * FCGI_KEEP_CONN, then the PARAMS stream -- with the variables OpenBSD's
 * httpd sets (httpd.conf(5) lists them) and RFC 3875 defines.
 *
 * SCRIPT_NAME and PATH_INFO are found as OpenBSD finds them: the longest
 * leading part of the path that is a regular file under the root is the
 * script, the rest is PATH_INFO.  The path was canonicalised by
 * http_path, which refuses control bytes, so neither can hold a newline
 * ("%0a" never reaches here).  Header fields become HTTP_* variables,
 * except Proxy (httpoxy: it would become HTTP_PROXY, which CGI programs
 * take for their proxy setting), names with '_' (they would collide with
 * the '-' spelling of another field) and the two CONTENT_* fields.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http_path.h"
#include "tls/tls_server.h"
#include "worker.h"

/* The PARAMS content as it is built, after the record's header. */
struct pbuf {
	uint8_t	*buf;
	size_t	 cap, len;
	bool	 full;
};

static void
param_n(struct pbuf *p, const char *name, const char *value, size_t vlen)
{
	size_t n;

	if (p->full)
		return;
	n = fcgi_nv_put(p->buf + p->len, p->cap - p->len, name, strlen(name),
	    value, vlen);
	if (n == 0)
		p->full = true;
	p->len += n;
}

static void
param(struct pbuf *p, const char *name, const char *value)
{
	param_n(p, name, value, strlen(value));
}

static void
param_num(struct pbuf *p, const char *name, unsigned long long v)
{
	char num[24];

	(void)snprintf(num, sizeof(num), "%llu", v);
	param(p, name, num);
}

/* Drop the first n components of a root path (`fastcgi strip n`). */
static const char *
strip_root(const char *root, long long n)
{
	const char *p = root;

	while (n-- > 0 && *p == '/') {
		const char *next = strchr(p + 1, '/');

		if (next == NULL)
			return "";
		p = next;
	}
	return p;
}

/* root + path with one slash between them, as SCRIPT_FILENAME. */
static void
join_root(char *out, size_t size, const char *root, const char *path,
    size_t pathlen)
{
	size_t rlen = strlen(root);

	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	(void)snprintf(out, size, "%.*s%.*s", (int)rlen, root, (int)pathlen,
	    path);
}

/* Length of SCRIPT_NAME within path: the longest regular file. */
static size_t
script_length(struct worker *w, const struct httpd_server *loc,
    const char *path)
{
	char probe[HTTP_PATH_MAX];
	size_t len = strlen(path);
	char *slash;

	if (len >= sizeof(probe))
		return len;
	memcpy(probe, path, len + 1);
	while (len > 0) {
		if (file_is_regular(w, loc, probe))
			return len;
		if ((slash = strrchr(probe, '/')) == NULL)
			break;
		*slash = '\0';
		len = (size_t)(slash - probe);
	}
	/* No file: the responder decides (and answers 404). */
	return strlen(path);
}

static void
script_params(struct worker *w, struct pbuf *p,
    const struct httpd_server *loc, const struct fcgi_route *rt)
{
	char file[HTTPD_PATH_MAX + HTTP_PATH_MAX + 2];
	const char *root = strip_root(loc->root, loc->fastcgi.strip);
	size_t slen = script_length(w, loc, rt->alias);

	param(p, "DOCUMENT_ROOT", root);
	param_n(p, "SCRIPT_NAME", rt->alias, slen);
	param(p, "PATH_INFO", rt->alias + slen);
	join_root(file, sizeof(file), root, rt->alias, slen);
	param(p, "SCRIPT_FILENAME", file);
	param(p, "DOCUMENT_URI", rt->alias);
}

static void
request_params(struct worker *w, struct conn *c, struct pbuf *p,
    const struct fcgi_route *rt)
{
	const struct http_request *r = &w->req;
	const struct http_header *h;

	param_n(p, "REQUEST_URI", r->path.ptr, r->path.len);
	param_n(p, "QUERY_STRING", rt->query.ptr != NULL ? rt->query.ptr : "",
	    rt->query.len);
	param_n(p, "REQUEST_METHOD", r->method_name.ptr, r->method_name.len);
	param(p, "SERVER_PROTOCOL", r->minor == 0 ? "HTTP/1.0" : "HTTP/1.1");
	if (r->content_length >= 0)
		param_num(p, "CONTENT_LENGTH",
		    (unsigned long long)r->content_length);
	if ((h = http_request_header(r, "Content-Type")) != NULL)
		param_n(p, "CONTENT_TYPE", h->value.ptr, h->value.len);
	if (c->log.user[0] != '\0')
		param(p, "REMOTE_USER", c->log.user);
}

static void
server_params(struct conn *c, struct pbuf *p)
{
	char addr[SOCKADDR_TEXT_MAX];
	uint16_t port;

	param(p, "GATEWAY_INTERFACE", "CGI/1.1");
	param(p, "SERVER_SOFTWARE", "httpd");
	param(p, "SERVER_NAME", c->log.server->name);
	conn_local(c, addr, sizeof(addr), &port);
	param(p, "SERVER_ADDR", addr);
	param_num(p, "SERVER_PORT", port);
	param(p, "REMOTE_ADDR", c->peer);
	param_num(p, "REMOTE_PORT", c->peer_port);
	if (c->listener->tls)
		param(p, "HTTPS", "on");
	if (c->tls != NULL && c->tls->peer_verified) {
		param(p, "TLS_PEER_VERIFY", "ca");
		param(p, "TLS_PEER_SUBJECT", c->tls->peer_subject);
	}
}

static bool
same_name(struct http_slice a, struct http_slice b)
{
	return a.len == b.len && strncasecmp(a.ptr, b.ptr, a.len) == 0;
}

static bool
is_named(struct http_slice name, const char *s)
{
	return name.len == strlen(s) && strncasecmp(name.ptr, s, name.len) ==
	    0;
}

static bool
passed_on(struct http_slice name)
{
	return memchr(name.ptr, '_', name.len) == NULL &&
	    !is_named(name, "Proxy") && !is_named(name, "Content-Length") &&
	    !is_named(name, "Content-Type") && name.len < 128;
}

/*
 * HTTP_NAME for each field; a name sent twice is one variable with the
 * values joined (", ", or "; " for Cookie as RFC 9113 8.2.3 does).
 */
static void
header_params(const struct http_request *r, struct pbuf *p)
{
	static char value[HTTP_HEADER_BYTES_MAX + 2 * HTTP_HEADERS_MAX];
	char name[5 + 128];
	size_t i, j, k, vlen;
	const char *sep;

	for (i = 0; i < r->nheaders; i++) {
		const struct http_header *h = &r->headers[i];

		if (!passed_on(h->name))
			continue;
		for (j = 0; j < i && !same_name(r->headers[j].name, h->name);
		    j++)
			;
		if (j < i)
			continue;	/* joined with the first */
		memcpy(name, "HTTP_", 5);
		for (k = 0; k < h->name.len; k++)
			name[5 + k] = h->name.ptr[k] == '-' ? '_' :
			    (char)toupper((unsigned char)h->name.ptr[k]);
		name[5 + k] = '\0';
		sep = is_named(h->name, "Cookie") ? "; " : ", ";
		vlen = 0;
		for (j = i; j < r->nheaders; j++) {
			const struct http_header *d = &r->headers[j];

			if (!same_name(d->name, h->name) ||
			    vlen + d->value.len + 2 > sizeof(value))
				continue;
			if (vlen > 0) {
				memcpy(value + vlen, sep, 2);
				vlen += 2;
			}
			memcpy(value + vlen, d->value.ptr, d->value.len);
			vlen += d->value.len;
		}
		param_n(p, name, value, vlen);
	}
}

/*
 * Room kept for fcgi_params_length: its record (header, padding) with
 * CONTENT_LENGTH of up to 20 digits, and the empty record after it.
 */
enum { LENGTH_RECORD_MAX = 3 * FCGI_HEADER_LEN + 2 + 14 + 20 };

bool
fcgi_params(struct worker *w, struct conn *c, struct fcgi_req *fr,
    const struct httpd_server *loc, const struct fcgi_route *rt,
    bool length_later)
{
	const struct httpd_param *hp;
	struct pbuf p;
	size_t n, room;

	fr->olen = fcgi_put_begin_request(fr->out, sizeof(fr->out),
	    FCGI_REQUEST_ID, FCGI_RESPONDER, FCGI_KEEP_CONN);
	/* Room for the record's header and padding, and two empty records. */
	room = sizeof(fr->out) - fr->olen - 4 * FCGI_HEADER_LEN -
	    (length_later ? LENGTH_RECORD_MAX : 0);
	p.buf = fr->out + fr->olen + FCGI_HEADER_LEN;
	p.cap = room < FCGI_CONTENT_MAX ? room : FCGI_CONTENT_MAX;
	p.len = 0;
	p.full = false;
	script_params(w, &p, loc, rt);
	request_params(w, c, &p, rt);
	server_params(c, &p);
	header_params(&w->req, &p);
	/* Last: a `param` of the configuration overrides ours. */
	for (hp = loc->fastcgi.params; hp != NULL; hp = hp->next)
		param(&p, hp->name, hp->value);
	if (p.full)
		return false;
	n = fcgi_seal_record(fr->out + fr->olen, sizeof(fr->out) - fr->olen,
	    FCGI_PARAMS, FCGI_REQUEST_ID, p.len);
	fr->olen += n;
	if (length_later)
		return n > 0;
	n = fcgi_put_record(fr->out + fr->olen, sizeof(fr->out) - fr->olen,
	    FCGI_PARAMS, FCGI_REQUEST_ID, NULL, 0);
	fr->olen += n;
	return n > 0;
}

/* The length of a collected body, and the end of the PARAMS stream. */
void
fcgi_params_length(struct fcgi_req *fr, uint64_t length)
{
	struct pbuf p;

	p.buf = fr->out + fr->olen + FCGI_HEADER_LEN;
	p.cap = LENGTH_RECORD_MAX - 3 * FCGI_HEADER_LEN;
	p.len = 0;
	p.full = false;
	param_num(&p, "CONTENT_LENGTH", (unsigned long long)length);
	fr->olen += fcgi_seal_record(fr->out + fr->olen,
	    sizeof(fr->out) - fr->olen, FCGI_PARAMS, FCGI_REQUEST_ID, p.len);
	fr->olen += fcgi_put_record(fr->out + fr->olen,
	    sizeof(fr->out) - fr->olen, FCGI_PARAMS, FCGI_REQUEST_ID, NULL, 0);
}
