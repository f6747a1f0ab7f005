/*
 * Unit tests of Basic credentials decoding and htpasswd lookups.  The
 * hashes were made once with Debian's htpasswd (apache2-utils), openssl
 * passwd and libxcrypt's crypt_gensalt; the test runs none of them.
 */
#include <stdio.h>
#include <string.h>

#include "http/htpasswd.h"
#include "tap.h"

struct hash_case {
	const char	*what;
	const char	*hash;
	const char	*good;	/* NULL: no password may match */
	const char	*bad;
};

static const struct hash_case hashes[] = {
	{ "bcrypt $2y$ cost 4 (htpasswd -nbB -C 4)",
	    "$2y$04$VT9VeG1JMhtZ7B1ZuqZGKeyfRaY2zWp0MNxTxwhNYX14c5HUoo3k.",
	    "correct horse", "correct horse " },
	{ "bcrypt $2y$ cost 5, colon in password (htpasswd -nbB)",
	    "$2y$05$VuZmaMaU5TFj7bbJLPh1s.TjX4IF70S9.Xd99ZYNN1xWxnj7Sd2lm",
	    "b0b:pw", "b0b" },
	{ "bcrypt $2b$",
	    "$2b$04$xTfhBkJHDnUiPHDaAWTvj.pFTVrhvEKMo6sabnrpG1NIq01d1MfZC",
	    "twobpass", "twoapass" },
	{ "bcrypt $2a$",
	    "$2a$04$6rLdQs5UyIRYo8HucLOCceGwd1rx5PfK7qwUH0zLLFpJ0phD5WoJ2",
	    "twoapass", "twobpass" },
	{ "apr1 (htpasswd -nbm)",
	    "$apr1$JQqS26ph$HceU86iCvSfX2mp828SNJ.", "apr1pass", "Apr1pass" },
	{ "apr1 of the empty password",
	    "$apr1$onf9Ct9C$rUV71q/KhfSALfGRvhL6Z/", "", "x" },
	{ "apr1, 16-byte password",
	    "$apr1$9kLu.Iws$sUShl53Fvn8kRyJ7egQk1.", "exactly16bytes!!",
	    "exactly16bytes!" },
	{ "apr1, 42-byte password (openssl passwd -apr1)",
	    "$apr1$12345678$WzPHYzayaslpAfJVKLC1P0",
	    "a-much-longer-password-over-sixteen-bytes!",
	    "a-much-longer-password-over-sixteen-bytes?" },
	{ "apr1 (openssl passwd -apr1)",
	    "$apr1$abcdefgh$m8rpICmx7lDw5/rG../Zk.", "openapr", "openapr1" },
	{ "apr1, one-char salt",
	    "$apr1$x$Zhv0C/3r6fmelCqz8LcOg.", "shortsalt", "" },
	{ "{SHA} (htpasswd -nbs)",
	    "{SHA}z0jT3TdveclVlHs5WCpg5cPeIe8=", "shapass", "shapasS" },
	{ "sha512crypt (htpasswd -nb5)",
	    "$6$Fo4Mvd7F8cg99fur$oYUXXAQQkQ7ag3NJ588qw6pJ3x9iGmc1zJoOKmHyzq/"
	    "s1YKRMJyZk5/tyLV5ItszMLMNl2vGWEzUWQuj0K08E/",
	    "sha256pw", "sha512pw" },
	{ "sha256crypt (htpasswd -nb2)",
	    "$5$uUPmO0ynmi1Voj0A$e0M.yv9Jxd9I3XE1o568VwWl0RQnwzx/xpAS2F9OcL.",
	    "sha512pw", "sha256pw" },
	{ "sha512crypt (openssl passwd -6)",
	    "$6$saltsalt$EA4vw6JsXSPdLgcltOT64e7ZKGp9uFvoLwKkrTk8fds8XL7W/"
	    "ZDHTHommnuocEIl8O0HwGAsZFSAcgi9G0RKj0",
	    "sixpass", "fivepass" },
	{ "sha256crypt (openssl passwd -5)",
	    "$5$fivesalt$4i90qQAXAAVXDCbH.5xazdYjPK4KQB0Fo6GvIs4u4pD",
	    "fivepass", "sixpass" },
	{ "yescrypt",
	    "$y$j9T$SESomn4bXzi/OgkZsn.7/0$Mf.yBFWxIXlHAlItE7viX5njVDCNDS2nli"
	    "csJTggWc3",
	    "yespass", "yespas" },
	/* Refused kinds: the right password must not match either. */
	{ "plain text (htpasswd -nbp)", "plainpw", NULL, "plainpw" },
	{ "DES crypt (htpasswd -nbd)", "UvFWPuCxVcQ.k", NULL, "despw" },
	{ "md5crypt $1$", "$1$bUF.PZRq$GCeK3ZRXntaVITzxcztV81", NULL,
	    "md5pass" },
	{ "empty hash", "", NULL, "" },
	/* Truncated or damaged hashes. */
	{ "bcrypt cut short",
	    "$2y$04$VT9VeG1JMhtZ7B1ZuqZGKeyfRaY2zWp0MNxTxwhNYX14c5HUoo3",
	    NULL, "correct horse" },
	{ "bcrypt setting only", "$2y$04$VT9VeG1JMhtZ7B1ZuqZGKe", NULL,
	    "correct horse" },
	{ "apr1 cut short", "$apr1$JQqS26ph$HceU86iCvSfX2mp828SNJ", NULL,
	    "apr1pass" },
	{ "apr1 salt only", "$apr1$JQqS26ph$", NULL, "apr1pass" },
	{ "apr1 without salt end", "$apr1$JQqS26ph", NULL, "apr1pass" },
	{ "apr1 nine-char salt", "$apr1$JQqS26phX$HceU86iCvSfX2mp828SNJ.",
	    NULL, "apr1pass" },
	{ "{SHA} cut short", "{SHA}z0jT3TdveclVlHs5WCpg5cPeIe8", NULL,
	    "shapass" },
	{ "{SHA} empty", "{SHA}", NULL, "" },
	{ "sha512crypt cut short",
	    "$6$saltsalt$EA4vw6JsXSPdLgcltOT64e7ZKGp9uFvoLwKkrTk8fds8XL7W/"
	    "ZDHTHommnuocEIl8O0HwGAsZFSAcgi9G0RKj", NULL, "sixpass" },
	{ "sha512crypt setting only", "$6$saltsalt$", NULL, "sixpass" },
	{ "trailing space after the hash",
	    "$apr1$JQqS26ph$HceU86iCvSfX2mp828SNJ. ", NULL, "apr1pass" },
	{ "extra field after the hash",
	    "$apr1$JQqS26ph$HceU86iCvSfX2mp828SNJ.:x", NULL, "apr1pass" },
};

