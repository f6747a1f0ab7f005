#include <sys/random.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tls/tls_io.h"

bool
tls_io_send(br_ssl_engine_context *eng, int fd, bool *writable, bool more)
{
	unsigned char *p;
	size_t len;
	ssize_t n;

	while (*writable &&
	    (br_ssl_engine_current_state(eng) & BR_SSL_SENDREC)) {
		p = br_ssl_engine_sendrec_buf(eng, &len);
		n = send(fd, p, len, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
		if (n > 0)
			br_ssl_engine_sendrec_ack(eng, (size_t)n);
		else if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			*writable = false;
		else if (n == -1 && errno != EINTR)
			return false;
	}
	return true;
}

int
tls_io_recv(br_ssl_engine_context *eng, int fd, bool *readable)
{
	unsigned char *p;
	size_t len;
	ssize_t n;

	p = br_ssl_engine_recvrec_buf(eng, &len);
	while ((n = read(fd, p, len)) == -1 && errno == EINTR)
		;
	if (n > 0) {
		br_ssl_engine_recvrec_ack(eng, (size_t)n);
		return 1;
	}
	if (n == 0)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		*readable = false;
	return -1;
}

bool
tls_io_seed(br_ssl_engine_context *eng)
{
	unsigned char seed[32];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(seed)) {
		n = getrandom(seed + got, sizeof(seed) - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	br_ssl_engine_inject_entropy(eng, seed, sizeof(seed));
	explicit_bzero(seed, sizeof(seed));
	/* rng_init_done is 2 now: seeded.  (A field BearSSL documents.) */
	eng->rng_os_rand_done = 1;
	return true;
}
