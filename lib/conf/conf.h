/*
 * conf: the lexer and the token-level parsing helpers shared by the
 * httpd.conf and relayd.conf grammars.
 *
 * The language is OpenBSD's: statements end at a newline, '#' starts a
 * comment, a backslash before a newline joins lines, strings are words or
 * are quoted with " or ', macros are defined with name = value and expanded
 * with $name outside quotes, and include "file" reads another file in
 * place.  The grammars above this are hand-written recursive descent: they
 * look at the next token, accept keywords, and call the helpers below.
 *
 * Errors: the first error is kept as "file:line: message" and every later
 * call becomes a no-op that fails, so a grammar can check conf_failed()
 * at loop heads instead of after every call.  Warnings (directives Linux
 * cannot honour) go to the warning stream with the same prefix.
 *
 * Memory: every string returned comes from the arena given at creation and
 * lives as long as it; the parser itself is freed by conf_close().
 */
#ifndef CONF_H
#define CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"

/* Bounds, each with the reason it exists. */
enum {
	CONF_TOKEN_MAX = 8192,		/* one word or quoted string, as OpenBSD */
	CONF_INCLUDE_DEPTH = 16,	/* nested include files */
	CONF_MACRO_DEPTH = 32,		/* macros expanding macros */
	CONF_FILE_MAX = 16 << 20,	/* one file, read whole */
	CONF_BLOCK_DEPTH = 16,		/* nested braces (grammars need 3) */
	CONF_ERROR_MAX = 1024
};
#define CONF_INCLUDE_DEPTH_TEXT "16"	/* for messages */

enum conf_tok {
	CT_EOF,		/* end of the top-level file */
	CT_NL,		/* end of a line (and of an included file) */
	CT_WORD,	/* unquoted word: keyword, number, name */
	CT_QUOTED,	/* quoted string: never a keyword or a number */
	CT_PUNCT,	/* one of { } < > , = ; ( ) ! */
	CT_ERROR	/* the lexer failed; see conf_error_message() */
};

struct conf_token {
	enum conf_tok	 kind;
	int		 punct;		/* CT_PUNCT: the character */
	const char	*text;		/* CT_WORD, CT_QUOTED: NUL-terminated */
	size_t		 len;
	const char	*file;
	int		 line;
};

struct conf;

/*
 * keywords: NULL-terminated list of the grammar's reserved words.  An
 * unquoted reserved word is never accepted where a free string is
 * expected, and cannot name a macro, as in OpenBSD.
 */
struct conf	*conf_new(struct arena *, const char *const *keywords);
void		 conf_close(struct conf *);
/* Where warnings go; NULL (the default) discards them. */
void		 conf_set_warnings(struct conf *, FILE *);
/* A -D name=value definition; it overrides any definition in the file. */
bool		 conf_define(struct conf *, const char *assignment);
/* Start reading a file, or a buffer (for tests and fuzzing). */
bool		 conf_open_file(struct conf *, const char *path);
void		 conf_open_buffer(struct conf *, const char *name,
		    const char *buf, size_t len);

/* Errors and warnings, reported at the line of the next token. */
void		 conf_error(struct conf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 conf_warn(struct conf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
bool		 conf_failed(const struct conf *);
const char	*conf_error_message(const struct conf *);
struct arena	*conf_arena(const struct conf *);

/* Tokens: one or two of lookahead. */
const struct conf_token	*conf_peek(struct conf *);
const struct conf_token	*conf_peek2(struct conf *);
void		 conf_next(struct conf *);
/* The peeked token as text for messages ("'{'", "end of line", ...). */
const char	*conf_describe(struct conf *, const struct conf_token *);

/* The next token is the unquoted word kw. */
bool		 conf_is(struct conf *, const char *kw);
/* Same, and consume it. */
bool		 conf_accept(struct conf *, const char *kw);
/* Same, or fail with "expected 'kw'". */
bool		 conf_expect(struct conf *, const char *kw);
bool		 conf_is_punct(struct conf *, int ch);
bool		 conf_accept_punct(struct conf *, int ch);

/*
 * A string argument (word that is not a keyword, or quoted), copied into
 * the arena; NULL after an error naming `what`.
 */
char		*conf_string(struct conf *, const char *what);
/* An unquoted decimal number within [min, max]. */
bool		 conf_number(struct conf *, const char *what, long long min,
		    long long max, long long *);
/* A port: a number 1-65535 or a service name from /etc/services. */
bool		 conf_port(struct conf *, uint16_t *);
/* <name> of a relayd table; at most `max` bytes. */
char		*conf_table_name(struct conf *, size_t max);

/* The end of a statement: newline, end of file, or (not consumed) '}'. */
bool		 conf_eol(struct conf *);

/*
 * Blocks: conf_block_open() takes '{'; conf_block_next() skips the
 * newlines and commas between items and returns false once '}' has been
 * taken (or on error, e.g. end of file before '}').
 */
bool		 conf_block_open(struct conf *);
bool		 conf_block_next(struct conf *);

/*
 * Statements every grammar shares.  conf_macro_statement() parses
 * "name = value" when the next tokens are a word and '='; it returns
 * false without consuming anything otherwise.  conf_include() is called
 * after the word include: it reads the file name and continues in it.
 */
bool		 conf_macro_statement(struct conf *);
void		 conf_include(struct conf *);

/* Quote a string for a normalized dump so that it lexes back the same. */
void		 conf_print_quoted(FILE *, const char *);

#endif
