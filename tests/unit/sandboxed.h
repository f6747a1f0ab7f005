/*
 * sandboxed.h: run a test function in a forked child under a sandbox
 * (lib/net/sandbox.h), for the unit tests of the seccomp filters.
 * Header-only, like tap.h.
 */
#ifndef UNIT_SANDBOXED_H
#define UNIT_SANDBOXED_H

#include <sys/syscall.h>
#include <sys/wait.h>

#include <stdio.h>
#include <unistd.h>

/* fn's exit status in a child after apply(), or -signal (-1000: no child). */
static int
sandboxed_run(void (*apply)(void), int (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1000;
	if (pid == 0) {
		apply();
		/* Not _exit: ASan's wrapper of it calls sigaltstack first. */
		(void)syscall(SYS_exit_group, fn());
	}
	if (waitpid(pid, &status, 0) == -1)
		return -1000;
	return WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
}

#endif
