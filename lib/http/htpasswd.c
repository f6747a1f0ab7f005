#include <crypt.h>
#include <string.h>

#include <bearssl.h>

#include "http/htpasswd.h"

/* The RFC 4648 alphabet, and crypt's own ("./0-9A-Za-z") for $apr1$. */
static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char crypt64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* libcrypt verifies these; each is a whole "$id$" prefix. */
static const char *const crypt_ids[] = {
	"$2y$", "$2b$", "$2a$",	/* bcrypt: htpasswd -B writes $2y$ */
	"$5$", "$6$",		/* sha256crypt, sha512crypt: -2, -5 */
	"$y$",			/* yescrypt: Debian's default crypt(5) */
};

enum {
	APR1_SALT_MAX = 8,	/* longer salts are cut to 8 by Apache */
	APR1_HASH_LEN = 22,	/* 128 bits in crypt64, 6 bits a char */
	APR1_ROUNDS = 1000,
	SHA_B64_LEN = 28,	/* 20 bytes of SHA-1 in padded base64 */
	/* user ":" password, the most a Basic token may decode to. */
	BASIC_MAX = HTPASSWD_USER_MAX + 1 + HTPASSWD_PASSWORD_MAX
};

/*
 * Compare without an early exit, so that the time taken says nothing
 * about how much of a hash an attacker has guessed right.
 */
static bool
ct_equal(const char *a, const char *b, size_t n)
{
	volatile unsigned char diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

static bool
has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* 0-63 for a character of the RFC 4648 alphabet, -1 for anything else. */
static int
b64_value(unsigned char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(b64_alphabet, c)) == NULL)
		return -1;
	return (int)(p - b64_alphabet);
}

/*
 * Strict RFC 4648 decoding of in[0..len) into out (size bytes): whole
 * quantums, "=" only as the padding of the last one, and the pad bits
 * zero, so that each byte string has exactly one accepted encoding.
 */
static bool
b64_decode(const char *in, size_t len, unsigned char *out, size_t size,
    size_t *outlen)
{
	unsigned long acc = 0;
	size_t i, j, k = 0, n, pad = 0;
	int v;

	if (len == 0 || len % 4 != 0)
		return false;
	if (in[len - 1] == '=')
		pad = in[len - 2] == '=' ? 2 : 1;
	if ((n = len / 4 * 3 - pad) > size)
		return false;
	for (i = 0; i < len; i++) {
		v = i < len - pad ? b64_value((unsigned char)in[i]) : 0;
		if (v < 0)
			return false;
		acc = acc << 6 | (unsigned long)v;
		if (i % 4 != 3)
			continue;
		/* A quantum is complete: 3 bytes, fewer under padding. */
		for (j = 0; j < 3 && k < n; j++)
			out[k++] = (unsigned char)(acc >> (16 - 8 * j));
		if (i + 1 < len)
			acc = 0;
	}
	/* The bits under the padding must be zero (RFC 4648 3.5). */
	if ((acc & (pad == 2 ? 0xffffUL : pad == 1 ? 0xffUL : 0)) != 0)
		return false;
	*outlen = k;
	return true;
}

/* Padded base64 of in[0..len) into out, 4 * ceil(len / 3) chars, no NUL. */
static void
b64_encode(const unsigned char *in, size_t len, char *out)
{
	unsigned long acc;
	size_t i, k;

	for (i = 0; i < len; i += 3) {
		acc = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			acc |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			acc |= in[i + 2];
		for (k = 0; k < 4; k++)
			out[k] = b64_alphabet[acc >> (18 - 6 * k) & 0x3f];
		if (i + 1 >= len)
			out[2] = '=';
		if (i + 2 >= len)
			out[3] = '=';
		out += 4;
	}
}

/*
 * Length of "Basic" 1*SP at the start of value, or 0.  The scheme is
 * case-insensitive (RFC 7235 2.1); compared by hand to stay out of the
 * locale.
 */
static size_t
basic_scheme(const char *value, size_t len)
{
	static const char scheme[] = "basic";
	size_t i;

	if (len < sizeof(scheme) || value[sizeof(scheme) - 1] != ' ')
		return 0;
	for (i = 0; i < sizeof(scheme) - 1; i++)
		/* |0x20 lowers a letter and maps no other byte onto one. */
		if (((unsigned char)value[i] | 0x20) != scheme[i])
			return 0;
	while (i < len && value[i] == ' ')
		i++;
	return i;
}

