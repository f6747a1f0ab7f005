/*
 * relayd_conf_rule: the filter rule language of relayd protocols --
 *   (block|pass|match) [request|response] [quick] [inet|inet6]
 *   [from addr[/len]] [to addr[/len]] options...
 * where the options are method, the entity types (cookie, header, path,
 * query, url) with their option, key and value, file, forward to, tag,
 * tagged and label.
 */
#include <limits.h>
#include <string.h>

#include "conf/relayd_conf_int.h"

const char *const rd_key_type_names[] = {
	"cookie", "header", "path", "query", "url"
};

const char *const rd_key_option_names[] = {
	"", "append", "set", "remove", "hash", "log", "strip"
};

/* The methods relayd knows (relay_http.c), as it spells them. */
static const char *const http_methods[] = {
	"ACL", "BASELINE-CONTROL", "CHECKIN", "CHECKOUT", "CONNECT", "COPY",
	"DELETE", "GET", "HEAD", "LABEL", "LOCK", "MERGE", "MKACTIVITY",
	"MKCOL", "MKREDIRECTREF", "MKWORKSPACE", "MOVE", "OPTIONS",
	"ORDERPATCH", "PATCH", "POST", "PROPFIND", "PROPPATCH", "PUT",
	"REPORT", "SEARCH", "TRACE", "UNCHECKOUT", "UNLOCK", "UPDATE",
	"UPDATEREDIRECTREF", "VERSION-CONTROL", NULL
};

bool
rd_rule_start(struct rd_parser *p)
{
	return conf_is(p->c, "pass") || conf_is(p->c, "block") ||
	    conf_is(p->c, "match");
}

static bool
is_free_string(struct rd_parser *p)
{
	const struct conf_token *t = conf_peek(p->c);

	return t->kind == CT_QUOTED || (t->kind == CT_WORD &&
	    !rd_is_keyword(t->text));
}

static void
rule_method(struct rd_parser *p, struct rd_rule *r)
{
	const struct conf_token *t = conf_peek(p->c);
	size_t i;

	if (t->kind != CT_WORD && t->kind != CT_QUOTED) {
		conf_error(p->c, "expected an HTTP method, found %s",
		    conf_describe(p->c, t));
		return;
	}
	for (i = 0; http_methods[i] != NULL; i++)
		if (strcmp(http_methods[i], t->text) == 0)
			break;
	if (http_methods[i] == NULL) {
		conf_error(p->c, "unknown HTTP method: %s", t->text);
		return;
	}
	r->method = http_methods[i];
	conf_next(p->c);
}

static void
entity_option(struct rd_parser *p, enum rd_key_type type, struct rd_kv *kv)
{
	size_t i;

	for (i = RD_KEY_OPT_APPEND; i <= RD_KEY_OPT_STRIP; i++)
		if (conf_accept(p->c, rd_key_option_names[i]))
			break;
	if (i > RD_KEY_OPT_STRIP)
		return;
	kv->option = (enum rd_key_option)i;
	if (kv->option == RD_KEY_OPT_STRIP) {
		if (type != RD_KEY_PATH) {
			conf_error(p->c, "strip is only supported for path");
			return;
		}
		(void)conf_number(p->c, "strip", 0, INT_MAX, &kv->strip);
		return;
	}
	/* relayd cannot rewrite a query or URL, only match them. */
	if ((type == RD_KEY_QUERY || type == RD_KEY_URL) &&
	    (kv->option == RD_KEY_OPT_APPEND || kv->option == RD_KEY_OPT_SET ||
	    kv->option == RD_KEY_OPT_REMOVE))
		conf_error(p->c, "combining %s type and the given option is "
		    "not supported", rd_key_type_names[type]);
}

/* [digest] key | pattern p | nothing; then [value v]. */
static void
entity_key(struct rd_parser *p, enum rd_key_type type, struct rd_kv *kv)
{
	if (conf_accept(p->c, "digest")) {
		if (type != RD_KEY_URL) {
			conf_error(p->c, "digest is only supported for url");
			return;
		}
		if ((kv->key = conf_string(p->c, "a digest")) == NULL)
			return;
		if (!rd_hex_digest(kv->key, &kv->digest_type)) {
			conf_error(p->c, "invalid http digest");
			return;
		}
		kv->match = RD_MATCH_DIGEST;
	} else if (conf_accept(p->c, "pattern")) {
		kv->key = conf_string(p->c, "a pattern");
		kv->match = RD_MATCH_PATTERN;
	} else if (is_free_string(p))
		kv->key = conf_string(p->c, "a key");
	if (conf_accept(p->c, "value"))
		kv->value = conf_string(p->c, "a value");
}

static void
rule_entity(struct rd_parser *p, struct rd_rule *r, enum rd_key_type type)
{
	struct rd_kv *kv = &r->kv[type];

	if (kv->set) {
		conf_error(p->c, "%s specified twice in one rule",
		    rd_key_type_names[type]);
		return;
	}
	if (r->dir == RD_DIR_RESPONSE && (type == RD_KEY_PATH ||
	    type == RD_KEY_QUERY || type == RD_KEY_URL)) {
		conf_error(p->c, "%s is only available in request rules",
		    rd_key_type_names[type]);
		return;
	}
	kv->set = true;
	r->kv_order[r->nkv++] = type;
	entity_option(p, type, kv);
	if (!conf_failed(p->c))
		entity_key(p, type, kv);
}

