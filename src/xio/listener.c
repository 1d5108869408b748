/* The shared life cycle of opens that deliver later and listeners (see listener.h). */
#include "xio/listener.h"

void listener_init(struct listener_life *l, struct xio_open *op, void *state, void (*destroy)(void *state))
{
	l->op = op;
	l->state = state;
	l->destroy = destroy;
	l->in_open = l->sync_failed = false;
	l->guards = NULL;
}

int listener_open(struct listener_life *l, void (*attempt)(void *state))
{
	l->op->priv = l->state;
	l->in_open = true;
	struct guard g;
	guard_push(&l->guards, &g);
	attempt(l->state);
	/* attempt() may have delivered already and freed the state (and the runner may have freed
	 * op): touch neither then */
	if (!g.alive)
		return 0;
	guard_pop(&l->guards, &g);
	l->in_open = false;
	if (l->sync_failed) {
		l->destroy(l->state);
		return -1;
	}
	return 0;
}

void listener_fail(struct listener_life *l, int status)
{
	if (l->in_open) {
		l->sync_failed = true;
		return;
	}
	struct xio_open *op = l->op;
	l->destroy(l->state);
	op->deliver(op, NULL, status);
}

void listener_deliver_last(struct listener_life *l, struct endpoint *ep)
{
	struct xio_open *op = l->op;
	l->destroy(l->state);
	xio_finish(op, ep);
}

bool listener_deliver_more(struct listener_life *l, struct endpoint *ep)
{
	struct guard g;
	guard_push(&l->guards, &g);
	xio_finish(l->op, ep);
	if (!g.alive)
		return false;
	guard_pop(&l->guards, &g);
	return true;
}

void listener_freed(struct listener_life *l)
{
	guard_clear_all(l->guards);
	l->guards = NULL;
}
