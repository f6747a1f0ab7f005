#include "base/sockopts.h"

void
sockopts_init(struct sockopts *so, long long backlog)
{
	so->backlog = backlog;
	so->ip_ttl = so->ip_minttl = so->socket_buffer = SOCKOPTS_UNSET;
	so->nodelay = so->sack = so->splice = SOCKOPTS_UNSET;
}
