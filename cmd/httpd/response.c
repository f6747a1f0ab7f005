/*
 * response: the head of a response, written once into the connection's
 * output buffer, and the built-in error pages.  A head that does not fit
 * the buffer is a bug in a configuration (hundreds of custom headers), so
 * it becomes a 500 rather than a truncated head.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "worker.h"

struct status_text {
	int		 code;
	const char	*text;
};

/* RFC 9110 section 15, in order. */
static const struct status_text statuses[] = {
	{ 100, "Continue" }, { 101, "Switching Protocols" },
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 203, "Non-Authoritative Information" }, { 204, "No Content" },
	{ 205, "Reset Content" }, { 206, "Partial Content" },
	{ 300, "Multiple Choices" }, { 301, "Moved Permanently" },
	{ 302, "Found" }, { 303, "See Other" }, { 304, "Not Modified" },
	{ 305, "Use Proxy" }, { 307, "Temporary Redirect" },
	{ 308, "Permanent Redirect" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" },
	{ 402, "Payment Required" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" }, { 407, "Proxy Authentication Required" },
	{ 408, "Request Timeout" }, { 409, "Conflict" }, { 410, "Gone" },
	{ 411, "Length Required" }, { 412, "Precondition Failed" },
	{ 413, "Content Too Large" }, { 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 416, "Range Not Satisfiable" },
	{ 417, "Expectation Failed" }, { 418, "I'm a teapot" },
	{ 421, "Misdirected Request" }, { 422, "Unprocessable Content" },
	{ 425, "Too Early" }, { 426, "Upgrade Required" },
	{ 428, "Precondition Required" }, { 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 451, "Unavailable For Legal Reasons" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" }
};

const char *
http_status_text(int code)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].code == code)
			return statuses[i].text;
	return "Unknown";
}

/* The options that apply: the location's, the server's, or the default's. */
static const struct httpd_server *
conf_of(const struct conn *c)
{
	if (c->log.conf != NULL)
		return c->log.conf;
	return c->listener->servers[0];
}

static bool
append(struct conn *c, const char *fmt, va_list ap)
{
	int n;

	if (c->outlen >= HTTPD_OUTBUF)
		return false;
	n = vsnprintf(c->out + c->outlen, HTTPD_OUTBUF - c->outlen, fmt, ap);
	if (n < 0 || (size_t)n >= HTTPD_OUTBUF - c->outlen) {
		c->outlen = HTTPD_OUTBUF;	/* poisoned: see resp_end_head */
		return false;
	}
	c->outlen += (size_t)n;
	return true;
}

static bool
appendf(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = append(c, fmt, ap);
	va_end(ap);
	return ok;
}

/* `header set` or `header remove` names this field: ours is not sent. */
static bool
overridden(const struct conn *c, const char *name)
{
	const struct httpd_header *h;

	for (h = conf_of(c)->headers; h != NULL; h = h->next)
		if (h->op != HTTPD_HEADER_ADD && strcasecmp(h->name, name) == 0 &&
		    (h->always || c->log.status < 400))
			return true;
	return false;
}

bool
resp_header(struct conn *c, const char *name, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	if (overridden(c, name))
		return true;
	if (!appendf(c, "%s: ", name))
		return false;
	va_start(ap, fmt);
	ok = append(c, fmt, ap);
	va_end(ap);
	return ok && appendf(c, "\r\n");
}

/* The status line and the fields every response carries. */
bool
resp_head(struct worker *w, struct conn *c, int status)
{
	const struct httpd_server *srv = conf_of(c);

	if (!conn_take_outbuf(w, c))
		return false;
	c->outlen = c->outoff = 0;
	c->log.status = status;
	if (c->nrequests + 1 >= (unsigned long long)srv->connection.max_requests)
		c->keep_alive = false;
	if (!appendf(c, "HTTP/1.1 %d %s\r\nDate: %s\r\n", status,
	    http_status_text(status), w->date))
		return false;
	if (!srv->no_banner && !resp_header(c, "Server", "httpd"))
		return false;
	return appendf(c, "Connection: %s\r\n",
	    c->keep_alive ? "keep-alive" : "close");
}

/*
 * The configured fields (`header set|add`, on 2xx and 3xx unless
 * `always`), HSTS on TLS connections, then the blank line.
 */
bool
resp_end_head(struct conn *c)
{
	const struct httpd_server *srv = conf_of(c);
	const struct httpd_header *h;

	for (h = srv->headers; h != NULL; h = h->next)
		if (h->op != HTTPD_HEADER_REMOVE &&
		    (h->always || c->log.status < 400) &&
		    !appendf(c, "%s: %s\r\n", h->name, h->value))
			return false;
	if (c->listener->tls && srv->hsts.enabled &&
	    !appendf(c, "Strict-Transport-Security: max-age=%lld%s%s\r\n",
	    srv->hsts.max_age, srv->hsts.subdomains ? "; includeSubDomains" :
	    "", srv->hsts.preload ? "; preload" : ""))
		return false;
	return appendf(c, "\r\n");
}

