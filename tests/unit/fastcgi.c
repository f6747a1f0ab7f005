/*
 * Unit tests of the FastCGI record codec: the exact bytes of each
 * builder, name-value pairs in both length forms and their bounds, the
 * GET_VALUES answer, the parser fed in every chunk size (byte by byte
 * must equal one shot), content taken in small pieces, and every error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "http/fastcgi.h"
#include "tap.h"

static bool
same_bytes(const uint8_t *got, size_t gotlen, const uint8_t *want,
    size_t wantlen)
{
	size_t i;

	if (gotlen == wantlen && memcmp(got, want, gotlen) == 0)
		return true;
	printf("# got %zu bytes:", gotlen);
	for (i = 0; i < gotlen; i++)
		printf(" %02x", got[i]);
	printf("\n");
	return false;
}

static void
test_builders(void)
{
	static const uint8_t begin[] = { 1, 1, 0x12, 0x34, 0, 8, 0, 0,
	    0, 1, 1, 0, 0, 0, 0, 0 };
	static const uint8_t end[] = { 1, 3, 0, 1, 0, 8, 0, 0,
	    0xde, 0xad, 0xbe, 0xef, 3, 0, 0, 0 };
	static const uint8_t out[] = { 1, 6, 0, 7, 0, 3, 5, 0,
	    'a', 'b', 'c', 0, 0, 0, 0, 0 };
	static const uint8_t term[] = { 1, 5, 0, 2, 0, 0, 0, 0 };
	static const uint8_t unknown[] = { 1, 11, 0, 0, 0, 8, 0, 0,
	    200, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t abort_[] = { 1, 2, 0, 9, 0, 0, 0, 0 };
	uint8_t buf[128];
	size_t n;

	n = fcgi_put_begin_request(buf, sizeof(buf), 0x1234, FCGI_RESPONDER,
	    FCGI_KEEP_CONN);
	ok(same_bytes(buf, n, begin, sizeof(begin)), "BEGIN_REQUEST bytes");
	n = fcgi_put_end_request(buf, sizeof(buf), 1, 0xdeadbeef,
	    FCGI_UNKNOWN_ROLE);
	ok(same_bytes(buf, n, end, sizeof(end)), "END_REQUEST bytes");
	n = fcgi_put_record(buf, sizeof(buf), FCGI_STDOUT, 7, "abc", 3);
	ok(same_bytes(buf, n, out, sizeof(out)), "STDOUT padded to 8");
	n = fcgi_put_record(buf, sizeof(buf), FCGI_STDIN, 2, NULL, 0);
	ok(same_bytes(buf, n, term, sizeof(term)), "empty stream terminator");
	n = fcgi_put_unknown_type(buf, sizeof(buf), 200);
	ok(same_bytes(buf, n, unknown, sizeof(unknown)), "UNKNOWN_TYPE bytes");
	n = fcgi_put_abort_request(buf, sizeof(buf), 9);
	ok(same_bytes(buf, n, abort_, sizeof(abort_)), "ABORT_REQUEST bytes");
	memcpy(buf + FCGI_HEADER_LEN, "abc", 3);
	n = fcgi_seal_record(buf, sizeof(buf), FCGI_STDOUT, 7, 3);
	ok(same_bytes(buf, n, out, sizeof(out)), "seal: content in place");
	ok(fcgi_put_record(buf, 15, FCGI_STDOUT, 7, "abc", 3) == 0,
	    "no room for the padding: 0");
	ok(fcgi_put_begin_request(buf, 7, 1, 1, 0) == 0,
	    "no room for the header: 0");
	ok(fcgi_seal_record(buf, sizeof(buf), FCGI_STDOUT, 1,
	    FCGI_CONTENT_MAX + 1) == 0, "content over 65535: 0");
	ok(fcgi_padding(0) == 0 && fcgi_padding(1) == 7 &&
	    fcgi_padding(8) == 0 && fcgi_padding(65535) == 1, "padding");
}

static void
test_nv(void)
{
	static const uint8_t small[] = { 3, 2, 'A', 'B', 'C', 'x', 'y' };
	static uint8_t big[300], buf[700];
	struct fcgi_nv nv;
	enum fcgi_error err = FCGI_E_NONE;
	size_t n, m, off;
	uint8_t bad[16];

	n = fcgi_nv_put(buf, sizeof(buf), "ABC", 3, "xy", 2);
	ok(same_bytes(buf, n, small, sizeof(small)), "pair, 1-byte lengths");
	memset(big, 'v', sizeof(big));
	m = fcgi_nv_put(buf + n, sizeof(buf) - n, "N", 1, big, 300);
	ok(m == 1 + 4 + 1 + 300 && buf[n + 1] == 0x80 && buf[n + 2] == 0 &&
	    buf[n + 3] == 1 && buf[n + 4] == 44, "pair, 4-byte value length");
	ok(fcgi_nv_size(127, 128) == 1 + 4 + 255, "sizes at the 128 boundary");
	ok(fcgi_nv_put(buf, 6, "ABC", 3, "xy", 2) == 0, "no room: 0");
	off = 0;
	ok(fcgi_nv_next(buf, n + m, &off, &nv, &err) == 1 &&
	    nv.namelen == 3 && memcmp(nv.name, "ABC", 3) == 0 &&
	    nv.valuelen == 2 && memcmp(nv.value, "xy", 2) == 0,
	    "decode: first pair");
	ok(fcgi_nv_next(buf, n + m, &off, &nv, &err) == 1 &&
	    nv.valuelen == 300 && nv.value[299] == 'v', "decode: long value");
	ok(fcgi_nv_next(buf, n + m, &off, &nv, &err) == 0 && off == n + m,
	    "decode: end");
	/* A value one byte longer than what remains. */
	off = 0;
	ok(fcgi_nv_next(small, sizeof(small) - 1, &off, &nv, &err) == -1 &&
	    err == FCGI_E_NV_TRUNCATED && off == 0,
	    "a pair claiming one byte too many is refused");
	memcpy(bad, "\x01\xff\xff\xff\xff" "A", 6);
	off = 0;
	err = FCGI_E_NONE;
	ok(fcgi_nv_next(bad, 6, &off, &nv, &err) == -1 &&
	    err == FCGI_E_NV_TRUNCATED, "a 2 GiB value length is refused");
	memcpy(bad, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	off = 0;
	ok(fcgi_nv_next(bad, 8, &off, &nv, &err) == -1,
	    "huge name and value lengths are refused");
	off = 0;
	ok(fcgi_nv_next(bad, 3, &off, &nv, &err) == -1,
	    "a 4-byte length cut short is refused");
	off = 0;
	ok(fcgi_nv_next((const uint8_t *)"\x01", 1, &off, &nv, &err) == -1,
	    "a missing value length is refused");
}

