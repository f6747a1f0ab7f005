/*
 * Unit tests of a stream in the clear over a socketpair: the read policy
 * (a short read clears readable, so no read is spent on EAGAIN), writes
 * and file writes, a write that would block, flush, and the half-close.
 * The TLS side is the same calls into lib/tls, tested through httpd.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/stream.h"
#include "tap.h"

int
main(void)
{
	char buf[64], path[] = "/tmp/stream.XXXXXX";
	struct stream s;
	int sp[2], file;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp) == -1 ||
	    (file = mkstemp(path)) == -1) {
		printf("Bail out! no socketpair\n");
		return 1;
	}
	(void)unlink(path);
	stream_open(&s, sp[0]);
	ok(!stream_may_read(&s) && !s.writable,
	    "a new stream waits for its first edges");
	errno = 0;
	ok(stream_read(&s, buf, sizeof(buf)) == -1 && errno == EAGAIN,
	    "no edge, no read");
	s.readable = s.writable = true;
	(void)write(sp[1], "hello", 5);
	n = stream_read(&s, buf, sizeof(buf));
	ok(n == 5 && memcmp(buf, "hello", 5) == 0 && !s.readable,
	    "a short read takes what came and clears readable");
	s.readable = true;
	errno = 0;
	ok(stream_read(&s, buf, sizeof(buf)) == -1 && errno == EAGAIN &&
	    !s.readable, "an empty socket: EAGAIN clears readable");

	ok(stream_write(&s, "abc", 3, true) == 3, "a write in the clear");
	(void)write(file, "0123456789", 10);
	ok(stream_write_file(&s, file, 4, 3) == 3, "a file's bytes, sendfile");
	ok(stream_flush(&s) == 0 && stream_flushed(&s),
	    "in the clear, flushing is nothing to do");
	n = read(sp[1], buf, sizeof(buf));
	ok(n == 6 && memcmp(buf, "abc456", 6) == 0, "the peer gets both");

	s.writable = false;
	errno = 0;
	ok(stream_write(&s, "x", 1, false) == -1 && errno == EAGAIN,
	    "not writable: EAGAIN without a system call");
	stream_shutdown(&s);
	ok(read(sp[1], buf, sizeof(buf)) == 0, "shutdown: the peer sees EOF");
	ok(write(sp[1], "late", 4) == 4 && (s.readable = true) &&
	    stream_read(&s, buf, sizeof(buf)) == 4,
	    "and may still send: a half-close");
	ok(stream_error(&s) == NULL, "no TLS, no TLS error");
	(void)close(sp[0]);
	(void)close(sp[1]);
	(void)close(file);
	return done_testing();
}
