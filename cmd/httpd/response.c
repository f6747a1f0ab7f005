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

#include "base/strbuf.h"
#include "worker.h"

/* The options that apply: the location's, the server's, or the default's. */
static const struct httpd_server *
conf_of(const struct conn *c)
{
	if (c->log.conf != NULL)
		return c->log.conf;
	return c->listener->servers[0];
}

/*
 * The head is written piece by piece with copies, not printf: a response
 * takes a dozen pieces, and formatting each cost more than the rest of
 * serving a small file from memory.  A piece that does not fit poisons
 * the buffer (see resp_end_head).
 */
static bool
put(struct conn *c, const char *s, size_t n)
{
	if (c->outlen >= HTTPD_OUTBUF || n >= HTTPD_OUTBUF - c->outlen) {
		c->outlen = HTTPD_OUTBUF;
		return false;
	}
	memcpy(c->out + c->outlen, s, n);
	c->outlen += n;
	return true;
}

static bool
put_str(struct conn *c, const char *s)
{
	return put(c, s, strlen(s));
}

static bool
put_num(struct conn *c, unsigned long long v)
{
	char digits[24];
	struct strbuf sb;

	strbuf_init(&sb, digits, sizeof(digits));
	strbuf_putnum(&sb, v, 1);
	return put(c, digits, sb.len);
}

/* `header set` or `header remove` names this field: ours is not sent. */
static bool
overridden(const struct conn *c, const char *name)
{
	const struct httpd_header *h;

	for (h = conf_of(c)->headers; h != NULL; h = h->next)
		if (h->op != HTTPD_HEADER_ADD && strcasecmp(h->name, name) == 0 &&
		    (h->always || !http_status_is_error(c->log.status)))
			return true;
	return false;
}

bool
resp_field(struct conn *c, const char *name, const char *value)
{
	if (overridden(c, name))
		return true;
	return put_str(c, name) && put(c, ": ", 2) && put_str(c, value) &&
	    put(c, "\r\n", 2);
}

bool
resp_field_num(struct conn *c, const char *name, unsigned long long value)
{
	if (overridden(c, name))
		return true;
	return put_str(c, name) && put(c, ": ", 2) && put_num(c, value) &&
	    put(c, "\r\n", 2);
}

bool
resp_header(struct conn *c, const char *name, const char *fmt, ...)
{
	char value[HTTPD_OUTBUF];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(value)) {
		c->outlen = HTTPD_OUTBUF;
		return false;
	}
	return resp_field(c, name, value);
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
	/* Draining, each response says it is the last: the client then
	 * knows to send its next request on a new connection. */
	if (c->nrequests + 1 >= (unsigned long long)srv->connection.max_requests
	    || w->draining)
		c->keep_alive = false;
	if (!put(c, "HTTP/1.1 ", 9) || !put_num(c, (unsigned)status) ||
	    !put(c, " ", 1) || !put_str(c, http_status_text(status)) ||
	    !put(c, "\r\nDate: ", 8) || !put_str(c, w->date) ||
	    !put(c, "\r\n", 2))
		return false;
	if (!srv->no_banner && !resp_field(c, "Server", "httpd"))
		return false;
	return c->keep_alive ? put_str(c, "Connection: keep-alive\r\n") :
	    put_str(c, "Connection: close\r\n");
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
		    (h->always || !http_status_is_error(c->log.status)) &&
		    (!put_str(c, h->name) || !put(c, ": ", 2) ||
		    !put_str(c, h->value) || !put(c, "\r\n", 2)))
			return false;
	/* max-age is 0 to INT_MAX (httpd.conf's grammar). */
	if (c->listener->tls && srv->hsts.enabled &&
	    (!put_str(c, "Strict-Transport-Security: max-age=") ||
	    !put_num(c, (unsigned long long)srv->hsts.max_age) ||
	    (srv->hsts.subdomains && !put_str(c, "; includeSubDomains")) ||
	    (srv->hsts.preload && !put_str(c, "; preload")) ||
	    !put(c, "\r\n", 2)))
		return false;
	return put(c, "\r\n", 2);
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
 * After these errors the connection cannot be trusted to be in step
 * (a request not read whole, or a framing error): it closes.  Errors of
 * the server itself (5xx) close too.
 */
static bool
keeps_connection(int status)
{
	switch (status) {
	case HTTP_STATUS_BAD_REQUEST:
	case HTTP_STATUS_REQUEST_TIMEOUT:
	case HTTP_STATUS_CONTENT_TOO_LARGE:
	case HTTP_STATUS_URI_TOO_LONG:
	case HTTP_STATUS_HEADERS_TOO_LARGE:
		return false;
	default:
		return status < HTTP_STATUS_INTERNAL_ERROR;
	}
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
	if (http_status_is_error(status))
		c->keep_alive = c->keep_alive && keeps_connection(status);
	if (!resp_head(w, c, status) ||
	    !resp_field(c, "Content-Type", "text/html; charset=utf-8") ||
	    !resp_field_num(c, "Content-Length", (unsigned long long)n) ||
	    (location != NULL && !resp_field(c, "Location", location)) ||
	    (status == HTTP_STATUS_METHOD_NOT_ALLOWED &&
	    !resp_field(c, "Allow", "GET, HEAD")) ||
	    (range_size != NULL && !resp_header(c, "Content-Range",
	    "bytes */%llu", (unsigned long long)*range_size)) ||
	    (status == HTTP_STATUS_UNAUTHORIZED && c->realm != NULL &&
	    !resp_header(c, "WWW-Authenticate", "Basic realm=\"%s\"",
	    c->realm)) ||
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
	error_page(w, c, HTTP_STATUS_RANGE_NOT_SATISFIABLE, NULL, &size);
}
