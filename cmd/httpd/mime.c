/*
 * mime: the media type of a file by its extension.  The types section
 * (or the built-in list) is put into an open-addressing hash table when a
 * worker starts, so a lookup costs one hash and a compare or two, however
 * long mime.types is.  Extensions compare without regard to case.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/die.h"
#include "worker.h"

struct mime_slot {
	const char		*ext;	/* NULL: empty */
	const struct httpd_media *media;
};

static size_t
hash_ext(const char *s, size_t len)
{
	size_t h = 2166136261u, i;

	for (i = 0; i < len; i++)
		h = (h ^ (size_t)tolower((unsigned char)s[i])) * 16777619u;
	return h;
}

void
mime_init(struct worker *w)
{
	const struct httpd_type *t;
	size_t n = 0, size = 16, i;

	for (t = w->st->conf->types; t != NULL; t = t->next)
		n++;
	while (size < n * 2)
		size *= 2;
	if ((w->mime = calloc(size, sizeof(*w->mime))) == NULL)
		die_sys(DIE_OOM, "mime table");
	w->mime_size = size;
	/* Later lines win, as the types section says: insert or replace. */
	for (t = w->st->conf->types; t != NULL; t = t->next) {
		i = hash_ext(t->ext, strlen(t->ext)) & (size - 1);
		while (w->mime[i].ext != NULL &&
		    strcasecmp(w->mime[i].ext, t->ext) != 0)
			i = (i + 1) & (size - 1);
		w->mime[i].ext = t->ext;
		w->mime[i].media = &t->media;
	}
}

const struct httpd_media *
mime_lookup(const struct worker *w, const struct httpd_server *srv,
    const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	size_t len, i;

	if (dot == NULL || (slash != NULL && dot < slash) || dot[1] == '\0')
		return &srv->default_type;
	dot++;
	len = strlen(dot);
	i = hash_ext(dot, len) & (w->mime_size - 1);
	while (w->mime[i].ext != NULL) {
		if (strcasecmp(w->mime[i].ext, dot) == 0)
			return w->mime[i].media;
		i = (i + 1) & (w->mime_size - 1);
	}
	return &srv->default_type;
}
