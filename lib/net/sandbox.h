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
 * The sockets httpd's serving worker may open: those of its FastCGI
 * responders.  Nothing set (the worker has none): socket(2) is refused.
 */
struct sandbox_sockets {
	bool		 unix_paths;	/* a responder on a UNIX socket path */
	const uint16_t	*ports;		/* TCP responders' ports */
	size_t		 nports;
	/* bind(2) to port 0 of any address: relay's transparent forwards */
	bool		 bind_ephemeral;
	/* TCP connects to any port: relay's forwards to destination */
	bool		 connect_any;
};

/* Ask the kernel which Landlock ABI it has (the `abi` arguments below). */
enum { SANDBOX_ABI_KERNEL = -1 };

/* The kernel's Landlock ABI version, 0 if it has none. */
int	sandbox_landlock_abi(void);

/*
 * Whether a worker with these sockets can be confined under Landlock
 * ABI abi (SANDBOX_ABI_KERNEL: the kernel's); if not, why, in err.  A
 * worker that may create UNIX sockets could connect to abstract ones,
 * which no chroot or file rule hides: only ABI 6's scope does, so UNIX
 * socket paths need ABI 6.
 */
bool	sandbox_worker_check(bool unix_paths, int abi, char *err,
	    size_t errlen);

/*
 * httpd's serving worker: static files from below root, sockets given,
 * and the stream sockets of s: AF_UNIX only with UNIX socket paths,
 * AF_INET and AF_INET6 only with TCP ports, connected over TCP to
 * exactly those ports (Landlock ABI 4 and later) and never to an
 * abstract UNIX socket made outside the worker (ABI 6).  writable_dir,
 * if not -1, is a directory below which it may also create (unnamed)
 * files, write and read them.  abi is SANDBOX_ABI_KERNEL, or a lower
 * version to act as an older kernel would (tests).  Dies if
 * sandbox_worker_check() says no.
 */
void	sandbox_worker(const char *root, const struct sandbox_sockets *s,
	    int writable_dir, int abi);
/*
 * relay's worker, chrooted in the state directory: what httpd's worker
 * may do without files to write, reading below "/" (the status files),
 * TCP connects to the hosts' ports only, plus splice(2) and inotify.
 */
void	sandbox_relay(const struct sandbox_sockets *s, int abi);
/* relay's key process: reads, writes and polls its sockets; no files. */
void	sandbox_keyproc(void);
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
 * routerd, one process keeping only CAP_NET_ADMIN: the whole file
 * system read-only (Landlock), and in seccomp the calls of rtnetlink
 * requests on its open socket, inotify and file reads; no new socket.
 */
void	sandbox_routerd(void);

/*
 * checkd's checker (lib/sandbox_checkd.c): chrooted in its state
 * directory, it opens, writes and renames status files there, creates
 * TCP sockets (IPv4 and IPv6 only) and connects anywhere, and uses the
 * raw ICMP sockets it inherited; it sets only the socket options it
 * needs (SO_LINGER, IP_TTL, IPV6_UNICAST_HOPS), never IP_HDRINCL.  No exec, no fork: scripts run in a
 * helper forked before this filter.  No Landlock: the chroot already
 * narrows the file system to the one directory it must write, and
 * Landlock cannot say "connect to any port" without listing them all.
 */
void	sandbox_checkd(void);

/*
 * Landlock only: the whole file system read-only (reads of files and
 * directories), nothing written, made or removed, and no TCP bind or
 * connect.  A kernel without Landlock is reported once.
 */
void	sandbox_landlock_readonly(void);

/*
 * redirectd (lib/sandbox_redirectd.c): one process with CAP_NET_ADMIN
 * alone, the file system read-only under Landlock (its configuration
 * on SIGHUP, checkd's status files).  It follows the status files with
 * inotify and talks to the kernel over netlink sockets only
 * (NETLINK_NETFILTER for nf_tables, NETLINK_ROUTE for interface names);
 * any other socket fails with EACCES (a host name's lookup on reload
 * fails rather than kill the process).  No exec, no fork.
 */
void	sandbox_redirectd(void);

#endif
