/*
 * http_response: parse the head of an HTTP/1.x response (RFC 9112) in
 * place, as a relay reads what a backend answers before passing it on.
 *
 * A pure function over (buf, len): no I/O, no allocation, never reads past
 * len.  Pointers in the result point into buf and stay valid as long as
 * buf does.  The grammar is the strict one of http_request.h, because a
 * proxy that frames a response differently from its client is how
 * responses get smuggled or split:
 *   - the status line is "HTTP/1." DIGIT SP 3DIGIT SP reason CR LF; a
 *     missing SP and reason ("HTTP/1.1 200" CR LF) is accepted, since
 *     many servers send it and it leaves nothing to guess; a minor
 *     version above 1 is read as 1.1 (RFC 9110 section 2.5);
 *   - CR LF ends every line; a bare CR or bare LF is an error;
 *   - obs-fold, whitespace before the colon, control bytes in a value or
 *     the reason, a name that is not a token: errors;
 *   - Content-Length: digits only, at most once, even when repeated with
 *     the same value (a proxy must not guess which one the client reads);
 *     Transfer-Encoding: exactly "chunked", at most once, never with
 *     Content-Length, never on 1.0;
 *   - a head larger than the limits is an error, not a truncation.
 * Errors carry no status: whatever the backend got wrong, the relay
 * answers 502 and closes.  `error` is a short text for the log.
 */
#ifndef HTTP_RESPONSE_H
#define HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_fields.h"

/*
 * The status line's limit, as long as a request line's: a reason phrase
 * carries nothing a relay needs.  The header section has the limits of
 * http_fields.h, HTTP_HEADER_BYTES_MAX and HTTP_HEADERS_MAX.
 */
enum {
	HTTP_RESPONSE_LINE_MAX = 8192
};

struct http_response {
	int			 minor;		/* HTTP/1.minor, as sent */
	int			 status;	/* 100..999, as sent */
	struct http_slice	 reason;	/* may be empty, never NULL */
	struct http_header	 headers[HTTP_HEADERS_MAX];
	size_t			 nheaders;
	int64_t			 content_length;	/* -1: none */
	bool			 chunked;
	/*
	 * After version and Connection; false too when the body would run
	 * until close for any request but HEAD (the one case parsing cannot
	 * tell: such a response to HEAD closes a connection needlessly).
	 */
	bool			 keep_alive;
	bool			 upgrade;	/* Connection: upgrade */
	size_t			 head_len;	/* bytes of the head, CRLFCRLF */
	const char		*error;		/* short reason, for the log */
};

/*
 * DONE: resp filled, head_len bytes used; the body (if any) and whatever
 * follows are left in buf.  MORE: the head is not complete yet; call again
 * with more bytes.  ERROR: resp->error says why; answer 502, close.
 * A 1xx response is a whole head of its own: after it (except 101, which
 * with `upgrade` turns the connection into a tunnel) the final response
 * follows on the same connection.
 */
enum http_parse	 http_response_parse(const char *buf, size_t len,
		    struct http_response *resp);

/* How the body of a response is framed (RFC 9112 section 6.3). */
enum http_body_kind {
	HTTP_BODY_NONE,		/* 1xx, 204, 304, or the answer to HEAD */
	HTTP_BODY_LENGTH,	/* content_length bytes */
	HTTP_BODY_CHUNKED,	/* chunked coding (http_chunked.h) */
	HTTP_BODY_UNTIL_CLOSE	/* all the backend sends until it closes */
};

/* The framing of a parsed response, given the request it answers. */
enum http_body_kind http_response_body(const struct http_response *resp,
		    bool request_was_head);
/* The first field named `name` (case-insensitive), or NULL. */
const struct http_header *http_response_header(const struct http_response *,
		    const char *name);

#endif
