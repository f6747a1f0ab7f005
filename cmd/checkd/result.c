/*
 * What a finished check changes: relayd's retry rule (an up host goes
 * down only after retry+1 failures in a row; any success brings it up at
 * once), the hosts whose parent it is, the event line on stdout, the log
 * lines asked for by "log state changes" and "log host checks".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "base/progopt.h"
#include "checkd.h"

/* relayd's words (host_error()), then ours; the status files use them. */
const char *const reason_text[R_NREASONS] = {
	[R_NONE] = "none",
	[R_ABORTED] = "aborted",
	[R_INTERVAL_TIMEOUT] = "interval timeout",
	[R_ICMP_OK] = "icmp ok",
	[R_ICMP_READ_TIMEOUT] = "icmp read timeout",
	[R_ICMP_WRITE_TIMEOUT] = "icmp write timeout",
	[R_TCP_SOCKET_ERROR] = "tcp socket error",
	[R_TCP_SOCKET_LIMIT] = "tcp socket limit",
	[R_TCP_CONNECT_FAIL] = "tcp connect failed",
	[R_TCP_CONNECT_TIMEOUT] = "tcp connect timeout",
	[R_TCP_CONNECT_OK] = "tcp connect ok",
	[R_TCP_WRITE_TIMEOUT] = "tcp write timeout",
	[R_TCP_WRITE_FAIL] = "tcp write failed",
	[R_TCP_READ_TIMEOUT] = "tcp read timeout",
	[R_TCP_READ_FAIL] = "tcp read failed",
	[R_SCRIPT_OK] = "script ok",
	[R_SCRIPT_FAIL] = "script failed",
	[R_TLS_CONNECT_ERROR] = "tls connect error",
	[R_TLS_CONNECT_FAIL] = "tls connect failed",
	[R_TLS_CONNECT_OK] = "tls connect ok",
	[R_TLS_CONNECT_TIMEOUT] = "tls connect timeout",
	[R_TLS_READ_TIMEOUT] = "tls read timeout",
	[R_TLS_WRITE_TIMEOUT] = "tls write timeout",
	[R_TLS_READ_ERROR] = "tls read error",
	[R_TLS_WRITE_ERROR] = "tls write error",
	[R_SEND_EXPECT_FAIL] = "send/expect failed",
	[R_SEND_EXPECT_OK] = "send/expect ok",
	[R_HTTP_CODE_ERROR] = "http code malformed",
	[R_HTTP_CODE_FAIL] = "http code mismatch",
	[R_HTTP_CODE_OK] = "http code ok",
	[R_HTTP_DIGEST_ERROR] = "http digest malformed",
	[R_HTTP_DIGEST_FAIL] = "http digest mismatch",
	[R_HTTP_DIGEST_OK] = "http digest ok",
	[R_RESPONSE_TOO_LARGE] = "response too large",
	[R_LOOKUP_FAIL] = "host lookup failed",
	[R_DISABLED] = "disabled",
	[R_PARENT] = "parent"
};

static void
propagate(struct checker *c, const struct host *parent)
{
	uint32_t id;

	for (id = 1; id <= c->nids; id++) {
		struct host *h = c->byid[id];

		if (h != NULL && h->parent == parent && !h->disabled &&
		    !h->table->disabled) {
			h->latency_ms = parent->latency_ms;
			set_host_state(c, h, parent->state, parent->reason);
		}
	}
}

void
set_host_state(struct checker *c, struct host *h, enum statusfile_state st,
    enum reason r)
{
	if (st == h->state && r == h->reason)
		return;
	h->reason = r;
	h->table->dirty = true;
	if (st == h->state)
		return;
	h->state = st;
	h->since = wall_s();
	report_event(c, h);
	if (c->conf->log & RD_LOG_STATE_CHANGES)
		warnx_("host %s, table %s: state %s (%s)", h->conf->name,
		    h->table->inst->table->name, statusfile_state_names[st],
		    reason_text[r]);
	if (c->has_children)
		propagate(c, h);
}

void
check_done(struct checker *c, struct host *h, bool up, enum reason r)
{
	struct table *t = h->table;

	h->busy = false;
	h->latency_ms = (uint32_t)(now_ms() - h->started);
	t->pending--;
	c->checks++;
	if (!up)
		c->failures++;
	if (c->conf->log & RD_LOG_HOST_CHECKS)
		warnx_("host %s, table %s: check %s (%s), %u ms",
		    h->conf->name, t->inst->table->name, up ? "up" : "down",
		    reason_text[r], (unsigned)h->latency_ms);
	if (up) {
		h->retry_left = h->conf->retry;
		set_host_state(c, h, STATUSFILE_UP, r);
	} else if (h->state == STATUSFILE_UP && h->retry_left > 0) {
		h->retry_left--;
		h->reason = r;
		t->dirty = true;
	} else
		set_host_state(c, h, STATUSFILE_DOWN, r);
	if (t->pending == 0)
		round_end(c, t);
}

/* s6's readiness: once every table has finished its first round. */
static void
maybe_ready(struct checker *c)
{
	int i;

	if (c->ready_sent)
		return;
	for (i = 0; i < c->ntables; i++)
		if (c->tables[i].check->type != RD_CHECK_NONE &&
		    (c->tables[i].rounds == 0 || c->tables[i].pending > 0))
			return;
	report_summary(c);
	c->ready_sent = true;
	progopt_ready(&c->readyfd);
}

void
round_end(struct checker *c, struct table *t)
{
	int i;

	/* Children of hosts in other tables were set by propagate(). */
	for (i = 0; i < c->ntables; i++)
		if (c->tables[i].dirty)
			report_table(c, &c->tables[i]);
	(void)t;
	demote_update(c);
	c->summary_dirty = true;
	maybe_ready(c);
}
