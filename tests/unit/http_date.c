/* Unit tests of HTTP date formatting and parsing. */
#include <string.h>

#include "http/http_date.h"
#include "tap.h"

int
main(void)
{
	char buf[HTTP_DATE_LEN + 1];
	time_t t;

	http_date_format(784111777, buf);
	is_str(buf, "Sun, 06 Nov 1994 08:49:37 GMT", "RFC 9110 example");
	http_date_format(0, buf);
	is_str(buf, "Thu, 01 Jan 1970 00:00:00 GMT", "the epoch");
	http_date_format(951782400, buf);
	is_str(buf, "Tue, 29 Feb 2000 00:00:00 GMT", "a leap day");
	http_date_format(4102444799, buf);
	is_str(buf, "Thu, 31 Dec 2099 23:59:59 GMT", "end of 2099");
	ok(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", 29, &t) &&
	    t == 784111777, "IMF-fixdate");
	ok(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", 30, &t) &&
	    t == 784111777, "RFC 850");
	ok(http_date_parse("Sun Nov  6 08:49:37 1994", 24, &t) &&
	    t == 784111777, "asctime");
	ok(!http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", 29, &t),
	    "UTC instead of GMT is refused");
	ok(!http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", 29, &t),
	    "unknown month");
	ok(!http_date_parse("Sun, 06 Nov 1994 25:49:37 GMT", 29, &t),
	    "hour 25");
	ok(!http_date_parse("", 0, &t), "empty");
	ok(!http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT ", 30, &t),
	    "trailing space");
	return done_testing();
}