static void
test_get_values(void)
{
	static const struct fcgi_value known[] = {
		{ "FCGI_MAX_CONNS", "64" }, { "FCGI_MAX_REQS", "64" },
		{ "FCGI_MPXS_CONNS", "0" }
	};
	uint8_t q[128], out[256];
	struct fcgi_nv nv;
	enum fcgi_error err = FCGI_E_NONE;
	size_t qlen = 0, outlen = 0, off;

	qlen += fcgi_nv_put(q + qlen, sizeof(q) - qlen, "FCGI_MPXS_CONNS",
	    15, "", 0);
	qlen += fcgi_nv_put(q + qlen, sizeof(q) - qlen, "NOT_A_VARIABLE",
	    14, "", 0);
	qlen += fcgi_nv_put(q + qlen, sizeof(q) - qlen, "FCGI_MAX_CONNS",
	    14, "", 0);
	ok(fcgi_put_get_values_result(out, sizeof(out), &outlen, q, qlen,
	    known, 3) == FCGI_E_NONE && outlen % 8 == 0 &&
	    out[1] == FCGI_GET_VALUES_RESULT && out[2] == 0 && out[3] == 0,
	    "GET_VALUES_RESULT record");
	off = FCGI_HEADER_LEN;
	ok(fcgi_nv_next(out, FCGI_HEADER_LEN + out[5], &off, &nv, &err) == 1 &&
	    nv.namelen == 15 && nv.valuelen == 1 && nv.value[0] == '0',
	    "... answers FCGI_MPXS_CONNS=0");
	ok(fcgi_nv_next(out, FCGI_HEADER_LEN + out[5], &off, &nv, &err) == 1 &&
	    nv.namelen == 14 && nv.valuelen == 2 &&
	    memcmp(nv.value, "64", 2) == 0, "... FCGI_MAX_CONNS=64");
	ok(fcgi_nv_next(out, FCGI_HEADER_LEN + out[5], &off, &nv, &err) == 0,
	    "... and nothing for the unknown name");
	ok(fcgi_put_get_values_result(out, sizeof(out), &outlen, q, qlen - 1,
	    known, 3) == FCGI_E_NV_TRUNCATED, "a malformed query is refused");
	ok(fcgi_put_get_values_result(out, 24, &outlen, q, qlen, known, 3) ==
	    FCGI_E_NOSPACE, "no room for the answer");
}

