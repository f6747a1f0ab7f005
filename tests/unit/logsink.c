/*
 * Unit tests of the log sink: lines batched per file and written whole
 * on flush or when another file's line comes; syslog lines sent at once
 * as RFC 3164 datagrams with the right priority; losses counted.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/logsink.h"
#include "tap.h"

/* What fd's file holds now, as a string (at most 255 bytes). */
static const char *
contents(int fd)
{
	static char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static int
tmpfile_fd(void)
{
	char path[] = "/tmp/logsink.XXXXXX";
	int fd = mkstemp(path);

	(void)unlink(path);
	return fd;
}

int
main(void)
{
	static struct logsink ls;
	char dgram[LOGSINK_LINE_MAX + 128], want[64];
	int a = tmpfile_fd(), b = tmpfile_fd(), sp[2];
	ssize_t n;

	if (a == -1 || b == -1 ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sp) == -1) {
		printf("Bail out! no files\n");
		return 1;
	}
	logsink_init(&ls, "unit", sp[0]);
	logsink_line(&ls, a, false, "one\n", 4, 0);
	logsink_line(&ls, a, true, "two\n", 4, 0);
	is_str(contents(a), "", "lines for a file wait");
	logsink_line(&ls, b, false, "three\n", 6, 0);
	is_str(contents(a), "one\ntwo\n", "a line for another file writes them");
	logsink_flush(&ls);
	is_str(contents(b), "three\n", "a flush writes what waits");
	logsink_line(&ls, -1, false, "none\n", 5, 0);
	logsink_flush(&ls);
	is_str(contents(b), "three\n", "no descriptor: no line");

	logsink_line(&ls, sp[0], true, "bad thing\n", 10, 0);
	n = recv(sp[1], dgram, sizeof(dgram) - 1, 0);
	dgram[n > 0 ? n : 0] = '\0';
	(void)snprintf(want, sizeof(want), "<27>%s unit[%d]: bad thing",
	    "Jan  1 00:00:00", (int)getpid());
	ok(n > 0 && strcmp(dgram + 19, want + 19) == 0 &&
	    strncmp(dgram, "<27>", 4) == 0,
	    "an error line to syslog: daemon.err, the tag and pid, no newline");
	logsink_line(&ls, sp[0], false, "fine\n", 5, 0);
	n = recv(sp[1], dgram, sizeof(dgram) - 1, 0);
	ok(n > 4 && strncmp(dgram, "<30>", 4) == 0, "an access line: daemon.info");

	(void)close(sp[1]);
	logsink_line(&ls, sp[0], false, "lost\n", 5, 0);
	ok(ls.errors == 1, "a line syslog cannot take is counted as lost");
	return done_testing();
}
