/*
 * Unit tests of access log lines: each style byte for byte, the vis(3)
 * and percent encodings of hostile values, the timestamp against
 * strftime, and refusal (never truncation) when a line does not fit.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/http_log.h"
#include "tap.h"

enum { LINE_MAX_TEST = 4096 };

/* 2026-11-26 14:03:09 UTC, logged one hour east of UTC. */
static const int64_t NOW = 1795701789;

static struct http_log_entry
request(void)
{
	struct http_log_entry e;

	memset(&e, 0, sizeof(e));
	e.server_name = "default";
	e.client_addr = "192.0.2.7";
	e.time = NOW;
	e.gmtoff = 3600;
	e.method = "GET";
	e.path = "/index.html";
	e.path_len = strlen(e.path);
	e.version = "HTTP/1.1";
	e.status = 200;
	e.bytes = 1234;
	return e;
}

/* Format, and check the length returned is that of the string. */
static const char *
fmt(enum http_log_style style, const struct http_log_entry *e)
{
	static char out[LINE_MAX_TEST];
	size_t n;

	n = http_log_format(out, sizeof(out), style, e);
	if (n != strlen(out))
		return "(length mismatch)";
	return n == 0 ? "(nothing)" : out;
}

static void
test_styles(void)
{
	struct http_log_entry e = request();

	is_str(fmt(HTTP_LOG_COMMON, &e),
	    "default 192.0.2.7 - - [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /index.html HTTP/1.1\" 200 1234\n", "common");
	is_str(fmt(HTTP_LOG_COMBINED, &e),
	    "default 192.0.2.7 - - [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /index.html HTTP/1.1\" 200 1234 \"\" \"\"\n",
	    "combined, no Referer or User-Agent: \"\" as OpenBSD");
	is_str(fmt(HTTP_LOG_FORWARDED, &e),
	    "default 192.0.2.7 - - [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /index.html HTTP/1.1\" 200 1234 \"\" \"\" - -\n",
	    "forwarded, no X-Forwarded-*: - -");
	e.remote_user = "alice";
	e.referer = "https://example.com/";
	e.user_agent = "curl/8.5.0";
	e.forwarded_for = "198.51.100.1";
	e.forwarded_port = "443";
	e.query = "a=1&b=2";
	e.query_len = strlen(e.query);
	is_str(fmt(HTTP_LOG_COMMON, &e),
	    "default 192.0.2.7 - alice [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /index.html?a=1&b=2 HTTP/1.1\" 200 1234\n",
	    "common with user and query");
	is_str(fmt(HTTP_LOG_COMBINED, &e),
	    "default 192.0.2.7 - alice [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /index.html?a=1&b=2 HTTP/1.1\" 200 1234 "
	    "\"https://example.com/\" \"curl/8.5.0\"\n", "combined");
	is_str(fmt(HTTP_LOG_FORWARDED, &e),
	    "default 192.0.2.7 - alice [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /index.html?a=1&b=2 HTTP/1.1\" 200 1234 "
	    "\"https://example.com/\" \"curl/8.5.0\" 198.51.100.1 443\n",
	    "forwarded");
}

static void
test_request_line(void)
{
	struct http_log_entry e = request();

	e.version = NULL;
	e.path = "/";
	e.path_len = 1;
	e.status = 400;
	e.bytes = 0;
	is_str(fmt(HTTP_LOG_COMMON, &e),
	    "default 192.0.2.7 - - [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /\" 400 0\n", "no version (HTTP/0.9): omitted");
	e.query = "";
	e.query_len = 0;
	e.status = 7;
	e.bytes = UINT64_MAX;
	is_str(fmt(HTTP_LOG_COMMON, &e),
	    "default 192.0.2.7 - - [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /?\" 007 18446744073709551615\n",
	    "empty query keeps '?'; %03d status; 64-bit size");
	e.method = NULL;
	e.path = NULL;
	e.query = NULL;
	e.status = -5;
	is_str(fmt(HTTP_LOG_COMMON, &e),
	    "default 192.0.2.7 - - [26/Nov/2026:15:03:09 +0100] "
	    "\" \" -05 18446744073709551615\n",
	    "no method, no path (aborted early); negative status as %03d");
}

