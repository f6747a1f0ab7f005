/*
 * relayd_conf_dump: the normalized relayd.conf -- one directive per line,
 * blocks indented with tabs, strings quoted, globals with their effective
 * values.  It parses back to the same configuration and so dumps to the
 * same text: tests compare dump(dump(x)) with dump(x).
 *
 * Order: globals, tables, protocols, redirections, relays, routers, so
 * that every name is defined before it is used.
 */
#include <netdb.h>
#include <netinet/in.h>

#include <string.h>

#include "conf/relayd_conf_int.h"

static void
quoted(FILE *f, const char *prefix, const char *s)
{
	fputs(prefix, f);
	conf_print_quoted(f, s);
}

static void
address(FILE *f, const char *prefix, const struct addr *a)
{
	char buf[ADDR_NAME_MAX + 64];

	addr_format(a, buf, sizeof(buf));
	quoted(f, prefix, buf);
}

static void
dump_globals(FILE *f, const struct relayd_conf *rc)
{
	fprintf(f, "interval %lld\n", rc->interval);
	fprintf(f, "timeout %lld\n", rc->timeout);
	fprintf(f, "prefork %lld\n", rc->prefork);
	if (rc->log & RD_LOG_STATE_CHANGES)
		fputs("log state changes\n", f);
	if (rc->log & RD_LOG_HOST_CHECKS)
		fputs("log host checks\n", f);
	if (rc->log & RD_LOG_CONNECTION)
		fputs("log connection\n", f);
	else if (rc->log & RD_LOG_CONNECTION_ERRORS)
		fputs("log connection errors\n", f);
	quoted(f, "socket ", rc->socket);
	fputc('\n', f);
	if (rc->agentx) {
		fputs("agentx", f);
		if (rc->agentx_context != NULL)
			quoted(f, " context ", rc->agentx_context);
		if (rc->agentx_path != NULL)
			quoted(f, " path ", rc->agentx_path);
		fputc('\n', f);
	}
	if (rc->snmp) {
		fputs(rc->snmp_trap ? "snmp trap" : "snmp", f);
		if (rc->snmp_path != NULL)
			quoted(f, " ", rc->snmp_path);
		fputc('\n', f);
	}
}

static void
dump_table(FILE *f, const struct rd_table *t)
{
	const struct rd_host *h;

	quoted(f, "\ntable <", t->name);
	fputs(t->disable ? "> disable {\n" : "> {\n", f);
	for (h = t->hosts; h != NULL; h = h->next) {
		quoted(f, "\t", h->name);
		if (h->retry != 0)
			fprintf(f, " retry %lld", h->retry);
		if (h->parent != 0)
			fprintf(f, " parent %lld", h->parent);
		if (h->priority != 0)
			fprintf(f, " priority %lld", h->priority);
		if (h->ttl != 0)
			fprintf(f, " ip ttl %lld", h->ttl);
		fputc('\n', f);
	}
	fputs("}\n", f);
}

static void
dump_hex_or_nothing(FILE *f, const char *s)
{
	if (s == NULL)
		fputs(" nothing", f);
	else
		quoted(f, " ", s);
}

static void
dump_check(FILE *f, const struct rd_check *ck)
{
	switch (ck->type) {
	case RD_CHECK_NONE:
		return;
	case RD_CHECK_ICMP:
		fputs(" check icmp", f);
		return;
	case RD_CHECK_TCP:
		fputs(ck->tls ? " check tls" : " check tcp", f);
		return;
	case RD_CHECK_HTTP_CODE:
	case RD_CHECK_HTTP_DIGEST:
		quoted(f, ck->tls ? " check https " : " check http ", ck->path);
		if (ck->host != NULL)
			quoted(f, " host ", ck->host);
		if (ck->type == RD_CHECK_HTTP_CODE)
			fprintf(f, " code %d", ck->code);
		else
			quoted(f, " digest ", ck->digest);
		return;
	case RD_CHECK_SEND_EXPECT:
	case RD_CHECK_BINARY:
		fputs(ck->type == RD_CHECK_BINARY ? " check binary send" :
		    " check send", f);
		dump_hex_or_nothing(f, ck->send);
		quoted(f, " expect ", ck->expect);
		if (ck->tls)
			fputs(" tls", f);
		return;
	case RD_CHECK_SCRIPT:
		quoted(f, " check script ", ck->path);
		return;
	}
}

