/*
 * prefork: a root parent's workers, in generations.  A generation is a
 * set of workers started from one configuration; a reload starts a new
 * generation and sends the old one SIGTERM, so that it drains (finishes
 * what it has in flight and exits) while the new one already serves.
 * A worker that dies is replaced at once, or after a back-off if it died
 * young, so a worker that crashes on start cannot make the parent spin.
 *
 * The program owns what a generation holds (its configuration, sockets,
 * logs, keys) and says what to do through callbacks; prefork owns the
 * processes.  httpd's parent uses it; relay's will.
 */
#ifndef PREFORK_H
#define PREFORK_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	PREFORK_GENERATIONS = 4,	/* the current one and those draining */
	PREFORK_WORKERS_MAX = 64,
	PREFORK_BACKOFF_MS = 1000	/* a worker dying younger waits */
};

struct prefork_ops {
	/* In the child: become worker id of the generation; never returns. */
	void	(*worker)(void *gen, int id);
	/*
	 * Every worker of a draining generation is gone: release what it
	 * held.  cur is the current generation, or NULL when stopping.
	 */
	void	(*retire)(void *gen, void *cur);
};

struct prefork_gen {
	void		*ctx;			/* the program's, or NULL: free */
	int		 nworkers;
	pid_t		 pids[PREFORK_WORKERS_MAX];	/* 0 gone, -1 waiting */
	int64_t		 started[PREFORK_WORKERS_MAX];	/* monotonic ms */
	int		 nalive;
	bool		 draining;
};

struct prefork {
	const struct prefork_ops *ops;
	const char	*what;			/* "worker", in log lines */
	int		 verbose;
	struct prefork_gen gens[PREFORK_GENERATIONS];
	struct prefork_gen *cur;
	bool		 stopping;
	int64_t		 stop_deadline;
};

/* An empty set of generations. */
void	prefork_init(struct prefork *, const struct prefork_ops *,
	    const char *what, int verbose);

/*
 * True if a generation can start now; false when every slot holds one
 * still draining (the caller refuses the reload and says why).
 */
bool	prefork_can_start(const struct prefork *);

/*
 * Start n workers (at most PREFORK_WORKERS_MAX) for the program's
 * generation ctx and make it the current one; the one that was current
 * drains.  Call prefork_can_start first.
 */
void	prefork_start(struct prefork *, void *ctx, int n);

/* The current generation's context, or NULL before the first start. */
void	*prefork_current(const struct prefork *);

/* SIGCHLD: reap, replace dead workers, retire drained generations. */
void	prefork_reap(struct prefork *);

/*
 * Once a pass of the parent's loop: start the workers whose back-off is
 * over; past the stop deadline, kill what is left.
 */
void	prefork_tick(struct prefork *);

/* SIGTERM: every generation drains; after grace_ms, SIGKILL. */
void	prefork_stop(struct prefork *, int64_t grace_ms);

/*
 * In a new worker: close every descriptor above 2 but the n in keep
 * (which it sorts), so that a worker holds its generation's sockets and
 * files and nothing of the parent's or of other generations.
 */
void	prefork_keep_fds(int *keep, size_t n);

/* True once stopping and no worker is left. */
bool	prefork_done(const struct prefork *);

#endif