static void
test_escaping(void)
{
	struct http_log_entry e = request();

	/* A path with a NUL inside: the length rules, not the NUL. */
	e.path = "/a b/<x>\"%?#&\x01\x1b\x7f\xe9\0z";
	e.path_len = 19;
	e.query = "q=%41 c\"#\r\n\x1b[2J&x=\xff";
	e.query_len = strlen(e.query);
	is_str(fmt(HTTP_LOG_COMMON, &e),
	    "default 192.0.2.7 - - [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /a%20b/%3Cx>%22%25%3F%23%26%01%1B%7F%E9%00z"
	    "?q=%41%20c%22%23%0D%0A%1B[2J&x=%FF HTTP/1.1\" 200 1234\n",
	    "path as OpenBSD's url_encode; query: only what breaks the line");

	e = request();
	e.remote_user = "al ice\"\\";
	e.version = "HTTP/1.1\r\nX: y";
	e.referer = "http://ex.com/?q=a b\"\n<";
	e.user_agent = "a\r\nb\tc\x1b[31m\"q\"\\\x7f\xe9\xa0\x80\xff"
	    "\b\a\v\f\x01\x1f\xc3\xa9";
	is_str(fmt(HTTP_LOG_COMBINED, &e),
	    "default 192.0.2.7 - al ice\\\"\\\\ [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /index.html HTTP/1.1\\r\\nX: y\" 200 1234 "
	    "\"http://ex.com/%3Fq=a%20b%22%0A%3C\" "
	    "\"a\\r\\nb\\tc\\^[[31m\\\"q\\\"\\\\\\^?\\M-i\\240\\M^@\\M^?"
	    "\\b\\a\\v\\f\\^A\\^_\\M-C\\M-)\"\n",
	    "vis: CR LF TAB as C escapes, ESC \\^[, DEL \\^?, high bytes "
	    "\\M-, quote and backslash escaped; Referer percent-encoded");

	e.user_agent = "x\xa2\xdc\x1c\x9c\xa0\xe2\x82\xac\"";
	e.referer = NULL;
	ok(strstr(fmt(HTTP_LOG_COMBINED, &e), " \"\" \"x\\242\\334\\034\\234"
	    "\\240\\M-b\\M^B\\M-,\\\"\"\n") != NULL,
	    "bytes whose vis form would end in '\"' or '\\' are octal");

	e.forwarded_for = "203.0.113.9, \x1b]0;owned\a";
	e.forwarded_port = "443\n";
	e.user_agent = NULL;
	e.referer = NULL;
	is_str(fmt(HTTP_LOG_FORWARDED, &e),
	    "default 192.0.2.7 - al ice\\\"\\\\ [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /index.html HTTP/1.1\\r\\nX: y\" 200 1234 \"\" \"\" "
	    "203.0.113.9, \\^[]0;owned\\a 443\\n\n",
	    "forwarded values vis-encoded");

	e = request();
	e.path = "/a\\";
	e.path_len = 3;
	e.query = "x=\\";
	e.query_len = 3;
	e.version = NULL;
	e.referer = "http://h/\\";
	is_str(fmt(HTTP_LOG_COMBINED, &e),
	    "default 192.0.2.7 - - [26/Nov/2026:15:03:09 +0100] "
	    "\"GET /a%5C?x=%5C\" 200 1234 \"http://h/%5C\" \"\"\n",
	    "a backslash before a closing quote is percent-encoded");

	e = request();
	e.server_name = "www\nexample";
	e.client_addr = "::1\t";
	e.method = "G\x01T";
	is_str(fmt(HTTP_LOG_COMMON, &e),
	    "www\\nexample ::1\\t - - [26/Nov/2026:15:03:09 +0100] "
	    "\"G\\^AT /index.html HTTP/1.1\" 200 1234\n",
	    "name, address and method are encoded too");
}

