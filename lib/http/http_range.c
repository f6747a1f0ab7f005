#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "http/http_range.h"

/* 18 digits fit in 64 bits; no file is larger than that. */
enum { RANGE_DIGITS_MAX = 18 };

static bool
number(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		if (*p - s == RANGE_DIGITS_MAX)
			return false;
		v = v * 10 + (uint64_t)(**p - '0');
		(*p)++;
	}
	*out = v;
	return *p > s;
}

static void
skip_ows(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/*
 * One range-spec between p and end.  Returns false if malformed; else
 * *satisfiable says whether it selects any byte of a size-byte file.
 */
static bool
one_range(const char *p, const char *end, uint64_t size, struct http_range *r,
    bool *satisfiable)
{
	uint64_t first, last, suffix;

	*satisfiable = false;
	if (p < end && *p == '-') {
		p++;
		if (!number(&p, end, &suffix) || p != end)
			return false;
		if (suffix == 0 || size == 0)
			return true;
		r->first = suffix >= size ? 0 : size - suffix;
		r->last = size - 1;
		*satisfiable = true;
		return true;
	}
	if (!number(&p, end, &first) || p == end || *p++ != '-')
		return false;
	last = UINT64_MAX;
	if (p < end && (!number(&p, end, &last) || last < first))
		return false;
	if (p != end)
		return false;
	if (first >= size)
		return true;
	r->first = first;
	r->last = last >= size ? size - 1 : last;
	*satisfiable = true;
	return true;
}

enum http_range_result
http_range_parse(const char *field, size_t len, uint64_t size,
    struct http_range *ranges, size_t *nranges)
{
	const char *p = field, *end = field + len, *comma, *e;
	size_t elements = 0;
	bool satisfiable;
	struct http_range r;

	*nranges = 0;
	if (len < 6 || strncasecmp(field, "bytes=", 6) != 0)
		return HTTP_RANGE_IGNORE;
	p += 6;
	for (;;) {
		skip_ows(&p, end);
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		for (e = comma; e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		/* Empty list elements are allowed by the list syntax. */
		if (e > p) {
			if (++elements > HTTP_RANGES_MAX ||
			    !one_range(p, e, size, &r, &satisfiable)) {
				*nranges = 0;
				return HTTP_RANGE_IGNORE;
			}
			if (satisfiable)
				ranges[(*nranges)++] = r;
		}
		if (comma == end)
			break;
		p = comma + 1;
	}
	if (elements == 0)
		return HTTP_RANGE_IGNORE;
	return *nranges > 0 ? HTTP_RANGE_PARTIAL : HTTP_RANGE_UNSATISFIABLE;
}
