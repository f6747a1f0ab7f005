/*
 * httpd_conf: the typed httpd.conf(5) configuration -- what httpd serves
 * from -- and its grammar (httpd_grammar in confload.h).
 *
 * Servers and locations share one struct, as in OpenBSD: a location is a
 * server with a parent.  After parsing, every option a location did not
 * set is copied from its server, so a reader never walks up the chain:
 * each struct holds its effective values.
 *
 * Ownership: everything lives in the arena the configuration was loaded
 * into; strings are NUL-terminated and never NULL unless a field says so.
 */
#ifndef HTTPD_CONF_H
#define HTTPD_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/sockopts.h"
#include "conf/tls_params.h"

/* Limits, as OpenBSD's httpd.h sizes its buffers. */
enum {
	HTTPD_PREFORK_MAX = 32,		/* PROC_MAX_INSTANCES */
	HTTPD_NAME_MAX = 255,		/* server names and aliases */
	HTTPD_LOCATION_MAX = 255,	/* location path or pattern */
	HTTPD_REALM_MAX = 255,		/* authenticate realm */
	HTTPD_PATH_MAX = 4095,		/* paths: PATH_MAX less the NUL */
	HTTPD_SOCKET_PATH_MAX = 107,	/* sun_path on Linux less the NUL */
	HTTPD_PARAM_MAX = 511,		/* FastCGI param name and value */
	HTTPD_HEADER_NAME_MAX = 127,
	HTTPD_HEADER_VALUE_MAX = 511,
	HTTPD_TLS_STRING_MAX = 255,	/* ciphers, dhe, ecdhe */
	HTTPD_MEDIA_TYPE_MAX = 63,
	HTTPD_MEDIA_NAME_MAX = 127,	/* subtype and extension */
	HTTPD_BACKLOG_MAX = 1024,	/* SERVER_MAX_CLIENTS */
	HTTPD_TICKET_MIN = 60,
	HTTPD_TICKET_DEFAULT = 7200,
	HTTPD_TICKET_MAX = 86400
};

/* Defaults that are not strings. */
enum {
	HTTPD_PREFORK_DEFAULT = 3,
	HTTPD_TIMEOUT_DEFAULT = 600,
	HTTPD_REQUEST_TIMEOUT_DEFAULT = 60,
	HTTPD_MAX_REQUESTS_DEFAULT = 100,
	HTTPD_MAX_BODY_DEFAULT = 1048576,
	HTTPD_BACKLOG_DEFAULT = 10,
	HTTPD_HSTS_MAX_AGE_DEFAULT = 31536000,
	HTTPD_FASTCGI_PORT_DEFAULT = 9000
};

struct httpd_media {
	const char	*type;		/* "text" */
	const char	*subtype;	/* "html" */
};

/* One extension of the types section: "html" -> text/html. */
struct httpd_type {
	struct httpd_type	*next;
	struct httpd_media	 media;
	const char		*ext;
};

struct httpd_name {
	struct httpd_name	*next;
	const char		*name;
	bool			 match;	/* patterns(7), else glob(7) */
};

struct httpd_listen {
	struct httpd_listen	*next;
	struct addr		 addr;	/* names resolve at bind time */
	uint16_t		 port;
	bool			 tls;
};

struct httpd_param {
	struct httpd_param	*next;
	const char		*name, *value;
};

enum httpd_header_op { HTTPD_HEADER_SET, HTTPD_HEADER_ADD,
	HTTPD_HEADER_REMOVE };

struct httpd_header {
	struct httpd_header	*next;
	enum httpd_header_op	 op;
	const char		*name;
	const char		*value;		/* NULL for remove */
	bool			 always;	/* also on 4xx and 5xx */
};

enum httpd_block { HTTPD_PASS, HTTPD_BLOCK_DROP, HTTPD_BLOCK_RETURN };
enum httpd_found { HTTPD_FOUND_ANY, HTTPD_FOUND, HTTPD_NOT_FOUND };
enum httpd_log_style { HTTPD_LOG_COMMON, HTTPD_LOG_COMBINED,
	HTTPD_LOG_FORWARDED, HTTPD_LOG_CONNECTION };
/* Options that are either left to the kernel or forced on or off. */

struct httpd_fastcgi {
	bool			 enabled;
	bool			 tcp;		/* else a UNIX socket */
	const char		*socket;	/* path, or host when tcp */
	uint16_t		 port;		/* tcp only */
	long long		 strip;
	struct httpd_param	*params;	/* in file order */
};

