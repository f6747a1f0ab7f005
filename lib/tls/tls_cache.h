/*
 * tls_cache: TLS session parameters shared by all the workers of a
 * generation, so that a client resumes its session whichever worker
 * accepts its next connection.
 *
 * The table lives in an anonymous shared mapping made by the parent
 * before it forks.  There is no lock a dying worker could leave held:
 * each entry carries a sequence number, odd while a writer fills it.  A
 * writer claims an entry with compare-and-swap (or gives up: the cache
 * is only a cache); a reader copies the entry and keeps the copy only if
 * the number was even and did not change meanwhile.
 *
 * An entry whose session is over is wiped -- master secret and all --
 * as soon as a lookup or a save in its pair finds it expired, or a sweep
 * passes by, and the entry a save replaces is wiped before it is written:
 * the mapping is readable by every worker, and a secret kept there past
 * its session would let a worker compromised later decrypt traffic
 * recorded earlier.
 *
 * BearSSL's session parameters say nothing of the virtual host or the
 * client certificate a session was made with; an entry stores both, so
 * that the server can refuse a session on another host and give back
 * the identity with a resumed one.
 */
#ifndef TLS_CACHE_H
#define TLS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum {
	TLS_CACHE_ENTRIES = 16384,	/* about 6 MiB, touched as used */
	TLS_SUBJECT_MAX = 256
};

struct tls_session {
	unsigned char	id[32];
	unsigned char	master[48];
	uint16_t	version, suite;
	uint32_t	vhost;		/* the server it was made for */
	int64_t		expires;	/* time() */
	bool		peer_verified;	/* a client certificate was */
	char		peer_subject[TLS_SUBJECT_MAX];
};

struct tls_cache;

/* NULL if the mapping cannot be made. */
struct tls_cache *tls_cache_new(size_t entries);
void	tls_cache_free(struct tls_cache *);
/* Save a session at time now (time()), wiping what has expired by then. */
void	tls_cache_save(struct tls_cache *, const struct tls_session *,
	    time_t now);
/*
 * The session with that id, if present and not expired at now; an
 * expired entry found on the way is wiped.
 */
bool	tls_cache_load(struct tls_cache *, const unsigned char id[32],
	    time_t now, struct tls_session *);
/*
 * Wipe the expired entries among the next count, going round the table:
 * a session that no lookup or save comes near again would keep its
 * secret until its entry is reused.  Pages never touched are skipped.
 */
void	tls_cache_sweep(struct tls_cache *, time_t now, size_t count);
/* The whole mapping as bytes, as a process that maps it sees it. */
void	tls_cache_span(const struct tls_cache *, const unsigned char **start,
	    size_t *len);

#endif
