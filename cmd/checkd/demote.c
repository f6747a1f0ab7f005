/*
 * A table's verdict as a whole, relayd's "demote": a table is down when
 * none of its hosts is up (down, unknown or disabled, all of them), up
 * when one is.  A change prints one line on stdout, "table NAME down"
 * or "table NAME up", next to the host lines.  Tables used with
 * "demote GROUP" also count in demote/GROUP, a file that holds the
 * number of such tables that are down, "0" when none: relayd raises the
 * carp(4) demotion counter of GROUP instead, and on Linux a VRRP daemon
 * (keepalived's track_file) reads the file.  The file is replaced whole
 * (statusfile_write), so a reader sees one number, never a half.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "checkd.h"

/* A verdict is there once the table has been checked, or needs no check. */
static bool
has_verdict(const struct table *t)
{
	return t->check->type == RD_CHECK_NONE || t->rounds > 0;
}

static bool
any_up(const struct table *t)
{
	int i;

	for (i = 0; i < t->nhosts; i++)
		if (t->hosts[i].state == STATUSFILE_UP)
			return true;
	return false;
}

static const char *
group_of(const struct table *t)
{
	return t->inst->opts->demote;
}

/* One whole line, as report_event writes the host lines. */
static void
table_event(const struct table *t)
{
	char line[128];
	int n;

	n = snprintf(line, sizeof(line), "table %s %s\n", t->file + 7,
	    t->down == 1 ? "down" : "up");
	if (n > 0 && (size_t)n < sizeof(line) &&
	    write(STDOUT_FILENO, line, (size_t)n) != n)
		return;	/* nobody listening: the files still say it */
}

/* demote/GROUP: how many tables demoting GROUP are down. */
static void
write_group(const struct checker *c, const char *group)
{
	char path[RD_IFNAME_MAX + 16], num[16];
	int i, n = 0, len;

	for (i = 0; i < c->ntables; i++) {
		const char *g = group_of(&c->tables[i]);

		if (g != NULL && strcmp(g, group) == 0 &&
		    c->tables[i].down == 1)
			n++;
	}
	(void)snprintf(path, sizeof(path), "demote/%s", group);
	len = snprintf(num, sizeof(num), "%d\n", n);
	if (!statusfile_write(AT_FDCWD, path, num, (size_t)len))
		warnx_("write %s: %s", path, strerror(errno));
}

/* Each group once, in the order of its first table. */
static void
write_groups(const struct checker *c)
{
	int i, k;

	for (i = 0; i < c->ntables; i++) {
		const char *g = group_of(&c->tables[i]);

		if (g == NULL)
			continue;
		for (k = 0; k < i; k++)
			if (group_of(&c->tables[k]) != NULL &&
			    strcmp(group_of(&c->tables[k]), g) == 0)
				break;
		if (k == i)
			write_group(c, g);
	}
}

void
demote_update(struct checker *c)
{
	bool changed = false;
	int i, down;

	for (i = 0; i < c->ntables; i++) {
		struct table *t = &c->tables[i];

		if (!has_verdict(t))
			continue;
		down = any_up(t) ? 0 : 1;
		if (down == t->down)
			continue;
		t->down = down;
		table_event(t);
		if (group_of(t) != NULL)
			changed = true;
		if (c->conf->log & RD_LOG_STATE_CHANGES)
			warnx_("table %s: %s", t->file + 7, down ? "no host up"
			    : "a host is up");
	}
	if (changed || !c->demote_written) {
		write_groups(c);
		c->demote_written = true;
	}
}

/* A group no table demotes any more takes its file with it. */
void
demote_prune(const struct checker *c)
{
	struct dirent *de;
	char path[300];
	DIR *d;
	int i;

	if ((d = opendir("demote")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < c->ntables; i++)
			if (group_of(&c->tables[i]) != NULL &&
			    strcmp(group_of(&c->tables[i]), de->d_name) == 0)
				break;
		if (i == c->ntables) {
			(void)snprintf(path, sizeof(path), "demote/%s",
			    de->d_name);
			(void)unlink(path);
		}
	}
	(void)closedir(d);
}
