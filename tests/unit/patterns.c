/*
 * Unit tests of Lua patterns (patterns(7)): every class, sets,
 * quantifiers, anchors, captures, back-references, %b and %f, each
 * malformed-pattern error, the man page's and OpenBSD regress's
 * examples, and the limits.  Expected answers were checked against
 * Lua 5.3's string.find, with offsets from 0 as in OpenBSD.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/patterns.h"
#include "tap.h"

struct pattern_case {
	const char	*pattern;
	const char	*subject;
	size_t		 len;		/* 0: strlen(subject) */
	int		 result;
	const char	*want;		/* "whole|cap1|..." or the error */
};

/* In want, an empty match or capture is written "@offset". */
static const struct pattern_case cases[] = {
	/* Classes, each with its complement. */
	{ "%a+", "12abC3", 0, 1, "abC" },
	{ "%A+", "ab12!c", 0, 1, "12!" },
	{ "%c", "a\tb", 0, 1, "\t" },
	{ "%C+", "\001ab\002", 0, 1, "ab" },
	{ "%d+", "abc123def", 0, 1, "123" },
	{ "%D+", "12ab34", 0, 1, "ab" },
	{ "%g+", "  ab!  ", 0, 1, "ab!" },
	{ "%G", "ab c", 0, 1, " " },
	{ "%l+", "ABcdE", 0, 1, "cd" },
	{ "%L+", "abCDe", 0, 1, "CD" },
	{ "%p+", "ab.,!cd", 0, 1, ".,!" },
	{ "%P+", ".,ab!", 0, 1, "ab" },
	{ "%s+", "a \t\nb", 0, 1, " \t\n" },
	{ "%S+", "  ab  ", 0, 1, "ab" },
	{ "%u+", "abCDe", 0, 1, "CD" },
	{ "%U+", "ABcdE", 0, 1, "cd" },
	{ "%w+", "..a1B2..", 0, 1, "a1B2" },
	{ "%W+", "ab.-cd", 0, 1, ".-" },
	{ "%x+", "zzDEADbeefzz", 0, 1, "DEADbeef" },
	{ "%X+", "0fzq9", 0, 1, "zq" },
	{ "%z", "a\0b", 3, 1, "\0" },
	/* The C locale: a byte >= 0x80 is in no class but the complements. */
	{ "%a", "\xe9", 0, 0, NULL },
	{ "%p", "\xe9", 0, 0, NULL },
	{ "%g", "\xe9", 0, 0, NULL },
	{ "%W", "\xe9", 0, 1, "\xe9" },
	{ ".", "", 0, 0, NULL },
	{ ".", "\0", 1, 1, "\0" },
	/* Escapes of non-alphanumerics. */
	{ "%.", "a.b", 0, 1, "." },
	{ "%%", "50%", 0, 1, "%" },
	{ "a%-b", "a-b", 0, 1, "a-b" },
	{ "%(%)", "f()", 0, 1, "()" },
	/* Sets. */
	{ "[abc]+", "xxbcay", 0, 1, "bca" },
	{ "[^abc]+", "abxyzc", 0, 1, "xyz" },
	{ "[a-f]+", "zzcafez", 0, 1, "cafe" },
	{ "[%d_]+", "a_12_b", 0, 1, "_12_" },
	{ "[]]+", "a]]b", 0, 1, "]]" },
	{ "[^]]+", "]]ab]", 0, 1, "ab" },
	{ "[a-]+", "a-a-b", 0, 1, "a-a-" },
	{ "[%]]", "x]", 0, 1, "]" },
	{ "[0-7%l%-]+", "9a-7Z", 0, 1, "a-7" },
	/* Quantifiers: greedy and lazy. */
	{ "a*", "aaab", 0, 1, "aaa" },
	{ "a*", "baaa", 0, 1, "@0" },
	{ "a+", "baaa", 0, 1, "aaa" },
	{ "a-b", "aaab", 0, 1, "aaab" },
	{ "<(.*)>", "<a><b>", 0, 1, "<a><b>|a><b" },
	{ "<(.-)>", "<a><b>", 0, 1, "<a>|a" },
	{ "ab?c", "ac", 0, 1, "ac" },
	{ "ab?c", "abc", 0, 1, "abc" },
	{ "a?a", "a", 0, 1, "a" },
	{ "x*$", "axx", 0, 1, "xx" },
	{ "^**$", "****", 0, 1, "****" },
	/* Anchors: only a leading '^' and a final '$'. */
	{ "^abc", "xabc", 0, 0, NULL },
	{ "^abc", "abcx", 0, 1, "abc" },
	{ "abc$", "abcx", 0, 0, NULL },
	{ "a$b", "a$b", 0, 1, "a$b" },
	{ "a^b", "a^b", 0, 1, "a^b" },
	{ "$^", "/page/51", 0, 0, NULL },
	{ "^$", "", 0, 1, "@0" },
	{ "^$", "a", 0, 0, NULL },
	{ "", "abc", 0, 1, "@0" },
	{ "b+", "abbbc", 0, 1, "bbb" },
	/* Captures; "()" is a position. */
	{ "^/old/(.*)$", "/old/a/b", 0, 1, "/old/a/b|a/b" },
	{ "^/(%a+)/(%d+)$", "/page/51", 0, 1, "/page/51|page|51" },
	{ "(a*(.)%w(%s*))", "xaaab  cy", 0, 1, "xa|xa|x|@2" },
	{ "()aa()", "flaaap", 0, 1, "aa|@2|@4" },
	{ "/[^%d][%w%u][^%c]+()[%d]+", "/Apage/51", 0, 1, "/Apage/51|@8" },
	{ "/^(.a.e)/(.)", "/^page/51", 0, 1, "/^page/5|page|5" },
	{ "([2-5]-)", "1234567890", 0, 1, "@0|@0" },
	{ "^(%w+)%.example%.(%a+)$", "www.example.org", 0, 1,
	    "www.example.org|www|org" },
	/* Back-references. */
	{ "/(.*)/%1-(%d+)", "/page/page-51", 0, 1, "/page/page-51|page|51" },
	{ "(%a)%1", "abccd", 0, 1, "cc|c" },
	{ "^(%a+)=%1$", "ab=ab", 0, 1, "ab=ab|ab" },
	{ "^(%a+)=%1$", "ab=ac", 0, 0, NULL },
	{ "()a%1", "aa", 0, 0, NULL },
	/* %b and %f. */
	{ "/page/(%b[])", "/page/[51]", 0, 1, "/page/[51]|[51]" },
	{ "%b()", "f(a(b)c)d", 0, 1, "(a(b)c)" },
	{ "%b()", "f(a(b", 0, 0, NULL },
	{ "%b\"\"", "x\"ab\"c\"", 0, 1, "\"ab\"" },
	{ "%b()*", "(a)*", 0, 1, "(a)*" },
	{ "%f[%w]%w+", "  hello world", 0, 1, "hello" },
	{ "%f[%a]%a+%f[%A]", "THE (quick) fox", 0, 1, "THE" },
	{ "%f[%W]", "ab", 0, 1, "@2" },
	{ "%f[a]a", "ba", 0, 1, "a" },
	/* OpenBSD regress: literals that look magic. */
	{ "]+", ":-]", 0, 1, "]" },
	{ "[)]+", ":-)", 0, 1, ")" },
	{ "no-%d-match", "/page/51", 0, 0, NULL },
	/* The subject ends at len, NUL or not. */
	{ "abcd", "abcdef", 3, 0, NULL },
	{ "c$", "abcdef", 3, 1, "c" },
	{ "%w+", "abcdef", 3, 1, "abc" },
	{ "%f[%z]", "ab\0c", 4, 1, "@2" },
	/* Malformed patterns, one per error. */
	{ "%", "x", 0, -1, "malformed pattern (ends with '%')" },
	{ "a%", "b", 0, -1, "malformed pattern (ends with '%')" },
	{ "[a", "a", 0, -1, "malformed pattern (missing ']')" },
	{ "[]", "a", 0, -1, "malformed pattern (missing ']')" },
	{ "[^]", "a", 0, -1, "malformed pattern (missing ']')" },
	{ "[%]", "a", 0, -1, "malformed pattern (missing ']')" },
	{ "%f[a", "a", 0, -1, "malformed pattern (missing ']')" },
	{ "%b", "a", 0, -1,
	    "malformed pattern (missing arguments to '%b')" },
	{ "%ba", "a", 0, -1,
	    "malformed pattern (missing arguments to '%b')" },
	{ "%fa", "a", 0, -1, "missing '[' after '%f' in pattern" },
	{ "%f", "a", 0, -1, "missing '[' after '%f' in pattern" },
	{ "%0", "a", 0, -1, "invalid capture index" },
	{ "%1", "a", 0, -1, "invalid capture index" },
	{ "(a%1)", "aa", 0, -1, "invalid capture index" },
	{ "/(.*)/%9-(%d+)", "/page/page-51", 0, -1, "invalid capture index" },
	{ "a)", "a)", 0, -1, "invalid pattern capture" },
	{ ")+", ":-)", 0, -1, "invalid pattern capture" },
	{ "(a", "a", 0, -1, "unfinished capture" },
	{ "/page/51(", "/page/51", 0, -1, "unfinished capture" },
	/* Lua's plain-find shortcut would miss this; we check first. */
	{ "x%", "abc", 0, -1, "malformed pattern (ends with '%')" },
};

