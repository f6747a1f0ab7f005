/*
 * autoindex: the HTML page that `directory auto index` serves, and the
 * escaping it is built from.
 *
 * Pure: no I/O, no allocation; every function writes at most `size`
 * bytes into the caller's buffer and NUL-terminates what it wrote.  A
 * file name is bytes chosen by whoever could write to the directory, so
 * everything taken from one is made inert: in text it is HTML-escaped
 * and made valid UTF-8, in a link it is percent-encoded.  No output byte
 * is a control byte other than '\n'.
 */
#ifndef AUTOINDEX_H
#define AUTOINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct autoindex_entry {
	const char	*name;		/* as on disk: any bytes but '/' and NUL */
	bool		 dir;
	uint64_t	 size;
	int64_t		 mtime;		/* seconds since the epoch, UTC */
};

/*
 * Render the listing of directory `path` (the canonical URL path, ending
 * in '/') into out[0..size).  Entries are listed in the order given (the
 * caller sorts: directories first, then by name); a "../" entry is added
 * unless path is "/", and entries named "." or ".." are skipped.
 * Returns the length written (excluding a NUL it also writes), or 0 if
 * the page does not fit: the caller answers 500 or retries with a larger
 * buffer.
 */
size_t	autoindex_render(char *out, size_t size, const char *path,
	    const struct autoindex_entry *entries, size_t n);

/*
 * The pieces, usable elsewhere (error pages, Location headers).  Each
 * returns the length written, or (size_t)-1 if out is too small; the
 * output is NUL-terminated either way when size > 0.
 *
 * html_escape: s[0..len) as HTML text or a quoted attribute value.
 * & < > " ' become entities; a byte that is not part of valid UTF-8, and
 * a control byte (C0 or DEL), becomes U+FFFD, so the output is always
 * valid UTF-8 with no control byte.
 */
size_t	html_escape(char *out, size_t size, const char *s, size_t len);

/*
 * url_encode_path: s[0..len) as a URL path.  Keeps the unreserved bytes
 * of RFC 3986 (A-Z a-z 0-9 - . _ ~) and '/', percent-encodes every other
 * byte (%XX, upper case): '%', '?', '#', ':', space, controls, bytes >=
 * 0x80.  The result holds none of & < > " ', so it is also safe,
 * unchanged, inside an HTML attribute.
 */
size_t	url_encode_path(char *out, size_t size, const char *s, size_t len);

#endif
