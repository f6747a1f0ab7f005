/*
 * hex: hexadecimal digits both ways -- the value of one digit for every
 * decoder, and the one encoder every writer uses: plain hex (digests),
 * one escaped byte, and percent-encoding with the caller's set of bytes
 * that stay as they are.
 */
#ifndef HEX_H
#define HEX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"

/* 0-15 for [0-9a-fA-F], -1 for anything else (including EOF). */
int	hex_digit(int);

/* The two uppercase digits of c into out[0] and out[1]. */
void	hex_byte(unsigned char c, char out[2]);

/* d[0..n) as 2n lowercase digits and a NUL: out holds 2n + 1 bytes. */
void	hex_encode(const unsigned char *d, size_t n, char *out);

/*
 * s[0..n) into sb, each byte for which keep() is false written as "%XX"
 * (RFC 3986); a NUL in the middle is encoded, not an end.
 */
void	hex_pct_encode(struct strbuf *sb, const char *s, size_t n,
	    bool (*keep)(unsigned char));

#endif
