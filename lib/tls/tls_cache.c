#include <sys/mman.h>

#include <stdatomic.h>
#include <unistd.h>
#include <string.h>

#include "tls/tls_cache.h"

struct entry {
	_Atomic uint32_t	seq;	/* odd: being written */
	struct tls_session	s;
};

struct tls_cache {
	size_t		size;		/* of the mapping */
	size_t		mask;		/* entries - 1, a power of two */
	size_t		sweep_next;	/* where the next sweep starts */
	struct entry	e[];
};

struct tls_cache *
tls_cache_new(size_t entries)
{
	struct tls_cache *tc;
	size_t n = 2, size;
	void *p;

	while (n < entries)
		n <<= 1;
	size = sizeof(*tc) + n * sizeof(struct entry);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	tc = p;
	tc->size = size;
	tc->mask = n - 1;
	return tc;
}

void
tls_cache_free(struct tls_cache *tc)
{
	if (tc != NULL)
		(void)munmap(tc, tc->size);
}

void
tls_cache_span(const struct tls_cache *tc, const unsigned char **start,
    size_t *len)
{
	*start = (const unsigned char *)tc;
	*len = tc->size;
}

/*
 * Session IDs are random: their first bytes are a good hash.  Each ID
 * has two candidate entries, a pair; the older one is replaced.
 */
static size_t
slot_of(const struct tls_cache *tc, const unsigned char id[32])
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));
	return (size_t)h & tc->mask & ~(size_t)1;
}

/*
 * Claim an entry whose sequence number is still seq (even), write over
 * it, and release it.  s NULL wipes it: a master secret left in the
 * mapping would let whoever reads the mapping later (a compromised
 * worker) decrypt recorded traffic of a session long over.  False if
 * another writer has it or has changed it since seq was read.
 */
static bool
rewrite_entry(struct entry *e, uint32_t seq, const struct tls_session *s)
{
	if ((seq & 1) != 0 || !atomic_compare_exchange_strong(&e->seq, &seq,
	    seq + 1))
		return false;
	atomic_thread_fence(memory_order_release);
	/* The old secret goes first, padding and all; explicit_bzero stays. */
	explicit_bzero(&e->s, sizeof(e->s));
	if (s != NULL)
		memcpy(&e->s, s, sizeof(e->s));
	atomic_store_explicit(&e->seq, seq + 2, memory_order_release);
	return true;
}

static bool
read_entry(const struct entry *e, struct tls_session *out, uint32_t *seq)
{
	uint32_t before, after;

	before = atomic_load_explicit(&e->seq, memory_order_acquire);
	*seq = before;
	if ((before & 1) != 0)
		return false;
	memcpy(out, &e->s, sizeof(*out));
	atomic_thread_fence(memory_order_acquire);
	after = atomic_load_explicit(&e->seq, memory_order_relaxed);
	return before == after && before != 0;
}

/* A used entry whose session is over at now. */
static bool
expired(const struct tls_session *s, time_t now)
{
	return s->expires != 0 && s->expires <= (int64_t)now;
}

/*
 * Wipe the entries of the pair at i that hold a session expired at now;
 * each entry's sequence number is left in seq[].
 */
static void
wipe_expired_pair(struct tls_cache *tc, size_t i, time_t now, uint32_t seq[2])
{
	struct tls_session copy;
	size_t k;

	for (k = 0; k < 2; k++)
		if (read_entry(&tc->e[i + k], &copy, &seq[k]) &&
		    expired(&copy, now) && rewrite_entry(&tc->e[i + k], seq[k],
		    NULL))
			seq[k] += 2;
	explicit_bzero(&copy, sizeof(copy));
}

void
tls_cache_save(struct tls_cache *tc, const struct tls_session *s,
    time_t now)
{
	size_t i = slot_of(tc, s->id), k;
	uint32_t seq[2];

	wipe_expired_pair(tc, i, now, seq);
	/* The same session again replaces itself; else the older goes. */
	if (memcmp(tc->e[i + 1].s.id, s->id, sizeof(s->id)) == 0)
		k = 1;
	else if (memcmp(tc->e[i].s.id, s->id, sizeof(s->id)) == 0)
		k = 0;
	else
		k = tc->e[i + 1].s.expires < tc->e[i].s.expires ? 1 : 0;
	(void)rewrite_entry(&tc->e[i + k], seq[k], s);	/* busy: a cache */
}

bool
tls_cache_load(struct tls_cache *tc, const unsigned char id[32], time_t now,
    struct tls_session *out)
{
	size_t i = slot_of(tc, id), k;
	uint32_t seq;

	for (k = 0; k < 2; k++) {
		if (!read_entry(&tc->e[i + k], out, &seq))
			continue;
		if (expired(out, now))
			(void)rewrite_entry(&tc->e[i + k], seq, NULL);
		else if (memcmp(out->id, id, sizeof(out->id)) == 0 &&
		    out->expires > (int64_t)now)
			return true;	/* a wiped entry never: it expires at 0 */
	}
	explicit_bzero(out, sizeof(*out));
	return false;
}

/* Whether the page holding p has ever been touched (is in memory). */
static bool
page_resident(const void *p, size_t pagesize)
{
	uintptr_t page = (uintptr_t)p & ~(uintptr_t)(pagesize - 1);
	unsigned char in = 0;

	return mincore((void *)page, pagesize, &in) == 0 && (in & 1) != 0;
}

void
tls_cache_sweep(struct tls_cache *tc, time_t now, size_t count)
{
	size_t pagesize = (size_t)sysconf(_SC_PAGESIZE), j, n;
	struct entry *e;
	struct tls_session copy;
	uint32_t seq;

	for (n = 0; n < count && n <= tc->mask; n++) {
		j = tc->sweep_next++ & tc->mask;
		e = &tc->e[j];
		/* Reading a page never used would make it resident. */
		if (!page_resident(e, pagesize) ||
		    !page_resident((const char *)(e + 1) - 1, pagesize))
			continue;
		if (read_entry(e, &copy, &seq) && expired(&copy, now))
			(void)rewrite_entry(e, seq, NULL);
	}
	explicit_bzero(&copy, sizeof(copy));
}
