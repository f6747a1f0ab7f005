#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http_log.h"

/*
 * %Y is printed with four digits, as strftime does for these years;
 * outside them a clock is broken and the line would not parse anyway.
 * No real zone is more than 26 hours from UTC.
 */
static const int64_t TIME_MIN = -62167219200;	/* 0000-01-01T00:00:00 */
static const int64_t TIME_MAX = 253402300799;	/* 9999-12-31T23:59:59 */
static const long GMTOFF_MAX = 26 * 3600;

/* strftime's %b in the C locale: the log must not depend on LC_TIME. */
static const char MONTHS[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/*
 * Which bytes a percent-encoder changes.  PATH is OpenBSD's url_encode()
 * set; QUERY only what would break the line or the quoted request.  Both
 * add '\': raw, it would read as escaping the closing quote.
 */
enum pct_set { PCT_PATH, PCT_QUERY };

/* A bounded writer: once something does not fit, `full` sticks. */
struct line {
	char	*buf;
	size_t	 size;
	size_t	 len;
	bool	 full;
};

/* Append s[0..n), keeping room for the NUL. */
static void
put(struct line *l, const char *s, size_t n)
{
	if (l->full || n >= l->size - l->len) {
		l->full = true;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static void
put_str(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/* Append v in decimal, zero-padded to at least width digits. */
static void
put_num(struct line *l, uint64_t v, size_t width)
{
	char digits[20];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && i > 0);
	while (sizeof(digits) - i < width && i > 0)
		digits[--i] = '0';
	put(l, digits + i, sizeof(digits) - i);
}

/* printf's %03d: a minus sign, then at least three digits. */
static void
put_status(struct line *l, int status)
{
	if (status < 0) {
		put_str(l, "-");
		put_num(l, (uint64_t)-(int64_t)status, 2);
	} else
		put_num(l, (uint64_t)status, 3);
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
put_vis_byte(struct line *l, unsigned char c)
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
	put(l, e, n);
}

/* stravis() of s; NULL writes dflt instead. */
static void
put_vis(struct line *l, const char *s, const char *dflt)
{
	if (s == NULL) {
		put_str(l, dflt);
		return;
	}
	for (; *s != '\0' && !l->full; s++)
		put_vis_byte(l, (unsigned char)*s);
}

static bool
pct_needed(unsigned char c, enum pct_set set)
{
	if (c <= 0x1f || c >= 0x7f || c == ' ' || c == '#' || c == '"' ||
	    c == '\\')
		return true;
	return set == PCT_PATH && (c == '%' || c == '?' || c == '&' ||
	    c == '<');
}

/* Percent-encode s[0..n); a NUL in the middle is encoded, not an end. */
static void
put_pct(struct line *l, const char *s, size_t n, enum pct_set set)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	char e[3];
	size_t i;

	for (i = 0; i < n && !l->full; i++) {
		c = (unsigned char)s[i];
		if (!pct_needed(c, set)) {
			put(l, s + i, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 0x0f];
		put(l, e, sizeof(e));
	}
}

/*
 * Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
 * civil_from_days): no localtime_r, so no time zone file and no locale.
 */
static void
civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	days += 719468;		/* shift the epoch to 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* strftime's "%d/%b/%Y:%H:%M:%S %z" for local time t + gmtoff. */
static bool
put_time(struct line *l, int64_t t, long gmtoff)
{
	int64_t days, secs, y;
	unsigned m, d;
	long off;

	if (gmtoff > GMTOFF_MAX || gmtoff < -GMTOFF_MAX ||
	    t > TIME_MAX - gmtoff || t < TIME_MIN - gmtoff)
		return false;
	t += gmtoff;
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	put_num(l, d, 2);
	put_str(l, "/");
	put_str(l, MONTHS[m - 1]);
	put_str(l, "/");
	put_num(l, (uint64_t)y, 4);
	put_str(l, ":");
	put_num(l, (uint64_t)(secs / 3600), 2);
	put_str(l, ":");
	put_num(l, (uint64_t)(secs % 3600 / 60), 2);
	put_str(l, ":");
	put_num(l, (uint64_t)(secs % 60), 2);
	/* %z truncates seconds of an offset, as strftime does. */
	off = gmtoff < 0 ? -gmtoff : gmtoff;
	put_str(l, gmtoff < 0 ? " -" : " +");
	put_num(l, (uint64_t)(off / 3600), 2);
	put_num(l, (uint64_t)(off % 3600 / 60), 2);
	return true;
}

/* `name addr - user [time] "METHOD path?query VERSION" 200 1234` */
static bool
put_common(struct line *l, const struct http_log_entry *e)
{
	put_vis(l, e->server_name, "");
	put_str(l, " ");
	put_vis(l, e->client_addr, "");
	put_str(l, " - ");
	put_vis(l, e->remote_user, "-");
	put_str(l, " [");
	if (!put_time(l, e->time, e->gmtoff))
		return false;
	put_str(l, "] \"");
	put_vis(l, e->method, "");
	put_str(l, " ");
	if (e->path != NULL)
		put_pct(l, e->path, e->path_len, PCT_PATH);
	if (e->query != NULL) {
		put_str(l, "?");
		put_pct(l, e->query, e->query_len, PCT_QUERY);
	}
	if (e->version != NULL) {
		put_str(l, " ");
		put_vis(l, e->version, "");
	}
	put_str(l, "\" ");
	put_status(l, e->status);
	put_str(l, " ");
	put_num(l, e->bytes, 1);
	return true;
}

/* ` "referer" "agent"`; absent headers are "" as in OpenBSD. */
static void
put_combined(struct line *l, const struct http_log_entry *e)
{
	put_str(l, " \"");
	if (e->referer != NULL)
		put_pct(l, e->referer, strlen(e->referer), PCT_PATH);
	put_str(l, "\" \"");
	put_vis(l, e->user_agent, "");
	put_str(l, "\"");
}

/* ` xff xfp`, unquoted, "-" when absent. */
static void
put_forwarded(struct line *l, const struct http_log_entry *e)
{
	put_str(l, " ");
	put_vis(l, e->forwarded_for, "-");
	put_str(l, " ");
	put_vis(l, e->forwarded_port, "-");
}

/*
 * `server NAME, client ID (N active), ADDR:PORT -> LOCAL, DONE[,REQS]`.
 * The request list comes from http_log_conn_path(), already encoded;
 * anything else in it that is not printable is still vis-encoded.
 */
static void
put_connection(struct line *l, const struct http_log_entry *e)
{
	const char *r;

	put_str(l, "server ");
	put_vis(l, e->server_name, "");
	put_str(l, ", client ");
	put_num(l, e->conn_id, 1);
	put_str(l, " (");
	put_num(l, e->conn_active, 1);
	put_str(l, " active), ");
	put_vis(l, e->client_addr, "");
	put_str(l, ":");
	put_num(l, e->client_port, 1);
	put_str(l, " -> ");
	put_vis(l, e->local_addr, "");
	put_str(l, ", ");
	put_vis(l, e->done, "");
	if (e->requests == NULL || e->requests[0] == '\0')
		return;
	put_str(l, ",");
	for (r = e->requests; *r != '\0' && !l->full; r++) {
		if (visible((unsigned char)*r) && *r != '"' && *r != '\\')
			put(l, r, 1);
		else
			put_vis_byte(l, (unsigned char)*r);
	}
}

size_t
http_log_format(char *out, size_t size, enum http_log_style style,
    const struct http_log_entry *e)
{
	struct line l = { out, size, 0, false };

	if (size == 0 || e == NULL)
		return 0;
	out[0] = '\0';
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
	put_str(&l, "\n");
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
	struct line l = { buf, size, len, false };

	if (len >= size)
		return (size_t)-1;
	put_str(&l, " [");
	if (path != NULL)
		put_pct(&l, path, path_len, PCT_PATH);
	put_str(&l, "]");
	if (l.full) {
		buf[len] = '\0';
		return (size_t)-1;
	}
	return l.len;
}
