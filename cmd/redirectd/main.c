/*
 * redirectd: main() in the order every program of the suite follows --
 * options, configuration (-n stops here), then the work.
 */
#include "base/die.h"
#include "base/progopt.h"
#include "conf/confload.h"

int
main(int argc, char **argv)
{
	struct progopt opt;

	(void)conf_program_start(&opt, argc, argv, "redirectd", &relayd_grammar,
	    "/etc/relayd.conf", "/run/relayd", false);
	/* The configuration is valid; keeping redirections comes with its own issue. */
	die(DIE_CONFIG, "%s: configuration valid, but keeping redirections is not "
	    "implemented yet; use -n to check a file", opt.conffile);
}
