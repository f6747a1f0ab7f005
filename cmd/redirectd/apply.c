/*
 * apply: the one place that changes the kernel.  Every change is one
 * libnftables call over one buffer, which nftables commits as one
 * transaction: it takes all of it or none.  When the kernel refuses,
 * the ruleset in force stays as it was, nftables' own words are logged,
 * and the hosts are marked as not loaded so that the next round tries
 * again.
 */
#include <nftables/libnftables.h>

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/die.h"
#include "redirectd.h"

void
apply_init(struct redirectd *d)
{
	if ((d->nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL)
		die(DIE_SYS, "nft_ctx_new failed");
	/* Errors come back as text to log; nothing is printed by nftables. */
	if (nft_ctx_buffer_error(d->nft) != 0 ||
	    nft_ctx_buffer_output(d->nft) != 0)
		die(DIE_SYS, "libnftables: cannot buffer its output");
}

/* nftables' message, on one line per error (it spans three: text, ~~~). */
static void
log_refusal(struct redirectd *d, const char *what)
{
	const char *e = nft_ctx_get_error_buffer(d->nft);
	const char *nl;

	if (e == NULL || *e == '\0') {
		warnx_("%s: nftables refused the transaction; the ruleset in "
		    "force is kept", what);
		return;
	}
	nl = strchr(e, '\n');
	warnx_("%s: nftables refused the transaction; the ruleset in force "
	    "is kept: %.*s", what, nl != NULL ? (int)(nl - e) : (int)strlen(e),
	    e);
	if (d->verbose > 1)
		warnx_("%s: nftables said: %s", what, e);
}

bool
apply_text(struct redirectd *d, const char *text, const char *what)
{
	if (nft_run_cmd_from_buffer(d->nft, text) == 0)
		return true;
	log_refusal(d, what);
	return false;
}

static void
text_room(struct redirectd *d)
{
	size_t want = ruleset_text_size(&d->st);

	if (want <= d->textsize)
		return;
	free(d->text);
	d->textsize = want;
	if ((d->text = malloc(d->textsize)) == NULL)
		die(DIE_OOM, "out of memory");
}

static void
log_host(const struct rdr_redirect *r, const struct rdr_host *h,
    bool live)
{
	warnx_("redirect %s: host %s (id %u) %s", r->conf->name,
	    h->conf->name, h->id, live ? "joined" : "left");
}

static const char *const using_names[] = { "no table", "table", "backup table" };

/* What the kernel has now: -v tells every change. */
void
apply_loaded(struct rdr_state *st, bool log, int verbose)
{
	struct rdr_redirect *r;
	struct rdr_table *ts[2];
	struct rdr_host *h;
	enum rdr_using u;
	size_t i, j, k;
	bool live;

	for (i = 0; i < st->nrdrs; i++) {
		r = &st->rdrs[i];
		u = rdr_using(r);
		if (log && verbose > 0 && r->loaded_valid &&
		    u != r->loaded_using)
			warnx_("redirect %s: now %s%s%s", r->conf->name,
			    using_names[u], u == RDR_USING_NONE ? "" : " ",
			    u == RDR_USING_MAIN ? r->main.use->table->name :
			    u == RDR_USING_BACKUP ? r->backup.use->table->name :
			    "");
		ts[0] = &r->main;
		ts[1] = &r->backup;
		for (j = 0; j < 2; j++)
			for (k = 0; k < ts[j]->nhosts; k++) {
				h = &ts[j]->hosts[k];
				live = rdr_host_live(h);
				if (log && verbose > 0 && r->loaded_valid &&
				    live != h->loaded)
					log_host(r, h, live);
				h->loaded = live;
			}
		r->loaded_using = u;
		r->loaded_valid = true;
	}
}

/* The whole table, swapped in atomically (start and reload). */
bool
apply_table(struct redirectd *d)
{
	text_room(d);
	if (!ruleset_replace(&d->st, d->flags, d->text, d->textsize)) {
		warnx_("ruleset: text too long for its buffer");
		return false;
	}
	if (!apply_text(d, d->text, "table " RDR_NFT_TABLE))
		return false;
	apply_loaded(&d->st, false, d->verbose);
	return true;
}

/* Hosts whose state in the maps differs from what the kernel has. */
static size_t
count_changes(const struct rdr_state *st)
{
	const struct rdr_table *ts[2];
	size_t i, j, k, n = 0;

	for (i = 0; i < st->nrdrs; i++) {
		ts[0] = &st->rdrs[i].main;
		ts[1] = &st->rdrs[i].backup;
		for (j = 0; j < 2; j++)
			for (k = 0; k < ts[j]->nhosts; k++)
				n += rdr_host_live(&ts[j]->hosts[k]) !=
				    ts[j]->hosts[k].loaded;
	}
	return n;
}

/* The redirections whose hosts changed since the last transaction. */
void
apply_round(struct redirectd *d)
{
	int64_t t0 = now_ms();
	size_t changes;
	bool any;

	/* A refused round is tried again on news, or after a while. */
	if (!d->fresh && d->refused_at != 0 && t0 - d->refused_at <
	    RDR_RETRY_MS)
		return;
	d->fresh = false;
	text_room(d);
	if (!ruleset_round(&d->st, d->flags, d->text, d->textsize, &any)) {
		warnx_("ruleset: text too long for its buffer");
		return;
	}
	if (!any)
		return;
	if (d->verbose > 2)
		warnx_("transaction:\n%s", d->text);
	changes = count_changes(&d->st);
	if (!apply_text(d, d->text, "health change")) {
		d->refused_at = t0;
		return;
	}
	d->refused_at = 0;
	apply_loaded(&d->st, true, d->verbose);
	if (d->verbose > 0)
		warnx_("health change: %zu hosts in one transaction of %zu "
		    "bytes, %lld ms", changes, strlen(d->text),
		    (long long)(now_ms() - t0));
}

void
apply_remove(struct redirectd *d)
{
	char text[128];

	if (ruleset_delete(text, sizeof(text)) &&
	    apply_text(d, text, "removing tables " RDR_NFT_BOTH))
		warnx_("tables " RDR_NFT_BOTH " removed");
}
