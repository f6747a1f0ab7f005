/*
 * filter: a head through the relay's rules, and the rules' actions on it
 * (filter.h says in which order).  As relayd does, the actions of every
 * matching `match` rule and of the deciding rule are gathered while the
 * rules are read and applied after the last one, in that order, so that
 * each rule tests the head as it came; `tag`, `label` and `forward to`
 * take effect at once, so that a later rule can test `tagged`.
 */
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/siphash.h"
#include "base/sockaddr.h"
#include "filter.h"
#include "http_relay.h"
#include "worker.h"

enum { FILTER_ACTIONS_MAX = 256 };	/* gathered for one head */

struct faction {
	const struct frule	*fr;
	enum rd_key_type	 type;
};

/* One evaluation at a time per worker: its gathered actions. */
static struct faction actions[FILTER_ACTIONS_MAX];
static size_t nactions;
static struct siphash hash;
static bool hashed;

static const char *
rule_key(const struct frule *fr, enum rd_key_type type)
{
	if (fr->file_key != NULL && fr->r->file_type == type)
		return fr->file_key;
	return fr->r->kv[type].key;
}

static bool
in_prefix(const struct sockaddr_storage *a, const struct sockaddr_storage *net,
    int bits)
{
	const unsigned char *x, *y;
	int whole, rest;

	if (a->ss_family != net->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		x = (const unsigned char *)&((const struct sockaddr_in *)a)->sin_addr;
		y = (const unsigned char *)
		    &((const struct sockaddr_in *)net)->sin_addr;
	} else {
		x = ((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr;
		y = ((const struct sockaddr_in6 *)net)->sin6_addr.s6_addr;
	}
	whole = bits / 8;
	rest = bits % 8;
	if (memcmp(x, y, (size_t)whole) != 0)
		return false;
	return rest == 0 || ((x[whole] ^ y[whole]) &
	    (0xff << (8 - rest))) == 0;
}

static int
entity_matches(struct fctx *c, const struct frule *fr, enum rd_key_type t)
{
	const struct rd_kv *kv = &fr->r->kv[t];
	const char *key = rule_key(fr, t), *url;
	struct http_header *f;
	struct fpair pair;

	if (!kv->set)
		return 1;
	switch (t) {
	case RD_KEY_HEADER:
		return match_header(c, kv, key, &f);
	case RD_KEY_QUERY:
		return match_query(c, kv, key, &pair);
	case RD_KEY_PATH:
		return match_path(c, kv, key);
	case RD_KEY_URL:
		return match_url(c, kv, key, &url);
	case RD_KEY_COOKIE:
		return match_cookie(c, kv, key, &pair);
	default:
		return 0;
	}
}

/* 1: the rule matches the head; 0: it does not; -1: a test failed. */
static int
rule_matches(struct fctx *c, const struct frule *fr)
{
	static const enum rd_key_type order[] = { RD_KEY_HEADER, RD_KEY_QUERY,
	    RD_KEY_PATH, RD_KEY_URL, RD_KEY_COOKIE };
	const struct rd_rule *r = fr->r;
	const struct session *s = c->s;
	int family = r->af == 4 ? AF_INET : r->af == 6 ? AF_INET6 : 0;
	size_t i;
	int m;

	if ((r->dir == RD_DIR_REQUEST) != (c->req != NULL))
		return 0;
	if (family != 0 && (s->peer.ss_family != family ||
	    s->local.ss_family != family))
		return 0;
	if ((r->has_from && !in_prefix(&s->peer, &fr->from, fr->from_bits)) ||
	    (r->has_to && !in_prefix(&s->local, &fr->to, fr->to_bits)))
		return 0;
	if (fr->method != HTTP_METHOD_UNKNOWN && (c->req == NULL ||
	    c->req->method != fr->method))
		return 0;
	if (r->tagged != NULL && (s->http->tag == NULL ||
	    strcmp(s->http->tag, r->tagged) != 0))
		return 0;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if ((m = entity_matches(c, fr, order[i])) != 1)
			return m;
	return 1;
}

/* tag, label and forward to: at once, for the rules after this one. */
static void
apply_now(struct fctx *c, const struct frule *fr)
{
	struct http_sess *h = c->s->http;

	if (fr->r->tag_state == RD_TAG_SET)
		h->tag = fr->r->tag;
	else if (fr->r->tag_state == RD_TAG_CLEAR)
		h->tag = NULL;
	if (fr->r->label_state == RD_TAG_SET)
		h->label = fr->r->label;
	else if (fr->r->label_state == RD_TAG_CLEAR)
		h->label = NULL;
	if (fr->fwd >= 0 && c->req != NULL)
		c->s->want_fwd = fr->fwd;
}

static bool
gather(const struct frule *fr)
{
	int i;
	enum rd_key_type t;

	for (i = 0; i < fr->r->nkv; i++) {
		t = fr->r->kv_order[i];
		if (fr->r->kv[t].option == RD_KEY_OPT_NONE)
			continue;
		if (nactions == FILTER_ACTIONS_MAX)
			return false;
		actions[nactions].fr = fr;
		actions[nactions++].type = t;
	}
	return true;
}

/* The log's part of a session: " [label, key: value]", bounded. */
static void
log_item(struct fctx *c, const char *key, size_t klen, const char *value,
    size_t vlen)
{
	struct http_sess *h = c->s->http;
	int n;

	if (h->log == NULL && (h->log = malloc(FILTER_LOG_MAX)) == NULL)
		return;
	n = snprintf(h->log + h->loglen, FILTER_LOG_MAX - h->loglen,
	    " %c%s%s%.*s%s%.*s%c", c->req != NULL ? '[' : '{',
	    h->label != NULL ? h->label : "", h->label != NULL ? ", " : "",
	    (int)klen, key, value != NULL ? ": " : "", (int)vlen,
	    value != NULL ? value : "", c->req != NULL ? ']' : '}');
	if (n > 0 && (size_t)n < FILTER_LOG_MAX - h->loglen)
		h->loglen += (size_t)n;
	h->haslog = true;
}

/* relayd's macros in a value, expanded into the head's scratch. */
static const char *
expand(struct fctx *c, const char *value)
{
	static const char *const names[] = { "$HOST", "$REMOTE_ADDR",
	    "$REMOTE_PORT", "$SERVER_ADDR", "$SERVER_PORT", "$SERVER_NAME",
	    "$TIMEOUT" };
	char out[FHEAD_SCRATCH], text[SOCKADDR_TEXT_MAX + 8];
	const struct session *s = c->s;
	struct http_header *host;
	const char *p, *sub = text;
	size_t n = 0, i, sublen;
	uint16_t port;

	if (value == NULL || strchr(value, '$') == NULL)
		return value;
	for (p = value; *p != '\0' && n < sizeof(out) - 1;) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strncmp(p, names[i], strlen(names[i])) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			out[n++] = *p++;
			continue;
		}
		p += strlen(names[i]);
		sub = text;
		switch (i) {
		case 0:
			if (c->req != NULL && fhead_find(c->h, "Host", false, 0,
			    &host) == 1) {
				sub = host->value.ptr;
				sublen = host->value.len;
				goto copy;
			}
			sockaddr_text(&s->local, text, sizeof(text), NULL);
			break;
		case 1:
			sockaddr_text(&s->peer, text, sizeof(text), NULL);
			break;
		case 2:
			sockaddr_text(&s->peer, text, sizeof(text), &port);
			(void)snprintf(text, sizeof(text), "%u", port);
			break;
		case 3:
			sockaddr_text(&s->local, text, sizeof(text), NULL);
			break;
		case 4:
			sockaddr_text(&s->local, text, sizeof(text), &port);
			(void)snprintf(text, sizeof(text), "%u", port);
			break;
		case 5:
			sub = "relay";
			break;
		default:
			(void)snprintf(text, sizeof(text), "%lld",
			    (long long)(s->relay->timeout_ms / 1000));
			break;
		}
		sublen = strlen(sub);
copy:
		if (sublen >= sizeof(out) - 1 - n)
			return NULL;
		memcpy(out + n, sub, sublen);
		n += sublen;
	}
	return fhead_save(c->h, out, n);
}

