#include <string.h>

#include "base/siphash.h"

/* The rounds per message word and at the end: the "2-4" of SipHash-2-4. */
enum { SIP_C_ROUNDS = 2, SIP_D_ROUNDS = 4 };

static uint64_t
rotl(uint64_t x, int b)
{
	return x << b | x >> (64 - b);
}

/* The paper's words are little-endian whatever the host's order. */
static uint64_t
load_le64(const unsigned char *p)
{
	uint64_t w = 0;
	int i;

	for (i = 7; i >= 0; i--)
		w = w << 8 | p[i];
	return w;
}

static void
sipround(uint64_t *v)
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

static void
compress(uint64_t *v, uint64_t m)
{
	int i;

	v[3] ^= m;
	for (i = 0; i < SIP_C_ROUNDS; i++)
		sipround(v);
	v[0] ^= m;
}

void
siphash_init(struct siphash *c, const unsigned char *key)
{
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);

	/* The paper's constants: "somepseudorandomlygeneratedbytes". */
	c->v[0] = k0 ^ 0x736f6d6570736575ULL;
	c->v[1] = k1 ^ 0x646f72616e646f6dULL;
	c->v[2] = k0 ^ 0x6c7967656e657261ULL;
	c->v[3] = k1 ^ 0x7465646279746573ULL;
	c->ntail = 0;
	c->len = 0;
}

void
siphash_update(struct siphash *c, const void *d, size_t n)
{
	const unsigned char *p = d;
	size_t take;

	if (n == 0)
		return;		/* d may be NULL then */
	c->len += n;
	if (c->ntail > 0) {
		take = n < 8 - c->ntail ? n : 8 - c->ntail;
		memcpy(c->tail + c->ntail, p, take);
		c->ntail += take;
		p += take;
		n -= take;
		if (c->ntail < 8)
			return;
		compress(c->v, load_le64(c->tail));
		c->ntail = 0;
	}
	for (; n >= 8; p += 8, n -= 8)
		compress(c->v, load_le64(p));
	memcpy(c->tail, p, n);
	c->ntail = n;
}

uint64_t
siphash_final(struct siphash *c)
{
	unsigned char last[8] = { 0 };
	int i;

	/* The last word: the leftover bytes, zeros, the length mod 256. */
	memcpy(last, c->tail, c->ntail);
	last[7] = (unsigned char)(c->len & 0xff);
	compress(c->v, load_le64(last));
	c->v[2] ^= 0xff;
	for (i = 0; i < SIP_D_ROUNDS; i++)
		sipround(c->v);
	return c->v[0] ^ c->v[1] ^ c->v[2] ^ c->v[3];
}

uint64_t
siphash24(const unsigned char *key, const void *d, size_t n)
{
	struct siphash c;

	siphash_init(&c, key);
	siphash_update(&c, d, n);
	return siphash_final(&c);
}
