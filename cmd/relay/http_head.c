/*
 * http_head: the heads an HTTP relay sends on -- the client's request to
 * the host, the host's response to the client -- rebuilt from what the
 * strict parsers (lib/http) found, never copied as bytes: a field the
 * parser did not accept cannot reach the other side.  Hop-by-hop fields
 * (RFC 9110 section 7.6.1: Connection and every field it names,
 * Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade)
 * stay on their hop; the relay writes its own framing and Connection.
 * And the relay's own answers: an error page that closes.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http_status.h"
#include "http_relay.h"

static const struct http_slice hop_fields[] = {
	{ "Connection", 10 }, { "Keep-Alive", 10 }, { "Proxy-Connection", 16 },
	{ "TE", 2 }, { "Trailer", 7 }, { "Transfer-Encoding", 17 },
	{ "Upgrade", 7 }
};

static bool
slice_is(const struct http_slice *s, const char *word, size_t len)
{
	return s->ptr != NULL && s->len == len &&
	    strncasecmp(s->ptr, word, len) == 0;
}

/* Whether a Connection field lists `name` among its tokens. */
static bool
connection_names(const struct http_header *h, size_t n,
    const struct http_slice *name)
{
	const char *p, *end, *tok;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!slice_is(&h[i].name, "Connection", 10))
			continue;
		p = h[i].value.ptr;
		end = p + h[i].value.len;
		while (p < end) {
			while (p < end && (*p == ',' || *p == ' ' ||
			    *p == '\t'))
				p++;
			tok = p;
			while (p < end && *p != ',' && *p != ' ' && *p != '\t')
				p++;
			if ((size_t)(p - tok) == name->len &&
			    strncasecmp(tok, name->ptr, name->len) == 0)
				return true;
		}
	}
	return false;
}

/* conn: whether the head has a Connection field, which may name more. */
static bool
is_hop_field(const struct http_header *h, size_t n, size_t i, bool conn)
{
	size_t f;

	for (f = 0; f < sizeof(hop_fields) / sizeof(hop_fields[0]); f++)
		if (slice_is(&h[i].name, hop_fields[f].ptr, hop_fields[f].len))
			return true;
	return conn && connection_names(h, n, &h[i].name);
}

static bool
put(struct hbuf *b, const char *p, size_t n)
{
	if (b->len + n > b->cap)
		return false;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return true;
}

static bool
puts_(struct hbuf *b, const char *s)
{
	return put(b, s, strlen(s));
}

static bool
put_slice(struct hbuf *b, const struct http_slice *s)
{
	return put(b, s->ptr, s->len);
}

/*
 * The end-to-end fields, as the parser found them or the rules left
 * them (a removed field has no name).  The framing is the relay's own:
 * Content-Length goes out as the parser read it, or not at all.
 */
static bool
put_fields(struct hbuf *b, const struct http_header *h, size_t n,
    int64_t length)
{
	char line[64];
	bool conn = false;
	size_t i;

	for (i = 0; i < n && !conn; i++)
		conn = slice_is(&h[i].name, "Connection", 10);
	for (i = 0; i < n; i++) {
		if (h[i].name.ptr == NULL || is_hop_field(h, n, i, conn) ||
		    slice_is(&h[i].name, "Content-Length", 14))
			continue;
		if (!put_slice(b, &h[i].name) || !puts_(b, ": ") ||
		    !put_slice(b, &h[i].value) || !puts_(b, "\r\n"))
			return false;
	}
	if (length < 0)
		return true;
	(void)snprintf(line, sizeof(line), "Content-Length: %lld\r\n",
	    (long long)length);
	return puts_(b, line);
}

/* The value of the first field `name`, or NULL. */
static const struct http_slice *
field(const struct http_header *h, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (slice_is(&h[i].name, name, strlen(name)))
			return &h[i].value;
	return NULL;
}

