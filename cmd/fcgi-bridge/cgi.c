/*
 * Starting a request's program, as slowcgi does: the file named by
 * SCRIPT_FILENAME (or SCRIPT_NAME when there is none), executed directly
 * (no shell) with argv[0] its path, the request's parameters as its
 * whole environment, its working directory that of the file, and its
 * stdin, stdout and stderr on pipes to the loop.  It leads a process
 * group of its own, which neither it nor anything it starts may leave
 * (setsid and setpgid are refused), and the whole group is killed when
 * the request ends: when the program exits, at the timeout, on an abort.
 * No program outlives its request.
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "bridge.h"
#include "net/sandbox.h"

static bool
named(const struct fcgi_nv *nv, const char *name)
{
	return nv->namelen == strlen(name) &&
	    memcmp(nv->name, name, nv->namelen) == 0;
}

/*
 * Check that every pair is whole, and find the program.  A path too long
 * or with a NUL is left empty: execve then fails as for a missing file.
 */
static bool
find_script(struct conn *c)
{
	struct fcgi_nv nv;
	enum fcgi_error err = FCGI_E_NONE;
	size_t off = 0;
	bool have_filename = false;
	int r;

	c->script[0] = '\0';
	while ((r = fcgi_nv_next(c->params, c->paramslen, &off, &nv,
	    &err)) == 1) {
		if (named(&nv, "SCRIPT_FILENAME"))
			have_filename = true;
		else if (!named(&nv, "SCRIPT_NAME") || have_filename)
			continue;
		c->script[0] = '\0';
		if (nv.valuelen < sizeof(c->script) &&
		    memchr(nv.value, '\0', nv.valuelen) == NULL) {
			memcpy(c->script, nv.value, nv.valuelen);
			c->script[nv.valuelen] = '\0';
		}
	}
	return r == 0;
}

/* An environment variable needs a name without '=' and no NUL at all. */
static bool
env_ok(const struct fcgi_nv *nv)
{
	return nv->namelen > 0 && memchr(nv->name, '=', nv->namelen) == NULL &&
	    memchr(nv->name, '\0', nv->namelen) == NULL &&
	    memchr(nv->value, '\0', nv->valuelen) == NULL;
}

/* In the child: the parameters, checked by find_script, as environ. */
static char **
build_env(const struct conn *c)
{
	struct fcgi_nv nv;
	enum fcgi_error err;
	size_t off = 0, n = 0;
	char **env, *s;

	while (fcgi_nv_next(c->params, c->paramslen, &off, &nv, &err) == 1)
		n++;
	if ((env = calloc(n + 1, sizeof(*env))) == NULL)
		return NULL;
	off = 0;
	n = 0;
	while (fcgi_nv_next(c->params, c->paramslen, &off, &nv, &err) == 1) {
		if (!env_ok(&nv) ||
		    (s = malloc(nv.namelen + nv.valuelen + 2)) == NULL)
			continue;
		memcpy(s, nv.name, nv.namelen);
		s[nv.namelen] = '=';
		memcpy(s + nv.namelen + 1, nv.value, nv.valuelen);
		s[nv.namelen + 1 + nv.valuelen] = '\0';
		env[n++] = s;
	}
	return env;
}

/* Into the program's directory; relative paths keep the cwd. */
static void
chdir_script(const char *path)
{
	char dir[BRIDGE_PATH_MAX];
	char *slash;

	if (path[0] != '/')
		return;
	(void)snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	/* As slowcgi: a warning on the program's stderr, and go on. */
	if (chdir(dir) == -1)
		dprintf(2, "%s: chdir %s: %s\n", progname, dir,
		    strerror(errno));
}

_Noreturn static void
child(const struct conn *c, const int in[2], const int out[2],
    const int err[2])
{
	sigset_t none;
	char *argv[2];
	char **env;

	/* The loop's blocked signals and ignored SIGPIPE are not theirs. */
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)setpgid(0, 0);
	if (!sandbox_fcgi_program()) {
		dprintf(err[1], "%s: cannot confine %s to its process group\n",
		    progname, c->script);
		_exit(1);
	}
	if (dup2(in[0], 0) == -1 || dup2(out[1], 1) == -1 ||
	    dup2(err[1], 2) == -1)
		_exit(1);
	(void)syscall(SYS_close_range, 3u, ~0u, 0u);
	env = build_env(c);
	chdir_script(c->script);
	argv[0] = (char *)(uintptr_t)c->script;
	argv[1] = NULL;
	(void)execve(c->script, argv, env);
	/* On the program's stderr: logged, and sent as FCGI_STDERR. */
	dprintf(2, "%s: execve %s: %s\n", progname, c->script,
	    strerror(errno));
	_exit(1);
}

