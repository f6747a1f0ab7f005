/*
 * sockopts: the TCP settings of httpd.conf's and relayd.conf's `tcp { }`
 * blocks, stored one way whichever grammar read them, and applied to a
 * socket by lib/net/listener.
 */
#ifndef SOCKOPTS_H
#define SOCKOPTS_H

enum { SOCKOPTS_UNSET = -1 };	/* the kernel's default stays */

struct sockopts {
	long long	backlog;	/* listen(2)'s queue */
	long long	ip_ttl;		/* 0-255, or unset */
	long long	ip_minttl;	/* 0-255, or unset */
	long long	socket_buffer;	/* SO_RCVBUF and SO_SNDBUF, or unset */
	int		nodelay;	/* 1 on, 0 off, or unset */
	int		sack;		/* accepted: Linux has SACK system-wide */
	int		splice;		/* relay: splice(2) between sockets */
};

/* Everything unset, and the grammar's default backlog. */
void	sockopts_init(struct sockopts *, long long backlog);

#endif
