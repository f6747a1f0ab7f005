/*
 * Unit tests of the status table: every named status has its phrase of
 * RFC 9110, and a code without a name says so.
 */
#include "http/http_status.h"
#include "tap.h"

int
main(void)
{
	static const struct { int code; const char *text; } cases[] = {
		{ HTTP_STATUS_CONTINUE, "Continue" },
		{ HTTP_STATUS_OK, "OK" },
		{ HTTP_STATUS_PARTIAL_CONTENT, "Partial Content" },
		{ HTTP_STATUS_MOVED_PERMANENTLY, "Moved Permanently" },
		{ HTTP_STATUS_NOT_MODIFIED, "Not Modified" },
		{ HTTP_STATUS_BAD_REQUEST, "Bad Request" },
		{ HTTP_STATUS_REQUEST_TIMEOUT, "Request Timeout" },
		{ HTTP_STATUS_CONTENT_TOO_LARGE, "Content Too Large" },
		{ HTTP_STATUS_RANGE_NOT_SATISFIABLE, "Range Not Satisfiable" },
		{ HTTP_STATUS_MISDIRECTED, "Misdirected Request" },
		{ HTTP_STATUS_HEADERS_TOO_LARGE,
		    "Request Header Fields Too Large" },
		{ HTTP_STATUS_INTERNAL_ERROR, "Internal Server Error" },
		{ HTTP_STATUS_BAD_GATEWAY, "Bad Gateway" },
		{ HTTP_STATUS_GATEWAY_TIMEOUT, "Gateway Timeout" },
		{ HTTP_STATUS_VERSION_NOT_SUPPORTED,
		    "HTTP Version Not Supported" },
		{ 299, "Unknown" }, { 0, "Unknown" }, { -1, "Unknown" }
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(http_status_text(cases[i].code), cases[i].text,
		    cases[i].text);
	ok(!http_status_is_error(HTTP_STATUS_NOT_MODIFIED) &&
	    http_status_is_error(HTTP_STATUS_BAD_REQUEST) &&
	    http_status_is_error(HTTP_STATUS_GATEWAY_TIMEOUT),
	    "4xx and 5xx are errors, the rest are not");
	return done_testing();
}
