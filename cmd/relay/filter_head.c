/*
 * filter_head: the head the rules edit.  The parsed fields are copied as
 * slices into the relay's buffers; a removed field keeps its place with
 * no name, an added one goes at the end, and every new name, value and
 * path lives in the head's own scratch space, which is bounded: an edit
 * that does not fit fails, and the request with it (500), rather than
 * going out cut short.
 */
#include <string.h>

#include "base/patterns.h"
#include "filter.h"
#include "http/http_path.h"

void
fhead_init(struct fhead *h, bool request, const struct http_header *f,
    size_t n)
{
	h->request = request;
	memcpy(h->f, f, n * sizeof(*f));
	h->n = n;
	h->path.ptr = h->query.ptr = NULL;
	h->path.len = h->query.len = 0;
	h->path_changed = false;
	h->used = 0;
}

/* A copy of p[0..n) in the scratch space, NUL-terminated; NULL if full. */
char *
fhead_save(struct fhead *h, const char *p, size_t n)
{
	char *s;

	if (n >= sizeof(h->scratch) - h->used)
		return NULL;
	s = h->scratch + h->used;
	memcpy(s, p, n);
	s[n] = '\0';
	h->used += n + 1;
	return s;
}

/*
 * The path the rules see: the target's path decoded and with its dot
 * segments resolved (http_path), so that "/%61dmin" and "/x/../admin"
 * are "/admin" to a rule as to the host.  0, or the status to answer: a
 * path that cannot be read that way is refused, not guessed at.
 */
int
fhead_set_path(struct fhead *h, const struct http_slice *target_path,
    bool canon_wanted)
{
	const char *p = target_path->ptr, *q;
	char canon[HTTP_PATH_MAX];
	size_t len = target_path->len;
	int status;

	q = memchr(p, '?', len);
	if (q != NULL) {
		h->query.ptr = fhead_save(h, q + 1, len - (size_t)(q - p) - 1);
		h->query.len = len - (size_t)(q - p) - 1;
		if (h->query.ptr == NULL)
			return 414;
		len = (size_t)(q - p);
	}
	if (!canon_wanted)
		return 0;
	if ((status = http_path_canon(p, len, canon, sizeof(canon))) != 0)
		return status == 414 ? 414 : 400;
	h->path.len = strlen(canon);
	if ((h->path.ptr = fhead_save(h, canon, h->path.len)) == NULL)
		return 414;
	return 0;
}

/* The first field from index `from` on whose name matches: 1, 0, -1. */
int
fhead_find(struct fhead *h, const char *glob, bool pattern, size_t from,
    struct http_header **found)
{
	size_t i;
	int r;

	*found = NULL;
	for (i = from; i < h->n; i++) {
		if (h->f[i].name.ptr == NULL)
			continue;
		r = filter_glob(glob, pattern, h->f[i].name.ptr,
		    h->f[i].name.len, true);
		if (r != 0) {
			if (r == 1)
				*found = &h->f[i];
			return r;
		}
	}
	return 0;
}

/* A new field at the end; name and value must outlive the head. */
bool
fhead_add(struct fhead *h, const char *name, const char *value)
{
	if (h->n == FHEAD_FIELDS_MAX)
		return false;
	h->f[h->n].name.ptr = name;
	h->f[h->n].name.len = strlen(name);
	h->f[h->n].value.ptr = value;
	h->f[h->n].value.len = strlen(value);
	h->n++;
	return true;
}

static size_t
append(char *out, size_t size, size_t at, const char *p, size_t n)
{
	if (at + n < size)
		memcpy(out + at, p, n);
	return at + n;
}

/*
 * The request target to send: as the client wrote it, unless a rule
 * changed the path; then the new path and the query (an absolute-form
 * target keeps its scheme and authority).  The length; >= size: no room.
 */
size_t
fhead_target(const struct fhead *h, const struct http_request *req,
    char *out, size_t size)
{
	size_t n = 0;

	if (!h->path_changed)
		return append(out, size, 0, req->target.ptr, req->target.len);
	if (req->form == HTTP_TARGET_ABSOLUTE)
		n = append(out, size, 0, req->target.ptr,
		    (size_t)(req->path.ptr - req->target.ptr));
	n = append(out, size, n, h->path.ptr, h->path.len);
	if (h->query.ptr != NULL) {
		n = append(out, size, n, "?", 1);
		n = append(out, size, n, h->query.ptr, h->query.len);
	}
	return n;
}
