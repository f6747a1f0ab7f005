/*
 * bufpool: buffers of one size, kept on a free list once given back, so
 * that a worker allocates only while its number of connections grows and
 * never per request.  The list holds at most as many buffers as were
 * ever in use at once: that peak bounds it (a program's connection limit
 * bounds the peak), until bufpool_trim lets the excess go.
 */
#ifndef BUFPOOL_H
#define BUFPOOL_H

#include <stddef.h>

struct bufpool {
	void	*free;		/* a free buffer holds the link to the next */
	size_t	 size;		/* at least a pointer's size */
	size_t	 nfree;
};

void	bufpool_init(struct bufpool *, size_t size);

/* A buffer of the pool's size (not cleared), or NULL if out of memory. */
void	*bufpool_get(struct bufpool *);

/* Give buf back to the pool (nothing if NULL); the caller forgets it. */
void	bufpool_put(struct bufpool *, void *buf);

/*
 * Free the buffers the list holds beyond keep (the most recently used
 * stay); returns how many went.  A program whose peak was a burst calls
 * it when things are quiet, then malloc_trim(3) to give the memory back.
 */
size_t	bufpool_trim(struct bufpool *, size_t keep);

#endif
