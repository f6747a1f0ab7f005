/*
 * clock: the monotonic time every event loop of the suite keeps its
 * deadlines in, in milliseconds.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

int64_t	now_ms(void);

#endif
