/*
 * http_response: the response head parser; see http_response.h for the
 * contract.  The status line is read here; the header section and what
 * frames the body are http_fields', the same code that reads requests.
 * Like the request parser it starts over on every call.
 */
#include <string.h>

#include "http/http_response.h"

/* "HTTP/1." then the minor digit: what every response starts with. */
static const char version_prefix[] = "HTTP/1.";
#define VERSION_PREFIX_LEN (sizeof(version_prefix) - 1)

static enum http_parse
fail(struct http_response *resp, const char *why)
{
	resp->error = why;
	return HTTP_PARSE_ERROR;
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * A backend that does not speak HTTP/1.x (HTTP/0.9, a TLS alert, a
 * banner) is refused at its first wrong byte, not after the line limit
 * or a timeout.
 */
static bool
starts_like_response(const char *buf, size_t len)
{
	size_t n = len < VERSION_PREFIX_LEN ? len : VERSION_PREFIX_LEN;

	return memcmp(buf, version_prefix, n) == 0;
}

/*
 * HTTP-version SP status-code [SP reason-phrase], between 0 and eol.
 * RFC 9112 section 4 wants the SP even with an empty reason; without it
 * the line still ends right after three digits, so accepting it costs
 * nothing and spares a 502 for servers that omit it.
 */
static enum http_parse
parse_status_line(const char *buf, size_t eol, struct http_response *resp)
{
	const size_t code = VERSION_PREFIX_LEN + 2;	/* "HTTP/1.1 " */
	const char *p = buf + code;

	if (eol < code + 3 || !is_digit(buf[VERSION_PREFIX_LEN]) ||
	    buf[VERSION_PREFIX_LEN + 1] != ' ')
		return fail(resp, "invalid version");
	resp->minor = buf[VERSION_PREFIX_LEN] - '0';
	if (p[0] < '1' || p[0] > '9' || !is_digit(p[1]) || !is_digit(p[2]))
		return fail(resp, "invalid status code");
	resp->status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	resp->reason.ptr = p + 3;
	if (eol == code + 3)
		return HTTP_PARSE_DONE;
	if (p[3] != ' ')
		return fail(resp, "invalid status code");
	resp->reason.ptr = p + 4;
	resp->reason.len = eol - code - 4;
	if (!http_is_text(resp->reason.ptr, resp->reason.len))
		return fail(resp, "control byte in reason phrase");
	return HTTP_PARSE_DONE;
}

static enum http_parse
parse_fields(const char *buf, size_t len, size_t pos,
    struct http_response *resp)
{
	struct http_fields f = { .headers = resp->headers };
	enum http_field_error err = HTTP_FIELD_OK;
	enum http_parse r;

	r = http_fields_parse(buf, len, pos, resp->minor, &f, &err);
	resp->nheaders = f.nheaders;
	if (r == HTTP_PARSE_ERROR)
		return fail(resp, http_field_error_text(err));
	if (r != HTTP_PARSE_DONE)
		return r;
	resp->head_len = f.end;
	resp->content_length = f.content_length;
	resp->chunked = f.chunked;
	resp->upgrade = f.upgrade;
	/* A body delimited by close cannot be followed by another response. */
	resp->keep_alive = f.keep_alive &&
	    http_response_body(resp, false) != HTTP_BODY_UNTIL_CLOSE;
	return HTTP_PARSE_DONE;
}

static void
reset(struct http_response *resp)
{
	/* The header array is filled as it is used: no need to clear it. */
	resp->minor = 0;
	resp->status = 0;
	resp->reason.ptr = NULL;
	resp->reason.len = 0;
	resp->nheaders = 0;
	resp->content_length = -1;
	resp->chunked = false;
	resp->keep_alive = false;
	resp->upgrade = false;
	resp->head_len = 0;
	resp->error = NULL;
}

enum http_parse
http_response_parse(const char *buf, size_t len, struct http_response *resp)
{
	size_t eol;
	enum http_parse r;
	enum http_field_error err = HTTP_FIELD_OK;

	reset(resp);
	if (!starts_like_response(buf, len))
		return fail(resp, "not an HTTP/1.x response");
	r = http_line_find(buf, len, 0, HTTP_RESPONSE_LINE_MAX, &eol, &err);
	if (r == HTTP_PARSE_ERROR)
		return fail(resp, err == HTTP_FIELD_LINE_TOO_LONG ?
		    "status line too long" : http_field_error_text(err));
	if (r != HTTP_PARSE_DONE)
		return r;
	if (parse_status_line(buf, eol, resp) != HTTP_PARSE_DONE)
		return HTTP_PARSE_ERROR;
	return parse_fields(buf, len, eol + 2, resp);
}

/*
 * RFC 9112 section 6.3, in its order: no body for HEAD, 1xx, 204 and 304
 * whatever the fields say; then chunked; then Content-Length; else the
 * body runs until the backend closes.
 */
enum http_body_kind
http_response_body(const struct http_response *resp, bool request_was_head)
{
	if (request_was_head || resp->status < 200 || resp->status == 204 ||
	    resp->status == 304)
		return HTTP_BODY_NONE;
	if (resp->chunked)
		return HTTP_BODY_CHUNKED;
	if (resp->content_length >= 0)
		return HTTP_BODY_LENGTH;
	return HTTP_BODY_UNTIL_CLOSE;
}

const struct http_header *
http_response_header(const struct http_response *resp, const char *name)
{
	return http_header_find(resp->headers, resp->nheaders, name);
}
