/*
 * Unit tests of the chunked body decoder: bodies split at every offset,
 * extensions and trailers, pipelined bytes after the body, and each kind
 * of malformed chunk framing.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "http/http_chunked.h"
#include "tap.h"

/*
 * Decode s in pieces of `step` bytes, as they would arrive, into body.
 * Returns the final result; *rest is the count of bytes after the body.
 */
static enum http_chunked_result
decode(const char *s, size_t step, char *body, size_t *bodylen, size_t *rest)
{
	struct http_chunked c;
	char buf[4096];
	size_t len = strlen(s), off = 0, have = 0, used, produced;
	enum http_chunked_result r = HTTP_CHUNKED_MORE;

	http_chunked_init(&c);
	*bodylen = 0;
	*rest = 0;
	while (r == HTTP_CHUNKED_MORE && (off < len || have > 0)) {
		size_t n = len - off < step ? len - off : step;

		memcpy(buf + have, s + off, n);
		off += n;
		have += n;
		r = http_chunked_decode(&c, buf, have, &used, &produced);
		memcpy(body + *bodylen, buf, produced);
		*bodylen += produced;
		memmove(buf, buf + used, have - used);
		have -= used;
		if (n == 0)
			break;
	}
	*rest = have + (len - off);
	return r;
}

struct chunk_case {
	const char	*name;
	const char	*in;
	const char	*body;		/* NULL: must be an error */
	size_t		 rest;
};

static const struct chunk_case cases[] = {
	{ "one chunk", "5\r\nhello\r\n0\r\n\r\n", "hello", 0 },
	{ "two chunks", "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", "abcde", 0 },
	{ "hex sizes", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789", 0 },
	{ "uppercase and leading zeros", "000B\r\nhello world\r\n00\r\n\r\n",
	    "hello world", 0 },
	{ "extension", "5;name=value\r\nhello\r\n0;x\r\n\r\n", "hello", 0 },
	{ "extension after blanks", "5 ;a\r\nhello\r\n0\r\n\r\n", "hello", 0 },
	{ "trailer fields", "5\r\nhello\r\n0\r\nX-A: 1\r\nX-B: 2\r\n\r\n",
	    "hello", 0 },
	{ "pipelined request after", "1\r\na\r\n0\r\n\r\nGET / HTTP/1.1\r\n",
	    "a", 16 },
	{ "empty body", "0\r\n\r\n", "", 0 },
	{ "size with plus", "+5\r\nhello\r\n0\r\n\r\n", NULL, 0 },
	{ "size with minus", "-0\r\n\r\n", NULL, 0 },
	{ "size 0x", "0x5\r\nhello\r\n0\r\n\r\n", NULL, 0 },
	{ "size with underscore", "1_0\r\n", NULL, 0 },
	{ "leading blanks", "   5\r\nhello\r\n0\r\n\r\n", NULL, 0 },
	{ "empty size", "\r\nhello\r\n0\r\n\r\n", NULL, 0 },
	{ "17 hex digits", "00000000000000001\r\na\r\n0\r\n\r\n", NULL, 0 },
	{ "size then junk", "5these-bytes\r\nhello\r\n0\r\n\r\n", NULL, 0 },
	{ "bare LF after size", "5\nhello\r\n0\r\n\r\n", NULL, 0 },
	{ "bare CR after size", "5\rhello\r\n0\r\n\r\n", NULL, 0 },
	{ "data longer than size", "3\r\nhello\r\n0\r\n\r\n", NULL, 0 },
	{ "bare LF after data", "5\r\nhello\n0\r\n\r\n", NULL, 0 },
	{ "bare LF in trailer", "0\r\nX: 1\n\r\n", NULL, 0 },
	{ "control byte in extension", "5;\x01\r\nhello\r\n0\r\n\r\n", NULL, 0 },
};

static void
test_limits(void)
{
	static char in[HTTP_CHUNK_TRAILER_MAX + 64], body[64];
	size_t n, bodylen, rest;

	n = (size_t)snprintf(in, sizeof(in), "1;");
	memset(in + n, 'e', HTTP_CHUNK_LINE_MAX);
	n += HTTP_CHUNK_LINE_MAX;
	(void)snprintf(in + n, sizeof(in) - n, "\r\na\r\n0\r\n\r\n");
	ok(decode(in, 4096, body, &bodylen, &rest) == HTTP_CHUNKED_ERROR,
	    "an extension past the line limit is refused");

	n = (size_t)snprintf(in, sizeof(in), "0\r\nX: ");
	memset(in + n, 't', HTTP_CHUNK_TRAILER_MAX);
	n += HTTP_CHUNK_TRAILER_MAX;
	(void)snprintf(in + n, sizeof(in) - n, "\r\n\r\n");
	ok(decode(in, 4096, body, &bodylen, &rest) == HTTP_CHUNKED_ERROR,
	    "a trailer past its limit is refused");
	ok(decode("ffffffffffffffff\r\nab", 4096, body, &bodylen, &rest) ==
	    HTTP_CHUNKED_MORE && bodylen == 2,
	    "the largest 64-bit size is read, and its data streamed");
}

int
main(void)
{
	char body[256];
	size_t i, step, bodylen, rest;
	enum http_chunked_result r;
	bool same;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct chunk_case *t = &cases[i];

		if (t->body == NULL) {
			same = true;
			for (step = 1; step <= strlen(t->in); step++)
				if (decode(t->in, step, body, &bodylen, &rest) !=
				    HTTP_CHUNKED_ERROR)
					same = false;
			ok(same, "%s: refused however it is split", t->name);
			continue;
		}
		same = true;
		for (step = 1; step <= strlen(t->in); step++) {
			r = decode(t->in, step, body, &bodylen, &rest);
			if (r != HTTP_CHUNKED_DONE || bodylen != strlen(t->body) ||
			    memcmp(body, t->body, bodylen) != 0 || rest != t->rest) {
				printf("# step %zu: result %d, %zu body bytes, "
				    "rest %zu\n", step, (int)r, bodylen, rest);
				same = false;
			}
		}
		ok(same, "%s: decoded the same at every split", t->name);
	}
	test_limits();
	return done_testing();
}