/* "<name> options" with the port relayd settled on, and the timeout
 * the table took when it was defined if that is not the global one. */
static void
dump_use(FILE *f, const struct relayd_conf *rc, const struct rd_table_use *u,
    bool effective_port)
{
	const struct rd_table_opts *o = &u->opts;

	quoted(f, "<", u->table->name);
	fputc('>', f);
	if (effective_port || o->port != 0)
		fprintf(f, " port %u",
		    (unsigned)(effective_port ? u->port : o->port));
	if (o->timeout >= 0)
		fprintf(f, " timeout %lld", o->timeout);
	else if (u->table->timeout != rc->timeout)
		fprintf(f, " timeout %lld", u->table->timeout);
	if (o->interval != 0)
		fprintf(f, " interval %lld", o->interval);
	if (o->mode_set) {
		fprintf(f, " mode %s", rd_mode_names[o->mode]);
		if (o->key != NULL)
			quoted(f, " ", o->key);
	}
	dump_check(f, &o->check);
	if (o->demote != NULL)
		quoted(f, " demote ", o->demote);
	if (u->ifname != NULL)
		quoted(f, " interface ", u->ifname);
}

static void
dump_redirect(FILE *f, const struct relayd_conf *rc,
    const struct rd_redirect *r)
{
	const struct rd_listen *l;
	const struct rd_table_use *u;
	struct protoent *pe;
	int i;

	quoted(f, "\nredirect ", r->name);
	fputs(" {\n", f);
	for (l = r->listens; l != NULL; l = l->next) {
		address(f, "\tlisten on ", &l->addr);
		if (l->ipproto != IPPROTO_TCP &&
		    (pe = getprotobynumber(l->ipproto)) != NULL)
			quoted(f, " ", pe->p_name);
		fprintf(f, " port %u", l->port);
		if (l->port_max != 0)
			fprintf(f, ":%u", l->port_max);
		if (l->ifname != NULL)
			quoted(f, " interface ", l->ifname);
		fputc('\n', f);
	}
	if (r->tag != NULL)
		quoted(f, r->match_tag ? "\tmatch pftag " : "\tpftag ", r->tag);
	if (r->tag != NULL)
		fputc('\n', f);
	if (r->sticky)
		fputs("\tsticky-address\n", f);
	fprintf(f, "\tsession timeout %lld\n", r->session_timeout);
	for (i = 0; i < 2; i++) {
		if ((u = i == 0 ? r->table : r->backup) == NULL)
			continue;
		fputs(u->route ? "\troute to " : "\tforward to ", f);
		dump_use(f, rc, u, true);
		fputc('\n', f);
	}
	if (r->disable)
		fputs("\tdisable\n", f);
	fputs("}\n", f);
}

static void
dump_forward(FILE *f, const struct relayd_conf *rc, const struct rd_forward *fw)
{
	fputs(fw->transparent ? "\ttransparent forward " : "\tforward ", f);
	fputs(fw->tls ? "with tls to " : "to ", f);
	switch (fw->kind) {
	case RD_FWD_ADDRESS:
		quoted(f, "", fw->name);
		fprintf(f, " port %u", fw->port);
		break;
	case RD_FWD_TABLE:
		dump_use(f, rc, &fw->use, true);
		break;
	case RD_FWD_DESTINATION:
		fputs("destination", f);
		break;
	case RD_FWD_NATLOOKUP:
		fputs("nat lookup", f);
		break;
	}
	if (fw->retry != 0)
		fprintf(f, " retry %lld", fw->retry);
	if (fw->af == 4)
		fputs(" inet", f);
	else if (fw->af == 6)
		quoted(f, " inet6 ", fw->inet6_prefix);
	if (fw->proxy != 0)
		fprintf(f, " proxy-protocol v%d", fw->proxy);
	fputc('\n', f);
}

