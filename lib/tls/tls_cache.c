#include <sys/mman.h>

#include <stdatomic.h>
#include <string.h>

#include "tls/tls_cache.h"

struct entry {
	_Atomic uint32_t	seq;	/* odd: being written */
	struct tls_session	s;
};

struct tls_cache {
	size_t		size;		/* of the mapping */
	size_t		mask;		/* entries - 1, a power of two */
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

void
tls_cache_save(struct tls_cache *tc, const struct tls_session *s)
{
	size_t i = slot_of(tc, s->id);
	struct entry *e = &tc->e[i];
	uint32_t seq;

	if (tc->e[i + 1].s.expires < e->s.expires)
		e = &tc->e[i + 1];
	seq = atomic_load_explicit(&e->seq, memory_order_relaxed);
	if ((seq & 1) != 0 || !atomic_compare_exchange_strong(&e->seq, &seq,
	    seq + 1))
		return;		/* another writer has it */
	atomic_thread_fence(memory_order_release);
	e->s = *s;
	atomic_store_explicit(&e->seq, seq + 2, memory_order_release);
}

static bool
read_entry(const struct entry *e, struct tls_session *out)
{
	uint32_t before, after;

	before = atomic_load_explicit(&e->seq, memory_order_acquire);
	if ((before & 1) != 0)
		return false;
	memcpy(out, &e->s, sizeof(*out));
	atomic_thread_fence(memory_order_acquire);
	after = atomic_load_explicit(&e->seq, memory_order_relaxed);
	return before == after && before != 0;
}

bool
tls_cache_load(struct tls_cache *tc, const unsigned char id[32], time_t now,
    struct tls_session *out)
{
	size_t i = slot_of(tc, id), k;

	for (k = 0; k < 2; k++)
		if (read_entry(&tc->e[i + k], out) &&
		    memcmp(out->id, id, sizeof(out->id)) == 0 &&
		    out->expires > (int64_t)now)
			return true;
	explicit_bzero(out, sizeof(*out));
	return false;
}
