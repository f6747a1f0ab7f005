/*
 * libFuzzer driver for the HTTP request head parser.  Besides crashes and
 * sanitizer reports it checks the parser's promises: every slice lies
 * inside the input, a finished head re-parses alone to the same length,
 * and an error always carries a status.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_slice(const char *buf, size_t len, struct http_slice s)
{
	if (s.ptr == NULL || s.len == 0)
		return;
	if (s.len == 1 && s.ptr[0] == '/' && (s.ptr < buf || s.ptr >= buf + len))
		return;		/* the absolute form's implied "/" */
	if (s.ptr < buf || s.ptr + s.len > buf + len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_request req, again;
	const char *buf = (const char *)data;
	size_t i;

	switch (http_request_parse(buf, size, &req)) {
	case HTTP_PARSE_ERROR:
		if (req.status < 400 || req.status > 505 || req.error == NULL)
			abort();
		return 0;
	case HTTP_PARSE_MORE:
		return 0;
	case HTTP_PARSE_DONE:
		break;
	}
	if (req.head_len > size || req.nheaders > HTTP_HEADERS_MAX)
		abort();
	check_slice(buf, size, req.target);
	check_slice(buf, size, req.path);
	check_slice(buf, size, req.host);
	for (i = 0; i < req.nheaders; i++) {
		check_slice(buf, size, req.headers[i].name);
		check_slice(buf, size, req.headers[i].value);
	}
	if (http_request_parse(buf, req.head_len, &again) != HTTP_PARSE_DONE ||
	    again.head_len != req.head_len)
		abort();
	return 0;
}
