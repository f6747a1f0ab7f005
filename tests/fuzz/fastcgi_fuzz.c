/*
 * libFuzzer driver for the FastCGI record codec.  The first byte chooses
 * the parser flags and the size of the pieces; the rest is a byte
 * stream.  Promises checked, beyond "no sanitizer report":
 *   - every event stays inside the bytes it was given;
 *   - fed in pieces and content taken a few bytes at a time, the parser
 *     reports exactly what it reports fed everything at once;
 *   - name-value decoding never moves past the end, and whatever it
 *     decodes encodes back to the same bytes;
 *   - a GET_VALUES answer is a record the parser accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/fastcgi.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

enum { LOG_MAX = 1 << 16 };

struct log {
	uint8_t			 bytes[LOG_MAX];
	size_t			 len;
	enum fcgi_error		 error;
};

static void
note(struct log *l, const void *p, size_t n)
{
	if (n > LOG_MAX - l->len)
		n = LOG_MAX - l->len;
	memcpy(l->bytes + l->len, p, n);
	l->len += n;
}

static void
record_event(struct log *l, const struct fcgi_event *ev)
{
	uint8_t h[7];

	h[0] = (uint8_t)ev->type;
	h[1] = ev->header.type;
	h[2] = (uint8_t)(ev->header.request_id >> 8);
	h[3] = (uint8_t)ev->header.request_id;
	h[4] = (uint8_t)(ev->header.content_length >> 8);
	h[5] = (uint8_t)ev->header.content_length;
	h[6] = ev->header.padding_length;
	note(l, h, sizeof(h));
	if (ev->type == FCGI_EV_END)
		note(l, ev->body, sizeof(ev->body));
}

/* Feed in[0..len) `step` bytes at a time, take content `take` at once. */
static void
parse_all(const uint8_t *in, size_t len, size_t step, size_t take,
    unsigned flags, struct log *l)
{
	struct fcgi_parser p;
	struct fcgi_event ev;
	enum fcgi_event_type t = FCGI_EV_MORE;
	size_t off = 0, avail = 0, used, n;

	fcgi_parser_init(&p, flags, 0);
	l->len = 0;
	l->error = FCGI_E_NONE;
	for (;;) {
		if (t == FCGI_EV_MORE) {
			n = len - off - avail < step ? len - off - avail : step;
			if (n == 0)
				return;
			avail += n;
		}
		t = fcgi_parse(&p, in + off, avail, &used, &ev);
		if (used > avail)
			abort();
		off += used;
		avail -= used;
		if (t == FCGI_EV_MORE && avail != 0)
			abort();	/* "more" means all was used */
		if (t == FCGI_EV_ERROR) {
			l->error = ev.error;
			return;
		}
		if (t != FCGI_EV_CONTENT) {
			if (t != FCGI_EV_MORE)
				record_event(l, &ev);
			continue;
		}
		if (used != 0 || ev.data != in + off || ev.len == 0 ||
		    ev.len > avail)
			abort();
		n = ev.len < take ? ev.len : take;
		note(l, ev.data, n);
		fcgi_take(&p, n);
		off += n;
		avail -= n;
	}
}

static void
check_pairs(const uint8_t *in, size_t len)
{
	static uint8_t out[8192];
	struct fcgi_nv nv;
	enum fcgi_error err = FCGI_E_NONE;
	size_t off = 0, prev = 0, n;
	int r;

	while ((r = fcgi_nv_next(in, len, &off, &nv, &err)) == 1) {
		if (off > len || off <= prev || nv.name < in ||
		    nv.value + nv.valuelen > in + len)
			abort();
		n = fcgi_nv_put(out, sizeof(out), nv.name, nv.namelen,
		    nv.value, nv.valuelen);
		/* The shortest form is canonical; a long form may be used. */
		if (n > off - prev || (n != 0 && memcmp(out + n - nv.namelen -
		    nv.valuelen, in + off - nv.namelen - nv.valuelen,
		    nv.namelen + nv.valuelen) != 0))
			abort();
		prev = off;
	}
	if (r == -1 && (err != FCGI_E_NV_TRUNCATED || off != prev))
		abort();
}

static void
check_get_values(const uint8_t *in, size_t len)
{
	static const struct fcgi_value known[] = {
		{ "FCGI_MAX_CONNS", "64" }, { "FCGI_MPXS_CONNS", "0" }
	};
	static uint8_t out[512];
	struct fcgi_parser p;
	struct fcgi_event ev;
	size_t outlen = 0, used;

	if (fcgi_put_get_values_result(out, sizeof(out), &outlen, in, len,
	    known, 2) != FCGI_E_NONE)
		return;
	fcgi_parser_init(&p, FCGI_PARSE_STRICT_PADDING, 0);
	if (outlen > sizeof(out) || outlen % 8 != 0 ||
	    fcgi_parse(&p, out, outlen, &used, &ev) != FCGI_EV_HEADER ||
	    ev.header.type != FCGI_GET_VALUES_RESULT ||
	    (size_t)ev.header.content_length + ev.header.padding_length + 8 !=
	    outlen)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct log whole, pieces;
	unsigned flags;
	size_t step;

	if (size < 1 || size - 1 > 8192)
		return 0;
	flags = data[0] & 3;
	step = (size_t)(data[0] >> 2) % 17 + 1;
	parse_all(data + 1, size - 1, size - 1, size, flags, &whole);
	parse_all(data + 1, size - 1, step, step % 5 + 1, flags, &pieces);
	if (whole.error != pieces.error || whole.len != pieces.len ||
	    memcmp(whole.bytes, pieces.bytes, whole.len) != 0)
		abort();
	check_pairs(data + 1, size - 1);
	check_get_values(data + 1, size - 1);
	return 0;
}
