/*
 * conf_parse: what every grammar needs on top of the lexer -- lookahead,
 * keywords, strings, numbers, ports, blocks, end of statement, error
 * reporting, and the quoting used by normalized dumps.
 */
#include <netdb.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf_impl.h"

struct conf *
conf_new(struct arena *a, const char *const *keywords)
{
	struct conf *c = arena_alloc(a, sizeof(*c));

	c->arena = a;
	c->keywords = keywords;
	return c;
}

void
conf_close(struct conf *c)
{
	(void)c;	/* everything lives in the caller's arena */
}

void
conf_set_warnings(struct conf *c, FILE *f)
{
	c->warnings = f;
}

struct arena *
conf_arena(const struct conf *c)
{
	return c->arena;
}

bool
conf_failed(const struct conf *c)
{
	return c->failed;
}

const char *
conf_error_message(const struct conf *c)
{
	return c->failed ? c->error : NULL;
}

/* Messages point at the next token: the one that was not wanted. */
static void
message_position(struct conf *c, const char **file, int *line)
{
	const struct conf_token *t = conf_peek(c);

	*file = t->file != NULL ? t->file : lex_file_name(c);
	*line = t->line;
	/* A newline token belongs to the line it ends. */
}

void
conf_error(struct conf *c, const char *fmt, ...)
{
	va_list ap;
	char msg[CONF_ERROR_MAX];
	const char *file;
	int line;

	if (c->failed)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->nla == 0 && c->in == NULL) {
		/* Nothing read yet (the file could not be opened). */
		c->failed = true;
		(void)snprintf(c->error, sizeof(c->error), "%s", msg);
		return;
	}
	message_position(c, &file, &line);
	lex_error_at(c, file, line, "%s", msg);
}

void
conf_warn(struct conf *c, const char *fmt, ...)
{
	va_list ap;
	const char *file;
	int line;

	c->nwarnings++;
	if (c->warnings == NULL)
		return;
	message_position(c, &file, &line);
	fprintf(c->warnings, "%s:%d: warning: ", file, line);
	va_start(ap, fmt);
	vfprintf(c->warnings, fmt, ap);
	va_end(ap);
	fputc('\n', c->warnings);
}

/* Lookahead */

const struct conf_token *
conf_peek(struct conf *c)
{
	static const struct conf_token failed = { .kind = CT_ERROR, .text = "" };

	/* After an error every loop sees the same token and stops. */
	if (c->failed)
		return &failed;
	if (c->nla == 0) {
		lex_token(c, &c->la[0]);
		c->nla = 1;
	}
	return &c->la[0].tok;
}

const struct conf_token *
conf_peek2(struct conf *c)
{
	const struct conf_token *t = conf_peek(c);

	if (t->kind == CT_ERROR)
		return t;
	if (c->nla == 1) {
		lex_token(c, &c->la[1]);
		c->nla = 2;
	}
	return &c->la[1].tok;
}

void
conf_next(struct conf *c)
{
	const struct conf_token *t = conf_peek(c);

	if (t->kind == CT_EOF || t->kind == CT_ERROR)
		return;		/* sticky: never read past the end */
	if (c->nla == 2) {
		c->la[0] = c->la[1];
		c->la[0].tok.text = c->la[0].text;
	}
	c->nla--;
}

const char *
conf_describe(struct conf *c, const struct conf_token *t)
{
	switch (t->kind) {
	case CT_EOF:
		return "end of file";
	case CT_NL:
		return "end of line";
	case CT_PUNCT:
		return arena_printf(c->arena, "'%c'", t->punct);
	case CT_WORD:
		return arena_printf(c->arena, "'%.64s'", t->text);
	case CT_QUOTED:
		return arena_printf(c->arena, "\"%.64s\"", t->text);
	case CT_ERROR:
		break;
	}
	return "error";
}

bool
conf_is(struct conf *c, const char *kw)
{
	const struct conf_token *t = conf_peek(c);

	return t->kind == CT_WORD && strcmp(t->text, kw) == 0;
}

bool
conf_accept(struct conf *c, const char *kw)
{
	if (!conf_is(c, kw))
		return false;
	conf_next(c);
	return true;
}

bool
conf_expect(struct conf *c, const char *kw)
{
	if (conf_accept(c, kw))
		return true;
	conf_error(c, "expected '%s', found %s", kw,
	    conf_describe(c, conf_peek(c)));
	return false;
}

bool
conf_is_punct(struct conf *c, int ch)
{
	const struct conf_token *t = conf_peek(c);

	return t->kind == CT_PUNCT && t->punct == ch;
}

bool
conf_accept_punct(struct conf *c, int ch)
{
	if (!conf_is_punct(c, ch))
		return false;
	conf_next(c);
	return true;
}

static bool
conf_expect_punct(struct conf *c, int ch)
{
	if (conf_accept_punct(c, ch))
		return true;
	conf_error(c, "expected '%c', found %s", ch,
	    conf_describe(c, conf_peek(c)));
	return false;
}

/* Arguments */

char *
conf_string(struct conf *c, const char *what)
{
	const struct conf_token *t = conf_peek(c);
	char *s;

	if (c->failed)
		return NULL;
	if (t->kind == CT_QUOTED ||
	    (t->kind == CT_WORD && !lex_is_keyword(c, t->text))) {
		s = arena_strndup(c->arena, t->text, t->len);
		conf_next(c);
		return s;
	}
	if (t->kind == CT_WORD)
		conf_error(c, "expected %s, found keyword '%s' (quote it)",
		    what, t->text);
	else
		conf_error(c, "expected %s, found %s", what,
		    conf_describe(c, t));
	return NULL;
}