static int
check(const char *file, const char *user, const char *password)
{
	return htpasswd_check(file, strlen(file), user, password);
}

static void
test_hashes(void)
{
	char file[512];
	size_t i;

	for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		snprintf(file, sizeof(file), "u:%s\n", hashes[i].hash);
		if (hashes[i].good != NULL)
			ok(check(file, "u", hashes[i].good),
			    "%s: right password", hashes[i].what);
		ok(!check(file, "u", hashes[i].bad), "%s: refused",
		    hashes[i].what);
	}
}

#define APR1_CAROL	"$apr1$JQqS26ph$HceU86iCvSfX2mp828SNJ."	/* apr1pass */
#define SHA_ERIN	"{SHA}z0jT3TdveclVlHs5WCpg5cPeIe8="	/* shapass */

static void
test_lookup(void)
{
	static const char file[] =
	    "# users of the test\r\n"
	    "\r\n"
	    "\n"
	    "   \n"
	    "no colon on this line\n"
	    "#carol:" SHA_ERIN "\n"
	    "carolx:" SHA_ERIN "\r\n"
	    "caro:" SHA_ERIN "\n"
	    "carol:" APR1_CAROL "\r\n"
	    "Erin:" APR1_CAROL "\n"
	    "erin:" SHA_ERIN "\n"
	    "erin:" APR1_CAROL "\n"
	    ":" SHA_ERIN "\n"
	    "last:" SHA_ERIN;	/* no line end */
	static const char nul[] = "x\0y:z\ncarol:" APR1_CAROL "\n";

	ok(check(file, "carol", "apr1pass"), "CRLF line after comments");
	ok(!check(file, "carol", "shapass"),
	    "commented-out line and longer user are not carol's");
	ok(!check(file, "caro", "apr1pass"), "prefix user has its own line");
	ok(check(file, "caro", "shapass"), "prefix user matches its own");
	ok(!check(file, "carolx", "apr1pass"), "longer user has its own line");
	ok(check(file, "carolx", "shapass"), "longer user, CRLF");
	ok(!check(file, "car", "shapass"), "prefix of users: unknown");
	ok(!check(file, "carol2", "apr1pass"), "unknown user");
	ok(!check(file, "CAROL", "apr1pass"), "user is case-sensitive");
	ok(check(file, "erin", "shapass"), "first of two lines for erin");
	ok(!check(file, "erin", "apr1pass"), "first line decides, not second");
	ok(check(file, "Erin", "apr1pass"), "Erin is another user");
	ok(!check(file, "", "shapass"), "empty user never matches");
	ok(check(file, "last", "shapass"), "last line without line end");
	ok(!check(file, "#carol", "shapass"), "comment is no user");
	ok(!check(file, "no colon on this line", ""), "line without colon");
	ok(!check(file, "carol:", "apr1pass"), "colon in user");
	ok(htpasswd_check(nul, sizeof(nul) - 1, "carol", "apr1pass"),
	    "NUL bytes on an earlier line");
	ok(!htpasswd_check(file, 0, "carol", "apr1pass"), "empty file");
	ok(!htpasswd_check(file, strlen(file) - 5, "last", "shapass"),
	    "len bounds the read: hash cut");
	ok(!check("erin:" SHA_ERIN "\r\r\n", "erin", "shapass"),
	    "only one CR belongs to the line end");
}

