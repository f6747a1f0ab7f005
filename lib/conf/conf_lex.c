/*
 * conf_lex: turns the input stack (files, macro bodies) into tokens.
 *
 * The rules follow OpenBSD's parse.y lexers: a word starts with a letter,
 * digit, ':', '_' or '*' and goes on over letters, digits and punctuation
 * other than the structural characters; a backslash before a newline
 * joins lines everywhere, including inside comments and quotes; inside
 * quotes only \" (or \') is an escape and a raw newline is dropped.
 * Macro bodies are read as if they stood in the file, so "$a.1" with
 * a = "10.0.0" is the word 10.0.0.1.  Unlike OpenBSD, a macro body may
 * itself use macros; a macro that reaches itself is an error.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf_impl.h"

enum { LEX_EOF = -1, LEX_FILE_END = -2 };

/* Characters that end a word and stand alone as tokens. */
static const char punct_chars[] = "{}<>,=;()!";

static const struct input *
top_file(const struct conf *c)
{
	const struct input *in;

	for (in = c->in; in != NULL; in = in->up)
		if (in->kind == INPUT_FILE)
			return in;
	return NULL;
}

const char *
lex_file_name(const struct conf *c)
{
	const struct input *f = top_file(c);

	return f != NULL ? f->name : "(none)";
}

static int
lex_line(const struct conf *c)
{
	const struct input *f = top_file(c);

	return f != NULL ? f->line : 0;
}

void
lex_error_at(struct conf *c, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->failed)
		return;
	c->failed = true;
	n = snprintf(c->error, sizeof(c->error), "%s:%d: ", file, line);
	if (n < 0 || (size_t)n >= sizeof(c->error))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(c->error + n, sizeof(c->error) - (size_t)n, fmt, ap);
	va_end(ap);
}

bool
lex_is_keyword(const struct conf *c, const char *word)
{
	const char *const *k;

	if (c->keywords == NULL)
		return false;
	for (k = c->keywords; *k != NULL; k++)
		if (strcmp(*k, word) == 0)
			return true;
	return false;
}

static void
pop_input(struct conf *c)
{
	struct input *in = c->in;

	if (in->kind == INPUT_FILE)
		c->nfiles--;
	else
		c->nmacros--;
	c->in = in->up;
}

/*
 * The next character, or LEX_FILE_END at the end of a file (the caller
 * decides whether that ends the parse or returns to the including file).
 * Exhausted macro bodies are left behind silently.  A backslash before a
 * newline is skipped with the newline: the line continues.
 */
static int
lgetc(struct conf *c)
{
	struct input *in;
	int ch;

	for (;;) {
		if ((in = c->in) == NULL)
			return LEX_EOF;
		if (in->pos >= in->len) {
			if (in->kind == INPUT_FILE)
				return LEX_FILE_END;
			pop_input(c);
			continue;
		}
		ch = (unsigned char)in->buf[in->pos++];
		if (ch == '\\' && in->pos < in->len &&
		    in->buf[in->pos] == '\n') {
			in->pos++;
			if (in->kind == INPUT_FILE)
				in->line++;
			continue;
		}
		return ch;
	}
}

/* Give back the character just read: it came from the current input. */
static void
lungetc(struct conf *c, int ch)
{
	if (ch < 0 || c->in == NULL || c->in->pos == 0)
		return;
	c->in->pos--;
}

static void
count_newline(struct conf *c)
{
	struct input *in;

	for (in = c->in; in != NULL; in = in->up)
		if (in->kind == INPUT_FILE) {
			in->line++;
			return;
		}
}

static bool
word_start(int ch)
{
	return ch >= 0 && ch < 0x80 &&
	    (isalnum(ch) || ch == ':' || ch == '_' || ch == '*');
}

static bool
word_char(int ch)
{
	if (ch < 0 || ch >= 0x80)
		return false;
	if (isalnum(ch))
		return true;
	return ispunct(ch) && strchr(punct_chars, ch) == NULL &&
	    ch != '#' && ch != '"' && ch != '\'';
}

