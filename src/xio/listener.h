/* The life cycle of an open that may deliver later, from the loop, and of a listener that
 * delivers in a loop (socket.c, posixmq.c). A failure inside the open call is returned from it
 * (-1), later ones go to op->deliver; a delivery may free the state under its caller (the
 * runner stopped the address, a process serves the session), which the guards report.
 * The family embeds a struct listener_life in its state and fills it with listener_init. */
#ifndef DUCT_XIO_LISTENER_H
#define DUCT_XIO_LISTENER_H

#include <stdbool.h>

#include "xio/free_guard.h"
#include "xio/xio.h"

struct listener_life {
	struct xio_open *op;
	void *state;                 /* the family's state, which embeds this */
	void (*destroy)(void *state); /* close everything and free the state */
	bool in_open;                /* inside the open call */
	bool sync_failed;            /* ... and it failed: the call returns -1 */
	struct guard *guards;        /* callers on the stack that must learn when the state is freed */
};

void listener_init(struct listener_life *l, struct xio_open *op, void *state, void (*destroy)(void *state));
/* The open call: op->priv is the state, attempt(state) starts the open. Returns -1 when it
 * failed meanwhile (the state is destroyed then), else 0: delivered already (the state and op
 * may be gone), or going on in the loop. */
int listener_open(struct listener_life *l, void (*attempt)(void *state));
/* The open failed for good (logged): report it, through listener_open's return or op->deliver.
 * Nothing may touch the state or op afterwards. */
void listener_fail(struct listener_life *l, int status);
/* Deliver ep as the one and last: the state is destroyed first. */
void listener_deliver_last(struct listener_life *l, struct endpoint *ep);
/* Deliver ep and go on listening: false when the state was freed meanwhile. */
bool listener_deliver_more(struct listener_life *l, struct endpoint *ep);
/* The state is being freed: every caller on the stack learns it. */
void listener_freed(struct listener_life *l);

#endif