struct httpd_log {
	bool			 enabled;
	const char		*access, *error; /* relative to logdir */
	enum httpd_log_style	 style;
	bool			 syslog;
};

struct httpd_auth {
	bool		 enabled;
	const char	*realm;		/* NULL: none given */
	const char	*htpasswd;	/* within the chroot */
};

struct httpd_connection {
	long long	 max_request_body;
	long long	 max_requests;
	long long	 request_timeout;	/* seconds */
	long long	 timeout;		/* seconds */
};

struct httpd_tls {
	const char	*certificate, *key;
	const char	*ciphers, *dhe, *ecdhe;
	unsigned	 protocols;		/* TLS_PROTO_* (tls_params.h) */
	const char	*client_ca;		/* NULL: no client certs */
	const char	*client_crl;		/* NULL: none */
	bool		 client_optional;
	const char	*ocsp;			/* NULL: no stapling */
	long long	 ticket_lifetime;	/* 0: no session tickets */
};

struct httpd_hsts {
	bool		 enabled;
	long long	 max_age;
	bool		 preload, subdomains;
};

/* Which location options were given: the rest come from the server. */
enum httpd_option {
	HTTPD_SET_ROOT = 1 << 0,
	HTTPD_SET_REWRITE = 1 << 1,
	HTTPD_SET_STRIP = 1 << 2,
	HTTPD_SET_BLOCK = 1 << 3,
	HTTPD_SET_AUTH = 1 << 4,
	HTTPD_SET_AUTO_INDEX = 1 << 5,
	HTTPD_SET_INDEX = 1 << 6,
	HTTPD_SET_FASTCGI = 1 << 7,
	HTTPD_SET_LOG = 1 << 8,
	HTTPD_SET_LOG_ACCESS = 1 << 9,
	HTTPD_SET_LOG_ERROR = 1 << 10,
	HTTPD_SET_SYSLOG = 1 << 11,
	HTTPD_SET_HEADERS = 1 << 12,
	HTTPD_SET_GZIP = 1 << 13,
	HTTPD_SET_DEFAULT_TYPE = 1 << 14
};

struct httpd_server {
	struct httpd_server	*next;
	struct httpd_server	*parent;	/* locations only */

	/* A server: its names and listeners; a location: its path. */
	const char		*name;
	bool			 name_match;
	struct httpd_name	*aliases;
	struct httpd_listen	*listens;
	struct httpd_server	*locations;	/* first match wins */
	const char		*path;		/* location only */
	bool			 path_match;
	enum httpd_found	 found;

	unsigned		 set;		/* HTTPD_SET_* */

	/* Options of servers and locations. */
	const char		*root;
	const char		*rewrite;	/* NULL: no rewrite */
	long long		 strip;
	enum httpd_block	 block;
	int			 return_code;	/* HTTPD_BLOCK_RETURN */
	const char		*return_uri;	/* NULL: none */
	struct httpd_auth	 auth;
	bool			 auto_index;
	const char		*index;		/* NULL: no index */
	struct httpd_fastcgi	 fastcgi;
	struct httpd_log	 log;
	struct httpd_header	*headers;	/* in file order */
	bool			 gzip_static;
	struct httpd_media	 default_type;

	/* Server-only options; locations carry their server's values. */
	struct httpd_connection	 connection;
	struct sockopts		 tcp;
	struct httpd_tls	 tls;
	struct httpd_hsts	 hsts;
	bool			 no_banner;
	const char		*errdocs;	/* NULL: built-in pages */
};

struct httpd_conf {
	const char		*chroot;
	const char		*logdir;
	long long		 prefork;
	struct httpd_media	 default_type;
	const char		*errdocs;	/* NULL: built-in pages */
	bool			 no_banner;
	struct httpd_type	*types;		/* built-ins when none given */
	struct httpd_server	*servers;	/* in file order */
};

/* The grammar's reserved words (unquoted, they are never strings). */
extern const char *const httpd_conf_keywords[];

/* True when the server has at least one tls listener. */
bool	httpd_server_has_tls(const struct httpd_server *);
/* True when a server or location talks FastCGI over a UNIX socket. */
bool	httpd_fastcgi_on_unix(const struct httpd_conf *);

#endif
