#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"
#include "http/http_date.h"

static const char days[7][4] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec"
};

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's method). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
 * Hinnant's civil_from_days): no gmtime_r, no time zone, no locale.
 */
static void
http_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;		/* shift the epoch to 0000-03-01 */
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void
http_civil_time(int64_t t, struct http_civil *c)
{
	int64_t z = t / 86400, secs = t % 86400;

	if (secs < 0) {
		secs += 86400;
		z--;
	}
	http_civil_from_days(z, &c->year, &c->month, &c->day);
	c->hour = (unsigned)(secs / 3600);
	c->minute = (unsigned)(secs / 60 % 60);
	c->second = (unsigned)(secs % 60);
	/* 1970-01-01 was a Thursday. */
	c->weekday = (unsigned)(((z % 7) + 11) % 7);
}

void
http_date_format(time_t t, char *out)
{
	struct http_civil c;
	struct strbuf sb;

	http_civil_time((int64_t)t, &c);
	/* "Sun, 06 Nov 1994 08:49:37 GMT", with copies: httpd writes two a
	 * response, and printf cost more than the rest of the head. */
	strbuf_init(&sb, out, HTTP_DATE_LEN + 1);
	strbuf_put(&sb, days[c.weekday], 3);
	strbuf_put(&sb, ", ", 2);
	strbuf_putnum(&sb, c.day, 2);
	strbuf_put(&sb, " ", 1);
	strbuf_put(&sb, months[c.month - 1], 3);
	strbuf_put(&sb, " ", 1);
	/* Four digits always, as the format's fixed length needs. */
	strbuf_putnum(&sb, (uint64_t)((c.year % 10000 + 10000) % 10000), 4);
	strbuf_put(&sb, " ", 1);
	strbuf_putnum(&sb, c.hour, 2);
	strbuf_put(&sb, ":", 1);
	strbuf_putnum(&sb, c.minute, 2);
	strbuf_put(&sb, ":", 1);
	strbuf_putnum(&sb, c.second, 2);
	strbuf_put(&sb, " GMT", 4);
}

static int
month_index(const char *s)
{
	int i;

	for (i = 0; i < 12; i++)
		if (memcmp(s, months[i], 3) == 0)
			return i + 1;
	return 0;
}

static bool
digits(const char *s, size_t n, int *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/* "hh:mm:ss" */
static bool
clock_time(const char *s, int *h, int *mi, int *se)
{
	return digits(s, 2, h) && s[2] == ':' && digits(s + 3, 2, mi) &&
	    s[5] == ':' && digits(s + 6, 2, se) && *h < 24 && *mi < 60 &&
	    *se < 61;
}

static bool
make_time(int y, int m, int d, int h, int mi, int se, time_t *out)
{
	if (m < 1 || d < 1 || d > 31 || y < 1970)
		return false;
	*out = (time_t)(days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 +
	    se);
	return true;
}

bool
http_date_parse(const char *s, size_t len, time_t *out)
{
	int y, m, d, h, mi, se;
	const char *comma;

	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (len == 29 && s[3] == ',' && s[4] == ' ' && digits(s + 5, 2, &d) &&
	    s[7] == ' ' && (m = month_index(s + 8)) != 0 && s[11] == ' ' &&
	    digits(s + 12, 4, &y) && s[16] == ' ' &&
	    clock_time(s + 17, &h, &mi, &se) && memcmp(s + 25, " GMT", 4) == 0)
		return make_time(y, m, d, h, mi, se, out);
	/* asctime: "Sun Nov  6 08:49:37 1994" */
	if (len == 24 && s[3] == ' ' && (m = month_index(s + 4)) != 0 &&
	    s[7] == ' ' && (s[8] == ' ' || (s[8] >= '0' && s[8] <= '9')) &&
	    digits(s + 9, 1, &d) && s[10] == ' ' &&
	    clock_time(s + 11, &h, &mi, &se) && s[19] == ' ' &&
	    digits(s + 20, 4, &y)) {
		if (s[8] != ' ')
			d += (s[8] - '0') * 10;
		return make_time(y, m, d, h, mi, se, out);
	}
	/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
	comma = memchr(s, ',', len > 10 ? 10 : len);
	if (comma != NULL && (size_t)(s + len - comma) == 24 &&
	    comma[1] == ' ' && digits(comma + 2, 2, &d) && comma[4] == '-' &&
	    (m = month_index(comma + 5)) != 0 && comma[8] == '-' &&
	    digits(comma + 9, 2, &y) && comma[11] == ' ' &&
	    clock_time(comma + 12, &h, &mi, &se) &&
	    memcmp(comma + 20, " GMT", 4) == 0) {
		/* Two-digit years: RFC 9110 section 5.6.7's 50-year rule. */
		y += y < 70 ? 2000 : 1900;
		return make_time(y, m, d, h, mi, se, out);
	}
	return false;
}
