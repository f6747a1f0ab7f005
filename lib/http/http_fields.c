/*
 * http_fields: the header section of a request or a response; see
 * http_fields.h for the contract.  What frames a message is decided
 * here, once, so a request and a response can never be framed by two
 * readings of the same rules.
 */
#include <string.h>
#include <strings.h>

#include "http/http_fields.h"

static const char *const field_error_texts[HTTP_FIELD_ERROR_COUNT] = {
	[HTTP_FIELD_OK] = "",
	[HTTP_FIELD_BARE_LF] = "bare LF",
	[HTTP_FIELD_BARE_CR] = "bare CR",
	[HTTP_FIELD_LINE_TOO_LONG] = "line too long",
	[HTTP_FIELD_OBS_FOLD] = "obs-fold",
	[HTTP_FIELD_BAD_NAME] = "invalid header name",
	[HTTP_FIELD_CONTROL_BYTE] = "control byte in header value",
	[HTTP_FIELD_TOO_MANY] = "too many header fields",
	[HTTP_FIELD_TOO_LARGE] = "header fields too large",
	[HTTP_FIELD_DUP_CONTENT_LENGTH] = "duplicate Content-Length",
	[HTTP_FIELD_BAD_CONTENT_LENGTH] = "invalid Content-Length",
	[HTTP_FIELD_DUP_TRANSFER_ENCODING] = "duplicate Transfer-Encoding",
	[HTTP_FIELD_BAD_TRANSFER_ENCODING] = "malformed Transfer-Encoding",
	[HTTP_FIELD_CHUNKED_TWICE] = "chunked twice",
	[HTTP_FIELD_CHUNKED_NOT_LAST] = "chunked is not the last coding",
	[HTTP_FIELD_TE_UNSUPPORTED] = "unsupported Transfer-Encoding",
	[HTTP_FIELD_CL_AND_TE] = "both Content-Length and Transfer-Encoding",
	[HTTP_FIELD_TE_IN_HTTP10] = "Transfer-Encoding in HTTP/1.0"
};

const char *
http_field_error_text(enum http_field_error e)
{
	return (unsigned)e < HTTP_FIELD_ERROR_COUNT ? field_error_texts[e] : "";
}

bool
http_is_tchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return true;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

bool
http_is_text(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		/* VCHAR, SP, HTAB and obs-text; no other control. */
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return false;
	}
	return true;
}

bool
http_slice_is(struct http_slice s, const char *word)
{
	return s.len == strlen(word) && strncasecmp(s.ptr, word, s.len) == 0;
}

const struct http_header *
http_header_find(const struct http_header *h, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (http_slice_is(h[i].name, name))
			return &h[i];
	return NULL;
}

static enum http_parse
fail(enum http_field_error *err, enum http_field_error why)
{
	*err = why;
	return HTTP_PARSE_ERROR;
}

