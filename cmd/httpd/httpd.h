/*
 * httpd: what the files of the program share.  A root parent (main.c)
 * reads the configuration, binds the listeners (listen.c), opens the log
 * files, and starts `prefork` workers (worker.c) that drop privileges and
 * serve with one epoll loop each (conn.c, request.c, file.c).
 */
#ifndef HTTPD_H
#define HTTPD_H

#include <sys/socket.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/httpd_conf.h"
#include "http/http_request.h"
#include "net/inherit.h"
#include "net/privdrop.h"
#include "tls/tls_cache.h"
#include "tls/tls_site.h"

enum {
	HTTPD_LISTENERS_MAX = 64,
	/* Servers on one address and port; a TLS socket's hosts as many. */
	HTTPD_SOCKET_SERVERS_MAX = TLS_SITE_HOSTS_MAX,
	HTTPD_LOGFILES_MAX = 64,
	/*
	 * Connection slots per worker.  OpenBSD allows 1024 clients; idle
	 * keep-alive connections cost a slot and no buffer here, so a worker
	 * holds many more.  Slots are touched only when first used.
	 */
	HTTPD_CONNS_MAX = 16384,
	HTTPD_INBUF = 16384 + 512,	/* request line + header fields + slack */
	/*
	 * Response head and small bodies: a file that fits after the head is
	 * read into this buffer and sent with it in one send(2), cheaper than
	 * a send and a sendfile for the small files most pages are made of.
	 */
	HTTPD_OUTBUF = 16384,
	HTTPD_SEGS_MAX = 2 * 4 + 2,	/* multipart: part heads and ranges */
	HTTPD_DRAIN_SECONDS = 30,	/* SIGTERM: longest wait for requests */
	/*
	 * Draining, a keep-alive connection between requests is closed only
	 * once it has been quiet this long: a request may be on its way, and
	 * a client that sends one is answered (with Connection: close), not
	 * cut off.  Two seconds cover a browser between a page and its parts
	 * and any client in a request loop; one quieter is as idle as one
	 * whose keep-alive timeout ends, and is closed the same way.
	 */
	HTTPD_DRAIN_IDLE_SECONDS = 2
};

struct listener_tls;

/* One bound socket and the servers that listen on it, first = default. */
struct listener {
	int			 fd;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	bool			 tls;
	struct listener_tls	*tlsctx;	/* keys etc., tlssetup.c */
	const struct httpd_server *servers[HTTPD_SOCKET_SERVERS_MAX];
	size_t			 nservers;
};

#define HTTPD_SYSLOG_PATH "/dev/log"

/* A log file opened by the parent, shared by the workers. */
struct logfile {
	char	 path[4096];
	int	 fd;
};

/* Everything a generation of workers serves from. */
struct httpd_state {
	char			 error[512];	/* why a setup step failed */
	const struct httpd_conf	*conf;
	struct listener		 listeners[HTTPD_LISTENERS_MAX];
	size_t			 nlisteners;
	struct logfile		 logs[HTTPD_LOGFILES_MAX];
	size_t			 nlogs;
	int			 syslog_fd;	/* connected to /dev/log, or -1 */
	struct tls_cache	*tls_cache;	/* shared by the workers */
	struct privdrop_user	 user;
	int			 verbose;
	/* LISTEN_SOCKETS, the parent's for its life (net/inherit.h). */
	struct inherited	*inherited;
};

/*
 * Setup steps report failure in st->error and return false: at start the
 * parent dies with it, on reload it logs it and keeps the old state.
 */
bool	setup_fail(struct httpd_state *, bool with_errno, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* listen.c */
bool	listen_setup(struct httpd_state *, const struct httpd_state *old);
void	listen_close_new(struct httpd_state *, const struct httpd_state *old);
void	listen_close_unused(const struct httpd_state *old,
	    const struct httpd_state *cur);

/* logfiles.c */
bool	logfiles_open(struct httpd_state *);

/* spooldir.c: FCGI_SPOOL_DIR in the chroot, for the workers' user */
bool	spooldir_setup(struct httpd_state *);
void	logfiles_close(struct httpd_state *);
int	logfiles_fd(const struct httpd_state *, const struct httpd_server *,
	    bool error);

/* tlssetup.c: keys and settings of the TLS sockets, read as root. */
bool	tls_setup(struct httpd_state *);
void	tls_teardown(struct httpd_state *);

/* worker.c */
_Noreturn void	worker_main(struct httpd_state *, int id);

#endif
