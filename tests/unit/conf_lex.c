/*
 * Unit tests of the configuration lexer and parsing helpers: tokens,
 * quoting, continuation, comments, macros, and their error messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "conf/conf.h"
#include "tap.h"

static const char *const keywords[] = { "server", "listen", NULL };

/*
 * Lex buf and render its tokens as one line: W(x) Q(x) P(x) NL EOF, M for
 * a macro definition.  Looking for a definition peeks two tokens, so a
 * lexing error shows up one token early.
 */
static const char *
tokens(struct arena *a, const char *buf)
{
	static char out[4096];
	struct conf *c = conf_new(a, keywords);
	const struct conf_token *t;
	size_t n = 0;

	conf_open_buffer(c, "t", buf, strlen(buf));
	out[0] = '\0';
	for (;;) {
		if (n > sizeof(out) - 64)
			return "(too many tokens)";
		if (conf_macro_statement(c)) {
			n += (size_t)snprintf(out + n, sizeof(out) - n, "M ");
			continue;
		}
		t = conf_peek(c);
		switch (t->kind) {
		case CT_WORD:
			n += (size_t)snprintf(out + n, sizeof(out) - n,
			    "W(%s) ", t->text);
			break;
		case CT_QUOTED:
			n += (size_t)snprintf(out + n, sizeof(out) - n,
			    "Q(%s) ", t->text);
			break;
		case CT_PUNCT:
			n += (size_t)snprintf(out + n, sizeof(out) - n,
			    "P(%c) ", t->punct);
			break;
		case CT_NL:
			n += (size_t)snprintf(out + n, sizeof(out) - n, "NL ");
			break;
		case CT_EOF:
			(void)snprintf(out + n, sizeof(out) - n, "EOF");
			return out;
		case CT_ERROR:
			(void)snprintf(out + n, sizeof(out) - n, "ERR[%s]",
			    conf_error_message(c) != NULL ?
			    conf_error_message(c) : "?");
			return out;
		}
		conf_next(c);
	}
}

int
main(void)
{
	struct arena *a = arena_new();

	is_str(tokens(a, "server \"x\" {\n}\n"),
	    "W(server) Q(x) P({) NL P(}) NL EOF", "words, quotes, braces");
	is_str(tokens(a, "listen on 10.0.0.1/8 port 80"),
	    "W(listen) W(on) W(10.0.0.1/8) W(port) W(80) EOF",
	    "address with prefix is one word");
	is_str(tokens(a, "a \\\n b # comment \\\n c\nd"),
	    "W(a) W(b) NL W(d) EOF", "continuation, also inside a comment");
	is_str(tokens(a, "\"a \\\" b\" 'c\\'d' \"e\\nf\""),
	    "Q(a \" b) Q(c'd) Q(e\\nf) EOF", "escapes inside quotes");
	is_str(tokens(a, "x=\"10.0.0\"\nhost $x.1"),
	    "M W(host) W(10.0.0.1) EOF", "macro expands in place");
	is_str(tokens(a, "x=\"a b\"\n\"$x\" $x"),
	    "M Q($x) W(a) W(b) EOF", "no expansion inside quotes");
	is_str(tokens(a, "b=\"$a\"\na=\"$b\"\n$a"),
	    "M M ERR[t:3: macro 'a' expands to itself]", "macro loop");
	is_str(tokens(a, "x=\"1\" \"2\"\n$x"),
	    "M W(1) W(2) EOF", "macro value joins strings with a space");
	is_str(tokens(a, "$nope"),
	    "ERR[t:1: macro 'nope' not defined]", "undefined macro");
	is_str(tokens(a, "server=\"x\""),
	    "M ERR[t:1: macro name 'server' is a reserved word]",
	    "reserved word as macro name");
	is_str(tokens(a, "a \"open\nb"),
	    "ERR[t:1: unterminated quoted string]", "unterminated quote");
	is_str(tokens(a, "a\x01"),
	    "ERR[t:1: invalid byte 0x01]", "control byte");
	is_str(tokens(a, "a\n\nb @"),
	    "W(a) NL NL ERR[t:3: syntax error at '@']", "line numbers");
	is_str(tokens(a, "-5 -x"), "ERR[t:1: syntax error at '-']",
	    "negative number, lone minus");
	is_str(tokens(a, "a,b;c<d>(=)!"),
	    "W(a) P(,) W(b) P(;) W(c) P(<) W(d) P(>) P(() P(=) P()) P(!) EOF",
	    "punctuation");
	arena_free(a);
	return done_testing();
}
