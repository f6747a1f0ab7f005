/*
 * health: what checkd says of the hosts, from its status files
 * (checkd.status(5)), followed with inotify (lib/net/statwatch) so that
 * a host that goes down gets no new session as soon as checkd renames
 * the new file into place.  relay never checks a host itself.
 *
 * A checked table's hosts are unknown until their file says otherwise,
 * and unknown hosts are tried: relay started before checkd still
 * relays.  A host missing from its table's file is unknown again.
 */
#include <errno.h>
#include <string.h>

#include "worker.h"

enum { HEALTH_FILE_MAX = 65536 };

struct table_update {
	struct worker		*w;
	const struct rd_table_inst *inst;
};

/* Every host of the instance, in every relay that forwards to it. */
static void
set_state(struct worker *w, const struct rd_table_inst *inst, uint32_t id,
    enum statusfile_state state)
{
	struct rrelay *r;
	struct rtable *t;
	uint32_t i, j;
	int f;

	for (i = 0; i < w->st->nrelays; i++) {
		r = &w->st->relays[i];
		for (f = 0; f < r->nfwd; f++) {
			t = &r->fwd[f].table;
			if (t->inst != inst)
				continue;
			for (j = 0; j < t->nhosts; j++)
				if (id == 0 || t->hosts[j].id == id)
					t->hosts[j].state = state;
		}
	}
}

static void
one_host(const struct statusfile_host *h, void *arg)
{
	struct table_update *u = arg;

	set_state(u->w, u->inst, h->id, h->state);
}

static void
load_instance(struct worker *w, const struct rd_table_inst *inst,
    const char *name)
{
	static char buf[HEALTH_FILE_MAX];
	struct table_update u = { w, inst };
	long n;

	set_state(w, inst, 0, STATUSFILE_UNKNOWN);
	if ((n = statwatch_load(&w->health, name, buf, sizeof(buf))) < 0) {
		if (errno != ENOENT)
			relay_log(w, true, "status file %s: %s", name,
			    strerror(errno));
		return;
	}
	if (statusfile_parse(buf, (size_t)n, one_host, &u) > 0)
		relay_log(w, true, "status file %s: malformed lines skipped",
		    name);
}

/* The file `name` changed, or every file (name NULL). */
static void
file_changed(const char *name, void *arg)
{
	struct worker *w = arg;
	const struct rd_table_inst *in;
	char file[STATWATCH_NAME_MAX];

	for (in = w->st->conf->instances; in != NULL; in = in->next) {
		if (!in->for_relay || in->opts == NULL ||
		    in->opts->check.type == RD_CHECK_NONE)
			continue;
		if (!statwatch_table_file(w->st->conf, in, file,
		    sizeof(file)))
			continue;
		if (name == NULL || strcmp(name, file) == 0)
			load_instance(w, in, file);
	}
}

/* After the chroot into the state directory, which is "/" now. */
void
health_init(struct worker *w)
{
	if (!statwatch_open(&w->health, "/")) {
		relay_log(w, true, "state directory: %s; hosts stay unknown",
		    strerror(errno));
		return;
	}
	w->health_on = true;
	if (evloop_add(&w->loop, w->health.fd, evloop_tag(WORKER_TAG_HEALTH,
	    0), EPOLLIN) == -1)
		relay_log(w, true, "epoll_ctl inotify: %s", strerror(errno));
	file_changed(NULL, w);
}

void
health_event(struct worker *w)
{
	if (!w->health_on)
		return;
	if (!statwatch_read(&w->health, file_changed, w))
		relay_log(w, true, "inotify: %s", strerror(errno));
}
