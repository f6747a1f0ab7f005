#include <netinet/in.h>

#include <stdint.h>
#include <string.h>

#include "base/proxy_header.h"
#include "base/strbuf.h"

/* One end of the connection as the header carries it. */
struct proxy_end {
	int		 family;	/* AF_INET, AF_INET6 or AF_UNSPEC */
	unsigned char	 addr[16];	/* network order; IPv4 in [0..4) */
	uint16_t	 port;		/* host order */
};

/* The v2 signature (spec 2.2): it holds a NUL, so it is not a string. */
static const unsigned char v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};
static const unsigned char v4_mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

enum {
	V2_HDR_LEN = 16,
	V2_PROXY = 0x21,	/* version 2, command PROXY */
	V2_UNSPEC = 0x00,
	V2_TCP4 = 0x11,
	V2_TCP6 = 0x21
};

static void
end_from(const struct sockaddr_storage *ss, struct proxy_end *e)
{
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_in6 *s6 = (const void *)ss;

	memset(e, 0, sizeof(*e));
	e->family = AF_UNSPEC;
	if (ss == NULL)
		return;
	if (ss->ss_family == AF_INET) {
		e->family = AF_INET;
		memcpy(e->addr, &s4->sin_addr, 4);
		e->port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const unsigned char *a = s6->sin6_addr.s6_addr;

		/* A dual-stack listener's IPv4 client is still IPv4. */
		e->family = memcmp(a, v4_mapped, 12) == 0 ? AF_INET : AF_INET6;
		memcpy(e->addr, e->family == AF_INET ? a + 12 : a,
		    e->family == AF_INET ? 4 : 16);
		e->port = ntohs(s6->sin6_port);
	}
}

/* An IPv4 end as its IPv4-mapped IPv6 address, to share a TCP6 header. */
static void
end_to_inet6(struct proxy_end *e)
{
	if (e->family != AF_INET)
		return;
	memmove(e->addr + 12, e->addr, 4);
	memcpy(e->addr, v4_mapped, 12);
	e->family = AF_INET6;
}

/* Bring both ends to one family; AF_UNSPEC when that cannot be done. */
static int
ends_from(const struct sockaddr_storage *client,
    const struct sockaddr_storage *local, struct proxy_end *src,
    struct proxy_end *dst)
{
	end_from(client, src);
	end_from(local, dst);
	if (src->family == AF_UNSPEC || dst->family == AF_UNSPEC)
		return AF_UNSPEC;
	if (src->family == AF_INET && dst->family == AF_INET)
		return AF_INET;
	end_to_inet6(src);
	end_to_inet6(dst);
	return AF_INET6;
}

static void
put_inet(struct strbuf *sb, const unsigned char *a)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			strbuf_put(sb, ".", 1);
		strbuf_putnum(sb, a[i], 0);
	}
}

/* The first longest run of two or more zero groups, for "::". */
static int
zero_run(const unsigned char *a, int *len)
{
	int i, run = 0, start = -1;

	*len = 0;
	for (i = 0; i < 8; i++) {
		run = a[2 * i] == 0 && a[2 * i + 1] == 0 ? run + 1 : 0;
		if (run >= 2 && run > *len) {
			*len = run;
			start = i - run + 1;
		}
	}
	return start;
}

static void
put_group(struct strbuf *sb, unsigned int v)
{
	static const char digits[] = "0123456789abcdef";
	int shift;

	/* No leading zeros, but at least one digit. */
	for (shift = 12; shift > 0 && (v >> shift) == 0; shift -= 4)
		;
	for (; shift >= 0; shift -= 4)
		strbuf_put(sb, &digits[(v >> shift) & 0xf], 1);
}

static void
put_inet6(struct strbuf *sb, const unsigned char *a)
{
	int i, len, start = zero_run(a, &len);

	for (i = 0; i < 8; i++) {
		if (i == start) {
			strbuf_put(sb, "::", 2);
			i += len - 1;
			continue;
		}
		if (i > 0 && i != start + len)
			strbuf_put(sb, ":", 1);
		put_group(sb, (unsigned int)a[2 * i] << 8 | a[2 * i + 1]);
	}
}

static size_t
v1(int family, const struct proxy_end *src, const struct proxy_end *dst,
    unsigned char *buf, size_t size)
{
	/* + 1: strbuf keeps room for a NUL. */
	char line[PROXY_HEADER_MAX + 1];
	void (*put)(struct strbuf *, const unsigned char *);
	struct strbuf sb;

	strbuf_init(&sb, line, sizeof(line));
	if (family == AF_UNSPEC)
		strbuf_puts(&sb, "PROXY UNKNOWN\r\n");
	else {
		put = family == AF_INET ? put_inet : put_inet6;
		strbuf_puts(&sb, family == AF_INET ? "PROXY TCP4 " :
		    "PROXY TCP6 ");
		put(&sb, src->addr);
		strbuf_put(&sb, " ", 1);
		put(&sb, dst->addr);
		strbuf_put(&sb, " ", 1);
		strbuf_putnum(&sb, src->port, 0);
		strbuf_put(&sb, " ", 1);
		strbuf_putnum(&sb, dst->port, 0);
		strbuf_put(&sb, "\r\n", 2);
	}
	if (sb.full || sb.len > size)
		return 0;
	memcpy(buf, line, sb.len);
	return sb.len;
}

static unsigned char *
put_port(unsigned char *p, uint16_t port)
{
	p[0] = (unsigned char)(port >> 8);
	p[1] = (unsigned char)(port & 0xff);
	return p + 2;
}

static size_t
v2(int family, const struct proxy_end *src, const struct proxy_end *dst,
    unsigned char *buf, size_t size)
{
	size_t alen = family == AF_INET ? 4 : 16;
	size_t blen = family == AF_UNSPEC ? 0 : 2 * alen + 4;
	unsigned char *p = buf + V2_HDR_LEN;

	if (size < V2_HDR_LEN + blen)
		return 0;
	memcpy(buf, v2_sig, sizeof(v2_sig));
	buf[12] = V2_PROXY;
	buf[13] = family == AF_UNSPEC ? V2_UNSPEC :
	    family == AF_INET ? V2_TCP4 : V2_TCP6;
	buf[14] = 0;		/* blen < 256 */
	buf[15] = (unsigned char)blen;
	if (family == AF_UNSPEC)
		return V2_HDR_LEN;
	memcpy(p, src->addr, alen);
	memcpy(p + alen, dst->addr, alen);
	p = put_port(p + 2 * alen, src->port);
	(void)put_port(p, dst->port);
	return V2_HDR_LEN + blen;
}

size_t
proxy_header(enum proxy_header_version version,
    const struct sockaddr_storage *client,
    const struct sockaddr_storage *local, unsigned char *buf, size_t size)
{
	struct proxy_end src, dst;
	int family;

	if (buf == NULL)
		return 0;
	family = ends_from(client, local, &src, &dst);
	switch (version) {
	case PROXY_HEADER_V1:
		return v1(family, &src, &dst, buf, size);
	case PROXY_HEADER_V2:
		return v2(family, &src, &dst, buf, size);
	}
	return 0;
}
