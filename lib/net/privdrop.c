#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/capability.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "net/privdrop.h"

bool
privdrop_lookup(const char *name, struct privdrop_user *u)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return false;
	/* A home cut to fit would be another directory to chroot into. */
	if (strlen(pw.pw_name) >= sizeof(u->name) ||
	    strlen(pw.pw_dir) >= sizeof(u->home))
		die(DIE_CONFIG, "user %s: name or home directory longer than "
		    "%zu bytes", name, sizeof(u->home) - 1);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	memcpy(u->name, pw.pw_name, strlen(pw.pw_name) + 1);
	memcpy(u->home, pw.pw_dir, strlen(pw.pw_dir) + 1);
	/* A shell too long to keep reads as a login shell: refused. */
	if (strlen(pw.pw_shell) < sizeof(u->shell))
		memcpy(u->shell, pw.pw_shell, strlen(pw.pw_shell) + 1);
	else
		u->shell[0] = '\0';
	return true;
}

void
privdrop_find_user(const char *name, const char *const *defaults,
    struct privdrop_user *u)
{
	const char *const *d;

	if (name != NULL) {
		if (!privdrop_lookup(name, u))
			die(DIE_CONFIG, "user %s: no such user", name);
	} else {
		for (d = defaults; *d != NULL; d++)
			if (privdrop_lookup(*d, u))
				break;
		if (*d == NULL)
			die(DIE_CONFIG, "none of the default users exists "
			    "(%s ...); choose one with -u", defaults[0]);
	}
	if (u->uid == 0 || u->gid == 0)
		die(DIE_CONFIG, "user %s: refusing to run workers as root",
		    u->name);
}

/* While still root: the bounding set loses all but cap, for good. */
static void
bound_to(int cap)
{
	int c;

	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (c != cap && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1 &&
		    errno != EINVAL)
			die_sys(DIE_SYS, "prctl(PR_CAPBSET_DROP)");
}

/* After setresuid: only cap stays, effective and permitted. */
static void
keep_only(int cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
	    0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[cap / 32].effective = data[cap / 32].permitted =
	    1u << (cap % 32);
	if (syscall(SYS_capset, &hdr, data) == -1)
		die_sys(DIE_SYS, "capset");
}

void
privdrop_apply(const char *dir, const struct privdrop_user *u)
{
	privdrop_apply_keep(dir, u, -1);
}

void
privdrop_apply_keep(const char *dir, const struct privdrop_user *u,
    int cap)
{
	if (dir != NULL) {
		if (chroot(dir) == -1)
			die_sys(DIE_SYS, "chroot %s", dir);
		if (chdir("/") == -1)
			die_sys(DIE_SYS, "chdir /");
	}
	/* setgroups first: setuid would leave root's groups behind. */
	if (setgroups(1, &u->gid) == -1)
		die_sys(DIE_SYS, "setgroups");
	if (setresgid(u->gid, u->gid, u->gid) == -1)
		die_sys(DIE_SYS, "setresgid %u", (unsigned)u->gid);
	if (cap == CAP_SETUID || cap == CAP_SETGID || cap == CAP_SYS_ADMIN)
		die(DIE_SYS, "capability %d would give root back", cap);
	if (cap >= 0)
		bound_to(cap);
	/* Without this, setresuid takes every capability away. */
	if (cap >= 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		die_sys(DIE_SYS, "prctl(PR_SET_KEEPCAPS)");
	if (setresuid(u->uid, u->uid, u->uid) == -1)
		die_sys(DIE_SYS, "setresuid %u", (unsigned)u->uid);
	if (cap >= 0)
		keep_only(cap);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		die_sys(DIE_SYS, "prctl(PR_SET_NO_NEW_PRIVS)");
	/* Prove it: none of these may succeed any more. */
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1 ||
	    getuid() == 0 || geteuid() == 0)
		die(DIE_SYS, "privileges could be regained after the drop");
}

void
privdrop_die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		die_sys(DIE_SYS, "prctl PR_SET_PDEATHSIG");
	/* Died between fork and here: the signal will never come. */
	if (getppid() != parent)
		_exit(DIE_SYS);
}