static void
test_connection(void)
{
	struct http_log_entry e;
	char reqs[64];
	size_t n;

	memset(&e, 0, sizeof(e));
	e.server_name = "default";
	e.client_addr = "192.0.2.7";
	e.client_port = 51234;
	e.conn_id = 42;
	e.conn_active = 3;
	e.local_addr = "192.0.2.1:8080";
	e.done = "done";
	reqs[0] = '\0';
	n = http_log_conn_path(reqs, sizeof(reqs), 0, "/index.html", 11);
	ok(n == 14 && strcmp(reqs, " [/index.html]") == 0,
	    "conn_path: first request");
	n = http_log_conn_path(reqs, sizeof(reqs), n, "/a b\n", 5);
	ok(n == 26 && strcmp(reqs, " [/index.html] [/a%20b%0A]") == 0,
	    "conn_path: second request, encoded");
	e.requests = reqs;
	is_str(fmt(HTTP_LOG_CONNECTION, &e),
	    "server default, client 42 (3 active), 192.0.2.7:51234 -> "
	    "192.0.2.1:8080, done, [/index.html] [/a%20b%0A]\n",
	    "connection with two requests");
	e.requests = NULL;
	e.done = "read failed: \x1b[1m\r\n";
	e.local_addr = "192.0.2.1";
	e.conn_id = 1;
	e.conn_active = 1;
	is_str(fmt(HTTP_LOG_CONNECTION, &e),
	    "server default, client 1 (1 active), 192.0.2.7:51234 -> "
	    "192.0.2.1, read failed: \\^[[1m\\r\\n\n",
	    "connection without a request; reason vis-encoded");
	e.requests = " [/x]\x1b\"\\";
	e.done = NULL;
	is_str(fmt(HTTP_LOG_CONNECTION, &e),
	    "server default, client 1 (1 active), 192.0.2.7:51234 -> "
	    "192.0.2.1, , [/x]\\^[\\\"\\\\\n",
	    "a request list not built by conn_path is still made safe");

	n = strlen(reqs);
	ok(http_log_conn_path(reqs, 30, n, "/toolong", 8) == (size_t)-1 &&
	    strcmp(reqs, " [/index.html] [/a%20b%0A]") == 0,
	    "conn_path: no room leaves the list as it was");
	ok(http_log_conn_path(reqs, n, n, "/", 1) == (size_t)-1,
	    "conn_path: len >= size refused");
}

static void
test_time(void)
{
	static const struct {
		int64_t		 t;
		long		 off;
		const char	*want;
	} cases[] = {
		{ 0, 0, "[01/Jan/1970:00:00:00 +0000]" },
		{ -1, 0, "[31/Dec/1969:23:59:59 +0000]" },
		{ 0, -18000, "[31/Dec/1969:19:00:00 -0500]" },
		{ 1709251199, 0, "[29/Feb/2024:23:59:59 +0000]" },
		{ 951825600, 19800, "[29/Feb/2000:17:30:00 +0530]" },
		{ 1795701789, -34200, "[26/Nov/2026:04:33:09 -0930]" },
		{ 253402300799, 0, "[31/Dec/9999:23:59:59 +0000]" },
		{ -62167219200, 0, "[01/Jan/0000:00:00:00 +0000]" },
		{ 4102444800, 45900, "[01/Jan/2100:12:45:00 +1245]" },
	};
	struct http_log_entry e = request();
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e.time = cases[i].t;
		e.gmtoff = cases[i].off;
		ok(strstr(fmt(HTTP_LOG_COMMON, &e), cases[i].want) != NULL,
		    "time %lld%+ld is %s", (long long)cases[i].t,
		    cases[i].off, cases[i].want);
	}
	e.time = 253402300800;
	e.gmtoff = 0;
	ok(strcmp(fmt(HTTP_LOG_COMMON, &e), "(nothing)") == 0,
	    "year 10000 refused");
	e.time = 253402300799;
	e.gmtoff = 1;
	ok(strcmp(fmt(HTTP_LOG_COMMON, &e), "(nothing)") == 0,
	    "year 10000 through the offset refused");
	e.time = INT64_MIN;
	e.gmtoff = -3600;
	ok(strcmp(fmt(HTTP_LOG_COMMON, &e), "(nothing)") == 0,
	    "INT64_MIN refused without overflow");
	e.time = 0;
	e.gmtoff = 27 * 3600;
	ok(strcmp(fmt(HTTP_LOG_COMMON, &e), "(nothing)") == 0,
	    "an offset beyond a day refused");
}

