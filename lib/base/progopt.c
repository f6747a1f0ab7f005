#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"

enum { PROGOPT_FLAGS_MAX = 8 };

/* The flags of the usage line in alphabetical order, as man pages list them. */
_Noreturn static void
usage(bool statedir, bool user, const char *flags)
{
	char all[PROGOPT_FLAGS_MAX + 4];
	size_t n = 0;
	int c;

	for (c = 'a'; c <= 'z'; c++)
		if ((c == 'd' || c == 'n' || c == 'v' || strchr(flags, c) !=
		    NULL) && n < sizeof(all) - 1)
			all[n++] = (char)c;
	all[n] = '\0';
	fprintf(stderr, "usage: %s [-%s] [-D macro=value] [-f file] [-r fd]"
	    "%s%s\n", progname, all, statedir ? " [-s dir]" : "",
	    user ? " [-u user]" : "");
	exit(DIE_USAGE);
}

long
progopt_number(const char *s, long min, long max, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		die(DIE_USAGE, "%s %s: expected %ld-%ld", what, s, min, max);
	return v;
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
	progopt_parse_flags(o, argc, argv, deffile, defstatedir, with_user, "");
}

/* A program's own flag: its bit, or false if ch is none of them. */
static bool
own_flag(struct progopt *o, const char *flags, int ch)
{
	const char *f = strchr(flags, ch);

	if (ch == ':' || f == NULL)
		return false;
	o->flags |= 1u << (f - flags);
	return true;
}

void
progopt_parse_flags(struct progopt *o, int argc, char **argv,
    const char *deffile, const char *defstatedir, bool with_user,
    const char *flags)
{
	char opts[32];
	int ch;

	if (strlen(flags) > PROGOPT_FLAGS_MAX)
		die(DIE_SYS, "progopt: more than %d flags", PROGOPT_FLAGS_MAX);
	(void)snprintf(opts, sizeof(opts), "D:df:nr:v%s%s%s", flags,
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
			if (!own_flag(o, flags, ch))
				usage(defstatedir != NULL, with_user, flags);
		}
	}
	if (optind != argc)
		usage(defstatedir != NULL, with_user, flags);
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
