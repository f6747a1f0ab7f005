#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/die.h"

const char *progname = "suite";

static void
vmessage(const char *kind, const char *fmt, va_list ap, int errnum)
{
	fprintf(stderr, "%s: %s", progname, kind);
	vfprintf(stderr, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("fatal: ", fmt, ap, 0);
	va_end(ap);
	exit(code);
}

void
die_sys(int code, const char *fmt, ...)
{
	va_list ap;
	int errnum = errno;

	va_start(ap, fmt);
	vmessage("fatal: ", fmt, ap, errnum);
	va_end(ap);
	exit(code);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap, 0);
	va_end(ap);
}

bool
vfail_at(char *err, size_t errlen, bool with_errno, const char *fmt,
    va_list ap)
{
	int n, e = errno;

	n = vsnprintf(err, errlen, fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < errlen)
		(void)snprintf(err + n, errlen - (size_t)n, ": %s",
		    strerror(e));
	return false;
}

bool
fail_at(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}
