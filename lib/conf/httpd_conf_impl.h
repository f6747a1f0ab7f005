/*
 * httpd_conf_impl: what the files of the httpd.conf grammar share --
 * httpd_conf.c (statements and blocks), httpd_conf_opts.c (server and
 * location options), httpd_conf_check.c (defaults, inheritance, semantic
 * checks) and httpd_conf_dump.c.  Not for use outside them.
 */
#ifndef HTTPD_CONF_IMPL_H
#define HTTPD_CONF_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/conf.h"
#include "conf/httpd_conf.h"

struct httpd_parser {
	struct conf		*c;
	struct httpd_conf	*conf;
};

/* A directive of a server or location block, after its keyword. */
typedef void	 httpd_directive_fn(struct httpd_parser *,
		    struct httpd_server *, bool no);

enum {
	HTTPD_DIR_NO = 1,		/* "no keyword" is a directive too */
	HTTPD_DIR_SERVER_ONLY = 2	/* not allowed inside a location */
};

struct httpd_directive {
	const char		*keyword;
	httpd_directive_fn	*parse;
	int			 flags;
};

/* httpd_conf.c */
void		 httpd_parse_location(struct httpd_parser *,
		    struct httpd_server *, bool);

/* httpd_conf_opts.c: the server and location directives, sorted. */
extern const struct httpd_directive httpd_server_directives[];
extern const size_t httpd_server_ndirectives;
char		*httpd_string(struct conf *, const char *what, size_t max);
bool		 httpd_media(struct conf *, struct httpd_media *);
bool		 httpd_at_end(struct conf *);

/* httpd_conf_check.c */
void		 httpd_server_defaults(const struct httpd_conf *,
		    struct httpd_server *);
void		 httpd_location_defaults(struct httpd_server *);
bool		 httpd_check_server(struct httpd_parser *,
		    struct httpd_server *);
bool		 httpd_check_location(struct httpd_parser *,
		    const struct httpd_server *, const struct httpd_server *);
void		 httpd_inherit(struct httpd_server *);
void		 httpd_finish(struct httpd_parser *);
bool		 httpd_return_code_known(long long);
bool		 httpd_parse_protocols(const char *, unsigned *);
void		 httpd_format_protocols(unsigned, char *, size_t);

/* httpd_conf_dump.c */
void		 httpd_dump(FILE *, const void *);

#endif
