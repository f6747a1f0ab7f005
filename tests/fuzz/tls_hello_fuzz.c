/*
 * libFuzzer driver for the ClientHello SNI reader: no crash, and a name
 * given back is a NUL-terminated string that fits, without a NUL inside
 * what the record held.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls_hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[64];

	memset(name, 'x', sizeof(name));
	if (!tls_hello_sni(data, size, name, sizeof(name)))
		return 0;
	if (memchr(name, '\0', sizeof(name)) == NULL)
		abort();
	if (name[0] != '\0' && memmem(data, size, name, strlen(name)) == NULL)
		abort();
	return 0;
}
