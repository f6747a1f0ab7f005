#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"

/* The flags without an argument, sorted as a SYNOPSIS lists them. */
static void
flag_letters(const char *extra, char *out, size_t size)
{
	size_t n, i, j;
	char c;

	n = (size_t)snprintf(out, size, "dnv%s", extra);
	if (n >= size)
		n = size - 1;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && out[j - 1] > out[j]; j--) {
			c = out[j];
			out[j] = out[j - 1];
			out[j - 1] = c;
		}
}

_Noreturn static void
usage(bool statedir, bool user, const char *extra)
{
	char flags[32];

	flag_letters(extra, flags, sizeof(flags));
	fprintf(stderr, "usage: %s [-%s] [-D macro=value] [-f file] "
	    "[-r fd]%s%s\n", progname, flags, statedir ? " [-s dir]" : "",
	    user ? " [-u user]" : "");
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
	progopt_parse_extra(o, argc, argv, deffile, defstatedir, with_user, "",
	    NULL);
}

void
progopt_parse_extra(struct progopt *o, int argc, char **argv,
    const char *deffile, const char *defstatedir, bool with_user,
    const char *extra, int *counts)
{
	char opts[64];
	const char *e;
	int ch;

	if (strlen(extra) > 16 || strpbrk(extra, "Ddfnrsuv:") != NULL)
		die(DIE_SYS, "progopt: bad extra flags '%s'", extra);
	(void)snprintf(opts, sizeof(opts), "D:df:nr:%s%s%sv", extra,
	    defstatedir != NULL ? "s:" : "", with_user ? "u:" : "");

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
			/* One of the program's own flags, or a wrong one. */
			if (ch != '?' && ch != ':' &&
			    (e = strchr(extra, ch)) != NULL) {
				counts[e - extra]++;
				break;
			}
			usage(defstatedir != NULL, with_user, extra);
		}
	}
	if (optind != argc)
		usage(defstatedir != NULL, with_user, extra);
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
