/*
 * health: which gateways are up, as checkd's status files say
 * (checkd.status(5)), followed with inotify (lib/net/statwatch): a
 * change reaches the kernel as soon as checkd renames the new file into
 * place.  routerd never checks a gateway itself.
 *
 * A gateway of a checked table is unknown, and so left out of the
 * routes, until its file says up: a gateway that may be dead is never
 * installed.  One of a table without a check is up unless its file
 * (checkd writes one for it too) says the operator disabled it.
 */
#include <errno.h>
#include <string.h>

#include "base/die.h"
#include "routerd.h"

/* 32 gateways of at most STATUSFILE_LINE_MAX bytes, with room to spare. */
enum { HEALTH_FILE_MAX = 65536 };


static enum statusfile_state
default_state(const struct router *r)
{
	if (r->inst->table->disable)
		return STATUSFILE_DISABLED;
	return r->checked ? STATUSFILE_UNKNOWN : STATUSFILE_UP;
}

static void
one_host(const struct statusfile_host *h, void *arg)
{
	struct router *r = arg;
	size_t i;

	for (i = 0; i < r->ngws; i++)
		if (r->gws[i].id == h->id)
			r->gws[i].state = h->state;
}

/* Read r's file anew; true if a gateway changed state. */
static bool
load_router(struct routerd *st, struct router *r)
{
	static char buf[HEALTH_FILE_MAX];
	enum statusfile_state def = default_state(r);
	struct gateway seen[ROUTERD_NEXTHOPS_MAX];
	bool changed = false;
	long n;
	size_t i;

	/* States as before, to tell a change from a file rewritten. */
	memcpy(seen, r->gws, r->ngws * sizeof(*seen));
	for (i = 0; i < r->ngws; i++)
		r->gws[i].state = def;
	if ((n = statwatch_load(&st->watch, r->file, buf, sizeof(buf))) < 0) {
		if (errno != ENOENT)
			warnx_("status file %s: %s", r->file, strerror(errno));
	} else if (statusfile_parse(buf, (size_t)n, one_host, r) > 0)
		warnx_("status file %s: malformed lines skipped", r->file);
	for (i = 0; i < r->ngws; i++)
		if (seen[i].state != r->gws[i].state) {
			changed = true;
			if (st->verbose > 0)
				warnx_("router %s: gateway %s is %s",
				    r->conf->name, r->gws[i].host->name,
				    statusfile_state_names[r->gws[i].state]);
		}
	return changed;
}

bool
health_open(struct routerd *st, const char *statedir)
{
	if (!statwatch_open(&st->watch, statedir))
		return false;
	st->watching = true;
	return true;
}

void
health_load_all(struct routerd *st)
{
	size_t i;

	for (i = 0; i < st->nrouters; i++)
		(void)load_router(st, &st->routers[i]);
}

struct event {
	struct routerd	*st;
	bool		 changed;
};

static void
file_changed(const char *name, void *arg)
{
	struct event *e = arg;
	size_t i;

	for (i = 0; i < e->st->nrouters; i++)
		if (name == NULL || strcmp(name, e->st->routers[i].file) == 0)
			if (load_router(e->st, &e->st->routers[i]))
				e->changed = true;
}

bool
health_event(struct routerd *st)
{
	struct event e = { st, false };

	if (!statwatch_read(&st->watch, file_changed, &e))
		warnx_("inotify: %s", strerror(errno));
	return e.changed;
}
