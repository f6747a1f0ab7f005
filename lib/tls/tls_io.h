/*
 * tls_io: moving TLS records between a non-blocking socket and a BearSSL
 * engine, for both ends (tls_server, tls_client).  The readable/writable
 * flags are the caller's edge-triggered bookkeeping: the socket is read
 * or written only while its flag is set, and EAGAIN clears it.
 */
#ifndef TLS_IO_H
#define TLS_IO_H

#include <stdbool.h>
#include <stddef.h>

#include <bearssl.h>

/*
 * Write sealed records while there are some; false on a socket error.
 * With more, the caller has more to seal at once: the kernel may hold
 * the bytes back to send full segments (MSG_MORE), which a bulk
 * transfer needs to go as fast as sendfile(2) would.
 */
bool	tls_io_send(br_ssl_engine_context *, int fd, bool *writable,
	    bool more);
/*
 * One read into the engine: 1 records taken in, 0 the peer closed, -1
 * EAGAIN (*readable is cleared) or a socket error (errno).
 */
int	tls_io_recv(br_ssl_engine_context *, int fd, bool *readable);
/*
 * Seed the engine with 32 bytes from getrandom(2), before its reset: a
 * chrooted process has no /dev/urandom.  The kernel's bytes are enough,
 * so BearSSL is told not to ask the CPU as well (RDRAND and CPUID trap
 * in a virtual machine: 12 us per connection).  False without them.
 */
bool	tls_io_seed(br_ssl_engine_context *);

#endif
