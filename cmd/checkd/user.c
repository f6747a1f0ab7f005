/*
 * The checker's user must be checkd's alone.  Whoever else runs as that
 * user can signal and trace the checker and the script helper, rewrite
 * the status files every consumer trusts, and run scripts' children:
 * so a user that other services share, or that people log in as, is
 * refused rather than trusted.  The rule is written in checkd(8).
 */
#include <stdio.h>
#include <string.h>

#include "base/die.h"
#include "checkd.h"

/* The users others run as by default, and why each is not checkd's. */
static const struct {
	const char	*name;
	const char	*why;
} shared_users[] = {
	{ "nobody", "nobody is shared by unrelated services" },
	{ "www-data", "httpd runs as www-data" },
	{ "www", "httpd runs as www" },
	{ "_fcgi-bridge", "fcgi-bridge runs as _fcgi-bridge" }
};

/* The shells of accounts no one can log in to. */
static const char *const no_login_shells[] = { "/usr/sbin/nologin",
	"/sbin/nologin", "/usr/bin/false", "/bin/false" };

/* The uid the kernel shows for unmapped ids: nobody, whatever its name. */
static unsigned long
overflow_uid(void)
{
	unsigned long uid = 65534;
	FILE *f = fopen("/proc/sys/kernel/overflowuid", "r");

	if (f != NULL) {
		if (fscanf(f, "%lu", &uid) != 1)
			uid = 65534;
		(void)fclose(f);
	}
	return uid;
}

void
user_check_dedicated(const struct privdrop_user *u)
{
	struct privdrop_user other;
	size_t i;

	if (u->uid == overflow_uid())
		die(DIE_CONFIG, "user %s: not a dedicated user: uid %lu is the "
		    "kernel's overflow uid, shared by unrelated services",
		    u->name, (unsigned long)u->uid);
	for (i = 0; i < sizeof(shared_users) / sizeof(shared_users[0]); i++)
		if (privdrop_lookup(shared_users[i].name, &other) &&
		    other.uid == u->uid)
			die(DIE_CONFIG, "user %s: not a dedicated user: %s",
			    u->name, shared_users[i].why);
	for (i = 0; i < sizeof(no_login_shells) / sizeof(no_login_shells[0]);
	    i++)
		if (strcmp(u->shell, no_login_shells[i]) == 0)
			return;
	die(DIE_CONFIG, "user %s: not a dedicated user: it has a login shell "
	    "(%s)", u->name, u->shell[0] != '\0' ? u->shell : "/bin/sh");
}
