#include <stdint.h>
#include <string.h>

#include "tls/tls_hello.h"

enum {
	RECORD_HANDSHAKE = 22,
	HANDSHAKE_CLIENT_HELLO = 1,
	EXT_SERVER_NAME = 0,
	NAME_TYPE_HOST = 0
};

/* A cursor over bytes that never reads past its end. */
struct cursor {
	const unsigned char	*p;
	size_t			 left;
	bool			 bad;
};

static size_t
take_int(struct cursor *c, size_t width)
{
	size_t v = 0, i;

	if (c->bad || c->left < width) {
		c->bad = true;
		return 0;
	}
	for (i = 0; i < width; i++)
		v = v << 8 | c->p[i];
	c->p += width;
	c->left -= width;
	return v;
}

/* A sub-cursor over the next len bytes, which c then skips. */
static struct cursor
take_part(struct cursor *c, size_t len)
{
	struct cursor sub = { c->p, len, c->bad };

	if (c->bad || c->left < len) {
		c->bad = sub.bad = true;
		sub.left = 0;
		return sub;
	}
	c->p += len;
	c->left -= len;
	return sub;
}

static bool
host_name(struct cursor *ext, char *name, size_t size)
{
	struct cursor list = take_part(ext, take_int(ext, 2));
	struct cursor host;
	size_t type;

	while (!list.bad && list.left > 0) {
		type = take_int(&list, 1);
		host = take_part(&list, take_int(&list, 2));
		if (list.bad)
			return false;
		if (type != NAME_TYPE_HOST)
			continue;
		if (host.left == 0 || host.left >= size ||
		    memchr(host.p, '\0', host.left) != NULL)
			return false;
		memcpy(name, host.p, host.left);
		name[host.left] = '\0';
		return true;
	}
	return false;
}

bool
tls_hello_sni(const unsigned char *buf, size_t len, char *name, size_t size)
{
	struct cursor rec = { buf, len, false }, body, hello, exts, ext;
	size_t type;

	if (size == 0)
		return false;
	name[0] = '\0';
	if (take_int(&rec, 1) != RECORD_HANDSHAKE)
		return false;
	(void)take_int(&rec, 2);		/* record version */
	body = take_part(&rec, take_int(&rec, 2));
	if (take_int(&body, 1) != HANDSHAKE_CLIENT_HELLO)
		return false;
	hello = take_part(&body, take_int(&body, 3));
	(void)take_part(&hello, 2 + 32);	/* version, random */
	(void)take_part(&hello, take_int(&hello, 1));	/* session id */
	(void)take_part(&hello, take_int(&hello, 2));	/* suites */
	(void)take_part(&hello, take_int(&hello, 1));	/* compression */
	if (hello.bad)
		return false;
	if (hello.left == 0)
		return true;			/* no extensions at all */
	exts = take_part(&hello, take_int(&hello, 2));
	while (!exts.bad && exts.left > 0) {
		type = take_int(&exts, 2);
		ext = take_part(&exts, take_int(&exts, 2));
		if (!exts.bad && type == EXT_SERVER_NAME)
			return host_name(&ext, name, size);
	}
	return !exts.bad;
}