/* RFC 7617 2: neither user-id nor password holds a control character. */
static bool
has_ctl(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

bool
http_basic_decode(const char *value, size_t len, char *user,
    size_t usersize, char *password, size_t passsize)
{
	unsigned char buf[BASIC_MAX];
	const unsigned char *colon;
	size_t skip, n, ulen, plen;
	bool ok = false;

	if (usersize > 0)
		user[0] = '\0';
	if (passsize > 0)
		password[0] = '\0';
	if ((skip = basic_scheme(value, len)) == 0 ||
	    !b64_decode(value + skip, len - skip, buf, sizeof(buf), &n))
		goto done;
	/* The user-id ends at the first colon; the password may hold more. */
	if ((colon = memchr(buf, ':', n)) == NULL || has_ctl(buf, n))
		goto done;
	ulen = (size_t)(colon - buf);
	plen = n - ulen - 1;
	if (ulen > HTPASSWD_USER_MAX || ulen >= usersize ||
	    plen > HTPASSWD_PASSWORD_MAX || plen >= passsize)
		goto done;
	memcpy(user, buf, ulen);
	user[ulen] = '\0';
	memcpy(password, colon + 1, plen);
	password[plen] = '\0';
	ok = true;
 done:
	explicit_bzero(buf, sizeof(buf));	/* it held a password */
	return ok;
}

/*
 * bcrypt, sha-crypt and yescrypt: crypt_r rehashes the password with the
 * settings taken from the stored hash, which must come back unchanged.
 * The hash is copied out because the file buffer is not NUL-terminated.
 */
static bool
crypt_check(const char *hash, size_t len, const char *password)
{
	struct crypt_data data;	/* about 32 KiB, on the stack */
	char setting[CRYPT_OUTPUT_SIZE];
	const char *out;
	bool ok;

	if (len >= sizeof(setting))
		return false;
	memcpy(setting, hash, len);
	setting[len] = '\0';
	memset(&data, 0, sizeof(data));	/* crypt_r wants initialized == 0 */
	out = crypt_r(password, setting, &data);
	/* Failure is NULL or a "*0"-style token, per libxcrypt's build. */
	ok = out != NULL && out[0] != '*' && strlen(out) == len &&
	    ct_equal(out, hash, len);
	explicit_bzero(&data, sizeof(data));
	return ok;
}

/* Append n chars of crypt64 for v, least significant 6 bits first. */
static char *
to64(char *out, unsigned long v, int n)
{
	while (n-- > 0) {
		*out++ = crypt64[v & 0x3f];
		v >>= 6;
	}
	return out;
}

/*
 * The MD5-crypt construction (Poul-Henning Kamp, FreeBSD 1994) with the
 * magic "$apr1$" instead of "$1$": out receives the 22 chars after the
 * salt.  The byte order of the final encoding is part of the format.
 */
static void
apr1_digest(const char *pw, const char *salt, size_t slen,
    char out[APR1_HASH_LEN])
{
	static const char magic[] = "$apr1$";
	br_md5_context ctx, alt;
	unsigned char fin[br_md5_SIZE];
	size_t plen = strlen(pw), n, m;
	unsigned long v;
	int i;

	br_md5_init(&alt);
	br_md5_update(&alt, pw, plen);
	br_md5_update(&alt, salt, slen);
	br_md5_update(&alt, pw, plen);
	br_md5_out(&alt, fin);

	br_md5_init(&ctx);
	br_md5_update(&ctx, pw, plen);
	br_md5_update(&ctx, magic, sizeof(magic) - 1);
	br_md5_update(&ctx, salt, slen);
	for (n = plen; n > 0; n -= m) {
		m = n > sizeof(fin) ? sizeof(fin) : n;
		br_md5_update(&ctx, fin, m);
	}
	/* Each bit of the length adds a NUL (set) or the first char (clear). */
	for (n = plen; n > 0; n >>= 1)
		br_md5_update(&ctx, (n & 1) ? "" : pw, 1);
	br_md5_out(&ctx, fin);

	/* Rounds meant to slow down brute force, by 1994 standards. */
	for (i = 0; i < APR1_ROUNDS; i++) {
		br_md5_init(&ctx);
		if (i & 1)
			br_md5_update(&ctx, pw, plen);
		else
			br_md5_update(&ctx, fin, sizeof(fin));
		if (i % 3 != 0)
			br_md5_update(&ctx, salt, slen);
		if (i % 7 != 0)
			br_md5_update(&ctx, pw, plen);
		if (i & 1)
			br_md5_update(&ctx, fin, sizeof(fin));
		else
			br_md5_update(&ctx, pw, plen);
		br_md5_out(&ctx, fin);
	}

	/* Bytes i, i+6, i+12 per group of 4 chars; 4,10,5 and 11 close it. */
	for (i = 0; i < 5; i++) {
		v = (unsigned long)fin[i] << 16 |
		    (unsigned long)fin[i + 6] << 8 | fin[i == 4 ? 5 : i + 12];
		out = to64(out, v, 4);
	}
	to64(out, fin[11], 2);
	explicit_bzero(fin, sizeof(fin));
	explicit_bzero(&ctx, sizeof(ctx));
	explicit_bzero(&alt, sizeof(alt));
}

/* hash[0..len) follows "$apr1$": salt (at most 8 chars) "$" 22 chars. */
static bool
apr1_check(const char *hash, size_t len, const char *password)
{
	char want[APR1_HASH_LEN];
	size_t slen;
	bool ok;

	for (slen = 0; slen < len && slen <= APR1_SALT_MAX; slen++)
		if (hash[slen] == '$')
			break;
	if (slen > APR1_SALT_MAX || slen == len ||
	    len - slen - 1 != APR1_HASH_LEN)
		return false;
	apr1_digest(password, hash, slen, want);
	ok = ct_equal(want, hash + slen + 1, APR1_HASH_LEN);
	explicit_bzero(want, sizeof(want));
	return ok;
}

/* hash[0..len) follows "{SHA}": base64 of the password's SHA-1. */
static bool
sha_check(const char *hash, size_t len, const char *password)
{
	br_sha1_context ctx;
	unsigned char md[br_sha1_SIZE];
	char want[SHA_B64_LEN];
	bool ok;

	if (len != SHA_B64_LEN)
		return false;
	br_sha1_init(&ctx);
	br_sha1_update(&ctx, password, strlen(password));
	br_sha1_out(&ctx, md);
	b64_encode(md, sizeof(md), want);
	ok = ct_equal(want, hash, SHA_B64_LEN);
	explicit_bzero(&ctx, sizeof(ctx));
	explicit_bzero(md, sizeof(md));
	return ok;
}

/* Verify against hash[0..len) by its prefix; unknown kinds never match. */
static bool
hash_check(const char *hash, size_t len, const char *password)
{
	size_t i;
	unsigned char c;

	/* Hashes are printable ASCII; a NUL or space would only mislead. */
	for (i = 0; i < len; i++)
		if ((c = (unsigned char)hash[i]) <= ' ' || c >= 0x7f)
			return false;
	if (has_prefix(hash, len, "$apr1$"))
		return apr1_check(hash + 6, len - 6, password);
	if (has_prefix(hash, len, "{SHA}"))
		return sha_check(hash + 5, len - 5, password);
	for (i = 0; i < sizeof(crypt_ids) / sizeof(crypt_ids[0]); i++)
		if (has_prefix(hash, len, crypt_ids[i]))
			return crypt_check(hash, len, password);
	return false;
}

/*
 * Find the first line "user:..." of file[0..len) and point hash at the
 * rest of it, its line end excluded.  Reads the file in place.
 */
static bool
find_user(const char *file, size_t len, const char *user, size_t ulen,
    size_t *hash, size_t *hashlen)
{
	const char *nl, *colon;
	size_t off = 0, n, next;

	while (off < len) {
		nl = memchr(file + off, '\n', len - off);
		n = nl != NULL ? (size_t)(nl - (file + off)) : len - off;
		next = off + n + 1;
		if (n > 0 && file[off + n - 1] == '\r')
			n--;
		/* Skip comments and lines without a colon (blank ones). */
		if (n > 0 && file[off] != '#' &&
		    (colon = memchr(file + off, ':', n)) != NULL &&
		    (size_t)(colon - (file + off)) == ulen &&
		    memcmp(file + off, user, ulen) == 0) {
			*hash = off + ulen + 1;
			*hashlen = n - ulen - 1;
			return true;
		}
		off = next;
	}
	return false;
}

bool
htpasswd_check(const char *file, size_t len, const char *user,
    const char *password)
{
	size_t ulen, plen, hash, hashlen;

	if (len > HTPASSWD_FILE_MAX)
		return false;
	/* strnlen: a runaway string is refused, not read to its end. */
	ulen = strnlen(user, HTPASSWD_USER_MAX + 1);
	plen = strnlen(password, HTPASSWD_PASSWORD_MAX + 1);
	if (ulen == 0 || ulen > HTPASSWD_USER_MAX ||
	    plen > HTPASSWD_PASSWORD_MAX)
		return false;
	if (!find_user(file, len, user, ulen, &hash, &hashlen))
		return false;
	return hash_check(file + hash, hashlen, password);
}
