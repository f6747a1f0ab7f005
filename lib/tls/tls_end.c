#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tls/tls_end.h"
#include "tls/tls_io.h"

/* The engine closed: cleanly (0) or not (-1, EPROTO). */
static ssize_t
closed(const struct tls_end *t)
{
	if (br_ssl_engine_last_error(t->eng) == BR_ERR_OK)
		return 0;
	errno = EPROTO;
	return -1;
}

ssize_t
tls_end_read(const struct tls_end *t, int fd, bool *readable, bool *writable,
    void *buf, size_t len)
{
	br_ssl_engine_context *eng = t->eng;
	unsigned char *p;
	unsigned st;
	size_t avail;
	int r;

	for (;;) {
		if (!tls_io_send(t->eng, fd, writable, false))
			return -1;
		st = br_ssl_engine_current_state(t->eng);
		if (st & BR_SSL_CLOSED)
			return closed(t);
		if (st & BR_SSL_RECVAPP) {
			p = br_ssl_engine_recvapp_buf(eng, &avail);
			if (avail > len)
				avail = len;
			memcpy(buf, p, avail);
			br_ssl_engine_recvapp_ack(eng, avail);
			return (ssize_t)avail;
		}
		if (!(st & BR_SSL_RECVREC) || !*readable)
			break;
		r = t->recv(t->arg, fd, readable);
		if (r == 0)
			return 0;
		if (r == -1 && *readable)
			return -1;
	}
	errno = EAGAIN;
	return -1;
}

/*
 * Room for plaintext in the engine, sending records first if they are in
 * the way.  NULL with errno set when there is none yet.
 */
static unsigned char *
app_space(const struct tls_end *t, int fd, bool *readable, bool *writable,
    size_t *len)
{
	unsigned st;

	for (;;) {
		st = br_ssl_engine_current_state(t->eng);
		if (st & BR_SSL_CLOSED) {
			errno = br_ssl_engine_last_error(t->eng) ==
			    BR_ERR_OK ? EPIPE : EPROTO;
			return NULL;
		}
		if (st & BR_SSL_SENDAPP)
			return br_ssl_engine_sendapp_buf(t->eng, len);
		if ((st & BR_SSL_SENDREC) && *writable) {
			if (!tls_io_send(t->eng, fd, writable, true))
				return NULL;
			continue;
		}
		/* Still in the handshake: it needs the client's records. */
		if ((st & BR_SSL_RECVREC) && *readable &&
		    !(st & BR_SSL_SENDREC)) {
			if (t->recv(t->arg, fd, readable) == 0) {
				errno = EPIPE;
				return NULL;
			}
			continue;
		}
		errno = EAGAIN;
		return NULL;
	}
}

ssize_t
tls_end_write(const struct tls_end *t, int fd, bool *readable, bool *writable,
    const void *buf, size_t len)
{
	unsigned char *p;
	size_t room;

	if ((p = app_space(t, fd, readable, writable, &room)) == NULL)
		return -1;
	if (room > len)
		room = len;
	memcpy(p, buf, room);
	br_ssl_engine_sendapp_ack(t->eng, room);
	return (ssize_t)room;
}

ssize_t
tls_end_write_file(const struct tls_end *t, int fd, bool *readable,
    bool *writable, int file, off_t off, size_t len)
{
	unsigned char *p;
	size_t room;
	ssize_t n;

	if ((p = app_space(t, fd, readable, writable, &room)) == NULL)
		return -1;
	if (room > len)
		room = len;
	if ((n = pread(file, p, room, off)) > 0)
		br_ssl_engine_sendapp_ack(t->eng, (size_t)n);
	return n;
}

int
tls_end_flush(const struct tls_end *t, int fd, bool *writable)
{
	br_ssl_engine_flush(t->eng, 0);
	if (!tls_io_send(t->eng, fd, writable, false))
		return -1;
	if (br_ssl_engine_current_state(t->eng) & BR_SSL_SENDREC) {
		errno = EAGAIN;
		return -1;
	}
	return 0;
}

bool
tls_end_ready(const struct tls_end *t)
{
	return (br_ssl_engine_current_state(t->eng) & BR_SSL_SENDAPP) != 0;
}

void
tls_end_close(const struct tls_end *t, int fd, bool *writable)
{
	/* A handshake cut short gets no alert: there is no session. */
	if (!tls_end_ready(t))
		return;
	br_ssl_engine_close(t->eng);
	(void)tls_io_send(t->eng, fd, writable, false);
}

const char *
tls_end_error(const struct tls_end *t)
{
	static char text[64];
	int e = br_ssl_engine_last_error(t->eng);

	switch (e) {
	case BR_ERR_OK:
		return NULL;
	case BR_ERR_UNSUPPORTED_VERSION:
		return "unsupported protocol version";
	case BR_ERR_BAD_VERSION:
	case BR_ERR_UNKNOWN_TYPE:
		return "not a TLS record (plain text on a TLS port?)";
	case BR_ERR_BAD_CIPHER_SUITE:
		return "no cipher suite in common";
	case BR_ERR_NO_CLIENT_AUTH:
		return "no client certificate";
	case BR_ERR_BAD_MAC:
		return "bad record MAC";
	case BR_ERR_IO:
		return "I/O error";
	default:
		break;
	}
	if (e >= BR_ERR_SEND_FATAL_ALERT)
		(void)snprintf(text, sizeof(text), "sent fatal alert %d",
		    e - BR_ERR_SEND_FATAL_ALERT);
	else if (e >= BR_ERR_RECV_FATAL_ALERT)
		(void)snprintf(text, sizeof(text), "received fatal alert %d",
		    e - BR_ERR_RECV_FATAL_ALERT);
	else if (e >= 32 && e < 64)
		(void)snprintf(text, sizeof(text), "client certificate "
		    "rejected (X.509 error %d)", e);
	else
		(void)snprintf(text, sizeof(text), "BearSSL error %d", e);
	return text;
}
