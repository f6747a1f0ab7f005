/*
 * libFuzzer driver for the HTTP response head parser.  Besides crashes and
 * sanitizer reports it checks the parser's promises: every slice lies
 * inside the input, a finished head re-parses alone to the same length,
 * an error always carries a reason, and the framing agrees with the
 * fields (a body until close never keeps the connection).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_response.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_slice(const char *buf, size_t len, struct http_slice s)
{
	if (s.ptr == NULL)
		abort();
	if (s.ptr < buf || s.len > len || s.ptr + s.len > buf + len)
		abort();
}

static void
check_framing(const struct http_response *resp)
{
	enum http_body_kind get = http_response_body(resp, false);

	if (http_response_body(resp, true) != HTTP_BODY_NONE)
		abort();
	if (resp->chunked && resp->content_length >= 0)
		abort();
	if (get == HTTP_BODY_UNTIL_CLOSE && resp->keep_alive)
		abort();
	if (get == HTTP_BODY_LENGTH && resp->content_length < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_response resp, again;
	const char *buf = (const char *)data;
	size_t i;

	switch (http_response_parse(buf, size, &resp)) {
	case HTTP_PARSE_ERROR:
		if (resp.error == NULL || resp.error[0] == '\0')
			abort();
		return 0;
	case HTTP_PARSE_MORE:
		return 0;
	case HTTP_PARSE_DONE:
		break;
	}
	if (resp.head_len > size || resp.nheaders > HTTP_HEADERS_MAX ||
	    resp.status < 100 || resp.status > 999 || resp.minor < 0 ||
	    resp.minor > 9)
		abort();
	check_slice(buf, size, resp.reason);
	for (i = 0; i < resp.nheaders; i++) {
		check_slice(buf, size, resp.headers[i].name);
		check_slice(buf, size, resp.headers[i].value);
	}
	check_framing(&resp);
	if (http_response_parse(buf, resp.head_len, &again) != HTTP_PARSE_DONE ||
	    again.head_len != resp.head_len)
		abort();
	return 0;
}