static void
close_pair(int p[2])
{
	if (p[0] != -1)
		(void)close(p[0]);
	if (p[1] != -1)
		(void)close(p[1]);
	p[0] = p[1] = -1;
}

static bool
make_pipes(int in[2], int out[2], int err[2])
{
	in[0] = in[1] = out[0] = out[1] = err[0] = err[1] = -1;
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1 ||
	    pipe2(err, O_CLOEXEC) == -1) {
		close_pair(in);
		close_pair(out);
		close_pair(err);
		return false;
	}
	/* Only the loop's ends are non-blocking. */
	(void)fcntl(in[1], F_SETFL, O_NONBLOCK);
	(void)fcntl(out[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(err[0], F_SETFL, O_NONBLOCK);
	return true;
}

/*
 * The PARAMS stream ended: run the program.  False only for malformed
 * parameters; a failed fork is answered FCGI_OVERLOADED.
 */
bool
cgi_start(struct bridge *b, struct conn *c)
{
	int in[2], out[2], err[2];
	pid_t pid;

	if (!find_script(c))
		return false;
	if (!make_pipes(in, out, err)) {
		warnx_("pipe: %s", strerror(errno));
		conn_queue_end(b, c, 1, FCGI_OVERLOADED);
		return true;
	}
	if ((pid = fork()) == -1) {
		warnx_("fork: %s", strerror(errno));
		close_pair(in);
		close_pair(out);
		close_pair(err);
		conn_queue_end(b, c, 1, FCGI_OVERLOADED);
		return true;
	}
	if (pid == 0)
		child(c, in, out, err);
	/* Also here: a kill may come before the child runs setpgid. */
	(void)setpgid(pid, pid);
	(void)close(in[0]);
	(void)close(out[1]);
	(void)close(err[1]);
	c->cin = in[1];
	c->cout = out[0];
	c->cerr = err[0];
	c->pid = pid;
	c->reaped = false;
	c->status = 0;
	c->errlen = 0;
	c->stdin_blocked = false;
	c->phase = REQ_RUNNING;
	if (b->opt.verbose > 0)
		warnx_("connection %zu: request %u: %s, pid %d",
		    conn_index(b, c), c->id, c->script, (int)pid);
	return true;
}

void
cgi_kill(struct conn *c)
{
	if (c->pid <= 0 || c->reaped)
		return;
	(void)kill(-c->pid, SIGKILL);
	(void)kill(c->pid, SIGKILL);
}

static struct conn *
owner(struct bridge *b, pid_t pid)
{
	size_t i;

	for (i = 0; i < BRIDGE_CONN_MAX; i++)
		if (b->conns[i].used && b->conns[i].pid == pid)
			return &b->conns[i];
	return NULL;
}

/*
 * Reap the programs that exited.  Each is first seen without being
 * reaped (WNOWAIT): as long as its zombie exists, no other process can
 * get its number, so killing the group of that number reaches only what
 * the program left running -- background children, whether they still
 * hold its pipes or not.  Then it is reaped, and its exit status kept
 * for END_REQUEST: the code, or 128 + signal as sh does.
 */
void
cgi_reap(struct bridge *b)
{
	struct conn *c;
	siginfo_t si;
	pid_t pid;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1 ||
		    si.si_pid == 0)
			return;
		pid = si.si_pid;
		(void)kill(-pid, SIGKILL);
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG) == -1)
			return;
		if ((c = owner(b, pid)) == NULL)
			continue;	/* its connection is gone */
		c->reaped = true;
		c->status = si.si_code == CLD_EXITED ? si.si_status :
		    128 + si.si_status;
		output_finish(b, c);
		if (c->used)
			conn_update(b, c);
	}
}
