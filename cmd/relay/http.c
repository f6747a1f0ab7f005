/* http: placeholder while the HTTP relay is written. */
#include "worker.h"

void
http_start(struct worker *w, struct session *s)
{
	session_close(w, s, "http relay unfinished", true);
}
void http_event(struct worker *w, struct session *s) { (void)w; (void)s; }
void http_free(struct worker *w, struct session *s) { (void)w; (void)s; }
void http_timeout(struct worker *w, struct session *s) { session_close(w, s, "timeout", true); }
void http_drain(struct worker *w, struct session *s) { (void)w; (void)s; }