static void
test_limits(void)
{
	static char big[HTPASSWD_FILE_MAX + 1];
	char user[HTPASSWD_USER_MAX + 2], pass[HTPASSWD_PASSWORD_MAX + 2];
	char file[1024];

	memset(big, '\n', sizeof(big));
	memcpy(big, "erin:" SHA_ERIN, strlen("erin:" SHA_ERIN));
	ok(htpasswd_check(big, HTPASSWD_FILE_MAX, "erin", "shapass"),
	    "file of HTPASSWD_FILE_MAX bytes");
	ok(!htpasswd_check(big, sizeof(big), "erin", "shapass"),
	    "file one byte longer refused");

	memset(user, 'u', sizeof(user));
	user[HTPASSWD_USER_MAX] = '\0';
	snprintf(file, sizeof(file), "%s:%s\n", user, SHA_ERIN);
	ok(check(file, user, "shapass"), "user of HTPASSWD_USER_MAX bytes");
	user[HTPASSWD_USER_MAX] = 'u';
	user[HTPASSWD_USER_MAX + 1] = '\0';
	snprintf(file, sizeof(file), "%s:%s\n", user, SHA_ERIN);
	ok(!check(file, user, "shapass"), "user one byte longer refused");

	/* SHA-1 of a 256-byte password still hashes; the limit refuses it. */
	memset(pass, 'p', sizeof(pass));
	pass[HTPASSWD_PASSWORD_MAX + 1] = '\0';
	ok(!check("erin:" SHA_ERIN "\n", "erin", pass),
	    "password longer than HTPASSWD_PASSWORD_MAX refused");
}

struct decode_case {
	const char	*value;
	size_t		 len;	/* 0: strlen(value) */
	const char	*user;	/* NULL: malformed */
	const char	*password;
};

static const struct decode_case decodes[] = {
	{ "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==", 0, "alice", "correct horse" },
	{ "basic YTpi", 0, "a", "b" },
	{ "BASIC   YTpi", 0, "a", "b" },
	{ "bAsIc YWI6Y2Q=", 0, "ab", "cd" },
	{ "Basic YWJjOmRl", 0, "abc", "de" },
	{ "Basic Ym9iOmIwYjpwdw==", 0, "bob", "b0b:pw" },
	{ "Basic Og==", 0, "", "" },
	{ "Basic asO2ZTpwdw==", 0, "j\xc3\xb6" "e", "pw" },
	{ "Bearer YTpi", 0, NULL, NULL },
	{ "Basicx YTpi", 0, NULL, NULL },
	{ "BasicYTpi", 0, NULL, NULL },
	{ "Basic\tYTpi", 0, NULL, NULL },
	{ "Basic", 0, NULL, NULL },
	{ "Basic ", 0, NULL, NULL },
	{ "Basi YTpi", 0, NULL, NULL },
	{ "", 0, NULL, NULL },
	{ "Basic YTpi ", 0, NULL, NULL },
	{ "Basic YT pi", 0, NULL, NULL },
	{ "Basic YTpi\t", 0, NULL, NULL },
	{ "Basic YTpi\0", 11, NULL, NULL },
	{ "Basic YWI6Yw", 0, NULL, NULL },
	{ "Basic YWI6Yw=", 0, NULL, NULL },
	{ "Basic YWI6Yw===", 0, NULL, NULL },
	{ "Basic YTp", 0, NULL, NULL },
	{ "Basic YTpi=", 0, NULL, NULL },
	{ "Basic ====", 0, NULL, NULL },
	{ "Basic YT==YTpi", 0, NULL, NULL },
	{ "Basic YT*i", 0, NULL, NULL },
	{ "Basic YW-6Y2Q=", 0, NULL, NULL },
	{ "Basic YW_6Y2Q=", 0, NULL, NULL },
	{ "Basic YTp\xe9", 0, NULL, NULL },
	{ "Basic Oh==", 0, NULL, NULL },
	{ "Basic YWI6Yx==", 0, NULL, NULL },
	{ "Basic YWI6Y2R=", 0, NULL, NULL },
	{ "Basic YWxpY2U=", 0, NULL, NULL },
	{ "Basic dTpwAHg=", 0, NULL, NULL },
	{ "Basic AHU6cA==", 0, NULL, NULL },
	{ "Basic dQE6cA==", 0, NULL, NULL },
	{ "Basic dTpwfw==", 0, NULL, NULL },
	{ "Basic dTpwCQ==", 0, NULL, NULL },
};

