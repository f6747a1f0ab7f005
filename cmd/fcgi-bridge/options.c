/*
 * The command line of slowcgi(8), plus -r fd for s6 readiness.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"
#include "bridge.h"

_Noreturn static void
usage(void)
{
	fprintf(stderr, "usage: %s [-dv] [-p path] [-r fd] [-s socket] "
	    "[-t timeout] [-U user] [-u user]\n", progname);
	exit(DIE_USAGE);
}

void
options_parse(struct bridge_opt *o, int argc, char **argv)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->chroot = NULL;
	o->socket = "/var/www/run/slowcgi.sock";
	o->socket_user = NULL;
	o->user = NULL;
	o->timeout = BRIDGE_TIMEOUT_DEFAULT;
	o->readyfd = -1;
	while ((ch = getopt(argc, argv, "dp:r:s:t:U:u:v")) != -1) {
		switch (ch) {
		case 'd':
			o->debug++;
			break;
		case 'p':
			o->chroot = optarg;
			break;
		case 'r':
			o->readyfd = (int)progopt_number(optarg, 3, 1023, "-r");
			break;
		case 's':
			o->socket = optarg;
			break;
		case 't':
			o->timeout = progopt_number(optarg, 1,
			    BRIDGE_TIMEOUT_MAX, "-t");
			break;
		case 'U':
			o->socket_user = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}
