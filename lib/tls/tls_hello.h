/*
 * tls_hello: the server name (SNI) of a ClientHello, read from the raw
 * bytes a client sent first.  BearSSL looks a session up before it has
 * read the ClientHello's extensions, so the session cache needs the name
 * from here to refuse a session made for another virtual host.
 */
#ifndef TLS_HELLO_H
#define TLS_HELLO_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes gathered at most for a ClientHello that comes in pieces. */
enum { TLS_HELLO_MAX = 8192 };

/*
 * buf holds the start of the stream: a handshake record with the
 * ClientHello.  On success, name is the host name, or "" if the client
 * sent none.  False if the bytes are not a complete, well-formed
 * ClientHello record or the name does not fit.
 */
bool	tls_hello_sni(const unsigned char *buf, size_t len, char *name,
	    size_t size);

#endif
