/*
 * sockaddr: socket addresses as the logs, status files and FastCGI
 * parameters write them -- numeric, without brackets or port.
 */
#ifndef SOCKADDR_H
#define SOCKADDR_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for any address as text, its NUL included (INET6_ADDRSTRLEN). */
enum { SOCKADDR_TEXT_MAX = 46 };

/*
 * The address of ss into buf ("192.0.2.1", "2001:db8::1"); "-" for a
 * family that is neither IPv4 nor IPv6, "" if buf is too small.  port,
 * if not NULL, gets the port in host order (0 for other families).
 */
void	sockaddr_text(const struct sockaddr_storage *ss, char *buf,
	    size_t size, uint16_t *port);

/*
 * Whether ss is a wildcard address (0.0.0.0, ::), which a socket bound
 * to it does not tell its connections' local address by.
 */
bool	sockaddr_is_any(const struct sockaddr_storage *ss);

/*
 * Whether a and b are the same IPv4 or IPv6 endpoint: family, address
 * and port (not the bytes a kernel may leave different, as sin_zero).
 */
bool	sockaddr_same(const struct sockaddr_storage *a,
	    const struct sockaddr_storage *b);

#endif