/* Render a match as "whole|cap1|...", an empty one as "@offset". */
static void
render(const char *s, const struct pattern_match *m, char *buf, size_t size)
{
	const struct pattern_capture *c;
	size_t k, used = 0;

	buf[0] = '\0';
	for (k = 0; k <= m->ncaptures && used < size; k++) {
		c = k == 0 ? &m->match : &m->cap[k - 1];
		if (k > 0)
			buf[used++] = '|';
		if (c->len == 0)
			used += (size_t)snprintf(buf + used, size - used, "@%zu",
			    c->start);
		else if (used + c->len < size) {
			memcpy(buf + used, s + c->start, c->len);
			used += c->len;
		}
	}
	buf[used < size ? used : size - 1] = '\0';
}

static void
run_case(const struct pattern_case *t)
{
	struct pattern_match m;
	const char *err;
	char got[256];
	size_t len = t->len != 0 ? t->len : strlen(t->subject);
	int r;

	r = pattern_find(t->pattern, t->subject, len, &m, &err);
	if (!ok(r == t->result, "find \"%s\": %d", t->pattern, t->result)) {
		printf("#      got: %d (%s)\n", r, err != NULL ? err : "");
		return;
	}
	if (r == 1) {
		/* A NUL byte renders as "", an empty match as "@n". */
		render(t->subject, &m, got, sizeof(got));
		is_str(got, t->want, t->pattern);
		ok(m.match.start + m.match.len <= len &&
		    m.ncaptures <= PATTERN_CAPTURES_MAX,
		    "find \"%s\": within the subject", t->pattern);
	} else if (r == -1) {
		is_str(err, t->want, t->pattern);
		ok(pattern_check(t->pattern, &err) == -1 &&
		    strcmp(err, t->want) == 0, "check \"%s\" agrees",
		    t->pattern);
	}
}

