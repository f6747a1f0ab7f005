#include <stdbool.h>
#include <string.h>

#include "base/hex.h"
#include "http/http_path.h"
#include "http/http_status.h"

/*
 * Length of the UTF-8 sequence starting at s (at most n bytes), or 0 if
 * it is not a valid, shortest-form encoding (RFC 3629).
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07u;
	} else
		return 0;	/* continuation byte, or 0xc0/0xc1/0xf5+ */
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need;
}

/* Decode %XX into out; 0 or the status refusing the path. */
static int
percent_decode(const char *in, size_t len, char *out, size_t size,
    size_t *outlen)
{
	size_t i, n = 0;
	int hi, lo;
	unsigned char ch;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)in[i];
		if (ch == '%') {
			if (len - i < 3)
				return HTTP_STATUS_BAD_REQUEST;
			if ((hi = hex_digit((unsigned char)in[i + 1])) < 0 ||
			    (lo = hex_digit((unsigned char)in[i + 2])) < 0)
				return HTTP_STATUS_BAD_REQUEST;
			ch = (unsigned char)(hi << 4 | lo);
			i += 2;
			if (ch == '/' || ch == '\0')
				return HTTP_STATUS_NOT_FOUND;
		}
		if (ch < 0x20 || ch == 0x7f)
			return HTTP_STATUS_NOT_FOUND;
		if (n + 1 >= size)
			return HTTP_STATUS_URI_TOO_LONG;
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
}

static int
check_utf8(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = utf8_len((const unsigned char *)s + i, len - i);
		if (n == 0)
			return HTTP_STATUS_NOT_FOUND;
		i += n;
	}
	return 0;
}

/*
 * Remove dot segments in place (RFC 3986 section 5.2.4, for a path that
 * starts with "/") and merge empty segments.  Output never runs ahead of
 * input: each segment written was read with at least its slash.  A path
 * ending in "/", "/." or "/.." names a directory and keeps its slash.
 * ".." above the root is refused: 403.
 */
static int
remove_dots(char *p, size_t *len)
{
	size_t in = 0, out = 0, seg, end = *len;
	bool dir = false;

	while (in < end) {
		in++;				/* the slash */
		for (seg = in; seg < end && p[seg] != '/'; seg++)
			;
		dir = seg == end;		/* last segment: a directory? */
		if (seg == in || (seg - in == 1 && p[in] == '.'))
			;			/* "" or "." */
		else if (seg - in == 2 && p[in] == '.' && p[in + 1] == '.') {
			if (out == 0)
				return HTTP_STATUS_FORBIDDEN;
			while (p[--out] != '/')
				;
		} else {
			p[out++] = '/';
			memmove(p + out, p + in, seg - in);
			out += seg - in;
			dir = false;
		}
		in = seg;
	}
	if (out == 0 || dir)
		p[out++] = '/';
	p[out] = '\0';
	*len = out;
	return 0;
}

int
http_path_canon(const char *path, size_t len, char *out, size_t size)
{
	size_t n;
	int status;

	if (size > HTTP_PATH_MAX)
		size = HTTP_PATH_MAX;
	if (len == 0 || path[0] != '/')
		return HTTP_STATUS_BAD_REQUEST;
	if ((status = percent_decode(path, len, out, size, &n)) != 0)
		return status;
	if ((status = check_utf8(out, n)) != 0)
		return status;
	return remove_dots(out, &n);
}
