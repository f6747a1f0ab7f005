/*
 * Unit tests of a stream in the clear over a socketpair: the read policy
 * (a short read clears readable, so no read is spent on EAGAIN), writes
 * and file writes, a write that would block, flush, and the half-close.
 * The TLS side is the same calls into lib/tls, tested through httpd.
 * Splicing between two plain streams, through a pipe.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/stream.h"
#include "tap.h"

/* Two socketpairs: a -> (stream in) ... (stream out) -> b, spliced. */
static void
test_splice(void)
{
	struct splice_pipe p = { { -1, -1 }, 0 };
	struct stream in, out;
	int a[2], b[2];
	char buf[64];
	bool eof;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b) == -1 ||
	    pipe2(p.fd, O_NONBLOCK | O_CLOEXEC) == -1) {
		ok(0, "splice set-up");
		return;
	}
	stream_open(&in, a[1]);
	stream_open(&out, b[0]);
	in.readable = out.writable = true;
	(void)write(a[0], "spliced", 7);
	ok(stream_splice(&in, &out, &p, 1 << 16, &eof) == 7 && !eof &&
	    !in.readable && p.held == 0, "bytes go through, the source empty");
	ok(read(b[1], buf, sizeof(buf)) == 7 && memcmp(buf, "spliced", 7) == 0,
	    "and arrive as they were sent");
	out.writable = false;
	in.readable = true;
	(void)write(a[0], "held", 4);
	ok(stream_splice(&in, &out, &p, 1 << 16, &eof) == 0 && p.held == 4,
	    "a destination that would block: the pipe holds them");
	out.writable = true;
	ok(stream_splice(&in, &out, &p, 1 << 16, &eof) == 4 && p.held == 0,
	    "and gives them up when it may write");
	(void)close(a[0]);
	in.readable = true;
	ok(stream_splice(&in, &out, &p, 1 << 16, &eof) == 0 && eof,
	    "the source's end is the splice's end");
	in.tls.eng = (br_ssl_engine_context *)(void *)&p;	/* TLS */
	errno = 0;
	ok(stream_splice(&in, &out, &p, 1, &eof) == -1 && errno == EINVAL,
	    "never through a TLS stream");
	(void)close(a[1]);
	(void)close(b[0]);
	(void)close(b[1]);
	(void)close(p.fd[0]);
	(void)close(p.fd[1]);
}

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

	/* Bytes and the FIN in one edge: read on to the end. */
	(void)close(sp[0]);
	(void)close(sp[1]);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp) == -1)
		return 1;
	stream_open(&s, sp[1]);
	(void)write(sp[0], "last", 4);
	(void)shutdown(sp[0], SHUT_WR);
	stream_event(&s, EPOLLIN | EPOLLRDHUP);
	ok(stream_read(&s, buf, sizeof(buf)) == 4 && s.readable,
	    "the FIN announced: a short read does not end the reading");
	ok(stream_read(&s, buf, sizeof(buf)) == 0, "which reads the end");
	(void)close(sp[0]);
	(void)close(sp[1]);
	(void)close(file);
	test_splice();
	return done_testing();
}
