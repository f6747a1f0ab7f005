/*
 * file: answer a request with a file, a directory listing or a redirect
 * to the directory's slash.  Files are opened with openat2(2) and
 * RESOLVE_BENEATH relative to the root's descriptor: a symbolic link
 * that leads out of the root fails in the kernel, whatever the path says.
 * The head is built once per response; the body is sent with sendfile.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "http/autoindex.h"
#include "http/http_date.h"
#include "http/http_range.h"
#include "worker.h"

static int
open_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how;
	const char *rel = path;

	while (*rel == '/')
		rel++;
	memset(&how, 0, sizeof(how));
	/* openat2(2) refuses O_PATH with any flag but a few. */
	if (!(flags & O_PATH))
		flags |= O_NOCTTY;
	how.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, dirfd, *rel == '\0' ? "." : rel, &how,
	    sizeof(how));
}

/* The root directory of a server, opened once per worker. */
static int
root_fd(struct worker *w, const char *root)
{
	size_t i;
	int fd;

	for (i = 0; i < w->nroots; i++)
		if (w->roots[i] == root || strcmp(w->roots[i], root) == 0)
			return w->root_fds[i];
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || w->nroots == sizeof(w->roots) / sizeof(w->roots[0]))
		return fd;
	w->roots[w->nroots] = root;
	w->root_fds[w->nroots++] = fd;
	return fd;
}

static int
errno_status(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return HTTP_STATUS_NOT_FOUND;
	case EACCES:
	case EPERM:
	case EXDEV:	/* would leave the root */
	case ELOOP:
		return HTTP_STATUS_FORBIDDEN;
	case ENAMETOOLONG:
		return HTTP_STATUS_URI_TOO_LONG;
	case EMFILE:
	case ENFILE:
		return HTTP_STATUS_SERVICE_UNAVAILABLE;
	default:
		return HTTP_STATUS_INTERNAL_ERROR;
	}
}

bool
file_exists(struct worker *w, const struct httpd_server *srv, const char *path)
{
	int rfd = root_fd(w, srv->root), fd;

	if (rfd == -1 || (fd = open_beneath(rfd, path, O_PATH)) == -1)
		return false;
	(void)close(fd);
	return true;
}

bool
file_is_directory(struct worker *w, const struct httpd_server *srv,
    const char *path)
{
	int rfd = root_fd(w, srv->root), fd;

	if (rfd == -1 || (fd = open_beneath(rfd, path, O_PATH |
	    O_DIRECTORY)) == -1)
		return false;
	(void)close(fd);
	return true;
}

/* A FastCGI script: a regular file below the root, links kept inside. */
bool
file_is_regular(struct worker *w, const struct httpd_server *srv,
    const char *path)
{
	int rfd = root_fd(w, srv->root), fd;
	struct stat st;
	bool regular;

	/* openat2(2) takes O_PATH with no other flag: read, not blocking. */
	if (rfd == -1 || (fd = open_beneath(rfd, path, O_RDONLY |
	    O_NONBLOCK)) == -1)
		return false;
	regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	(void)close(fd);
	return regular;
}

/* "type/subtype" into out, cut to fit. */
static void
media_text(const struct httpd_media *m, char *out, size_t size)
{
	size_t t = strlen(m->type), u = strlen(m->subtype);

	if (t + 1 + u >= size) {
		(void)snprintf(out, size, "%s/%s", m->type, m->subtype);
		return;
	}
	memcpy(out, m->type, t);
	out[t] = '/';
	memcpy(out + t + 1, m->subtype, u + 1);
}

