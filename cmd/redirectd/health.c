/*
 * health: what checkd says of the hosts of the redirections, from its
 * status files (checkd.status(5)), followed with inotify
 * (lib/net/statwatch).  A file replaced is read whole and its hosts'
 * states set by host id; apply.c then loads the difference in one
 * transaction.  A host missing from its table's file, or a file
 * missing, is unknown: tried, as relay tries it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/die.h"
#include "redirectd.h"

struct file_update {
	struct rdr_table	*t;
	size_t			 seen;
};

static void
one_host(const struct statusfile_host *sh, void *arg)
{
	struct file_update *u = arg;
	uint32_t first;

	if (u->t->nhosts == 0)
		return;
	first = u->t->hosts[0].id;
	if (sh->id < first || sh->id - first >= u->t->nhosts)
		return;
	u->t->hosts[sh->id - first].state = sh->state;
	u->seen++;
}

static void
load_table(struct redirectd *d, struct rdr_table *t)
{
	struct file_update u = { t, 0 };
	size_t i;
	long n;

	d->fresh = true;
	for (i = 0; i < t->nhosts; i++)
		t->hosts[i].state = STATUSFILE_UNKNOWN;
	if ((n = statwatch_load(&d->sw, t->file, d->filebuf,
	    d->filesize)) < 0) {
		if (errno != ENOENT)
			warnx_("status file %s: %s", t->file, strerror(errno));
		return;
	}
	if (statusfile_parse(d->filebuf, (size_t)n, one_host, &u) > 0)
		warnx_("status file %s: malformed lines skipped", t->file);
}

/* The file `name` changed, or every file (name NULL). */
static void
file_changed(const char *name, void *arg)
{
	struct redirectd *d = arg;
	struct rdr_redirect *r;
	size_t i;

	for (i = 0; i < d->st.nrdrs; i++) {
		r = &d->st.rdrs[i];
		if (name == NULL || strcmp(name, r->main.file) == 0)
			load_table(d, &r->main);
		if (r->backup.use != NULL &&
		    (name == NULL || strcmp(name, r->backup.file) == 0))
			load_table(d, &r->backup);
	}
}

/* The buffer holds the biggest table's file whole. */
void
health_size(struct redirectd *d)
{
	size_t want = (d->st.maxhosts + 1) * STATUSFILE_LINE_MAX;

	if (want <= d->filesize)
		return;
	free(d->filebuf);
	d->filesize = want;
	if ((d->filebuf = malloc(d->filesize)) == NULL)
		die(DIE_OOM, "out of memory");
}

/*
 * Once, before the sandbox: the state directory exists (main made it
 * if checkd had not); tables/ may come later, statwatch watches for it.
 */
void
health_watch(struct redirectd *d, const char *statedir)
{
	health_size(d);
	if (!statwatch_open(&d->sw, statedir))
		die_sys(DIE_SYS, "state directory %s", statedir);
	d->watching = true;
}

void
health_read_all(struct redirectd *d)
{
	if (d->watching)
		file_changed(NULL, d);
}

void
health_event(struct redirectd *d)
{
	if (!d->watching)
		return;
	if (!statwatch_read(&d->sw, file_changed, d))
		warnx_("inotify: %s", strerror(errno));
}

/*
 * The operator takes a redirection out of service as checkd's hosts and
 * tables (checkd.status(5)): a file disabled/redirect:NAME in the state
 * directory, which belongs to root; removing it puts the redirection
 * back.  Looked at every second; a link is not followed.
 */
void
health_switches(struct redirectd *d)
{
	struct rdr_redirect *r;
	char path[STATWATCH_NAME_MAX + 32];
	struct stat sb;
	size_t i;
	bool off;

	if (!d->watching)
		return;
	for (i = 0; i < d->st.nrdrs; i++) {
		r = &d->st.rdrs[i];
		(void)snprintf(path, sizeof(path), "disabled/redirect:%s",
		    r->conf->name);
		off = fstatat(d->sw.dirfd, path, &sb, AT_SYMLINK_NOFOLLOW) == 0;
		if (off != r->off) {
			d->fresh = true;
			warnx_("redirect %s: %s by the operator", r->conf->name,
			    off ? "disabled" : "enabled");
		}
		r->off = off;
	}
}
