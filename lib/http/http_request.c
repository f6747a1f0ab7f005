/*
 * http_request: the request head parser; see http_request.h for the
 * contract.  The head is parsed from the start on every call: a caller
 * calls again when more bytes have arrived, and the limits keep each
 * pass short.
 */
#include <string.h>
#include <strings.h>

#include "http/http_request.h"

static const char *const method_names[HTTP_METHOD_COUNT] = {
	[HTTP_METHOD_UNKNOWN] = "",
	[HTTP_METHOD_GET] = "GET", [HTTP_METHOD_HEAD] = "HEAD",
	[HTTP_METHOD_POST] = "POST", [HTTP_METHOD_PUT] = "PUT",
	[HTTP_METHOD_DELETE] = "DELETE", [HTTP_METHOD_OPTIONS] = "OPTIONS",
	[HTTP_METHOD_CONNECT] = "CONNECT", [HTTP_METHOD_TRACE] = "TRACE",
	[HTTP_METHOD_PATCH] = "PATCH", [HTTP_METHOD_ACL] = "ACL",
	[HTTP_METHOD_BASELINE_CONTROL] = "BASELINE-CONTROL",
	[HTTP_METHOD_CHECKIN] = "CHECKIN", [HTTP_METHOD_CHECKOUT] = "CHECKOUT",
	[HTTP_METHOD_COPY] = "COPY", [HTTP_METHOD_LABEL] = "LABEL",
	[HTTP_METHOD_LOCK] = "LOCK", [HTTP_METHOD_MERGE] = "MERGE",
	[HTTP_METHOD_MKACTIVITY] = "MKACTIVITY", [HTTP_METHOD_MKCOL] = "MKCOL",
	[HTTP_METHOD_MKREDIRECTREF] = "MKREDIRECTREF",
	[HTTP_METHOD_MKWORKSPACE] = "MKWORKSPACE", [HTTP_METHOD_MOVE] = "MOVE",
	[HTTP_METHOD_ORDERPATCH] = "ORDERPATCH",
	[HTTP_METHOD_PROPFIND] = "PROPFIND",
	[HTTP_METHOD_PROPPATCH] = "PROPPATCH", [HTTP_METHOD_REPORT] = "REPORT",
	[HTTP_METHOD_SEARCH] = "SEARCH",
	[HTTP_METHOD_UNCHECKOUT] = "UNCHECKOUT",
	[HTTP_METHOD_UNLOCK] = "UNLOCK", [HTTP_METHOD_UPDATE] = "UPDATE",
	[HTTP_METHOD_UPDATEREDIRECTREF] = "UPDATEREDIRECTREF",
	[HTTP_METHOD_VERSION_CONTROL] = "VERSION-CONTROL"
};

const char *
http_method_name(enum http_method m)
{
	return (unsigned)m < HTTP_METHOD_COUNT ? method_names[m] : "";
}

/* tchar of RFC 9110 section 5.6.2: what names and methods are made of. */
static bool
is_tchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return true;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static bool
slice_is(struct http_slice s, const char *word)
{
	return s.len == strlen(word) && strncasecmp(s.ptr, word, s.len) == 0;
}

static enum http_parse
fail(struct http_request *req, enum http_status status, const char *why)
{
	req->status = status;
	req->error = why;
	return HTTP_PARSE_ERROR;
}

/*
 * Find the CR LF ending the line at pos, looking at most `max` bytes.
 * *eol is the index of the CR.  A lone CR or LF is an error.
 */
static enum http_parse
find_line(const char *buf, size_t len, size_t pos, size_t max, size_t *eol,
    struct http_request *req, enum http_status too_long)
{
	size_t i, end = len - pos > max ? pos + max : len;

	for (i = pos; i < end; i++) {
		if (buf[i] == '\n')
			return fail(req, HTTP_STATUS_BAD_REQUEST, "bare LF");
		if (buf[i] != '\r')
			continue;
		if (i + 1 == len)
			return HTTP_PARSE_MORE;
		if (buf[i + 1] != '\n')
			return fail(req, HTTP_STATUS_BAD_REQUEST, "bare CR");
		*eol = i;
		return HTTP_PARSE_DONE;
	}
	if (end == len)
		return HTTP_PARSE_MORE;
	return fail(req, too_long, "line too long");
}

static enum http_method
lookup_method(struct http_slice name)
{
	int m;

	/* Methods are case-sensitive (RFC 9110 section 9.1). */
	for (m = HTTP_METHOD_UNKNOWN + 1; m < HTTP_METHOD_COUNT; m++)
		if (strlen(method_names[m]) == name.len &&
		    memcmp(method_names[m], name.ptr, name.len) == 0)
			return (enum http_method)m;
	return HTTP_METHOD_UNKNOWN;
}