bool
http_head_request(struct hbuf *b, const struct http_request *req,
    const struct http_header *f, size_t n, const struct http_slice *target,
    bool upgrade)
{
	char line[64];
	const struct http_slice *up;

	(void)snprintf(line, sizeof(line), " HTTP/1.%d\r\n", req->minor);
	if (!put_slice(b, &req->method_name) || !puts_(b, " ") ||
	    !put_slice(b, target) || !puts_(b, line) ||
	    !put_fields(b, f, n, req->chunked ? -1 : req->content_length))
		return false;
	if (req->chunked && !puts_(b, "Transfer-Encoding: chunked\r\n"))
		return false;
	if (upgrade) {
		up = field(f, n, "Upgrade");
		if (up == NULL || !puts_(b, "Connection: Upgrade\r\n"
		    "Upgrade: ") || !put_slice(b, up) || !puts_(b, "\r\n"))
			return false;
	} else if (req->minor == 0 && !puts_(b, "Connection: keep-alive\r\n"))
		return false;
	return puts_(b, "\r\n");
}

bool
http_head_response(struct hbuf *b, const struct http_response *resp,
    const struct http_header *f, size_t n, enum out_framing out,
    bool keep_alive, int client_minor)
{
	char line[64];
	const struct http_slice *up;

	(void)snprintf(line, sizeof(line), "HTTP/1.1 %03d ", resp->status);
	if (!puts_(b, line) || !put_slice(b, &resp->reason) ||
	    !puts_(b, "\r\n") || !put_fields(b, f, n, out == OUT_CHUNKED ?
	    -1 : resp->content_length))
		return false;
	if (out == OUT_CHUNKED && !puts_(b, "Transfer-Encoding: chunked\r\n"))
		return false;
	if (resp->status == 101) {
		up = field(f, n, "Upgrade");
		return up != NULL && puts_(b, "Connection: Upgrade\r\n"
		    "Upgrade: ") && put_slice(b, up) && puts_(b, "\r\n\r\n");
	}
	if (!keep_alive && !puts_(b, "Connection: close\r\n"))
		return false;
	if (keep_alive && client_minor == 0 &&
	    !puts_(b, "Connection: keep-alive\r\n"))
		return false;
	return puts_(b, "\r\n");
}

/* Whether the request asks for an upgrade (WebSocket) of its connection. */
bool
http_wants_upgrade(const struct http_request *req)
{
	static const struct http_slice upgrade = { "upgrade", 7 };

	return req->minor == 1 &&
	    field(req->headers, req->nheaders, "Upgrade") != NULL &&
	    connection_names(req->headers, req->nheaders, &upgrade);
}

/*
 * The relay's own page, as relayd writes it: the status, the rule's
 * label if a rule blocked the request, and the protocol's style.
 */
bool
http_head_error(struct hbuf *b, int status, const char *date,
    const char *style, const char *label)
{
	static char body[16384];
	char head[512];
	const char *text = http_status_text(status);
	int nb, nh;

	if (style == NULL)
		style = "body { background-color: #a00000; color: white; "
		    "font-family: sans-serif; }\nhr { border: 0; "
		    "border-bottom: 1px dashed; }";
	nb = snprintf(body, sizeof(body), "<!DOCTYPE html>\n<html>\n<head>\n"
	    "<title>%03d %s</title>\n<style type=\"text/css\"><!--\n%s\n"
	    "--></style>\n</head>\n<body>\n<h1>%s</h1>\n<div id='m'>%s</div>\n"
	    "<div id='l'>%s</div>\n<hr><address>relay</address>\n</body>\n"
	    "</html>\n", status, text, style, text, text,
	    label != NULL ? label : "");
	nh = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\nDate: %s\r\n"
	    "Server: relay\r\nContent-Type: text/html\r\nContent-Length: "
	    "%d\r\nConnection: close\r\n\r\n", status, text, date, nb);
	if (nb < 0 || nh < 0 || (size_t)nb >= sizeof(body) ||
	    (size_t)nh >= sizeof(head))
		return false;
	b->len = 0;
	return put(b, head, (size_t)nh) && put(b, body, (size_t)nb);
}