/* v in lowercase hex at out, without leading zeros; the end. */
static char *
put_hex(char *out, unsigned long long v)
{
	static const char digit[] = "0123456789abcdef";
	int shift = 60;

	while (shift > 0 && (v >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*out++ = digit[(v >> shift) & 0xf];
	return out;
}

/*
 * ETag from modification time and size, "mtime-size" in hex: changes
 * when the file does.  out has room for 36 bytes.
 */
static void
make_etag(const struct stat *st, char *out)
{
	char *p = out;

	*p++ = '"';
	p = put_hex(p, (unsigned long long)st->st_mtim.tv_sec);
	*p++ = '-';
	p = put_hex(p, (unsigned long long)st->st_size);
	*p++ = '"';
	*p = '\0';
}

static bool
etag_listed(struct http_slice list, const char *etag)
{
	size_t elen = strlen(etag), i = 0;
	const char *p;

	/* Weak comparison, as If-None-Match uses (RFC 9110 13.1.2). */
	while (i < list.len) {
		p = list.ptr + i;
		if (*p == '*')
			return true;
		if (list.len - i >= 2 && p[0] == 'W' && p[1] == '/') {
			p += 2;
			i += 2;
		}
		if (list.len - i >= elen && memcmp(p, etag, elen) == 0)
			return true;
		while (i < list.len && list.ptr[i] != ',')
			i++;
		while (i < list.len && (list.ptr[i] == ',' ||
		    list.ptr[i] == ' ' || list.ptr[i] == '\t'))
			i++;
	}
	return false;
}

static struct http_slice
field(const struct worker *w, const char *name)
{
	const struct http_header *h = http_request_header(&w->req, name);
	struct http_slice none = { NULL, 0 };

	return h != NULL ? h->value : none;
}

static bool
not_modified(const struct worker *w, const struct stat *st, const char *etag)
{
	struct http_slice inm = field(w, "If-None-Match");
	struct http_slice ims = field(w, "If-Modified-Since");
	time_t t;

	if (inm.ptr != NULL)
		return etag_listed(inm, etag);
	return ims.ptr != NULL && http_date_parse(ims.ptr, ims.len, &t) &&
	    st->st_mtim.tv_sec <= t;
}

/* If-Range holds the current validator: only then is Range honoured. */
static bool
if_range_holds(const struct worker *w, const struct stat *st, const char *etag,
    const char *lastmod)
{
	struct http_slice ir = field(w, "If-Range");

	if (ir.ptr == NULL)
		return true;
	if (ir.len > 0 && ir.ptr[0] == '"')
		return ir.len == strlen(etag) && memcmp(ir.ptr, etag, ir.len) == 0;
	(void)st;
	return ir.len == strlen(lastmod) && memcmp(ir.ptr, lastmod, ir.len) == 0;
}

static bool
validators(struct conn *c, const char *type, const char *etag,
    const char *lastmod, bool gzip)
{
	return (type == NULL || resp_field(c, "Content-Type", type)) &&
	    resp_field(c, "Last-Modified", lastmod) &&
	    resp_field(c, "ETag", etag) &&
	    (!gzip || (resp_field(c, "Content-Encoding", "gzip") &&
	    resp_field(c, "Vary", "Accept-Encoding")));
}

static void
fail_head(struct worker *w, struct conn *c)
{
	release_file(c);
	resp_error(w, c, HTTP_STATUS_INTERNAL_ERROR, NULL);
}

/* Multipart answers: a head per range, then the closing boundary. */
static const char boundary[] = "3d6b6a416f9b5e0c";
static const char part_type[] = "\r\nContent-Type: ";
static const char part_range[] = "\r\nContent-Range: bytes ";
enum { U64_DIGITS = 20 };

_Static_assert(2 * HTTP_RANGES_MAX + 1 <= HTTPD_SEGS_MAX,
    "a segment for each part head, each range and the closing boundary");

/*
 * The most one part head can take: its fixed words, the type as
 * configured (up to 191 bytes) and three numbers of up to 20 digits.
 */
static size_t
part_head_max(const char *type)
{
	return 2 + 2 + (sizeof(boundary) - 1) + (sizeof(part_type) - 1) +
	    strlen(type) + (sizeof(part_range) - 1) + 3 * U64_DIGITS + 2 + 4;
}

static void
part_head(struct strbuf *sb, bool first, const char *type,
    const struct http_range *r, uint64_t size)
{
	if (!first)
		strbuf_puts(sb, "\r\n");
	strbuf_puts(sb, "--");
	strbuf_puts(sb, boundary);
	strbuf_puts(sb, part_type);
	strbuf_puts(sb, type);
	strbuf_puts(sb, part_range);
	strbuf_putnum(sb, r->first, 0);
	strbuf_puts(sb, "-");
	strbuf_putnum(sb, r->last, 0);
	strbuf_puts(sb, "/");
	strbuf_putnum(sb, size, 0);
	strbuf_puts(sb, "\r\n\r\n");
}

/*
 * Several ranges as multipart/byteranges (RFC 9110 14.6): the part heads
 * are written into one heap block sized from what they hold, and go out
 * between the ranges, which come from the file.
 */
static void
send_multipart(struct worker *w, struct conn *c, int fd, uint64_t size,
    const char *type, const struct http_range *r, size_t n)
{
	size_t i, start[HTTP_RANGES_MAX + 2], cap;
	uint64_t total = 0;
	struct strbuf sb;
	char *parts;

	cap = n * part_head_max(type) + 2 + 2 + (sizeof(boundary) - 1) + 4 + 1;
	if (n > HTTP_RANGES_MAX || (parts = malloc(cap)) == NULL) {
		fail_head(w, c);
		return;
	}
	c->heap = parts;
	strbuf_init(&sb, parts, cap);
	for (i = 0; i < n; i++) {
		start[i] = sb.len;
		part_head(&sb, i == 0, type, &r[i], size);
	}
	start[n] = sb.len;
	strbuf_puts(&sb, "\r\n--");
	strbuf_puts(&sb, boundary);
	strbuf_puts(&sb, "--\r\n");
	start[n + 1] = sb.len;
	if (sb.full || !resp_header(c, "Content-Type",
	    "multipart/byteranges; boundary=%s", boundary)) {
		fail_head(w, c);
		return;
	}
	for (i = 0; i < n; i++) {
		resp_add_mem(c, parts + start[i], start[i + 1] - start[i]);
		resp_add_file(c, fd, r[i].first, r[i].last - r[i].first + 1);
		total += r[i].last - r[i].first + 1;
	}
	resp_add_mem(c, parts + start[n], start[n + 1] - start[n]);
	total += sb.len;
	if (!resp_field_num(c, "Content-Length", (unsigned long long)total) ||
	    !resp_end_head(c))
		fail_head(w, c);
}

/*
 * One range, or several as multipart/byteranges.  Ranges are honoured
 * for GET alone (send_file), so there is always a body to plan.
 */
static void
send_ranges(struct worker *w, struct conn *c, int fd, const struct stat *st,
    const char *type, const struct http_range *r, size_t n)
{
	uint64_t size = (uint64_t)st->st_size;

	if (n > 1) {
		send_multipart(w, c, fd, size, type, r, n);
		return;
	}
	if (!resp_header(c, "Content-Range", "bytes %llu-%llu/%llu",
	    (unsigned long long)r[0].first, (unsigned long long)r[0].last,
	    (unsigned long long)size) ||
	    !resp_field_num(c, "Content-Length",
	    (unsigned long long)(r[0].last - r[0].first + 1)) ||
	    !resp_end_head(c)) {
		fail_head(w, c);
		return;
	}
	resp_add_file(c, fd, r[0].first, r[0].last - r[0].first + 1);
}

/*
 * A small file goes out with the head, from the file cache (mem) or read
 * now; a large one by sendfile.
 */
static void
add_body(struct conn *c, int fd, const char *mem, uint64_t size)
{
	ssize_t n;

	if (mem != NULL && size <= HTTPD_OUTBUF - c->outlen) {
		memcpy(c->out + c->outlen, mem, (size_t)size);
		c->outlen += (size_t)size;
		c->log.bytes = size;
		return;
	}
	if (size <= HTTPD_OUTBUF - c->outlen &&
	    (n = pread(fd, c->out + c->outlen, (size_t)size, 0)) >= 0 &&
	    (uint64_t)n == size) {
		c->outlen += (size_t)n;
		c->log.bytes = size;
		return;
	}
	resp_add_file(c, fd, 0, size);
}

static void
send_file(struct worker *w, struct conn *c, int fd, const char *mem,
    const struct stat *st, const char *type, bool gzip)
{
	const struct http_request *r = &w->req;
	struct http_range ranges[HTTP_RANGES_MAX];
	struct http_slice range = field(w, "Range");
	char etag[48], lastmod[HTTP_DATE_LEN + 1];
	bool head = r->method == HTTP_METHOD_HEAD;
	size_t n = 0;
	enum http_range_result rr = HTTP_RANGE_IGNORE;

	make_etag(st, etag);
	http_date_format(st->st_mtim.tv_sec, lastmod);
	c->file = fd;
	if (not_modified(w, st, etag)) {
		if (!resp_head(w, c, HTTP_STATUS_NOT_MODIFIED) ||
		    !resp_field(c, "Last-Modified", lastmod) ||
		    !resp_field(c, "ETag", etag) || !resp_end_head(c))
			fail_head(w, c);
		return;
	}
	if (range.ptr != NULL && r->method == HTTP_METHOD_GET &&
	    if_range_holds(w, st, etag, lastmod))
		rr = http_range_parse(range.ptr, range.len,
		    (uint64_t)st->st_size, ranges, &n);
	if (rr == HTTP_RANGE_UNSATISFIABLE) {
		release_file(c);
		resp_error_range(w, c, (uint64_t)st->st_size);
		return;
	}
	if (!resp_head(w, c, rr == HTTP_RANGE_PARTIAL ?
	    HTTP_STATUS_PARTIAL_CONTENT : HTTP_STATUS_OK) ||
	    !validators(c, rr == HTTP_RANGE_PARTIAL && n > 1 ? NULL : type,
	    etag, lastmod, gzip) || !resp_field(c, "Accept-Ranges", "bytes")) {
		fail_head(w, c);
		return;
	}
	if (rr == HTTP_RANGE_PARTIAL) {
		send_ranges(w, c, fd, st, type, ranges, n);
		return;
	}
	if (!resp_field_num(c, "Content-Length",
	    (unsigned long long)st->st_size) || !resp_end_head(c)) {
		fail_head(w, c);
		return;
	}
	if (!head)
		add_body(c, fd, mem, (uint64_t)st->st_size);
}

static bool
accepts_gzip(const struct worker *w)
{
	struct http_slice ae = field(w, "Accept-Encoding");
	size_t i;

	for (i = 0; ae.ptr != NULL && i + 4 <= ae.len; i++)
		if (strncasecmp(ae.ptr + i, "gzip", 4) == 0)
			return true;
	return false;
}

/* gzip-static: file.gz next to the file, for clients that accept it. */
static int
open_gzip(struct worker *w, int rfd, const char *path, struct stat *st)
{
	char gz[HTTPD_PATH_MAX + 4];
	int fd;

	if ((size_t)snprintf(gz, sizeof(gz), "%s.gz", path) >= sizeof(gz) ||
	    (fd = open_beneath(rfd, gz, O_RDONLY)) == -1)
		return -1;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		(void)close(fd);
		return -1;
	}
	(void)w;
	return fd;
}

static void
serve_regular(struct worker *w, struct conn *c, const struct httpd_server *srv,
    int rfd, int fd, struct stat *st, const char *path)
{
	const struct httpd_media *m = mime_lookup(w, srv, path);
	char type[HTTPD_MEDIA_TYPE_MAX + HTTPD_MEDIA_NAME_MAX + 2];
	struct stat gst;
	int gfd;

	media_text(m, type, sizeof(type));
	if (srv->gzip_static && accepts_gzip(w) &&
	    (gfd = open_gzip(w, rfd, path, &gst)) != -1) {
		(void)close(fd);
		send_file(w, c, gfd, NULL, &gst, type, true);
		return;
	}
	fcache_store(w, rfd, path, fd, st);
	send_file(w, c, fd, NULL, st, type, false);
}

static void
redirect_slash(struct worker *w, struct conn *c, const char *path,
    struct http_slice query)
{
	char loc[HTTPD_PATH_MAX * 3 + 2];
	size_t n;

	n = url_encode_path(loc, sizeof(loc) - 2, path, strlen(path));
	if (n == (size_t)-1) {
		resp_error(w, c, HTTP_STATUS_URI_TOO_LONG, NULL);
		return;
	}
	loc[n++] = '/';
	loc[n] = '\0';
	if (query.ptr != NULL && n + query.len + 2 < sizeof(loc)) {
		loc[n++] = '?';
		memcpy(loc + n, query.ptr, query.len);
		loc[n + query.len] = '\0';
	}
	resp_error(w, c, HTTP_STATUS_MOVED_PERMANENTLY, loc);
}

static void
serve_directory(struct worker *w, struct conn *c, const struct httpd_server *srv,
    int rfd, int dfd, const char *path)
{
	char index[HTTPD_PATH_MAX + 1];
	struct stat st;
	int fd;

	if (srv->index != NULL && (size_t)snprintf(index, sizeof(index),
	    "%s%s", path, srv->index) < sizeof(index) &&
	    (fd = open_beneath(rfd, index, O_RDONLY)) != -1) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			(void)close(dfd);
			serve_regular(w, c, srv, rfd, fd, &st, index);
			return;
		}
		(void)close(fd);
	}
	if (srv->auto_index) {
		listing_serve(w, c, dfd, path);
		return;
	}
	(void)close(dfd);
	resp_error(w, c, HTTP_STATUS_FORBIDDEN, NULL);
}

