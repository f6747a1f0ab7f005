/*
 * fcgi_client: httpd as an asynchronous FastCGI client (the `fastcgi`
 * option of httpd.conf(5)).
 *
 * A request for a FastCGI location gets a struct fcgi_req from the
 * worker's free list (its buffers: the records for the responder, the
 * bytes from it, the CGI header) and a responder connection
 * (lib/net/upstream.h): an idle one kept from an earlier request on the
 * same socket (FCGI_KEEP_CONN), else a new non-blocking one.  Each responder
 * connection is in the worker's epoll with a tag of its own
 * (WORKER_TAG_FCGI and its slot), so a worker has as many requests in
 * flight as it has clients.
 *
 * Memory is bounded per request: the responder is read only while the
 * bytes already read can be passed on to the client (its output buffer
 * has room), and the client's body is read only while there is room for
 * STDIN records.  A slow client slows the responder, never the worker.
 *
 * Files: fastcgi.c (a request's life), fastcgi_params.c (PARAMS),
 * fastcgi_resp.c (the CGI header and the body to the client),
 * fastcgi_up.c (the configured sockets, their connections' events).
 */
#ifndef FCGI_CLIENT_H
#define FCGI_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/httpd_conf.h"
#include "http/fastcgi.h"
#include "http/http_chunked.h"
#include "http/http_request.h"
#include "net/upstream.h"

enum {
	FCGI_TARGETS_MAX = 32,		/* distinct sockets in a configuration */
	FCGI_UPS_MAX = 4096,		/* responder connections per worker */
	/*
	 * Kept open per socket, between requests, and for how long.  A
	 * responder such as php-fpm gives each connection a child of its
	 * pool for as long as it is open: few, and briefly, so that idle
	 * connections never starve another worker or another server.
	 */
	FCGI_IDLE_MAX = 4,
	FCGI_IDLE_MS = 1000,
	FCGI_OBUF = 32768,		/* records to the responder */
	FCGI_IBUF = 16384,		/* bytes from it, not yet passed on */
	FCGI_HEAD_MAX = 8192,		/* the CGI header of a response */
	FCGI_HEAD_FIELDS_MAX = 64,	/* fields in it */
	FCGI_STDERR_LOG_MAX = 4096,	/* of FCGI_STDERR logged per request */
	FCGI_STDERR_MAX = 65536,	/* more: a broken responder, 502 */
	FCGI_REQUEST_ID = 1		/* one request per connection at a time */
};

/*
 * A chunked request body is collected before the request goes out, so
 * that CONTENT_LENGTH can be sent (fastcgi_spool.c): in memory up to
 * FCGI_SPOOL_MEM, beyond in an unnamed file in FCGI_SPOOL_DIR, a
 * directory inside the chroot that the parent makes (spooldir.c).
 */
enum { FCGI_SPOOL_MEM = 65536 };
#define FCGI_SPOOL_TMP	"tmp"
#define FCGI_SPOOL_NAME	"httpd-body"
#define FCGI_SPOOL_DIR	"/" FCGI_SPOOL_TMP "/" FCGI_SPOOL_NAME

enum fcgi_spool_state {
	SPOOL_NONE,	/* the body, if any, goes out as it comes */
	SPOOL_FILLING,	/* a chunked body is being collected */
	SPOOL_REPLAY	/* collected, its length sent: now as STDIN */
};

struct conn;
struct worker;

/* One socket of the configuration, resolved before the chroot. */
struct fcgi_target {
	bool			 tcp;
	const char		*socket;	/* path, or host */
	uint16_t		 port;
	struct upstream_target	 up;		/* its address, idle list */
};

struct fcgi_field {
	const char	*name, *value;
};

