/*
 * logsink: where a worker's log lines go -- files opened by the parent,
 * or syslog's socket.  Lines for a file wait in one buffer until the
 * event loop is about to sleep (or the buffer is full, or a line for
 * another file comes): one write then carries every line of a batch of
 * events, whole lines only, so that O_APPEND keeps lines of different
 * workers apart.  Lines for syslog leave at once, one datagram each in
 * the format of RFC 3164 (facility daemon), as syslog(3) sends them.
 * A full disk or a missing syslogd loses lines, counted; serving goes on.
 */
#ifndef LOGSINK_H
#define LOGSINK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum {
	LOGSINK_BUF = 65536,		/* lines batched per write */
	LOGSINK_LINE_MAX = 8192		/* a syslog message, at most */
};

struct logsink {
	const char	*tag;		/* the program's name, for syslog */
	int		 syslog_fd;	/* connected datagram socket, or -1 */
	int		 fd;		/* the file of the waiting lines, or -1 */
	size_t		 len;
	unsigned long	 errors;	/* lines lost */
	char		 buf[LOGSINK_BUF];
};

/* A datagram socket connected to syslog at path, or -1 and errno. */
int	logsink_syslog_open(const char *path);

/* Nothing waiting; syslog_fd may be -1 (then no line goes to syslog). */
void	logsink_init(struct logsink *, const char *tag, int syslog_fd);

/*
 * One line, its newline included, for fd: a log file (batched), or the
 * syslog socket (sent now at priority err if error, else info, stamped
 * with now).  Nothing for fd -1.
 */
void	logsink_line(struct logsink *, int fd, bool error, const char *line,
	    size_t len, time_t now);

/* Write what waits. */
void	logsink_flush(struct logsink *);

#endif
