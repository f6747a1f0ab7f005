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

/* httpd's serving worker: static files from below root, sockets given. */
void	sandbox_worker(const char *root);
/*
 * fcgi-bridge and the CGI programs it starts (they inherit it): a
 * deny-list of dangerous calls, in lib/sandbox_fcgi.c, which says why.
 */
void	sandbox_fcgi_bridge(void);

#endif
