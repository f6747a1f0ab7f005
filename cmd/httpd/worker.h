/*
 * worker: the state of one serving process and its connections.
 *
 * A connection owns no buffer while it is idle: the input and output
 * buffers come from the worker's free lists when bytes arrive and go back
 * when a response is done and nothing is pipelined behind it, so ten
 * thousand idle keep-alive connections cost a few hundred bytes each.
 */
#ifndef WORKER_H
#define WORKER_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/sockaddr.h"
#include "fcgi_client.h"
#include "http/http_request.h"
#include "httpd.h"
#include "net/bufpool.h"
#include "net/evloop.h"
#include "net/logsink.h"
#include "net/stream.h"

enum { HTTPD_LOGMAP_MAX = 512 };	/* servers and locations logged */

/* What a descriptor in the loop is (evloop tags: kind and slot). */
enum { WORKER_TAG_LISTENER = 1, WORKER_TAG_CONN = 2, WORKER_TAG_FCGI = 3 };

/* filecache.c: small files kept for a second (see there). */
enum {
	FCACHE_SLOTS = 256,
	FCACHE_FILE_MAX = 8192,
	FCACHE_PATH_MAX = 128,
	FCACHE_TTL_MS = 1000
};
struct fcache_entry;

enum conn_state {
	CONN_FREE,
	CONN_READING,	/* waiting for (the rest of) a request head */
	CONN_WRITING,	/* sending a response */
	CONN_FASTCGI,	/* a request at a responder: c->fcgi */
	CONN_LINGER	/* response sent; closing after the client's FIN */
};

/* A piece of a response body: bytes in memory or a range of the file. */
struct seg {
	const char	*mem;		/* NULL: from the file */
	uint64_t	 off;		/* file offset */
	uint64_t	 len;
};

/* What the access log needs once the response is done. */
struct logrec {
	const struct httpd_server *server;	/* NULL: no server chosen */
	const struct httpd_server *conf;	/* its location, or itself */
	struct http_slice	 method, target, version;
	struct http_slice	 referer, agent, xff, xfp;
	char			 user[64];
	int			 status;
	uint64_t		 bytes;
};

struct mime_slot;
struct tls_conn;
struct tls_server;

/*
 * What a response is sent from, taken from the worker's free list while a
 * response is planned and written: the head (and a small body) as text,
 * and the body's segments.
 */
struct outbuf {
	struct seg	segs[HTTPD_SEGS_MAX];
	char		text[HTTPD_OUTBUF];
};

struct conn {
	struct stream		 s;		/* the client's socket, TLS or not */
	struct tls_conn		*tls;		/* its server engine, or NULL */
	enum conn_state		 state;
	const struct listener	*listener;
	char			 peer[SOCKADDR_TEXT_MAX];	/* numeric address */
	uint16_t		 peer_port;
	char			*in;		/* NULL while idle */
	size_t			 inlen;		/* bytes in `in` */
	size_t			 used;		/* bytes of the current request */
	struct outbuf		*ob;		/* NULL while idle */
	char			*out;		/* ob->text */
	size_t			 outlen, outoff;
	struct seg		*segs;		/* ob->segs */
	size_t			 nsegs, seg;	/* segments, current one */
	uint64_t		 segoff;	/* sent of the current one */
	int			 file;		/* -1: none */
	char			*heap;		/* malloc'd body, or NULL */
	int64_t			 deadline;	/* ms, monotonic */
	unsigned		 nrequests;
	uint64_t		 id;		/* per worker, for the logs */
	const char		*done;		/* why it closes, for the log */
	const struct httpd_server *last_conf;	/* of its last request */
	char			*reqlog;	/* `log style connection` */
	size_t			 reqlog_len;
	bool			 keep_alive;
	bool			 drop;		/* block drop: no answer */
	const char		*realm;		/* for a 401 */
	struct fcgi_req		*fcgi;		/* CONN_FASTCGI only */
	struct logrec		 log;
	struct conn		*next;		/* free list */
};

struct logmap {
	const struct httpd_server *srv;
	int			 access, error;
};

