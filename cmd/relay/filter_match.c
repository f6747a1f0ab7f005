/*
 * filter_match: whether a head has what a rule's entity names.
 *
 *   header	a field whose name matches the key (glob, any case) and, when
 *		the value is a test, whose value matches it (glob, exact case)
 *   cookie	a cookie of the Cookie field (request) or of a Set-Cookie
 *		field (response): name as the key, any case; value glob,
 *		any case
 *   query	a parameter of the query, decoded: name and value globs
 *   path	the decoded path (glob); the value tests the query, any case
 *   url	relayd's lookups: the host and up to four of its parent
 *		domains, each with the whole path and query, the path, and
 *		up to four leading directories ("/", "/a/", ...) -- compared
 *		to the key as a glob, any case, or as a SHA-1/MD5 hex digest
 *
 * With `pattern`, keys and values are patterns(7), always in exact case.
 * For `set` and `append`, the value is what is written, not a test: such
 * a rule matches whether or not the entity is there.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <bearssl.h>

#include "base/hex.h"
#include "base/patterns.h"
#include "filter.h"

/* A subject as a C string, for fnmatch; longer ones cannot occur. */
static char subject[FHEAD_SCRATCH];

int
filter_glob(const char *glob, bool pattern, const char *s, size_t n,
    bool casefold)
{
	if (pattern)
		return pattern_find(glob, s, n, NULL, NULL);
	if (n >= sizeof(subject))
		return -1;
	memcpy(subject, s, n);
	subject[n] = '\0';
	return fnmatch(glob, subject, casefold ? FNM_CASEFOLD : 0) == 0;
}

bool
value_is_test(enum rd_key_type type, const struct rd_kv *kv)
{
	if (kv->value == NULL)
		return false;
	if (type == RD_KEY_PATH)
		return kv->option == RD_KEY_OPT_NONE;
	return kv->option != RD_KEY_OPT_SET && kv->option != RD_KEY_OPT_APPEND;
}

static bool
writes(const struct rd_kv *kv)
{
	return kv->option == RD_KEY_OPT_SET || kv->option == RD_KEY_OPT_APPEND;
}

static bool
is_pattern(const struct rd_kv *kv)
{
	return kv->match == RD_MATCH_PATTERN;
}

int
match_header(struct fctx *c, const struct rd_kv *kv, const char *key,
    struct http_header **found)
{
	size_t from = 0;
	int r;

	for (;;) {
		r = fhead_find(c->h, key != NULL ? key : "*", is_pattern(kv),
		    from, found);
		if (r != 1)
			break;
		if (!value_is_test(RD_KEY_HEADER, kv))
			return 1;
		r = filter_glob(kv->value, is_pattern(kv), (*found)->value.ptr,
		    (*found)->value.len, false);
		if (r != 0)
			return r;
		from = (size_t)(*found - c->h->f) + 1;
	}
	*found = NULL;
	return r == -1 ? -1 : writes(kv) ? 1 : 0;
}

static void
trim(const char **p, const char **end)
{
	while (*p < *end && (**p == ' ' || **p == '\t'))
		(*p)++;
	while (*end > *p && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
		(*end)--;
}

/* The next "name=value" of a cookie list; false at its end. */
bool
next_cookie_pair(const char **p, const char *end, struct fpair *out)
{
	const char *s, *e, *eq;

	while (*p < end) {
		s = *p;
		e = memchr(s, ';', (size_t)(end - s));
		if (e == NULL)
			e = end;
		*p = e < end ? e + 1 : end;
		trim(&s, &e);
		if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL || eq == s)
			continue;
		out->key.ptr = s;
		out->key.len = (size_t)(eq - s);
		out->value.ptr = eq + 1;
		out->value.len = (size_t)(e - eq - 1);
		if (out->value.len >= 2 && out->value.ptr[0] == '"' &&
		    out->value.ptr[out->value.len - 1] == '"') {
			out->value.ptr++;
			out->value.len -= 2;
		}
		return true;
	}
	return false;
}

static int
cookie_test(const struct rd_kv *kv, const char *key, const struct fpair *c)
{
	int r;

	r = filter_glob(key, is_pattern(kv), c->key.ptr, c->key.len,
	    !is_pattern(kv));
	if (r != 1 || !value_is_test(RD_KEY_COOKIE, kv))
		return r;
	return filter_glob(kv->value, is_pattern(kv), c->value.ptr,
	    c->value.len, !is_pattern(kv));
}

