/*
 * conf_impl: the parser state shared by conf_lex.c (reading input,
 * macros, includes) and conf_parse.c (helpers for grammars).  Not for
 * use outside those two files.
 */
#ifndef CONF_IMPL_H
#define CONF_IMPL_H

#include <sys/types.h>

#include "conf/conf.h"

enum input_kind { INPUT_FILE, INPUT_MACRO };

/* A stack of inputs: the top is read first; files and macro bodies. */
struct input {
	struct input	*up;
	enum input_kind	 kind;
	const char	*name;		/* file name or macro name */
	const char	*buf;
	size_t		 len, pos;
	int		 line;		/* INPUT_FILE only */
	dev_t		 dev;		/* INPUT_FILE: include cycle check */
	ino_t		 ino;
	bool		 ended;		/* INPUT_FILE: end reported */
};

struct macro {
	struct macro	*next;
	const char	*name;
	const char	*value;
	bool		 from_cmdline;
};

struct lookahead {
	struct conf_token tok;
	char		 text[CONF_TOKEN_MAX];
};

struct conf {
	struct arena	*arena;
	const char *const *keywords;
	FILE		*warnings;
	int		 nwarnings;
	struct input	*in;
	int		 nfiles, nmacros;	/* depth of each kind */
	struct macro	*macros;
	struct lookahead la[2];
	int		 nla;		/* lookahead tokens held */
	int		 block_line[CONF_BLOCK_DEPTH];
	const char	*block_file[CONF_BLOCK_DEPTH];
	int		 nblocks;
	bool		 failed;
	char		 error[CONF_ERROR_MAX];
};

/* conf_lex.c */
void		 lex_token(struct conf *, struct lookahead *);
const char	*lex_file_name(const struct conf *);
bool		 lex_open_file(struct conf *, const char *,
		    const struct conf_token *);
bool		 lex_is_keyword(const struct conf *, const char *);
void		 lex_error_at(struct conf *, const char *, int, const char *,
		    ...) __attribute__((format(printf, 4, 5)));

#endif
