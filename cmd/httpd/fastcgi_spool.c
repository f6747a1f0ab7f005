/*
 * fastcgi_spool: a chunked request body is collected whole before the
 * request goes to the responder, so that CONTENT_LENGTH can be sent.
 * RFC 3875 asks for it whenever there is a body, and PHP reads none
 * without it: php://input would be empty, the body silently lost.  nginx
 * does the same.
 *
 * The first FCGI_SPOOL_MEM bytes are held in memory, allocated when such
 * a body comes and freed with the request.  A longer body moves to a file
 * without a name (O_TMPFILE: no other process can open it, and it is
 * gone when closed, whatever happens to the worker) in FCGI_SPOOL_DIR,
 * which the worker opened before its sandbox and may write in.  The total
 * is bounded by `connection max request body`: 413 past it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "worker.h"

void
fcgi_spool_free(struct fcgi_req *fr)
{
	free(fr->spool_mem);
	fr->spool_mem = NULL;
	if (fr->spool_fd != -1)
		(void)close(fr->spool_fd);
	fr->spool_fd = -1;
}

/* Memory is full: the body so far goes to a new unnamed file. */
static bool
spill(struct worker *w, struct fcgi_req *fr)
{
	size_t off = 0;
	ssize_t n;

	fr->spool_fd = openat(w->spool_dirfd, ".", O_TMPFILE | O_RDWR |
	    O_CLOEXEC, 0600);
	if (fr->spool_fd == -1)
		return false;
	while (off < fr->body_total) {
		n = write(fr->spool_fd, fr->spool_mem + off,
		    (size_t)fr->body_total - off);
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	free(fr->spool_mem);
	fr->spool_mem = NULL;
	return true;
}

/* Append len bytes of body; false on a file error (errno). */
static bool
spool_add(struct worker *w, struct fcgi_req *fr, const char *p, size_t len)
{
	ssize_t n;

	if (fr->spool_fd == -1 && fr->body_total + len <= FCGI_SPOOL_MEM) {
		memcpy(fr->spool_mem + fr->body_total, p, len);
		return true;
	}
	if (fr->spool_fd == -1 && !spill(w, fr))
		return false;
	while (len > 0) {
		if ((n = write(fr->spool_fd, p, len)) <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The body is whole: its length, then the responder. */
static bool
spool_done(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	fcgi_params_length(fr, fr->body_total);
	fr->spool = SPOOL_REPLAY;
	fr->spool_sent = 0;
	if ((fr->up = upstream_get(&w->fcgi_pool, &fr->target->up, c,
	    false)) == NULL) {
		fcgi_fail(w, c, HTTP_STATUS_BAD_GATEWAY, strerror(errno));
		return false;
	}
	return true;
}

/*
 * Decode what the client sent after the head into the spool.  The head
 * stays at c->in[0..head_len) (the access log points into it); what
 * follows the body (a pipelined request) moves down.
 */
bool
fcgi_spool_fill(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	uint64_t max = (uint64_t)c->log.server->connection.max_request_body;
	enum http_chunked_result res = HTTP_CHUNKED_MORE;
	char *body = c->in + fr->head_len;
	size_t avail, used, len;

	if (fr->spool_mem == NULL && fr->spool_fd == -1 &&
	    (fr->spool_mem = malloc(FCGI_SPOOL_MEM)) == NULL) {
		fcgi_fail(w, c, HTTP_STATUS_INTERNAL_ERROR,
		    "no memory for the request body");
		return false;
	}
	while (res == HTTP_CHUNKED_MORE && c->inlen > fr->head_len) {
		avail = c->inlen - fr->head_len;
		res = http_chunked_decode(&fr->ch, body, avail, &used, &len);
		if (res == HTTP_CHUNKED_ERROR) {
			fcgi_fail(w, c, HTTP_STATUS_BAD_REQUEST,
			    "malformed chunked body");
			return false;
		}
		if (len > max - fr->body_total) {
			fcgi_fail(w, c, HTTP_STATUS_CONTENT_TOO_LARGE,
			    "request body too large");
			return false;
		}
		if (!spool_add(w, fr, body, len)) {
			fcgi_fail(w, c, HTTP_STATUS_INTERNAL_ERROR,
			    strerror(errno));
			return false;
		}
		fr->body_total += len;
		memmove(body, body + used, avail - used);
		c->inlen -= used;
		/* A client still sending is not idle. */
		if (used > 0)
			c->deadline = w->loop.now +
			    c->log.server->connection.timeout * 1000;
	}
	return res == HTTP_CHUNKED_MORE || spool_done(w, c, fr);
}

/* The collected body as STDIN records, as far as they fit in out. */
bool
fcgi_spool_replay(struct worker *w, struct conn *c, struct fcgi_req *fr)
{
	uint8_t *dst;
	size_t room, n;
	ssize_t got;

	while (!fr->body_done && (room = fcgi_stdin_room(fr)) > 0) {
		n = fr->body_total - fr->spool_sent < room ?
		    (size_t)(fr->body_total - fr->spool_sent) : room;
		dst = fr->out + fr->olen + FCGI_HEADER_LEN;
		if (n > 0 && fr->spool_fd == -1)
			memcpy(dst, fr->spool_mem + fr->spool_sent, n);
		else if (n > 0) {
			got = pread(fr->spool_fd, dst, n, (off_t)fr->spool_sent);
			if (got <= 0) {
				fcgi_fail(w, c, HTTP_STATUS_INTERNAL_ERROR,
				    got == 0 ? "request body file shrank" :
				    strerror(errno));
				return false;
			}
			n = (size_t)got;
		}
		if (n > 0)
			fr->olen += fcgi_seal_record(fr->out + fr->olen,
			    sizeof(fr->out) - fr->olen, FCGI_STDIN,
			    FCGI_REQUEST_ID, n);
		fr->spool_sent += n;
		if (fr->spool_sent == fr->body_total) {
			fr->olen += fcgi_put_record(fr->out + fr->olen,
			    sizeof(fr->out) - fr->olen, FCGI_STDIN,
			    FCGI_REQUEST_ID, NULL, 0);
			fr->body_done = true;
			fcgi_spool_free(fr);
		}
	}
	return true;
}
