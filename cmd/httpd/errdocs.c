/*
 * errdocs: custom error pages, as `errdocs directory` asks: the file
 * NNN.html for the status, or err.html for every status, read from the
 * directory inside the chroot when the error happens, with $HTTP_ERROR,
 * $RESPONSE_CODE and $SERVER_SOFTWARE replaced.  A page that is missing,
 * unreadable or larger than the buffer leaves the built-in page in place.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "worker.h"

static ssize_t
read_doc(const char *dir, const char *name, char *buf, size_t size)
{
	char path[HTTPD_PATH_MAX + 16];
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path) || (fd = open(path, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW | O_NONBLOCK)) == -1)
		return -1;
	n = read(fd, buf, size);
	(void)close(fd);
	/* A page that fills the buffer may be cut: not served. */
	return n >= 0 && (size_t)n < size ? n : -1;
}

static const char *const macros[] = { "$HTTP_ERROR", "$RESPONSE_CODE",
    "$SERVER_SOFTWARE" };

/* Which macro starts s[0..len), or -1 for none. */
static int
macro_at(const char *s, size_t len)
{
	size_t k;

	for (k = 0; k < 3; k++)
		if (len >= strlen(macros[k]) &&
		    memcmp(s, macros[k], strlen(macros[k])) == 0)
			return (int)k;
	return -1;
}

static bool
substitute(const char *tmpl, size_t len, int status, bool banner, char *out,
    size_t size, size_t *n)
{
	const char *values[3];
	struct strbuf sb;
	char code[8];
	size_t i = 0;
	int k;

	(void)snprintf(code, sizeof(code), "%d", status);
	values[0] = http_status_text(status);
	values[1] = code;
	values[2] = banner ? "httpd" : "";
	strbuf_init(&sb, out, size);
	while (i < len && !sb.full) {
		if (tmpl[i] == '$' && (k = macro_at(tmpl + i, len - i)) >= 0) {
			strbuf_puts(&sb, values[k]);
			i += strlen(macros[k]);
		} else
			strbuf_put(&sb, tmpl + i++, 1);
	}
	*n = sb.len;
	return !sb.full;
}

size_t
errdoc_render(const struct httpd_server *srv, int status, char *out,
    size_t size)
{
	char tmpl[8192], name[16];
	ssize_t len;
	size_t n;

	if (srv->errdocs == NULL)
		return 0;
	(void)snprintf(name, sizeof(name), "%d.html", status);
	if ((len = read_doc(srv->errdocs, name, tmpl, sizeof(tmpl))) == -1 &&
	    (len = read_doc(srv->errdocs, "err.html", tmpl, sizeof(tmpl))) == -1)
		return 0;
	if (!substitute(tmpl, (size_t)len, status, !srv->no_banner, out, size,
	    &n))
		return 0;
	return n;
}