static void
dump_relay(FILE *f, const struct relayd_conf *rc, const struct rd_relay *r)
{
	const struct rd_listen *l;
	const struct rd_forward *fw;

	quoted(f, "\nrelay ", r->name);
	fputs(" {\n", f);
	for (l = r->listens; l != NULL; l = l->next) {
		address(f, "\tlisten on ", &l->addr);
		fprintf(f, " port %u%s\n", l->port, l->tls ? " tls" : "");
	}
	if (r->protocol != NULL) {
		quoted(f, "\tprotocol ", r->protocol->name);
		fputc('\n', f);
	}
	fprintf(f, "\tsession timeout %lld\n", r->session_timeout);
	for (fw = r->forwards; fw != NULL; fw = fw->next)
		dump_forward(f, rc, fw);
	if (r->disable)
		fputs("\tdisable\n", f);
	fputs("}\n", f);
}

static void
dump_tcp(FILE *f, const struct rd_protocol *pr)
{
	if (pr->tcp.nodelay >= 0)
		fprintf(f, "\ttcp %snodelay\n", pr->tcp.nodelay ? "" : "no ");
	if (pr->tcp.sack >= 0)
		fprintf(f, "\ttcp %ssack\n", pr->tcp.sack ? "" : "no ");
	if (pr->tcp.splice >= 0)
		fprintf(f, "\ttcp %ssplice\n", pr->tcp.splice ? "" : "no ");
	fprintf(f, "\ttcp backlog %lld\n", pr->tcp.backlog);
	if (pr->tcp.socket_buffer >= 0)
		fprintf(f, "\ttcp socket buffer %lld\n",
		    pr->tcp.socket_buffer);
	if (pr->tcp.ip_ttl >= 0)
		fprintf(f, "\ttcp ip ttl %lld\n", pr->tcp.ip_ttl);
	if (pr->tcp.ip_minttl >= 0)
		fprintf(f, "\ttcp ip minttl %lld\n", pr->tcp.ip_minttl);
}

static void
dump_line(FILE *f, const char *prefix, const char *s)
{
	if (s == NULL)
		return;
	quoted(f, prefix, s);
	fputc('\n', f);
}

static void
dump_tls(FILE *f, const struct rd_protocol *pr)
{
	const struct rd_keypair *k;

	dump_line(f, "\ttls ciphers ", pr->ciphers);
	dump_line(f, "\ttls ecdhe ", pr->ecdhe);
	if (pr->edh != NULL && strcmp(pr->edh, "none") == 0)
		fputs("\ttls no edh\n", f);
	else
		dump_line(f, "\ttls edh params ", pr->edh);
	if (pr->session_tickets >= 0)
		fprintf(f, "\ttls %ssession tickets\n",
		    pr->session_tickets ? "" : "no ");
	dump_line(f, "\ttls ca file ", pr->ca_file);
	if (pr->ca_key != NULL) {
		quoted(f, "\ttls ca key ", pr->ca_key);
		dump_line(f, " password ", pr->ca_password);
	}
	dump_line(f, "\ttls ca cert ", pr->ca_cert);
	for (k = pr->keypairs; k != NULL; k = k->next) {
		dump_line(f, "\ttls keypair ", k->name);
		if (k->key_file != NULL) {
			quoted(f, "\ttls keypair ", k->name);
			dump_line(f, " key ", k->key_file);
		}
		if (k->cert_file != NULL) {
			quoted(f, "\ttls keypair ", k->name);
			dump_line(f, " cert ", k->cert_file);
		}
	}
	if (!(pr->tls_protocols & TLS_PROTO_V1_2))
		fputs("\ttls no tlsv1.2\n", f);
	if (!(pr->tls_protocols & TLS_PROTO_V1_3))
		fputs("\ttls no tlsv1.3\n", f);
	if (!(pr->tls_flags & RD_TLS_CIPHER_SERVER_PREF))
		fputs("\ttls no cipher-server-preference\n", f);
	if (pr->tls_flags & RD_TLS_CLIENT_RENEG)
		fputs("\ttls client-renegotiation\n", f);
}

static void
dump_kv(FILE *f, const struct rd_rule *r, enum rd_key_type type)
{
	const struct rd_kv *kv = &r->kv[type];

	fprintf(f, " %s", rd_key_type_names[type]);
	if (kv->option == RD_KEY_OPT_STRIP)
		fprintf(f, " strip %lld", kv->strip);
	else if (kv->option != RD_KEY_OPT_NONE)
		fprintf(f, " %s", rd_key_option_names[kv->option]);
	if (kv->key != NULL)
		quoted(f, kv->match == RD_MATCH_DIGEST ? " digest " :
		    kv->match == RD_MATCH_PATTERN ? " pattern " : " ", kv->key);
	/* With a file, the value belongs to the file clause. */
	if (kv->value != NULL && !(r->file != NULL && r->file_type == type))
		quoted(f, " value ", kv->value);
}

