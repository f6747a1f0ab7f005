/*
 * statusfile: checkd's per-table status files, the interface between
 * checkd and its readers (relay, redirectd, routerd, shell scripts).
 * The format is documented in checkd.status(5):
 *
 *	host port state since latency id address reason...
 *
 * one host per line, fields separated by single spaces, the reason last
 * (it may contain spaces).  The parser is a pure function over (buf, len):
 * no I/O, no allocation, never reads past len.  The writer replaces a
 * file atomically (temporary name, fsync-less rename: the state directory
 * lives on tmpfs, and a torn file after a crash is rewritten next round).
 */
#ifndef STATUSFILE_H
#define STATUSFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	STATUSFILE_HOST_MAX = 253,	/* a DNS name */
	STATUSFILE_ADDR_MAX = 45,	/* INET6_ADDRSTRLEN - 1 */
	STATUSFILE_REASON_MAX = 63,
	STATUSFILE_LINE_MAX = 512	/* longer lines are malformed */
};

enum statusfile_state {
	STATUSFILE_UNKNOWN,
	STATUSFILE_UP,
	STATUSFILE_DOWN,
	STATUSFILE_DISABLED
};
extern const char *const statusfile_state_names[];	/* "unknown", ... */

struct statusfile_host {
	char			 host[STATUSFILE_HOST_MAX + 1];
	uint16_t		 port;
	enum statusfile_state	 state;
	int64_t			 since;		/* Unix seconds of last change */
	uint32_t		 latency_ms;	/* last check */
	uint32_t		 id;		/* relayd host id, from 1 */
	char			 addr[STATUSFILE_ADDR_MAX + 1];
	char			 reason[STATUSFILE_REASON_MAX + 1];
};

/*
 * One line, newline included, into buf.  Returns its length, or 0 if the
 * host does not fit the format (a field with a space or too long) or buf
 * is too small.
 */
size_t	statusfile_format(const struct statusfile_host *, char *buf,
	    size_t size);

/* Parse one line (without its newline); false if malformed. */
bool	statusfile_parse_line(const char *line, size_t len,
	    struct statusfile_host *);

/*
 * Parse a whole file: calls fn for each well-formed line, in order, and
 * returns the number of malformed lines (skipped).  A last line without
 * its newline is malformed: the file was not written by checkd.
 */
size_t	statusfile_parse(const char *buf, size_t len,
	    void (*fn)(const struct statusfile_host *, void *), void *arg);

/*
 * Replace dir/name with data atomically: write "name.tmp", then rename.
 * Returns false with errno set on failure (the old file stays).
 */
bool	statusfile_write(int dirfd, const char *name, const char *data,
	    size_t len);

/*
 * Read dir/name whole into buf (at most size bytes; a longer file is
 * cut at the last whole line).  Returns the length, or -1 with errno:
 * a link (ELOOP) or anything but a regular file (EINVAL) is not read,
 * since the directory belongs to checkd's unprivileged user.
 */
long	statusfile_read(int dirfd, const char *name, char *buf, size_t size);

#endif
