/*
 * http_date: HTTP dates (RFC 9110 section 5.6.7) without locales and
 * without allocation.  Dates are always sent as IMF-fixdate; the two
 * obsolete forms are accepted on input, as the RFC asks of recipients.
 */
#ifndef HTTP_DATE_H
#define HTTP_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum { HTTP_DATE_LEN = 29 };	/* "Sun, 06 Nov 1994 08:49:37 GMT" */

/* The moments with a four-digit year: 0000-01-01 to 9999-12-31, UTC. */
#define HTTP_CIVIL_MIN	(-62167219200LL)
#define HTTP_CIVIL_MAX	253402300799LL

/* A moment as a calendar date and a time of day, in UTC. */
struct http_civil {
	int64_t		year;
	unsigned	month, day;	/* 1-12, 1-31 */
	unsigned	hour, minute, second;
	unsigned	weekday;	/* 0 = Sunday */
};

/* Seconds since the epoch (negative too) to the UTC date and time. */
void	http_civil_time(int64_t t, struct http_civil *);
/* Write t as IMF-fixdate into out (at least HTTP_DATE_LEN + 1 bytes). */
void	http_date_format(time_t t, char *out);
/* Parse IMF-fixdate, RFC 850 or asctime; false if it is none of them. */
bool	http_date_parse(const char *s, size_t len, time_t *out);

#endif
