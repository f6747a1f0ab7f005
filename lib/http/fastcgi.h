/*
 * fastcgi: the FastCGI 1.0 record codec, for both ends of the socket --
 * httpd as a client (it builds BEGIN_REQUEST, PARAMS and STDIN, and
 * parses STDOUT, STDERR and END_REQUEST) and fcgi-bridge as a server
 * (the other way round).
 *
 * No I/O, no allocation, caller-owned buffers.  Builders write whole
 * records into buf[0..cap) and return the record's length, or 0 when it
 * does not fit (nothing useful is written then).  The parser is fed
 * whatever bytes have arrived and yields one event per call; content is
 * shown in place and taken by the caller in pieces of its choosing, so
 * that no record ever needs to be buffered whole and a caller that cannot
 * pass bytes on (a slow client, a full pipe) simply takes none and stops
 * reading: back-pressure.
 */
#ifndef FASTCGI_H
#define FASTCGI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	FCGI_VERSION_1 = 1,
	FCGI_HEADER_LEN = 8,
	FCGI_CONTENT_MAX = 65535,	/* a 16-bit length */
	FCGI_PADDING_MAX = 255,
	FCGI_ALIGN = 8,			/* records are padded to this */
	FCGI_NV_LEN_MAX = 0x7fffffff,	/* 31 bits with the 4-byte form */
	FCGI_NULL_REQUEST_ID = 0	/* management records */
};

enum fcgi_type {
	FCGI_BEGIN_REQUEST = 1,
	FCGI_ABORT_REQUEST = 2,
	FCGI_END_REQUEST = 3,
	FCGI_PARAMS = 4,
	FCGI_STDIN = 5,
	FCGI_STDOUT = 6,
	FCGI_STDERR = 7,
	FCGI_DATA = 8,
	FCGI_GET_VALUES = 9,
	FCGI_GET_VALUES_RESULT = 10,
	FCGI_UNKNOWN_TYPE = 11,
	FCGI_TYPE_MAX = 11
};

enum fcgi_role {
	FCGI_RESPONDER = 1,
	FCGI_AUTHORIZER = 2,
	FCGI_FILTER = 3
};

enum { FCGI_KEEP_CONN = 1 };	/* BEGIN_REQUEST flags */

enum fcgi_protocol_status {
	FCGI_REQUEST_COMPLETE = 0,
	FCGI_CANT_MPX_CONN = 1,
	FCGI_OVERLOADED = 2,
	FCGI_UNKNOWN_ROLE = 3
};

/*
 * Every reason the codec refuses input.  One name, one text
 * (fcgi_strerror); callers log that text.
 */
enum fcgi_error {
	FCGI_E_NONE = 0,
	FCGI_E_VERSION,		/* version byte is not 1 */
	FCGI_E_TYPE,		/* record type unknown and not allowed */
	FCGI_E_LENGTH,		/* content length wrong for the type */
	FCGI_E_PADDING,		/* padding does not align the content */
	FCGI_E_ID_ZERO,		/* application record with request id 0 */
	FCGI_E_ID_MGMT,		/* management record with a request id */
	FCGI_E_ID_MISMATCH,	/* not the request id the caller expects */
	FCGI_E_NV_TRUNCATED,	/* a pair claims more bytes than there are */
	FCGI_E_NOSPACE,		/* the answer does not fit the buffer */
	FCGI_E__COUNT
};

const char	*fcgi_strerror(enum fcgi_error);

struct fcgi_header {
	uint8_t		version;
	uint8_t		type;
	uint16_t	request_id;
	uint16_t	content_length;
	uint8_t		padding_length;
};

/* Padding that brings len to a multiple of FCGI_ALIGN. */
uint8_t	fcgi_padding(size_t len);

/* --- building records ------------------------------------------------ */

/* The 8-byte header alone.  Returns FCGI_HEADER_LEN or 0. */
size_t	fcgi_put_header(uint8_t *buf, size_t cap, const struct fcgi_header *);
/*
 * A whole record of `type` carrying content[0..len), padded with zeros
 * to FCGI_ALIGN.  len 0 is the empty record that ends a stream (PARAMS,
 * STDIN, STDOUT, STDERR, DATA).  len must be at most FCGI_CONTENT_MAX.
 */
size_t	fcgi_put_record(uint8_t *buf, size_t cap, uint8_t type, uint16_t id,
	    const void *content, size_t len);
/*
 * The same, for content the caller has already placed at buf +
 * FCGI_HEADER_LEN (read(2) straight into the record, no copy): writes the
 * header in front and the padding after.
 */
size_t	fcgi_seal_record(uint8_t *buf, size_t cap, uint8_t type, uint16_t id,
	    size_t len);
size_t	fcgi_put_begin_request(uint8_t *buf, size_t cap, uint16_t id,
	    uint16_t role, uint8_t flags);
size_t	fcgi_put_end_request(uint8_t *buf, size_t cap, uint16_t id,
	    uint32_t app_status, uint8_t protocol_status);
size_t	fcgi_put_abort_request(uint8_t *buf, size_t cap, uint16_t id);
size_t	fcgi_put_unknown_type(uint8_t *buf, size_t cap, uint8_t type);

/* --- name-value pairs (PARAMS, GET_VALUES, GET_VALUES_RESULT) -------- */

