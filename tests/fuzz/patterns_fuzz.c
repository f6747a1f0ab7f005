/*
 * libFuzzer driver for Lua patterns: the input is a pattern, a NUL, and
 * a subject (no NUL: the subject is empty).  No crash, every capture
 * lies inside the subject, and a pattern that pattern_check() rejects
 * never matches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/patterns.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
within(const struct pattern_capture *c, size_t len)
{
	if (c->start > len || c->len > len - c->start)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char pattern[4096];
	struct pattern_match m;
	const char *subject, *err, *cerr;
	const uint8_t *nul;
	size_t plen, len, k;
	int checked, found;

	/* The pattern is a C string; copy it to get its terminator. */
	nul = memchr(data, '\0', size);
	plen = nul != NULL ? (size_t)(nul - data) : size;
	if (plen >= sizeof(pattern))
		return 0;
	memcpy(pattern, data, plen);
	pattern[plen] = '\0';
	subject = nul != NULL ? (const char *)nul + 1 : "";
	len = nul != NULL ? size - plen - 1 : 0;

	checked = pattern_check(pattern, &cerr);
	if ((checked == 0) != (cerr == NULL))
		abort();
	found = pattern_find(pattern, subject, len, &m, &err);
	if (found < -1 || found > 1 || (found == -1) != (err != NULL))
		abort();
	if (checked == -1 && (found != -1 || strcmp(err, cerr) != 0))
		abort();
	if (found != 1)
		return 0;
	within(&m.match, len);
	if (m.ncaptures > PATTERN_CAPTURES_MAX)
		abort();
	for (k = 0; k < m.ncaptures; k++)
		within(&m.cap[k], len);
	return 0;
}
