/*
 * http_fields: what the request and the response head parsers share
 * (RFC 9112): the types they return, finding a CR LF line, and the
 * header section with the fields that frame a message (Content-Length,
 * Transfer-Encoding, Connection).  Internal to lib/http: the interfaces
 * are http_request.h and http_response.h, which include this header.
 *
 * The same contract as theirs: pure functions over (buf, len), no
 * allocation, never a read past len, slices point into buf.  The rules
 * are the strict ones of http_request.h, and errors carry no status: each
 * caller maps an http_field_error to its own answer.
 */
#ifndef HTTP_FIELDS_H
#define HTTP_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of a header section, requests and responses alike. */
enum {
	HTTP_HEADER_BYTES_MAX = 8192,	/* header fields together */
	HTTP_HEADERS_MAX = 100		/* number of fields */
};

struct http_slice {
	const char	*ptr;	/* NULL: absent */
	size_t		 len;
};

struct http_header {
	struct http_slice name;
	struct http_slice value;	/* without leading/trailing OWS */
};

enum http_parse {
	HTTP_PARSE_DONE,	/* filled; head_len bytes used */
	HTTP_PARSE_MORE,	/* the head is not complete yet */
	HTTP_PARSE_ERROR	/* the result's error says why */
};

/* Why a line or a header section was refused: one name, one text. */
enum http_field_error {
	HTTP_FIELD_OK = 0,
	HTTP_FIELD_BARE_LF,
	HTTP_FIELD_BARE_CR,
	HTTP_FIELD_LINE_TOO_LONG,	/* a limit: 431 for a request */
	HTTP_FIELD_OBS_FOLD,
	HTTP_FIELD_BAD_NAME,
	HTTP_FIELD_CONTROL_BYTE,
	HTTP_FIELD_TOO_MANY,		/* a limit */
	HTTP_FIELD_TOO_LARGE,		/* a limit */
	HTTP_FIELD_DUP_CONTENT_LENGTH,
	HTTP_FIELD_BAD_CONTENT_LENGTH,
	HTTP_FIELD_DUP_TRANSFER_ENCODING,
	HTTP_FIELD_BAD_TRANSFER_ENCODING,
	HTTP_FIELD_CHUNKED_TWICE,
	HTTP_FIELD_CHUNKED_NOT_LAST,
	HTTP_FIELD_TE_UNSUPPORTED,	/* well-formed, not "chunked": 501 */
	HTTP_FIELD_CL_AND_TE,
	HTTP_FIELD_TE_IN_HTTP10,
	HTTP_FIELD_ERROR_COUNT
};

/* The short text of an error, for logs; "" for HTTP_FIELD_OK. */
const char	*http_field_error_text(enum http_field_error);

/*
 * Find the CR LF ending the line that starts at pos, looking at most max
 * bytes for the CR.  DONE: *eol is the index of the CR.  MORE: no CR LF
 * in len yet.  ERROR: *err says why (a bare CR or LF, or no end in max).
 */
enum http_parse	 http_line_find(const char *buf, size_t len, size_t pos,
		    size_t max, size_t *eol, enum http_field_error *err);

/* What http_fields_parse fills. */
struct http_fields {
	struct http_header	*headers;	/* caller's, HTTP_HEADERS_MAX */
	size_t			 nheaders;
	int64_t			 content_length;	/* -1: none */
	bool			 chunked;	/* Transfer-Encoding: chunked */
	bool			 keep_alive;	/* after version and Connection */
	bool			 upgrade;	/* Connection: upgrade */
	size_t			 end;		/* just past the empty line */
};

/*
 * The header section starting at pos, through its empty line, of a
 * message of HTTP/1.minor.  f->headers must point to HTTP_HEADERS_MAX
 * fields; the rest of *f is set here.
 */
enum http_parse	 http_fields_parse(const char *buf, size_t len, size_t pos,
		    int minor, struct http_fields *f,
		    enum http_field_error *err);

/* tchar of RFC 9110 section 5.6.2: what names and methods are made of. */
bool		 http_is_tchar(unsigned char);
/* Whether n bytes are field-value text: VCHAR, SP, HTAB, obs-text. */
bool		 http_is_text(const char *p, size_t n);
/* s equals word, case-insensitively. */
bool		 http_slice_is(struct http_slice s, const char *word);
/* The first of n fields named `name` (case-insensitive), or NULL. */
const struct http_header *http_header_find(const struct http_header *,
		    size_t n, const char *name);

#endif
