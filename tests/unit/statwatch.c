/*
 * Unit tests of the state-directory watcher: the table file naming rule,
 * tables/ appearing after the reader started, a file renamed into place
 * reported once under its name (its temporary name never), a removal,
 * and a link where tables/ belongs not followed.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/statusfile.h"
#include "net/statwatch.h"
#include "tap.h"

static char seen[8][STATWATCH_NAME_MAX];
static int nseen, nall;

static void
note(const char *name, void *arg)
{
	(void)arg;
	if (name == NULL)
		nall++;
	else if (nseen < 8)
		(void)snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
}

/* Wait (a second at most) for events, then read them all. */
static void
drain(struct statwatch *sw)
{
	struct pollfd p = { sw->fd, POLLIN, 0 };

	nseen = nall = 0;
	if (poll(&p, 1, 1000) == 1)
		(void)statwatch_read(sw, note, NULL);
}

static void
test_names(void)
{
	struct rd_table web = { .name = (char *)"web" };
	struct rd_table api = { .name = (char *)"api" };
	struct rd_table_inst i3 = { .id = 3, .table = &web };
	struct rd_table_inst i2 = { .next = &i3, .id = 2, .table = &api };
	struct rd_table_inst i1 = { .next = &i2, .id = 1, .table = &web };
	struct relayd_conf rc = { .instances = &i1 };
	char buf[16];

	ok(statwatch_table_file(&rc, &i1, buf, sizeof(buf)) &&
	    strcmp(buf, "web") == 0, "the first instance is the table's name");
	ok(statwatch_table_file(&rc, &i2, buf, sizeof(buf)) &&
	    strcmp(buf, "api") == 0, "so is another table's first");
	ok(statwatch_table_file(&rc, &i3, buf, sizeof(buf)) &&
	    strcmp(buf, "web.3") == 0, "a later instance adds its id");
	ok(!statwatch_table_file(&rc, &i3, buf, 5),
	    "a name that does not fit is refused, not cut");
}

int
main(void)
{
	char dir[] = "/tmp/statwatch.XXXXXX", path[64], buf[64];
	struct statwatch sw;
	int tfd;

	test_names();
	if (mkdtemp(dir) == NULL || !statwatch_open(&sw, dir)) {
		printf("Bail out! no state directory\n");
		return 1;
	}
	ok(sw.wd_tables == -1, "no tables/ yet: nothing to watch there");
	(void)snprintf(path, sizeof(path), "%s/tables", dir);
	(void)mkdir(path, 0755);
	drain(&sw);
	ok(nall == 1 && sw.wd_tables != -1,
	    "tables/ appears: read everything, and watch it");

	tfd = open(path, O_RDONLY | O_DIRECTORY);
	(void)statusfile_write(tfd, "web", "a 80 up 1 1 1 127.0.0.1 ok\n", 27);
	drain(&sw);
	ok(nseen == 1 && strcmp(seen[0], "web") == 0 && nall == 0,
	    "a file renamed into place: its name once, no temporary name");
	ok(statwatch_load(&sw, "web", buf, sizeof(buf)) == 27,
	    "and it reads whole");
	ok(statwatch_load(&sw, "../tables/web", buf, sizeof(buf)) == -1,
	    "a name with a slash is refused");
	(void)unlinkat(tfd, "web", 0);
	drain(&sw);
	ok(nseen == 1 && strcmp(seen[0], "web") == 0,
	    "a removed file is reported");
	(void)close(tfd);

	(void)rmdir(path);
	drain(&sw);
	(void)snprintf(buf, sizeof(buf), "%s/elsewhere", dir);
	(void)mkdir(buf, 0755);
	(void)symlink(buf, path);
	drain(&sw);
	ok(nall == 1 && sw.wd_tables == -1,
	    "a link made where tables/ was is not watched");
	(void)unlink(path);
	(void)rmdir(buf);
	(void)rmdir(dir);
	statwatch_close(&sw);
	return done_testing();
}
