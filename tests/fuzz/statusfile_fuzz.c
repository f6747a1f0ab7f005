/*
 * libFuzzer driver for the status file reader: whatever the bytes, every
 * host it accepts formats back to exactly the line it came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/statusfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
roundtrip(const struct statusfile_host *h, void *arg)
{
	char line[STATUSFILE_LINE_MAX + 2];
	struct statusfile_host back;
	size_t n;

	(void)arg;
	n = statusfile_format(h, line, sizeof(line));
	if (n == 0 || !statusfile_parse_line(line, n - 1, &back) ||
	    memcmp(h, &back, sizeof(back)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)statusfile_parse((const char *)data, size, roundtrip, NULL);
	return 0;
}
