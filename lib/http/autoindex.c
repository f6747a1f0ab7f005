#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/hex.h"
#include "base/strbuf.h"
#include "http/autoindex.h"
#include "http/http_date.h"

/*
 * Dates are shown for years 0000-9999 only: a four-digit year keeps the
 * column aligned, and an mtime outside that is a broken file system.
 */

/* U+FFFD REPLACEMENT CHARACTER, in UTF-8. */
static const char REPLACEMENT[] = "\xef\xbf\xbd";

/*
 * The fixed markup.  The CSS keeps the page readable without a style
 * sheet of the site's own: system font, a table whose date and size
 * columns do not wrap, sizes right-aligned in tabular digits, and a dark
 * variant when the browser asks for one.
 */
static const char HEAD1[] =
	"<!DOCTYPE html>\n"
	"<html>\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, "
	"initial-scale=1\">\n"
	"<meta name=\"color-scheme\" content=\"light dark\">\n"
	"<title>Index of ";
static const char HEAD2[] =
	"</title>\n"
	"<style>\n"
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"sans-serif;line-height:1.4;max-width:60em;margin:2em auto;"
	"padding:0 1em;color:#222;background:#fff}\n"
	"h1{font-size:1.4em;font-weight:600;overflow-wrap:anywhere}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{padding:.3em .8em;text-align:left;vertical-align:top}\n"
	"th{border-bottom:2px solid #ccc}\n"
	"td{border-bottom:1px solid #eee}\n"
	"td.n{overflow-wrap:anywhere}\n"
	".m,.s{white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	".s{text-align:right}\n"
	"tr:hover td{background:#f3f6fa}\n"
	"a{color:#0645ad;text-decoration:none}\n"
	"a:hover{text-decoration:underline}\n"
	"@media (prefers-color-scheme:dark){"
	"body{color:#ddd;background:#121212}th{border-color:#444}"
	"td{border-color:#2a2a2a}tr:hover td{background:#1e2630}"
	"a{color:#8ab4f8}}\n"
	"</style>\n"
	"</head>\n"
	"<body>\n"
	"<h1>Index of ";
static const char HEAD3[] =
	"</h1>\n"
	"<table>\n"
	"<thead><tr><th class=\"n\">Name</th><th class=\"m\">Last modified</th>"
	"<th class=\"s\">Size</th></tr></thead>\n"
	"<tbody>\n";
static const char PARENT[] =
	"<tr><td class=\"n\"><a href=\"../\">../</a></td>"
	"<td class=\"m\"></td><td class=\"s\">-</td></tr>\n";
static const char FOOT[] =
	"</tbody>\n"
	"</table>\n"
	"</body>\n"
	"</html>\n";

