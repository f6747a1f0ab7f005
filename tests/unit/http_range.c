/*
 * Unit tests of Range interpretation: forms, clamping to the file size,
 * unsatisfiable ranges, and the cases that are ignored.
 */
#include <stdio.h>
#include <string.h>

#include "http/http_range.h"
#include "tap.h"

struct range_case {
	const char		*field;
	uint64_t		 size;
	enum http_range_result	 result;
	const char		*ranges;	/* "first-last,..." */
};

static const struct range_case cases[] = {
	{ "bytes=0-99", 1000, HTTP_RANGE_PARTIAL, "0-99" },
	{ "bytes=500-", 1000, HTTP_RANGE_PARTIAL, "500-999" },
	{ "bytes=-100", 1000, HTTP_RANGE_PARTIAL, "900-999" },
	{ "bytes=-5000", 1000, HTTP_RANGE_PARTIAL, "0-999" },
	{ "bytes=0-5000", 1000, HTTP_RANGE_PARTIAL, "0-999" },
	{ "BYTES=1-1", 10, HTTP_RANGE_PARTIAL, "1-1" },
	{ "bytes=0-0, -1", 10, HTTP_RANGE_PARTIAL, "0-0,9-9" },
	{ "bytes= 1-2 ,, 4-5 ", 10, HTTP_RANGE_PARTIAL, "1-2,4-5" },
	{ "bytes=0-1,2-3,4-5,6-7", 10, HTTP_RANGE_PARTIAL, "0-1,2-3,4-5,6-7" },
	{ "bytes=0-1,2-3,4-5,6-7,8-9", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=20-30", 10, HTTP_RANGE_UNSATISFIABLE, "" },
	{ "bytes=10-", 10, HTTP_RANGE_UNSATISFIABLE, "" },
	{ "bytes=-0", 10, HTTP_RANGE_UNSATISFIABLE, "" },
	{ "bytes=0-", 0, HTTP_RANGE_UNSATISFIABLE, "" },
	{ "bytes=20-30, 2-3", 10, HTTP_RANGE_PARTIAL, "2-3" },
	{ "bytes=5-4", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=-", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=a-b", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=+1-2", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=1 - 2", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=0x1-2", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=", 10, HTTP_RANGE_IGNORE, "" },
	{ "items=0-1", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=-9223372036854775808", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=99999999999999999999-", 10, HTTP_RANGE_IGNORE, "" },
	{ "bytes=4294967296-4294967300", 5000000000ULL, HTTP_RANGE_PARTIAL,
	    "4294967296-4294967300" },
};

int
main(void)
{
	struct http_range r[HTTP_RANGES_MAX];
	char got[256];
	size_t i, j, n, off;
	enum http_range_result res;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		res = http_range_parse(cases[i].field, strlen(cases[i].field),
		    cases[i].size, r, &n);
		got[0] = '\0';
		for (j = 0, off = 0; j < n; j++)
			off += (size_t)snprintf(got + off, sizeof(got) - off,
			    "%s%llu-%llu", j > 0 ? "," : "",
			    (unsigned long long)r[j].first,
			    (unsigned long long)r[j].last);
		ok(res == cases[i].result && strcmp(got, cases[i].ranges) == 0,
		    "'%s' of %llu bytes -> %d '%s' (got %d '%s')",
		    cases[i].field, (unsigned long long)cases[i].size,
		    (int)cases[i].result, cases[i].ranges, (int)res, got);
	}
	return done_testing();
}
