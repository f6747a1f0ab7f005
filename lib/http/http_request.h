/*
 * http_request: parse the head of an HTTP/1.x request (RFC 9112) in place.
 *
 * A pure function over (buf, len): no I/O, no allocation, never reads past
 * len.  Pointers in the result point into buf and stay valid as long as
 * buf does.  The grammar is strict, because a server or proxy that guesses
 * at framing is how requests get smuggled:
 *   - CR LF ends every line; a bare CR or bare LF is an error;
 *   - obs-fold (a line starting with SP or HTAB), whitespace before the
 *     colon, control bytes, a name that is not a token: errors;
 *   - Content-Length: digits only, at most once; Transfer-Encoding: exactly
 *     "chunked", at most once, never with Content-Length, never on 1.0;
 *   - HTTP/1.1 needs exactly one Host; HTTP/1.0 may have none, not two.
 * Each error carries the status to answer with, and every error means the
 * connection must be closed after the answer.
 */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_fields.h"
#include "http/http_status.h"

/*
 * Limits, each the reason for its status code.  Past HTTP_HEADER_BYTES_MAX
 * or HTTP_HEADERS_MAX (http_fields.h) the answer is 431.
 */
enum {
	HTTP_REQUEST_LINE_MAX = 8192,	/* longer: 414 (or 400 if no URI) */
	HTTP_LEADING_CRLF_MAX = 8	/* empty lines tolerated before it */
};

/* Methods of RFC 9110 and WebDAV that relayd's filter rules name. */
enum http_method {
	HTTP_METHOD_UNKNOWN = 0,
	HTTP_METHOD_GET, HTTP_METHOD_HEAD, HTTP_METHOD_POST, HTTP_METHOD_PUT,
	HTTP_METHOD_DELETE, HTTP_METHOD_OPTIONS, HTTP_METHOD_CONNECT,
	HTTP_METHOD_TRACE, HTTP_METHOD_PATCH,
	HTTP_METHOD_ACL, HTTP_METHOD_BASELINE_CONTROL, HTTP_METHOD_CHECKIN,
	HTTP_METHOD_CHECKOUT, HTTP_METHOD_COPY, HTTP_METHOD_LABEL,
	HTTP_METHOD_LOCK, HTTP_METHOD_MERGE, HTTP_METHOD_MKACTIVITY,
	HTTP_METHOD_MKCOL, HTTP_METHOD_MKREDIRECTREF, HTTP_METHOD_MKWORKSPACE,
	HTTP_METHOD_MOVE, HTTP_METHOD_ORDERPATCH, HTTP_METHOD_PROPFIND,
	HTTP_METHOD_PROPPATCH, HTTP_METHOD_REPORT, HTTP_METHOD_SEARCH,
	HTTP_METHOD_UNCHECKOUT, HTTP_METHOD_UNLOCK, HTTP_METHOD_UPDATE,
	HTTP_METHOD_UPDATEREDIRECTREF, HTTP_METHOD_VERSION_CONTROL,
	HTTP_METHOD_COUNT
};

/* The four forms of request-target (RFC 9112 section 3.2). */
enum http_target_form {
	HTTP_TARGET_ORIGIN,	/* /path?query */
	HTTP_TARGET_ABSOLUTE,	/* http://host/path?query */
	HTTP_TARGET_AUTHORITY,	/* host:port, CONNECT only */
	HTTP_TARGET_ASTERISK	/* *, OPTIONS only */
};

struct http_request {
	enum http_method	 method;
	struct http_slice	 method_name;
	enum http_target_form	 form;
	struct http_slice	 target;	/* as sent */
	struct http_slice	 path;		/* target's path, with query */
	struct http_slice	 authority;	/* absolute/authority form */
	int			 minor;		/* HTTP/1.minor: 0 or 1 */
	struct http_header	 headers[HTTP_HEADERS_MAX];
	size_t			 nheaders;
	struct http_slice	 host;		/* Host field, if any */
	int64_t			 content_length;	/* -1: none */
	bool			 chunked;
	bool			 keep_alive;	/* after version and Connection */
	bool			 expect_continue;
	size_t			 head_len;	/* bytes of the head, with CRLFCRLF */
	enum http_status	 status;	/* set on HTTP_PARSE_ERROR */
	const char		*error;		/* short reason, for the log */
};

/* On HTTP_PARSE_ERROR, req->status and req->error say why. */
enum http_parse	 http_request_parse(const char *buf, size_t len,
		    struct http_request *req);
/* The method's name, e.g. "GET"; "" for HTTP_METHOD_UNKNOWN. */
const char	*http_method_name(enum http_method);
/* The first field named `name` (case-insensitive), or NULL. */
const struct http_header *http_request_header(const struct http_request *,
		    const char *name);

#endif
