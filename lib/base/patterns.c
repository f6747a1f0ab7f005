/*
 * Lua 5.3 string patterns (patterns(7)): a backtracking matcher over
 * (subject, len) that walks the pattern text directly.  The pattern is
 * validated first (pattern_check), so the matcher may rely on every
 * set being closed, every '%' having a successor and every capture
 * reference being valid; it still fails safe if it is not.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/patterns.h"

enum pattern_error {
	PATTERN_OK,
	PATTERN_EESCAPE,
	PATTERN_ESET,
	PATTERN_EBALANCE,
	PATTERN_EFRONTIER,
	PATTERN_ECAPINDEX,
	PATTERN_ECAPCLOSE,
	PATTERN_ECAPOPEN,
	PATTERN_ECAPMAX,
	PATTERN_EDEPTH,
	PATTERN_ESTEPS
};

/* The texts are Lua's and OpenBSD's, so that logs read the same. */
static const char *const pattern_errors[] = {
	[PATTERN_OK] = NULL,
	[PATTERN_EESCAPE] = "malformed pattern (ends with '%')",
	[PATTERN_ESET] = "malformed pattern (missing ']')",
	[PATTERN_EBALANCE] = "malformed pattern (missing arguments to '%b')",
	[PATTERN_EFRONTIER] = "missing '[' after '%f' in pattern",
	[PATTERN_ECAPINDEX] = "invalid capture index",
	[PATTERN_ECAPCLOSE] = "invalid pattern capture",
	[PATTERN_ECAPOPEN] = "unfinished capture",
	[PATTERN_ECAPMAX] = "too many captures",
	[PATTERN_EDEPTH] = "pattern too complex",
	[PATTERN_ESTEPS] = "pattern too complex (step limit)"
};

#define NOMATCH		SIZE_MAX	/* no subject offset is this large */
#define CAP_OPEN	SIZE_MAX	/* capture length while still open */
#define CAP_POSITION	(SIZE_MAX - 1)	/* capture length of "()" */

struct matcher {
	const unsigned char	*s;		/* subject */
	size_t			 len;
	size_t			 depth;		/* nested calls left */
	size_t			 steps;		/* steps left */
	enum pattern_error	 err;
	size_t			 level;		/* captures opened so far */
	struct pattern_capture	 cap[PATTERN_CAPTURES_MAX];
};

static size_t	match(struct matcher *, size_t, const char *);

static size_t
fail(struct matcher *m, enum pattern_error err)
{
	if (m->err == PATTERN_OK)
		m->err = err;
	return NOMATCH;
}

/* Charge n steps; false once the budget is gone. */
static bool
spend(struct matcher *m, size_t n)
{
	if (m->err != PATTERN_OK)
		return false;
	if (n > m->steps) {
		m->steps = 0;
		fail(m, PATTERN_ESTEPS);
		return false;
	}
	m->steps -= n;
	return true;
}

static bool
is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(unsigned char c)
{
	return is_lower(c) || is_upper(c) || is_digit(c);
}

/*
 * Does c belong to class cl (the letter after '%')?  An uppercase class
 * letter is the complement.  Any other character stands for itself;
 * that includes %z, Lua 5.1's NUL class, which OpenBSD still accepts.
 */
static bool
class_match(unsigned char c, unsigned char cl)
{
	unsigned char lc = is_upper(cl) ? (unsigned char)(cl - 'A' + 'a') : cl;
	bool in;

	switch (lc) {
	case 'a': in = is_lower(c) || is_upper(c); break;
	case 'c': in = c < 0x20 || c == 0x7f; break;
	case 'd': in = is_digit(c); break;
	case 'g': in = c > 0x20 && c < 0x7f; break;
	case 'l': in = is_lower(c); break;
	case 'p': in = c > 0x20 && c < 0x7f && !is_alnum(c); break;
	case 's': in = c == ' ' || (c >= '\t' && c <= '\r'); break;
	case 'u': in = is_upper(c); break;
	case 'w': in = is_alnum(c); break;
	case 'x': in = is_digit(c) || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F'); break;
	case 'z': in = c == '\0'; break;
	default: return c == cl;
	}
	return is_lower(cl) ? in : !in;
}

/*
 * The end of the set at p ('['): just past its ']', or NULL if there is
 * none.  A ']' right after "[" or "[^" is a member, and "%]" is escaped.
 */
static const char *
set_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	do {
		if (*p == '\0')
			return NULL;
		if (*p++ == '%' && *p != '\0')
			p++;
	} while (*p != ']');
	return p + 1;
}

