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

static enum http_parse
fail(struct http_request *req, enum http_status status, const char *why)
{
	req->status = status;
	req->error = why;
	return HTTP_PARSE_ERROR;
}

/* A field error's status: a limit is 431, an unknown coding 501. */
static enum http_status
field_status(enum http_field_error e)
{
	switch (e) {
	case HTTP_FIELD_LINE_TOO_LONG:
	case HTTP_FIELD_TOO_MANY:
	case HTTP_FIELD_TOO_LARGE:
		return HTTP_STATUS_HEADERS_TOO_LARGE;
	case HTTP_FIELD_TE_UNSUPPORTED:
		return HTTP_STATUS_NOT_IMPLEMENTED;
	default:
		return HTTP_STATUS_BAD_REQUEST;
	}
}

static enum http_parse
fail_field(struct http_request *req, enum http_field_error e)
{
	return fail(req, field_status(e), http_field_error_text(e));
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

	while (i < eol && http_is_tchar((unsigned char)buf[i]))
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

/*
 * The fields only a request has: exactly one Host on 1.1 (at most one on
 * 1.0), and Expect.  Read once the section is whole and framed.
 */
static enum http_parse
interpret_request_fields(struct http_request *req)
{
	const struct http_header *h;
	size_t i;

	for (i = 0; i < req->nheaders; i++) {
		h = &req->headers[i];
		if (http_slice_is(h->name, "Host")) {
			if (req->host.ptr != NULL)
				return fail(req, HTTP_STATUS_BAD_REQUEST,
				    "duplicate Host");
			if (!valid_authority(h->value))
				return fail(req, HTTP_STATUS_BAD_REQUEST,
				    "invalid Host");
			req->host = h->value;
		} else if (http_slice_is(h->name, "Expect") &&
		    http_slice_is(h->value, "100-continue"))
			req->expect_continue = true;
	}
	if (req->minor == 1 && req->host.ptr == NULL)
		return fail(req, HTTP_STATUS_BAD_REQUEST, "missing Host");
	return HTTP_PARSE_DONE;
}

static enum http_parse
parse_fields(const char *buf, size_t len, size_t pos, struct http_request *req)
{
	struct http_fields f = { .headers = req->headers };
	enum http_field_error err = HTTP_FIELD_OK;
	enum http_parse r;

	r = http_fields_parse(buf, len, pos, req->minor, &f, &err);
	req->nheaders = f.nheaders;
	if (r == HTTP_PARSE_ERROR)
		return fail_field(req, err);
	if (r != HTTP_PARSE_DONE)
		return r;
	req->head_len = f.end;
	req->content_length = f.content_length;
	req->chunked = f.chunked;
	req->keep_alive = f.keep_alive;
	return interpret_request_fields(req);
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
	enum http_field_error err = HTTP_FIELD_OK;

	reset(req);
	/* RFC 9112 section 2.2: ignore a few empty lines before a request. */
	for (n = 0; pos + 1 < len && buf[pos] == '\r' && buf[pos + 1] == '\n';
	    n++, pos += 2)
		if (n == HTTP_LEADING_CRLF_MAX)
			return fail(req, HTTP_STATUS_BAD_REQUEST,
			    "too many empty lines");
	if (len - pos < 2)
		return HTTP_PARSE_MORE;
	r = http_line_find(buf, len, pos, HTTP_REQUEST_LINE_MAX, &eol, &err);
	if (r == HTTP_PARSE_ERROR && err == HTTP_FIELD_LINE_TOO_LONG)
		return fail(req, request_line_too_long(buf, pos, len),
		    http_field_error_text(err));
	if (r == HTTP_PARSE_ERROR)
		return fail(req, HTTP_STATUS_BAD_REQUEST,
		    http_field_error_text(err));
	if (r != HTTP_PARSE_DONE)
		return r;
	if (parse_request_line(buf, pos, eol, req) != HTTP_PARSE_DONE)
		return HTTP_PARSE_ERROR;
	return parse_fields(buf, len, eol + 2, req);
}

const struct http_header *
http_request_header(const struct http_request *req, const char *name)
{
	return http_header_find(req->headers, req->nheaders, name);
}