/* Forget a planned file body: an error replaces it. */
void
release_file(struct conn *c)
{
	if (c->file != -1) {
		(void)close(c->file);
		c->file = -1;
	}
	c->nsegs = c->seg = 0;
}

void
resp_add_mem(struct conn *c, const char *p, size_t len)
{
	if (c->nsegs == HTTPD_SEGS_MAX || len == 0)
		return;
	c->segs[c->nsegs].mem = p;
	c->segs[c->nsegs].off = 0;
	c->segs[c->nsegs++].len = len;
}

void
resp_add_file(struct conn *c, int fd, uint64_t off, uint64_t len)
{
	c->file = fd;
	if (c->nsegs == HTTPD_SEGS_MAX || len == 0)
		return;
	c->segs[c->nsegs].mem = NULL;
	c->segs[c->nsegs].off = off;
	c->segs[c->nsegs++].len = len;
}

/* The built-in page: a title, the status and, unless `no banner`, us. */
static int
builtin_page(const struct httpd_server *srv, int status, char *body,
    size_t size)
{
	const char *text = http_status_text(status);
	int n;

	n = snprintf(body, size,
	    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>%d %s</title>\n<style>\nbody { font-family: sans-serif; "
	    "margin: 2em; }\nhr { border: 0; border-bottom: 1px solid #ccc; }"
	    "\n</style>\n</head>\n<body>\n<h1>%d %s</h1>\n<hr>\n%s</body>\n"
	    "</html>\n", status, text, status, text,
	    srv->no_banner ? "" : "<address>httpd</address>\n");
	return n < 0 || (size_t)n >= size ? 0 : n;
}

/*
 * The page after the head: in the output buffer if it fits there, else
 * in a heap copy sent as a segment of its own.  A long head (a Location
 * that keeps a query, configured fields) and a custom page of up to 8 KiB
 * can pass the buffer together; every byte Content-Length announced must
 * follow, or a client that keeps the connection reads the next response
 * as the rest of this one.  False only if memory is out.
 */
static bool
place_body(struct conn *c, const char *body, size_t n)
{
	char *copy;

	if (n <= HTTPD_OUTBUF - c->outlen) {
		memcpy(c->out + c->outlen, body, n);
		c->outlen += n;
		c->log.bytes = (uint64_t)n;
		return true;
	}
	if ((copy = malloc(n)) == NULL)
		return false;
	memcpy(copy, body, n);
	c->heap = copy;
	resp_add_mem(c, copy, n);
	return true;
}

/*
 * A complete error response with a small HTML page, placed after the head
 * in the output buffer.  `location` is sent for redirections, and a 416
 * says the size of what could not be ranged (range_size, else ignored).
 */
static void
error_page(struct worker *w, struct conn *c, int status, const char *location,
    const uint64_t *range_size)
{
	const struct httpd_server *srv = conf_of(c);
	char body[8192];
	int n;

	if ((n = (int)errdoc_render(srv, status, body, sizeof(body))) == 0)
		n = builtin_page(srv, status, body, sizeof(body));
	/* What was planned before the error (a listing, part heads) goes. */
	c->nsegs = c->seg = 0;
	free(c->heap);
	c->heap = NULL;
	if (status >= 400)
		c->keep_alive = c->keep_alive && status != 400 &&
		    status != 408 && status != 413 && status != 414 &&
		    status != 431 && status < 500;
	if (!resp_head(w, c, status) ||
	    !resp_header(c, "Content-Type", "text/html; charset=utf-8") ||
	    !resp_header(c, "Content-Length", "%d", n) ||
	    (location != NULL && !resp_header(c, "Location", "%s", location)) ||
	    (status == 405 && !resp_header(c, "Allow", "GET, HEAD")) ||
	    (range_size != NULL && !resp_header(c, "Content-Range",
	    "bytes */%llu", (unsigned long long)*range_size)) ||
	    (status == 401 && c->realm != NULL && !resp_header(c,
	    "WWW-Authenticate", "Basic realm=\"%s\"", c->realm)) ||
	    !resp_end_head(c)) {
		c->outlen = 0;
		c->keep_alive = false;
		return;
	}
	if (w->req.method != HTTP_METHOD_HEAD && !place_body(c, body,
	    (size_t)n)) {
		/* The length is announced: no body, no answer at all. */
		c->outlen = 0;
		c->keep_alive = false;
	}
}

void
resp_error(struct worker *w, struct conn *c, int status, const char *location)
{
	error_page(w, c, status, location, NULL);
}

void
resp_error_range(struct worker *w, struct conn *c, uint64_t size)
{
	error_page(w, c, 416, NULL, &size);
}
