/*
 * fcgi-bridge's seccomp filter.  Unlike httpd's workers, fcgi-bridge
 * forks and executes arbitrary CGI programs, and a seccomp filter is
 * inherited by them and cannot be lifted.  An allow-list would have to
 * hold everything a shell, perl, python or any compiled CGI program may
 * call -- files, sockets, processes, threads -- which is nearly the whole
 * table, and a missing entry kills a legitimate program.  So this role
 * uses a deny-list instead: the calls no CGI program needs and that an
 * attacker who took one over would want -- kernel and module control,
 * namespaces, tracing other processes, mounting, BPF, keyrings, io_uring
 * (whose operations escape seccomp).  They fail with EPERM rather than
 * killing, so that a program probing for them degrades gracefully.
 * libseccomp's architecture check still kills any call made through
 * another ABI (x32, i386), which a deny-list would otherwise miss.
 * What remains is bounded by the unprivileged user, no_new_privs and
 * the chroot.
 */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>

#include "base/die.h"
#include "net/sandbox.h"

static const int denied_syscalls[] = {
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev), SCMP_SYS(kcmp), SCMP_SYS(pidfd_getfd),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load), SCMP_SYS(reboot),
	SCMP_SYS(init_module), SCMP_SYS(finit_module),
	SCMP_SYS(delete_module), SCMP_SYS(mount), SCMP_SYS(umount2),
	SCMP_SYS(pivot_root), SCMP_SYS(chroot), SCMP_SYS(move_mount),
	SCMP_SYS(open_tree), SCMP_SYS(fsopen), SCMP_SYS(fsmount),
	SCMP_SYS(fsconfig), SCMP_SYS(fspick), SCMP_SYS(mount_setattr),
	SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(swapon),
	SCMP_SYS(swapoff), SCMP_SYS(bpf), SCMP_SYS(perf_event_open),
	SCMP_SYS(userfaultfd), SCMP_SYS(keyctl), SCMP_SYS(add_key),
	SCMP_SYS(request_key), SCMP_SYS(io_uring_setup),
	SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at),
	SCMP_SYS(iopl), SCMP_SYS(ioperm), SCMP_SYS(acct),
	SCMP_SYS(settimeofday), SCMP_SYS(clock_settime), SCMP_SYS(adjtimex),
	SCMP_SYS(clock_adjtime), SCMP_SYS(syslog), SCMP_SYS(quotactl),
	SCMP_SYS(sethostname), SCMP_SYS(setdomainname), SCMP_SYS(vhangup),
	SCMP_SYS(uselib), SCMP_SYS(lookup_dcookie), SCMP_SYS(fanotify_init),
	SCMP_SYS(personality)
};

/* Namespaces can also be made by clone(2): refuse those flags. */
static const unsigned long clone_ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
	CLONE_NEWNET, CLONE_NEWCGROUP
};

void
sandbox_fcgi_bridge(void)
{
	scmp_filter_ctx ctx;
	size_t i;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		die(DIE_SYS, "seccomp_init failed");
	for (i = 0; i < sizeof(denied_syscalls) / sizeof(denied_syscalls[0]);
	    i++)
		if (denied_syscalls[i] >= 0 && seccomp_rule_add(ctx,
		    SCMP_ACT_ERRNO(EPERM), denied_syscalls[i], 0) != 0)
			die(DIE_SYS, "seccomp_rule_add %d failed",
			    denied_syscalls[i]);
	for (i = 0; i < sizeof(clone_ns_flags) / sizeof(clone_ns_flags[0]);
	    i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ,
		    clone_ns_flags[i], clone_ns_flags[i])) != 0)
			die(DIE_SYS, "seccomp_rule_add clone failed");
	/*
	 * clone3 passes its flags in memory, out of seccomp's sight:
	 * ENOSYS makes the C library fall back to clone, checked above.
	 */
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0) != 0)
		die(DIE_SYS, "seccomp_rule_add clone3 failed");
	if (seccomp_load(ctx) != 0)
		die(DIE_SYS, "seccomp_load failed");
	seccomp_release(ctx);
}

/*
 * A CGI program, in the child before execve, once it leads its process
 * group: a second filter, stacked on the bridge's, that refuses setsid
 * and setpgid.  Nothing the program starts can then leave the group, so
 * killing the group kills all of it.  False if the filter cannot be
 * loaded: the caller must not run the program then.
 */
bool
sandbox_fcgi_program(void)
{
	scmp_filter_ctx ctx;
	bool ok;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return false;
	ok = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setsid),
	    0) == 0 && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
	    SCMP_SYS(setpgid), 0) == 0 && seccomp_load(ctx) == 0;
	seccomp_release(ctx);
	return ok;
}
