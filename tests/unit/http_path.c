/*
 * Unit tests of request path canonicalization: decoding, dot segments,
 * and the exact status for every path that must never reach a file.
 */
#include <stdio.h>
#include <string.h>

#include "http/http_path.h"
#include "tap.h"

struct path_case {
	const char	*in;
	const char	*out;		/* NULL: refused with status */
	int		 status;
};

static const struct path_case cases[] = {
	{ "/", "/", 0 },
	{ "/index.html", "/index.html", 0 },
	{ "/a/b/", "/a/b/", 0 },
	{ "//a///b", "/a/b", 0 },
	{ "/a/./b", "/a/b", 0 },
	{ "/a/.", "/a/", 0 },
	{ "/a/b/..", "/a/", 0 },
	{ "/a/b/../c", "/a/c", 0 },
	{ "/a/../../b", NULL, 403 },
	{ "/..", NULL, 403 },
	{ "/../etc/passwd", NULL, 403 },
	{ "/a/%2e%2e/b", "/b", 0 },
	{ "/%2e%2e/%2e%2e/etc/passwd", NULL, 403 },
	{ "/%2E%2E/x", NULL, 403 },
	{ "/a%2fb", NULL, 404 },
	{ "/a%2F..%2Fb", NULL, 404 },
	{ "/a%00.html", NULL, 404 },
	{ "/a%0a", NULL, 404 },
	{ "/%c0%ae%c0%ae/etc/passwd", NULL, 404 },
	{ "/%e0%80%ae", NULL, 404 },
	{ "/%ed%a0%80", NULL, 404 },
	{ "/%f5%80%80%80", NULL, 404 },
	{ "/%c3", NULL, 404 },
	{ "/caf%c3%a9", "/caf\xc3\xa9", 0 },
	{ "/%252e%252e/x", "/%2e%2e/x", 0 },
	{ "/a%20b", "/a b", 0 },
	{ "/a\\..\\b", "/a\\..\\b", 0 },
	{ "/img../x", "/img../x", 0 },
	{ "/...", "/...", 0 },
	{ "/%", NULL, 400 },
	{ "/%4", NULL, 400 },
	{ "/%zz", NULL, 400 },
	{ "a/b", NULL, 400 },
	{ "", NULL, 400 },
};

int
main(void)
{
	char out[HTTP_PATH_MAX], small[8], desc[128];
	size_t i;
	int status;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		status = http_path_canon(cases[i].in, strlen(cases[i].in), out,
		    sizeof(out));
		if (cases[i].out != NULL) {
			ok(status == 0, "'%s' is accepted", cases[i].in);
			(void)snprintf(desc, sizeof(desc), "'%s' canonical form",
			    cases[i].in);
			is_str(status == 0 ? out : NULL, cases[i].out, desc);
		} else
			ok(status == cases[i].status, "'%s' -> %d (got %d)",
			    cases[i].in, cases[i].status, status);
	}
	ok(http_path_canon("/abcdefgh", 9, small, sizeof(small)) == 414,
	    "a result longer than the buffer: 414");
	ok(http_path_canon("/abcdef", 7, small, sizeof(small)) == 0 &&
	    strcmp(small, "/abcdef") == 0, "a result that just fits");
	return done_testing();
}
