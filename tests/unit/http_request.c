/*
 * Unit tests of the HTTP request head parser: the accepted forms, the
 * exact status of every kind of bad input, limits, pipelining, and that
 * every prefix of a valid head asks for more instead of guessing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_request.h"
#include "tap.h"

static struct http_request req;

static enum http_parse
parse(const char *s)
{
	return http_request_parse(s, strlen(s), &req);
}

struct bad_case {
	const char	*name;
	const char	*head;
	int		 status;
};

static const struct bad_case cases[] = {
	{ "minimal 1.1", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0 },
	{ "1.0 without Host", "GET / HTTP/1.0\r\n\r\n", 0 },
	{ "leading empty line", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 0 },
	{ "empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 0 },
	{ "obs-text in value", "GET / HTTP/1.1\r\nHost: a\r\nX: \xe9\r\n\r\n", 0 },
	{ "OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 0 },
	{ "CONNECT authority", "CONNECT a.example:443 HTTP/1.1\r\nHost: a\r\n\r\n", 0 },
	{ "absolute form", "GET http://a.example HTTP/1.1\r\nHost: b\r\n\r\n", 0 },
	/* request line */
	{ "lowercase method", "get / HTTP/1.1\r\nHost: a\r\n\r\n", 501 },
	{ "unknown method", "BREW / HTTP/1.1\r\nHost: a\r\n\r\n", 501 },
	{ "junk method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "two spaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "tab separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "no version", "GET /\r\nHost: a\r\n\r\n", 400 },
	{ "HTTP/0.9 style", "GET / \r\n\r\n", 400 },
	{ "version 1.32", "GET / HTTP/1.32\r\nHost: a\r\n\r\n", 400 },
	{ "version 2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
	{ "version 1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505 },
	{ "version lowercase", "GET / http/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "control byte in target", "GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "high byte in target", "GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "relative target", "GET a HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "asterisk with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "ftp scheme", "GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "empty authority", "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "bare LF line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400 },
	{ "bare CR line", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400 },
	/* header fields */
	{ "missing Host", "GET / HTTP/1.1\r\n\r\n", 400 },
	{ "two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400 },
	{ "Host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400 },
	{ "Host with dotdot", "GET / HTTP/1.1\r\nHost: ..\r\n\r\n", 400 },
	{ "Host with NUL", "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 400 },
	{ "space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400 },
	{ "no colon", "GET / HTTP/1.1\r\nHost: a\r\nXYZ\r\n\r\n", 400 },
	{ "empty name", "GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", 400 },
	{ "high byte in name", "GET / HTTP/1.1\r\nHost: a\r\nX\x85: x\r\n\r\n", 400 },
	{ "obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400 },
	{ "bare LF in field", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400 },
	{ "bare CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400 },
	{ "control in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x1b[0m\r\n\r\n", 400 },
	{ "DEL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: \x7f\r\n\r\n", 400 },
	/* framing */
	{ "Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", 0 },
	{ "CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
	{ "TE and CL", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400 },
	{ "two CL equal", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400 },
	{ "two CL differ", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 31\r\n\r\n", 400 },
	{ "CL list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", 400 },
	{ "CL empty", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400 },
	{ "CL plus", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", 400 },
	{ "CL minus", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400 },
	{ "CL hex", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", 400 },
	{ "CL inner space", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 0\r\n\r\n", 400 },
	{ "CL overflow", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400 },
	{ "TE chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 0 },
	{ "TE Chunked case", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n", 0 },
	{ "TE identity", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 501 },
	{ "TE gzip, chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501 },
	{ "TE xchunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", 501 },
	{ "TE ,chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n", 400 },
	{ "TE chunked, chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400 },
	{ "TE chunked, gzip", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400 },
	{ "TE twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
	{ "TE on 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
	{ "TE with params", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;a=b\r\n\r\n", 400 },
};

static void
test_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].head);
		int got;

		/* Cases with an embedded NUL give their length by hand. */
		if (strcmp(cases[i].name, "Host with NUL") == 0)
			len = strlen("GET / HTTP/1.1\r\nHost: a") + 1 +
			    strlen("b\r\n\r\n");
		got = http_request_parse(cases[i].head, len, &req) ==
		    HTTP_PARSE_DONE ? 0 : (int)req.status;
		if (!ok(got == cases[i].status, "%s -> %d", cases[i].name,
		    cases[i].status))
			printf("# got %d (%s)\n", got,
			    req.error != NULL ? req.error : "");
	}
}

static void
test_fields(void)
{
	const struct http_header *h;

	ok(parse("GET /a?b=c HTTP/1.1\r\nhost:  Example.COM:80  \r\n"
	    "X-A: 1\r\nConnection: Upgrade, close\r\n\r\n") == HTTP_PARSE_DONE,
	    "a full head parses");
	ok(req.method == HTTP_METHOD_GET && req.minor == 1, "GET, HTTP/1.1");
	ok(req.host.len == 14 && memcmp(req.host.ptr, "Example.COM:80", 14) == 0,
	    "Host value is trimmed of OWS");
	ok(req.path.len == 6 && memcmp(req.path.ptr, "/a?b=c", 6) == 0,
	    "origin-form path with query");
	ok(!req.keep_alive, "Connection: close in a list ends keep-alive");
	h = http_request_header(&req, "x-a");
	ok(h != NULL && h->value.len == 1 && h->value.ptr[0] == '1',
	    "header lookup is case-insensitive");
	ok(req.nheaders == 3, "three fields");

	parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	ok(req.keep_alive, "HTTP/1.0 keep-alive on request");
	parse("GET / HTTP/1.0\r\n\r\n");
	ok(!req.keep_alive, "HTTP/1.0 closes by default");
	parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	ok(req.keep_alive && req.content_length == -1 && !req.chunked,
	    "HTTP/1.1 keeps alive; no body");
	parse("GET HTTP://Host.Example:8080?q HTTP/1.1\r\nHost: x\r\n\r\n");
	ok(req.form == HTTP_TARGET_ABSOLUTE && req.authority.len == 17 &&
	    req.path.len == 1 && req.path.ptr[0] == '/',
	    "absolute form: authority and the empty path as /");
	parse("PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 000123\r\n"
	    "Expect: 100-continue\r\n\r\n");
	ok(req.content_length == 123 && req.expect_continue,
	    "Content-Length with leading zeros; Expect: 100-continue");
}

static void
test_limits(void)
{
	static char buf[3 * HTTP_REQUEST_LINE_MAX];
	size_t n, i;

	n = (size_t)snprintf(buf, sizeof(buf), "GET /");
	memset(buf + n, 'a', HTTP_REQUEST_LINE_MAX);
	n += HTTP_REQUEST_LINE_MAX;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
	    " HTTP/1.1\r\nHost: a\r\n\r\n");
	ok(http_request_parse(buf, n, &req) == HTTP_PARSE_ERROR &&
	    req.status == 414, "a target longer than the line limit: 414");
	ok(http_request_parse(buf, HTTP_REQUEST_LINE_MAX - 1, &req) ==
	    HTTP_PARSE_MORE, "a long target still arriving: need more");

	memset(buf, 'A', HTTP_REQUEST_LINE_MAX + 10);
	ok(http_request_parse(buf, HTTP_REQUEST_LINE_MAX + 10, &req) ==
	    HTTP_PARSE_ERROR && req.status == 400,
	    "a first line without any space: 400");

	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 0; i <= HTTP_HEADERS_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X: %zu\r\n", i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
	ok(http_request_parse(buf, n, &req) == HTTP_PARSE_ERROR &&
	    req.status == 431, "more than %d fields: 431", HTTP_HEADERS_MAX);

	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	memset(buf + n, 'v', HTTP_HEADER_BYTES_MAX);
	n += HTTP_HEADER_BYTES_MAX;
	ok(http_request_parse(buf, n, &req) == HTTP_PARSE_ERROR &&
	    req.status == 431, "a field past the header byte limit: 431");

	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	memset(buf + n, 'v', HTTP_HEADER_BYTES_MAX - 20);
	n += HTTP_HEADER_BYTES_MAX - 20;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n\r\n");
	ok(http_request_parse(buf, n, &req) == HTTP_PARSE_DONE,
	    "fields just under the limit are accepted");

	n = 0;
	for (i = 0; i <= HTTP_LEADING_CRLF_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "GET / HTTP/1.0\r\n\r\n");
	ok(http_request_parse(buf, n, &req) == HTTP_PARSE_ERROR &&
	    req.status == 400, "too many empty lines before a request: 400");
}

static void
test_incremental(void)
{
	const char *head = "POST /x HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n";
	size_t full = strlen("POST /x HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 3\r\n\r\n"), i;
	bool all_more = true;

	for (i = 0; i < full; i++)
		if (http_request_parse(head, i, &req) != HTTP_PARSE_MORE) {
			all_more = false;
			printf("# prefix %zu: not 'more' (%s)\n", i,
			    req.error != NULL ? req.error : "done");
		}
	ok(all_more, "every prefix of a valid head needs more");
	ok(http_request_parse(head, strlen(head), &req) == HTTP_PARSE_DONE &&
	    req.head_len == full, "pipelined bytes after the head are left");
	ok(strcmp(http_method_name(HTTP_METHOD_VERSION_CONTROL),
	    "VERSION-CONTROL") == 0 && http_method_name(HTTP_METHOD_COUNT)[0] == '\0',
	    "method names");
}

int
main(void)
{
	test_cases();
	test_fields();
	test_limits();
	test_incremental();
	return done_testing();
}
