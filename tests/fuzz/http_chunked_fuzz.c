/*
 * libFuzzer driver for the chunked decoder.  The first byte chooses where
 * the rest is split in two reads; decoding in one piece and in two must
 * give the same result, the same body and the same leftover.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_chunked.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct outcome {
	enum http_chunked_result	 r;
	size_t				 body, used;
	char				 data[8192];
};

static void
run(const uint8_t *in, size_t len, size_t split, struct outcome *o)
{
	static char buf[8192];
	struct http_chunked c;
	size_t have, used, produced;

	http_chunked_init(&c);
	o->body = o->used = 0;
	memcpy(buf, in, split);
	o->r = http_chunked_decode(&c, buf, split, &used, &produced);
	memcpy(o->data, buf, produced);
	o->body = produced;
	o->used = used;
	if (o->r != HTTP_CHUNKED_MORE || split == len)
		return;
	/* Unused bytes stay in front of the next read, as a server keeps them. */
	have = split - used;
	memmove(buf, buf + used, have);
	memcpy(buf + have, in + split, len - split);
	o->r = http_chunked_decode(&c, buf, have + len - split, &used, &produced);
	if (produced > have + len - split || used > have + len - split)
		abort();
	memcpy(o->data + o->body, buf, produced);
	o->body += produced;
	o->used += used - have;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct outcome whole, split;
	size_t at;

	if (size < 1 || size - 1 > 4096)
		return 0;
	at = data[0] % size;
	run(data + 1, size - 1, size - 1, &whole);
	run(data + 1, size - 1, at, &split);
	if (whole.r != split.r)
		abort();
	if (whole.r == HTTP_CHUNKED_ERROR)
		return 0;
	if (whole.body != split.body ||
	    memcmp(whole.data, split.data, whole.body) != 0)
		abort();
	if (whole.r == HTTP_CHUNKED_DONE && whole.used != split.used)
		abort();
	return 0;
}