static bool
all_digits(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

bool
conf_number(struct conf *c, const char *what, long long min, long long max,
    long long *out)
{
	const struct conf_token *t = conf_peek(c);
	long long v;
	char *end;

	if (c->failed)
		return false;
	if (t->kind != CT_WORD || !all_digits(t->text)) {
		conf_error(c, "expected a number for %s, found %s", what,
		    conf_describe(c, t));
		return false;
	}
	errno = 0;
	v = strtoll(t->text, &end, 10);
	if (errno == ERANGE || v < min || v > max) {
		conf_error(c, "%s %s out of range (%lld-%lld)", what, t->text,
		    min, max);
		return false;
	}
	*out = v;
	conf_next(c);
	return true;
}

bool
conf_port(struct conf *c, uint16_t *out)
{
	const struct conf_token *t = conf_peek(c);
	struct servent *se;
	long long v;

	if (c->failed)
		return false;
	if (t->kind == CT_WORD && all_digits(t->text)) {
		if (!conf_number(c, "port", 1, 65535, &v))
			return false;
		*out = (uint16_t)v;
		return true;
	}
	if (t->kind != CT_WORD && t->kind != CT_QUOTED) {
		conf_error(c, "expected a port, found %s", conf_describe(c, t));
		return false;
	}
	if ((se = getservbyname(t->text, "tcp")) == NULL &&
	    (se = getservbyname(t->text, "udp")) == NULL) {
		conf_error(c, "unknown port '%s'", t->text);
		return false;
	}
	*out = ntohs((uint16_t)se->s_port);
	conf_next(c);
	return true;
}

char *
conf_table_name(struct conf *c, size_t max)
{
	const struct conf_token *t;
	char *name;

	if (!conf_expect_punct(c, '<'))
		return NULL;
	t = conf_peek(c);
	if (t->kind != CT_WORD && t->kind != CT_QUOTED) {
		conf_error(c, "expected a table name, found %s",
		    conf_describe(c, t));
		return NULL;
	}
	if (t->len == 0 || t->len > max) {
		conf_error(c, "invalid table name '%.64s' (1-%zu bytes)",
		    t->text, max);
		return NULL;
	}
	name = arena_strndup(c->arena, t->text, t->len);
	conf_next(c);
	if (!conf_expect_punct(c, '>'))
		return NULL;
	return name;
}

/* Statements and blocks */

bool
conf_eol(struct conf *c)
{
	const struct conf_token *t = conf_peek(c);

	if (c->failed)
		return false;
	if (t->kind == CT_NL) {
		conf_next(c);
		return true;
	}
	if (t->kind == CT_EOF || (t->kind == CT_PUNCT &&
	    (t->punct == '}' || t->punct == ',')))
		return true;
	conf_error(c, "unexpected %s at end of statement", conf_describe(c, t));
	return false;
}

bool
conf_block_open(struct conf *c)
{
	const struct conf_token *t = conf_peek(c);

	if (c->nblocks >= CONF_BLOCK_DEPTH) {
		conf_error(c, "blocks nested too deeply");
		return false;
	}
	if (!conf_is_punct(c, '{')) {
		conf_error(c, "expected '{', found %s", conf_describe(c, t));
		return false;
	}
	c->block_file[c->nblocks] = t->file;
	c->block_line[c->nblocks] = t->line;
	c->nblocks++;
	conf_next(c);
	return true;
}

bool
conf_block_next(struct conf *c)
{
	const struct conf_token *t;

	for (;;) {
		if (c->failed)
			return false;
		t = conf_peek(c);
		if (t->kind == CT_NL ||
		    (t->kind == CT_PUNCT && t->punct == ',')) {
			conf_next(c);
			continue;
		}
		if (t->kind == CT_PUNCT && t->punct == '}') {
			c->nblocks--;
			conf_next(c);
			return false;
		}
		if (t->kind == CT_EOF) {
			conf_error(c, "missing '}' for the block opened at %s:%d",
			    c->block_file[c->nblocks - 1],
			    c->block_line[c->nblocks - 1]);
			return false;
		}
		return true;
	}
}

void
conf_include(struct conf *c)
{
	const struct conf_token *t = conf_peek(c);
	struct conf_token at;
	char *path;

	if (t->kind != CT_QUOTED && t->kind != CT_WORD) {
		conf_error(c, "include: expected a file name, found %s",
		    conf_describe(c, t));
		return;
	}
	path = arena_strndup(c->arena, t->text, t->len);
	at = *t;
	/*
	 * The file name is the last token of the statement: the newline
	 * after it must be taken before the new file is pushed, or it would
	 * be read after the included file instead of before it.
	 */
	conf_next(c);
	if (conf_peek(c)->kind != CT_NL && conf_peek(c)->kind != CT_EOF) {
		conf_error(c, "include: unexpected %s after the file name",
		    conf_describe(c, conf_peek(c)));
		return;
	}
	c->nla = 0;	/* drop the newline; nothing was read past it */
	(void)lex_open_file(c, path, &at);
}

void
conf_print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
