/*
 * Unit tests of the buffer pool: buffers are reused once given back, the
 * free list counts them, and NULL is no buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "net/bufpool.h"
#include "tap.h"

int
main(void)
{
	struct bufpool bp;
	char *a, *b, *c;

	bufpool_init(&bp, 1);
	ok(bp.size >= sizeof(void *), "a buffer holds at least a link");
	bufpool_init(&bp, 4096);
	a = bufpool_get(&bp);
	b = bufpool_get(&bp);
	ok(a != NULL && b != NULL && a != b && bp.nfree == 0,
	    "two buffers from an empty pool are two allocations");
	memset(a, 'x', 4096);
	bufpool_put(&bp, a);
	ok(bp.nfree == 1, "one given back is kept");
	c = bufpool_get(&bp);
	ok(c == a && bp.nfree == 0, "and handed out again, not allocated");
	bufpool_put(&bp, NULL);
	ok(bp.nfree == 0, "NULL is no buffer");
	bufpool_put(&bp, b);
	bufpool_put(&bp, c);
	ok(bp.nfree == 2 && bufpool_get(&bp) == c && bufpool_get(&bp) == b,
	    "the last given back comes first (still warm in the cache)");
	free(b);
	free(c);
	return done_testing();
}
