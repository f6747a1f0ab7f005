/*
 * libFuzzer driver for Basic credentials and htpasswd lookups: no crash,
 * and decoding is strict -- whatever decodes re-encodes to exactly the
 * token it came from, and holds no control byte.
 *
 * The input up to its first NUL is an Authorization value; the rest is
 * an htpasswd file, checked with fixed credentials and with the decoded
 * ones.  Inputs that could ask for slow hashes (bcrypt cost above 5,
 * sha-crypt rounds=, any yescrypt: its parameters set time and memory)
 * are skipped: they exercise libcrypt, not our code, at a few execs a
 * second.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/htpasswd.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static bool
contains(const uint8_t *data, size_t size, const char *s)
{
	return memmem(data, size, s, strlen(s)) != NULL;
}

/* A bcrypt "$2?$NN$" with NN above 05 anywhere in the input. */
static bool
slow_bcrypt(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i + 7 <= size; i++)
		if (data[i] == '$' && data[i + 1] == '2' &&
		    data[i + 3] == '$' && data[i + 6] == '$' &&
		    (data[i + 4] != '0' || data[i + 5] > '5'))
			return true;
	return false;
}

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
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Decoded credentials must be bounded, clean, and the token canonical. */
static void
check_decoded(const uint8_t *value, size_t len, const char *user,
    const char *pass)
{
	char creds[HTPASSWD_USER_MAX + 1 + HTPASSWD_PASSWORD_MAX + 1];
	char token[sizeof(creds) / 3 * 4 + 8];
	size_t ulen = strlen(user), plen = strlen(pass), skip;

	if (ulen > HTPASSWD_USER_MAX || plen > HTPASSWD_PASSWORD_MAX ||
	    strchr(user, ':') != NULL || has_ctl(user) || has_ctl(pass))
		abort();
	memcpy(creds, user, ulen);
	creds[ulen] = ':';
	memcpy(creds + ulen + 1, pass, plen);
	encode(creds, ulen + 1 + plen, token);
	/* "Basic" in any case, then spaces: the rest must be that token. */
	for (skip = 5; skip < len && value[skip] == ' '; skip++)
		;
	if (len - skip != strlen(token) ||
	    memcmp(value + skip, token, len - skip) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char user[HTPASSWD_USER_MAX + 1], pass[HTPASSWD_PASSWORD_MAX + 1];
	const uint8_t *nul;
	size_t head;
	bool decoded;

	nul = memchr(data, '\0', size);
	/* A NUL fits neither the scheme nor base64: never decodes. */
	if (nul != NULL && http_basic_decode((const char *)data, size, user,
	    sizeof(user), pass, sizeof(pass)))
		abort();
	head = nul != NULL ? (size_t)(nul - data) : size;
	decoded = http_basic_decode((const char *)data, head, user,
	    sizeof(user), pass, sizeof(pass));
	if (decoded)
		check_decoded(data, head, user, pass);
	if (nul == NULL)
		return 0;
	if (slow_bcrypt(data, size) || contains(data, size, "rounds=") ||
	    contains(data, size, "$y$"))
		return 0;
	data += head + 1;
	size -= head + 1;
	(void)htpasswd_check((const char *)data, size, "alice",
	    "correct horse");
	if (decoded)
		(void)htpasswd_check((const char *)data, size, user, pass);
	return 0;
}