static void
test_decode_table(void)
{
	char user[HTPASSWD_USER_MAX + 1], pass[HTPASSWD_PASSWORD_MAX + 1];
	const struct decode_case *d;
	size_t i, len;
	bool res;

	for (i = 0; i < sizeof(decodes) / sizeof(decodes[0]); i++) {
		d = &decodes[i];
		len = d->len != 0 ? d->len : strlen(d->value);
		res = http_basic_decode(d->value, len, user, sizeof(user), pass,
		    sizeof(pass));
		if (d->user == NULL) {
			ok(!res && user[0] == '\0' && pass[0] == '\0',
			    "decode '%s' refused", d->value);
			continue;
		}
		ok(res, "decode '%s'", d->value);
		is_str(user, d->user, "  user");
		is_str(pass, d->password, "  password");
	}
}

/* Plain base64 for building long tokens. */
static void
encode(const char *in, size_t len, char *out)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long v;
	size_t i;

	for (i = 0; i < len; i += 3, out += 4) {
		v = (unsigned long)(unsigned char)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)(unsigned char)in[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)in[i + 2];
		out[0] = a[v >> 18 & 63];
		out[1] = a[v >> 12 & 63];
		out[2] = i + 1 < len ? a[v >> 6 & 63] : '=';
		out[3] = i + 2 < len ? a[v & 63] : '=';
	}
	*out = '\0';
}

static bool
decode_creds(size_t ulen, size_t plen, size_t usersize, size_t passsize)
{
	char creds[1024], value[2048];
	char user[HTPASSWD_USER_MAX + 2], pass[HTPASSWD_PASSWORD_MAX + 2];

	memset(creds, 'u', ulen);
	creds[ulen] = ':';
	memset(creds + ulen + 1, 'p', plen);
	memcpy(value, "Basic ", 6);
	encode(creds, ulen + 1 + plen, value + 6);
	return http_basic_decode(value, strlen(value), user, usersize, pass,
	    passsize) && strlen(user) == ulen && strlen(pass) == plen;
}

static void
test_decode_limits(void)
{
	enum { U = HTPASSWD_USER_MAX, P = HTPASSWD_PASSWORD_MAX };
	char user[8], pass[8];

	ok(decode_creds(U, P, U + 1, P + 1), "user and password at the limits");
	ok(!decode_creds(U + 1, 1, U + 2, P + 1), "user too long");
	ok(!decode_creds(1, P + 1, U + 1, P + 2), "password too long");
	ok(!decode_creds(U + 1, P + 1, U + 2, P + 2), "both too long");
	ok(!decode_creds(600, 0, U + 2, P + 2), "token beyond any limit");
	ok(decode_creds(4, 4, 5, 5), "small buffers that fit");
	ok(!decode_creds(5, 4, 5, 5), "user does not fit usersize");
	ok(!decode_creds(4, 5, 5, 5), "password does not fit passsize");
	ok(!http_basic_decode("Basic YTpi", 10, user, 0, pass, sizeof(pass)),
	    "usersize 0");
	ok(!http_basic_decode("Basic YTpi", 9, user, sizeof(user), pass,
	    sizeof(pass)), "len cuts the token");
}

/* What a server does: decode the field, then look the user up. */
static void
test_together(void)
{
	static const char file[] = "alice:$2y$04$VT9VeG1JMhtZ7B1ZuqZGKeyfRaY2zW"
	    "p0MNxTxwhNYX14c5HUoo3k.\nerin:" SHA_ERIN "\n";
	static const char value[] = "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==";
	char user[HTPASSWD_USER_MAX + 1], pass[HTPASSWD_PASSWORD_MAX + 1];

	ok(http_basic_decode(value, sizeof(value) - 1, user, sizeof(user),
	    pass, sizeof(pass)) && htpasswd_check(file, sizeof(file) - 1,
	    user, pass), "decoded credentials match the file");
}

int
main(void)
{
	test_hashes();
	test_lookup();
	test_limits();
	test_decode_table();
	test_decode_limits();
	test_together();
	return done_testing();
}
