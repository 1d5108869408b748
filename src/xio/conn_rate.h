/* max-conn-rate=N on a listener: at most N connections accepted in each second; the rest wait
 * in the kernel's backlog (the listener stops watching its socket until the second is over)
 * rather than being accepted and closed. */
#ifndef DUCT_CONN_RATE_H
#define DUCT_CONN_RATE_H

#include <stdbool.h>

struct conn_rate {
	unsigned max;  /* 0: no limit */
	unsigned n;    /* accepted in the current second */
	double start;  /* when the current second began (loop_now) */
};

/* At time now: true when this second's connections are used up, with *wait the seconds
 * until the next one begins. */
bool conn_rate_full(struct conn_rate *r, double now, double *wait);
/* One connection was accepted at time now. */
void conn_rate_note(struct conn_rate *r, double now);

#endif
