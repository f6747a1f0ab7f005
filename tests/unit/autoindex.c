/*
 * Unit tests of the directory listing: the escapers alone, rows of a
 * realistic directory byte for byte, hostile and invalid-UTF-8 names
 * made inert, and a page that does not fit refused whole.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/autoindex.h"
#include "tap.h"

enum { PAGE_MAX_TEST = 65536 };

#define FFFD	"\xef\xbf\xbd"

static char page[PAGE_MAX_TEST];

static const char *
esc(const char *s, size_t len)
{
	static char out[256];

	if (html_escape(out, sizeof(out), s, len) != strlen(out))
		return "(failed)";
	return out;
}

static const char *
enc(const char *s, size_t len)
{
	static char out[256];

	if (url_encode_path(out, sizeof(out), s, len) != strlen(out))
		return "(failed)";
	return out;
}

static void
test_html_escape(void)
{
	char out[8];

	is_str(esc("<img src=x onerror=alert(1)>", 28),
	    "&lt;img src=x onerror=alert(1)&gt;", "tag inert");
	is_str(esc("a\"b'c", 5), "a&quot;b&#39;c", "quotes");
	is_str(esc("&amp;", 5), "&amp;amp;", "an entity stays text");
	is_str(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14),
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "valid UTF-8 kept");
	is_str(esc("a\xff" "b", 3), "a" FFFD "b", "stray byte: U+FFFD");
	is_str(esc("a\xc3", 2), "a" FFFD, "truncated sequence");
	is_str(esc("\xc0\xaf", 2), FFFD FFFD, "overlong '/'");
	is_str(esc("\xe0\x80\xaf", 3), FFFD FFFD FFFD, "overlong, 3 bytes");
	is_str(esc("\xed\xa0\x80", 3), FFFD FFFD FFFD, "surrogate");
	is_str(esc("\xf4\x90\x80\x80", 4), FFFD FFFD FFFD FFFD,
	    "above U+10FFFF");
	is_str(esc("\xe2\x82<", 3), FFFD FFFD "&lt;",
	    "a '<' ends a broken sequence and is still escaped");
	is_str(esc("a\tb\x1b[0m\x7f\r\n", 10), "a" FFFD "b" FFFD "[0m" FFFD
	    FFFD FFFD, "controls: U+FFFD");
	is_str(esc("a\0b", 3), "a" FFFD "b", "NUL inside the length");
	ok(html_escape(out, 5, "&", 1) == (size_t)-1 && out[0] == '\0',
	    "\"&amp;\" needs 6 bytes: 5 refused");
	ok(html_escape(out, 6, "&", 1) == 5 && strcmp(out, "&amp;") == 0,
	    "6 fits");
	ok(html_escape(out, 0, "", 0) == (size_t)-1, "size 0 refused");
	ok(html_escape(out, 1, "", 0) == 0 && out[0] == '\0', "empty");
}

static void
test_url_encode(void)
{
	char out[4];

	is_str(enc("AZaz09-._~/", 11), "AZaz09-._~/", "unreserved and /");
	is_str(enc("a b?c#d%e:f", 11), "a%20b%3Fc%23d%25e%3Af",
	    "space ? # % :");
	is_str(enc("<>\"'&", 5), "%3C%3E%22%27%26", "HTML-significant");
	is_str(enc("\xff\xc3\xa9\x01\x7f", 5), "%FF%C3%A9%01%7F",
	    "high bytes and controls");
	is_str(enc("javascript:alert(1)", 19), "javascript%3Aalert%281%29",
	    "no scheme survives");
	ok(url_encode_path(out, 3, "\xff", 1) == (size_t)-1 &&
	    out[0] == '\0', "%%FF needs 4 bytes: 3 refused");
	ok(url_encode_path(out, 4, "\xff", 1) == 3, "4 fits");
}

/* Render one file or directory and return its row, or NULL. */
static const char *
row(const char *name, bool dir, uint64_t size, int64_t mtime)
{
	static char r[4096];
	struct autoindex_entry e = { name, dir, size, mtime };
	const char *p, *q;

	if (autoindex_render(page, sizeof(page), "/", &e, 1) == 0 ||
	    (p = strstr(page, "<tbody>\n")) == NULL ||
	    (q = strstr(p, "</tbody>")) == NULL ||
	    (size_t)(q - p) - 8 >= sizeof(r))
		return "(no row)";
	memcpy(r, p + 8, (size_t)(q - p) - 8);
	r[q - p - 8] = '\0';
	return r;
}

