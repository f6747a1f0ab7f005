/*
 * http_path: turn the path of a request target into the canonical path
 * that is looked up under the document root.
 *
 * A pure function: no I/O, writes at most `size` bytes into `out`.  It
 * decodes %XX, then removes "." segments, resolves ".." segments and
 * merges repeated slashes, so that "/a/%2e%2e/b//c" becomes "/b/c".  A
 * trailing slash is kept: it means "the directory".  What can never name
 * a file is refused rather than repaired:
 *   - ".." that would climb above "/":            403
 *   - an encoded slash (%2f) or NUL (%00), a control byte, or a
 *     sequence that is not valid UTF-8 (overlong forms like %c0%ae
 *     included):                                 404
 *   - a malformed escape ("%", "%4", "%zz") or a path not starting
 *     with "/":                                  400
 */
#ifndef HTTP_PATH_H
#define HTTP_PATH_H

#include <stddef.h>

enum { HTTP_PATH_MAX = 4096 };	/* PATH_MAX: longer can never be opened */

/*
 * Canonicalize path[0..len) (no query string) into out, NUL-terminated.
 * Returns 0 on success, or the HTTP status to answer with.  A result that
 * does not fit in size (or HTTP_PATH_MAX) is 414.
 */
int	http_path_canon(const char *path, size_t len, char *out, size_t size);

#endif
