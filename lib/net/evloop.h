/*
 * evloop: the one event loop idiom of the suite -- an epoll set, the
 * program's signals as a signalfd in it, the monotonic time of the
 * current pass, and a pause of the listening sockets when descriptors or
 * slots run out.  httpd's workers, checkd's checker and fcgi-bridge each
 * run one; relay will too.
 *
 * Every registered descriptor carries a tag: a kind (what it is, chosen
 * by the program) in the high 32 bits and an index (which one: a slot, a
 * host) in the low 32.  The kind EVLOOP_SIGNAL is the loop's own.
 */
#ifndef EVLOOP_H
#define EVLOOP_H

#include <sys/epoll.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { EVLOOP_SIGNAL = 0 };	/* kinds of a program start at 1 */

struct evloop {
	int		epfd;
	int		sigfd;		/* -1 until evloop_signals */
	int64_t		now;		/* monotonic ms, set by each wait */
	bool		accept_paused;
	int64_t		accept_until;	/* while paused: when to resume */
};

static inline uint64_t
evloop_tag(uint32_t kind, uint32_t index)
{
	return (uint64_t)kind << 32 | index;
}

static inline uint32_t
evloop_kind(uint64_t tag)
{
	return (uint32_t)(tag >> 32);
}

static inline uint32_t
evloop_index(uint64_t tag)
{
	return (uint32_t)tag;
}

/* An epoll set with no signals yet; now is set.  Dies on failure. */
void	evloop_init(struct evloop *);

/*
 * Block the n signals of sigs and take them through a signalfd in the
 * set, tagged EVLOOP_SIGNAL.  Dies on failure.
 */
void	evloop_signals(struct evloop *, const int *sigs, size_t n);

/*
 * The next pending signal's number, or 0 when none is left: call it in a
 * loop when an EVLOOP_SIGNAL event arrives.  pid, if not NULL, gets the
 * sender's pid (for SIGCHLD, the child's).
 */
int	evloop_next_signal(struct evloop *, int32_t *pid);

/* Add fd with events under tag; -1 and errno set on failure. */
int	evloop_add(struct evloop *, int fd, uint64_t tag, uint32_t events);

/*
 * Make fd's registration `want`, knowing it is `*have` (0: not in the
 * set): one epoll_ctl when they differ, none when they are equal.  *have
 * is updated on success; -1 and errno set on failure.
 */
int	evloop_set(struct evloop *, int fd, uint64_t tag, uint32_t want,
	    uint32_t *have);

/*
 * fd, in the set already, is now tag with events: it changes hands (an
 * idle connection to a pool, or out of it).  -1 and errno on failure.
 */
int	evloop_mod(struct evloop *, int fd, uint64_t tag, uint32_t events);

/* Remove fd from the set (closing it removes it too). */
void	evloop_del(struct evloop *, int fd);

/*
 * Wait for at most max events until `deadline` (monotonic ms; -1: none),
 * then set now.  Returns the number of events, 0 on time-out or EINTR.
 * Dies on any other failure.
 */
int	evloop_wait(struct evloop *, struct epoll_event *, int max,
	    int64_t deadline);

/*
 * Out of descriptors or slots: the caller stops polling its listeners and
 * calls this; it returns false if the loop was already paused.
 * evloop_accept_resumes tells, once the pause is over, that the caller
 * may poll them again (true once per pause).
 */
bool	evloop_accept_pause(struct evloop *, int ms);
bool	evloop_accept_resumes(struct evloop *);

#endif