static void
test_rows(void)
{
	is_str(row("file.txt", false, 1234, 1795701789),
	    "<tr><td class=\"n\"><a href=\"file.txt\">file.txt</a></td>"
	    "<td class=\"m\">2026-11-26 14:03</td>"
	    "<td class=\"s\" title=\"1234 bytes\">1.2K</td></tr>\n", "file");
	is_str(row("sub dir", true, 4096, 0),
	    "<tr><td class=\"n\"><a href=\"sub%20dir/\">sub dir/</a></td>"
	    "<td class=\"m\">1970-01-01 00:00</td>"
	    "<td class=\"s\">-</td></tr>\n", "directory: trailing /, no size");
	is_str(row("<img src=x onerror=alert(1)>", false, 1, -1),
	    "<tr><td class=\"n\"><a href=\"%3Cimg%20src%3Dx%20onerror%3D"
	    "alert%281%29%3E\">&lt;img src=x onerror=alert(1)&gt;</a></td>"
	    "<td class=\"m\">1969-12-31 23:59</td>"
	    "<td class=\"s\" title=\"1 byte\">1</td></tr>\n", "tag name inert");
	is_str(row("a\"b", false, 0, 0),
	    "<tr><td class=\"n\"><a href=\"a%22b\">a&quot;b</a></td>"
	    "<td class=\"m\">1970-01-01 00:00</td>"
	    "<td class=\"s\" title=\"0 bytes\">0</td></tr>\n",
	    "quote cannot leave the attribute");
	is_str(row("&amp;", false, 0, 0),
	    "<tr><td class=\"n\"><a href=\"%26amp%3B\">&amp;amp;</a></td>"
	    "<td class=\"m\">1970-01-01 00:00</td>"
	    "<td class=\"s\" title=\"0 bytes\">0</td></tr>\n",
	    "entity shown as typed");
	is_str(row("caf\xe9\x1b.txt", false, 0, 0),
	    "<tr><td class=\"n\"><a href=\"caf%E9%1B.txt\">caf" FFFD FFFD
	    ".txt</a></td><td class=\"m\">1970-01-01 00:00</td>"
	    "<td class=\"s\" title=\"0 bytes\">0</td></tr>\n",
	    "Latin-1 name: U+FFFD in text, the link keeps the real bytes");
	is_str(row("x", false, 0, 253402300800),
	    "<tr><td class=\"n\"><a href=\"x\">x</a></td>"
	    "<td class=\"m\">-</td>"
	    "<td class=\"s\" title=\"0 bytes\">0</td></tr>\n",
	    "mtime past year 9999: -");
	is_str(row(".", true, 0, 0), "", "\".\" skipped");
	is_str(row("..", true, 0, 0), "", "\"..\" skipped");
}

/* The size column alone, from a rendered row. */
static const char *
size_text(uint64_t size)
{
	static char s[64];
	const char *r = row("f", false, size, 0), *p, *q;

	if ((p = strstr(r, "\">")) == NULL ||
	    (p = strstr(p + 2, "title=")) == NULL ||
	    (p = strstr(p, "\">")) == NULL || (q = strstr(p, "</td>")) ==
	    NULL || (size_t)(q - p) >= sizeof(s))
		return "(none)";
	memcpy(s, p + 2, (size_t)(q - p) - 2);
	s[q - p - 2] = '\0';
	return s;
}

