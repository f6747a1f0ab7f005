/*
 * newconn-floor PORT WORKERS [reuseport]: the least a server can do per
 * new connection, as the ceiling of httpd's "new connection each" row.
 * WORKERS processes share one listening socket on 127.0.0.1:PORT (epoll
 * with EPOLLEXCLUSIVE, as httpd's workers do) -- or, with "reuseport",
 * each has its own, bound with SO_REUSEPORT, the kernel spreading
 * connections over them (the other design httpd could take, which loses
 * the queue of a worker that exits); each accepts every
 * connection waiting, reads the request, answers a canned 1 KiB page with
 * one write and closes.  No parsing, no file, no log, no timeout: nothing
 * a real server could do without.  TCP_DEFER_ACCEPT and TCP_NODELAY on the
 * listener, as httpd sets them.  It runs until killed.
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EVENTS = 64, BODY = 1024 };

static char answer[256 + BODY];
static size_t answer_len;

static void
fail(const char *what)
{
	perror(what);
	exit(1);
}

static int
listen_on(int port, int reuseport)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		fail("socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
		    sizeof(one));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 1024) == -1)
		fail("bind");
	return fd;
}

/* The request is read whole or not at all: a client here sends one. */
static void
serve(int ep, int fd)
{
	char req[4096];
	ssize_t n;

	n = read(fd, req, sizeof(req));
	if (n == -1 && errno == EAGAIN) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0)
			return;
	}
	if (n > 0)
		(void)write(fd, answer, answer_len);
	(void)close(fd);
}

static void
worker(int lfd, int shared)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = lfd },
	    evs[EVENTS];
	int ep, n, i, fd;

	if (shared)
		ev.events |= EPOLLEXCLUSIVE;
	if ((ep = epoll_create1(0)) == -1 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		fail("epoll");
	for (;;) {
		n = epoll_wait(ep, evs, EVENTS, -1);
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd != lfd) {
				(void)epoll_ctl(ep, EPOLL_CTL_DEL,
				    evs[i].data.fd, NULL);
				serve(ep, evs[i].data.fd);
				continue;
			}
			while ((fd = accept4(lfd, NULL, NULL,
			    SOCK_NONBLOCK)) != -1)
				serve(ep, fd);
		}
	}
}

int
main(int argc, char **argv)
{
	int lfd, i, workers, reuseport;

	if (argc != 3 && (argc != 4 || strcmp(argv[3], "reuseport") != 0))
		fail("usage: newconn-floor port workers [reuseport]");
	reuseport = argc == 4;
	answer_len = (size_t)snprintf(answer, sizeof(answer),
	    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
	    "Content-Length: %d\r\nConnection: close\r\n\r\n", BODY);
	memset(answer + answer_len, 'x', BODY);
	answer_len += BODY;
	workers = atoi(argv[2]);
	lfd = reuseport ? -1 : listen_on(atoi(argv[1]), 0);
	for (i = 1; i < workers; i++)
		if (fork() == 0)
			break;
	if (reuseport)
		lfd = listen_on(atoi(argv[1]), 1);
	worker(lfd, !reuseport);
	return 0;
}
