/*
 * libFuzzer driver for access log lines: whatever the request held, a
 * line is printable ASCII ending in its only '\n', and every '"' in it
 * that is not escaped as \" is one of the style's own quotes, so no
 * value can end its field and forge the ones after it.  A buffer one
 * byte short is refused whole.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

enum { HEADER = 13, INPUT_MAX = 8192, LINE_MAX_FUZZ = 1 << 16 };

/* The unescaped quotes of each style's markup. */
static const size_t QUOTES[] = { 2, 6, 6, 0 };

/* Next NUL-separated field, or NULL once the input is used up. */
static const char *
field(const char **p, const char *end, size_t *len)
{
	const char *s = *p;

	if (s >= end)
		return NULL;
	*len = strlen(s);
	*p = s + *len + 1;
	/* An empty field stands for an absent header. */
	return *len == 0 ? NULL : s;
}

/* Quotes not preceded by a backslash escape. */
static size_t
bare_quotes(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '"')
			n++;
	}
	return n;
}

static void
fill(struct http_log_entry *e, const char *p, const char *end)
{
	size_t len;

	e->server_name = field(&p, end, &len);
	e->client_addr = field(&p, end, &len);
	e->remote_user = field(&p, end, &len);
	e->method = field(&p, end, &len);
	e->path = field(&p, end, &e->path_len);
	e->query = field(&p, end, &e->query_len);
	e->version = field(&p, end, &len);
	e->referer = field(&p, end, &len);
	e->user_agent = field(&p, end, &len);
	e->forwarded_for = field(&p, end, &len);
	e->forwarded_port = field(&p, end, &len);
	e->local_addr = field(&p, end, &len);
	e->done = field(&p, end, &len);
	e->requests = field(&p, end, &len);
}

/*
 * Input: style, 8 bytes of time, 4 of offset, then the string fields
 * separated by NUL bytes.  The time is mostly kept in range so that
 * most inputs make a line; the rest test the refusal.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char copy[INPUT_MAX + 1], out[LINE_MAX_FUZZ];
	struct http_log_entry e;
	enum http_log_style style;
	uint64_t t = 0;
	uint32_t off = 0;
	size_t n, i;

	if (size < HEADER || size > INPUT_MAX)
		return 0;
	memset(&e, 0, sizeof(e));
	style = (enum http_log_style)(data[0] % 4);
	for (i = 0; i < 8; i++)
		t = t << 8 | data[1 + i];
	for (i = 0; i < 4; i++)
		off = off << 8 | data[9 + i];
	e.time = (data[0] & 0x80) ? (int64_t)t : (int64_t)(t % 8000000000ULL);
	e.gmtoff = (data[0] & 0x40) ? (long)(int32_t)off :
	    (long)(off % 100801) - 50400;
	e.status = (int)(int32_t)off;
	e.bytes = t;
	e.conn_id = t >> 3;
	e.conn_active = off;
	e.client_port = off & 0xffff;
	memcpy(copy, data + HEADER, size - HEADER);
	copy[size - HEADER] = '\0';
	fill(&e, copy, copy + size - HEADER);

	n = http_log_format(out, sizeof(out), style, &e);
	if (n == 0) {
		/* Only a time out of range may be refused here. */
		if (style != HTTP_LOG_CONNECTION && ((data[0] & 0xc0) != 0))
			return 0;
		abort();
	}
	if (n != strlen(out) || out[n - 1] != '\n' ||
	    strchr(out, '\n') != out + n - 1)
		abort();
	for (i = 0; i + 1 < n; i++)
		if ((unsigned char)out[i] < 0x20 ||
		    (unsigned char)out[i] > 0x7e)
			abort();
	if (bare_quotes(out) != QUOTES[style])
		abort();
	if (http_log_format(out, n, style, &e) != 0 || out[0] != '\0')
		abort();
	return 0;
}
