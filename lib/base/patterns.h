/*
 * patterns: Lua 5.3 string patterns as OpenBSD's httpd and relayd use
 * them (patterns(7)) for "server match", "alias match", "location match"
 * and relayd's "pattern".
 *
 * Pure: no I/O, no allocation, no locale (the C locale is built in, so
 * bytes >= 0x80 are never letters, digits or punctuation).  The subject
 * is a byte string of len bytes that need not be NUL-terminated and may
 * hold NULs; the pattern is a NUL-terminated string.
 *
 * Work is bounded so that a request cannot make a worker spin:
 * PATTERN_DEPTH_MAX nested matching calls (OpenBSD's MAXCCALLS) and
 * PATTERN_STEPS_MAX matching steps -- one per pattern item tried and one
 * per subject byte scanned by a repetition, %b or a back-reference -- per
 * pattern_find() call.  A million steps is about 5 ms; an unanchored
 * quadratic search such as ".*x" reaches it at about 1000 bytes of
 * subject, while anchored ones ("^/(.*)$") are linear.  A caller should
 * fail closed on -1 (answer 500), not take it as "no match": a request
 * that exhausts the budget must not fall through to another location.
 *
 * Unlike Lua, which reports a malformed pattern only when the matcher
 * reaches the bad item, the whole pattern is checked before matching:
 * pattern_find() fails on every pattern pattern_check() rejects.
 */
#ifndef PATTERNS_H
#define PATTERNS_H

#include <stddef.h>

enum { PATTERN_CAPTURES_MAX = 32 };	/* as OpenBSD's MAXCAPTURES */
enum {
	PATTERN_DEPTH_MAX = 200,	/* as OpenBSD's MAXCCALLS */
	PATTERN_STEPS_MAX = 1000000	/* per pattern_find() call */
};

/* Offsets into the subject.  A position capture "()" has len 0. */
struct pattern_capture { size_t start, len; };

struct pattern_match {
	size_t			ncaptures;	/* captures found, not counting the whole match */
	struct pattern_capture	match;		/* the whole match */
	struct pattern_capture	cap[PATTERN_CAPTURES_MAX];	/* %1.. */
};

/*
 * Find the first match of pattern in subject[0..len): unanchored unless
 * the pattern starts with '^', as Lua's string.find.  Returns 1 on a
 * match (filling *m; entries past ncaptures are zero), 0 on no match, -1
 * if the pattern is malformed or the match exceeds the limits above.
 * *error is set to NULL, or on -1 to a static message:
 *	"malformed pattern (ends with '%')"
 *	"malformed pattern (missing ']')"
 *	"malformed pattern (missing arguments to '%b')"
 *	"missing '[' after '%f' in pattern"
 *	"invalid capture index"		%0, or %n before capture n closed
 *	"invalid pattern capture"	')' with no open capture
 *	"unfinished capture"		'(' never closed
 *	"too many captures"		more than PATTERN_CAPTURES_MAX
 *	"pattern too complex"		deeper than PATTERN_DEPTH_MAX
 *	"pattern too complex (step limit)"  more than PATTERN_STEPS_MAX
 * m and error may be NULL; subject may be NULL only if len is 0.
 */
int	pattern_find(const char *pattern, const char *subject, size_t len,
	    struct pattern_match *m, const char **error);

/* Check a pattern once at configuration time: 0 ok, -1 with *error. */
int	pattern_check(const char *pattern, const char **error);

#endif