static void
test_sizes(void)
{
	static const struct {
		uint64_t	 size;
		const char	*want;
	} cases[] = {
		{ 0, "0" }, { 1023, "1023" }, { 1024, "1.0K" },
		{ 1234, "1.2K" }, { 10188, "9.9K" }, { 10189, "10K" },
		{ 10240, "10K" }, { 1047552, "1023K" },
		{ 1047961, "1023K" }, { 1048064, "1.0M" },
		{ 1048575, "1.0M" }, { 3565158, "3.4M" },
		{ 734003200, "700M" }, { 4700000000ULL, "4.4G" },
		{ 1ULL << 40, "1.0T" }, { 1ULL << 50, "1.0P" },
		{ UINT64_MAX, "16E" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(size_text(cases[i].size), cases[i].want, cases[i].want);
}

/* Valid UTF-8, and no control byte but '\n'. */
static bool
clean(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u != '\0'; u++)
		if ((*u < 0x20 && *u != '\n') || *u == 0x7f)
			return false;
	return true;
}

static void
test_page(void)
{
	static const struct autoindex_entry dir[] = {
		{ "docs", true, 4096, 1795701789 },
		{ "snapshots", true, 4096, 1795000000 },
		{ "README", false, 2183, 1790000000 },
		{ "httpd-1.0.tar.gz", false, 734003200, 1795701789 },
		{ "notes \xe2\x80\x94 2026.txt", false, 12, 1700000000 },
	};
	size_t n, need, size, bad = 0;

	n = autoindex_render(page, sizeof(page), "/pub/", dir, 5);
	ok(n > 0 && n == strlen(page), "rendered, length returned");
	ok(strncmp(page, "<!DOCTYPE html>\n", 16) == 0, "doctype first");
	ok(strstr(page, "<meta charset=\"utf-8\">") != NULL, "charset");
	ok(strstr(page, "<title>Index of /pub/</title>") != NULL, "title");
	ok(strstr(page, "<h1>Index of /pub/</h1>") != NULL, "heading");
	ok(strstr(page, "<style>") != NULL, "inline CSS");
	ok(strstr(page, "<tbody>\n<tr><td class=\"n\"><a href=\"../\">../</a>")
	    != NULL, "\"../\" first");
	ok(strstr(page, "<a href=\"docs/\">docs/</a>") <
	    strstr(page, "<a href=\"README\">README</a>") &&
	    strstr(page, "<a href=\"README\">README</a>") != NULL,
	    "entries in the order given");
	ok(strstr(page, "<a href=\"notes%20%E2%80%94%202026.txt\">notes "
	    "\xe2\x80\x94 2026.txt</a>") != NULL, "UTF-8 name: text kept, "
	    "link encoded");
	ok(strstr(page, "title=\"734003200 bytes\">700M<") != NULL, "700M");
	ok(n >= 8 && strcmp(page + n - 8, "</html>\n") == 0, "ends the page");
	ok(clean(page), "no control byte but newline");

	n = autoindex_render(page, sizeof(page), "/", dir, 0);
	ok(n > 0 && strstr(page, "../") == NULL, "root: no \"../\"");
	n = autoindex_render(page, sizeof(page), "/<script>\xff/", NULL, 0);
	ok(n > 0 && strstr(page, "<script>") == NULL && strstr(page,
	    "Index of /&lt;script&gt;" FFFD "/</title>") != NULL,
	    "path escaped in title");

	/* Too small by any amount: 0 and an empty buffer, never a part. */
	need = autoindex_render(page, sizeof(page), "/pub/", dir, 5) + 1;
	for (size = 0; size < need; size += size < 64 ? 1 : 97)
		if (autoindex_render(page, size, "/pub/", dir, 5) != 0 ||
		    (size > 0 && page[0] != '\0'))
			bad++;
	ok(bad == 0, "every size below %zu refused", need);
	ok(autoindex_render(page, need - 1, "/pub/", dir, 5) == 0,
	    "one byte short (no room for the NUL) refused");
	ok(autoindex_render(page, need, "/pub/", dir, 5) == need - 1,
	    "exact size fits");
	ok(autoindex_render(page, sizeof(page), NULL, dir, 5) == 0,
	    "no path refused");
}

int
main(void)
{
	test_html_escape();
	test_url_encode();
	test_rows();
	test_sizes();
	test_page();
	return done_testing();
}
