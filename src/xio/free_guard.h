/* Guards for state that a callback may free under its caller: a caller that hands something
 * to the runner (a delivery) and goes on afterwards pushes a guard on the state's list; freeing
 * the state clears every guard on the list, so the caller learns not to touch it again.
 * Used by listener.c (the life cycle of socket.c's and posixmq.c's opens) and socket_dgram.c. */
#ifndef DUCT_XIO_FREE_GUARD_H
#define DUCT_XIO_FREE_GUARD_H

#include <stdbool.h>

struct guard {
	bool alive;
	struct guard *prev;
};

static inline void guard_push(struct guard **list, struct guard *g)
{
	g->alive = true;
	g->prev = *list;
	*list = g;
}

/* after the call: pop the guard unless the state (and the list with it) is gone */
static inline void guard_pop(struct guard **list, struct guard *g)
{
	if (g->alive)
		*list = g->prev;
}

/* the state is being freed: every caller on the list learns it */
static inline void guard_clear_all(struct guard *list)
{
	for (struct guard *g = list; g; g = g->prev)
		g->alive = false;
}

#endif
