/*
 * sandbox: what a worker may still do after privdrop -- the Linux
 * counterparts of OpenBSD's unveil(2) and pledge(2).
 *
 * Landlock (probed by ABI version) makes the file system below `root`
 * read-only and everything else invisible, and forbids TCP binds and
 * connects; a seccomp filter (libseccomp) then allows only the system
 * calls a worker of that role makes and kills the process on any other.
 * Neither can be switched off.  A kernel without Landlock is reported
 * once and the seccomp filter still applies.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * httpd's serving worker: static files from below root, sockets given.
 * With fastcgi, it may also create stream sockets (AF_UNIX, AF_INET,
 * AF_INET6) and connect them: to UNIX sockets, and over TCP to exactly
 * the nports ports given (Landlock ABI 4 and later).  writable_dir, if
 * not -1, is a directory below which it may also create (unnamed) files,
 * write and read them.
 */
void	sandbox_worker(const char *root, bool fastcgi, const uint16_t *ports,
	    size_t nports, int writable_dir);
/*
 * fcgi-bridge and the CGI programs it starts (they inherit it): a
 * deny-list of dangerous calls, in lib/sandbox_fcgi.c, which says why.
 */
void	sandbox_fcgi_bridge(void);
/*
 * A CGI program of fcgi-bridge, after it made its process group: setsid
 * and setpgid refused, so that its descendants stay in the group.
 */
bool	sandbox_fcgi_program(void);

/*
 * checkd's checker (lib/sandbox_checkd.c): chrooted in its state
 * directory, it opens, writes and renames status files there, creates
 * TCP sockets (IPv4 and IPv6 only) and connects anywhere, and uses the
 * raw ICMP sockets it inherited.  No exec, no fork: scripts run in a
 * helper forked before this filter.  No Landlock: the chroot already
 * narrows the file system to the one directory it must write, and
 * Landlock cannot say "connect to any port" without listing them all.
 */
void	sandbox_checkd(void);

#endif