/*
 * A hit in the file cache: the whole response without a system call.
 * Ranges and gzip-static take the ordinary way, which stays exact.
 */
static bool
serve_cached(struct worker *w, struct conn *c, const struct httpd_server *srv,
    int rfd, const char *path)
{
	const struct httpd_media *m;
	const struct stat *st;
	const char *data;
	char type[HTTPD_MEDIA_TYPE_MAX + HTTPD_MEDIA_NAME_MAX + 2];

	if (srv->gzip_static || field(w, "Range").ptr != NULL ||
	    fcache_find(w, rfd, path, &st, &data) == NULL)
		return false;
	m = mime_lookup(w, srv, path);
	media_text(m, type, sizeof(type));
	send_file(w, c, -1, data, st, type, false);
	return true;
}

void
file_serve(struct worker *w, struct conn *c, const struct httpd_server *srv,
    const char *path, struct http_slice query)
{
	struct stat st;
	int rfd, fd;

	if ((rfd = root_fd(w, srv->root)) == -1) {
		resp_error(w, c, errno_status(errno), NULL);
		return;
	}
	if (serve_cached(w, c, srv, rfd, path))
		return;
	if ((fd = open_beneath(rfd, path, O_RDONLY | O_NONBLOCK)) == -1) {
		resp_error(w, c, errno_status(errno), NULL);
		return;
	}
	if (fstat(fd, &st) == -1) {
		(void)close(fd);
		resp_error(w, c, HTTP_STATUS_INTERNAL_ERROR, NULL);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (path[strlen(path) - 1] != '/') {
			(void)close(fd);
			redirect_slash(w, c, path, query);
			return;
		}
		serve_directory(w, c, srv, rfd, fd, path);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)close(fd);
		resp_error(w, c, HTTP_STATUS_FORBIDDEN, NULL);
		return;
	}
	serve_regular(w, c, srv, rfd, fd, &st, path);
}