static void
set_token(struct lookahead *la, enum conf_tok kind, size_t len)
{
	la->tok.kind = kind;
	la->text[len] = '\0';
	la->tok.text = la->text;
	la->tok.len = len;
}

static void
lex_fail(struct conf *c, struct lookahead *la, const char *fmt, const char *arg)
{
	lex_error_at(c, la->tok.file, la->tok.line, fmt, arg);
	set_token(la, CT_ERROR, 0);
}

static void
lex_quoted(struct conf *c, struct lookahead *la, int quote)
{
	size_t n = 0;
	int ch, next;

	for (;;) {
		ch = lgetc(c);
		if (ch < 0) {
			lex_fail(c, la, "unterminated quoted string%s", "");
			return;
		}
		if (ch == '\n') {
			count_newline(c);
			continue;
		}
		if (ch == '\\') {
			next = lgetc(c);
			if (next == quote)
				ch = next;
			else
				lungetc(c, next);
		} else if (ch == quote)
			break;
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			lex_fail(c, la, "invalid character in quoted string%s",
			    "");
			return;
		}
		if (n + 1 >= sizeof(la->text)) {
			lex_fail(c, la, "string too long%s", "");
			return;
		}
		la->text[n++] = (char)ch;
	}
	set_token(la, CT_QUOTED, n);
}

static void
lex_word(struct conf *c, struct lookahead *la, int ch)
{
	size_t n = 0;

	do {
		if (n + 1 >= sizeof(la->text)) {
			lex_fail(c, la, "string too long%s", "");
			return;
		}
		la->text[n++] = (char)ch;
	} while (word_char(ch = lgetc(c)));
	lungetc(c, ch);
	set_token(la, CT_WORD, n);
}

