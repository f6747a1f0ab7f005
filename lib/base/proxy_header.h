/*
 * proxy_header: the PROXY protocol header (HAProxy's proxy-protocol.txt,
 * versions 1 and 2) that a relay sends first on its connection to a
 * backend, so that the backend learns who the client is and which address
 * it connected to.  Pure: no I/O, no allocation.
 *
 * The header has one family for both ends, so the two addresses are
 * reduced to one:
 * - an IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack
 *   listener reports for an IPv4 client) counts as IPv4;
 * - both ends IPv4: TCP4 (v1) or TCP over IPv4, \x11 (v2);
 * - both IPv4 or IPv6 but not both IPv4: TCP6 or \x21, the IPv4 end
 *   written as its IPv4-mapped IPv6 address;
 * - any other family, or a NULL address: v1 "PROXY UNKNOWN\r\n"; v2 the
 *   PROXY command with family and protocol UNSPEC (\x00) and no address
 *   block, the spec's form for an unsupported family (the backend uses
 *   the connection's own addresses, or refuses it).
 * v1 writes IPv6 addresses as hexadecimal groups, zeros compressed once
 * (RFC 5952), never with a dotted IPv4 tail: the spec's grammar has none.
 * v2 carries no TLVs.  Scope ids and flow labels are not sent: the
 * protocol has no field for them.
 */
#ifndef PROXY_HEADER_H
#define PROXY_HEADER_H

#include <sys/socket.h>

#include <stddef.h>

enum proxy_header_version {
	PROXY_HEADER_V1 = 1,
	PROXY_HEADER_V2 = 2
};

/*
 * The longest header written: v1 over IPv6, "PROXY TCP6 " and two
 * 39-character addresses, two 5-digit ports, three spaces and CRLF (the
 * spec's own count, 104).  v2 is at most 16 + 36 = 52 bytes.
 */
enum { PROXY_HEADER_MAX = 104 };

/*
 * Write the header for a connection from client, accepted on local, into
 * buf[0..size).  Returns the number of bytes written (at most
 * PROXY_HEADER_MAX; v2 contains NUL bytes, v1 is not NUL-terminated), or 0
 * if the header does not fit in size bytes or the version is unknown;
 * nothing is written then.
 */
size_t	proxy_header(enum proxy_header_version,
	    const struct sockaddr_storage *client,
	    const struct sockaddr_storage *local, unsigned char *buf,
	    size_t size);

#endif
