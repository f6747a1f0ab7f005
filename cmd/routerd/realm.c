/*
 * realm: rtlabel on Linux.  OpenBSD labels a route with a name; Linux
 * routes have no labels, but an IPv4 route carries a realm (RTA_FLOW),
 * a number from 1 to 255 that tc's route classifier and the realm match
 * of nftables ("meta rtclassid") can act on.  The label is that number,
 * or a name that iproute2's rt_realms file gives one, as ip(8) reads it.
 * Read as root before the sandbox, at start and on SIGHUP.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/die.h"
#include "routerd.h"

enum { REALM_MAX = 255, REALM_LINE_MAX = 256 };

/* Debian's iproute2 keeps the file in /usr/share since 6.5. */
static const char *const realm_files[] = {
	"/etc/iproute2/rt_realms", "/usr/share/iproute2/rt_realms", NULL
};

static bool
parse_number(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 1 || v > REALM_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "number name" lines; '#' starts a comment. */
static bool
find_in(FILE *f, const char *label, uint32_t *out)
{
	char line[REALM_LINE_MAX], *num, *name, *save;

	while (fgets(line, sizeof(line), f) != NULL) {
		if ((num = strtok_r(line, " \t\n", &save)) == NULL ||
		    *num == '#' ||
		    (name = strtok_r(NULL, " \t\n", &save)) == NULL)
			continue;
		if (strcmp(name, label) == 0 && parse_number(num, out))
			return true;
	}
	return false;
}

bool
realm_lookup(const char *label, uint32_t *realm, char *err, size_t errlen)
{
	const char *const *path;
	FILE *f;
	bool found;

	if (parse_number(label, realm))
		return true;
	for (path = realm_files; *path != NULL; path++) {
		if ((f = fopen(*path, "re")) == NULL)
			continue;
		found = find_in(f, label, realm);
		(void)fclose(f);
		if (found)
			return true;
	}
	return fail_at(err, errlen, "rtlabel %s: not a realm from 1 to %d "
	    "nor a name in %s", label, REALM_MAX, realm_files[0]);
}