static struct macro *
find_macro(struct conf *c, const char *name)
{
	struct macro *m;

	for (m = c->macros; m != NULL; m = m->next)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

/* $name: push the macro's body so that it is read in place. */
static bool
lex_expand(struct conf *c, struct lookahead *la)
{
	char name[CONF_TOKEN_MAX];
	size_t n = 0;
	int ch;
	struct macro *m;
	struct input *in;

	/*
	 * The name is read from the input that held the '$' without leaving
	 * it, so that a macro whose body ends in $name is still on the stack
	 * while name is expanded: that is what makes a loop visible.
	 */
	in = c->in;
	while (in != NULL && in->pos < in->len &&
	    (ch = (unsigned char)in->buf[in->pos]) < 0x80 &&
	    (isalnum(ch) || ch == '_')) {
		if (n + 1 >= sizeof(name)) {
			lex_fail(c, la, "macro name too long%s", "");
			return false;
		}
		name[n++] = (char)ch;
		in->pos++;
	}
	name[n] = '\0';
	if (n == 0) {
		lex_fail(c, la, "'$' not followed by a macro name%s", "");
		return false;
	}
	if ((m = find_macro(c, name)) == NULL) {
		lex_fail(c, la, "macro '%s' not defined", name);
		return false;
	}
	for (in = c->in; in != NULL; in = in->up)
		if (in->kind == INPUT_MACRO && strcmp(in->name, name) == 0) {
			lex_fail(c, la, "macro '%s' expands to itself", name);
			return false;
		}
	if (c->nmacros >= CONF_MACRO_DEPTH) {
		lex_fail(c, la, "macro '%s' nested too deeply", name);
		return false;
	}
	in = arena_alloc(c->arena, sizeof(*in));
	in->kind = INPUT_MACRO;
	in->name = m->name;
	in->buf = m->value;
	in->len = strlen(m->value);
	in->up = c->in;
	c->in = in;
	c->nmacros++;
	return true;
}

static void
lex_other(struct conf *c, struct lookahead *la, int ch)
{
	char what[64];

	if (ch < 0x80 && strchr(punct_chars, ch) != NULL && ch != '\0') {
		la->tok.punct = ch;
		set_token(la, CT_PUNCT, 0);
		return;
	}
	if (ch >= 0x20 && ch < 0x7f)
		(void)snprintf(what, sizeof(what), "syntax error at '%c'", ch);
	else
		(void)snprintf(what, sizeof(what),
		    "invalid byte 0x%02x", (unsigned)ch);
	lex_fail(c, la, "%s", what);
}

void
lex_token(struct conf *c, struct lookahead *la)
{
	int ch;

	memset(&la->tok, 0, sizeof(la->tok));
	if (c->failed) {
		set_token(la, CT_ERROR, 0);
		return;
	}
	for (;;) {
		while ((ch = lgetc(c)) == ' ' || ch == '\t')
			;
		la->tok.file = lex_file_name(c);
		la->tok.line = lex_line(c);
		if (ch == '#')
			while ((ch = lgetc(c)) != '\n' && ch >= 0)
				;
		if (ch == '$') {
			if (!lex_expand(c, la))
				return;
			continue;
		}
		if (ch != LEX_FILE_END || c->in->up == NULL)
			break;
		/*
		 * The end of an included file ends its last statement: one
		 * newline token, and only on the next call is the file left,
		 * so that an include on its last line still sees the file
		 * it stands in (for cycles and ordering).
		 */
		if (!c->in->ended) {
			c->in->ended = true;
			set_token(la, CT_NL, 0);
			return;
		}
		pop_input(c);
	}
	if (ch == LEX_FILE_END) {
		set_token(la, CT_EOF, 0);
		return;
	}
	if (ch == LEX_EOF) {
		set_token(la, CT_EOF, 0);
		return;
	}
	if (ch == '\n') {
		count_newline(c);
		set_token(la, CT_NL, 0);
		return;
	}
	if (ch == '"' || ch == '\'') {
		lex_quoted(c, la, ch);
		return;
	}
	if (word_start(ch) || (ch == '-' && c->in != NULL &&
	    c->in->pos < c->in->len && isdigit((unsigned char)c->in->buf[c->in->pos]))) {
		lex_word(c, la, ch);
		return;
	}
	lex_other(c, la, ch);
}

/* Files */

/*
 * Errors about a file are reported at the include statement that named
 * it, or without a position for the top-level file.
 */
static void
file_error(struct conf *c, const struct conf_token *at, const char *fmt,
    const char *path, const char *detail)
{
	char msg[CONF_ERROR_MAX];

	(void)snprintf(msg, sizeof(msg), fmt, path, detail);
	if (at != NULL)
		lex_error_at(c, at->file, at->line, "%s", msg);
	else
		conf_error(c, "%s", msg);
}

static bool
read_whole(struct conf *c, int fd, const char *path, struct input *in,
    const struct conf_token *at)
{
	struct stat st;
	char *buf;
	size_t off = 0;
	ssize_t n;

	if (fstat(fd, &st) == -1) {
		file_error(c, at, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		file_error(c, at, "%s: not a regular file%s", path, "");
		return false;
	}
	if (st.st_size > CONF_FILE_MAX) {
		file_error(c, at, "%s: file too large%s", path, "");
		return false;
	}
	buf = arena_alloc(c->arena, (size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			file_error(c, at, "%s: %s", path, strerror(errno));
			return false;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	in->buf = buf;
	in->len = off;
	in->dev = st.st_dev;
	in->ino = st.st_ino;
	return true;
}

static bool
already_reading(const struct conf *c, const struct input *f)
{
	const struct input *in;

	for (in = c->in; in != NULL; in = in->up)
		if (in->kind == INPUT_FILE && in->dev == f->dev &&
		    in->ino == f->ino)
			return true;
	return false;
}

bool
conf_open_file(struct conf *c, const char *path)
{
	return lex_open_file(c, path, NULL);
}

bool
lex_open_file(struct conf *c, const char *path, const struct conf_token *at)
{
	struct input *in;
	int fd;
	bool ok;

	if (c->nfiles >= CONF_INCLUDE_DEPTH) {
		file_error(c, at, "%s: includes nested deeper than %s", path,
		    CONF_INCLUDE_DEPTH_TEXT);
		return false;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		file_error(c, at, "%s: %s", path, strerror(errno));
		return false;
	}
	in = arena_alloc(c->arena, sizeof(*in));
	ok = read_whole(c, fd, path, in, at);
	(void)close(fd);
	if (!ok)
		return false;
	if (already_reading(c, in)) {
		file_error(c, at, "include cycle: %s is already being read%s",
		    path, "");
		return false;
	}
	in->kind = INPUT_FILE;
	in->name = arena_strdup(c->arena, path);
	in->line = 1;
	in->up = c->in;
	c->in = in;
	c->nfiles++;
	return true;
}

void
conf_open_buffer(struct conf *c, const char *name, const char *buf, size_t len)
{
	struct input *in = arena_alloc(c->arena, sizeof(*in));

	in->kind = INPUT_FILE;
	in->name = arena_strdup(c->arena, name);
	in->buf = buf;
	in->len = len;
	in->line = 1;
	in->up = c->in;
	c->in = in;
	c->nfiles++;
}

/* Macros */

static bool
valid_macro_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static void
set_macro(struct conf *c, const char *name, const char *value, bool cmdline)
{
	struct macro *m = find_macro(c, name);

	if (m != NULL && m->from_cmdline && !cmdline)
		return;		/* -D wins over the file */
	if (m == NULL) {
		m = arena_alloc(c->arena, sizeof(*m));
		m->name = arena_strdup(c->arena, name);
		m->next = c->macros;
		c->macros = m;
	}
	m->value = arena_strdup(c->arena, value);
	m->from_cmdline = cmdline;
}

bool
conf_define(struct conf *c, const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	char *name;

	if (eq == NULL)
		return false;
	name = arena_strndup(c->arena, assignment, (size_t)(eq - assignment));
	if (!valid_macro_name(name) || lex_is_keyword(c, name))
		return false;
	set_macro(c, name, eq + 1, true);
	return true;
}

bool
conf_macro_statement(struct conf *c)
{
	const struct conf_token *t = conf_peek(c), *eq;
	char name[CONF_TOKEN_MAX], value[CONF_TOKEN_MAX];
	size_t n = 0, len;
	int nstrings = 0;

	if (t->kind != CT_WORD)
		return false;
	eq = conf_peek2(c);
	if (eq->kind != CT_PUNCT || eq->punct != '=')
		return false;
	t = conf_peek(c);
	if (!valid_macro_name(t->text)) {
		conf_error(c, "invalid macro name '%s'", t->text);
		return true;
	}
	if (lex_is_keyword(c, t->text)) {
		conf_error(c, "macro name '%s' is a reserved word", t->text);
		return true;
	}
	(void)snprintf(name, sizeof(name), "%s", t->text);
	conf_next(c);
	conf_next(c);
	/* The value: one or more strings, joined by single spaces. */
	value[0] = '\0';
	while ((t = conf_peek(c))->kind == CT_WORD || t->kind == CT_QUOTED) {
		len = t->len;
		if (n + len + 2 > sizeof(value)) {
			conf_error(c, "macro '%s': value too long", name);
			return true;
		}
		if (nstrings > 0)
			value[n++] = ' ';
		memcpy(value + n, t->text, len);
		n += len;
		value[n] = '\0';
		nstrings++;
		conf_next(c);
	}
	if (nstrings == 0) {
		conf_error(c, "macro '%s': missing value", name);
		return true;
	}
	if (conf_eol(c))
		set_macro(c, name, value, false);
	return true;
}