enum http_parse
http_line_find(const char *buf, size_t len, size_t pos, size_t max,
    size_t *eol, enum http_field_error *err)
{
	size_t i, end = len - pos > max ? pos + max : len;

	for (i = pos; i < end; i++) {
		if (buf[i] == '\n')
			return fail(err, HTTP_FIELD_BARE_LF);
		if (buf[i] != '\r')
			continue;
		if (i + 1 == len)
			return HTTP_PARSE_MORE;
		if (buf[i + 1] != '\n')
			return fail(err, HTTP_FIELD_BARE_CR);
		*eol = i;
		return HTTP_PARSE_DONE;
	}
	if (end == len)
		return HTTP_PARSE_MORE;
	return fail(err, HTTP_FIELD_LINE_TOO_LONG);
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

/*
 * Transfer-Encoding: exactly "chunked".  A coding under chunked (gzip)
 * would have to be passed on or undone, and "chunked, chunked" framed
 * twice: a server or proxy that guesses either way can be desynchronised
 * from the peer it talks to, so only the one framing is accepted.
 */
static enum http_parse
parse_transfer_encoding(struct http_slice v, struct http_fields *f,
    enum http_field_error *err)
{
	struct http_slice rest = v, elem;
	size_t n = 0, i;
	bool chunked_seen = false;

	while (list_next(&rest, &elem)) {
		n++;
		for (i = 0; i < elem.len; i++)
			if (!http_is_tchar((unsigned char)elem.ptr[i]))
				break;
		if (elem.len == 0 || i < elem.len)
			return fail(err, HTTP_FIELD_BAD_TRANSFER_ENCODING);
		if (http_slice_is(elem, "chunked")) {
			if (chunked_seen)
				return fail(err, HTTP_FIELD_CHUNKED_TWICE);
			chunked_seen = true;
		} else if (chunked_seen)
			return fail(err, HTTP_FIELD_CHUNKED_NOT_LAST);
	}
	if (!chunked_seen || n != 1)
		return fail(err, HTTP_FIELD_TE_UNSUPPORTED);
	f->chunked = true;
	return HTTP_PARSE_DONE;
}

struct connection {
	bool	close, keep, upgrade;
};

/* Connection options; several fields add up (RFC 9110 section 5.3). */
static void
parse_connection(struct http_slice v, struct connection *c)
{
	struct http_slice rest = v, elem;

	while (list_next(&rest, &elem)) {
		if (http_slice_is(elem, "close"))
			c->close = true;
		else if (http_slice_is(elem, "keep-alive"))
			c->keep = true;
		else if (http_slice_is(elem, "upgrade"))
			c->upgrade = true;
	}
}

/*
 * What must be understood of a field to frame the message.  A second
 * Content-Length is refused even when it repeats the first (stricter
 * than RFC 9112 section 6.3): whoever sent two had a reason, and the
 * next hop may read the other one.
 */
static enum http_parse
interpret_field(const struct http_header *h, struct http_fields *f,
    struct connection *c, enum http_field_error *err)
{
	if (http_slice_is(h->name, "Content-Length")) {
		if (f->content_length >= 0)
			return fail(err, HTTP_FIELD_DUP_CONTENT_LENGTH);
		if (!parse_content_length(h->value, &f->content_length))
			return fail(err, HTTP_FIELD_BAD_CONTENT_LENGTH);
	} else if (http_slice_is(h->name, "Transfer-Encoding")) {
		if (f->chunked)
			return fail(err, HTTP_FIELD_DUP_TRANSFER_ENCODING);
		return parse_transfer_encoding(h->value, f, err);
	} else if (http_slice_is(h->name, "Connection"))
		parse_connection(h->value, c);
	return HTTP_PARSE_DONE;
}

/* field-name ":" OWS field-value OWS, between pos and eol. */
static enum http_parse
parse_field(const char *buf, size_t pos, size_t eol, struct http_header *h,
    enum http_field_error *err)
{
	size_t i = pos, end = eol;

	if (buf[pos] == ' ' || buf[pos] == '\t')
		return fail(err, HTTP_FIELD_OBS_FOLD);
	while (i < eol && http_is_tchar((unsigned char)buf[i]))
		i++;
	if (i == pos || i == eol || buf[i] != ':')
		return fail(err, HTTP_FIELD_BAD_NAME);
	h->name.ptr = buf + pos;
	h->name.len = i - pos;
	for (i++; i < eol && (buf[i] == ' ' || buf[i] == '\t'); i++)
		;
	while (end > i && (buf[end - 1] == ' ' || buf[end - 1] == '\t'))
		end--;
	h->value.ptr = buf + i;
	h->value.len = end - i;
	if (!http_is_text(h->value.ptr, h->value.len))
		return fail(err, HTTP_FIELD_CONTROL_BYTE);
	return HTTP_PARSE_DONE;
}

/* The checks that need the whole section, then persistence. */
static enum http_parse
finish(int minor, const struct connection *c, struct http_fields *f,
    enum http_field_error *err)
{
	if (f->content_length >= 0 && f->chunked)
		return fail(err, HTTP_FIELD_CL_AND_TE);
	/* RFC 9112 section 6.1: a 1.0 peer may not know chunked. */
	if (f->chunked && minor == 0)
		return fail(err, HTTP_FIELD_TE_IN_HTTP10);
	/* 1.1 (and a later 1.x, read as 1.1) persists unless closed. */
	f->keep_alive = minor >= 1 ? !c->close : (c->keep && !c->close);
	f->upgrade = c->upgrade;
	return HTTP_PARSE_DONE;
}

enum http_parse
http_fields_parse(const char *buf, size_t len, size_t pos, int minor,
    struct http_fields *f, enum http_field_error *err)
{
	size_t start = pos, eol, budget;
	enum http_parse r;
	struct connection c = { false, false, false };

	f->nheaders = 0;
	f->content_length = -1;
	f->chunked = f->keep_alive = f->upgrade = false;
	f->end = 0;
	for (;;) {
		budget = HTTP_HEADER_BYTES_MAX - (pos - start);
		r = http_line_find(buf, len, pos, budget + 2, &eol, err);
		if (r != HTTP_PARSE_DONE)
			return r;
		if (eol == pos)
			break;
		if (f->nheaders == HTTP_HEADERS_MAX)
			return fail(err, HTTP_FIELD_TOO_MANY);
		if (parse_field(buf, pos, eol, &f->headers[f->nheaders],
		    err) != HTTP_PARSE_DONE ||
		    interpret_field(&f->headers[f->nheaders], f, &c, err) !=
		    HTTP_PARSE_DONE)
			return HTTP_PARSE_ERROR;
		f->nheaders++;
		pos = eol + 2;
		if (pos - start > HTTP_HEADER_BYTES_MAX)
			return fail(err, HTTP_FIELD_TOO_LARGE);
	}
	f->end = eol + 2;
	return finish(minor, &c, f, err);
}
