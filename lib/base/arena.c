/*
 * arena: chunks of at least ARENA_CHUNK bytes, chained; an object larger
 * than a chunk gets a chunk of its own.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/die.h"

enum { ARENA_CHUNK = 16384, ARENA_ALIGN = 16 };

struct chunk {
	struct chunk	*next;
	size_t		 size;
	size_t		 used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct chunk	*head;
};

struct arena *
arena_new(void)
{
	struct arena *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		die_sys(DIE_OOM, "arena");
	return a;
}

void
arena_free(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

static struct chunk *
chunk_new(size_t want)
{
	struct chunk *c;
	size_t size = want > ARENA_CHUNK ? want : ARENA_CHUNK;

	if (size > SIZE_MAX - sizeof(*c))
		die(DIE_OOM, "arena: object too large");
	if ((c = malloc(sizeof(*c) + size)) == NULL)
		die_sys(DIE_OOM, "arena");
	c->size = size;
	c->used = 0;
	c->next = NULL;
	return c;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t off;
	void *p;

	n = n == 0 ? 1 : n;
	if (n > SIZE_MAX - ARENA_ALIGN)
		die(DIE_OOM, "arena: object too large");
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (c == NULL || c->size - c->used < n) {
		c = chunk_new(n);
		c->next = a->head;
		a->head = c;
	}
	off = c->used;
	c->used += n;
	p = c->data + off;
	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die(DIE_OOM, "arena_printf: bad format");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