/* A Set-Cookie field holds one cookie: its first pair. */
int
match_cookie(struct fctx *c, const struct rd_kv *kv, const char *key,
    struct fpair *found)
{
	const char *field = c->req != NULL ? "Cookie" : "Set-Cookie";
	struct http_header *f;
	const char *p, *end;
	size_t from = 0;
	int r;

	memset(found, 0, sizeof(*found));
	while (fhead_find(c->h, field, false, from, &f) == 1) {
		from = (size_t)(f - c->h->f) + 1;
		p = f->value.ptr;
		end = p + f->value.len;
		while (next_cookie_pair(&p, end, found)) {
			found->field = f;
			if (key == NULL)
				return 1;
			if ((r = cookie_test(kv, key, found)) != 0)
				return r;
			if (c->req == NULL)
				break;
		}
	}
	memset(found, 0, sizeof(*found));
	return writes(kv) ? 1 : 0;
}

/* Form decoding: %XX and '+' for a space; a bad escape stays as it is. */
static size_t
decode(const char *p, size_t n, char *out)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && (hi = hex_digit(p[i + 1])) >= 0 &&
		    (lo = hex_digit(p[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = p[i] == '+' ? ' ' : p[i];
	}
	return o;
}

int
match_query(struct fctx *c, const struct rd_kv *kv, const char *key,
    struct fpair *found)
{
	static char k[FHEAD_SCRATCH], v[FHEAD_SCRATCH];
	const char *p = c->h->query.ptr, *end, *s, *e, *eq;
	size_t kn, vn;
	int r;

	if (c->req == NULL || p == NULL || key == NULL)
		return key == NULL && c->req != NULL ? 1 : 0;
	end = p + c->h->query.len;
	for (; p < end; p = e + 1) {
		s = p;
		if ((e = memchr(s, '&', (size_t)(end - s))) == NULL)
			e = end;
		if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL)
			continue;
		kn = decode(s, (size_t)(eq - s), k);
		vn = decode(eq + 1, (size_t)(e - eq - 1), v);
		if ((r = filter_glob(key, is_pattern(kv), k, kn, false)) == 1 &&
		    kv->value != NULL)
			r = filter_glob(kv->value, is_pattern(kv), v, vn, false);
		if (r == 1) {
			found->key.ptr = s;
			found->key.len = (size_t)(eq - s);
			found->value.ptr = eq + 1;
			found->value.len = (size_t)(e - eq - 1);
			found->field = NULL;
		}
		if (r != 0)
			return r;
		if (e == end)
			break;
	}
	return 0;
}

int
match_path(struct fctx *c, const struct rd_kv *kv, const char *key)
{
	const struct fhead *h = c->h;
	int r;

	if (c->req == NULL)
		return 0;
	if (kv->option == RD_KEY_OPT_STRIP || key == NULL)
		return 1;
	if (h->path.ptr == NULL)
		return 0;
	r = filter_glob(key, is_pattern(kv), h->path.ptr, h->path.len, false);
	if (r != 1 || !value_is_test(RD_KEY_PATH, kv))
		return r;
	return filter_glob(kv->value, is_pattern(kv), h->query.ptr != NULL ?
	    h->query.ptr : "", h->query.len, !is_pattern(kv));
}

/*
 * The host as relayd canonicalizes it for lookups: lower case, no
 * repeated or trailing dots -- and here also without a port, which a
 * key never names.
 */
static size_t
canon_host(const struct http_slice *host, char *out, size_t size)
{
	size_t i, n = 0, len = host->len;
	const char *colon;

	if (len > 0 && host->ptr[0] != '[' &&
	    (colon = memchr(host->ptr, ':', len)) != NULL)
		len = (size_t)(colon - host->ptr);
	for (i = 0; i < len && n + 1 < size; i++) {
		if (host->ptr[i] == '.' && (n == 0 || out[n - 1] == '.'))
			continue;
		out[n++] = (char)tolower((unsigned char)host->ptr[i]);
	}
	while (n > 0 && out[n - 1] == '.')
		n--;
	out[n] = '\0';
	return n;
}

