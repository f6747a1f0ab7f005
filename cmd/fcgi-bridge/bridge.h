/*
 * fcgi-bridge: shared state of the program's files.  One process, one
 * epoll loop; each FastCGI connection has a fixed slot, allocated at
 * start-up, holding at most one request at a time (FCGI_MPXS_CONNS is
 * 0, as for slowcgi) and the descriptors of that request's CGI program.
 *
 *   options.c	the command line
 *   listen.c	the listening socket: created by root, owned by -U
 *   loop.c	the event loop: accept, dispatch, timeouts, signals, stop
 *   conn.c	a connection: records in, records out, protocol policy
 *   cgi.c	starting a CGI program and reaping it
 *   output.c	the program's stdout and stderr, back as records and logs
 */
#ifndef BRIDGE_H
#define BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/clock.h"
#include "http/fastcgi.h"
#include "net/evloop.h"
#include "net/privdrop.h"

#define BRIDGE_USER	"_fcgi-bridge"	/* -u's default: tools/users.sh */

enum {
	BRIDGE_CONN_MAX = 64,		/* connections, so requests, at once */
	BRIDGE_INBUF = 16384,		/* client bytes not yet handled */
	BRIDGE_OUTBUF = 32768,		/* records not yet sent */
	BRIDGE_OUT_RESERVE = 128,	/* kept free for control records */
	BRIDGE_OUT_MIN_READ = 512,	/* read the program when this fits */
	BRIDGE_PARAMS_MAX = 32768,	/* the PARAMS stream of a request */
	BRIDGE_QUERY_MAX = 1024,	/* a GET_VALUES query */
	BRIDGE_LOGLINE_MAX = 512,	/* a logged line of a program's stderr */
	BRIDGE_PATH_MAX = 1024,		/* SCRIPT_FILENAME */
	BRIDGE_DRAIN_MAX = 10,		/* seconds given to requests on SIGTERM */
	BRIDGE_TIMEOUT_DEFAULT = 120,	/* seconds, as slowcgi */
	BRIDGE_TIMEOUT_MAX = 86400
};

struct bridge_opt {
	const char	*chroot;	/* -p; NULL: the user's home */
	const char	*socket;	/* -s */
	const char	*socket_user;	/* -U; NULL: www, www-data */
	const char	*user;		/* -u; NULL: BRIDGE_USER */
	long		 timeout;	/* -t, seconds */
	int		 readyfd;	/* -r, or -1 */
	int		 verbose;
	int		 debug;
};

/* What an epoll event is about: the kind, and the slot in the upper bits. */
/* What a descriptor in the loop is; 0 is the loop's own (signals). */
enum bridge_kind { K_LISTEN = 1, K_CLIENT, K_STDIN, K_STDOUT, K_STDERR };

enum req_phase {
	REQ_NONE,	/* no request: waiting for BEGIN_REQUEST */
	REQ_PARAMS,	/* collecting PARAMS */
	REQ_RUNNING	/* the program runs; until END_REQUEST is queued */
};

struct conn {
	bool			 used;
	int			 fd;
	uint32_t		 events[4];	/* registered, by kind - K_CLIENT */
	int64_t			 deadline;	/* ms, monotonic */
	struct fcgi_parser	 parser;
	uint8_t			 in[BRIDGE_INBUF];
	size_t			 inlen;
	uint8_t			 out[BRIDGE_OUTBUF];
	size_t			 outoff, outlen;
	bool			 closing;	/* close once out is sent */
	bool			 eof;		/* the client sent no more */
	bool			 stdin_blocked;	/* the program's stdin is full */
	/* the request */
	enum req_phase		 phase;
	uint16_t		 id;
	bool			 keep;		/* FCGI_KEEP_CONN */
	uint8_t			 params[BRIDGE_PARAMS_MAX];
	size_t			 paramslen;
	uint8_t			 query[BRIDGE_QUERY_MAX];
	size_t			 querylen;
	char			 script[BRIDGE_PATH_MAX];
	pid_t			 pid;		/* 0: none */
	bool			 reaped;
	int			 status;	/* for END_REQUEST */
	int			 cin, cout, cerr;	/* pipes, or -1 */
	char			 errline[BRIDGE_LOGLINE_MAX];
	size_t			 errlen;
};

struct bridge {
	struct bridge_opt	 opt;
	struct evloop		 loop;
	int			 lfd;		/* listening socket, or -1 */
	uint32_t		 lfd_events;
	bool			 stopping;
	int64_t			 stop_deadline;
	struct conn		*conns;		/* BRIDGE_CONN_MAX */
	size_t			 nconns;
};

/* options.c */
void	options_parse(struct bridge_opt *, int, char **);

/* listen.c */
void	find_socket_user(const char *, struct privdrop_user *);
int	listen_socket(const char *path, const struct privdrop_user *owner);

/* loop.c */
void	watch(struct bridge *, int fd, enum bridge_kind, size_t slot,
	    uint32_t want, uint32_t *have);
int	bridge_run(struct bridge *);

/* conn.c */
void	conn_open(struct bridge *, int fd);
void	conn_close(struct bridge *, struct conn *, const char *why);
void	conn_readable(struct bridge *, struct conn *);
void	conn_writable(struct bridge *, struct conn *);
void	conn_process(struct bridge *, struct conn *);
void	conn_update(struct bridge *, struct conn *);
bool	conn_room(const struct conn *, size_t);
void	conn_compact(struct conn *);
void	conn_queue(struct conn *, size_t);
void	conn_close_fd(struct bridge *, struct conn *, int *fd,
	    enum bridge_kind);
void	conn_queue_end(struct bridge *, struct conn *, uint32_t app_status,
	    uint8_t protocol_status);
size_t	conn_index(const struct bridge *, const struct conn *);

/* cgi.c */
bool	cgi_start(struct bridge *, struct conn *);
void	cgi_kill(struct conn *);
void	cgi_reap(struct bridge *);

/* output.c */
void	output_read(struct bridge *, struct conn *, enum bridge_kind);
void	output_finish(struct bridge *, struct conn *);
void	output_log_flush(struct conn *);

#endif
