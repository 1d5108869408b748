/* Lingering close of stream sockets with bytes still in flight (see linger.c). */
#ifndef DUCT_LINGER_H
#define DUCT_LINGER_H

#include <signal.h>
#include <stdbool.h>

struct loop;

/* Let closes linger in this loop; a peer that reads nothing for stall_seconds (> 0; default
 * 10) loses the rest, with a warning. Until this is called, closes are immediate. */
void linger_start(struct loop *lp, double stall_seconds);
/* Called by endpoint_close_fd for a stream socket, input already read away: true when the
 * socket still has unsent bytes and now belongs to the linger list (which closes it). */
bool linger_take(int fd);
/* At exit: wait for the lingering sockets (wait) or close them now; stops lingering. A signal
 * of stop_on (may be NULL) that becomes pending ends the wait: the loop's signals are blocked
 * for its signalfd and the loop has stopped, so a C-c shows only as pending; the caller then
 * handles it. */
void linger_finish(bool wait, const sigset_t *stop_on);
/* In a forked child: forget the parent's lingering sockets (the fork closed them). */
void linger_forget(void);

#endif
