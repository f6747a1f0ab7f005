/*
 * filter: relayd's filter rules over the heads of an HTTP relay.
 *
 * A protocol's rules are compiled per relay when the parent sets up a
 * generation (filter_setup.c): a rule with a key file becomes one rule
 * per key, as relayd expands it; `forward to <table>` becomes the index
 * of the relay's forward line using that table; `from`/`to` become
 * address and prefix.  For each request head, and each response head, a
 * worker evaluates them as relayd does (filter.c):
 *
 *   - in order; a rule whose direction, family, addresses, method, tag
 *     or entities do not match is passed over;
 *   - `match` applies its actions at once and decides nothing;
 *   - `pass` and `block` decide; the last one matching wins, unless one
 *     is `quick`, which ends the evaluation; its actions apply at the end;
 *   - nothing matched: pass.
 *
 * The head is changed in a struct fhead (filter_head.c), a copy of the
 * parsed fields that actions edit; http_head.c writes it.  The framing
 * fields (Content-Length, Transfer-Encoding) and the hop-by-hop ones are
 * the relay's own and never written from it.
 */
#ifndef FILTER_H
#define FILTER_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "conf/relayd_conf.h"
#include "http/http_fields.h"
#include "http/http_request.h"

enum {
	FHEAD_FIELDS_MAX = HTTP_HEADERS_MAX + 64,	/* parsed + added */
	FHEAD_SCRATCH = 32768,		/* new names, values, path */
	FILTER_LOG_MAX = 1024		/* a session's [key: value] parts */
};

struct rrelay;
struct session;
struct worker;

/* One compiled rule. */
struct frule {
	const struct rd_rule	*r;
	const char		*file_key;	/* a key of r->file, or NULL */
	int			 fwd;		/* forward to: index, or -1 */
	struct sockaddr_storage	 from, to;
	int			 from_bits, to_bits;
	enum http_method	 method;	/* HTTP_METHOD_UNKNOWN: any */
};

struct rfilter {
	struct frule		*rules;
	size_t			 n;
	bool			 needs_path;	/* path or url rules */
};

/* The head as the rules see it and change it. */
struct fhead {
	bool			 request;
	struct http_header	 f[FHEAD_FIELDS_MAX];	/* name.ptr NULL: removed */
	size_t			 n;
	struct http_slice	 path;		/* request: canonical, no query */
	struct http_slice	 query;		/* ptr NULL: no '?' */
	bool			 path_changed;
	char			 scratch[FHEAD_SCRATCH];
	size_t			 used;
};

/* A name and value found in a head: a cookie, a query parameter. */
struct fpair {
	struct http_slice	 key, value;
	struct http_header	*field;		/* the field it is in */
};

enum { FURL_MAX = 30 };	/* url lookups: 5 host levels x 6 paths */

/* One evaluation: the head, and what tests computed once for all rules. */
struct fctx {
	struct worker		*w;
	struct session		*s;
	struct fhead		*h;
	const struct http_request *req;		/* NULL: a response */
	int			 url_state;	/* 0 not yet, 1 built, -1 none */
	char			*url[FURL_MAX];
	size_t			 nurl;
	char			*url_digest[3][FURL_MAX];	/* by type */
};

/* What the rules decided. */
enum filter_verdict { FILTER_PASS, FILTER_BLOCK, FILTER_ERROR };

/* filter_setup.c: in the parent, for each relay of a generation. */
bool	filter_compile(struct arena *, struct rrelay *, char *err,
	    size_t errlen);

/* filter_head.c */
void	fhead_init(struct fhead *, bool request, const struct http_header *,
	    size_t n);
int	fhead_set_path(struct fhead *, const struct http_slice *target_path,
	    bool canon);
char	*fhead_save(struct fhead *, const char *p, size_t n);
int	fhead_find(struct fhead *, const char *glob, bool pattern,
	    size_t from, struct http_header **);
bool	fhead_add(struct fhead *, const char *name, const char *value);
size_t	fhead_target(const struct fhead *, const struct http_request *,
	    char *out, size_t size);

/* filter.c: one head through the relay's rules. */
enum filter_verdict filter_head(struct worker *, struct session *,
	    struct fhead *, const struct http_request *, int *status);
void	filter_log_end(struct session *, bool request, const char *method);

/*
 * filter_match.c: the tests of the entity types.  Each returns 1 on a
 * match, 0 on none, -1 when a pattern could not be run (a fault: the
 * request fails rather than slipping past a rule).  `key` is the rule's
 * key, or the file's key standing in for it.
 */
int	filter_glob(const char *glob, bool pattern, const char *s, size_t n,
	    bool casefold);
int	match_header(struct fctx *, const struct rd_kv *, const char *key,
	    struct http_header **);
int	match_cookie(struct fctx *, const struct rd_kv *, const char *key,
	    struct fpair *);
int	match_query(struct fctx *, const struct rd_kv *, const char *key,
	    struct fpair *);
int	match_path(struct fctx *, const struct rd_kv *, const char *key);
int	match_url(struct fctx *, const struct rd_kv *, const char *key,
	    const char **url);
bool	value_is_test(enum rd_key_type, const struct rd_kv *);
bool	next_cookie_pair(const char **p, const char *end, struct fpair *);

#endif
