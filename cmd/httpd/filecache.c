/*
 * filecache: the small files a site is made of (pages, style sheets,
 * icons), kept in memory for at most a second after they were read.  A
 * hit costs no system call at all where a miss costs an openat2, an
 * fstat, a pread and a close; a file changed on disk is served changed
 * within a second, as nginx's open_file_cache_valid does for its cache.
 * Slots are direct-mapped by a hash of the path, allocated on first use,
 * and only files of at most FCACHE_FILE_MAX bytes are kept, so the cache
 * is bounded at FCACHE_SLOTS * FCACHE_FILE_MAX per worker.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "worker.h"

struct fcache_entry {
	int		 rfd;		/* root directory the path is under */
	char		 path[FCACHE_PATH_MAX];
	struct stat	 st;
	int64_t		 loaded;	/* ms, monotonic */
	size_t		 len;
	char		 data[FCACHE_FILE_MAX];
};

static size_t
slot_of(int rfd, const char *path)
{
	size_t h = 2166136261u ^ (size_t)(unsigned)rfd;

	for (; *path != '\0'; path++)
		h = (h ^ (unsigned char)*path) * 16777619u;
	return h % FCACHE_SLOTS;
}

const struct fcache_entry *
fcache_find(const struct worker *w, int rfd, const char *path,
    const struct stat **st, const char **data)
{
	const struct fcache_entry *e = w->fcache[slot_of(rfd, path)];

	if (e == NULL || e->rfd != rfd || strcmp(e->path, path) != 0 ||
	    w->loop.now - e->loaded >= FCACHE_TTL_MS)
		return NULL;
	*st = &e->st;
	*data = e->data;
	return e;
}

void
fcache_store(struct worker *w, int rfd, const char *path, int fd,
    const struct stat *st)
{
	struct fcache_entry **slot, *e;
	size_t plen = strlen(path);
	ssize_t n;

	if (st->st_size > FCACHE_FILE_MAX || plen >= FCACHE_PATH_MAX)
		return;
	slot = &w->fcache[slot_of(rfd, path)];
	if (*slot == NULL && (*slot = malloc(sizeof(**slot))) == NULL)
		return;
	e = *slot;
	e->loaded = 0;		/* invalid until the read is whole */
	n = pread(fd, e->data, (size_t)st->st_size, 0);
	if (n != (ssize_t)st->st_size)
		return;
	e->rfd = rfd;
	memcpy(e->path, path, plen + 1);
	e->st = *st;
	e->len = (size_t)n;
	e->loaded = w->loop.now;
}
