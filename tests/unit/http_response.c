/*
 * Unit tests of the HTTP response head parser: the accepted forms, every
 * kind of bad input a backend may send, the body framing for each status
 * and request, limits, pipelining, and that every prefix of a valid head
 * asks for more instead of guessing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_response.h"
#include "tap.h"

static struct http_response resp;

static enum http_parse
parse(const char *s)
{
	return http_response_parse(s, strlen(s), &resp);
}

/* ok: parses; else the error text expected, so the reason is tested. */
struct parse_case {
	const char	*name;
	const char	*head;
	const char	*error;		/* NULL: accepted */
};

#define OK	NULL

static const struct parse_case cases[] = {
	{ "minimal 1.1", "HTTP/1.1 200 OK\r\n\r\n", OK },
	{ "1.0", "HTTP/1.0 200 OK\r\n\r\n", OK },
	{ "no reason, no SP", "HTTP/1.1 200\r\n\r\n", OK },
	{ "SP, empty reason", "HTTP/1.1 200 \r\n\r\n", OK },
	{ "reason with spaces and tab", "HTTP/1.1 404 Not\tFound here\r\n\r\n", OK },
	{ "obs-text in reason", "HTTP/1.1 200 \xe9t\xe9\r\n\r\n", OK },
	{ "status 999", "HTTP/1.1 999 Odd\r\n\r\n", OK },
	{ "minor 9 read as 1.1", "HTTP/1.9 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", OK },
	{ "101 upgrade", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", OK },
	{ "obs-text in value", "HTTP/1.1 200 OK\r\nX: \xe9\r\n\r\n", OK },
	{ "empty value", "HTTP/1.1 200 OK\r\nX:\r\n\r\n", OK },
	/* status line */
	{ "leading empty line", "\r\nHTTP/1.1 200 OK\r\n\r\n", "not an HTTP/1.x response" },
	{ "HTTP/0.9 body", "<html>\r\n\r\n", "not an HTTP/1.x response" },
	{ "lowercase version", "http/1.1 200 OK\r\n\r\n", "not an HTTP/1.x response" },
	{ "HTTP/2.0", "HTTP/2.0 200 OK\r\n\r\n", "not an HTTP/1.x response" },
	{ "HTTP/1.x", "HTTP/1.x 200 OK\r\n\r\n", "invalid version" },
	{ "HTTP/1.10", "HTTP/1.10 200 OK\r\n\r\n", "invalid version" },
	{ "no status", "HTTP/1.1\r\n\r\n", "invalid version" },
	{ "two spaces", "HTTP/1.1  200 OK\r\n\r\n", "invalid status code" },
	{ "tab separator", "HTTP/1.1\t200 OK\r\n\r\n", "invalid version" },
	{ "two digits", "HTTP/1.1 20 OK\r\n\r\n", "invalid status code" },
	{ "four digits", "HTTP/1.1 2000 OK\r\n\r\n", "invalid status code" },
	{ "status 099", "HTTP/1.1 099 OK\r\n\r\n", "invalid status code" },
	{ "letters in status", "HTTP/1.1 2x0 OK\r\n\r\n", "invalid status code" },
	{ "signed status", "HTTP/1.1 +20 OK\r\n\r\n", "invalid status code" },
	{ "tab before reason", "HTTP/1.1 200\tOK\r\n\r\n", "invalid status code" },
	{ "control in reason", "HTTP/1.1 200 O\x1bK\r\n\r\n", "control byte in reason phrase" },
	{ "DEL in reason", "HTTP/1.1 200 \x7f\r\n\r\n", "control byte in reason phrase" },
	{ "bare LF status line", "HTTP/1.1 200 OK\n\r\n", "bare LF" },
	{ "bare CR status line", "HTTP/1.1 200 OK\rX: 1\r\n\r\n", "bare CR" },
	{ "bare LF end", "HTTP/1.1 200 OK\r\n\n", "bare LF" },
	/* header fields */
	{ "space before colon", "HTTP/1.1 200 OK\r\nServer : x\r\n\r\n", "invalid header name" },
	{ "no colon", "HTTP/1.1 200 OK\r\nXYZ\r\n\r\n", "invalid header name" },
	{ "empty name", "HTTP/1.1 200 OK\r\n: x\r\n\r\n", "invalid header name" },
	{ "high byte in name", "HTTP/1.1 200 OK\r\nX\x85: x\r\n\r\n", "invalid header name" },
	{ "obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", "obs-fold" },
	{ "fold with tab", "HTTP/1.1 200 OK\r\nX: a\r\n\tb\r\n\r\n", "obs-fold" },
	{ "bare LF in field", "HTTP/1.1 200 OK\r\nX: a\nY: b\r\n\r\n", "bare LF" },
	{ "bare CR in value", "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", "bare CR" },
	{ "control in value", "HTTP/1.1 200 OK\r\nX: a\x1b[0m\r\n\r\n", "control byte in header value" },
	{ "DEL in value", "HTTP/1.1 200 OK\r\nX: \x7f\r\n\r\n", "control byte in header value" },
	/* framing */
	{ "Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", OK },
	{ "CL zero", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", OK },
	{ "two CL equal", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", "duplicate Content-Length" },
	{ "two CL differ", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 31\r\n\r\n", "duplicate Content-Length" },
	{ "CL list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", "invalid Content-Length" },
	{ "CL empty", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", "invalid Content-Length" },
	{ "CL plus", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n", "invalid Content-Length" },
	{ "CL minus", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length" },
	{ "CL hex", "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", "invalid Content-Length" },
	{ "CL inner space", "HTTP/1.1 200 OK\r\nContent-Length: 1 0\r\n\r\n", "invalid Content-Length" },
	{ "CL overflow", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "invalid Content-Length" },
	{ "CL and TE", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "both Content-Length and Transfer-Encoding" },
	{ "TE and CL", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "both Content-Length and Transfer-Encoding" },
	{ "TE chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", OK },
	{ "TE Chunked case", "HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n", OK },
	{ "TE identity", "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n", "unsupported Transfer-Encoding" },
	{ "TE gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported Transfer-Encoding" },
	{ "TE gzip, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "unsupported Transfer-Encoding" },
	{ "TE chunked, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", "chunked twice" },
	{ "TE chunked, gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "chunked is not the last coding" },
	{ "TE ,chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: ,chunked\r\n\r\n", "malformed Transfer-Encoding" },
	{ "TE with params", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;a=b\r\n\r\n", "malformed Transfer-Encoding" },
	{ "TE twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "duplicate Transfer-Encoding" },
	{ "TE on 1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding in HTTP/1.0" },
	/* strict even where no body follows */
	{ "304 with CL and TE", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "both Content-Length and Transfer-Encoding" },
};

static void
test_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		enum http_parse r = parse(c->head);

		if (c->error == NULL) {
			if (!ok(r == HTTP_PARSE_DONE && resp.head_len ==
			    strlen(c->head), "%s: accepted", c->name))
				printf("# got %d (%s)\n", (int)r,
				    resp.error != NULL ? resp.error : "");
			continue;
		}
		if (!ok(r == HTTP_PARSE_ERROR && resp.error != NULL &&
		    strcmp(resp.error, c->error) == 0, "%s: %s", c->name,
		    c->error))
			printf("# got %d (%s)\n", (int)r,
			    resp.error != NULL ? resp.error : "");
	}
}

static void
test_nul(void)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n";
	static const char reason[] = "HTTP/1.1 200 O\0K\r\n\r\n";

	ok(http_response_parse(head, sizeof(head) - 1, &resp) ==
	    HTTP_PARSE_ERROR, "NUL in a value: error");
	ok(http_response_parse(reason, sizeof(reason) - 1, &resp) ==
	    HTTP_PARSE_ERROR, "NUL in the reason: error");
}

static void
test_fields(void)
{
	const struct http_header *h;

	ok(parse("HTTP/1.1 404 Not Found\r\nserver:  x  \r\n"
	    "Content-Length: 000123\r\nConnection: keep-alive\r\n\r\n") ==
	    HTTP_PARSE_DONE, "a full head parses");
	ok(resp.minor == 1 && resp.status == 404, "HTTP/1.1, 404");
	ok(resp.reason.len == 9 && memcmp(resp.reason.ptr, "Not Found", 9) == 0,
	    "reason phrase");
	h = http_response_header(&resp, "SERVER");
	ok(h != NULL && h->value.len == 1 && h->value.ptr[0] == 'x',
	    "header lookup is case-insensitive, value trimmed of OWS");
	ok(resp.content_length == 123 && !resp.chunked && resp.nheaders == 3,
	    "Content-Length with leading zeros; three fields");
	ok(resp.keep_alive && !resp.upgrade, "1.1 with a length keeps alive");

	parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
	ok(resp.status == 200 && resp.reason.ptr != NULL && resp.reason.len == 0,
	    "no reason: an empty slice, not NULL");

	parse("HTTP/1.1 101 Switching Protocols\r\nConnection: keep-alive\r\n"
	    "Connection: UPGRADE\r\nUpgrade: websocket\r\n\r\n");
	ok(resp.upgrade, "upgrade in a second Connection field, any case");
	parse("HTTP/1.1 200 OK\r\nConnection: xupgrade, upgrade-x\r\n"
	    "Content-Length: 0\r\n\r\n");
	ok(!resp.upgrade && resp.keep_alive, "only the whole token counts");
}

struct keep_case {
	const char	*name;
	const char	*head;
	bool		 keep_alive;
};

static const struct keep_case keep_cases[] = {
	{ "1.1 CL", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n", true },
	{ "1.1 chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true },
	{ "1.1 CL close", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n", false },
	{ "1.1 CL Close in a list", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: foo , CLOSE\r\n\r\n", false },
	{ "1.1 close in a second field", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 1\r\n\r\n", false },
	{ "1.1 until close", "HTTP/1.1 200 OK\r\n\r\n", false },
	{ "1.1 204 without length", "HTTP/1.1 204 No Content\r\n\r\n", true },
	{ "1.1 304 without length", "HTTP/1.1 304 Not Modified\r\n\r\n", true },
	{ "1.1 100 Continue", "HTTP/1.1 100 Continue\r\n\r\n", true },
	{ "1.0 CL", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", false },
	{ "1.0 CL keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: Keep-Alive\r\n\r\n", true },
	{ "1.0 keep-alive until close", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", false },
	{ "1.0 keep-alive, close", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive, close\r\n\r\n", false },
};

static void
test_keep_alive(void)
{
	size_t i;

	for (i = 0; i < sizeof(keep_cases) / sizeof(keep_cases[0]); i++) {
		const struct keep_case *c = &keep_cases[i];

		ok(parse(c->head) == HTTP_PARSE_DONE &&
		    resp.keep_alive == c->keep_alive, "%s: keep_alive %s",
		    c->name, c->keep_alive ? "true" : "false");
	}
}

struct body_case {
	const char		*head;
	bool			 head_request;
	enum http_body_kind	 kind;
};

static const struct body_case body_cases[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n", false, HTTP_BODY_LENGTH },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n", true, HTTP_BODY_NONE },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, HTTP_BODY_CHUNKED },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, HTTP_BODY_NONE },
	{ "HTTP/1.1 200 OK\r\n\r\n", false, HTTP_BODY_UNTIL_CLOSE },
	{ "HTTP/1.1 200 OK\r\n\r\n", true, HTTP_BODY_NONE },
	{ "HTTP/1.0 500 Oops\r\n\r\n", false, HTTP_BODY_UNTIL_CLOSE },
	{ "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", false, HTTP_BODY_LENGTH },
	{ "HTTP/1.1 100 Continue\r\nContent-Length: 7\r\n\r\n", false, HTTP_BODY_NONE },
	{ "HTTP/1.1 101 Switching Protocols\r\nTransfer-Encoding: chunked\r\n\r\n", false, HTTP_BODY_NONE },
	{ "HTTP/1.1 199 Odd\r\n\r\n", false, HTTP_BODY_NONE },
	{ "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n", false, HTTP_BODY_NONE },
	{ "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false, HTTP_BODY_NONE },
	{ "HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\n", false, HTTP_BODY_LENGTH },
};

static void
test_body(void)
{
	static const char *const kinds[] = {
		"none", "length", "chunked", "until close"
	};
	size_t i;

	for (i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
		const struct body_case *c = &body_cases[i];
		int got = -1;

		if (parse(c->head) == HTTP_PARSE_DONE)
			got = (int)http_response_body(&resp, c->head_request);
		if (!ok(got == (int)c->kind, "body of %.12s%s: %s", c->head,
		    c->head_request ? " to HEAD" : "", kinds[c->kind]))
			printf("# got %d\n", got);
	}
}

static void
test_limits(void)
{
	static char buf[3 * HTTP_RESPONSE_LINE_MAX];
	size_t n, i;

	n = (size_t)snprintf(buf, sizeof(buf), "HTTP/1.1 200 ");
	memset(buf + n, 'a', HTTP_RESPONSE_LINE_MAX);
	n += HTTP_RESPONSE_LINE_MAX;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n\r\n");
	ok(http_response_parse(buf, n, &resp) == HTTP_PARSE_ERROR &&
	    strcmp(resp.error, "status line too long") == 0,
	    "a reason past the status line limit: error");
	ok(http_response_parse(buf, HTTP_RESPONSE_LINE_MAX - 1, &resp) ==
	    HTTP_PARSE_MORE, "a long status line still arriving: need more");

	n = (size_t)snprintf(buf, sizeof(buf), "HTTP/1.1 200 ");
	memset(buf + n, 'a', HTTP_RESPONSE_LINE_MAX - n - 1);
	n = HTTP_RESPONSE_LINE_MAX - 1;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n\r\n");
	ok(http_response_parse(buf, n, &resp) == HTTP_PARSE_DONE,
	    "a status line just at the limit is accepted");

	n = (size_t)snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < HTTP_HEADERS_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X: %zu\r\n", i);
	ok(http_response_parse(buf, n, &resp) == HTTP_PARSE_MORE,
	    "%d fields, the end not yet seen: need more", HTTP_HEADERS_MAX);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
	ok(http_response_parse(buf, n, &resp) == HTTP_PARSE_DONE &&
	    resp.nheaders == HTTP_HEADERS_MAX, "%d fields are accepted",
	    HTTP_HEADERS_MAX);
	n -= 2;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "Y: 1\r\n\r\n");
	ok(http_response_parse(buf, n, &resp) == HTTP_PARSE_ERROR &&
	    strcmp(resp.error, "too many header fields") == 0,
	    "more than %d fields: error", HTTP_HEADERS_MAX);

	n = (size_t)snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nX: ");
	memset(buf + n, 'v', HTTP_HEADER_BYTES_MAX);
	n += HTTP_HEADER_BYTES_MAX;
	ok(http_response_parse(buf, n, &resp) == HTTP_PARSE_ERROR &&
	    strcmp(resp.error, "line too long") == 0,
	    "a field past the header byte limit: error without its end");

	n = (size_t)snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nX: ");
	memset(buf + n, 'v', HTTP_HEADER_BYTES_MAX - 20);
	n += HTTP_HEADER_BYTES_MAX - 20;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n\r\n");
	ok(http_response_parse(buf, n, &resp) == HTTP_PARSE_DONE,
	    "fields just under the limit are accepted");
}

static void
test_incremental(void)
{
	static const char *const heads[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
		    "HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"HTTP/1.0 200\r\n\r\n\r\n\r\n<html>",
	};
	size_t i, j, len;
	bool all_more;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		/* Each head is the text up to its first empty line. */
		len = (size_t)(strstr(heads[i], "\r\n\r\n") - heads[i]) + 4;
		all_more = true;
		for (j = 0; j < len; j++)
			if (http_response_parse(heads[i], j, &resp) !=
			    HTTP_PARSE_MORE) {
				all_more = false;
				printf("# prefix %zu: not 'more' (%s)\n", j,
				    resp.error != NULL ? resp.error : "done");
			}
		ok(all_more, "head %zu: every prefix needs more", i);
		ok(http_response_parse(heads[i], strlen(heads[i]), &resp) ==
		    HTTP_PARSE_DONE && resp.head_len == len,
		    "head %zu: the bytes after the head are left", i);
	}
	ok(http_response_parse("HTTP/1.1 200 OK\r\n", 17, &resp) ==
	    HTTP_PARSE_MORE && resp.error == NULL,
	    "a status line alone needs more");
	ok(http_response_parse("SSH-2.0-OpenSSH", 15, &resp) ==
	    HTTP_PARSE_ERROR, "not HTTP: refused before any line ends");
	ok(http_response_parse("HTTP/1.1 200 OK\r\nX: 1\r\n", 7, &resp) ==
	    HTTP_PARSE_MORE, "the version prefix alone needs more");
}

int
main(void)
{
	test_cases();
	test_nul();
	test_fields();
	test_keep_alive();
	test_body();
	test_limits();
	test_incremental();
	return done_testing();
}
