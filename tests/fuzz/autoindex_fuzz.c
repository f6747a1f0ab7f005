/*
 * libFuzzer driver for the directory listing: whatever the names, the
 * page renders whole, is valid UTF-8 with no control byte but '\n', and
 * every '<', '>' and '"' in it is fixed markup -- the counts equal those
 * of the page without entries plus a fixed number per row -- so no name
 * can open a tag or leave an attribute.  A buffer one byte short is
 * refused whole.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/autoindex.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

enum { ENTRIES_MAX = 64, INPUT_MAX = 8192, PAGE_MAX = 1 << 20 };

/* Markup per row: <tr><td><a></a></td><td></td><td></td></tr>, etc. */
enum { ROW_LT = 10, ROW_GT = 10, DIR_QUOTES = 8, FILE_QUOTES = 10 };

static size_t
count(const char *s, char c)
{
	size_t n = 0;

	while ((s = strchr(s, c)) != NULL) {
		n++;
		s++;
	}
	return n;
}

/* Well-formed UTF-8 and no control byte other than '\n'. */
static bool
clean(const unsigned char *s, size_t len)
{
	size_t i = 0, need;

	while (i < len) {
		if (s[i] < 0x80) {
			if ((s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7f)
				return false;
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			need = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			need = 2;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			need = 3;
		else
			return false;
		if (len - i <= need)
			return false;
		for (i++; need > 0; need--, i++)
			if ((s[i] & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* The escaped name alone: nothing that could end the text or the link. */
static void
check_name(const char *name)
{
	static char buf[INPUT_MAX * 6 + 1];
	size_t n;

	n = html_escape(buf, sizeof(buf), name, strlen(name));
	if (n == (size_t)-1 || strpbrk(buf, "<>\"'") != NULL ||
	    !clean((const unsigned char *)buf, n))
		abort();
	n = url_encode_path(buf, sizeof(buf), name, strlen(name));
	if (n == (size_t)-1 || strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-._~/%") != n)
		abort();
}

/*
 * Input: the directory path, then names, separated by NUL bytes.  A
 * name's first byte decides whether it is a directory; its bytes seed
 * size and mtime, so that odd sizes and dates are reached too.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char copy[INPUT_MAX + 1], page[PAGE_MAX];
	struct autoindex_entry e[ENTRIES_MAX];
	size_t n = 0, lt, gt, quotes, len, i;
	const char *path, *p, *end;
	uint64_t h;

	if (size > INPUT_MAX)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	path = copy;
	end = copy + size;
	for (p = path + strlen(path) + 1; p < end && n < ENTRIES_MAX;
	    p += strlen(p) + 1) {
		for (h = 1469598103934665603ULL, i = 0; p[i] != '\0'; i++)
			h = (h ^ (uint8_t)p[i]) * 1099511628211ULL;
		e[n].name = p;
		e[n].dir = (p[0] & 1) != 0;
		e[n].size = h >> (h & 63);
		e[n].mtime = (int64_t)(h ^ (h << 7)) >> (h >> 58);
		n++;
	}

	/* The fixed part: the same page without entries. */
	if (autoindex_render(page, sizeof(page), path, NULL, 0) == 0)
		abort();
	lt = count(page, '<');
	gt = count(page, '>');
	quotes = count(page, '"');
	for (i = 0; i < n; i++) {
		check_name(e[i].name);
		if (strcmp(e[i].name, ".") == 0 ||
		    strcmp(e[i].name, "..") == 0 || e[i].name[0] == '\0')
			continue;
		lt += ROW_LT;
		gt += ROW_GT;
		quotes += e[i].dir ? DIR_QUOTES : FILE_QUOTES;
	}

	len = autoindex_render(page, sizeof(page), path, e, n);
	if (len == 0 || len != strlen(page) ||
	    !clean((const unsigned char *)page, len) ||
	    count(page, '<') != lt || count(page, '>') != gt ||
	    count(page, '"') != quotes)
		abort();
	/* One byte short (no room for the NUL): refused, never cut. */
	if (autoindex_render(page, len, path, e, n) != 0 || page[0] != '\0')
		abort();
	return 0;
}