/* Append an escaper's output (html_escape, url_encode_path) in place. */
static void
put_with(struct strbuf *pg, size_t (*fn)(char *, size_t, const char *, size_t),
    const char *s, size_t n)
{
	size_t w;

	if (pg->full)
		return;
	w = fn(pg->buf + pg->len, pg->size - pg->len, s, n);
	if (w == (size_t)-1) {
		pg->buf[pg->len] = '\0';
		pg->full = true;
		return;
	}
	pg->len += w;
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..len) (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;	/* overlong */
		hi = s[0] == 0xed ? 0x9f : 0xbf;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;	/* overlong */
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;	/* > U+10FFFF */
	} else
		return 0;
	if (need >= len)
		return 0;
	for (i = 1; i <= need; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

/* One ASCII byte as HTML: the five significant ones as entities. */
static void
put_ascii(struct strbuf *pg, char c)
{
	switch (c) {
	case '&':
		strbuf_puts(pg, "&amp;");
		break;
	case '<':
		strbuf_puts(pg, "&lt;");
		break;
	case '>':
		strbuf_puts(pg, "&gt;");
		break;
	case '"':
		strbuf_puts(pg, "&quot;");
		break;
	case '\'':
		strbuf_puts(pg, "&#39;");
		break;
	default:
		strbuf_put(pg, &c, 1);
		break;
	}
}

size_t
html_escape(char *out, size_t size, const char *s, size_t len)
{
	struct strbuf pg;
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n;

	if (size == 0)
		return (size_t)-1;
	strbuf_init(&pg, out, size);
	strbuf_init(&pg, out, size);
	for (i = 0; i < len && !pg.full; i += n) {
		n = utf8_seq(u + i, len - i);
		/* A lone byte or a control shows as U+FFFD, never raw. */
		if (n == 0 || u[i] < 0x20 || u[i] == 0x7f) {
			strbuf_put(&pg, REPLACEMENT, sizeof(REPLACEMENT) - 1);
			n = 1;
		} else if (n == 1)
			put_ascii(&pg, s[i]);
		else
			strbuf_put(&pg, s + i, n);
	}
	return pg.full ? (size_t)-1 : pg.len;
}

/* RFC 3986's unreserved bytes, and '/' between a path's segments. */
static bool
path_keeps(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~' || c == '/';
}

size_t
url_encode_path(char *out, size_t size, const char *s, size_t len)
{
	struct strbuf pg;

	if (size == 0)
		return (size_t)-1;
	strbuf_init(&pg, out, size);
	hex_pct_encode(&pg, s, len, path_keeps);
	return pg.full ? (size_t)-1 : pg.len;
}

/* "2026-11-26 14:03", UTC. */
static void
put_date(struct strbuf *pg, int64_t t)
{
	struct http_civil c;

	if (t < HTTP_CIVIL_MIN || t > HTTP_CIVIL_MAX) {
		strbuf_puts(pg, "-");
		return;
	}
	http_civil_time(t, &c);
	strbuf_putnum(pg, (uint64_t)c.year, 4);
	strbuf_puts(pg, "-");
	strbuf_putnum(pg, c.month, 2);
	strbuf_puts(pg, "-");
	strbuf_putnum(pg, c.day, 2);
	strbuf_puts(pg, " ");
	strbuf_putnum(pg, c.hour, 2);
	strbuf_puts(pg, ":");
	strbuf_putnum(pg, c.minute, 2);
}

/*
 * A size for people: bytes below 1024, else one decimal below ten units
 * ("1.2K") and whole units above ("340M"), rounded to nearest.  Tenths
 * are computed from quotient and remainder so that no size overflows.
 */
static void
put_size(struct strbuf *pg, uint64_t size)
{
	static const char units[] = "KMGTPE";
	uint64_t unit = 1024, t = 0;
	size_t u;

	if (size < 1024) {
		strbuf_putnum(pg, size, 1);
		return;
	}
	for (u = 0; u < sizeof(units) - 1; u++, unit <<= 10) {
		t = size / unit * 10 + (size % unit * 10 + unit / 2) / unit;
		/* Below 1023.5 units, so it never shows as "1024K". */
		if (t < 10235 || u == sizeof(units) - 2)
			break;
	}
	if (t < 100) {
		strbuf_putnum(pg, t / 10, 1);
		strbuf_puts(pg, ".");
		strbuf_putnum(pg, t % 10, 1);
	} else
		strbuf_putnum(pg, (t + 5) / 10, 1);
	strbuf_put(pg, &units[u], 1);
}

/* One table row; the href is encoded, the text escaped. */
static void
put_entry(struct strbuf *pg, const struct autoindex_entry *e)
{
	size_t len = strlen(e->name);

	strbuf_puts(pg, "<tr><td class=\"n\"><a href=\"");
	/*
	 * url_encode_path's output holds none of the five bytes that
	 * html_escape changes, so escaping it again would change nothing.
	 */
	put_with(pg, url_encode_path, e->name, len);
	strbuf_puts(pg, e->dir ? "/\">" : "\">");
	put_with(pg, html_escape, e->name, len);
	strbuf_puts(pg, e->dir ? "/</a></td><td class=\"m\">" :
	    "</a></td><td class=\"m\">");
	put_date(pg, e->mtime);
	if (e->dir)
		strbuf_puts(pg, "</td><td class=\"s\">-</td></tr>\n");
	else {
		strbuf_puts(pg, "</td><td class=\"s\" title=\"");
		strbuf_putnum(pg, e->size, 1);
		strbuf_puts(pg, e->size == 1 ? " byte\">" : " bytes\">");
		put_size(pg, e->size);
		strbuf_puts(pg, "</td></tr>\n");
	}
}

/* "." is this page and ".." is the row added already. */
static bool
skipped(const char *name)
{
	return name == NULL || name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0;
}

size_t
autoindex_render(char *out, size_t size, const char *path,
    const struct autoindex_entry *entries, size_t n)
{
	struct strbuf pg;
	size_t i, plen;

	if (size == 0 || path == NULL || (n > 0 && entries == NULL))
		return 0;
	strbuf_init(&pg, out, size);
	plen = strlen(path);
	strbuf_puts(&pg, HEAD1);
	put_with(&pg, html_escape, path, plen);
	strbuf_puts(&pg, HEAD2);
	put_with(&pg, html_escape, path, plen);
	strbuf_puts(&pg, HEAD3);
	if (strcmp(path, "/") != 0)
		strbuf_puts(&pg, PARENT);
	for (i = 0; i < n && !pg.full; i++)
		if (!skipped(entries[i].name))
			put_entry(&pg, &entries[i]);
	strbuf_puts(&pg, FOOT);
	/* Half a page must never be served as if it were the listing. */
	if (pg.full) {
		out[0] = '\0';
		return 0;
	}
	return pg.len;
}