/* Does c belong to the set from p ('[') to last (its ']')? */
static bool
set_match(unsigned char c, const char *p, const char *last)
{
	bool in = true;

	if (*++p == '^') {
		in = false;
		p++;
	}
	for (; p < last; p++) {
		if (*p == '%') {
			/* set_end() guarantees a member after '%'. */
			if (class_match(c, (unsigned char)*++p))
				return in;
		} else if (p[1] == '-' && p + 2 < last) {
			/* A range; a '-' just before ']' is a member. */
			if ((unsigned char)p[0] <= c &&
			    c <= (unsigned char)p[2])
				return in;
			p += 2;
		} else if ((unsigned char)*p == c)
			return in;
	}
	return !in;
}

/* The end of the single-character class at p, or NULL if unclosed. */
static const char *
item_end(const char *p)
{
	if (*p == '%')
		return p[1] == '\0' ? NULL : p + 2;
	if (*p == '[')
		return set_end(p);
	return p + 1;
}

/* Does subject byte i exist and belong to the class from p to ep? */
static bool
single(const struct matcher *m, size_t i, const char *p, const char *ep)
{
	unsigned char c;

	if (i >= m->len)
		return false;
	c = m->s[i];
	switch (*p) {
	case '.':
		return true;
	case '%':
		return class_match(c, (unsigned char)p[1]);
	case '[':
		return set_match(c, p, ep - 1);
	default:
		return (unsigned char)*p == c;
	}
}

/* Greedy: take as many as possible, then give back one at a time. */
static size_t
expand_max(struct matcher *m, size_t i, const char *p, const char *ep)
{
	size_t n = 0, r;

	while (single(m, i + n, p, ep)) {
		if (!spend(m, 1))
			return NOMATCH;
		n++;
	}
	for (;;) {
		if ((r = match(m, i + n, ep + 1)) != NOMATCH ||
		    m->err != PATTERN_OK || n == 0)
			return r;
		n--;
	}
}

/* Lazy ('-'): try the rest first, then one more repetition. */
static size_t
expand_min(struct matcher *m, size_t i, const char *p, const char *ep)
{
	size_t r;

	for (;;) {
		if ((r = match(m, i, ep + 1)) != NOMATCH ||
		    m->err != PATTERN_OK)
			return r;
		if (!single(m, i, p, ep))
			return NOMATCH;
		i++;
	}
}

static size_t
open_capture(struct matcher *m, size_t i, const char *p, size_t what)
{
	size_t r;

	if (m->level >= PATTERN_CAPTURES_MAX)
		return fail(m, PATTERN_ECAPMAX);
	m->cap[m->level].start = i;
	m->cap[m->level].len = what;
	m->level++;
	/* Backtracking past the '(' forgets the capture. */
	if ((r = match(m, i, p)) == NOMATCH)
		m->level--;
	return r;
}

static size_t
close_capture(struct matcher *m, size_t i, const char *p)
{
	size_t l, r;

	/* The innermost capture still open is the one ')' closes. */
	for (l = m->level; l > 0; l--)
		if (m->cap[l - 1].len == CAP_OPEN)
			break;
	if (l == 0)
		return fail(m, PATTERN_ECAPCLOSE);
	l--;
	m->cap[l].len = i - m->cap[l].start;
	if ((r = match(m, i, p)) == NOMATCH)
		m->cap[l].len = CAP_OPEN;
	return r;
}

/* %1..%9 at p: the subject at *i repeats capture n.  False to stop. */
static bool
backref(struct matcher *m, size_t *i, const char **p)
{
	const struct pattern_capture *c;
	size_t n = (size_t)((unsigned char)(*p)[1] - '1');

	if ((*p)[1] == '0' || n >= m->level || m->cap[n].len == CAP_OPEN) {
		*i = fail(m, PATTERN_ECAPINDEX);
		return false;
	}
	c = &m->cap[n];
	/* As in Lua, a position capture never matches as text. */
	if (c->len == CAP_POSITION || m->len - *i < c->len ||
	    !spend(m, c->len) ||
	    (c->len > 0 && memcmp(m->s + c->start, m->s + *i, c->len) != 0)) {
		*i = NOMATCH;
		return false;
	}
	*i += c->len;
	*p += 2;
	return true;
}

