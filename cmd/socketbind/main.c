/*
 * socketbind: bind a listening TCP socket and run a program with it --
 * the first step of a descriptor holder's life (s6-fdholder): the socket
 * is made once, stored in the holder, and every start of httpd or relay
 * takes it back from there (LISTEN_SOCKETS, see httpd(8)), so that a
 * restart never closes it and no connection in its queue is lost.
 *
 *	socketbind [-b backlog] [-d fd] address port prog [arg ...]
 *
 * The socket has the options httpd and relay give their own (address
 * reuse, IPv6 only on an IPv6 address) and is put on descriptor fd
 * (0 unless -d says), where s6-fdholder-store takes it.  s6-networking's
 * s6-tcpserver-socketbinder does the same; Debian does not ship it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"
#include "base/sockopts.h"
#include "net/listener.h"

enum { BACKLOG_DEFAULT = 511, BACKLOG_MAX = 65535 };

_Noreturn static void
usage(void)
{
	fprintf(stderr, "usage: %s [-b backlog] [-d fd] address port prog "
	    "[arg ...]\n", progname);
	exit(DIE_USAGE);
}

/* A numeric IPv4 or IPv6 address and a port; no names, no guessing. */
static socklen_t
address(const char *text, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	die(DIE_USAGE, "%s: not a numeric IPv4 or IPv6 address", text);
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct sockopts so;
	long backlog = BACKLOG_DEFAULT;
	int ch, to = 0, fd;
	socklen_t len;
	uint16_t port;
	char err[128];

	progname = "socketbind";
	/* "+": the options end at the address; prog's are its own. */
	while ((ch = getopt(argc, argv, "+b:d:")) != -1) {
		switch (ch) {
		case 'b':
			backlog = progopt_number(optarg, 1, BACKLOG_MAX, "-b");
			break;
		case 'd':
			to = (int)progopt_number(optarg, 0, 1023, "-d");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3)
		usage();
	port = (uint16_t)progopt_number(argv[1], 1, 65535, "port");
	len = address(argv[0], port, &ss);
	sockopts_init(&so, backlog);
	if ((fd = listener_open(&ss, len, &so, err, sizeof(err))) == -1)
		die_sys(DIE_SYS, "%s", err);
	/* dup2 leaves the copy without close-on-exec: prog inherits it. */
	if (fd == to) {
		if (fcntl(fd, F_SETFD, 0) == -1)
			die_sys(DIE_SYS, "fcntl");
	} else if (dup2(fd, to) == -1 || close(fd) == -1)
		die_sys(DIE_SYS, "dup2");
	execvp(argv[2], argv + 2);
	die_sys(DIE_SYS, "exec %s", argv[2]);
}