static void
feed_hash(const char *p, size_t n)
{
	if (!hashed)
		siphash_init(&hash, (const unsigned char *)"relay filter key");
	hashed = true;
	siphash_update(&hash, p, n);
}

/* Every field from `from` on named like `glob` goes. */
static void
remove_fields(struct fhead *h, const char *glob, bool pattern)
{
	struct http_header *f;
	size_t from = 0;

	while (fhead_find(h, glob, pattern, from, &f) == 1) {
		f->name.ptr = NULL;
		from = (size_t)(f - h->f) + 1;
	}
}

/*
 * append to a field that is there: the value joins the last field of
 * that name as one more list element ("a, b", RFC 9110 section 5.3),
 * which is what X-Forwarded-For readers expect; Set-Cookie, which is no
 * list, gets a field of its own.
 */
static bool
header_append(struct fctx *c, struct http_header *f, const char *value)
{
	char buf[FHEAD_SCRATCH];
	struct http_header *last = f;
	char *name;
	size_t i;
	int n;

	if (f->name.len == 10 && strncasecmp(f->name.ptr, "Set-Cookie", 10) ==
	    0) {
		name = fhead_save(c->h, f->name.ptr, f->name.len);
		return name != NULL && fhead_add(c->h, name, value);
	}
	for (i = (size_t)(f - c->h->f) + 1; i < c->h->n; i++)
		if (c->h->f[i].name.ptr != NULL &&
		    c->h->f[i].name.len == f->name.len &&
		    strncasecmp(c->h->f[i].name.ptr, f->name.ptr,
		    f->name.len) == 0)
			last = &c->h->f[i];
	n = snprintf(buf, sizeof(buf), "%.*s%s%s", (int)last->value.len,
	    last->value.ptr, last->value.len > 0 ? ", " : "", value);
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    (last->value.ptr = fhead_save(c->h, buf, (size_t)n)) == NULL)
		return false;
	last->value.len = (size_t)n;
	return true;
}

