/*
 * addr: the addresses a configuration names, classified without any
 * lookup.  Host names, interface names and interface groups (egress) are
 * all kept as names: they are resolved when a program binds or checks,
 * not when a file is checked with -n, so that -n gives the same answer
 * on a machine without DNS.
 */
#ifndef ADDR_H
#define ADDR_H

#include <stdbool.h>
#include <stddef.h>

enum addr_kind {
	ADDR_ANY,	/* "*": every IPv4 and IPv6 address */
	ADDR_INET,
	ADDR_INET6,
	ADDR_NAME	/* host name, interface or interface group */
};

enum { ADDR_NAME_MAX = 253 };	/* longest DNS name (RFC 1035) */

struct addr {
	enum addr_kind	 kind;
	unsigned char	 bytes[16];	/* network order, ADDR_INET[6] */
	int		 prefixlen;	/* -1: none given */
	char		 name[ADDR_NAME_MAX + 1];	/* ADDR_NAME */
};

/*
 * Parse s into *out.  allow_prefix permits a "/len" suffix on numeric
 * addresses.  On failure returns false and sets *why to a static
 * message.
 */
bool	addr_parse(const char *s, bool allow_prefix, struct addr *out,
	    const char **why);
/* Canonical text: "*", compressed IPv6, name; "/len" when given. */
void	addr_format(const struct addr *, char *, size_t);

#endif
