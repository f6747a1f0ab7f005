/*
 * filter_setup: a protocol's rules made ready for one relay, in the
 * parent, once per generation.  What can only be known with the relay in
 * hand is checked here and fails the generation with a clear message:
 * a `forward to` table the relay does not forward to, a value a rule
 * would write that is not valid in a head.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "relay.h"

static enum http_method
method_of(const char *name)
{
	int m;

	for (m = 1; m < HTTP_METHOD_COUNT; m++)
		if (strcmp(http_method_name((enum http_method)m), name) == 0)
			return (enum http_method)m;
	return HTTP_METHOD_UNKNOWN;
}

static bool
sockaddr_of(const struct addr *a, struct sockaddr_storage *ss, int *bits)
{
	struct addrinfo hints, *res;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->kind == ADDR_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a->bytes, 4);
		*bits = a->prefixlen >= 0 ? a->prefixlen : 32;
		return true;
	}
	if (a->kind == ADDR_INET6) {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->bytes, 16);
		*bits = a->prefixlen >= 0 ? a->prefixlen : 128;
		return true;
	}
	if (a->kind != ADDR_NAME)
		return false;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(a->name, NULL, &hints, &res) != 0)
		return false;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*bits = ss->ss_family == AF_INET ? 32 : 128;
	freeaddrinfo(res);
	return true;
}

static int
forward_index(const struct rrelay *r, const char *table)
{
	int i;

	for (i = 0; i < r->nfwd; i++)
		if (r->fwd[i].conf->kind == RD_FWD_TABLE &&
		    strcmp(r->fwd[i].conf->use.table->name, table) == 0)
			return i;
	return -1;
}

/* What set and append would write must be valid in a head. */
static const char *
writes_valid(const struct rd_rule *rule)
{
	const struct rd_kv *h = &rule->kv[RD_KEY_HEADER];
	const struct rd_kv *c = &rule->kv[RD_KEY_COOKIE];
	const char *p;

	if (h->set && (h->option == RD_KEY_OPT_SET ||
	    h->option == RD_KEY_OPT_APPEND)) {
		if (h->key == NULL || h->value == NULL)
			return "header set and append need a name and a value";
		for (p = h->key; *p != '\0'; p++)
			if (!http_is_tchar((unsigned char)*p))
				return "a header name is a token";
	}
	if (h->set && h->value != NULL &&
	    !http_is_text(h->value, strlen(h->value)))
		return "a header value holds a control byte";
	if (c->set && c->value != NULL &&
	    (!http_is_text(c->value, strlen(c->value)) ||
	    strpbrk(c->value, ";") != NULL))
		return "a cookie value holds ';' or a control byte";
	return NULL;
}

static bool
rule_fail(char *err, size_t errlen, const struct rrelay *r,
    const struct rd_rule *rule, const char *what)
{
	(void)snprintf(err, errlen, "relay %s: protocol %s, rule at line %d: "
	    "%s", r->name, r->proto->name, rule->line, what);
	return false;
}

static bool
compile_rule(const struct rrelay *r, const struct rd_rule *rule,
    struct frule *base, char *err, size_t errlen)
{
	const char *why;

	memset(base, 0, sizeof(*base));
	base->r = rule;
	base->fwd = -1;
	if (rule->method != NULL &&
	    (base->method = method_of(rule->method)) == HTTP_METHOD_UNKNOWN)
		return rule_fail(err, errlen, r, rule, "unknown method");
	if (rule->forward_table != NULL &&
	    (base->fwd = forward_index(r, rule->forward_table)) < 0)
		return rule_fail(err, errlen, r, rule, "forward to a table "
		    "the relay does not forward to");
	if ((rule->has_from && !sockaddr_of(&rule->from, &base->from,
	    &base->from_bits)) || (rule->has_to && !sockaddr_of(&rule->to,
	    &base->to, &base->to_bits)))
		return rule_fail(err, errlen, r, rule, "an address that does "
		    "not resolve");
	if ((why = writes_valid(rule)) != NULL)
		return rule_fail(err, errlen, r, rule, why);
	return true;
}

bool
filter_compile(struct arena *a, struct rrelay *r, char *err, size_t errlen)
{
	const struct rd_rule *rule;
	struct rfilter *f = &r->filter;
	struct frule base;
	size_t n = 0, k, nkeys;

	memset(f, 0, sizeof(*f));
	if (r->proto == NULL || r->proto->type != RD_PROTO_HTTP)
		return true;
	for (rule = r->proto->rules; rule != NULL; rule = rule->next)
		n += rule->file != NULL ? rule->nkeys : 1;
	if (n == 0)
		return true;
	f->rules = arena_alloc(a, n * sizeof(*f->rules));
	for (rule = r->proto->rules; rule != NULL; rule = rule->next) {
		if (!compile_rule(r, rule, &base, err, errlen))
			return false;
		f->needs_path |= rule->kv[RD_KEY_PATH].set ||
		    rule->kv[RD_KEY_URL].set;
		/* relayd: one rule per key of the file. */
		nkeys = rule->file != NULL ? rule->nkeys : 1;
		for (k = 0; k < nkeys; k++) {
			f->rules[f->n] = base;
			if (rule->file != NULL)
				f->rules[f->n].file_key = rule->keys[k];
			f->n++;
		}
	}
	return true;
}
