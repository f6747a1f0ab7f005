#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "net/statusfile.h"
#include "net/statwatch.h"

enum {
	TABLE_EVENTS = IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE |
	    IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF,
	DIR_EVENTS = IN_CREATE | IN_MOVED_TO | IN_ONLYDIR
};

bool
statwatch_table_file(const struct relayd_conf *rc,
    const struct rd_table_inst *in, char *buf, size_t size)
{
	const struct rd_table_inst *first;
	int n;

	for (first = rc->instances; first != NULL; first = first->next)
		if (first->table == in->table)
			break;
	if (first == in)
		n = snprintf(buf, size, "%s", in->table->name);
	else
		n = snprintf(buf, size, "%s.%d", in->table->name, in->id);
	return n > 0 && (size_t)n < size;
}

/* tables/ is watched if it exists; -1 (and nothing to read) if not. */
static void
watch_tables(struct statwatch *sw)
{
	if (sw->wd_tables != -1)
		(void)inotify_rm_watch(sw->fd, sw->wd_tables);
	sw->wd_tables = -1;
	sw->wd_tables = inotify_add_watch(sw->fd, sw->tables, TABLE_EVENTS |
	    IN_ONLYDIR | IN_DONT_FOLLOW);
}

bool
statwatch_open(struct statwatch *sw, const char *statedir)
{
	int e, n;

	sw->fd = sw->wd_tables = -1;
	n = snprintf(sw->tables, sizeof(sw->tables), "%s/tables", statedir);
	if (n < 0 || (size_t)n >= sizeof(sw->tables)) {
		errno = ENAMETOOLONG;
		return false;
	}
	sw->dirfd = open(statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sw->dirfd == -1)
		return false;
	if ((sw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1 ||
	    (sw->wd_dir = inotify_add_watch(sw->fd, statedir, DIR_EVENTS)) ==
	    -1) {
		e = errno;
		statwatch_close(sw);
		errno = e;
		return false;
	}
	watch_tables(sw);
	return true;
}

static bool
temporary(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && strcmp(name + n - 4, ".tmp") == 0;
}

/* One event: what it means for the reader. */
static void
event(struct statwatch *sw, const struct inotify_event *ev,
    void (*fn)(const char *, void *), void *arg)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		fn(NULL, arg);
		return;
	}
	if (ev->wd == sw->wd_dir) {
		if (ev->len > 0 && strcmp(ev->name, "tables") == 0) {
			watch_tables(sw);
			fn(NULL, arg);
		}
		return;
	}
	if (ev->wd != sw->wd_tables)
		return;
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
		/* tables/ went away; its successor comes with IN_CREATE. */
		if (!(ev->mask & IN_IGNORED))
			watch_tables(sw);
		return;
	}
	if (ev->len > 0 && ev->name[0] != '\0' && !temporary(ev->name))
		fn(ev->name, arg);
}

bool
statwatch_read(struct statwatch *sw, void (*fn)(const char *, void *),
    void *arg)
{
	alignas(struct inotify_event) char buf[8192];
	const struct inotify_event *ev;
	ssize_t n;
	size_t off;

	for (;;) {
		n = read(sw->fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN;
		if (n == 0)
			return true;
		for (off = 0; off + sizeof(*ev) <= (size_t)n;
		    off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(void *)(buf + off);
			event(sw, ev, fn, arg);
		}
	}
}

long
statwatch_load(const struct statwatch *sw, const char *name, char *buf,
    size_t size)
{
	char path[STATWATCH_NAME_MAX + 8];
	int n;

	n = snprintf(path, sizeof(path), "tables/%s", name);
	if (n < 0 || (size_t)n >= sizeof(path) || strchr(name, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	return statusfile_read(sw->dirfd, path, buf, size);
}

void
statwatch_close(struct statwatch *sw)
{
	if (sw->fd != -1)
		(void)close(sw->fd);
	if (sw->dirfd != -1)
		(void)close(sw->dirfd);
	sw->fd = sw->dirfd = -1;
	sw->wd_dir = sw->wd_tables = -1;
}

void
statwatch_statedir(const char *dir)
{
	struct stat sb;
	int fd;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		die_sys(DIE_SYS, "state directory %s", dir);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		die_sys(DIE_CONFIG, "state directory %s", dir);
	if (fstat(fd, &sb) == -1)
		die_sys(DIE_SYS, "state directory %s", dir);
	if (sb.st_uid != 0 || (sb.st_mode & 022) != 0)
		die(DIE_CONFIG, "state directory %s: must belong to root and "
		    "be writable by root only", dir);
	(void)close(fd);
}
