#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

#include "base/sockaddr.h"

void
sockaddr_text(const struct sockaddr_storage *ss, char *buf, size_t size,
    uint16_t *port)
{
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const char *ok = NULL;
	uint16_t p = 0;

	if (size == 0)
		return;
	if (ss->ss_family == AF_INET) {
		ok = inet_ntop(AF_INET, &s4->sin_addr, buf, (socklen_t)size);
		p = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		ok = inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)size);
		p = ntohs(s6->sin6_port);
	} else if (size >= 2)
		ok = strcpy(buf, "-");
	if (ok == NULL)
		buf[0] = '\0';
	if (port != NULL)
		*port = p;
}

bool
sockaddr_is_any(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_in6 *s6 = (const void *)ss;

	if (ss->ss_family == AF_INET)
		return s4->sin_addr.s_addr == htonl(INADDR_ANY);
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr);
	return true;
}

bool
sockaddr_same(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a->ss_family == AF_INET6 && a6->sin6_port == b6->sin6_port &&
	    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
}
