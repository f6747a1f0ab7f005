/*
 * signals: the signals a program handles, delivered into its event loop
 * as readable bytes on a descriptor (signalfd), never to handlers that
 * interrupt it.  Shared by every program of the suite.
 */
#ifndef SIGNALS_H
#define SIGNALS_H

#include <stddef.h>

/*
 * Block the n signals of sigs and return a non-blocking signalfd that
 * reports them.  SIGPIPE is ignored: a peer gone mid-write is an EPIPE,
 * not a death.  Dies on failure.
 */
int	signals_fd(const int *sigs, size_t n);

#endif