/* The timestamp agrees with strftime over gmtime_r(t + off). */
static void
test_time_vs_strftime(void)
{
	struct http_log_entry e = request();
	uint64_t x = 88172645463325252ULL;
	char want[64], wantz[80];
	const char *got;
	struct tm tm;
	time_t tt;
	int i, bad = 0;
	long off;

	for (i = 0; i < 20000 && bad == 0; i++) {
		/* xorshift64: times from 1900 to 2200, offsets within 14h. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		e.time = (int64_t)(x % 9467280000ULL) - 2208988800;
		off = (long)(x >> 40) % (14 * 3600 / 60) * 60;
		e.gmtoff = (x & 1) ? -off : off;
		tt = (time_t)(e.time + e.gmtoff);
		if (gmtime_r(&tt, &tm) == NULL ||
		    strftime(want, sizeof(want), "%d/%b/%Y:%H:%M:%S", &tm) == 0)
			continue;
		snprintf(wantz, sizeof(wantz), "[%s %c%02ld%02ld]", want,
		    e.gmtoff < 0 ? '-' : '+', off / 3600, off % 3600 / 60);
		got = fmt(HTTP_LOG_COMMON, &e);
		if (strstr(got, wantz) == NULL) {
			printf("# %lld %ld: got %s want %s\n",
			    (long long)e.time, e.gmtoff, got, wantz);
			bad++;
		}
	}
	ok(bad == 0, "20000 random times agree with gmtime_r + strftime");
}

/* Every size short of the line gives 0 and an empty buffer. */
static void
test_bounds(void)
{
	struct http_log_entry e = request();
	char out[LINE_MAX_TEST], small[LINE_MAX_TEST];
	size_t len, size, bad = 0;

	e.user_agent = "Mozilla/5.0 \x1b\xff";
	e.referer = "https://example.com/ x";
	len = http_log_format(out, sizeof(out), HTTP_LOG_FORWARDED, &e);
	ok(len > 0 && out[len - 1] == '\n' && strchr(out, '\n') ==
	    out + len - 1, "exactly one newline, at the end");
	for (size = 0; size <= len; size++) {
		memset(small, 'x', sizeof(small));
		if (http_log_format(small, size, HTTP_LOG_FORWARDED, &e) != 0 ||
		    (size > 0 && small[0] != '\0') || small[size] != 'x')
			bad++;
	}
	ok(bad == 0, "sizes 0..%zu: 0, empty, nothing past size", len);
	ok(http_log_format(small, len + 1, HTTP_LOG_FORWARDED, &e) == len &&
	    strcmp(small, out) == 0, "size len+1 fits exactly");
	ok(http_log_format(small, sizeof(small), (enum http_log_style)9,
	    &e) == 0, "unknown style refused");
	ok(http_log_format(small, sizeof(small), HTTP_LOG_COMMON, NULL) == 0,
	    "no entry refused");
}

int
main(void)
{
	test_styles();
	test_request_line();
	test_escaping();
	test_connection();
	test_time();
	test_time_vs_strftime();
	test_bounds();
	return done_testing();
}
