/*
 * libFuzzer driver for Range interpretation: every range returned lies
 * inside the file, at most HTTP_RANGES_MAX of them.  The first 8 bytes
 * are the file size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_range.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_range r[HTTP_RANGES_MAX];
	uint64_t filesize;
	size_t n, i;
	enum http_range_result res;

	if (size < 8)
		return 0;
	memcpy(&filesize, data, 8);
	res = http_range_parse((const char *)data + 8, size - 8, filesize, r, &n);
	if (n > HTTP_RANGES_MAX || (res == HTTP_RANGE_PARTIAL) != (n > 0))
		abort();
	for (i = 0; i < n; i++)
		if (r[i].first > r[i].last || r[i].last >= filesize)
			abort();
	return 0;
}
