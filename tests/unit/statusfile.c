/*
 * Unit tests of the status file format: lines written read back the
 * same, malformed lines are refused one by one, and the atomic writer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/statusfile.h"
#include "tap.h"

static const char *const bad_lines[] = {
	"",
	"127.0.0.1",
	"127.0.0.1 80 up 1700000000 3 1 127.0.0.1",	/* no reason */
	"127.0.0.1 80 sideways 1700000000 3 1 127.0.0.1 none",
	"127.0.0.1 65536 up 1700000000 3 1 127.0.0.1 none",
	"127.0.0.1 -1 up 1700000000 3 1 127.0.0.1 none",
	"127.0.0.1 080 up 1700000000 3 1 127.0.0.1 none",
	"127.0.0.1 80 up 17x 3 1 127.0.0.1 none",
	"127.0.0.1 80 up 1700000000 4294967296 1 127.0.0.1 none",
	"127.0.0.1  80 up 1700000000 3 1 127.0.0.1 none",	/* two spaces */
	"127.0.0.1 80 up 1700000000 3 1 127.0.0.1 none ",	/* trailing */
	"127.0.0.1 80 up 1700000000 3 1 127.0.0.1 tab\there",
	"127.0.0.1 80 up 99999999999999999999 3 1 127.0.0.1 none",
};

static int seen;

static void
count(const struct statusfile_host *h, void *arg)
{
	(void)h;
	(void)arg;
	seen++;
}

int
main(void)
{
	struct statusfile_host h, back;
	char line[STATUSFILE_LINE_MAX + 2], path[] = "/tmp/sf-unit.XXXXXX";
	char buf[4096];
	const char *file;
	size_t n, i;
	long len;
	int dfd;

	memset(&h, 0, sizeof(h));
	(void)strcpy(h.host, "www1.example.org");
	h.port = 443;
	h.state = STATUSFILE_DOWN;
	h.since = 1764127000;
	h.latency_ms = 12;
	h.id = 7;
	(void)strcpy(h.addr, "2001:db8::1");
	(void)strcpy(h.reason, "tcp connect timeout");
	n = statusfile_format(&h, line, sizeof(line));
	is_str(line, "www1.example.org 443 down 1764127000 12 7 2001:db8::1 "
	    "tcp connect timeout\n", "format: fields in order, reason last");
	ok(n == strlen(line), "format returns the length");
	ok(statusfile_parse_line(line, n - 1, &back) &&
	    memcmp(&h, &back, sizeof(h)) == 0, "the line reads back the same");
	ok(statusfile_format(&h, line, 20) == 0, "a small buffer is refused");
	(void)strcpy(h.host, "two words");
	ok(statusfile_format(&h, line, sizeof(line)) == 0,
	    "a host with a space cannot be written");
	(void)strcpy(h.host, "h");
	(void)strcpy(h.reason, " x");
	ok(statusfile_format(&h, line, sizeof(line)) == 0,
	    "a reason starting with a space cannot be written");
	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++)
		ok(!statusfile_parse_line(bad_lines[i], strlen(bad_lines[i]),
		    &back), "malformed: '%s'", bad_lines[i]);
	ok(statusfile_parse_line("h 0 disabled 0 0 0 - disabled", 29, &back) &&
	    back.state == STATUSFILE_DISABLED && strcmp(back.addr, "-") == 0,
	    "smallest values and an unresolved address");

	file = "a 1 up 5 0 1 10.0.0.1 tcp connect ok\n"
	    "garbage\n"
	    "b 2 unknown 5 0 2 10.0.0.2 none\n"
	    "c 3 up 5 0 3 10.0.0.3 none";	/* no newline: cut short */
	seen = 0;
	n = statusfile_parse(file, strlen(file), count, NULL);
	ok(seen == 2 && n == 2, "file: 2 good lines, 2 bad (got %d, %zu)",
	    seen, n);

	if (mkdtemp(path) == NULL || (dfd = open(path, O_RDONLY |
	    O_DIRECTORY)) == -1) {
		ok(0, "temporary directory");
		return done_testing();
	}
	ok(statusfile_write(dfd, "t", "x 1 up 1 1 1 - none\n", 20),
	    "write a file");
	ok(faccessat(dfd, "t.tmp", F_OK, 0) == -1, "no temporary name left");
	len = statusfile_read(dfd, "t", buf, sizeof(buf));
	ok(len == 20 && memcmp(buf, "x 1 up 1 1 1 - none\n", 20) == 0,
	    "read it back whole");
	ok(statusfile_write(dfd, "t", "ab\ncd\n", 6), "replace it");
	len = statusfile_read(dfd, "t", buf, 4);
	ok(len == 3, "a short buffer keeps whole lines only (%ld)", len);
	ok(statusfile_read(dfd, "missing", buf, sizeof(buf)) == -1,
	    "a missing file is an error");
	/* What the checker's user may plant in tables/ is not read. */
	errno = 0;
	ok(mkfifoat(dfd, "fifo", 0600) == 0 &&
	    statusfile_read(dfd, "fifo", buf, sizeof(buf)) == -1 &&
	    errno == EINVAL, "a fifo is refused at once, not waited on");
	errno = 0;
	ok(symlinkat("t", dfd, "link") == 0 &&
	    statusfile_read(dfd, "link", buf, sizeof(buf)) == -1 &&
	    errno == ELOOP, "a link is not followed");
	(void)unlinkat(dfd, "fifo", 0);
	(void)unlinkat(dfd, "link", 0);
	(void)unlinkat(dfd, "t", 0);
	(void)close(dfd);
	(void)rmdir(path);
	return done_testing();
}
