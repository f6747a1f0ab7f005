/*
 * Unit tests of the PROXY protocol header: the exact bytes of v1 and v2
 * over IPv4, IPv6, IPv4-mapped and mixed ends, the UNKNOWN/UNSPEC form,
 * the longest line, buffers one byte short, and the IPv6 text against
 * inet_pton/inet_ntop.  The v2 bytes are written out from
 * proxy-protocol.txt section 2.2, field by field.
 */
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/proxy_header.h"
#include "tap.h"

/* The v2 signature and "version 2, PROXY" as a string literal's start. */
#define SIG	"\r\n\r\n\0\r\nQUIT\n\x21"

static struct sockaddr_storage
sa(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (void *)&ss;
	struct sockaddr_in6 *s6 = (void *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
	} else
		ss.ss_family = AF_UNIX;
	return ss;
}

struct header_case {
	const char		*name;
	enum proxy_header_version version;
	const char		*client, *local;
	uint16_t		 cport, lport;
	const char		*want;
	size_t			 len;	/* of want; 0: strlen (v1) */
};

static const struct header_case cases[] = {
	{ "v1 IPv4", PROXY_HEADER_V1, "192.0.2.1", "198.51.100.2",
	    56324, 443, "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n", 0 },
	{ "v1 IPv6", PROXY_HEADER_V1, "2001:db8::1", "2001:db8:0:0:1:0:0:1",
	    40000, 8443,
	    "PROXY TCP6 2001:db8::1 2001:db8::1:0:0:1 40000 8443\r\n", 0 },
	{ "v1 IPv6, zero run at either end", PROXY_HEADER_V1, "::1", "fe80::",
	    1, 0, "PROXY TCP6 ::1 fe80:: 1 0\r\n", 0 },
	{ "v1 IPv6, a single zero group is not compressed", PROXY_HEADER_V1,
	    "2001:db8:0:1:1:1:1:1", "::", 0, 65535,
	    "PROXY TCP6 2001:db8:0:1:1:1:1:1 :: 0 65535\r\n", 0 },
	{ "v1 IPv4-mapped on both ends is TCP4", PROXY_HEADER_V1,
	    "::ffff:192.0.2.1", "::ffff:10.0.0.1", 1024, 80,
	    "PROXY TCP4 192.0.2.1 10.0.0.1 1024 80\r\n", 0 },
	{ "v1 IPv4-mapped and IPv4 is TCP4", PROXY_HEADER_V1,
	    "::ffff:192.0.2.1", "10.0.0.1", 1024, 80,
	    "PROXY TCP4 192.0.2.1 10.0.0.1 1024 80\r\n", 0 },
	{ "v1 IPv4 and IPv6 is TCP6, IPv4 mapped", PROXY_HEADER_V1,
	    "192.0.2.1", "2001:db8::2", 1024, 80,
	    "PROXY TCP6 ::ffff:c000:201 2001:db8::2 1024 80\r\n", 0 },
	{ "v1 IPv4-compatible IPv6 has no dotted tail", PROXY_HEADER_V1,
	    "::1.2.3.4", "::1", 1, 2, "PROXY TCP6 ::102:304 ::1 1 2\r\n", 0 },
	{ "v1 other family", PROXY_HEADER_V1, "unix", "192.0.2.1", 1, 2,
	    "PROXY UNKNOWN\r\n", 0 },
	{ "v1 longest line", PROXY_HEADER_V1,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 65535, 65534,
	    "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe 65535 65534\r\n", 0 },
	/* sig, ver/cmd, fam 0x11, len 12, src, dst, 56324 = 0xdc04, 443. */
	{ "v2 IPv4", PROXY_HEADER_V2, "192.0.2.1", "198.51.100.2", 56324, 443,
	    SIG "\x11\x00\x0c" "\xc0\x00\x02\x01" "\xc6\x33\x64\x02"
	    "\xdc\x04" "\x01\xbb", 28 },
	{ "v2 IPv4-mapped on both ends is IPv4", PROXY_HEADER_V2,
	    "::ffff:192.0.2.1", "::ffff:198.51.100.2", 56324, 443,
	    SIG "\x11\x00\x0c" "\xc0\x00\x02\x01" "\xc6\x33\x64\x02"
	    "\xdc\x04" "\x01\xbb", 28 },
	/* fam 0x21, len 36, 40000 = 0x9c40, 8443 = 0x20fb. */
	{ "v2 IPv6", PROXY_HEADER_V2, "2001:db8::1", "2001:db8::1:0:0:1",
	    40000, 8443,
	    SIG "\x21\x00\x24"
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"
	    "\x20\x01\x0d\xb8\0\0\0\0\0\x01\0\0\0\0\0\x01"
	    "\x9c\x40" "\x20\xfb", 52 },
	{ "v2 IPv4 and IPv6 is IPv6, IPv4 mapped", PROXY_HEADER_V2,
	    "192.0.2.1", "::1", 1, 2,
	    SIG "\x21\x00\x24"
	    "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\x00\x02\x01"
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01"
	    "\x00\x01" "\x00\x02", 52 },
	/* PROXY command, family and protocol UNSPEC, no address block. */
	{ "v2 other family", PROXY_HEADER_V2, "192.0.2.1", "unix", 1, 2,
	    SIG "\x00\x00\x00", 16 },
};