/* %bxy at p: a run from x to the y that balances it.  False to stop. */
static bool
balance(struct matcher *m, size_t *i, const char **p)
{
	unsigned char x = (unsigned char)(*p)[2], y = (unsigned char)(*p)[3];
	size_t j, depth = 1;

	if (x == '\0' || y == '\0') {
		*i = fail(m, PATTERN_EBALANCE);
		return false;
	}
	if (*i >= m->len || m->s[*i] != x) {
		*i = NOMATCH;
		return false;
	}
	for (j = *i + 1; j < m->len && spend(m, 1); j++) {
		/* y is tested first: with x == y the next x closes. */
		if (m->s[j] == y) {
			if (--depth == 0) {
				*i = j + 1;
				*p += 4;
				return true;
			}
		} else if (m->s[j] == x)
			depth++;
	}
	*i = NOMATCH;
	return false;
}

/*
 * %f[set] at p: the empty string between a byte outside set and one in
 * it; the subject's ends count as NUL.  False to stop.
 */
static bool
frontier(struct matcher *m, size_t *i, const char **p)
{
	const char *set = *p + 2, *end;
	unsigned char prev, next;

	if (*set != '[') {
		*i = fail(m, PATTERN_EFRONTIER);
		return false;
	}
	if ((end = set_end(set)) == NULL) {
		*i = fail(m, PATTERN_ESET);
		return false;
	}
	prev = *i == 0 ? '\0' : m->s[*i - 1];
	next = *i < m->len ? m->s[*i] : '\0';
	if (set_match(prev, set, end - 1) || !set_match(next, set, end - 1)) {
		*i = NOMATCH;
		return false;
	}
	*p = end;
	return true;
}

/*
 * A single class with an optional quantifier at *p.  The plain and
 * empty cases continue in the caller's loop (true); the others recurse
 * and leave the final result in *i (false).
 */
static bool
quantified(struct matcher *m, size_t *i, const char **p)
{
	const char *ep;
	size_t r;

	if ((ep = item_end(*p)) == NULL) {
		*i = fail(m, **p == '%' ? PATTERN_EESCAPE : PATTERN_ESET);
		return false;
	}
	if (!single(m, *i, *p, ep)) {
		if (*ep == '*' || *ep == '?' || *ep == '-') {
			*p = ep + 1;
			return true;
		}
		*i = NOMATCH;
		return false;
	}
	switch (*ep) {
	case '?':
		/* With the byte first; without it, go on in the loop. */
		if ((r = match(m, *i + 1, ep + 1)) != NOMATCH ||
		    m->err != PATTERN_OK) {
			*i = r;
			return false;
		}
		*p = ep + 1;
		return true;
	case '+':
		*i = expand_max(m, *i + 1, *p, ep);
		return false;
	case '*':
		*i = expand_max(m, *i, *p, ep);
		return false;
	case '-':
		*i = expand_min(m, *i, *p, ep);
		return false;
	default:
		(*i)++;
		*p = ep;
		return true;
	}
}

/*
 * One pattern item at *p against the subject at *i.  Returns true to go
 * on with the updated *i and *p; false when *i holds the end of the
 * match, or NOMATCH.
 */
static bool
item(struct matcher *m, size_t *i, const char **p)
{
	const char *q = *p;

	if (!spend(m, 1)) {
		*i = NOMATCH;
		return false;
	}
	switch (q[0]) {
	case '\0':
		return false;
	case '(':
		if (q[1] == ')')
			*i = open_capture(m, *i, q + 2, CAP_POSITION);
		else
			*i = open_capture(m, *i, q + 1, CAP_OPEN);
		return false;
	case ')':
		*i = close_capture(m, *i, q + 1);
		return false;
	case '$':
		/* Only a final '$' anchors; elsewhere it is a literal. */
		if (q[1] != '\0')
			break;
		if (*i != m->len)
			*i = NOMATCH;
		return false;
	case '%':
		if (q[1] == 'b')
			return balance(m, i, p);
		if (q[1] == 'f')
			return frontier(m, i, p);
		if (is_digit((unsigned char)q[1]))
			return backref(m, i, p);
		break;
	}
	return quantified(m, i, p);
}

/* Match p against the subject at i: the end of the match, or NOMATCH. */
static size_t
match(struct matcher *m, size_t i, const char *p)
{
	/* Each recursion is a backtracking point; bound the C stack. */
	if (m->depth == 0)
		return fail(m, PATTERN_EDEPTH);
	m->depth--;
	while (item(m, &i, &p))
		continue;
	m->depth++;
	return i;
}

/* What the static check knows at a point of the pattern. */
struct checker {
	bool	open[PATTERN_CAPTURES_MAX];	/* capture still open */
	size_t	level;				/* captures begun */
};

