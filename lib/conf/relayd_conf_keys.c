/*
 * relayd_conf_keys: the keys of a rule's `file path`, read when the
 * configuration is, so that a file that is missing, unreadable or
 * malformed is a `file:line:` error at -n and never a surprise at run
 * time.  One key per line; blank lines and lines starting with '#' are
 * skipped, and the spaces around a key are not part of it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf/relayd_conf_int.h"

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* One line of the file: a key kept, skipped, or an error reported. */
static bool
key_line(struct rd_parser *p, struct rd_rule *r, char *line, size_t *cap)
{
	char *key, **grown;

	key = trim(line);
	if (*key == '\0' || *key == '#')
		return true;
	if (r->nkeys == RD_KEYS_MAX) {
		conf_error(p->c, "file %s: more than %d keys", r->file,
		    RD_KEYS_MAX);
		return false;
	}
	if (r->nkeys == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		grown = arena_alloc(p->a, *cap * sizeof(*grown));
		if (r->nkeys > 0)
			memcpy(grown, r->keys, r->nkeys * sizeof(*grown));
		r->keys = grown;
	}
	r->keys[r->nkeys++] = arena_strdup(p->a, key);
	return true;
}

bool
rd_rule_keys_load(struct rd_parser *p, struct rd_rule *r)
{
	char line[RD_KEY_LEN_MAX + 2];
	size_t lineno = 0, cap = 0;
	FILE *f;
	bool ok = true;

	if ((f = fopen(r->file, "re")) == NULL) {
		conf_error(p->c, "file %s: %s", r->file, strerror(errno));
		return false;
	}
	while (ok && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			conf_error(p->c, "file %s: line %zu: key longer than "
			    "%d bytes", r->file, lineno, RD_KEY_LEN_MAX);
			ok = false;
			break;
		}
		ok = key_line(p, r, line, &cap);
	}
	if (ok && ferror(f)) {
		conf_error(p->c, "file %s: %s", r->file, strerror(errno));
		ok = false;
	}
	(void)fclose(f);
	if (ok && r->nkeys == 0) {
		conf_error(p->c, "file %s: no keys", r->file);
		ok = false;
	}
	return ok;
}
