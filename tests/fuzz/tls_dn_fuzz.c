/*
 * libFuzzer driver for distinguished names as text: no crash, and the
 * text is terminated, fits, and holds only printable ASCII (what goes
 * into a log line).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls_dn.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[256];
	size_t i, n;

	if (!tls_dn_text(data, size, out, sizeof(out))) {
		if (out[0] != '\0')
			abort();
		return 0;
	}
	n = strnlen(out, sizeof(out));
	if (n == sizeof(out))
		abort();
	for (i = 0; i < n; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			abort();
	return 0;
}
