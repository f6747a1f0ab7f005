#include <string.h>

#include "base/hex.h"
#include "http/http_chunked.h"

/* 16 hex digits fill 64 bits; a longer size is an attack, not a body. */
enum { CHUNK_SIZE_DIGITS_MAX = 16 };

void
http_chunked_init(struct http_chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = CHUNK_SIZE;
}

static enum http_chunked_result
fail(struct http_chunked *c, const char *why)
{
	c->error = why;
	return HTTP_CHUNKED_ERROR;
}

/* One byte of a size line: digits, then extensions up to CR. */
static enum http_chunked_result
size_byte(struct http_chunked *c, unsigned char ch)
{
	int v;

	if (++c->line > HTTP_CHUNK_LINE_MAX)
		return fail(c, "chunk size line too long");
	if (c->state == CHUNK_SIZE && (v = hex_digit(ch)) >= 0) {
		if (++c->digits > CHUNK_SIZE_DIGITS_MAX)
			return fail(c, "chunk size too large");
		c->remaining = c->remaining << 4 | (uint64_t)v;
		return HTTP_CHUNKED_MORE;
	}
	if (c->digits == 0)
		return fail(c, "invalid chunk size");
	if (ch == '\r') {
		c->state = CHUNK_SIZE_LF;
		return HTTP_CHUNKED_MORE;
	}
	/* chunk-ext: BWS ";" ...; its text is skipped, not interpreted. */
	if (c->state == CHUNK_SIZE && ch != ';' && ch != ' ' && ch != '\t')
		return fail(c, "invalid chunk size");
	if (ch == '\n' || (ch < 0x20 && ch != '\t') || ch == 0x7f)
		return fail(c, "control byte in chunk extension");
	c->state = CHUNK_EXT;
	return HTTP_CHUNKED_MORE;
}

/* A trailer line byte; an empty line ends the body. */
static enum http_chunked_result
trailer_byte(struct http_chunked *c, unsigned char ch)
{
	if (++c->trailer > HTTP_CHUNK_TRAILER_MAX)
		return fail(c, "trailer too large");
	if (ch == '\r') {
		c->state = CHUNK_TRAILER_LF;
		return HTTP_CHUNKED_MORE;
	}
	if (ch == '\n' || (ch < 0x20 && ch != '\t') || ch == 0x7f)
		return fail(c, "control byte in trailer");
	c->line++;
	return HTTP_CHUNKED_MORE;
}

static enum http_chunked_result
lf_byte(struct http_chunked *c, unsigned char ch)
{
	if (ch != '\n')
		return fail(c, "bare CR");
	switch (c->state) {
	case CHUNK_SIZE_LF:
		c->state = c->remaining == 0 ? CHUNK_TRAILER : CHUNK_DATA;
		c->line = 0;
		break;
	case CHUNK_DATA_LF:
		c->state = CHUNK_SIZE;
		c->digits = 0;
		c->line = 0;
		break;
	case CHUNK_TRAILER_LF:
		c->state = c->line == 0 ? CHUNK_DONE : CHUNK_TRAILER;
		c->line = 0;
		return c->state == CHUNK_DONE ? HTTP_CHUNKED_DONE :
		    HTTP_CHUNKED_MORE;
	default:
		break;
	}
	return HTTP_CHUNKED_MORE;
}

enum http_chunked_result
http_chunked_decode(struct http_chunked *c, char *buf, size_t len,
    size_t *used, size_t *produced)
{
	size_t in = 0, out = 0, n;
	enum http_chunked_result r = HTTP_CHUNKED_MORE;
	unsigned char ch;

	while (in < len && r == HTTP_CHUNKED_MORE) {
		if (c->state == CHUNK_DATA) {
			n = len - in;
			if ((uint64_t)n > c->remaining)
				n = (size_t)c->remaining;
			memmove(buf + out, buf + in, n);
			in += n;
			out += n;
			c->remaining -= n;
			c->total += n;
			if (c->remaining == 0)
				c->state = CHUNK_DATA_CR;
			continue;
		}
		ch = (unsigned char)buf[in++];
		switch (c->state) {
		case CHUNK_SIZE:
		case CHUNK_EXT:
			r = size_byte(c, ch);
			break;
		case CHUNK_DATA_CR:
			if (ch != '\r')
				r = fail(c, "chunk data longer than its size");
			else
				c->state = CHUNK_DATA_LF;
			break;
		case CHUNK_TRAILER:
			r = trailer_byte(c, ch);
			break;
		case CHUNK_SIZE_LF:
		case CHUNK_DATA_LF:
		case CHUNK_TRAILER_LF:
			r = lf_byte(c, ch);
			break;
		case CHUNK_DATA:
		case CHUNK_DONE:
			r = HTTP_CHUNKED_DONE;
			in--;
			break;
		}
	}
	if (c->state == CHUNK_DONE && r != HTTP_CHUNKED_ERROR)
		r = HTTP_CHUNKED_DONE;
	*used = in;
	*produced = out;
	return r;
}