/* Host and authority: reg-name, IPv4 or [IPv6], optional :port. */
static bool
valid_authority(struct http_slice s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.ptr[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~:[]", ch) != NULL) ||
		    ch == '\0')
			return false;
		if (ch == '.' && i + 1 < s.len && s.ptr[i + 1] == '.')
			return false;
	}
	return true;
}

static const char *
scheme_end(struct http_slice t)
{
	if (t.len >= 7 && strncasecmp(t.ptr, "http://", 7) == 0)
		return t.ptr + 7;
	if (t.len >= 8 && strncasecmp(t.ptr, "https://", 8) == 0)
		return t.ptr + 8;
	return NULL;
}

static enum http_parse
classify_target(struct http_request *req)
{
	struct http_slice t = req->target;
	const char *host, *end = t.ptr + t.len, *p;

	if (t.ptr[0] == '/') {
		req->form = HTTP_TARGET_ORIGIN;
		req->path = t;
		return HTTP_PARSE_DONE;
	}
	if (req->method == HTTP_METHOD_CONNECT) {
		req->form = HTTP_TARGET_AUTHORITY;
		req->authority = t;
		if (!valid_authority(t))
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "invalid authority");
		return HTTP_PARSE_DONE;
	}
	if (t.len == 1 && t.ptr[0] == '*') {
		if (req->method != HTTP_METHOD_OPTIONS)
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "'*' target without OPTIONS");
		req->form = HTTP_TARGET_ASTERISK;
		return HTTP_PARSE_DONE;
	}
	if ((host = scheme_end(t)) == NULL)
		return fail(req, HTTP_STATUS_BAD_REQUEST, "invalid target");
	for (p = host; p < end && *p != '/' && *p != '?'; p++)
		;
	req->form = HTTP_TARGET_ABSOLUTE;
	req->authority.ptr = host;
	req->authority.len = (size_t)(p - host);
	if (req->authority.len == 0 || !valid_authority(req->authority))
		return fail(req, HTTP_STATUS_BAD_REQUEST, "invalid authority");
	/* An empty path is "/" (RFC 9112 section 3.2.2). */
	req->path.ptr = p < end && *p == '/' ? p : "/";
	req->path.len = p < end && *p == '/' ? (size_t)(end - p) : 1;
	return HTTP_PARSE_DONE;
}