/*
 * A transcript of what the parser reports, fed in chunks of `step`
 * bytes, content taken `take` bytes at a time.  Equal transcripts mean
 * equal parses.
 */
static enum fcgi_event_type
transcript(const uint8_t *in, size_t len, size_t step, size_t take,
    unsigned flags, uint16_t expect, char *out, size_t cap,
    enum fcgi_error *err)
{
	struct fcgi_parser p;
	struct fcgi_event ev;
	enum fcgi_event_type t = FCGI_EV_MORE, last = FCGI_EV_MORE;
	size_t avail = 0, off = 0, used, o = 0, n;

	fcgi_parser_init(&p, flags, expect);
	memset(out, 0, cap);
	*err = FCGI_E_NONE;
	for (;;) {
		if (t == FCGI_EV_MORE) {
			n = len - off - avail < step ? len - off - avail : step;
			if (n == 0)
				break;
			avail += n;
		}
		t = fcgi_parse(&p, in + off, avail, &used, &ev);
		off += used;
		avail -= used;
		if (t != FCGI_EV_MORE)
			last = t;
		if (o + 64 > cap)
			break;
		switch (t) {
		case FCGI_EV_HEADER:
			o += (size_t)snprintf(out + o, cap - o, "[%d/%u:",
			    ev.header.type, ev.header.request_id);
			break;
		case FCGI_EV_CONTENT:
			n = ev.len < take ? ev.len : take;
			memcpy(out + o, ev.data, n);
			o += n;
			out[o] = '\0';
			fcgi_take(&p, n);
			off += n;
			avail -= n;
			break;
		case FCGI_EV_END:
			o += (size_t)snprintf(out + o, cap - o, "|%02x%02x%02x]",
			    ev.body[0], ev.body[1], ev.body[2]);
			break;
		case FCGI_EV_ERROR:
			*err = ev.error;
			return t;
		case FCGI_EV_MORE:
			break;
		}
	}
	return last;	/* the last event other than "more" */
}

