/*
 * A program's stdout and stderr, read only while the connection's output
 * buffer has room (a slow client slows the program: back-pressure), sent
 * as FCGI_STDOUT and FCGI_STDERR records as slowcgi does; stderr is also
 * logged, one line per line, bounded and with control bytes replaced so
 * that a program cannot forge log lines.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/die.h"
#include "bridge.h"

void
output_log_flush(struct conn *c)
{
	if (c->errlen == 0)
		return;
	warnx_("%s: %.*s", c->script, (int)c->errlen, c->errline);
	c->errlen = 0;
}

static void
log_lines(struct conn *c, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			output_log_flush(c);
			continue;
		}
		c->errline[c->errlen++] = p[i] >= 0x20 && p[i] < 0x7f ?
		    (char)p[i] : '?';
		if (c->errlen == sizeof(c->errline))
			output_log_flush(c);
	}
}

void
output_read(struct bridge *b, struct conn *c, enum bridge_kind k)
{
	int *fd = k == K_STDOUT ? &c->cout : &c->cerr;
	uint8_t type = k == K_STDOUT ? FCGI_STDOUT : FCGI_STDERR;
	size_t room, max;
	ssize_t n;

	conn_compact(c);
	room = BRIDGE_OUTBUF - c->outlen;
	if (room < BRIDGE_OUT_RESERVE + 2 * FCGI_HEADER_LEN +
	    BRIDGE_OUT_MIN_READ)
		return;
	max = room - BRIDGE_OUT_RESERVE - FCGI_HEADER_LEN - FCGI_ALIGN;
	if (max > FCGI_CONTENT_MAX)
		max = FCGI_CONTENT_MAX;
	n = read(*fd, c->out + c->outlen + FCGI_HEADER_LEN, max);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close_fd(b, c, fd, k);
		output_finish(b, c);
		return;
	}
	if (type == FCGI_STDERR)
		log_lines(c, c->out + c->outlen + FCGI_HEADER_LEN, (size_t)n);
	conn_queue(c, fcgi_seal_record(c->out + c->outlen, room, type, c->id,
	    (size_t)n));
}

/*
 * Both streams at their end and the program reaped: the empty records
 * that end the streams, then END_REQUEST with its exit status.
 */
void
output_finish(struct bridge *b, struct conn *c)
{
	if (c->phase != REQ_RUNNING || c->cout != -1 || c->cerr != -1 ||
	    !c->reaped)
		return;
	output_log_flush(c);
	conn_close_fd(b, c, &c->cin, K_STDIN);
	conn_compact(c);
	conn_queue(c, fcgi_put_record(c->out + c->outlen,
	    BRIDGE_OUTBUF - c->outlen, FCGI_STDOUT, c->id, NULL, 0));
	conn_queue(c, fcgi_put_record(c->out + c->outlen,
	    BRIDGE_OUTBUF - c->outlen, FCGI_STDERR, c->id, NULL, 0));
	if (b->opt.verbose > 0)
		warnx_("connection %zu: request %u: %s: status %d",
		    conn_index(b, c), c->id, c->script, c->status);
	conn_queue_end(b, c, (uint32_t)c->status, FCGI_REQUEST_COMPLETE);
	/* Input held back for the program (or the next request) moves on. */
	c->stdin_blocked = false;
	conn_process(b, c);
}