/* "HTTP/" DIGIT "." DIGIT; only 1.0 and 1.1 are served. */
static enum http_parse
parse_version(const char *v, size_t len, struct http_request *req)
{
	if (len != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return fail(req, HTTP_STATUS_BAD_REQUEST, "invalid version");
	if (v[5] != '1' || v[7] > '1')
		return fail(req, HTTP_STATUS_VERSION_NOT_SUPPORTED,
		    "unsupported version");
	req->minor = v[7] - '0';
	return HTTP_PARSE_DONE;
}

/* method SP request-target SP HTTP-version, between pos and eol. */
static enum http_parse
parse_request_line(const char *buf, size_t pos, size_t eol,
    struct http_request *req)
{
	size_t i = pos, start;

	while (i < eol && is_tchar((unsigned char)buf[i]))
		i++;
	if (i == pos || i == eol || buf[i] != ' ')
		return fail(req, HTTP_STATUS_BAD_REQUEST, "invalid method");
	req->method_name.ptr = buf + pos;
	req->method_name.len = i - pos;
	start = ++i;
	while (i < eol && (unsigned char)buf[i] > 0x20 &&
	    (unsigned char)buf[i] < 0x7f)
		i++;
	if (i == start || i == eol || buf[i] != ' ')
		return fail(req, HTTP_STATUS_BAD_REQUEST, "invalid target");
	req->target.ptr = buf + start;
	req->target.len = i - start;
	if (parse_version(buf + i + 1, eol - i - 1, req) != HTTP_PARSE_DONE)
		return HTTP_PARSE_ERROR;
	/* Only now: a bad version is 505 even with a strange method. */
	if ((req->method = lookup_method(req->method_name)) ==
	    HTTP_METHOD_UNKNOWN)
		return fail(req, HTTP_STATUS_NOT_IMPLEMENTED,
		    "unknown method");
	return classify_target(req);
}

/* An over-long first line: 414 if it is the target that does not end. */
static enum http_status
request_line_too_long(const char *buf, size_t pos, size_t len)
{
	size_t max = len - pos > HTTP_REQUEST_LINE_MAX ?
	    HTTP_REQUEST_LINE_MAX : len - pos;
	const char *sp = memchr(buf + pos, ' ', max), *end = buf + pos + max;

	if (sp == NULL)
		return HTTP_STATUS_BAD_REQUEST;
	sp++;
	return memchr(sp, ' ', (size_t)(end - sp)) == NULL ?
	    HTTP_STATUS_URI_TOO_LONG : HTTP_STATUS_BAD_REQUEST;
}

static bool
parse_content_length(struct http_slice v, int64_t *out)
{
	int64_t n = 0;
	size_t i;

	/* 18 digits always fit in int64_t; longer is not a real length. */
	if (v.len == 0 || v.len > 18)
		return false;
	for (i = 0; i < v.len; i++) {
		if (v.ptr[i] < '0' || v.ptr[i] > '9')
			return false;
		n = n * 10 + (v.ptr[i] - '0');
	}
	*out = n;
	return true;
}

/* Next element of a comma list, OWS trimmed; false at the end. */
static bool
list_next(struct http_slice *rest, struct http_slice *elem)
{
	const char *p = rest->ptr, *end, *e;

	if (p == NULL)
		return false;
	end = p + rest->len;
	e = memchr(p, ',', rest->len);
	if (e == NULL)
		e = end;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	elem->ptr = p;
	elem->len = (size_t)(e - p);
	while (elem->len > 0 && (p[elem->len - 1] == ' ' ||
	    p[elem->len - 1] == '\t'))
		elem->len--;
	if (e == end)
		rest->ptr = NULL;
	else {
		rest->ptr = e + 1;
		rest->len = (size_t)(end - e - 1);
	}
	return true;
}

/* Transfer-Encoding: exactly "chunked"; other codings are 501. */
static enum http_parse
parse_transfer_encoding(struct http_slice v, struct http_request *req)
{
	struct http_slice rest = v, elem;
	size_t n = 0, i;
	bool chunked_seen = false;

	while (list_next(&rest, &elem)) {
		n++;
		for (i = 0; i < elem.len; i++)
			if (!is_tchar((unsigned char)elem.ptr[i]))
				break;
		if (elem.len == 0 || i < elem.len)
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "malformed Transfer-Encoding");
		if (slice_is(elem, "chunked")) {
			if (chunked_seen)
				return fail(req, HTTP_STATUS_BAD_REQUEST,
				    "chunked twice");
			chunked_seen = true;
		} else if (chunked_seen)
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "chunked is not the last coding");
	}
	if (!chunked_seen || n != 1)
		return fail(req, HTTP_STATUS_NOT_IMPLEMENTED,
		    "unsupported Transfer-Encoding");
	req->chunked = true;
	return HTTP_PARSE_DONE;
}

static void
parse_connection(struct http_slice v, bool *close, bool *keep)
{
	struct http_slice rest = v, elem;

	while (list_next(&rest, &elem)) {
		if (slice_is(elem, "close"))
			*close = true;
		else if (slice_is(elem, "keep-alive"))
			*keep = true;
	}
}

struct framing {
	bool	cl_seen, te_seen, close, keep;
};

/* What the server must understand of a field to frame the request. */
static enum http_parse
interpret_header(const struct http_header *h, struct http_request *req,
    struct framing *f)
{
	if (slice_is(h->name, "Host")) {
		if (req->host.ptr != NULL)
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "duplicate Host");
		if (!valid_authority(h->value))
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "invalid Host");
		req->host = h->value;
	} else if (slice_is(h->name, "Content-Length")) {
		if (f->cl_seen)
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "duplicate Content-Length");
		f->cl_seen = true;
		if (!parse_content_length(h->value, &req->content_length))
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "invalid Content-Length");
	} else if (slice_is(h->name, "Transfer-Encoding")) {
		if (f->te_seen)
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "duplicate Transfer-Encoding");
		f->te_seen = true;
		return parse_transfer_encoding(h->value, req);
	} else if (slice_is(h->name, "Connection"))
		parse_connection(h->value, &f->close, &f->keep);
	else if (slice_is(h->name, "Expect") &&
	    slice_is(h->value, "100-continue"))
		req->expect_continue = true;
	return HTTP_PARSE_DONE;
}

/* field-name ":" OWS field-value OWS, between pos and eol. */
static enum http_parse
parse_field(const char *buf, size_t pos, size_t eol, struct http_header *h,
    struct http_request *req)
{
	size_t i = pos, end = eol;

