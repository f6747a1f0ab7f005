#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/hex.h"
#include "base/strbuf.h"
#include "http/http_date.h"
#include "http/http_log.h"

/*
 * %Y is printed with four digits, as strftime does for these years;
 * outside them a clock is broken and the line would not parse anyway.
 * No real zone is more than 26 hours from UTC.
 */
static const long GMTOFF_MAX = 26 * 3600;

/* strftime's %b in the C locale: the log must not depend on LC_TIME. */
static const char MONTHS[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* printf's %03d: a minus sign, then at least three digits. */
static void
put_status(struct strbuf *l, int status)
{
	if (status < 0) {
		strbuf_puts(l, "-");
		strbuf_putnum(l, (uint64_t)-(int64_t)status, 2);
	} else
		strbuf_putnum(l, (uint64_t)status, 3);
}

/* Printable ASCII (isgraph in the C locale) or space: copied as is. */
static bool
visible(unsigned char c)
{
	return c >= ' ' && c <= '~';
}

/* The last character of vis(3)'s \M-x, \^X or \M^X form of c. */
static char
vis_last(unsigned char c)
{
	c &= 0x7f;
	if (c == 0x7f)
		return '?';
	return (char)(c < ' ' ? c + '@' : c);
}

/* 0xA2 (\M-"), 0xDC (\M-\), 0x1C (\^\) and 0x9C (\M^\). */
static bool
quote_like(unsigned char c)
{
	return vis_last(c) == '"' || vis_last(c) == '\\';
}

/*
 * One byte as vis(3) encodes it with VIS_NL|VIS_TAB|VIS_CSTYLE|VIS_DQ.
 * The string is NUL-terminated, so '\0' (VIS_CSTYLE's \0) never comes.
 */
static void
put_vis_byte(struct strbuf *l, unsigned char c)
{
	static const char cstyle[] = "\n\r\b\a\v\t\f", cnames[] = "nrbavtf";
	const char *p;
	char e[5];
	size_t n = 0;

	if (visible(c)) {
		if (c == '\\' || c == '"')
			e[n++] = '\\';
		e[n++] = (char)c;
	} else if (c != '\0' && (p = strchr(cstyle, c)) != NULL) {
		e[n++] = '\\';
		e[n++] = cnames[p - cstyle];
	} else if ((c & 0x7f) == ' ' || quote_like(c)) {
		/*
		 * 0xA0, meta-space: vis(3) writes it in octal.  So do we
		 * where its \M-x, \^X or \M^X form would end in '"' or '\',
		 * which a reader would take as ending the quoted field.
		 */
		e[n++] = '\\';
		e[n++] = (char)('0' + (c >> 6));
		e[n++] = (char)('0' + (c >> 3 & 7));
		e[n++] = (char)('0' + (c & 7));
	} else {
		e[n++] = '\\';
		if (c & 0x80)
			e[n++] = 'M';
		c &= 0x7f;
		e[n++] = (c < ' ' || c == 0x7f) ? '^' : '-';
		e[n++] = vis_last(c);
	}
	strbuf_put(l, e, n);
}

/* stravis() of s; NULL writes dflt instead. */
static void
put_vis(struct strbuf *l, const char *s, const char *dflt)
{
	if (s == NULL) {
		strbuf_puts(l, dflt);
		return;
	}
	for (; *s != '\0' && !l->full; s++)
		put_vis_byte(l, (unsigned char)*s);
}

/*
 * Which bytes the percent-encoder keeps.  In a query, all but what would
 * break the line or the quoted request; in a path, OpenBSD's url_encode()
 * set.  Both encode '\': raw, it would read as escaping the closing quote.
 */
static bool
query_keeps(unsigned char c)
{
	return c > 0x1f && c < 0x7f && c != ' ' && c != '#' && c != '"' &&
	    c != '\\';
}

static bool
path_keeps(unsigned char c)
{
	return query_keeps(c) && c != '%' && c != '?' && c != '&' && c != '<';
}

/* strftime's "%d/%b/%Y:%H:%M:%S %z" for local time t + gmtoff. */
static bool
put_time(struct strbuf *l, int64_t t, long gmtoff)
{
	struct http_civil c;
	long off;

	if (gmtoff > GMTOFF_MAX || gmtoff < -GMTOFF_MAX ||
	    t > HTTP_CIVIL_MAX - gmtoff || t < HTTP_CIVIL_MIN - gmtoff)
		return false;
	http_civil_time(t + gmtoff, &c);
	strbuf_putnum(l, c.day, 2);
	strbuf_puts(l, "/");
	strbuf_puts(l, MONTHS[c.month - 1]);
	strbuf_puts(l, "/");
	strbuf_putnum(l, (uint64_t)c.year, 4);
	strbuf_puts(l, ":");
	strbuf_putnum(l, c.hour, 2);
	strbuf_puts(l, ":");
	strbuf_putnum(l, c.minute, 2);
	strbuf_puts(l, ":");
	strbuf_putnum(l, c.second, 2);
	/* %z truncates seconds of an offset, as strftime does. */
	off = gmtoff < 0 ? -gmtoff : gmtoff;
	strbuf_puts(l, gmtoff < 0 ? " -" : " +");
	strbuf_putnum(l, (uint64_t)(off / 3600), 2);
	strbuf_putnum(l, (uint64_t)(off % 3600 / 60), 2);
	return true;
}

/* `name addr - user [time] "METHOD path?query VERSION" 200 1234` */
static bool
put_common(struct strbuf *l, const struct http_log_entry *e)
{
	put_vis(l, e->server_name, "");
	strbuf_puts(l, " ");
	put_vis(l, e->client_addr, "");
	strbuf_puts(l, " - ");
	put_vis(l, e->remote_user, "-");
	strbuf_puts(l, " [");
	if (!put_time(l, e->time, e->gmtoff))
		return false;
	strbuf_puts(l, "] \"");
	put_vis(l, e->method, "");
	strbuf_puts(l, " ");
	if (e->path != NULL)
		hex_pct_encode(l, e->path, e->path_len, path_keeps);
	if (e->query != NULL) {
		strbuf_puts(l, "?");
		hex_pct_encode(l, e->query, e->query_len, query_keeps);
	}
	if (e->version != NULL) {
		strbuf_puts(l, " ");
		put_vis(l, e->version, "");
	}
	strbuf_puts(l, "\" ");
	put_status(l, e->status);
	strbuf_puts(l, " ");
	strbuf_putnum(l, e->bytes, 1);
	return true;
}

/* ` "referer" "agent"`; absent headers are "" as in OpenBSD. */
static void
put_combined(struct strbuf *l, const struct http_log_entry *e)
{
	strbuf_puts(l, " \"");
	if (e->referer != NULL)
		hex_pct_encode(l, e->referer, strlen(e->referer),
		    path_keeps);
	strbuf_puts(l, "\" \"");
	put_vis(l, e->user_agent, "");
	strbuf_puts(l, "\"");
}

/* ` xff xfp`, unquoted, "-" when absent. */
static void
put_forwarded(struct strbuf *l, const struct http_log_entry *e)
{
	strbuf_puts(l, " ");
	put_vis(l, e->forwarded_for, "-");
	strbuf_puts(l, " ");
	put_vis(l, e->forwarded_port, "-");
}

/*
 * `server NAME, client ID (N active), ADDR:PORT -> LOCAL, DONE[,REQS]`.
 * The request list comes from http_log_conn_path(), already encoded;
 * anything else in it that is not printable is still vis-encoded.
 */
static void
put_connection(struct strbuf *l, const struct http_log_entry *e)
{
	const char *r;

	strbuf_puts(l, "server ");
	put_vis(l, e->server_name, "");
	strbuf_puts(l, ", client ");
	strbuf_putnum(l, e->conn_id, 1);
	strbuf_puts(l, " (");
	strbuf_putnum(l, e->conn_active, 1);
	strbuf_puts(l, " active), ");
	put_vis(l, e->client_addr, "");
	strbuf_puts(l, ":");
	strbuf_putnum(l, e->client_port, 1);
	strbuf_puts(l, " -> ");
	put_vis(l, e->local_addr, "");
	strbuf_puts(l, ", ");
	put_vis(l, e->done, "");
	if (e->requests == NULL || e->requests[0] == '\0')
		return;
	strbuf_puts(l, ",");
	for (r = e->requests; *r != '\0' && !l->full; r++) {
		if (visible((unsigned char)*r) && *r != '"' && *r != '\\')
			strbuf_put(l, r, 1);
		else
			put_vis_byte(l, (unsigned char)*r);
	}
}

size_t
http_log_format(char *out, size_t size, enum http_log_style style,
    const struct http_log_entry *e)
{
	struct strbuf l;

	if (size == 0 || e == NULL)
		return 0;
	strbuf_init(&l, out, size);
	switch (style) {
	case HTTP_LOG_COMMON:
	case HTTP_LOG_COMBINED:
	case HTTP_LOG_FORWARDED:
		if (!put_common(&l, e))
			l.full = true;
		if (style != HTTP_LOG_COMMON)
			put_combined(&l, e);
		if (style == HTTP_LOG_FORWARDED)
			put_forwarded(&l, e);
		break;
	case HTTP_LOG_CONNECTION:
		put_connection(&l, e);
		break;
	default:
		l.full = true;
		break;
	}
	strbuf_puts(&l, "\n");
	/* A cut line would look whole to whoever reads the log. */
	if (l.full) {
		out[0] = '\0';
		return 0;
	}
	return l.len;
}

size_t
http_log_conn_path(char *buf, size_t size, size_t len, const char *path,
    size_t path_len)
{
	struct strbuf l = { buf, size, len, false };

	if (len >= size)
		return (size_t)-1;
	strbuf_puts(&l, " [");
	if (path != NULL)
		hex_pct_encode(&l, path, path_len, path_keeps);
	strbuf_puts(&l, "]");
	if (l.full) {
		buf[len] = '\0';
		return (size_t)-1;
	}
	return l.len;
}
