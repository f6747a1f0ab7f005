/*
 * arena: a bump allocator for data that lives as long as one parsed
 * configuration.  Everything a parser builds comes from one arena and is
 * released with one call, so a failed parse (or a fuzz run) leaks nothing
 * and the grammar code never frees piece by piece.
 *
 * Allocation failure is fatal (the process is starting up or reloading;
 * there is no sensible partial result), so callers need no NULL checks.
 */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

struct arena;

struct arena	*arena_new(void);
void		 arena_free(struct arena *);
/* Zeroed, aligned for any object. */
void		*arena_alloc(struct arena *, size_t);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
/* printf into fresh arena memory. */
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

#endif
