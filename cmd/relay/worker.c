/*
 * worker: one relaying process.  It gives up root and everything but
 * the state directory (chroot, user, Landlock, seccomp) before it
 * touches a client, then runs one epoll loop over the relays' listening
 * sockets, its sessions and checkd's status files, until the parent
 * tells it to drain (SIGTERM): it stops accepting, lets the sessions in
 * flight finish (at most RELAY_DRAIN_SECONDS), and exits.
 */
#include <sys/epoll.h>
#include <sys/prctl.h>

#include <linux/capability.h>

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/die.h"
#include "net/sandbox.h"
#include "worker.h"

enum { EVENTS_MAX = 256 };

static void
listeners_poll(struct worker *w, bool on)
{
	size_t i;

	for (i = 0; i < w->st->nlisteners; i++) {
		if (!on)
			evloop_del(&w->loop, w->st->listeners[i].fd);
		else if (evloop_add(&w->loop, w->st->listeners[i].fd,
		    evloop_tag(WORKER_TAG_LISTENER, (uint32_t)i), EPOLLIN |
		    EPOLLEXCLUSIVE) == -1)
			die_sys(DIE_SYS, "epoll_ctl listener");
	}
}

/* Out of descriptors or slots: stop polling the listeners for a while. */
void
worker_pause_accept(struct worker *w, int ms)
{
	if (!w->draining && evloop_accept_pause(&w->loop, ms))
		listeners_poll(w, false);
}

static void
read_signals(struct worker *w, int64_t *drain_deadline)
{
	int sig;

	while ((sig = evloop_next_signal(&w->loop, NULL)) != 0) {
		if ((sig != SIGTERM && sig != SIGINT) || w->draining)
			continue;
		if (!w->loop.accept_paused)
			listeners_poll(w, false);
		w->draining = true;
		w->idle.draining = true;
		*drain_deadline = w->loop.now + RELAY_DRAIN_SECONDS * 1000;
		session_drain_idle(w);
	}
}

/* A kept connection stirred: its host closed it (or talks out of turn). */
static void
idle_event(struct worker *w, uint32_t i, uint32_t events)
{
	struct upstream_conn *c = upstream_slot(&w->idle, i);
	int err;

	if (c != NULL)
		(void)upstream_event(&w->idle, c, events, &err);
}

static void
dispatch(struct worker *w, const struct epoll_event *ev, int64_t *drain)
{
	uint32_t i = evloop_index(ev->data.u64);

	switch (evloop_kind(ev->data.u64)) {
	case WORKER_TAG_CLIENT:
		session_event(w, &w->sessions[i], false, ev->events);
		break;
	case WORKER_TAG_SERVER:
		session_event(w, &w->sessions[i], true, ev->events);
		break;
	case WORKER_TAG_LISTENER:
		if (w->st->listeners[i].udp)
			dns_query(w, &w->st->listeners[i]);
		else if (!w->draining && !w->loop.accept_paused)
			session_accept(w, &w->st->listeners[i]);
		break;
	case WORKER_TAG_DNS:
		dns_answer(w, i);
		break;
	case WORKER_TAG_PROBE:
		inspect_event(w, &w->sessions[i], ev->events);
		break;
	case WORKER_TAG_HEALTH:
		health_event(w);
		break;
	case WORKER_TAG_IDLE:
		idle_event(w, i, ev->events);
		break;
	case EVLOOP_SIGNAL:
		read_signals(w, drain);
		break;
	default:
		break;
	}
}

/*
 * After a burst, the buffers the pools hold beyond a few go back to the
 * system: an idle connection holds none, and the memory of idle
 * connections is what a quiet relay should show.
 */
static void
trim_buffers(struct worker *w)
{
	if (bufpool_trim(&w->bufs, RELAY_BUFS_KEPT) +
	    bufpool_trim(&w->hbufs, RELAY_BUFS_KEPT) > 0)
		(void)malloc_trim(0);
}

/* The TCP ports of every host: the only ones a worker may connect to. */
static void
sandbox(struct worker *w)
{
	struct sandbox_sockets socks = { false, w->st->ports, w->st->nports,
	    w->st->transparent, w->st->connect_any };

	sandbox_relay(&socks, SANDBOX_ABI_KERNEL);
}

static struct tls_keyproc_client *keyproc;

