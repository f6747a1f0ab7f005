/*
 * Unit tests of the httpd.conf grammar: defaults, what locations
 * inherit, the warnings for what Linux and BearSSL cannot do (good
 * fixtures must stay silent, so they are tested here), and that a dump
 * reads back to the same dump.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "conf/confload.h"
#include "conf/httpd_conf.h"
#include "tap.h"

/* Load buf; the warnings it printed go to *warnings (caller frees). */
static const struct httpd_conf *
load(struct arena *a, const char *buf, char **warnings, const char **error)
{
	const struct httpd_conf *conf;
	size_t len = 0;
	FILE *w;

	*warnings = NULL;
	*error = NULL;
	if ((w = open_memstream(warnings, &len)) == NULL)
		return NULL;
	conf = conf_load_buffer(a, &httpd_grammar, "t.conf", buf, strlen(buf),
	    w, error);
	fclose(w);
	return conf;
}

static char *
dump(const struct httpd_conf *conf)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&out, &len)) == NULL)
		return NULL;
	httpd_grammar.dump(f, conf);
	fclose(f);
	return out;
}

static void
test_defaults(void)
{
	struct arena *a = arena_new();
	const struct httpd_conf *conf;
	const struct httpd_server *s;
	const struct httpd_type *t;
	const char *error;
	char *warnings;
	int ntypes = 0;

	conf = load(a, "server \"a\" {\n\tlisten on * port 80\n}\n",
	    &warnings, &error);
	if (!ok(conf != NULL, "minimal server loads"))
		printf("# %s\n", error);
	if (conf == NULL) {
		free(warnings);
		arena_free(a);
		return;
	}
	is_str(conf->chroot, "/var/www", "chroot defaults to /var/www");
	is_str(conf->logdir, "/logs", "logdir defaults to /logs");
	ok(conf->prefork == (sysconf(_SC_NPROCESSORS_ONLN) > HTTPD_PREFORK_MAX ?
	    HTTPD_PREFORK_MAX : sysconf(_SC_NPROCESSORS_ONLN)),
	    "prefork defaults to one per core");
	is_str(conf->default_type.subtype, "octet-stream",
	    "default type application/octet-stream");
	for (t = conf->types; t != NULL; t = t->next)
		ntypes++;
	ok(ntypes == 9, "built-in types without a types section (%d)",
	    ntypes);
	s = conf->servers;
	is_str(s->root, "/htdocs", "root defaults to /htdocs");
	is_str(s->index, "index.html", "index defaults to index.html");
	ok(s->log.enabled && s->log.style == HTTPD_LOG_COMMON,
	    "logging on, common style");
	ok(s->connection.max_request_body == 1048576 &&
	    s->connection.max_requests == 100 &&
	    s->connection.request_timeout == 60 &&
	    s->connection.timeout == 600, "connection defaults");
	ok(s->listens->port == 80 && s->listens->addr.kind == ADDR_ANY,
	    "listen on * port 80");
	is_str(warnings, "", "no warnings");
	free(warnings);
	arena_free(a);
}

static void
test_inheritance(void)
{
	static const char buf[] =
	    "server \"a\" {\n"
	    "\tlisten on * port 80\n"
	    "\troot \"/srv\"\n"
	    "\tfastcgi socket \"/run/php.sock\"\n"
	    "\theader set \"X-A\" \"1\"\n"
	    "\tblock return 403\n"
	    "\tlocation \"/x/*\" { pass }\n"
	    "\tlocation \"/y/*\" {\n"
	    "\t\tfastcgi\n"
	    "\t\theader add \"X-B\" \"2\"\n"
	    "\t}\n"
	    "}\n";
	struct arena *a = arena_new();
	const struct httpd_conf *conf;
	const struct httpd_server *x, *y;
	const char *error;
	char *warnings;

	conf = load(a, buf, &warnings, &error);
	if (!ok(conf != NULL, "server with locations loads")) {
		printf("# %s\n", error);
		free(warnings);
		arena_free(a);
		return;
	}
	x = conf->servers->locations;
	y = x->next;
	is_str(x->root, "/srv", "a location inherits root");
	is_str(x->fastcgi.socket, "/run/php.sock",
	    "a location inherits fastcgi");
	ok(x->block == HTTPD_PASS, "pass in a location lifts the block");
	ok(y->block == HTTPD_BLOCK_RETURN && y->return_code == 403,
	    "a location inherits block return");
	is_str(y->fastcgi.socket, "/run/slowcgi.sock",
	    "fastcgi in a location starts from the default socket");
	ok(y->headers != NULL && y->headers->next == NULL &&
	    strcmp(y->headers->name, "X-B") == 0,
	    "location headers replace the server's");
	ok(x->headers == conf->servers->headers,
	    "a location without headers has the server's");
	free(warnings);
	arena_free(a);
}

