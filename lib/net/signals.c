#include <sys/signalfd.h>

#include <signal.h>

#include "base/die.h"
#include "net/signals.h"

int
signals_fd(const int *sigs, size_t n)
{
	sigset_t set;
	size_t i;
	int fd;

	(void)sigemptyset(&set);
	for (i = 0; i < n; i++)
		(void)sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		die_sys(DIE_SYS, "sigprocmask");
	if ((fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		die_sys(DIE_SYS, "signalfd");
	(void)signal(SIGPIPE, SIG_IGN);
	return fd;
}
