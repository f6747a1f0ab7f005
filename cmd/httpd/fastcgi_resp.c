/*
 * fastcgi_resp: what the responder sends, passed on to the client.
 *
 * Records are parsed in place from the request's input buffer.  STDOUT
 * first fills the CGI header (RFC 3875 section 6: Status, Location,
 * Content-Type and other fields, ended by an empty line; at most
 * FCGI_HEAD_MAX bytes); then its content goes into the client's output
 * buffer, in chunks for an HTTP/1.1 client when the script gave no
 * Content-Length, as it is for HTTP/1.0 (which then ends with the
 * close).  Content is taken only as far as the output buffer has room:
 * the rest waits in the input buffer, and the responder is not read
 * while that is full.  STDERR goes to the error log, FCGI_STDERR_LOG_MAX
 * bytes per request; more than FCGI_STDERR_MAX is a broken responder.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "worker.h"

enum { CHUNK_FRAME = 16 };	/* "ffffffff\r\n" and "\r\n", rounded up */

static bool
is_tchar(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

/* Fields that describe our connection, not the script's content. */
static bool
hop_by_hop(const char *name)
{
	static const char *const names[] = { "Status", "Connection",
	    "Keep-Alive", "Transfer-Encoding", "Content-Length", "Date",
	    "Server", "Trailer", "Upgrade", "Proxy-Connection" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Offset just past the empty line that ends the header, or 0. */
static size_t
head_end(const char *h, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (h[i] != '\n')
			continue;
		if (h[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && h[i + 1] == '\r' && h[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Split one "Name: value" line in place; false if it is not one. */
static bool
split_field(char *line, struct fcgi_field *f)
{
	char *colon = strchr(line, ':'), *v, *end;
	const char *p;

	if (colon == NULL || colon == line)
		return false;
	for (p = line; p < colon; p++)
		if (!is_tchar(*p))
			return false;
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return false;
	f->name = line;
	f->value = v;
	return true;
}

/* Parse hdr[0..end) into fr->fields; false if malformed. */
static bool
parse_fields(struct fcgi_req *fr, size_t end)
{
	char *line = fr->hdr, *nl;

	fr->hdr[end - 1] = '\0';	/* the last '\n' */
	fr->nfields = 0;
	while ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (line[0] == '\0')
			break;
		if (fr->nfields == FCGI_HEAD_FIELDS_MAX ||
		    !split_field(line, &fr->fields[fr->nfields++]))
			return false;
		line = nl + 1;
	}
	return fr->nfields > 0;
}

static const char *
field_value(const struct fcgi_req *fr, const char *name)
{
	size_t i;

	for (i = 0; i < fr->nfields; i++)
		if (strcasecmp(fr->fields[i].name, name) == 0)
			return fr->fields[i].value;
	return NULL;
}

/* Status: "NNN reason"; Location alone is 302; else 200.  0: invalid. */
static int
status_of(const struct fcgi_req *fr)
{
	const char *s = field_value(fr, "Status");

	if (s == NULL)
		return field_value(fr, "Location") != NULL ?
		    HTTP_STATUS_FOUND : HTTP_STATUS_OK;
	if (s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9' || (s[3] != '\0' && s[3] != ' '))
		return 0;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* A Content-Length the script gave: digits, or -1. */
static int64_t
length_of(const struct fcgi_req *fr)
{
	const char *s = field_value(fr, "Content-Length");
	int64_t n = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

/* The response head from the CGI header; false if it is not valid. */
static bool
send_head(struct worker *w, struct conn *c, struct fcgi_req *fr, size_t end)
{
	int status;
	size_t i;
	bool ok;

	if (!parse_fields(fr, end) || (status = status_of(fr)) == 0)
		return false;
	fr->no_body = fr->head_method || status == HTTP_STATUS_NO_CONTENT ||
	    status == HTTP_STATUS_NOT_MODIFIED;
	fr->length_left = length_of(fr);
	if (status == HTTP_STATUS_NO_CONTENT ||
	    status == HTTP_STATUS_NOT_MODIFIED)
		fr->length_left = -1;
	fr->chunked_out = !fr->no_body && fr->length_left < 0 &&
	    fr->minor > 0;
	/* HTTP/1.0 without a length: the close ends the body. */
	if (!fr->no_body && fr->length_left < 0 && fr->minor == 0)
		c->keep_alive = false;
	ok = resp_head(w, c, status);
	for (i = 0; ok && i < fr->nfields; i++)
		if (!hop_by_hop(fr->fields[i].name))
			ok = resp_field(c, fr->fields[i].name,
			    fr->fields[i].value);
	if (ok && fr->length_left >= 0)
		ok = resp_field_num(c, "Content-Length",
		    (unsigned long long)fr->length_left);
	if (ok && fr->chunked_out)
		ok = resp_field(c, "Transfer-Encoding", "chunked");
	if (!ok || !resp_end_head(c))
		return false;
	fr->head_sent = true;
	fr->hoff = end;
	return true;
}

/* Body bytes into the client's output buffer; returns how many taken. */
static size_t
emit_body(struct conn *c, struct fcgi_req *fr, const void *data, size_t len)
{
	size_t room = HTTPD_OUTBUF - c->outlen, n = len;
	int hl;

	if (fr->no_body || fr->length_left == 0)
		return len;	/* nothing (more) is due: dropped */
	if (fr->length_left > 0 && (uint64_t)n > (uint64_t)fr->length_left)
		n = (size_t)fr->length_left;
	if (fr->chunked_out) {
		if (room <= CHUNK_FRAME)
			return 0;
		if (n > room - CHUNK_FRAME)
			n = room - CHUNK_FRAME;
		hl = snprintf(c->out + c->outlen, room, "%zx\r\n", n);
		c->outlen += (size_t)hl;
		memcpy(c->out + c->outlen, data, n);
		memcpy(c->out + c->outlen + n, "\r\n", 2);
		c->outlen += n + 2;
	} else {
		if (n > room)
			n = room;
		memcpy(c->out + c->outlen, data, n);
		c->outlen += n;
	}
	if (n == 0)
		return 0;
	c->log.bytes += n;
	if (fr->length_left > 0) {
		fr->length_left -= (int64_t)n;
		/* A script that sends more than it said: the rest dropped. */
		if (fr->length_left == 0)
			return len;
	}
	return n;
}

/* Body bytes that came in with the header go first; false if some wait. */
static bool
drain_hdr(struct conn *c, struct fcgi_req *fr)
{
	if (fr->head_sent && fr->hoff < fr->hlen)
		fr->hoff += emit_body(c, fr, fr->hdr + fr->hoff,
		    fr->hlen - fr->hoff);
	return fr->hoff == fr->hlen;
}

static void
log_stderr(struct worker *w, struct conn *c, struct fcgi_req *fr,
    const uint8_t *data, size_t len)
{
	const char *p = (const char *)data, *nl;
	size_t n;

	while (len > 0 && fr->stderr_logged < FCGI_STDERR_LOG_MAX) {
		nl = memchr(p, '\n', len);
		n = nl != NULL ? (size_t)(nl - p) : len;
		if (n > FCGI_STDERR_LOG_MAX - fr->stderr_logged)
			n = FCGI_STDERR_LOG_MAX - fr->stderr_logged;
		if (n > 0)
			accesslog_note(w, c, "fastcgi stderr", p, n);
		fr->stderr_logged += n + 1;
		if (nl == NULL || n + 1 > len)
			break;
		p += n + 1;
		len -= n + 1;
	}
}

/* Take STDOUT content; (size_t)-1 after a failure. */
static size_t
take_stdout(struct worker *w, struct conn *c, struct fcgi_req *fr,
    const uint8_t *data, size_t len)
{
	size_t n, end;

	if (fr->head_sent)
		return drain_hdr(c, fr) ? emit_body(c, fr, data, len) : 0;
	n = FCGI_HEAD_MAX - fr->hlen;
	if (n > len)
		n = len;
	memcpy(fr->hdr + fr->hlen, data, n);
	fr->hlen += n;
	if ((end = head_end(fr->hdr, fr->hlen)) == 0) {
		if (fr->hlen < FCGI_HEAD_MAX)
			return n;
		fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY,
		    "response header too large");
		return (size_t)-1;
	}
	if (!send_head(w, c, fr, end)) {
		fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY,
		    "malformed response header");
		return (size_t)-1;
	}
	(void)drain_hdr(c, fr);
	return n;
}

static size_t
take_content(struct worker *w, struct conn *c, struct fcgi_req *fr,
    const struct fcgi_event *ev)
{
	if (ev->header.type == FCGI_STDOUT)
		return take_stdout(w, c, fr, ev->data, ev->len);
	/* FCGI_STDERR */
	fr->stderr_total += ev->len;
	if (fr->stderr_total > FCGI_STDERR_MAX) {
		fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY,
		    "responder floods stderr");
		return (size_t)-1;
	}
	log_stderr(w, c, fr, ev->data, ev->len);
	return ev->len;
}

static bool
allowed_type(uint8_t type)
{
	return type == FCGI_STDOUT || type == FCGI_STDERR ||
	    type == FCGI_END_REQUEST;
}

/* Parse what was read; false after a failure. */
static bool
parse_input(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	struct fcgi_event ev;
	size_t pos = 0, used, n;
	bool stop = false;

	while (!stop && !fr->ended && pos < fr->ilen) {
		switch (fcgi_parse(&fr->parser, fr->in + pos, fr->ilen - pos,
		    &used, &ev)) {
		case FCGI_EV_MORE:
			stop = true;
			break;
		case FCGI_EV_HEADER:
			if (!allowed_type(ev.header.type)) {
				fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY,
				    "unexpected record type");
				return false;
			}
			break;
		case FCGI_EV_CONTENT:
			if ((n = take_content(w, c, fr, &ev)) == (size_t)-1)
				return false;
			fcgi_take(&fr->parser, n);
			used = n;
			stop = n < ev.len;
			break;
		case FCGI_EV_END:
			if (ev.header.type == FCGI_END_REQUEST)
				fr->ended = true;
			break;
		case FCGI_EV_ERROR:
			fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY,
			    fcgi_strerror(ev.error));
			return false;
		}
		pos += used;
	}
	memmove(fr->in, fr->in + pos, fr->ilen - pos);
	fr->ilen -= pos;
	return true;
}

/* After END_REQUEST: the last chunk, once the header's bytes are out. */
static bool
queue_end(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	if (!fr->head_sent) {
		fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY, "no response header");
		return false;
	}
	if (!drain_hdr(c, fr))
		return true;
	if (fr->chunked_out) {
		if (HTTPD_OUTBUF - c->outlen < 5)
			return true;
		memcpy(c->out + c->outlen, "0\r\n\r\n", 5);
		c->outlen += 5;
	}
	if (fr->length_left > 0)
		c->keep_alive = false;	/* the body is short: end it so */
	fr->last_chunk = true;
	return true;
}

bool
fcgi_resp_input(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	(void)drain_hdr(c, fr);
	if (!parse_input(w, c, fr))
		return false;
	if (fr->ended)
		return fr->last_chunk || queue_end(w, c, fr);
	if (fr->eof && fr->ilen == 0) {
		fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY,
		    "responder closed the connection");
		return false;
	}
	return true;
}

/* The output buffer is all sent: start it again, and say if more waits. */
bool
fcgi_resp_pending(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	(void)w;
	if (c->outlen == 0 || c->outoff < c->outlen)
		return false;
	c->outlen = c->outoff = 0;
	return !fr->last_chunk;
}