struct worker {
	struct httpd_state	*st;
	int			 id;
	struct evloop		 loop;		/* its now: monotonic ms */
	struct conn		 conns[HTTPD_CONNS_MAX];
	struct conn		*free_conns;
	size_t			 nconns;
	size_t			 conns_used;	/* slots ever used */
	struct bufpool		 in_pool;	/* HTTPD_INBUF bytes each */
	struct bufpool		 out_pool;	/* struct outbuf */
	struct bufpool		 tls_pool;	/* struct tls_conn */
	time_t			 now;		/* wall clock seconds */
	char			 date[40];	/* "Date:" value for now */
	long			 gmtoff;
	bool			 draining;
	uint64_t		 next_conn_id;
	int			 root_fds[256];	/* opened roots, by index */
	const char		*roots[256];
	size_t			 nroots;
	struct mime_slot	*mime;		/* extension hash table */
	size_t			 mime_size;	/* a power of two */
	struct http_request	 req;		/* the request being routed */
	struct fcache_entry	*fcache[FCACHE_SLOTS];
	struct logmap		 logmap[HTTPD_LOGMAP_MAX];
	size_t			 nlogmap;
	struct logsink		 log;		/* access and error lines */
	struct fcgi_target	 fcgi_targets[FCGI_TARGETS_MAX];
	size_t			 nfcgi_targets;
	struct upstream_conn	 fcgi_ups[FCGI_UPS_MAX];
	struct upstream_pool	 fcgi_pool;	/* of fcgi_ups */
	struct fcgi_req		*free_fcgi;
	int			 spool_dirfd;	/* FCGI_SPOOL_DIR, or -1 */
};

/* worker.c */
void	worker_pause_accept(struct worker *, int ms);
struct conn *worker_conn_slot(struct worker *);

/* conn.c */
void	conn_accept(struct worker *, const struct listener *);
void	conn_event(struct worker *, struct conn *, uint32_t events);
void	conn_timeouts(struct worker *);
void	conn_close(struct worker *, struct conn *);
void	conn_drain_idle(struct worker *);
/* Take the output buffer for a response; false if memory is out. */
void	conn_pools_init(struct worker *);
bool	conn_take_outbuf(struct worker *, struct conn *);
/* Run the connection's state machine again (an event elsewhere). */
void	conn_resume(struct worker *, struct conn *);
/* Read what the client sent into c->in; false if it is gone. */
bool	conn_read_input(struct worker *, struct conn *);
/* Send c->out (and segments); false if the client is gone. */
bool	conn_write(struct conn *);
/* The address and port the connection came to, for $SERVER_ADDR. */
void	conn_local(const struct conn *, char *addr, size_t, uint16_t *port);

/* tlssetup.c: what a TLS socket serves with; NULL for plain text. */
const struct tls_server *listener_tls_server(const struct listener *);

/* request.c: plan the response to the request parsed into w->req. */
void	request_route(struct worker *, struct conn *);
size_t	vhost_index(const struct listener *, struct http_slice host);

/* response.c */
bool	resp_head(struct worker *, struct conn *, int status);
/* A field of the head, unless `header set|remove` names it. */
bool	resp_field(struct conn *, const char *name, const char *value);
bool	resp_field_num(struct conn *, const char *name, unsigned long long);
bool	resp_header(struct conn *, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
bool	resp_end_head(struct conn *);
void	resp_error(struct worker *, struct conn *, int status,
	    const char *location);
void	resp_error_range(struct worker *, struct conn *, uint64_t size);
void	release_file(struct conn *);
void	resp_add_mem(struct conn *, const char *, size_t);
void	resp_add_file(struct conn *, int fd, uint64_t off, uint64_t len);

/* file.c */
void	file_serve(struct worker *, struct conn *,
	    const struct httpd_server *, const char *path,
	    struct http_slice query);
bool	file_exists(struct worker *, const struct httpd_server *,
	    const char *path);
bool	file_is_directory(struct worker *, const struct httpd_server *,
	    const char *path);
bool	file_is_regular(struct worker *, const struct httpd_server *,
	    const char *path);

/* auth.c: false if a 401 (or an error) has been planned instead. */
bool	auth_check(struct worker *, struct conn *,
	    const struct httpd_server *);

/* filecache.c */
const struct fcache_entry *fcache_find(const struct worker *, int rfd,
	    const char *path, const struct stat **, const char **data);
void	fcache_store(struct worker *, int rfd, const char *path, int fd,
	    const struct stat *);

/* mime.c */
void	mime_init(struct worker *);
const struct httpd_media *mime_lookup(const struct worker *,
	    const struct httpd_server *, const char *path);

/* errdocs.c: the custom page for status, or 0 to use the built-in one. */
size_t	errdoc_render(const struct httpd_server *, int status, char *,
	    size_t);

/* listing.c: the `auto index` page of the open directory dfd. */
void	listing_serve(struct worker *, struct conn *, int dfd,
	    const char *path);

/* accesslog.c */
void	accesslog_init(struct worker *);
void	accesslog_flush(struct worker *);
void	accesslog_write(struct worker *, struct conn *);
/* The one line of `log style connection`, when the connection ends. */
void	accesslog_connection(struct worker *, struct conn *);
/* A line about the request in its error log (FastCGI failures, stderr). */
void	accesslog_note(struct worker *, const struct conn *, const char *what,
	    const char *text, size_t len);

#endif