/* file path [value v]: keys for the last entity type, one per line. */
static void
rule_file(struct rd_parser *p, struct rd_rule *r)
{
	if (r->file != NULL) {
		conf_error(p->c, "only one file per rule supported");
		return;
	}
	if (r->nkv == 0) {
		conf_error(p->c, "file needs an entity type before it");
		return;
	}
	r->file_type = r->kv_order[r->nkv - 1];
	if ((r->file = conf_string(p->c, "a file name")) == NULL ||
	    !rd_rule_keys_load(p, r))
		return;
	if (conf_accept(p->c, "value"))
		r->kv[r->file_type].value = conf_string(p->c, "a value");
}

/* tag, tagged, label: one each per rule; "no" needs an earlier one. */
static void
rule_name(struct rd_parser *p, const char *what, char **slot, bool *seen)
{
	if (*slot != NULL) {
		conf_error(p->c, "%s already defined", what);
		return;
	}
	*slot = rd_name(p, what, strcmp(what, "label") == 0 ? RD_LABEL_MAX :
	    RD_TAG_MAX);
	if (seen != NULL)
		*seen = true;
}

static void
rule_no(struct rd_parser *p, struct rd_rule *r)
{
	if (conf_accept(p->c, "tag")) {
		if (!p->tag_seen)
			conf_error(p->c, "no tag defined");
		r->tag_state = RD_TAG_CLEAR;
	} else if (conf_accept(p->c, "label")) {
		if (!p->label_seen)
			conf_error(p->c, "no label defined");
		r->label_state = RD_TAG_CLEAR;
	} else
		conf_error(p->c, "expected 'tag' or 'label' after 'no', "
		    "found %s", conf_describe(p->c, conf_peek(p->c)));
}

static bool
rule_option(struct rd_parser *p, struct rd_rule *r)
{
	size_t i;
	char *name;

	for (i = 0; i < RD_KEY_NTYPES; i++)
		if (conf_accept(p->c, rd_key_type_names[i])) {
			rule_entity(p, r, (enum rd_key_type)i);
			return true;
		}
	if (conf_accept(p->c, "method"))
		rule_method(p, r);
	else if (conf_accept(p->c, "file"))
		rule_file(p, r);
	else if (conf_accept(p->c, "forward")) {
		if (!conf_expect(p->c, "to") || (name = rd_table_ref(p)) == NULL)
			return false;
		if (rd_table_find(p->rc, name) == NULL)
			conf_error(p->c, "undefined forward table %s", name);
		r->forward_table = name;
	} else if (conf_accept(p->c, "tag")) {
		rule_name(p, "tag", &r->tag, &p->tag_seen);
		r->tag_state = RD_TAG_SET;
	} else if (conf_accept(p->c, "tagged"))
		rule_name(p, "tagged", &r->tagged, NULL);
	else if (conf_accept(p->c, "label")) {
		rule_name(p, "label", &r->label, &p->label_seen);
		r->label_state = RD_TAG_SET;
	} else if (conf_accept(p->c, "no"))
		rule_no(p, r);
	else
		return false;
	return true;
}

static bool
rule_address(struct rd_parser *p, const char *kw, bool *has, struct addr *a)
{
	if (!conf_accept(p->c, kw))
		return true;
	*has = true;
	return rd_address(p, true, a, NULL);
}

/* Numeric addresses must agree with each other and with inet/inet6. */
static int
addr_af(const struct addr *a)
{
	return a->kind == ADDR_INET ? 4 : a->kind == ADDR_INET6 ? 6 : 0;
}

static bool
af_mismatch(int a, int b)
{
	return a != 0 && b != 0 && a != b;
}

void
rd_rule(struct rd_parser *p, struct rd_protocol *pr)
{
	struct rd_rule *r = arena_alloc(p->a, sizeof(*r)), **pp;

	r->line = conf_peek(p->c)->line;
	if (conf_accept(p->c, "pass"))
		r->action = RD_ACTION_PASS;
	else if (conf_accept(p->c, "block"))
		r->action = RD_ACTION_BLOCK;
	else if (conf_expect(p->c, "match"))
		r->action = RD_ACTION_MATCH;
	if (conf_accept(p->c, "response"))
		r->dir = RD_DIR_RESPONSE;
	else
		(void)conf_accept(p->c, "request");
	r->quick = conf_accept(p->c, "quick");
	if (conf_accept(p->c, "inet"))
		r->af = 4;
	else if (conf_accept(p->c, "inet6"))
		r->af = 6;
	if (!rule_address(p, "from", &r->has_from, &r->from) ||
	    !rule_address(p, "to", &r->has_to, &r->to))
		return;
	if ((r->has_from && af_mismatch(r->af, addr_af(&r->from))) ||
	    (r->has_to && af_mismatch(r->af, addr_af(&r->to))) ||
	    (r->has_from && r->has_to &&
	    af_mismatch(addr_af(&r->from), addr_af(&r->to)))) {
		conf_error(p->c, "address family mismatch");
		return;
	}
	while (!conf_failed(p->c) && rule_option(p, r))
		;
	if (conf_failed(p->c))
		return;
	for (pp = &pr->rules; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = r;
	pr->nrules++;
}