struct fcgi_nv {
	const uint8_t	*name;		/* not NUL-terminated */
	size_t		 namelen;
	const uint8_t	*value;
	size_t		 valuelen;
};

/* Encoded size of a pair (1-byte lengths below 128), 0 if too long. */
size_t	fcgi_nv_size(size_t namelen, size_t valuelen);
/* Encode one pair into buf; returns its size or 0 if it does not fit. */
size_t	fcgi_nv_put(uint8_t *buf, size_t cap, const void *name,
	    size_t namelen, const void *value, size_t valuelen);
/*
 * Decode the pair at buf[*off..len) into nv, pointing into buf, and
 * advance *off.  Returns 1 for a pair, 0 at the end (*off == len), -1 if
 * the pair claims more bytes than remain (*err = FCGI_E_NV_TRUNCATED);
 * nothing past len is ever read.  A PARAMS stream may split a pair
 * across records: decode the concatenated stream, not single records.
 */
int	fcgi_nv_next(const uint8_t *buf, size_t len, size_t *off,
	    struct fcgi_nv *nv, enum fcgi_error *err);

/* What a server knows about itself, for FCGI_GET_VALUES. */
struct fcgi_value {
	const char	*name;
	const char	*value;
};
/*
 * Answer a GET_VALUES query (the record's content) with a whole
 * GET_VALUES_RESULT record in buf, naming only the variables found in
 * `known`, as the specification asks.  Returns FCGI_E_NONE and *outlen,
 * FCGI_E_NV_TRUNCATED for a malformed query, FCGI_E_NOSPACE.
 */
enum fcgi_error fcgi_put_get_values_result(uint8_t *buf, size_t cap,
	    size_t *outlen, const uint8_t *query, size_t qlen,
	    const struct fcgi_value *known, size_t nknown);

/* --- fixed-size record bodies ---------------------------------------- */

struct fcgi_begin {
	uint16_t	role;
	uint8_t		flags;
};
struct fcgi_end {
	uint32_t	app_status;
	uint8_t		protocol_status;
};
/* Decode the 8-byte body of a BEGIN_REQUEST (handed over with FCGI_EV_END). */
void	fcgi_get_begin(const uint8_t body[8], struct fcgi_begin *);

/* --- the incremental parser ------------------------------------------ */

enum {
	/* Report record types above FCGI_TYPE_MAX (a server must answer
	 * them with UNKNOWN_TYPE) instead of failing with FCGI_E_TYPE. */
	FCGI_PARSE_UNKNOWN_TYPES = 1 << 0,
	/* Refuse padding other than none or exactly to FCGI_ALIGN. */
	FCGI_PARSE_STRICT_PADDING = 1 << 1
};

enum fcgi_event_type {
	FCGI_EV_MORE,		/* every byte given was used: read more */
	FCGI_EV_HEADER,		/* a record begins: ev->header */
	FCGI_EV_CONTENT,	/* content at ev->data[0..ev->len): take it */
	FCGI_EV_END,		/* the record (and its padding) is over */
	FCGI_EV_ERROR		/* ev->error; the parser stays failed */
};

struct fcgi_event {
	enum fcgi_event_type	 type;
	struct fcgi_header	 header;	/* of the current record */
	const uint8_t		*data;		/* FCGI_EV_CONTENT */
	size_t			 len;
	uint8_t			 body[8];	/* FCGI_EV_END, fixed types */
	enum fcgi_error		 error;
};

enum fcgi_parse_state { FCGI_P_HEADER, FCGI_P_BODY, FCGI_P_CONTENT,
	FCGI_P_PADDING, FCGI_P_FAILED };

struct fcgi_parser {
	enum fcgi_parse_state	 state;
	unsigned		 flags;
	uint16_t		 expect_id;	/* 0: any */
	struct fcgi_header	 header;
	uint8_t			 hbuf[FCGI_HEADER_LEN];
	uint8_t			 body[8];	/* BEGIN, END, UNKNOWN_TYPE */
	size_t			 have;		/* bytes of hbuf or body */
	size_t			 content_left;
	size_t			 padding_left;
	enum fcgi_error		 error;
};

/*
 * flags: FCGI_PARSE_*.  expect_id non-zero makes application records of
 * any other request an error (a client with one request in flight);
 * a server passes 0 and applies its own policy to ids.
 */
void	fcgi_parser_init(struct fcgi_parser *, unsigned flags,
	    uint16_t expect_id);
/*
 * Look at buf[0..len), the bytes not yet used, and return the next event;
 * *used bytes were consumed (advance buf by them).  Every record gives
 * HEADER, then zero or more CONTENT, then END.  The content of
 * BEGIN_REQUEST, END_REQUEST and UNKNOWN_TYPE (8 bytes) is gathered by
 * the parser and given in ev->body with END; other content is shown as
 * CONTENT, with *used 0: the caller takes 0..ev->len of those bytes with
 * fcgi_take() and advances buf by that much.  Taking none means "not
 * now": call again later with the same bytes.  After ERROR, every call
 * returns ERROR.
 */
enum fcgi_event_type fcgi_parse(struct fcgi_parser *, const uint8_t *buf,
	    size_t len, size_t *used, struct fcgi_event *ev);
void	fcgi_take(struct fcgi_parser *, size_t n);

#endif
