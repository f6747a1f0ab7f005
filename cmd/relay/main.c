/*
 * relay: main() in the order every program of the suite follows --
 * options, configuration (-n stops here), then the work.
 */
#include <stdlib.h>

#include "arena.h"
#include "confload.h"
#include "die.h"
#include "progopt.h"

int
main(int argc, char **argv)
{
	struct progopt opt;
	struct arena *arena;

	progname = "relay";
	progopt_parse(&opt, argc, argv, "/etc/relayd.conf", "/run/relayd");
	arena = arena_new();
	(void)conf_load_or_exit(arena, &relayd_grammar, opt.conffile, opt.defines,
	    opt.ndefines, opt.check);
	/* The configuration is valid; relaying comes with its own issue. */
	die(DIE_CONFIG, "%s: configuration valid, but relaying is not "
	    "implemented yet; use -n to check a file", opt.conffile);
}
