/* What the runner tells those who watch a relay: it numbers the sessions (one series for the
 * listener and its per-connection processes), names their peers, counts what was accepted,
 * refused and moved, and writes the session log (--session-log): one JSON object a line. */
#ifndef DUCT_OBSERVE_H
#define DUCT_OBSERVE_H

#include "relay/endpoint.h"

struct session;

struct observe_totals {
	unsigned long long accepted, refused, active, bytes[2];
};

/* --session-log=PATH ("-": stderr). Error printed; returns -1. */
int observe_log_open(const char *path);
/* Start hearing of session ends (the close event, the byte totals). */
void observe_start(void);
/* The number of the connection a per-connection process will serve: taken in the listener
 * before the fork; observe_child_takes() in the child then uses it for its session. */
unsigned long long observe_reserve_id(void);
void observe_child_takes(unsigned long long id);
/* Session s has started between ep1 and ep2: number it, name its peer, log "open". */
void observe_started(struct session *s, const struct endpoint *ep1, const struct endpoint *ep2);
void observe_refused(void);
/* SIGUSR1: the live sessions as one "sessions" event in the log. */
void observe_log_table(void);
void observe_totals(struct observe_totals *t);

#endif