static bool
header_write(struct fctx *c, const struct rd_kv *kv, const char *key,
    const char *value)
{
	struct http_header *f;
	size_t i;

	if (fhead_find(c->h, key, kv->match == RD_MATCH_PATTERN, 0, &f) != 1)
		return fhead_add(c->h, key, value);
	if (kv->option == RD_KEY_OPT_APPEND)
		return header_append(c, f, value);
	/* set: one field of that name, with the new value. */
	for (i = (size_t)(f - c->h->f) + 1; i < c->h->n; i++)
		if (c->h->f[i].name.ptr != NULL &&
		    c->h->f[i].name.len == f->name.len &&
		    strncasecmp(c->h->f[i].name.ptr, f->name.ptr,
		    f->name.len) == 0)
			c->h->f[i].name.ptr = NULL;
	f->value.ptr = value;
	f->value.len = strlen(value);
	return true;
}

static bool
header_action(struct fctx *c, const struct rd_kv *kv, const char *key)
{
	const char *value = expand(c, kv->value);
	struct http_header *f;

	switch (kv->option) {
	case RD_KEY_OPT_SET:
	case RD_KEY_OPT_APPEND:
		return value != NULL && header_write(c, kv, key, value);
	case RD_KEY_OPT_REMOVE:
		remove_fields(c->h, key, kv->match == RD_MATCH_PATTERN);
		return true;
	default:
		if (match_header(c, kv, key, &f) != 1 || f == NULL)
			return true;
		if (kv->option == RD_KEY_OPT_HASH)
			feed_hash(f->value.ptr, f->value.len);
		else
			log_item(c, f->name.ptr, f->name.len, f->value.ptr,
			    f->value.len);
		return true;
	}
}

/*
 * The request's cookies again, as one Cookie field: without those named
 * like `drop`, with `key=value` set in place or added at the end.
 */
static bool
cookie_rebuild(struct fctx *c, const struct rd_kv *kv, const char *key,
    const char *value, bool drop)
{
	char out[FHEAD_SCRATCH];
	struct http_header *f, *first = NULL;
	struct fpair p;
	const char *q, *end;
	size_t n = 0, from = 0;
	bool done = kv->option == RD_KEY_OPT_APPEND;
	int k;

	while (fhead_find(c->h, "Cookie", false, from, &f) == 1) {
		from = (size_t)(f - c->h->f) + 1;
		for (q = f->value.ptr, end = q + f->value.len;
		    next_cookie_pair(&q, end, &p);) {
			k = filter_glob(key, kv->match == RD_MATCH_PATTERN,
			    p.key.ptr, p.key.len, kv->match != RD_MATCH_PATTERN);
			if (k == 1 && (drop || !done)) {
				if (drop)
					continue;
				n += (size_t)snprintf(out + n, sizeof(out) - n,
				    "%s%.*s=%s", n > 0 ? "; " : "",
				    (int)p.key.len, p.key.ptr, value);
				done = true;
			} else
				n += (size_t)snprintf(out + n, sizeof(out) - n,
				    "%s%.*s=%.*s", n > 0 ? "; " : "",
				    (int)p.key.len, p.key.ptr, (int)p.value.len,
				    p.value.ptr);
			if (n >= sizeof(out))
				return false;
		}
		if (first == NULL)
			first = f;
		f->name.ptr = NULL;
	}
	if (!drop && !done)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s=%s",
		    n > 0 ? "; " : "", key, value);
	if (n >= sizeof(out))
		return false;
	if (n == 0)
		return true;
	if ((q = fhead_save(c->h, out, n)) == NULL)
		return false;
	if (first == NULL)
		return fhead_add(c->h, "Cookie", q);
	first->name.ptr = "Cookie";
	first->name.len = 6;
	first->value.ptr = q;
	first->value.len = n;
	return true;
}

