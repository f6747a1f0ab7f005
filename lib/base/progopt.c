#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"

_Noreturn static void
usage(bool statedir, bool user)
{
	fprintf(stderr, "usage: %s [-dnv] [-D macro=value] [-f file] [-r fd]%s%s"
	    "\n", progname, statedir ? " [-s dir]" : "", user ? " [-u user]" : "");
	exit(DIE_USAGE);
}

static int
parse_fd(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 3 || v > 1023)
		die(DIE_USAGE, "-r %s: expected a descriptor number 3-1023", s);
	return (int)v;
}

void
progopt_parse(struct progopt *o, int argc, char **argv, const char *deffile,
    const char *defstatedir, bool with_user)
{
	const char *opts = defstatedir != NULL ? (with_user ? "D:df:nr:s:u:v" :
	    "D:df:nr:s:v") : (with_user ? "D:df:nr:u:v" : "D:df:nr:v");
	int ch;

	memset(o, 0, sizeof(*o));
	o->conffile = deffile;
	o->statedir = defstatedir;
	o->readyfd = -1;
	while ((ch = getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'D':
			if (strchr(optarg, '=') == NULL)
				die(DIE_USAGE, "-D %s: expected macro=value",
				    optarg);
			if (o->ndefines == PROGOPT_DEFINES_MAX)
				die(DIE_USAGE, "more than %d -D options",
				    PROGOPT_DEFINES_MAX);
			o->defines[o->ndefines++] = optarg;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'f':
			o->conffile = optarg;
			break;
		case 'n':
			o->check++;
			break;
		case 'r':
			o->readyfd = parse_fd(optarg);
			break;
		case 's':
			o->statedir = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		default:
			usage(defstatedir != NULL, with_user);
		}
	}
	if (optind != argc)
		usage(defstatedir != NULL, with_user);
}

void
progopt_ready(int *fd)
{
	if (*fd == -1)
		return;
	if (write(*fd, "\n", 1) != 1)
		warnx_("readiness notification: %s", strerror(errno));
	(void)close(*fd);
	*fd = -1;
}
