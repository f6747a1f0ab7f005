/*
 * http_log: access log lines as OpenBSD's httpd writes them
 * (server_log_http() in server_http.c, server_log() in server.c).
 *
 * Pure: no I/O, no allocation, no locale, no time zone file.  The
 * caller supplies the time and its offset from UTC.  Every value comes
 * out on one line without control bytes:
 *   - server name, address, user, method, version, User-Agent,
 *     X-Forwarded-For/-Port and the close reason are encoded as OpenBSD's
 *     stravis(VIS_NL|VIS_TAB|VIS_CSTYLE) does: '\' doubled; \n \r \t \b
 *     \a \v \f as C escapes; other controls as \^X (ESC is \^[, DEL \^?);
 *     bytes >= 0x80 as \M-x or \M^X, and 0xA0 as \240.  Two additions,
 *     so that a quoted field cannot end early and forge the fields after
 *     it: '"' becomes \" (VIS_DQ), and 0x1C, 0x9C, 0xA2 and 0xDC, which
 *     vis(3) writes \^\ \M^\ \M-" \M-\, are written in octal, as \034
 *     \234 \242 \334;
 *   - the path and the Referer are percent-encoded as OpenBSD's
 *     url_encode() does: space # % ? " & < controls and bytes >= 0x7F,
 *     and also '\' (raw, it would seem to escape the closing quote);
 *   - the query, which OpenBSD logs raw, is percent-encoded only where
 *     it must be: space # " \ controls and bytes >= 0x7F ('%', '&', '='
 *     and '?' stay readable).
 * So a '"' in a line is always either markup or escaped as \".
 *
 * The styles (OpenBSD's `log style`):
 * common     name addr - user [time] "METHOD path?query VERSION" 200 1234
 * combined   common + ` "referer" "agent"` (`""` when a header is absent,
 *            as OpenBSD)
 * forwarded  combined + ` xff xfp` (`-` when a header is absent)
 * connection one line per connection, written when it closes:
 *   server NAME, client ID (ACTIVE active), ADDR:PORT -> LOCAL, DONE[,REQS]
 *   where REQS is the " [path]" list of the requests served on it, built
 *   with http_log_conn_path().  No timestamp, as OpenBSD.
 */
#ifndef HTTP_LOG_H
#define HTTP_LOG_H

#include <stddef.h>
#include <stdint.h>

enum http_log_style {
	HTTP_LOG_COMMON,
	HTTP_LOG_COMBINED,
	HTTP_LOG_FORWARDED,
	HTTP_LOG_CONNECTION
};

/*
 * One request (or, for HTTP_LOG_CONNECTION, one connection).  Strings
 * are NUL-terminated unless a length is given; all are borrowed.
 */
struct http_log_entry {
	const char	*server_name;	/* the server block's name */
	const char	*client_addr;	/* numeric text */
	const char	*remote_user;	/* NULL: "-"; or the TLS peer subject */
	int64_t		 time;		/* seconds since the epoch */
	long		 gmtoff;	/* seconds east of UTC, for %z */
	const char	*method;	/* NULL: "" */
	/*
	 * The path as httpd resolved it: OpenBSD logs the decoded,
	 * canonical path, encoded again.  A raw path's '%' shows as %25.
	 */
	const char	*path;
	size_t		 path_len;
	const char	*query;		/* NULL: no '?' */
	size_t		 query_len;
	const char	*version;	/* "HTTP/1.1"; NULL: omitted (0.9) */
	int		 status;	/* %03d */
	uint64_t	 bytes;		/* body bytes sent */
	const char	*referer;	/* NULL: "" (combined, forwarded) */
	const char	*user_agent;	/* NULL: "" (combined, forwarded) */
	const char	*forwarded_for;	/* NULL: "-" (forwarded) */
	const char	*forwarded_port; /* NULL: "-" (forwarded) */

	/* HTTP_LOG_CONNECTION only; the request fields above are unused. */
	uint64_t	 conn_id;	/* the connection's number */
	unsigned	 conn_active;	/* connections open, this one included */
	unsigned	 client_port;
	const char	*local_addr;	/* "ADDR", or "ADDR:PORT" / "[ADDR6]:PORT"
					   when the port is not 80 */
	const char	*done;		/* why it closed: "done", "timeout", an
					   error text; NULL: "" */
	const char	*requests;	/* NULL or http_log_conn_path()'s text */
};

/*
 * Format one line, with its trailing '\n', into out.  Returns its length
 * (a NUL follows), or 0 if it does not fit or the time is outside years
 * 0000-9999 or gmtoff beyond a day: a line is never truncated silently.
 */
size_t	http_log_format(char *out, size_t size, enum http_log_style style,
	    const struct http_log_entry *e);

/*
 * Append " [path]" (the path percent-encoded as above) to the request
 * list buf[0..len) of a connection, NUL-terminated.  Returns the new
 * length, or (size_t)-1 if it does not fit: buf is then left as it was.
 */
size_t	http_log_conn_path(char *buf, size_t size, size_t len,
	    const char *path, size_t path_len);

#endif
