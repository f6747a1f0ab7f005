/*
 * htpasswd: HTTP Basic authentication (RFC 7617) against the contents of
 * an htpasswd file.
 *
 * Pure functions: no I/O, no allocation, nothing read past `len`, the
 * caller's buffers never modified.  The caller reads the file (at most
 * HTPASSWD_FILE_MAX bytes) and hands over its bytes.
 *
 * Hashes that can match, as Debian's htpasswd(1) and libcrypt write them:
 *   $2y$ $2b$ $2a$   bcrypt (htpasswd -B)            via crypt_r(3)
 *   $5$ $6$          sha256crypt, sha512crypt        via crypt_r(3)
 *   $y$              yescrypt                        via crypt_r(3)
 *   $apr1$           Apache MD5 (htpasswd -m, its default)
 *   {SHA}            base64(SHA-1(password)) (htpasswd -s)
 * Anything else -- plain text, traditional DES crypt, $1$, an empty hash --
 * never matches: a line we cannot verify is refused, not guessed at.
 *
 * Verifying costs what the hash says (a bcrypt cost, sha-crypt rounds=);
 * the file is trusted configuration, so no cap is put on that here.
 */
#ifndef HTPASSWD_H
#define HTPASSWD_H

#include <stdbool.h>
#include <stddef.h>

/*
 * USER and PASSWORD bound the decoded credentials (the NUL is extra);
 * FILE_MAX bounds the file a caller reads, so a lookup is a bounded scan.
 */
enum {
	HTPASSWD_USER_MAX = 255,
	HTPASSWD_PASSWORD_MAX = 255,
	HTPASSWD_FILE_MAX = 1 << 20
};

/*
 * Decode value[0..len), the value of an Authorization field (without
 * surrounding OWS): "Basic" 1*SP base64(user ":" password), the scheme
 * matched case-insensitively.  The user ends at the first colon; the
 * password may hold more.  On success writes the NUL-terminated user
 * (at most min(usersize - 1, HTPASSWD_USER_MAX) bytes) and password
 * (likewise) and returns true.
 *
 * Returns false, with user and password left empty strings when their
 * size allows, if the value is malformed: another scheme, base64 that is
 * not strict RFC 4648 (alphabet, "=" padding required, zero pad bits,
 * nothing after the token, no whitespace inside), no colon, a user or
 * password too long, or a control byte (NUL, 0x01-0x1f, 0x7f) in either.
 * An empty user or password decodes; htpasswd_check refuses an empty user.
 */
bool	http_basic_decode(const char *value, size_t len, char *user,
	    size_t usersize, char *password, size_t passsize);

/*
 * Check the NUL-terminated user and password against file[0..len), the
 * contents of an htpasswd file: lines "user:hash" ending in LF or CR LF
 * (the last line may lack one); lines starting with '#' and lines without
 * a colon (blank ones included) are skipped.  The user is compared
 * exactly, case-sensitively; the first line naming the user decides, as
 * with Apache, so a later duplicate can neither grant nor spoil access.
 * The hash is the rest of that line.
 *
 * Returns true only if such a line exists and the password matches its
 * hash (compared in constant time).  False for a file longer than
 * HTPASSWD_FILE_MAX, an empty user, or a user or password longer than
 * HTPASSWD_USER_MAX / HTPASSWD_PASSWORD_MAX.
 *
 * Stack use: a struct crypt_data (about 32 KiB) for crypt_r hashes.
 * Thread-safe: no static state.
 */
bool	htpasswd_check(const char *file, size_t len, const char *user,
	    const char *password);

#endif
