/*
 * http_relay: the state of an HTTP session, shared by http.c (the
 * request/response cycle) and http_head.c (the heads it sends on).
 */
#ifndef HTTP_RELAY_H
#define HTTP_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_chunked.h"
#include "http/http_request.h"
#include "http/http_response.h"

/* Bytes waiting: p[off, len) of cap, from the worker's pool. */
struct hbuf {
	char	*p;
	size_t	 off, len, cap;
};

/* How a body leaves the relay. */
enum out_framing {
	OUT_NONE,
	OUT_LENGTH,	/* as it came: Content-Length says */
	OUT_CHUNKED,	/* chunked anew by the relay */
	OUT_CLOSE	/* until the relay closes the connection */
};

/* One body on its way: how it comes, how it goes, how much is left. */
struct body {
	enum http_body_kind	 in;
	enum out_framing	 out;
	uint64_t		 left;		/* HTTP_BODY_LENGTH */
	struct http_chunked	 dec;		/* HTTP_BODY_CHUNKED */
	bool			 done;
};

enum http_phase {
	PH_REQ_HEAD,	/* waiting for (the rest of) a request head */
	PH_REQ_BODY,	/* passing the request body on */
	PH_RESP_HEAD,	/* waiting for the host's response head */
	PH_RESP_BODY,	/* passing the response body on */
	PH_TUNNEL,	/* after 101: bytes both ways */
	PH_CLOSING,	/* the last bytes to the client, then close */
	PH_LINGER	/* half-closed: the client's bytes read, dropped */
};

struct http_sess {
	enum http_phase	 phase;
	struct hbuf	 cin, sin;	/* read from client, from host */
	struct hbuf	 tosrv, tocli;	/* to be sent to host, to client */
	struct body	 req, resp;
	int		 minor;		/* the client's HTTP/1.minor */
	bool		 head;		/* the request is HEAD */
	bool		 keep_alive;	/* the client may send another */
	bool		 upgrade;	/* asked for, and allowed */
	bool		 expect;	/* Expect: 100-continue */
	bool		 resp_started;	/* bytes of a response were sent */
	bool		 srv_keep;	/* the host's connection is reusable */
	bool		 cli_eof, srv_eof;
	int		 status;	/* of the last response, for the log */
	/*
	 * A request without a body sent on a kept connection, kept until
	 * the response begins: a host may close a kept connection just as
	 * the request goes out, and the request then goes again, once, on
	 * a new connection.  It is still at the start of tosrv, which
	 * nothing writes to until the response begins: replay_len bytes
	 * there, 0 if none.
	 */
	size_t		 replay_len;
	/* Filter rules: what stays with the connection from head to head. */
	const char	*tag, *label;
	char		*log;		/* " [key: value] GET", FILTER_LOG_MAX */
	size_t		 loglen;
	bool		 haslog;
};

bool	http_head_request(struct hbuf *, const struct http_request *,
	    const struct http_header *, size_t, const struct http_slice *target,
	    bool upgrade);
bool	http_head_response(struct hbuf *, const struct http_response *,
	    const struct http_header *, size_t, enum out_framing,
	    bool keep_alive, int client_minor);
bool	http_head_error(struct hbuf *, int status, const char *date,
	    const char *style, const char *label);
bool	http_wants_upgrade(const struct http_request *);

#endif