static void
test_check(void)
{
	struct pattern_match m;
	const char *err = "unset";

	ok(pattern_check("^/old/(.*)$", &err) == 0 && err == NULL,
	    "check: httpd pattern ok");
	ok(pattern_check("%b()%f[%w](%d+)%1[^]]*x-y?z+$", &err) == 0,
	    "check: every construct ok");
	ok(pattern_check("[", NULL) == -1, "check: error may be NULL");
	ok(pattern_find("a", "a", 1, NULL, NULL) == 1,
	    "find: m and error may be NULL");
	ok(pattern_find("^$", NULL, 0, NULL, NULL) == 1,
	    "find: NULL subject of length 0");
	ok(pattern_find("%z", "a\0b", 3, &m, &err) == 1 &&
	    m.match.start == 1 && m.match.len == 1, "find: %%z at offset 1");
	ok(pattern_find("()aa()", "flaaap", 6, &m, &err) == 1 &&
	    m.cap[0].start == 2 && m.cap[1].start == 4 &&
	    m.cap[2].start == 0 && m.cap[2].len == 0,
	    "find: positions 2 and 4, the rest zero");
}

/* 32 captures are allowed, as in Lua and OpenBSD; 33 are not. */
static void
test_captures_max(void)
{
	struct pattern_match m;
	char p[2 * (PATTERN_CAPTURES_MAX + 1) + 1];
	const char *err;
	size_t k;

	for (k = 0; k < PATTERN_CAPTURES_MAX + 1; k++)
		memcpy(p + 2 * k, "()", 2);
	p[2 * PATTERN_CAPTURES_MAX] = '\0';
	ok(pattern_find(p, "abc", 3, &m, &err) == 1 &&
	    m.ncaptures == PATTERN_CAPTURES_MAX, "32 captures");
	p[2 * PATTERN_CAPTURES_MAX] = '(';
	p[2 * PATTERN_CAPTURES_MAX + 2] = '\0';
	ok(pattern_find(p, "abc", 3, &m, &err) == -1, "33 captures fail");
	is_str(err, "too many captures", "33 captures: error");
}