	if (buf[pos] == ' ' || buf[pos] == '\t')
		return fail(req, HTTP_STATUS_BAD_REQUEST, "obs-fold");
	while (i < eol && is_tchar((unsigned char)buf[i]))
		i++;
	if (i == pos || i == eol || buf[i] != ':')
		return fail(req, HTTP_STATUS_BAD_REQUEST,
		    "invalid header name");
	h->name.ptr = buf + pos;
	h->name.len = i - pos;
	for (i++; i < eol && (buf[i] == ' ' || buf[i] == '\t'); i++)
		;
	while (end > i && (buf[end - 1] == ' ' || buf[end - 1] == '\t'))
		end--;
	h->value.ptr = buf + i;
	h->value.len = end - i;
	for (; i < end; i++) {
		unsigned char ch = (unsigned char)buf[i];

		/* VCHAR, SP, HTAB and obs-text; no other control. */
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "control byte in header value");
	}
	return HTTP_PARSE_DONE;
}

static enum http_parse
parse_fields(const char *buf, size_t len, size_t pos, struct http_request *req)
{
	size_t start = pos, eol, budget;
	enum http_parse r;
	struct framing f = { false, false, false, false };

	for (;;) {
		budget = HTTP_HEADER_BYTES_MAX - (pos - start);
		r = find_line(buf, len, pos, budget + 2, &eol, req,
		    HTTP_STATUS_HEADERS_TOO_LARGE);
		if (r != HTTP_PARSE_DONE)
			return r;
		if (eol == pos)
			break;
		if (req->nheaders == HTTP_HEADERS_MAX)
			return fail(req, HTTP_STATUS_HEADERS_TOO_LARGE,
			    "too many header fields");
		if (parse_field(buf, pos, eol, &req->headers[req->nheaders],
		    req) != HTTP_PARSE_DONE)
			return HTTP_PARSE_ERROR;
		if (interpret_header(&req->headers[req->nheaders], req, &f) !=
		    HTTP_PARSE_DONE)
			return HTTP_PARSE_ERROR;
		req->nheaders++;
		pos = eol + 2;
		if (pos - start > HTTP_HEADER_BYTES_MAX)
			return fail(req, HTTP_STATUS_HEADERS_TOO_LARGE,
			    "header fields too large");
	}
	req->head_len = eol + 2;
	if (f.cl_seen && f.te_seen)
		return fail(req, HTTP_STATUS_BAD_REQUEST,
		    "both Content-Length and Transfer-Encoding");
	if (f.te_seen && req->minor == 0)
		return fail(req, HTTP_STATUS_BAD_REQUEST,
		    "Transfer-Encoding in HTTP/1.0");
	if (req->minor == 1 && req->host.ptr == NULL)
		return fail(req, HTTP_STATUS_BAD_REQUEST, "missing Host");
	req->keep_alive = req->minor == 1 ? !f.close : (f.keep && !f.close);
	return HTTP_PARSE_DONE;
}

static void
reset(struct http_request *req)
{
	/* The header array is filled as it is used: no need to clear it. */
	memset(req, 0, offsetof(struct http_request, headers));
	req->nheaders = 0;
	req->host.ptr = NULL;
	req->host.len = 0;
	req->content_length = -1;
	req->chunked = false;
	req->keep_alive = false;
	req->expect_continue = false;
	req->head_len = 0;
	req->status = HTTP_STATUS_NONE;
	req->error = NULL;
}

enum http_parse
http_request_parse(const char *buf, size_t len, struct http_request *req)
{
	size_t pos = 0, eol, n;
	enum http_parse r;

	reset(req);
	/* RFC 9112 section 2.2: ignore a few empty lines before a request. */
	for (n = 0; pos + 1 < len && buf[pos] == '\r' && buf[pos + 1] == '\n';
	    n++, pos += 2)
		if (n == HTTP_LEADING_CRLF_MAX)
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "too many empty lines");
	if (len - pos < 2)
		return HTTP_PARSE_MORE;
	r = find_line(buf, len, pos, HTTP_REQUEST_LINE_MAX, &eol, req,
	    HTTP_STATUS_URI_TOO_LONG);
	if (r == HTTP_PARSE_ERROR && req->status == HTTP_STATUS_URI_TOO_LONG)
		req->status = request_line_too_long(buf, pos, len);
	if (r != HTTP_PARSE_DONE)
		return r;
	if (parse_request_line(buf, pos, eol, req) != HTTP_PARSE_DONE)
		return HTTP_PARSE_ERROR;
	return parse_fields(buf, len, eol + 2, req);
}

const struct http_header *
http_request_header(const struct http_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (slice_is(req->headers[i].name, name))
			return &req->headers[i];
	return NULL;
}