/* A response's cookies: one Set-Cookie field each. */
static bool
set_cookie_edit(struct fctx *c, const struct rd_kv *kv, const char *key,
    const char *value)
{
	struct http_header *f;
	struct fpair p;
	const char *q, *end;
	char buf[FHEAD_SCRATCH];
	size_t from = 0;
	int n;

	if (kv->option != RD_KEY_OPT_APPEND)
		while (fhead_find(c->h, "Set-Cookie", false, from, &f) == 1) {
			from = (size_t)(f - c->h->f) + 1;
			q = f->value.ptr;
			end = q + f->value.len;
			if (next_cookie_pair(&q, end, &p) &&
			    filter_glob(key, kv->match == RD_MATCH_PATTERN,
			    p.key.ptr, p.key.len, true) == 1)
				f->name.ptr = NULL;
		}
	if (kv->option == RD_KEY_OPT_REMOVE)
		return true;
	n = snprintf(buf, sizeof(buf), "%s=%s", key, value);
	return n > 0 && (size_t)n < sizeof(buf) && (q = fhead_save(c->h, buf,
	    (size_t)n)) != NULL && fhead_add(c->h, "Set-Cookie", q);
}

static bool
cookie_action(struct fctx *c, const struct rd_kv *kv, const char *key)
{
	const char *value = expand(c, kv->value);
	struct fpair p;

	switch (kv->option) {
	case RD_KEY_OPT_SET:
	case RD_KEY_OPT_APPEND:
	case RD_KEY_OPT_REMOVE:
		if (key == NULL || (value == NULL &&
		    kv->option != RD_KEY_OPT_REMOVE))
			return true;
		if (c->req == NULL)
			return set_cookie_edit(c, kv, key, value);
		return cookie_rebuild(c, kv, key, value,
		    kv->option == RD_KEY_OPT_REMOVE);
	default:
		if (match_cookie(c, kv, key, &p) != 1 || p.key.ptr == NULL)
			return true;
		if (kv->option == RD_KEY_OPT_HASH)
			feed_hash(p.value.ptr, p.value.len);
		else
			log_item(c, p.key.ptr, p.key.len, p.value.ptr,
			    p.value.len);
		return true;
	}
}

/* Leading directories off the path, as httpd's `root strip`. */
static void
strip_path(struct fhead *h, long long n)
{
	const char *p = h->path.ptr, *end = p + h->path.len, *slash;

	/* As relayd: the last name is never stripped. */
	for (; n > 0 && p + 1 < end; n--) {
		if ((slash = memchr(p + 1, '/', (size_t)(end - p - 1))) == NULL)
			break;
		p = slash;
	}
	h->path.len = (size_t)(end - p);
	h->path.ptr = p;
}

/* A path a rule wrote: what a request line may carry, from a '/'. */
static bool
path_valid(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || p[0] != '/')
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f ||
		    p[i] == '?' || p[i] == '#')
			return false;
	return true;
}