/* "a?" recurses once per item taken: 150 fit in 200, 250 do not. */
static void
test_depth(void)
{
	char p[2 * 250 + 1], s[250];
	const char *err;
	size_t k;

	for (k = 0; k < 250; k++)
		memcpy(p + 2 * k, "a?", 2);
	memset(s, 'a', sizeof(s));
	p[2 * 150] = '\0';
	ok(pattern_find(p, s, 150, NULL, &err) == 1, "150 nested items");
	p[2 * 150] = 'a';
	p[2 * 250] = '\0';
	ok(pattern_find(p, s, 250, NULL, &err) == -1, "250 nested items fail");
	is_str(err, "pattern too complex", "250 nested items: error");
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Exponential and quadratic patterns stop at the step limit, fast. */
static void
test_steps(void)
{
	static char s[60000];
	char p[4 * 12 + 2];
	struct timespec t0;
	const char *err;
	size_t k;
	int r;

	memset(s, 'a', sizeof(s));
	for (k = 0; k < 12; k++)
		memcpy(p + 4 * k, "(.-)", 4);
	memcpy(p + 4 * 12, "x", 2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = pattern_find(p, s, 5000, NULL, &err);
	ok(r == -1 && elapsed(&t0) < 2.0, "(.-)...x stops quickly");
	is_str(err, "pattern too complex (step limit)", "(.-)...x: error");
	ok(pattern_find(".*x", s, 4000, NULL, &err) == -1,
	    "unanchored .*x on 4000 bytes hits the step limit");
	ok(pattern_find(".*x", s, 700, NULL, &err) == 0,
	    "unanchored .*x on 700 bytes is within it");
	/* Anchored patterns are linear: a long path is no problem. */
	s[sizeof(s) - 4] = '.';
	memcpy(s + sizeof(s) - 3, "php", 3);
	ok(pattern_find("^(.*)%.php$", s, sizeof(s), NULL, &err) == 1,
	    "anchored (.*)%%.php$ on 60000 bytes");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_check();
	test_captures_max();
	test_depth();
	test_steps();
	return done_testing();
}
