#include <string.h>

#include "base/strbuf.h"

void
strbuf_init(struct strbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->size = size;
	sb->len = 0;
	sb->full = size == 0;
	if (size > 0)
		buf[0] = '\0';
}

void
strbuf_put(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->full || n >= sb->size - sb->len) {
		sb->full = true;
		return;
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_put(sb, s, strlen(s));
}

void
strbuf_putnum(struct strbuf *sb, uint64_t v, size_t width)
{
	char digits[20];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	while (sizeof(digits) - i < width && i > 0)
		digits[--i] = '0';
	strbuf_put(sb, digits + i, sizeof(digits) - i);
}
