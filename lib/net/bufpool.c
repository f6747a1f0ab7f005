#include <stdlib.h>

#include "net/bufpool.h"

struct freebuf {
	struct freebuf	*next;
};

void
bufpool_init(struct bufpool *bp, size_t size)
{
	bp->free = NULL;
	bp->size = size < sizeof(struct freebuf) ? sizeof(struct freebuf) :
	    size;
	bp->nfree = 0;
}

void *
bufpool_get(struct bufpool *bp)
{
	struct freebuf *f = bp->free;

	if (f == NULL)
		return malloc(bp->size);
	bp->free = f->next;
	bp->nfree--;
	return f;
}

void
bufpool_put(struct bufpool *bp, void *buf)
{
	struct freebuf *f = buf;

	if (f == NULL)
		return;
	f->next = bp->free;
	bp->free = f;
	bp->nfree++;
}

size_t
bufpool_trim(struct bufpool *bp, size_t keep)
{
	struct freebuf *f;
	size_t n = 0;

	while (bp->nfree > keep && (f = bp->free) != NULL) {
		bp->free = f->next;
		bp->nfree--;
		free(f);
		n++;
	}
	return n;
}