/*
 * A relay's handshakes are signed by the key process, with the key of
 * the relay's keypair the SNI name chose: its keys are in a row there.
 */
static size_t
sign_remote(void *arg, size_t host, int key_type, unsigned hash_id,
    const unsigned char *hv, size_t hv_len, unsigned char *sig,
    size_t sig_max)
{
	const struct rrelay *r = arg;

	return tls_sign_remote(keyproc, r->key_base + host, key_type,
	    hash_id, hv, hv_len, sig, sig_max);
}

/* TLS inspection's certificates: signed with the CA key, by its index. */
static size_t
sign_by_index(void *arg, size_t key, int key_type, unsigned hash_id,
    const unsigned char *hv, size_t hv_len, unsigned char *sig,
    size_t sig_max)
{
	(void)arg;
	return tls_sign_remote(keyproc, key, key_type, hash_id, hv, hv_len,
	    sig, sig_max);
}

static void
signers_init(struct worker *w)
{
	struct rrelay *r;
	uint32_t i;

	keyproc = &w->keys;
	for (i = 0; i < w->st->nrelays; i++) {
		r = &w->st->relays[i];
		if (r->site != NULL) {
			r->site->srv.signer.sign = sign_remote;
			r->site->srv.signer.arg = r;
		}
		r->mint.signer.sign = sign_by_index;
		r->mint.signer.arg = NULL;
	}
}

/* An HTTP buffer holds the largest head any relay accepts, and more. */
static size_t
http_buffer_size(const struct relay_state *st)
{
	size_t size = 32768;
	uint32_t i;

	for (i = 0; i < st->nrelays; i++)
		if (st->relays[i].headerlen + 4096 > size)
			size = st->relays[i].headerlen + 4096;
	return size;
}

static void
setup(struct worker *w, struct relay_state *st, int id)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	pid_t parent = getppid();

	w->st = st;
	w->id = id;
	/* Transparent forwards bind to clients' addresses: CAP_NET_RAW. */
	privdrop_apply_keep(st->statedir, &st->user, st->transparent ?
	    CAP_NET_RAW : -1);
	privdrop_die_with_parent(parent);
	/* No core, no ptrace by the same user: sessions' bytes are secret. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	evloop_init(&w->loop);
	evloop_signals(&w->loop, sigs, sizeof(sigs) / sizeof(sigs[0]));
	if ((w->sessions = calloc(RELAY_SESSIONS_MAX,
	    sizeof(*w->sessions))) == NULL)
		die(DIE_SYS, "out of memory");
	bufpool_init(&w->bufs, RELAY_BUF);
	if ((w->idle_slots = calloc(RELAY_SESSIONS_MAX,
	    sizeof(*w->idle_slots))) == NULL)
		die(DIE_SYS, "out of memory");
	upstream_pool_init(&w->idle, w->idle_slots, RELAY_SESSIONS_MAX,
	    &w->loop, WORKER_TAG_IDLE);
	bufpool_init(&w->hbufs, http_buffer_size(st));
	logsink_init(&w->log, "relay", st->syslog_fd);
	if (st->keyproc_fd[id] != -1) {
		tls_keyproc_client_init(&w->keys, st->keyproc_fd[id]);
		signers_init(w);
	}
	health_init(w);
	dns_init(w);
	sandbox(w);
	listeners_poll(w, true);
}

_Noreturn void
worker_main(struct relay_state *st, int id)
{
	static struct worker w;
	struct epoll_event ev[EVENTS_MAX];
	int64_t last_tick = 0, drain_deadline = 0;
	int n, i;

	setup(&w, st, id);
	for (;;) {
		n = evloop_wait(&w.loop, ev, EVENTS_MAX, w.loop.now +
		    (w.loop.accept_paused ? 100 : 1000));
		for (i = 0; i < n; i++)
			dispatch(&w, &ev[i], &drain_deadline);
		if (!w.draining && evloop_accept_resumes(&w.loop))
			listeners_poll(&w, true);
		if (w.loop.now - last_tick >= 1000) {
			last_tick = w.loop.now;
			session_timeouts(&w);
			session_expire_idle(&w);
			dns_expire(&w);
			trim_buffers(&w);
		}
		logsink_flush(&w.log);
		if (w.draining && ((w.nsessions == 0 && dns_pending(&w) == 0) ||
		    w.loop.now >= drain_deadline))
			exit(0);
	}
}
