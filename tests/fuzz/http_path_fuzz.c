/*
 * libFuzzer driver for request path canonicalization: no crash, and every
 * accepted result is canonical -- it starts with "/", holds no empty, "."
 * or ".." segment, and canonicalizing it again changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[HTTP_PATH_MAX], again[HTTP_PATH_MAX];
	size_t n;
	int status;

	status = http_path_canon((const char *)data, size, out, sizeof(out));
	if (status != 0) {
		if (status != 400 && status != 403 && status != 404 &&
		    status != 414)
			abort();
		return 0;
	}
	n = strlen(out);
	if (out[0] != '/' || strstr(out, "//") != NULL ||
	    strstr(out, "/./") != NULL || strstr(out, "/../") != NULL ||
	    (n >= 2 && strcmp(out + n - 2, "/.") == 0) ||
	    (n >= 3 && strcmp(out + n - 3, "/..") == 0))
		abort();
	/* '%' in the result would decode again; only then may it differ. */
	if (strchr(out, '%') == NULL &&
	    (http_path_canon(out, n, again, sizeof(again)) != 0 ||
	    strcmp(out, again) != 0))
		abort();
	return 0;
}