static bool
path_action(struct fctx *c, const struct rd_kv *kv, const char *key)
{
	struct fhead *h = c->h;
	const char *value = expand(c, kv->value), *add;
	char buf[FHEAD_SCRATCH];
	int n;

	switch (kv->option) {
	case RD_KEY_OPT_HASH:
		feed_hash(h->path.ptr, h->path.len);
		return true;
	case RD_KEY_OPT_LOG:
		log_item(c, h->path.ptr, h->path.len, h->query.ptr,
		    h->query.len);
		return true;
	case RD_KEY_OPT_STRIP:
		strip_path(h, kv->strip);
		break;
	case RD_KEY_OPT_REMOVE:
		h->path.ptr = "/";
		h->path.len = 1;
		break;
	case RD_KEY_OPT_SET:
		if (value == NULL)
			return true;
		h->path.ptr = value;
		h->path.len = strlen(value);
		break;
	default:
		add = value != NULL ? value : key;
		if (add == NULL)
			return true;
		n = snprintf(buf, sizeof(buf), "%.*s%s", (int)h->path.len,
		    h->path.ptr, add);
		if (n < 0 || (size_t)n >= sizeof(buf) ||
		    (h->path.ptr = fhead_save(h, buf, (size_t)n)) == NULL)
			return false;
		h->path.len = (size_t)n;
		break;
	}
	h->path_changed = true;
	return path_valid(h->path.ptr, h->path.len);
}

static bool
lookup_action(struct fctx *c, enum rd_key_type t, const struct rd_kv *kv,
    const char *key)
{
	struct fpair p;
	const char *url;

	if (t == RD_KEY_QUERY) {
		if (match_query(c, kv, key, &p) != 1 || p.key.ptr == NULL)
			return true;
		if (kv->option == RD_KEY_OPT_HASH)
			feed_hash(p.value.ptr, p.value.len);
		else if (kv->option == RD_KEY_OPT_LOG)
			log_item(c, p.key.ptr, p.key.len, p.value.ptr,
			    p.value.len);
		return true;
	}
	if (match_url(c, kv, key, &url) != 1 || url == NULL)
		return true;
	if (kv->match == RD_MATCH_DIGEST)
		url = key;
	if (kv->option == RD_KEY_OPT_HASH)
		feed_hash(url, strlen(url));
	else if (kv->option == RD_KEY_OPT_LOG)
		log_item(c, url, strlen(url), NULL, 0);
	return true;
}

static bool
apply(struct fctx *c, const struct faction *a)
{
	const struct rd_kv *kv = &a->fr->r->kv[a->type];
	const char *key = rule_key(a->fr, a->type);

	switch (a->type) {
	case RD_KEY_HEADER:
		return key == NULL || header_action(c, kv, key);
	case RD_KEY_COOKIE:
		return cookie_action(c, kv, key);
	case RD_KEY_PATH:
		return c->req == NULL || c->h->path.ptr == NULL ||
		    path_action(c, kv, key);
	default:
		return lookup_action(c, a->type, kv, key);
	}
}

enum filter_verdict
filter_head(struct worker *w, struct session *s, struct fhead *h,
    const struct http_request *req, int *status)
{
	const struct rfilter *f = &s->relay->filter;
	struct fctx c;
	const struct frule *fr, *decided = NULL;
	enum filter_verdict v = FILTER_PASS;
	size_t i;
	int m;

	memset(&c, 0, sizeof(c));
	c.w = w;
	c.s = s;
	c.h = h;
	c.req = req;
	nactions = 0;
	hashed = false;
	*status = 500;
	for (i = 0; i < f->n; i++) {
		fr = &f->rules[i];
		if ((m = rule_matches(&c, fr)) == -1)
			return FILTER_ERROR;
		if (m == 0)
			continue;
		if (fr->r->action == RD_ACTION_MATCH) {
			apply_now(&c, fr);
			if (!gather(fr))
				return FILTER_ERROR;
			continue;
		}
		v = fr->r->action == RD_ACTION_BLOCK ? FILTER_BLOCK :
		    FILTER_PASS;
		decided = fr;
		if (fr->r->quick)
			break;
	}
	if (decided != NULL) {
		apply_now(&c, decided);
		if (!gather(decided))
			return FILTER_ERROR;
	}
	for (i = 0; i < nactions; i++)
		if (!apply(&c, &actions[i]))
			return FILTER_ERROR;
	if (hashed && req != NULL) {
		s->hashed = true;
		s->hashv = siphash_final(&hash);
	}
	return v;
}

/* After each head: relayd's " GET" or ";" once the session logs. */
void
filter_log_end(struct session *s, bool request, const char *method)
{
	struct http_sess *h = s->http;
	int n;

	if (!h->haslog || h->log == NULL)
		return;
	n = snprintf(h->log + h->loglen, FILTER_LOG_MAX - h->loglen, "%s%s",
	    request ? " " : ";", request ? method : "");
	if (n > 0 && (size_t)n < FILTER_LOG_MAX - h->loglen)
		h->loglen += (size_t)n;
}
