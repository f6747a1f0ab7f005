/*
 * tap.h: TAP output for C unit tests (header-only, one test program per
 * file).  ok(cond, fmt, ...) prints one result; done_testing() prints the
 * plan and returns the exit status for main().
 */
#ifndef UNIT_TAP_H
#define UNIT_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3)))
static int
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((unused))
static int
is_str(const char *got, const char *want, const char *desc)
{
	int same = got != NULL && want != NULL && strcmp(got, want) == 0;

	if (!ok(same || (got == NULL && want == NULL), "%s", desc)) {
		printf("#      got: '%s'\n", got != NULL ? got : "(null)");
		printf("# expected: '%s'\n", want != NULL ? want : "(null)");
	}
	return same;
}

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed == 0 ? 0 : 1;
}

#endif
