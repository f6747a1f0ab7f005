/*
 * The operator's switches, without a control socket: a file
 * disabled/TABLE takes a whole table out of service, a file
 * disabled/TABLE:HOST one host of it (HOST as written in the
 * configuration).  Removing the file puts it back.  The directory is
 * read anew every second; it lives in the state directory, so a setting
 * outlasts restarts and reloads.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "base/die.h"
#include "checkd.h"

static struct table *
table_named(struct checker *c, const char *name, size_t len)
{
	int i;

	for (i = 0; i < c->ntables; i++) {
		const char *f = c->tables[i].file + 7;	/* after "tables/" */

		if (strlen(f) == len && memcmp(f, name, len) == 0)
			return &c->tables[i];
	}
	return NULL;
}

static void
mark(struct checker *c, const char *name, bool *tables, bool *hosts)
{
	const char *colon = strchr(name, ':');
	struct table *t;
	int i;

	t = table_named(c, name, colon != NULL ? (size_t)(colon - name) :
	    strlen(name));
	if (t == NULL)
		return;
	if (colon == NULL) {
		tables[t - c->tables] = true;
		return;
	}
	for (i = 0; i < t->nhosts; i++)
		if (strcmp(t->hosts[i].conf->name, colon + 1) == 0)
			hosts[t->hosts[i].id] = true;
}

/* A check in flight for a host taken out of service is dropped. */
static void
abort_check(struct checker *c, struct host *h)
{
	struct table *t = h->table;

	if (!h->busy)
		return;
	if (t->check->type != RD_CHECK_ICMP && t->check->type != RD_CHECK_SCRIPT)
		probe_abort(c, h);
	h->busy = false;
	if (--t->pending == 0)
		round_end(c, t);
}

static void
apply(struct checker *c, struct host *h, bool off)
{
	struct table *t = h->table;

	if (off) {
		abort_check(c, h);
		set_host_state(c, h, STATUSFILE_DISABLED, R_DISABLED);
	} else if (h->state == STATUSFILE_DISABLED) {
		set_host_state(c, h, STATUSFILE_UNKNOWN, R_NONE);
		h->retry_left = h->conf->retry;
		t->next = now_ms();	/* checked again at once */
	}
}

void
disable_scan(struct checker *c)
{
	bool *tables, *hosts;
	struct dirent *de;
	DIR *d;
	int i, k;

	tables = calloc((size_t)c->ntables + 1, sizeof(bool));
	hosts = calloc((size_t)c->nids + 1, sizeof(bool));
	if (tables == NULL || hosts == NULL)
		goto out;
	if ((d = opendir("disabled")) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				mark(c, de->d_name, tables, hosts);
		(void)closedir(d);
	}
	for (i = 0; i < c->ntables; i++) {
		struct table *t = &c->tables[i];
		bool toff = t->conf_disabled || tables[i];

		t->disabled = toff;
		for (k = 0; k < t->nhosts; k++) {
			struct host *h = &t->hosts[k];

			h->disabled = hosts[h->id];
			if (t->check->type != RD_CHECK_NONE || toff ||
			    h->disabled)
				apply(c, h, toff || h->disabled);
			else if (h->state == STATUSFILE_DISABLED)
				set_host_state(c, h, STATUSFILE_UP, R_NONE);
		}
	}
	for (i = 0; i < c->ntables; i++)
		if (c->tables[i].dirty && c->tables[i].pending == 0 &&
		    c->tables[i].rounds > 0)
			report_table(c, &c->tables[i]);
	demote_update(c);
out:
	free(tables);
	free(hosts);
}