static void
rd_dump_rule(FILE *f, const struct rd_rule *r)
{
	static const char *const actions[] = { "pass", "block", "match" };
	int i;

	fprintf(f, "\t%s %s", actions[r->action],
	    r->dir == RD_DIR_RESPONSE ? "response" : "request");
	if (r->quick)
		fputs(" quick", f);
	if (r->af != 0)
		fputs(r->af == 4 ? " inet" : " inet6", f);
	if (r->has_from)
		address(f, " from ", &r->from);
	if (r->has_to)
		address(f, " to ", &r->to);
	if (r->method != NULL)
		fprintf(f, " method %s", r->method);
	for (i = 0; i < r->nkv; i++)
		dump_kv(f, r, r->kv_order[i]);
	if (r->file != NULL) {
		quoted(f, " file ", r->file);
		if (r->kv[r->file_type].value != NULL)
			quoted(f, " value ", r->kv[r->file_type].value);
	}
	if (r->forward_table != NULL) {
		quoted(f, " forward to <", r->forward_table);
		fputc('>', f);
	}
	if (r->tag_state == RD_TAG_SET)
		quoted(f, " tag ", r->tag);
	else if (r->tag_state == RD_TAG_CLEAR)
		fputs(" no tag", f);
	if (r->tagged != NULL)
		quoted(f, " tagged ", r->tagged);
	if (r->label_state == RD_TAG_SET)
		quoted(f, " label ", r->label);
	else if (r->label_state == RD_TAG_CLEAR)
		fputs(" no label", f);
	fputc('\n', f);
}

static void
dump_protocol(FILE *f, const struct rd_protocol *pr)
{
	static const char *const types[] = { "tcp", "http", "dns" };
	const struct rd_rule *r;

	fprintf(f, "\n%s protocol ", types[pr->type]);
	conf_print_quoted(f, pr->name);
	fputs(" {\n", f);
	if (pr->return_error) {
		fputs("\treturn error", f);
		if (pr->style != NULL)
			quoted(f, " style ", pr->style);
		fputc('\n', f);
	}
	dump_tcp(f, pr);
	dump_tls(f, pr);
	if (pr->type == RD_PROTO_HTTP) {
		fprintf(f, "\thttp headerlen %lld\n", pr->headerlen);
		if (pr->websockets >= 0)
			fprintf(f, "\thttp %swebsockets\n",
			    pr->websockets ? "" : "no ");
	}
	for (r = pr->rules; r != NULL; r = r->next)
		rd_dump_rule(f, r);
	fputs("}\n", f);
}

static void
dump_router(FILE *f, const struct relayd_conf *rc, const struct rd_router *rt)
{
	const struct rd_route *r;

	quoted(f, "\nrouter ", rt->name);
	fputs(" {\n", f);
	for (r = rt->routes; r != NULL; r = r->next) {
		address(f, "\troute ", &r->prefix);
		fputc('\n', f);
	}
	fputs("\tforward to ", f);
	dump_use(f, rc, rt->gateways, false);
	fputc('\n', f);
	if (rt->rtable != 0)
		fprintf(f, "\trtable %lld\n", rt->rtable);
	dump_line(f, "\trtlabel ", rt->rtlabel);
	if (rt->disable)
		fputs("\tdisable\n", f);
	fputs("}\n", f);
}

void
rd_dump(FILE *f, const void *conf)
{
	const struct relayd_conf *rc = conf;
	const struct rd_table *t;
	const struct rd_protocol *pr;
	const struct rd_redirect *r;
	const struct rd_relay *rl;
	const struct rd_router *rt;

	dump_globals(f, rc);
	for (t = rc->tables; t != NULL; t = t->next)
		dump_table(f, t);
	for (pr = rc->protocols; pr != NULL; pr = pr->next)
		dump_protocol(f, pr);
	for (r = rc->redirects; r != NULL; r = r->next)
		dump_redirect(f, rc, r);
	for (rl = rc->relays; rl != NULL; rl = rl->next)
		dump_relay(f, rc, rl);
	for (rt = rc->routers; rt != NULL; rt = rt->next)
		dump_router(f, rc, rt);
}