/* A capture's '(' or ')' at *p. */
static enum pattern_error
check_paren(struct checker *c, const char **p)
{
	size_t l;

	if (**p == '(') {
		if (c->level == PATTERN_CAPTURES_MAX)
			return PATTERN_ECAPMAX;
		/* "()" is a position, closed as soon as it opens. */
		c->open[c->level++] = (*p)[1] != ')';
		*p += (*p)[1] == ')' ? 2 : 1;
		return PATTERN_OK;
	}
	for (l = c->level; l > 0 && !c->open[l - 1]; l--)
		continue;
	if (l == 0)
		return PATTERN_ECAPCLOSE;
	c->open[l - 1] = false;
	(*p)++;
	return PATTERN_OK;
}

/*
 * An item at *p: %b, %f and %n take no quantifier; a class ('$' too,
 * unless last) may have one.
 */
static enum pattern_error
check_item(const struct checker *c, const char **p)
{
	const char *q = *p;
	size_t n;

	if (q[0] == '%' && q[1] == 'b') {
		if (q[2] == '\0' || q[3] == '\0')
			return PATTERN_EBALANCE;
		*p = q + 4;
	} else if (q[0] == '%' && q[1] == 'f') {
		if (q[2] != '[')
			return PATTERN_EFRONTIER;
		if ((*p = set_end(q + 2)) == NULL)
			return PATTERN_ESET;
	} else if (q[0] == '%' && is_digit((unsigned char)q[1])) {
		n = (size_t)((unsigned char)q[1] - '0');
		if (n == 0 || n > c->level || c->open[n - 1])
			return PATTERN_ECAPINDEX;
		*p = q + 2;
	} else {
		if (q[0] == '%' && q[1] == '\0')
			return PATTERN_EESCAPE;
		if ((q = item_end(q)) == NULL)
			return PATTERN_ESET;
		if (*q == '*' || *q == '+' || *q == '-' || *q == '?')
			q++;
		*p = q;
	}
	return PATTERN_OK;
}

/*
 * Static check: the matcher walks the pattern left to right and undoes
 * captures when it backtracks, so which captures are open or closed at
 * each item is known from the text alone.
 */
static enum pattern_error
check(const char *p)
{
	struct checker c;
	enum pattern_error err;
	size_t l;

	memset(&c, 0, sizeof(c));
	if (*p == '^')
		p++;
	while (*p != '\0') {
		if (*p == '(' || *p == ')')
			err = check_paren(&c, &p);
		else
			err = check_item(&c, &p);
		if (err != PATTERN_OK)
			return err;
	}
	for (l = 0; l < c.level; l++)
		if (c.open[l])
			return PATTERN_ECAPOPEN;
	return PATTERN_OK;
}

int
pattern_check(const char *pattern, const char **error)
{
	enum pattern_error err = check(pattern);

	if (error != NULL)
		*error = pattern_errors[err];
	return err == PATTERN_OK ? 0 : -1;
}

static void
report(const struct matcher *mt, size_t start, size_t end,
    struct pattern_match *m)
{
	size_t k;

	memset(m, 0, sizeof(*m));
	m->match.start = start;
	m->match.len = end - start;
	m->ncaptures = mt->level;
	for (k = 0; k < mt->level; k++) {
		m->cap[k].start = mt->cap[k].start;
		/* check() proved every capture closed; a position is empty. */
		if (mt->cap[k].len != CAP_POSITION &&
		    mt->cap[k].len != CAP_OPEN)
			m->cap[k].len = mt->cap[k].len;
	}
}

int
pattern_find(const char *pattern, const char *subject, size_t len,
    struct pattern_match *m, const char **error)
{
	struct matcher mt;
	const char *p = pattern;
	size_t start, end;
	bool anchored;

	if (pattern_check(pattern, error) == -1)
		return -1;
	if (subject == NULL && len > 0)
		return 0;
	memset(&mt, 0, sizeof(mt));
	mt.s = (const unsigned char *)subject;
	mt.len = len;
	mt.depth = PATTERN_DEPTH_MAX;
	mt.steps = PATTERN_STEPS_MAX;
	if ((anchored = *p == '^'))
		p++;
	/* Like string.find: every start, the empty tail included. */
	for (start = 0; start <= len; start++) {
		mt.level = 0;
		if ((end = match(&mt, start, p)) != NOMATCH) {
			if (m != NULL)
				report(&mt, start, end, m);
			return 1;
		}
		if (mt.err != PATTERN_OK) {
			if (error != NULL)
				*error = pattern_errors[mt.err];
			return -1;
		}
		if (anchored)
			break;
	}
	return 0;
}
