#include <stdlib.h>

#include "base/die.h"
#include "base/progopt.h"
#include "conf/confload.h"

static void *
run_grammar(struct conf *c, const struct grammar *g, const char **error)
{
	void *cfg = NULL;

	if (!conf_failed(c))
		cfg = g->read(c);
	if (cfg == NULL && !conf_failed(c))
		conf_error(c, "%s rejected", g->name);
	if (conf_failed(c)) {
		*error = arena_strdup(conf_arena(c), conf_error_message(c));
		cfg = NULL;
	}
	conf_close(c);
	return cfg;
}

void *
conf_load(struct arena *a, const struct grammar *g, const char *path,
    const char *const *defines, size_t ndefines, FILE *warnings,
    const char **error)
{
	struct conf *c = conf_new(a, g->keywords);
	size_t i;

	conf_set_warnings(c, warnings);
	for (i = 0; i < ndefines; i++)
		if (!conf_define(c, defines[i])) {
			*error = arena_printf(a,
			    "-D %s: invalid macro definition", defines[i]);
			return NULL;
		}
	(void)conf_open_file(c, path);
	return run_grammar(c, g, error);
}

void *
conf_load_buffer(struct arena *a, const struct grammar *g, const char *name,
    const char *buf, size_t len, FILE *warnings, const char **error)
{
	struct conf *c = conf_new(a, g->keywords);

	conf_set_warnings(c, warnings);
	conf_open_buffer(c, name, buf, len);
	return run_grammar(c, g, error);
}

/*
 * What a program's main() does with its configuration: load it, and for
 * -n print "configuration OK" (or the normalized dump for -nn) and exit.
 * Exits 1 with the message on error; returns the configuration otherwise.
 */
void *
conf_program_load(const struct progopt *opt, const struct grammar *g)
{
	const char *error = NULL;
	void *cfg;

	cfg = conf_load(arena_new(), g, opt->conffile, opt->defines,
	    opt->ndefines, stderr, &error);
	if (cfg == NULL) {
		fprintf(stderr, "%s\n", error);
		exit(DIE_CONFIG);
	}
	return cfg;
}

static void *
conf_load_or_exit(const struct progopt *opt, const struct grammar *g)
{
	void *cfg = conf_program_load(opt, g);
	int check = opt->check;

	if (check == 0)
		return cfg;
	if (check > 1)
		g->dump(stdout, cfg);
	else
		fprintf(stderr, "configuration OK\n");
	if (fflush(stdout) == EOF)
		die_sys(DIE_SYS, "stdout");
	exit(0);
}

void *
conf_program_start(struct progopt *opt, int argc, char **argv,
    const char *name, const struct grammar *g, const char *deffile,
    const char *defstatedir, bool with_user)
{
	progname = name;
	progopt_parse(opt, argc, argv, deffile, defstatedir, with_user);
	return conf_load_or_exit(opt, g);
}