static size_t
sample_stream(uint8_t *s, size_t cap)
{
	uint8_t params[64];
	size_t n = 0, pl = 0;
	struct fcgi_header h = { 1, 200, 0, 3, 2 };

	pl += fcgi_nv_put(params, sizeof(params), "SCRIPT_FILENAME", 15,
	    "/x", 2);
	n += fcgi_put_begin_request(s + n, cap - n, 1, FCGI_RESPONDER,
	    FCGI_KEEP_CONN);
	n += fcgi_put_record(s + n, cap - n, FCGI_PARAMS, 1, params, pl);
	n += fcgi_put_record(s + n, cap - n, FCGI_PARAMS, 1, NULL, 0);
	n += fcgi_put_record(s + n, cap - n, FCGI_STDIN, 1, "body bytes", 10);
	n += fcgi_put_record(s + n, cap - n, FCGI_STDIN, 1, NULL, 0);
	n += fcgi_put_record(s + n, cap - n, FCGI_GET_VALUES, 0, "\x01\x00Q",
	    3);
	/* An unknown type, with more padding than alignment needs. */
	n += fcgi_put_header(s + n, cap - n, &h);
	memcpy(s + n, "xyz\0\0", 5);
	n += 5;
	n += fcgi_put_abort_request(s + n, cap - n, 1);
	n += fcgi_put_end_request(s + n, cap - n, 1, 7, 0);
	return n;
}

static void
test_parser_splits(void)
{
	static uint8_t s[512];
	static char want[1024], got[1024];
	static const char expect[] =
	    "[1/1:|000101][4/1:\x0f\x02SCRIPT_FILENAME/x|000000][4/1:|000000]"
	    "[5/1:body bytes|000000][5/1:|000000][9/0:\x01\x00Q";
	enum fcgi_error err;
	size_t len = sample_stream(s, sizeof(s)), step, take;
	bool same = true;

	ok(transcript(s, len, len, len, FCGI_PARSE_UNKNOWN_TYPES, 0, want,
	    sizeof(want), &err) == FCGI_EV_END, "sample stream parses");
	/* The transcript stops at the NUL of the GET_VALUES content. */
	ok(memcmp(want, expect, sizeof(expect) - 1) == 0,
	    "headers, content and bodies as sent");
	ok(strstr(want + sizeof(expect), "[200/0:xyz|000000][2/1:|000000]"
	    "[3/1:|000000]") != NULL, "unknown type, abort, end request");
	for (step = 1; step <= len; step++)
		for (take = 1; take <= 11; take += 5) {
			(void)transcript(s, len, step, take,
			    FCGI_PARSE_UNKNOWN_TYPES, 0, got, sizeof(got), &err);
			if (memcmp(got, want, sizeof(want)) != 0) {
				printf("# step %zu take %zu differs\n", step,
				    take);
				same = false;
			}
		}
	ok(same, "every chunk size and take size gives the same parse");
}

struct bad_case {
	const char	*name;
	uint8_t		 rec[16];
	size_t		 len;
	unsigned	 flags;
	uint16_t	 expect;
	enum fcgi_error	 error;
};

static const struct bad_case bad[] = {
	{ "version 0", { 0, 5, 0, 1, 0, 0, 0, 0 }, 8, 0, 0, FCGI_E_VERSION },
	{ "version 2", { 2, 5, 0, 1, 0, 0, 0, 0 }, 8, 0, 0, FCGI_E_VERSION },
	{ "type 0", { 1, 0, 0, 0, 0, 0, 0, 0 }, 8, 0, 0, FCGI_E_TYPE },
	{ "type 12 not allowed", { 1, 12, 0, 0, 0, 0, 0, 0 }, 8, 0, 0,
	    FCGI_E_TYPE },
	{ "unknown type with an id", { 1, 12, 0, 1, 0, 0, 0, 0 }, 8,
	    FCGI_PARSE_UNKNOWN_TYPES, 0, FCGI_E_ID_MGMT },
	{ "BEGIN_REQUEST of 7 bytes", { 1, 1, 0, 1, 0, 7, 1, 0 }, 8, 0, 0,
	    FCGI_E_LENGTH },
	{ "END_REQUEST of 16 bytes", { 1, 3, 0, 1, 0, 16, 0, 0 }, 8, 0, 0,
	    FCGI_E_LENGTH },
	{ "ABORT_REQUEST with content", { 1, 2, 0, 1, 0, 1, 7, 0 }, 8, 0, 0,
	    FCGI_E_LENGTH },
	{ "padding 5 on 8 bytes, strict", { 1, 5, 0, 1, 0, 8, 5, 0 }, 8,
	    FCGI_PARSE_STRICT_PADDING, 0, FCGI_E_PADDING },
	{ "padding 255 on 1 byte, strict", { 1, 5, 0, 1, 0, 1, 255, 0 }, 8,
	    FCGI_PARSE_STRICT_PADDING, 0, FCGI_E_PADDING },
	{ "STDIN with id 0", { 1, 5, 0, 0, 0, 0, 0, 0 }, 8, 0, 0,
	    FCGI_E_ID_ZERO },
	{ "GET_VALUES with id 1", { 1, 9, 0, 1, 0, 0, 0, 0 }, 8, 0, 0,
	    FCGI_E_ID_MGMT },
	{ "STDOUT for request 2 of 1", { 1, 6, 0, 2, 0, 0, 0, 0 }, 8, 0, 1,
	    FCGI_E_ID_MISMATCH },
};