static void
check_case(const struct header_case *c)
{
	struct sockaddr_storage cl = sa(c->client, c->cport);
	struct sockaddr_storage lo = sa(c->local, c->lport);
	size_t len = c->len != 0 ? c->len : strlen(c->want);
	unsigned char buf[PROXY_HEADER_MAX + 8];
	size_t n;

	memset(buf, 0xaa, sizeof(buf));
	n = proxy_header(c->version, &cl, &lo, buf, sizeof(buf));
	if (!ok(n == len && memcmp(buf, c->want, len) == 0, "%s", c->name))
		printf("# got %zu bytes: '%.*s'\n", n, (int)n, (char *)buf);
	ok(buf[len] == 0xaa, "%s: nothing written past the header", c->name);

	n = proxy_header(c->version, &cl, &lo, buf, len);
	ok(n == len, "%s: fits in exactly %zu bytes", c->name, len);
	memset(buf, 0xaa, sizeof(buf));
	n = proxy_header(c->version, &cl, &lo, buf, len - 1);
	ok(n == 0 && buf[0] == 0xaa,
	    "%s: one byte short returns 0, writes nothing", c->name);
}

/* Random addresses, some groups zeroed: the text parses back and is
 * what glibc writes whenever glibc writes no dotted tail. */
static void
check_inet6_text(void)
{
	struct sockaddr_storage cl = sa("::", 1), lo = sa("::", 2);
	struct sockaddr_in6 *c6 = (void *)&cl;
	unsigned char buf[PROXY_HEADER_MAX], back[16];
	char line[PROXY_HEADER_MAX + 1], ntop[INET6_ADDRSTRLEN], text[48];
	int i, j, bad = 0, compared = 0;
	size_t n;

	srand(1);
	for (i = 0; i < 10000 && bad == 0; i++) {
		for (j = 0; j < 16; j += 2) {
			int zero = rand() % 2;

			c6->sin6_addr.s6_addr[j] = zero ? 0 :
			    (unsigned char)(rand() % 3 == 0 ? 0 : rand());
			c6->sin6_addr.s6_addr[j + 1] = zero ? 0 :
			    (unsigned char)rand();
		}
		n = proxy_header(PROXY_HEADER_V1, &cl, &lo, buf, sizeof(buf));
		memcpy(line, buf, n);
		line[n] = '\0';
		if (strncmp(line, "PROXY TCP6 ", 11) != 0)
			continue;	/* came out as TCP4: mapped */
		if (sscanf(line, "PROXY TCP6 %47s ", text) != 1 ||
		    strlen(text) > 39 ||
		    inet_pton(AF_INET6, text, back) != 1 ||
		    memcmp(back, c6->sin6_addr.s6_addr, 16) != 0)
			bad++;
		(void)inet_ntop(AF_INET6, &c6->sin6_addr, ntop, sizeof(ntop));
		if (strchr(ntop, '.') == NULL) {
			compared++;
			if (strcmp(ntop, text) != 0)
				bad++;
		}
	}
	if (!ok(bad == 0 && compared > 5000,
	    "IPv6 text: 10000 addresses parse back, %d equal inet_ntop's",
	    compared))
		printf("# last: '%s' vs '%s'\n", text, ntop);
}

int
main(void)
{
	struct sockaddr_storage cl = sa("192.0.2.1", 1), lo = sa("::1", 2);
	unsigned char buf[PROXY_HEADER_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
	ok(strlen(cases[9].want) == PROXY_HEADER_MAX,
	    "the longest line is PROXY_HEADER_MAX bytes");
	ok(proxy_header(PROXY_HEADER_V1, NULL, &lo, buf, sizeof(buf)) == 15,
	    "a NULL address is UNKNOWN");
	ok(proxy_header((enum proxy_header_version)3, &cl, &lo, buf,
	    sizeof(buf)) == 0, "an unknown version writes nothing");
	ok(proxy_header(PROXY_HEADER_V2, &cl, &lo, NULL, 100) == 0,
	    "a NULL buffer writes nothing");
	check_inet6_text();
	return done_testing();
}