/* One request in flight to a responder. */
struct fcgi_req {
	struct upstream_conn	*up;		/* its owner is the conn */
	struct fcgi_target	*target;
	struct fcgi_parser	 parser;
	bool			 head_method;	/* HEAD: no body to the client */
	enum http_method	 method;
	int			 minor;		/* HTTP/1.minor of the client */
	size_t			 head_len;	/* request head, in c->in */
	/* Records to the responder: BEGIN, PARAMS, then STDIN. */
	uint8_t			 out[FCGI_OBUF];
	size_t			 olen, ooff;
	bool			 rewindable;	/* out holds all since BEGIN */
	/* The client's body. */
	bool			 chunked;
	struct http_chunked	 ch;
	uint64_t		 body_left;	/* Content-Length still due */
	uint64_t		 body_total;
	bool			 body_done;	/* STDIN ended in out */
	/* A chunked body, collected first (fastcgi_spool.c). */
	enum fcgi_spool_state	 spool;
	uint8_t			*spool_mem;	/* FCGI_SPOOL_MEM, or NULL */
	int			 spool_fd;	/* beyond memory, or -1 */
	uint64_t		 spool_sent;	/* replayed as STDIN */
	/* From the responder. */
	uint8_t			 in[FCGI_IBUF];
	size_t			 ilen;
	uint64_t		 received;
	bool			 eof;		/* it closed */
	bool			 ended;		/* END_REQUEST came */
	size_t			 stderr_total, stderr_logged;
	/* The CGI header, then body bytes that came with it. */
	char			 hdr[FCGI_HEAD_MAX + 1];
	size_t			 hlen, hoff;
	bool			 head_sent;
	struct fcgi_field	 fields[FCGI_HEAD_FIELDS_MAX];
	size_t			 nfields;
	/* The body to the client. */
	bool			 chunked_out;	/* HTTP/1.1, length unknown */
	bool			 no_body;	/* HEAD, 204, 304 */
	int64_t			 length_left;	/* Content-Length given, or -1 */
	bool			 last_chunk;	/* "0\r\n\r\n" queued */
	struct fcgi_req		*next;		/* free list */
};

/* What routing knows that the parameters need. */
struct fcgi_route {
	const char		*path;		/* canonical, without strip */
	const char		*alias;		/* after `request strip` */
	struct http_slice	 query;		/* ptr NULL: no '?' */
};

/* fastcgi.c */
void	fcgi_start(struct worker *, struct conn *,
	    const struct httpd_server *loc, const struct fcgi_route *);
/* Drive a request; true once its response is completely sent. */
bool	fcgi_run(struct worker *, struct conn *);
void	fcgi_timeout(struct worker *, struct conn *);
/* The client is gone: forget the request, close the responder. */
void	fcgi_abort(struct worker *, struct conn *);
/* A failure: 502/504/4xx if nothing was sent yet, else close. */
void	fcgi_fail(struct worker *, struct conn *, int status,
	    const char *why);

/* fastcgi_params.c: BEGIN_REQUEST and PARAMS into fr->out; false if
 * they do not fit.  With length_later the stream is left open for
 * fcgi_params_length, which adds CONTENT_LENGTH and ends it. */
bool	fcgi_params(struct worker *, struct conn *, struct fcgi_req *,
	    const struct httpd_server *loc, const struct fcgi_route *,
	    bool length_later);
void	fcgi_params_length(struct fcgi_req *, uint64_t);

/* fastcgi.c: room for STDIN content in fr->out, compacted if need be */
size_t	fcgi_stdin_room(struct fcgi_req *);

/* fastcgi_spool.c: collect a chunked body from c->in, then replay it
 * as STDIN records; false after a failure (already answered). */
bool	fcgi_spool_fill(struct worker *, struct conn *, struct fcgi_req *);
bool	fcgi_spool_replay(struct worker *, struct conn *, struct fcgi_req *);
void	fcgi_spool_free(struct fcgi_req *);

/* fastcgi_resp.c: pass what the responder sent on to the client;
 * false after a failure (already answered). */
bool	fcgi_resp_input(struct worker *, struct conn *, struct fcgi_req *);
bool	fcgi_resp_pending(struct worker *, struct conn *, struct fcgi_req *);

/* fastcgi_up.c: the targets and the pool of responder connections
 * (lib/net/upstream), whose functions the rest calls directly. */
void	fcgi_targets_init(struct worker *);
struct fcgi_target *fcgi_target_find(struct worker *,
	    const struct httpd_fastcgi *);
/*
 * The TCP ports of the configured responders, and whether one is on a
 * UNIX socket path, for the sandbox.
 */
size_t	fcgi_target_ports(const struct worker *, uint16_t *, size_t,
	    bool *unix_paths);
/* Close the connections idle for longer than FCGI_IDLE_MS. */
void	fcgi_up_expire(struct worker *);
/* An event on the connection of pool slot i. */
void	fcgi_up_event(struct worker *, uint32_t i, uint32_t events);

#endif
