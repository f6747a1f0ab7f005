/*
 * http_chunked: decode a chunked request body (RFC 9112 section 7.1)
 * incrementally and in place.
 *
 * No I/O, no allocation.  The caller feeds whatever bytes have arrived;
 * the decoder moves the body bytes they carry to the front of the same
 * buffer and says how much input it used, so a server can hand the data
 * on and keep the rest (the next pipelined request) where it is.
 * Strict, as framing must be: chunk sizes are 1-16 hex digits and nothing
 * else (no sign, no 0x, no leading blanks), every line ends in CR LF,
 * extensions and trailers are bounded.  Any error means 400 and close.
 */
#ifndef HTTP_CHUNKED_H
#define HTTP_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

enum {
	HTTP_CHUNK_LINE_MAX = 1024,	/* size line with its extensions */
	HTTP_CHUNK_TRAILER_MAX = 8192	/* all trailer fields together */
};

enum http_chunked_state {
	CHUNK_SIZE, CHUNK_EXT, CHUNK_SIZE_LF, CHUNK_DATA, CHUNK_DATA_CR,
	CHUNK_DATA_LF, CHUNK_TRAILER, CHUNK_TRAILER_LF, CHUNK_DONE
};

struct http_chunked {
	enum http_chunked_state	 state;
	uint64_t		 remaining;	/* of the current chunk */
	size_t			 digits;	/* of the size read so far */
	size_t			 line;		/* bytes of the current line */
	size_t			 trailer;	/* trailer bytes so far */
	uint64_t		 total;		/* body bytes decoded */
	const char		*error;
};

enum http_chunked_result {
	HTTP_CHUNKED_MORE,	/* all input used; the body goes on */
	HTTP_CHUNKED_DONE,	/* the body ended; *used may be < len */
	HTTP_CHUNKED_ERROR	/* malformed: answer 400 and close */
};

void	http_chunked_init(struct http_chunked *);
/*
 * Decode buf[0..len).  On return the body bytes found are at
 * buf[0..*produced), and *used input bytes were consumed (for DONE, the
 * bytes after them are not part of this body).
 */
enum http_chunked_result http_chunked_decode(struct http_chunked *,
	    char *buf, size_t len, size_t *used, size_t *produced);

#endif
