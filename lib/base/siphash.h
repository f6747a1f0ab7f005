/*
 * siphash: SipHash-2-4 (Aumasson and Bernstein, 2012), a keyed 64-bit
 * hash, for the relay's hash, loadbalance and source-hash schedulers: a
 * client that does not know the key cannot pick addresses or headers
 * that all land on one backend.  A short keyed hash for tables and
 * scheduling, not a message digest.
 *
 * Neither BearSSL nor skalibs provides SipHash, hence this module.  The
 * output is the paper's 64-bit value; its test vectors list it as 8
 * bytes, least significant first.  No allocation; the context is the
 * caller's and holds no pointer.
 */
#ifndef SIPHASH_H
#define SIPHASH_H

#include <stddef.h>
#include <stdint.h>

enum { SIPHASH_KEY_LEN = 16 };

struct siphash {
	uint64_t	 v[4];
	unsigned char	 tail[8];	/* bytes not yet a whole word */
	size_t		 ntail;
	uint64_t	 len;		/* bytes so far; its low byte ends it */
};

/* Start a hash under key (16 bytes, read as two little-endian words). */
void	siphash_init(struct siphash *, const unsigned char *key);
/* Add d[0..n); any split of the input gives the same hash. */
void	siphash_update(struct siphash *, const void *d, size_t n);
/* The hash of everything added; the context must be initialised again. */
uint64_t siphash_final(struct siphash *);

/* The three above in one call. */
uint64_t siphash24(const unsigned char *key, const void *d, size_t n);

#endif
