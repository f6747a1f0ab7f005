#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/statusfile.h"

const char *const statusfile_state_names[] = {
	"unknown", "up", "down", "disabled"
};

/* A field is printable ASCII without spaces; the reason may have spaces. */
static bool
good_field(const char *s, size_t len, size_t max, bool spaces)
{
	size_t i;

	if (len == 0 || len > max)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' && spaces && i > 0 && i + 1 < len)
			continue;
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	}
	return true;
}

size_t
statusfile_format(const struct statusfile_host *h, char *buf, size_t size)
{
	int n;

	if (!good_field(h->host, strlen(h->host), STATUSFILE_HOST_MAX, false) ||
	    !good_field(h->addr, strlen(h->addr), STATUSFILE_ADDR_MAX, false) ||
	    !good_field(h->reason, strlen(h->reason), STATUSFILE_REASON_MAX,
	    true) || (unsigned)h->state > STATUSFILE_DISABLED || h->since < 0)
		return 0;
	n = snprintf(buf, size, "%s %u %s %lld %u %u %s %s\n", h->host,
	    (unsigned)h->port, statusfile_state_names[h->state],
	    (long long)h->since, (unsigned)h->latency_ms, (unsigned)h->id,
	    h->addr, h->reason);
	if (n < 0 || (size_t)n >= size || (size_t)n > STATUSFILE_LINE_MAX)
		return 0;
	return (size_t)n;
}

/* The next space-separated field of [*p, end); false if none. */
static bool
next_field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char *s = *p, *sp;

	if (s >= end)
		return false;
	sp = memchr(s, ' ', (size_t)(end - s));
	if (sp == NULL)
		sp = end;
	*f = s;
	*flen = (size_t)(sp - s);
	*p = sp < end ? sp + 1 : end;
	return *flen > 0;
}

/* Decimal digits only, no sign, no leading zero except "0". */
static bool
parse_num(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 19 || (len > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool
copy_field(char *dst, const char *s, size_t len, size_t max, bool spaces)
{
	if (!good_field(s, len, max, spaces))
		return false;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return true;
}

static bool
parse_state(const char *s, size_t len, enum statusfile_state *st)
{
	size_t i;

	for (i = 0; i <= STATUSFILE_DISABLED; i++)
		if (strlen(statusfile_state_names[i]) == len &&
		    memcmp(statusfile_state_names[i], s, len) == 0) {
			*st = (enum statusfile_state)i;
			return true;
		}
	return false;
}

bool
statusfile_parse_line(const char *line, size_t len, struct statusfile_host *h)
{
	const char *p = line, *end = line + len, *f;
	size_t flen;
	uint64_t v;

	memset(h, 0, sizeof(*h));
	if (len > STATUSFILE_LINE_MAX)
		return false;
	if (!next_field(&p, end, &f, &flen) ||
	    !copy_field(h->host, f, flen, STATUSFILE_HOST_MAX, false))
		return false;
	if (!next_field(&p, end, &f, &flen) || !parse_num(f, flen, 65535, &v))
		return false;
	h->port = (uint16_t)v;
	if (!next_field(&p, end, &f, &flen) || !parse_state(f, flen, &h->state))
		return false;
	if (!next_field(&p, end, &f, &flen) ||
	    !parse_num(f, flen, INT64_MAX, &v))
		return false;
	h->since = (int64_t)v;
	if (!next_field(&p, end, &f, &flen) ||
	    !parse_num(f, flen, UINT32_MAX, &v))
		return false;
	h->latency_ms = (uint32_t)v;
	if (!next_field(&p, end, &f, &flen) ||
	    !parse_num(f, flen, UINT32_MAX, &v))
		return false;
	h->id = (uint32_t)v;
	if (!next_field(&p, end, &f, &flen) ||
	    !copy_field(h->addr, f, flen, STATUSFILE_ADDR_MAX, false))
		return false;
	/* The reason is the rest of the line, inner spaces and all. */
	return copy_field(h->reason, p, (size_t)(end - p),
	    STATUSFILE_REASON_MAX, true);
}

size_t
statusfile_parse(const char *buf, size_t len,
    void (*fn)(const struct statusfile_host *, void *), void *arg)
{
	struct statusfile_host h;
	const char *p = buf, *end = buf + len, *nl;
	size_t bad = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return bad + 1;
		if (statusfile_parse_line(p, (size_t)(nl - p), &h))
			fn(&h, arg);
		else
			bad++;
		p = nl + 1;
	}
	return bad;
}

static bool
write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			return false;
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}

bool
statusfile_write(int dirfd, const char *name, const char *data, size_t len)
{
	char tmp[512];
	int fd, n, e;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return false;
	}
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0644);
	if (fd == -1)
		return false;
	if (!write_all(fd, data, len)) {
		e = errno;
		(void)close(fd);
		(void)unlinkat(dirfd, tmp, 0);
		errno = e;
		return false;
	}
	if (close(fd) == -1 || renameat(dirfd, tmp, dirfd, name) == -1) {
		e = errno;
		(void)unlinkat(dirfd, tmp, 0);
		errno = e;
		return false;
	}
	return true;
}

long
statusfile_read(int dirfd, const char *name, char *buf, size_t size)
{
	struct stat st;
	size_t len = 0;
	ssize_t n;
	char *nl;
	int fd;

	/*
	 * The checker's user owns tables/: whatever it left there is opened
	 * without following a link or blocking on a fifo, and read only if
	 * it is a regular file.
	 */
	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		(void)close(fd);
		errno = EINVAL;
		return -1;
	}
	while (len < size) {
		n = read(fd, buf + len, size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	(void)close(fd);
	/* A file longer than buf: keep whole lines only. */
	if (len == size && (nl = memrchr(buf, '\n', len)) != NULL)
		len = (size_t)(nl - buf) + 1;
	return (long)len;
}
