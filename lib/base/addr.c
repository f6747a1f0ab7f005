#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr.h"

/*
 * RFC 1123 host names: labels of letters, digits and hyphens, 1-63 bytes,
 * not starting or ending with a hyphen.  Interface names (eth0, wg0,
 * br-lan) fit the same shape; a trailing dot is allowed.
 */
static bool
valid_name(const char *s)
{
	size_t len = strlen(s), label = 0, i;

	if (len == 0 || len > ADDR_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!(isalnum(ch) || ch == '-' || ch == '_'))
			return false;
		if (ch == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return s[len - 1] != '-';
}

/* Looks like an IPv4 address: digits and dots only. */
static bool
numeric_v4(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s) && *s != '.')
			return false;
	return true;
}

static bool
parse_prefix(const char *p, int max, int *out)
{
	char *end;
	long v;

	if (*p == '\0' || !isdigit((unsigned char)*p))
		return false;
	v = strtol(p, &end, 10);
	if (*end != '\0' || v < 0 || v > max)
		return false;
	*out = (int)v;
	return true;
}

bool
addr_parse(const char *s, bool allow_prefix, struct addr *out,
    const char **why)
{
	char buf[ADDR_NAME_MAX + 8];
	char *slash;

	memset(out, 0, sizeof(*out));
	out->prefixlen = -1;
	if (strcmp(s, "*") == 0) {
		out->kind = ADDR_ANY;
		return true;
	}
	if (strlen(s) >= sizeof(buf)) {
		*why = "address too long";
		return false;
	}
	(void)snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/')) != NULL) {
		if (!allow_prefix) {
			*why = "a prefix length is not allowed here";
			return false;
		}
		*slash++ = '\0';
	}
	if (inet_pton(AF_INET, buf, out->bytes) == 1)
		out->kind = ADDR_INET;
	else if (inet_pton(AF_INET6, buf, out->bytes) == 1)
		out->kind = ADDR_INET6;
	else if (strchr(buf, ':') != NULL || numeric_v4(buf)) {
		*why = "invalid address";
		return false;
	} else if (slash == NULL && valid_name(buf)) {
		out->kind = ADDR_NAME;
		/* valid_name() bounded it to ADDR_NAME_MAX bytes. */
		memcpy(out->name, buf, strlen(buf) + 1);
		return true;
	} else {
		*why = slash != NULL ? "a prefix needs a numeric address" :
		    "invalid host or interface name";
		return false;
	}
	if (slash != NULL && !parse_prefix(slash,
	    out->kind == ADDR_INET ? 32 : 128, &out->prefixlen)) {
		*why = "invalid prefix length";
		return false;
	}
	return true;
}

void
addr_format(const struct addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	switch (a->kind) {
	case ADDR_ANY:
		(void)snprintf(buf, len, "*");
		return;
	case ADDR_NAME:
		(void)snprintf(buf, len, "%s", a->name);
		return;
	case ADDR_INET:
	case ADDR_INET6:
		(void)inet_ntop(a->kind == ADDR_INET ? AF_INET : AF_INET6,
		    a->bytes, ip, sizeof(ip));
		if (a->prefixlen >= 0)
			(void)snprintf(buf, len, "%s/%d", ip, a->prefixlen);
		else
			(void)snprintf(buf, len, "%s", ip);
		return;
	}
}
