/*
 * statwatch: how a reader of checkd's state directory (relay, redirectd,
 * routerd) learns that a table's status file changed -- inotify on
 * tables/, where checkd renames each new file into place, and on the
 * state directory itself, where tables/ may appear late (checkd started
 * after its reader) or be made anew.
 *
 * The file of a table instance is named by checkd.status(5)'s rule,
 * written once here for checkd and its readers alike.
 */
#ifndef STATWATCH_H
#define STATWATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/relayd_conf.h"

enum { STATWATCH_NAME_MAX = 256 };	/* a table file's name, NUL included */

enum { STATWATCH_PATH_MAX = 4096 };

struct statwatch {
	int	fd;		/* inotify, non-blocking: poll it */
	int	wd_dir;		/* the state directory */
	int	wd_tables;	/* tables/, or -1 while it does not exist */
	int	dirfd;		/* the state directory, opened once */
	char	tables[STATWATCH_PATH_MAX];	/* "statedir/tables" */
};

/*
 * The status file of instance in, within tables/: the table's name for
 * the first instance of that table in the configuration, "name.id" for
 * every other.  False if it does not fit size.
 */
bool	statwatch_table_file(const struct relayd_conf *,
	    const struct rd_table_inst *in, char *buf, size_t size);

/*
 * Watch statedir.  The directory must exist; tables/ need not yet.
 * Returns false with errno set.  A link where tables/ should be is not
 * followed: it is watched as missing.
 */
bool	statwatch_open(struct statwatch *, const char *statedir);

/*
 * Once sw->fd is readable: fn(name, arg) for each table file replaced or
 * removed since, in the order seen; fn(NULL, arg) when everything must be
 * read again (tables/ appeared or was made anew, or events were lost).
 * Temporary files (".tmp") are not reported.  Returns false on a read
 * error other than EAGAIN.
 */
bool	statwatch_read(struct statwatch *,
	    void (*fn)(const char *name, void *arg), void *arg);

/* Read table file name whole into buf, as statusfile_read does. */
long	statwatch_load(const struct statwatch *, const char *name, char *buf,
	    size_t size);

void	statwatch_close(struct statwatch *);

/*
 * For a privileged reader that chroots into the state directory (relay's
 * workers, redirectd): make it (root's, 0755) if checkd has not made it
 * yet, and die if it is not a directory of root's that only root can
 * write -- the reader would trust what is in it.
 */
void	statwatch_statedir(const char *dir);

#endif