static void
test_errors(void)
{
	struct fcgi_parser p;
	struct fcgi_event ev;
	enum fcgi_error err;
	char out[256];
	size_t i, used;
	bool texts = true;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok(transcript(bad[i].rec, bad[i].len, 1, 1, bad[i].flags,
		    bad[i].expect, out, sizeof(out), &err) == FCGI_EV_ERROR &&
		    err == bad[i].error, "%s: %s", bad[i].name,
		    fcgi_strerror(bad[i].error));
	}
	ok(transcript((const uint8_t *)"\1\5\0\1\0\10\0\0", 8, 8, 8,
	    FCGI_PARSE_STRICT_PADDING, 0, out, sizeof(out), &err) ==
	    FCGI_EV_HEADER, "strict: no padding is fine");
	ok(transcript((const uint8_t *)"\1\5\0\1\0\10\3\0abcdefgh\0\0\0", 19,
	    19, 19, 0, 0, out, sizeof(out), &err) == FCGI_EV_END,
	    "lenient: any padding is skipped");
	fcgi_parser_init(&p, 0, 0);
	(void)fcgi_parse(&p, (const uint8_t *)"\2\5\0\1\0\0\0\0", 8, &used,
	    &ev);
	ok(fcgi_parse(&p, (const uint8_t *)"\1\5\0\1\0\0\0\0", 8, &used,
	    &ev) == FCGI_EV_ERROR && used == 0 && ev.error == FCGI_E_VERSION,
	    "an error sticks and consumes nothing");
	fcgi_parser_init(&p, 0, 0);
	ok(fcgi_parse(&p, (const uint8_t *)"\1\6\0\1\0\4\0\0ab", 10, &used,
	    &ev) == FCGI_EV_HEADER && used == 8 &&
	    fcgi_parse(&p, (const uint8_t *)"ab", 2, &used, &ev) ==
	    FCGI_EV_CONTENT && used == 0 && ev.len == 2,
	    "a truncated record: its content so far, then more wanted");
	fcgi_take(&p, 2);
	ok(fcgi_parse(&p, (const uint8_t *)"", 0, &used, &ev) == FCGI_EV_MORE,
	    "... and nothing else");
	for (i = 0; i < FCGI_E__COUNT; i++)
		if (fcgi_strerror((enum fcgi_error)i) == NULL ||
		    strcmp(fcgi_strerror((enum fcgi_error)i), "unknown error") ==
		    0)
			texts = false;
	ok(texts && strcmp(fcgi_strerror(FCGI_E__COUNT), "unknown error") == 0,
	    "every error has its own text");
}

int
main(void)
{
	test_builders();
	test_nv();
	test_get_values();
	test_parser_splits();
	test_errors();
	return done_testing();
}
