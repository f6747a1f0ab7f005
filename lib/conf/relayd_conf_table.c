/*
 * relayd_conf_table: "<table> options" after forward to / route to, in
 * redirections, relays and routers alike -- check, port, timeout,
 * interval, mode [key], demote -- and every health check type.
 */
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "base/hex.h"
#include "conf/relayd_conf_int.h"

/* A string argument or the word nothing (send nothing): NULL for both. */
static bool
send_data(struct rd_parser *p, char **out)
{
	*out = NULL;
	if (conf_accept(p->c, "nothing"))
		return true;
	if ((*out = conf_string(p->c, "data to send")) == NULL)
		return false;
	if (**out == '\0')
		*out = NULL;
	return true;
}

/* Binary checks compare bytes: the hex must decode exactly. */
static bool
hex_decode(struct rd_parser *p, const char *what, const char *hex,
    unsigned char **out, size_t *outlen)
{
	size_t i, n = strlen(hex);
	int hi, lo;

	if (n == 0) {
		conf_error(p->c, "empty binary %s data", what);
		return false;
	}
	if (n % 2 != 0) {
		conf_error(p->c, "binary %s data has an odd number of hex "
		    "digits", what);
		return false;
	}
	if (n / 2 > RD_BINARY_MAX) {
		conf_error(p->c, "binary %s data longer than %d bytes", what,
		    RD_BINARY_MAX);
		return false;
	}
	*out = arena_alloc(p->a, n / 2 + 1);
	for (i = 0; i < n; i += 2) {
		hi = hex_digit((unsigned char)hex[i]);
		lo = hex_digit((unsigned char)hex[i + 1]);
		if (hi < 0 || lo < 0) {
			conf_error(p->c, "binary %s data is not hex: '%.64s'",
			    what, hex);
			return false;
		}
		(*out)[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return true;
}

/* check http|https path [host name] (code N | digest D) */
static void
check_http(struct rd_parser *p, struct rd_check *ck)
{
	long long code;

	if ((ck->path = conf_string(p->c, "a request path")) == NULL)
		return;
	if (conf_accept(p->c, "host") &&
	    (ck->host = conf_string(p->c, "a host name")) == NULL)
		return;
	if (conf_accept(p->c, "code")) {
		if (!conf_number(p->c, "HTTP code", 100, 599, &code))
			return;
		ck->type = RD_CHECK_HTTP_CODE;
		ck->code = (int)code;
	} else if (conf_accept(p->c, "digest")) {
		if ((ck->digest = conf_string(p->c, "a digest")) == NULL)
			return;
		if (!rd_hex_digest(ck->digest, &ck->digest_type)) {
			conf_error(p->c, "invalid http digest");
			return;
		}
		ck->type = RD_CHECK_HTTP_DIGEST;
	} else
		conf_error(p->c, "expected 'code' or 'digest', found %s",
		    conf_describe(p->c, conf_peek(p->c)));
}

static void
check_binary(struct rd_parser *p, struct rd_check *ck)
{
	if (!conf_expect(p->c, "send") || !send_data(p, &ck->send))
		return;
	if (ck->send != NULL && !hex_decode(p, "send", ck->send,
	    &ck->send_bin, &ck->send_bin_len))
		return;
	if (!conf_expect(p->c, "expect") ||
	    (ck->expect = conf_string(p->c, "data to expect")) == NULL)
		return;
	if (!hex_decode(p, "expect", ck->expect, &ck->expect_bin,
	    &ck->expect_bin_len))
		return;
	ck->type = RD_CHECK_BINARY;
	ck->tls = conf_accept(p->c, "tls");
}

static void
parse_check(struct rd_parser *p, struct rd_check *ck)
{
	const struct conf_token *t = conf_peek(p->c);

	memset(ck, 0, sizeof(*ck));
	if (conf_accept(p->c, "icmp"))
		ck->type = RD_CHECK_ICMP;
	else if (conf_accept(p->c, "tcp"))
		ck->type = RD_CHECK_TCP;
	else if (conf_accept(p->c, "tls") || conf_accept(p->c, "ssl")) {
		ck->type = RD_CHECK_TCP;
		ck->tls = true;
	} else if (conf_accept(p->c, "http"))
		check_http(p, ck);
	else if (conf_accept(p->c, "https")) {
		ck->tls = true;
		check_http(p, ck);
	} else if (conf_accept(p->c, "send")) {
		if (!send_data(p, &ck->send) || !conf_expect(p->c, "expect") ||
		    (ck->expect = conf_string(p->c, "data to expect")) == NULL)
			return;
		ck->type = RD_CHECK_SEND_EXPECT;
		ck->tls = conf_accept(p->c, "tls");
	} else if (conf_accept(p->c, "binary"))
		check_binary(p, ck);
	else if (conf_accept(p->c, "script")) {
		if ((ck->path = conf_string(p->c, "a script path")) != NULL)
			ck->type = RD_CHECK_SCRIPT;
	} else
		conf_error(p->c, "invalid check type %s",
		    conf_describe(p->c, t));
}

/* A hash key: a string, or 0x and 128 bits of hex, as pfctl's. */
static bool
valid_key(struct rd_parser *p, const char *key)
{
	size_t i;

	if (strncmp(key, "0x", 2) != 0)
		return true;
	if (strlen(key) != 34) {
		conf_error(p->c, "hex key must be 128 bits (32 hex digits) "
		    "long");
		return false;
	}
	for (i = 2; i < 34; i++)
		if (!isxdigit((unsigned char)key[i])) {
			conf_error(p->c, "invalid hex key");
			return false;
		}
	return true;
}

static void
parse_mode(struct rd_parser *p, enum rd_context ctx, struct rd_table_opts *o)
{
	const struct conf_token *t = conf_peek(p->c);
	size_t i;

	for (i = 0; i <= RD_MODE_RANDOM; i++)
		if (conf_accept(p->c, rd_mode_names[i]))
			break;
	if (i > RD_MODE_RANDOM) {
		conf_error(p->c, "invalid mode %s", conf_describe(p->c, t));
		return;
	}
	o->mode = (enum rd_mode)i;
	o->mode_set = true;
	t = conf_peek(p->c);
	if (t->kind == CT_QUOTED || (t->kind == CT_WORD &&
	    !rd_is_keyword(t->text))) {
		if (o->mode != RD_MODE_LOADBALANCE && o->mode != RD_MODE_HASH &&
		    o->mode != RD_MODE_SOURCE_HASH) {
			conf_error(p->c, "key not supported by mode");
			return;
		}
		o->key = conf_string(p->c, "a key");
		if (o->key == NULL || !valid_key(p, o->key))
			return;
	}
	if (ctx == RD_IN_REDIRECT && (o->mode == RD_MODE_LOADBALANCE ||
	    o->mode == RD_MODE_HASH))
		conf_error(p->c, "mode not supported for redirections");
	/*
	 * pf counts the states of each host of a table; nftables keeps no
	 * such count to choose by, so redirectd could only pretend.
	 */
	else if (ctx == RD_IN_REDIRECT && o->mode == RD_MODE_LEAST_STATES)
		conf_error(p->c, "mode least-states not supported for "
		    "redirections on Linux: nftables keeps no count of states "
		    "per host to choose by");
	else if (ctx != RD_IN_REDIRECT && o->mode == RD_MODE_LEAST_STATES)
		conf_error(p->c, "mode not supported for relays");
}

/* A carp group's name, safe as a file name: no '/', no leading '.'. */
static bool
demote_group_ok(const char *s)
{
	if (*s == '.')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return false;
	return true;
}

/* One table option; false when the next word is none. */
static bool
table_option(struct rd_parser *p, enum rd_context ctx,
    struct rd_table_opts *o)
{
	uint16_t unused;

	if (conf_accept(p->c, "check"))
		parse_check(p, &o->check);
	else if (conf_accept(p->c, "port"))
		(void)rd_port(p, false, &o->port, &unused);
	else if (conf_accept(p->c, "timeout"))
		(void)conf_number(p->c, "timeout", 0, INT_MAX, &o->timeout);
	else if (conf_accept(p->c, "interval")) {
		if (conf_number(p->c, "interval", 1, INT_MAX, &o->interval) &&
		    o->interval % p->rc->interval != 0)
			conf_error(p->c, "table interval must be divisible by "
			    "global interval");
	} else if (conf_accept(p->c, "mode"))
		parse_mode(p, ctx, o);
	else if (conf_accept(p->c, "demote")) {
		/* checkd names a file after it: demote/GROUP. */
		o->demote = rd_name(p, "demote group", RD_IFNAME_MAX);
		if (o->demote != NULL && !demote_group_ok(o->demote))
			conf_error(p->c, "invalid demote group '%s': letters, "
			    "digits, '-', '_' and '.', not first", o->demote);
	} else
		return false;
	return true;
}

bool
rd_table_use_into(struct rd_parser *p, enum rd_context ctx,
    struct rd_table_use *u)
{
	struct rd_table_use **pp;
	char *name;
	int n = 0;

	u->line = conf_peek(p->c)->line;
	if ((name = rd_table_ref(p)) == NULL)
		return false;
	if ((u->table = rd_table_find(p->rc, name)) == NULL) {
		conf_error(p->c, "table %s not defined", name);
		return false;
	}
	u->opts.timeout = -1;
	while (!conf_failed(p->c) && table_option(p, ctx, &u->opts))
		n++;
	if (conf_failed(p->c))
		return false;
	/* relayd's grammar wants at least one option after the table. */
	if (n == 0) {
		conf_error(p->c, "table %s needs options (check, port, mode, "
		    "...), found %s", name, conf_describe(p->c,
		    conf_peek(p->c)));
		return false;
	}
	u->port = u->opts.port != 0 ? u->opts.port : p->tableport;
	if (u->port == 0 && ctx != RD_IN_ROUTER) {
		conf_error(p->c, "invalid port for table %s: no port and no "
		    "listen port before it", name);
		return false;
	}
	u->table->used = true;
	for (pp = &p->rc->uses; *pp != NULL; pp = &(*pp)->next_use)
		;
	*pp = u;
	return true;
}

struct rd_table_use *
rd_table_use(struct rd_parser *p, enum rd_context ctx)
{
	struct rd_table_use *u = arena_alloc(p->a, sizeof(*u));

	return rd_table_use_into(p, ctx, u) ? u : NULL;
}