static bool
url_add(struct fctx *c, const char *host, const char *path, size_t plen,
    bool query)
{
	char buf[FHEAD_SCRATCH];
	int n;

	if (c->nurl == FURL_MAX)
		return true;
	n = snprintf(buf, sizeof(buf), "%s%.*s%s%.*s", host, (int)plen, path,
	    query ? "?" : "", query ? (int)c->h->query.len : 0,
	    query ? c->h->query.ptr : "");
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    (c->url[c->nurl] = fhead_save(c->h, buf, (size_t)n)) == NULL)
		return false;
	c->nurl++;
	return true;
}

/* Every string relayd's url lookup compares, most specific first. */
static bool
url_build(struct fctx *c, const char *host, size_t hlen)
{
	const char *suffix[4], *levels[5], *path = c->h->path.ptr, *slash;
	size_t nsuffix = 0, nlevels = 0, i, dirs, plen = c->h->path.len;
	size_t dots = 0;

	/* Parent domains of two labels or more, shortest found first. */
	for (i = hlen; i > 1 && nsuffix < 4; i--)
		if (host[i - 1] == '.' && ++dots > 1)
			suffix[nsuffix++] = host + i;
	levels[nlevels++] = host;
	while (nsuffix > 0)
		levels[nlevels++] = suffix[--nsuffix];
	for (i = 0; i < nlevels; i++) {
		if (c->h->query.ptr != NULL &&
		    !url_add(c, levels[i], path, plen, true))
			return false;
		if (!url_add(c, levels[i], path, plen, false))
			return false;
		for (dirs = 0, slash = path; dirs < 4 &&
		    (slash = memchr(slash, '/', plen - (size_t)(slash - path)))
		    != NULL; dirs++) {
			slash++;
			if ((size_t)(slash - path) >= plen)
				break;
			if (!url_add(c, levels[i], path,
			    (size_t)(slash - path), false))
				return false;
		}
	}
	return true;
}

static int
url_prepare(struct fctx *c)
{
	char host[256];
	struct http_header *f;
	size_t n;

	if (c->url_state != 0)
		return c->url_state;
	c->url_state = -1;
	if (c->req == NULL || c->h->path.ptr == NULL ||
	    fhead_find(c->h, "Host", false, 0, &f) != 1)
		return -1;
	if ((n = canon_host(&f->value, host, sizeof(host))) == 0)
		return -1;
	if (!url_build(c, host, n))
		return -1;
	c->url_state = 1;
	return 1;
}

static const char *
url_digest(struct fctx *c, enum rd_digest_type type, size_t i)
{
	unsigned char d[br_sha1_SIZE];
	char text[2 * br_sha1_SIZE + 1];
	br_sha1_context sha1;
	br_md5_context md5;
	size_t len;

	if (c->url_digest[type][i] != NULL)
		return c->url_digest[type][i];
	if (type == RD_DIGEST_SHA1) {
		br_sha1_init(&sha1);
		br_sha1_update(&sha1, c->url[i], strlen(c->url[i]));
		br_sha1_out(&sha1, d);
		len = br_sha1_SIZE;
	} else {
		br_md5_init(&md5);
		br_md5_update(&md5, c->url[i], strlen(c->url[i]));
		br_md5_out(&md5, d);
		len = br_md5_SIZE;
	}
	hex_encode(d, len, text);
	c->url_digest[type][i] = fhead_save(c->h, text, 2 * len);
	return c->url_digest[type][i];
}

int
match_url(struct fctx *c, const struct rd_kv *kv, const char *key,
    const char **url)
{
	const char *d;
	size_t i;
	int r;

	if (key == NULL || url_prepare(c) != 1)
		return 0;
	for (i = 0; i < c->nurl; i++) {
		*url = c->url[i];
		if (kv->match == RD_MATCH_DIGEST) {
			if ((d = url_digest(c, kv->digest_type, i)) == NULL)
				return -1;
			if (strcasecmp(d, key) == 0)
				return 1;
			continue;
		}
		r = filter_glob(key, is_pattern(kv), c->url[i],
		    strlen(c->url[i]), !is_pattern(kv));
		if (r != 0)
			return r;
	}
	*url = NULL;
	return 0;
}
