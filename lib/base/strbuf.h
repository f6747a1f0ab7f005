/*
 * strbuf: a bounded writer over a caller's buffer, for code that builds
 * text piece by piece (listings, log lines, macro expansion).  Once a
 * piece does not fit, `full` sticks and nothing more is written, so a
 * caller checks once at the end instead of after every piece; the text is
 * NUL-terminated after every piece that fits.
 */
#ifndef STRBUF_H
#define STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char	*buf;
	size_t	 size;
	size_t	 len;
	bool	 full;
};

/* Start writing into buf[0..size); size must be at least 1. */
void	strbuf_init(struct strbuf *, char *buf, size_t size);
/* Append s[0..n), keeping room for the NUL. */
void	strbuf_put(struct strbuf *, const char *s, size_t n);
void	strbuf_puts(struct strbuf *, const char *s);
/* Append v in decimal, zero-padded to at least width digits. */
void	strbuf_putnum(struct strbuf *, uint64_t v, size_t width);

#endif
