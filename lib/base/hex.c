#include "base/hex.h"

int
hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

void
hex_byte(unsigned char c, char out[2])
{
	static const char digits[] = "0123456789ABCDEF";

	out[0] = digits[c >> 4];
	out[1] = digits[c & 0x0f];
}

void
hex_encode(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

void
hex_pct_encode(struct strbuf *sb, const char *s, size_t n,
    bool (*keep)(unsigned char))
{
	char e[3] = { '%' };
	size_t i;

	for (i = 0; i < n && !sb->full; i++) {
		if (keep((unsigned char)s[i])) {
			strbuf_put(sb, s + i, 1);
			continue;
		}
		hex_byte((unsigned char)s[i], e + 1);
		strbuf_put(sb, e, sizeof(e));
	}
}
