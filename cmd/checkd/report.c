/*
 * Everything checkd publishes: a status file per table (statusfile.h,
 * checkd.status(5)), the human summary, the Prometheus textfile, and one
 * line on stdout per state change.  All files are replaced whole.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/die.h"
#include "checkd.h"

static void
to_statusfile(const struct host *h, struct statusfile_host *s)
{
	memset(s, 0, sizeof(*s));
	(void)snprintf(s->host, sizeof(s->host), "%s", h->conf->name);
	s->port = h->table->inst->port;
	s->state = h->state;
	s->since = h->since;
	s->latency_ms = h->latency_ms;
	s->id = h->id;
	(void)snprintf(s->addr, sizeof(s->addr), "%s", h->addr);
	(void)snprintf(s->reason, sizeof(s->reason), "%s",
	    reason_text[h->reason]);
}

void
report_table(struct checker *c, struct table *t)
{
	struct statusfile_host s;
	size_t size = ((size_t)t->nhosts + 1) * (STATUSFILE_LINE_MAX + 1);
	size_t len = 0, n;
	char *buf;
	int i;

	(void)c;
	if ((buf = malloc(size)) == NULL) {
		warnx_("%s: out of memory", t->file);
		return;
	}
	for (i = 0; i < t->nhosts; i++) {
		to_statusfile(&t->hosts[i], &s);
		n = statusfile_format(&s, buf + len, size - len);
		if (n == 0)
			warnx_("%s: host %s does not fit the format", t->file,
			    s.host);
		len += n;
	}
	if (!statusfile_write(AT_FDCWD, t->file, buf, len))
		warnx_("write %s: %s", t->file, strerror(errno));
	else
		t->dirty = false;
	free(buf);
}

static const char *
check_words(const struct rd_check *ck)
{
	static const char *const words[] = {
		[RD_CHECK_NONE] = "none", [RD_CHECK_ICMP] = "icmp",
		[RD_CHECK_TCP] = "tcp", [RD_CHECK_HTTP_CODE] = "http code",
		[RD_CHECK_HTTP_DIGEST] = "http digest",
		[RD_CHECK_SEND_EXPECT] = "send expect",
		[RD_CHECK_BINARY] = "binary send expect",
		[RD_CHECK_SCRIPT] = "script"
	};

	if (ck->type == RD_CHECK_TCP && ck->tls)
		return "tls";
	return words[ck->type];
}

static void
summary_table(FILE *f, const struct table *t)
{
	char when[32];
	struct tm tm;
	time_t since;
	int i, up = 0;

	for (i = 0; i < t->nhosts; i++)
		up += t->hosts[i].state == STATUSFILE_UP;
	fprintf(f, "\ntable %s: %d of %d hosts up%s\n", t->file + 7, up,
	    t->nhosts, t->disabled ? " (table disabled)" : "");
	fprintf(f, "  check %s%s, port %u, interval %lld s, timeout %lld ms\n",
	    check_words(t->check), t->check->tls && t->check->type !=
	    RD_CHECK_TCP ? " over tls" : "", (unsigned)t->inst->port,
	    (long long)t->interval_ms / 1000, (long long)t->timeout_ms);
	fprintf(f, "  %-5s %-24s %-8s %-20s %7s  %s\n", "id", "host", "state",
	    "since (UTC)", "latency", "last check");
	for (i = 0; i < t->nhosts; i++) {
		const struct host *h = &t->hosts[i];

		since = (time_t)h->since;
		if (gmtime_r(&since, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
			(void)strcpy(when, "-");
		fprintf(f, "  %-5u %-24s %-8s %-20s %5u ms  %s\n",
		    (unsigned)h->id, h->conf->name,
		    statusfile_state_names[h->state], when,
		    (unsigned)h->latency_ms, reason_text[h->reason]);
	}
}

static void
write_summary(struct checker *c)
{
	int counts[4] = { 0, 0, 0, 0 }, i, k;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	for (i = 0; i < c->ntables; i++)
		for (k = 0; k < c->tables[i].nhosts; k++)
			counts[c->tables[i].hosts[k].state]++;
	if ((f = open_memstream(&buf, &len)) == NULL)
		return;
	fprintf(f, "checkd: %d tables, %u hosts: %d up, %d down, %d unknown, "
	    "%d disabled; %llu checks, %llu failed\n", c->ntables, c->nids,
	    counts[STATUSFILE_UP], counts[STATUSFILE_DOWN],
	    counts[STATUSFILE_UNKNOWN], counts[STATUSFILE_DISABLED],
	    (unsigned long long)c->checks, (unsigned long long)c->failures);
	for (i = 0; i < c->ntables; i++)
		summary_table(f, &c->tables[i]);
	if (fclose(f) == 0 && !statusfile_write(AT_FDCWD, "report/summary", buf, len))
		warnx_("write report/summary: %s", strerror(errno));
	free(buf);
}

/* Label values: names from the configuration, escaped for the format. */
static void
label(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
prom_hosts(FILE *f, const struct checker *c, const char *metric, int what)
{
	int i, k;

	for (i = 0; i < c->ntables; i++)
		for (k = 0; k < c->tables[i].nhosts; k++) {
			const struct host *h = &c->tables[i].hosts[k];

			fprintf(f, "%s{table=\"", metric);
			label(f, c->tables[i].file + 7);
			fputs("\",host=\"", f);
			label(f, h->conf->name);
			fprintf(f, "\",port=\"%u\",id=\"%u\"} ",
			    (unsigned)h->table->inst->port, (unsigned)h->id);
			if (what == 0)
				fprintf(f, "%d\n", h->state == STATUSFILE_UP);
			else if (what == 1)
				fprintf(f, "%lld\n", (long long)h->since);
			else
				fprintf(f, "%.3f\n", h->latency_ms / 1000.0);
		}
}

/* node_exporter's textfile collector: *.prom, replaced atomically. */
static void
write_prom(struct checker *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return;
	fputs("# HELP checkd_host_up 1 if the host passed its check, "
	    "else 0.\n# TYPE checkd_host_up gauge\n", f);
	prom_hosts(f, c, "checkd_host_up", 0);
	fputs("# HELP checkd_host_last_change_seconds Unix time of the "
	    "host's last state change.\n"
	    "# TYPE checkd_host_last_change_seconds gauge\n", f);
	prom_hosts(f, c, "checkd_host_last_change_seconds", 1);
	fputs("# HELP checkd_host_check_duration_seconds Duration of the "
	    "host's last check.\n"
	    "# TYPE checkd_host_check_duration_seconds gauge\n", f);
	prom_hosts(f, c, "checkd_host_check_duration_seconds", 2);
	fprintf(f, "# HELP checkd_checks_total Checks done since start.\n"
	    "# TYPE checkd_checks_total counter\ncheckd_checks_total %llu\n"
	    "# HELP checkd_check_failures_total Checks failed since start.\n"
	    "# TYPE checkd_check_failures_total counter\n"
	    "checkd_check_failures_total %llu\n",
	    (unsigned long long)c->checks, (unsigned long long)c->failures);
	if (fclose(f) == 0 &&
	    !statusfile_write(AT_FDCWD, "report/checkd.prom", buf, len))
		warnx_("write report/checkd.prom: %s", strerror(errno));
	free(buf);
}

void
report_summary(struct checker *c)
{
	write_summary(c);
	write_prom(c);
}

/*
 * One line per change on stdout, written whole with one write(2) so
 * that lines never interleave in a pipe.
 */
void
report_event(const struct checker *c, const struct host *h)
{
	char line[512];
	int n;

	(void)c;
	n = snprintf(line, sizeof(line), "table %s host %s port %u %s %s\n",
	    h->table->file + 7, h->conf->name,
	    (unsigned)h->table->inst->port, statusfile_state_names[h->state],
	    reason_text[h->reason]);
	if (n > 0 && (size_t)n < sizeof(line) &&
	    write(STDOUT_FILENO, line, (size_t)n) != n)
		return;	/* nobody listening: the files still say it */
}

/* A table gone from the configuration takes its status file with it. */
void
report_prune(struct checker *c)
{
	struct dirent *de;
	char path[300];
	DIR *d;
	int i;

	if ((d = opendir("tables")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "tables/%s", de->d_name);
		for (i = 0; i < c->ntables; i++)
			if (strcmp(c->tables[i].file, path) == 0)
				break;
		if (i == c->ntables)
			(void)unlink(path);
	}
	(void)closedir(d);
}
