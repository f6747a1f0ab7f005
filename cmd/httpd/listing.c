/*
 * listing: the page `directory auto index` serves.  Entries are read,
 * sorted (directories first, then by name) and handed to lib/autoindex,
 * which escapes every name; dot files are not listed, as in OpenBSD.
 * This is the one response built on the heap: its size depends on the
 * directory, not on the request, and it is bounded by LISTING_MAX.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/autoindex.h"
#include "worker.h"

enum {
	LISTING_MAX = 10000,		/* entries shown */
	LISTING_PAGE_MAX = 16 << 20	/* bytes of HTML */
};

struct listing {
	struct autoindex_entry	*e;
	size_t			 n, cap;
};

static int
by_kind_then_name(const void *a, const void *b)
{
	const struct autoindex_entry *x = a, *y = b;

	if (x->dir != y->dir)
		return x->dir ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void
free_listing(struct listing *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free((char *)l->e[i].name);
	free(l->e);
}

static bool
add_entry(struct listing *l, const char *name, const struct stat *st)
{
	struct autoindex_entry *e;
	char *copy;

	if (l->n == l->cap) {
		size_t cap = l->cap == 0 ? 64 : l->cap * 2;

		if ((e = realloc(l->e, cap * sizeof(*e))) == NULL)
			return false;
		l->e = e;
		l->cap = cap;
	}
	if ((copy = strdup(name)) == NULL)
		return false;
	l->e[l->n].name = copy;
	l->e[l->n].dir = S_ISDIR(st->st_mode);
	l->e[l->n].size = (uint64_t)st->st_size;
	l->e[l->n].mtime = st->st_mtim.tv_sec;
	l->n++;
	return true;
}

static bool
read_entries(int dfd, struct listing *l)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	bool ok = true;

	if ((d = fdopendir(dfd)) == NULL) {
		(void)close(dfd);
		return false;
	}
	while (ok && l->n < LISTING_MAX && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) == -1)
			continue;
		ok = add_entry(l, de->d_name, &st);
	}
	(void)closedir(d);
	return ok;
}

/* Render into a buffer that grows until the page fits. */
static char *
render(const char *path, const struct listing *l, size_t *len)
{
	size_t size = 16384 + l->n * 512;
	char *page;

	for (;;) {
		if ((page = malloc(size)) == NULL)
			return NULL;
		*len = autoindex_render(page, size, path, l->e, l->n);
		if (*len > 0)
			return page;
		free(page);
		if (size >= LISTING_PAGE_MAX)
			return NULL;
		size *= 2;
	}
}

void
listing_serve(struct worker *w, struct conn *c, int dfd, const char *path)
{
	struct listing l = { NULL, 0, 0 };
	size_t len;
	char *page;

	if (!read_entries(dfd, &l)) {
		free_listing(&l);
		resp_error(w, c, HTTP_STATUS_INTERNAL_ERROR, NULL);
		return;
	}
	if (l.n > 0)
		qsort(l.e, l.n, sizeof(l.e[0]), by_kind_then_name);
	page = render(path, &l, &len);
	free_listing(&l);
	if (page == NULL) {
		resp_error(w, c, HTTP_STATUS_INTERNAL_ERROR, NULL);
		return;
	}
	c->heap = page;
	if (!resp_head(w, c, HTTP_STATUS_OK) ||
	    !resp_field(c, "Content-Type", "text/html; charset=utf-8") ||
	    !resp_field_num(c, "Content-Length", len) ||
	    !resp_end_head(c)) {
		resp_error(w, c, HTTP_STATUS_INTERNAL_ERROR, NULL);
		return;
	}
	if (w->req.method != HTTP_METHOD_HEAD)
		resp_add_mem(c, page, len);
}
