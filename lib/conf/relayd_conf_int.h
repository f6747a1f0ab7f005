/*
 * relayd_conf_int: what the files of the relayd.conf grammar share --
 * the parser state and the token helpers built on conf.h.  Not for the
 * programs: they read struct relayd_conf from relayd_conf.h.
 */
#ifndef RELAYD_CONF_INT_H
#define RELAYD_CONF_INT_H

#include <stdio.h>

#include "conf/conf.h"
#include "conf/relayd_conf.h"

/* Where a table use stands: the rules differ (modes, check required). */
enum rd_context { RD_IN_REDIRECT, RD_IN_RELAY, RD_IN_ROUTER };

struct rd_parser {
	struct conf		*c;
	struct arena		*a;
	struct relayd_conf	*rc;
	/* Default port of the next table use: the last listen port. */
	uint16_t		 tableport;
	/* relayd's sticky "tag"/"label" state behind "no tag"/"no label". */
	bool			 tag_seen, label_seen;
};

/* relayd_conf.c: token helpers */
bool	 rd_is_keyword(const char *);
char	*rd_name(struct rd_parser *, const char *what, size_t max);
bool	 rd_port(struct rd_parser *, bool allow_range, uint16_t *lo,
	    uint16_t *hi);
bool	 rd_address(struct rd_parser *, bool allow_prefix, struct addr *,
	    char **written);
char	*rd_table_ref(struct rd_parser *);
struct rd_table *rd_table_find(const struct relayd_conf *, const char *);
bool	 rd_hex_digest(const char *, enum rd_digest_type *);

/* relayd_conf_table.c: "<name> options" after forward/route to */
struct rd_table_use *rd_table_use(struct rd_parser *, enum rd_context);
bool	 rd_table_use_into(struct rd_parser *, enum rd_context,
	    struct rd_table_use *);

/* relayd_conf_relay.c */
void	 rd_relay(struct rd_parser *);
void	 rd_protocol(struct rd_parser *, enum rd_proto_type);

/* relayd_conf_router.c */
void	 rd_router(struct rd_parser *);
/* False, with an error, if a router already uses t (redirection r). */
bool	 rd_router_table_free(struct rd_parser *, const struct rd_table *t,
	    const char *redirect);

/* relayd_conf_rule.c: one filter rule, the action word not yet taken */
bool	 rd_rule_start(struct rd_parser *);
void	 rd_rule(struct rd_parser *, struct rd_protocol *);

/* relayd_conf_keys.c: the keys of a rule's file, read now */
bool	 rd_rule_keys_load(struct rd_parser *, struct rd_rule *);

/* relayd_conf_check.c: checks over the whole file, and instances */
bool	 rd_check_all(struct rd_parser *);

/* relayd_conf_dump.c */
void	 rd_dump(FILE *, const void *);

#endif
