/*
 * die: the start-up error regime.  A program that cannot start prints
 * "prog: fatal: what[: strerror]" on stderr and exits with a documented
 * code; per-connection errors never come here.
 */
#ifndef DIE_H
#define DIE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit codes shared by every program (documented in each program's page). */
enum die_code {
	DIE_CONFIG = 1,		/* configuration rejected */
	DIE_USAGE = 100,	/* bad command line */
	DIE_SYS = 111,		/* system call failed at start-up */
	DIE_OOM = 111		/* memory exhausted */
};

/* Set once from main(); used as the message prefix. */
extern const char *progname;

_Noreturn void	die(int, const char *, ...)
		    __attribute__((noreturn, format(printf, 2, 3)));
_Noreturn void	die_sys(int, const char *, ...)
		    __attribute__((noreturn, format(printf, 2, 3)));
void		warnx_(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
/*
 * For functions that report why they failed in a caller's buffer: print
 * the reason into err and return false, so that `return fail_at(...)`
 * ends the function.
 */
bool		fail_at(char *err, size_t errlen, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/*
 * The same from a va_list, followed with ": " and errno's text when
 * with_errno (errno as it was on entry).
 */
bool		vfail_at(char *err, size_t errlen, bool with_errno,
		    const char *, va_list)
		    __attribute__((format(printf, 4, 0)));

#endif
