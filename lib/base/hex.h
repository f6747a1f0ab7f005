/* hex: the value of one hexadecimal digit, shared by every decoder. */
#ifndef HEX_H
#define HEX_H

/* 0-15 for [0-9a-fA-F], -1 for anything else (including EOF). */
int	hex_digit(int);

#endif
