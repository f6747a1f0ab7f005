/*
 * http_range: interpret a Range header field (RFC 9110 section 14)
 * against the size of the representation.
 *
 * Pure: no I/O, no allocation.  Only the "bytes" unit exists.  A field
 * that cannot be parsed, names another unit, or asks for more than
 * HTTP_RANGES_MAX ranges is ignored -- the whole file is sent, as the RFC
 * allows -- so that a client can never make the server do more work than
 * a few plain responses.  No satisfiable range at all is 416.
 */
#ifndef HTTP_RANGE_H
#define HTTP_RANGE_H

#include <stddef.h>
#include <stdint.h>

enum { HTTP_RANGES_MAX = 4 };	/* as OpenBSD's httpd */

struct http_range {
	uint64_t	first, last;	/* inclusive byte positions */
};

enum http_range_result {
	HTTP_RANGE_IGNORE,		/* send everything: 200 */
	HTTP_RANGE_PARTIAL,		/* send the ranges: 206 */
	HTTP_RANGE_UNSATISFIABLE	/* 416, Content-Range: bytes * / size */
};

/* Ranges are returned in the order asked, at most HTTP_RANGES_MAX. */
enum http_range_result http_range_parse(const char *field, size_t len,
	    uint64_t size, struct http_range *ranges, size_t *nranges);

#endif