/* Each directive Linux or BearSSL cannot honour warns once, naming it. */
static void
test_warnings(void)
{
	static const struct {
		const char	*option;
		const char	*warning;
	} cases[] = {
		{ "tcp sack", "t.conf:3: warning: 'tcp sack' is not "
		    "supported on Linux; ignored\n" },
		{ "tcp no sack", "t.conf:3: warning: 'tcp no sack' is not "
		    "supported on Linux; ignored\n" },
		{ "tls ocsp \"/etc/ssl/ocsp.der\"", "t.conf:3: warning: "
		    "'tls ocsp': OCSP stapling is not supported by BearSSL; "
		    "ignored\n" },
		{ "tls ticket lifetime default", "t.conf:3: warning: 'tls "
		    "ticket lifetime': session tickets are not supported by "
		    "BearSSL; sessions resume by ID, kept this long\n" },
		{ "tls dhe \"auto\"", "t.conf:3: warning: 'tls dhe': DHE is not "
		    "supported by BearSSL; ignored\n" },
		{ "tls protocols \"tlsv1.2,tlsv1.3\"", "t.conf:3: warning: "
		    "'tls protocols': TLSv1.3 is not supported by BearSSL; "
		    "ignored\n" },
		{ "tls client ca \"/ca.pem\" crl \"/crl.pem\"", "t.conf:3: "
		    "warning: 'crl' is not supported by BearSSL; client "
		    "certificates are not checked for revocation\n" },
		{ "tls protocols \"default\"", "" },
		{ "tls no ticket", "" }
	};
	char buf[512], *warnings, *first, *second;
	const struct httpd_conf *conf, *again;
	const char *error;
	struct arena *a;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = arena_new();
		(void)snprintf(buf, sizeof(buf), "server \"w\" {\n"
		    "\tlisten on * tls port 443\n\t%s\n}\n", cases[i].option);
		conf = load(a, buf, &warnings, &error);
		ok(conf != NULL, "'%s' is accepted", cases[i].option);
		is_str(warnings, cases[i].warning, cases[i].option);
		free(warnings);
		/* The dump of a configuration with warnings reads back too. */
		first = conf != NULL ? dump(conf) : NULL;
		again = first != NULL ? load(a, first, &warnings, &error) :
		    NULL;
		second = again != NULL ? dump(again) : NULL;
		is_str(second, first, "its dump reads back to the same dump");
		if (again != NULL)
			free(warnings);
		free(first);
		free(second);
		arena_free(a);
	}
}

static void
test_errors(void)
{
	static const struct {
		const char	*buf;
		const char	*error;
	} cases[] = {
		{ "server \"a\" {\n\tlisten on * port 80\n\tlisten on * tls "
		    "port 80\n}\n", "t.conf:4: server \"a\" defined twice" },
		{ "server \"a\" {\n\tlisten on * port 80\n\talias \"a\"\n}\n",
		    "t.conf:4: server \"a\" defined twice" },
		{ "server \"a\" {\n\tlisten on * port 80\n\tlocation \"/\" {"
		    " gzip-static }\n\tlocation found \"/\" { root \"/\" }\n"
		    "\tlocation \"/\" { pass }\n}\n",
		    "t.conf:5: location \"/\" defined twice" },
		{ "prefork 3 4\n", "t.conf:1: unexpected '4' at end of "
		    "statement" }
	};
	struct arena *a;
	const char *error;
	char *warnings;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = arena_new();
		ok(load(a, cases[i].buf, &warnings, &error) == NULL,
		    "error case %zu is rejected", i + 1);
		is_str(error, cases[i].error, cases[i].error);
		free(warnings);
		arena_free(a);
	}
}

int
main(void)
{
	test_defaults();
	test_inheritance();
	test_warnings();
	test_errors();
	return done_testing();
}
