/*
 * check icmp: an echo request per host on the raw socket the root parent
 * opened (ICMP for IPv4 hosts, ICMPv6 for IPv6 hosts); the reply that
 * carries our identifier, the host's id, the round's sequence number and
 * the check's random cookie, from the host's address, brings it up.  The
 * cookie is new for every check, so neither a late reply to an earlier
 * round nor a blind spoofer who knows the rest can raise a dead host.
 * No reply before the round's deadline: down.
 */
#include <sys/random.h>
#include <sys/socket.h>

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#include <errno.h>
#include <string.h>

#include "checkd.h"

struct echo {
	uint8_t		type, code;
	uint16_t	cksum, ident, seq;	/* seq: the round, mod 2^16 */
	uint32_t	id;		/* the host id */
	uint32_t	magic;
	uint8_t		cookie[ECHO_COOKIE_LEN];	/* this check's */
};

enum { ECHO_MAGIC = 0x63686b64 };	/* "chkd" */

static uint16_t
checksum(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)(b[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

void
icmp_start(struct checker *c, struct host *h)
{
	struct echo e;
	bool v6 = h->ss.ss_family == AF_INET6;
	int fd = v6 ? c->icmp6 : c->icmp4;
	int ttl = h->conf->ttl > 0 ? (int)h->conf->ttl : -1;
	struct sockaddr_storage to = h->ss;

	if (fd == -1) {
		check_done(c, h, false, R_ICMP_WRITE_TIMEOUT);
		return;
	}
	if (getrandom(h->echo_cookie, sizeof(h->echo_cookie), 0) !=
	    (ssize_t)sizeof(h->echo_cookie)) {
		check_done(c, h, false, R_ICMP_WRITE_TIMEOUT);
		return;
	}
	h->echo_seq = (uint16_t)h->table->rounds;
	memset(&e, 0, sizeof(e));
	e.type = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	e.ident = htons(c->echo_ident);
	e.seq = htons(h->echo_seq);
	e.id = htonl(h->id);
	e.magic = htonl(ECHO_MAGIC);
	memcpy(e.cookie, h->echo_cookie, sizeof(e.cookie));
	/* The kernel sums ICMPv6 itself (it needs the pseudo-header). */
	if (!v6)
		e.cksum = checksum(&e, sizeof(e));
	/* ip ttl: per host, so set before every send; -1 is the default. */
	if (v6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
		    sizeof(ttl));
	else
		(void)setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	if (v6)
		((struct sockaddr_in6 *)&to)->sin6_port = 0;
	else
		((struct sockaddr_in *)&to)->sin_port = 0;
	if (sendto(fd, &e, sizeof(e), 0, (struct sockaddr *)&to,
	    h->sslen) != (ssize_t)sizeof(e))
		check_done(c, h, false, R_ICMP_WRITE_TIMEOUT);
}

static bool
same_addr(const struct host *h, const struct sockaddr_storage *from)
{
	if (h->ss.ss_family != from->ss_family)
		return false;
	if (from->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)&h->ss)->sin_addr,
		    &((const struct sockaddr_in *)from)->sin_addr, 4) == 0;
	return memcmp(&((const struct sockaddr_in6 *)&h->ss)->sin6_addr,
	    &((const struct sockaddr_in6 *)from)->sin6_addr, 16) == 0;
}

static void
reply(struct checker *c, const unsigned char *b, size_t len,
    const struct sockaddr_storage *from)
{
	struct echo e;
	bool v6 = from->ss_family == AF_INET6;
	struct host *h;
	uint32_t id;
	size_t skip = 0;

	/* A raw IPv4 socket hands over the IP header too. */
	if (!v6) {
		if (len < 20)
			return;
		skip = (size_t)(b[0] & 0x0f) * 4;
	}
	if (len < skip + sizeof(e))
		return;
	memcpy(&e, b + skip, sizeof(e));
	if (e.type != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY) ||
	    ntohs(e.ident) != c->echo_ident ||
	    ntohl(e.magic) != ECHO_MAGIC)
		return;
	id = ntohl(e.id);
	if (id < 1 || id > c->nids || (h = c->byid[id]) == NULL || !h->busy ||
	    h->table->check->type != RD_CHECK_ICMP || !same_addr(h, from) ||
	    ntohs(e.seq) != h->echo_seq ||
	    memcmp(e.cookie, h->echo_cookie, sizeof(e.cookie)) != 0)
		return;
	check_done(c, h, true, R_ICMP_OK);
}

void
icmp_read(struct checker *c, int fd)
{
	unsigned char buf[1500];
	struct sockaddr_storage from;
	socklen_t flen;
	ssize_t n;
	int i;

	for (i = 0; i < 64; i++) {
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &flen);
		if (n == -1)
			return;	/* EAGAIN, or nothing we can act on */
		reply(c, buf, (size_t)n, &from);
	}
}

void
icmp_timeout(struct checker *c, struct host *h)
{
	check_done(c, h, false, R_ICMP_READ_TIMEOUT);
}
