/* Handshake layers over the socket machinery (see layer.h). */
#include "xio/layer.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/text_size.h"

static void inner_deliver(struct xio_open *inner, struct endpoint *ep, int status);

static void inner_stop(struct layer *L)
{
	if (L->inner_layered)
		layer_stop(&L->inner);
	else
		sk_stop(&L->inner);
}

static void inner_resume(struct layer *L)
{
	if (L->inner_layered)
		layer_resume(&L->inner);
	else
		sk_resume(&L->inner);
}
static void conn_kick_cb(struct loop *lp, void *arg);

struct layer *layer_new(struct xio_open *op, const struct layer_vt *vt, void *cfg)
{
	struct layer *L = calloc(1, sizeof *L);
	if (!L) {
		ERR("out of memory");
		if (vt->free_cfg && cfg)
			vt->free_cfg(cfg);
		return NULL;
	}
	L->op = op;
	L->vt = vt;
	L->cfg = cfg;
	L->timeout = LAYER_DEFAULT_TIMEOUT;
	double t;
	if (opt_take_time(&op->opts, OPT_HANDSHAKE_TIMEOUT, &t))
		L->timeout = t;
	L->inner = *op;
	L->inner.deliver = inner_deliver;
	L->inner.arg = L;
	L->inner.priv = NULL;
	L->inner.multi = false;
	/* the transport takes the remaining options (and reports the unused ones) */
	op->opts = (struct opt_list){ 0 };
	return L;
}

static void layer_free(struct layer *L)
{
	struct xio_open *op = L->op;
	bool child = op->is_child_session;
	if (L->inner.priv) {
		L->inner.is_child_session = child;
		inner_stop(L);
	}
	while (L->conns) {
		struct lconn *c = L->conns;
		L->conns = c->next;
		if (child) {
			/* the loop closed these fds and forgot the timers in the new process */
			if (c->ep)
				c->ep->rfd = c->ep->wfd = -1;
		} else {
			if (c->events)
				loop_del_fd(op->loop, c->fd);
			if (c->timer)
				loop_timer_cancel(op->loop, c->timer);
			if (c->ltimer)
				loop_timer_cancel(op->loop, c->ltimer);
			if (c->kicked)
				loop_defer_cancel(op->loop, conn_kick_cb, c);
		}
		if (L->vt->drop && c->st)
			L->vt->drop(c);
		if (c->ep)
			endpoint_close(c->ep);
		free(c);
	}
	if (L->retry_timer && !child)
		loop_timer_cancel(op->loop, L->retry_timer);
	/* its thread finishes on its own; lookup_done will not be called */
	resolve_cancel(L->lookup);
	sa_list_free(&L->looked_up);
	opt_list_free(&L->saved_opts);
	opt_list_free(&L->inner.opts);
	if (L->vt->free_cfg && L->cfg)
		L->vt->free_cfg(L->cfg);
	if (op->priv == L)
		op->priv = NULL;
	free(L);
}

void layer_discard(struct layer *L)
{
	layer_free(L);
}

static void sync_active(struct layer *L)
{
	L->inner.active = L->op->active + L->inflight;
}

void layer_retry_failed_handshakes(struct layer *L)
{
	L->client = true;
}

int layer_run(struct layer *L, int (*inner_open)(struct xio_open *inner, void *arg), void *arg)
{
	struct xio_open *op = L->op;
	op->priv = L;
	sync_active(L);
	L->inner_open = inner_open;
	L->inner_arg = arg;
	L->interval = 1.0;
	if (opt_list_copy(&L->inner.opts, &L->saved_opts) == 0) {
		const struct opt_value *v;
		if ((v = opt_peek(&L->saved_opts, OPT_RETRY)))
			L->retries = v->i;
		if ((v = opt_peek(&L->saved_opts, OPT_FOREVER)))
			L->forever = v->has_value ? v->i != 0 : true;
		if ((v = opt_peek(&L->saved_opts, OPT_INTERVAL)))
			L->interval = v->d;
	}
	int rc = inner_open(&L->inner, arg);
	if (rc < 0) {
		layer_free(L);
		return -1;
	}
	op->multi = L->inner.multi;
	op->needs_process = L->inner.needs_process;
	op->max_children = L->inner.max_children;
	return 0;
}

static const char *op_name(const struct layer *L)
{
	return L->op->typed ? L->op->typed : L->op->h->name;
}

const char *layer_name(const struct lconn *c)
{
	return op_name(c->L);
}

/* ---- per connection ---- */

static void conn_unlink(struct lconn *c)
{
	struct layer *L = c->L;
	struct loop *lp = L->op->loop;
	if (c->events)
		loop_del_fd(lp, c->fd);
	c->events = 0;
	if (c->timer)
		loop_timer_cancel(lp, c->timer);
	if (c->ltimer)
		loop_timer_cancel(lp, c->ltimer);
	c->timer = c->ltimer = NULL;
	if (c->kicked)
		loop_defer_cancel(lp, conn_kick_cb, c);
	c->kicked = c->awaits_lookup = false;
	if (c->prev)
		c->prev->next = c->next;
	else
		L->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	L->inflight--;
}

/* The transport stopped delivering and no handshake is left: tell the runner. */
static void maybe_done(struct layer *L)
{
	if (!L->inner_done || L->inflight > 0 || L->depth > 0)
		return;
	struct xio_open *op = L->op;
	op->multi = true;
	layer_free(L);
	op->deliver(op, NULL, 0);
}

static void retry_cb(struct loop *lp, void *arg)
{
	(void)lp;
	struct layer *L = arg;
	struct xio_open *op = L->op;
	L->retry_timer = NULL;
	opt_list_free(&L->inner.opts);
	if (opt_list_copy(&L->saved_opts, &L->inner.opts) < 0) {
		ERR("out of memory");
		layer_free(L);
		op->deliver(op, NULL, 1);
		return;
	}
	/* the transport's own connect retries come out of what is left */
	struct opt_value *v = opt_peek(&L->inner.opts, OPT_RETRY);
	if (v)
		v->i = L->retries;
	L->inner_done = false;
	if (L->inner_open(&L->inner, L->inner_arg) < 0) {
		layer_free(L);
		op->deliver(op, NULL, 1);
	}
}

/* A client's handshake failed (logged): open again after interval while retry=/forever
 * allow it. Returns false when the failure is final. */
static bool retry_later(struct layer *L)
{
	if (!L->client || L->inner.multi || L->dead || L->op->is_child_session || (!L->forever && L->retries <= 0))
		return false;
	if (!L->forever)
		L->retries--;
	logmsg(LOG_N, "%s: trying again in %g s%s", op_name(L), L->interval,
	       L->forever ? "" : L->retries == 0 ? " (last try)" : "");
	L->retry_timer = loop_timer_add(L->op->loop, L->interval, retry_cb, L);
	return L->retry_timer != NULL;
}

static void conn_fail(struct lconn *c)
{
	struct layer *L = c->L;
	conn_unlink(c);
	if (L->vt->drop && c->st)
		L->vt->drop(c);
	if (c->ep)
		endpoint_close(c->ep);
	free(c);
	if (!L->inner.multi && retry_later(L))
		return;
	if (!L->inner.multi) {
		struct xio_open *op = L->op;
		layer_free(L);
		op->deliver(op, NULL, 1);
		return;
	}
	sync_active(L);
	if (L->inner.priv)
		inner_resume(L);
	maybe_done(L);
}

static void conn_done(struct lconn *c)
{
	struct layer *L = c->L;
	struct xio_open *op = L->op;
	conn_unlink(c);
	struct endpoint *ep = c->ep;
	c->ep = NULL;
	if (L->vt->drop && c->st)
		L->vt->drop(c);
	free(c);
	if (!L->inner.multi) {
		layer_free(L);
		op->deliver(op, ep, 0);
		return;
	}
	L->depth++;
	op->deliver(op, ep, 0);
	L->depth--;
	if (L->dead || op->is_child_session) {
		/* stopped meanwhile, or this is a per-connection process now (classic fork) */
		layer_free(L);
		return;
	}
	sync_active(L);
	maybe_done(L);
}

static void conn_io(struct loop *lp, int fd, uint32_t events, void *arg);

static void apply_step(struct lconn *c, enum lstep r)
{
	struct loop *lp = c->L->op->loop;
	uint32_t want = 0;
	switch (r) {
	case LSTEP_DONE:
		conn_done(c);
		return;
	case LSTEP_FAIL:
		conn_fail(c);
		return;
	case LSTEP_READ:
		want = LOOP_IN;
		break;
	case LSTEP_WRITE:
		want = LOOP_OUT;
		break;
	case LSTEP_BOTH:
		want = LOOP_IN | LOOP_OUT;
		break;
	case LSTEP_WAIT:
		want = 0;
		break;
	}
	if (want == c->events)
		return;
	if (!want) {
		loop_del_fd(lp, c->fd);
		c->events = 0;
		return;
	}
	if (c->events)
		loop_mod_fd(lp, c->fd, want);
	else
		loop_add_fd(lp, c->fd, want, conn_io, c);
	c->events = want;
}

static void conn_io(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct lconn *c = arg;
	(void)lp;
	(void)fd;
	apply_step(c, c->L->vt->step(c, events));
}

static int conn_register(struct lconn *c, uint32_t want)
{
	if (loop_add_fd(c->L->op->loop, c->fd, want, conn_io, c) < 0)
		return -1;
	c->events = want;
	return 0;
}

static void conn_timeout(struct loop *lp, void *arg)
{
	struct lconn *c = arg;
	(void)lp;
	c->timer = NULL;
	struct layer *L = c->L;
	ERR("%s: %s with %s timed out after %g s (raise it with handshake-timeout=SECONDS)", layer_name(c),
	    L->vt->what, c->peer, L->timeout);
	conn_fail(c);
}

static void conn_ltimer(struct loop *lp, void *arg)
{
	struct lconn *c = arg;
	(void)lp;
	c->ltimer = NULL;
	apply_step(c, c->L->vt->step(c, 0));
}

void layer_conn_timer(struct lconn *c, double seconds)
{
	struct loop *lp = c->L->op->loop;
	if (c->ltimer)
		loop_timer_cancel(lp, c->ltimer);
	c->ltimer = seconds > 0 ? loop_timer_add(lp, seconds, conn_ltimer, c) : NULL;
}

static void inner_deliver(struct xio_open *inner, struct endpoint *ep, int status)
{
	struct layer *L = inner->arg;
	struct xio_open *op = L->op;
	if (!ep) {
		if (!inner->multi || status != 0) {
			/* the transport failed (its error was logged) */
			op->multi = inner->multi;
			layer_free(L);
			op->deliver(op, NULL, status ? status : 1);
			return;
		}
		L->inner_done = true;
		maybe_done(L);
		return;
	}
	struct lconn *c = calloc(1, sizeof *c);
	if (!c) {
		ERR("out of memory");
		endpoint_close(ep);
		if (!inner->multi) {
			layer_free(L);
			op->deliver(op, NULL, 1);
		}
		return;
	}
	c->L = L;
	c->ep = ep;
	c->fd = ep->rfd >= 0 ? ep->rfd : ep->wfd;
	c->started = loop_now();
	if (!sa_peer_text(c->fd, "", c->peer, sizeof c->peer))
		snprintf(c->peer, sizeof c->peer, "the peer");
	c->next = L->conns;
	if (L->conns)
		L->conns->prev = c;
	L->conns = c;
	L->inflight++;
	sync_active(L);
	if (L->vt->begin(c) < 0) {
		conn_fail(c);
		return;
	}
	if (L->timeout > 0)
		c->timer = loop_timer_add(op->loop, L->timeout, conn_timeout, c);
	/* the first step runs from the loop (never inside the transport's own call chain) */
	if (conn_register(c, LOOP_IN | LOOP_OUT) < 0) {
		ERR("%s: cannot watch fd %d: %s", layer_name(c), c->fd, strerror(errno));
		conn_fail(c);
	}
}

void layer_stop(struct xio_open *op)
{
	struct layer *L = op->priv;
	if (!L)
		return;
	if (L->depth > 0) {
		L->dead = true;
		if (L->inner.priv)
			inner_stop(L);
		return;
	}
	layer_free(L);
}

void layer_resume(struct xio_open *op)
{
	struct layer *L = op->priv;
	if (!L || L->dead)
		return;
	sync_active(L);
	if (L->inner.priv)
		inner_resume(L);
}

static void conn_kick_cb(struct loop *lp, void *arg)
{
	struct lconn *c = arg;
	(void)lp;
	c->kicked = false;
	apply_step(c, c->L->vt->step(c, 0));
}

void layer_conn_kick(struct lconn *c)
{
	if (c->kicked)
		return;
	c->kicked = true;
	loop_defer(c->L->op->loop, conn_kick_cb, c);
}

/* ---- a name the handshake needs ---- */

static void lookup_done(void *arg, struct sa_list *addrs, const char *err)
{
	struct layer *L = arg;
	L->lookup = NULL;
	if (!addrs) {
		/* fail the open as a failed lookup in place would have: no retry, whatever the
		 * transport and the handshakes are up to */
		struct xio_open *op = L->op;
		L->lookup_failed(L, err);
		layer_free(L);
		op->deliver(op, NULL, 1);
		return;
	}
	L->looked_up = *addrs;
	for (struct lconn *c = L->conns; c; c = c->next)
		if (c->awaits_lookup) {
			c->awaits_lookup = false;
			layer_conn_kick(c);
		}
}

int layer_lookup_start(struct layer *L, const struct resolve_query *q,
		       void (*failed)(struct layer *L, const char *err))
{
	L->lookup_failed = failed;
	L->lookup = resolve_start(L->op->loop, q, lookup_done, L);
	if (L->lookup)
		return 0;
	/* no thread to be had: look it up here */
	char err[ERROR_TEXT_SIZE];
	if (resolve_now(q, &L->looked_up, err, sizeof err) < 0) {
		failed(L, err);
		return -1;
	}
	return 0;
}

bool layer_lookup_ready(struct lconn *c, const struct sa_list **addrs)
{
	if (c->L->lookup) {
		c->awaits_lookup = true;
		return false;
	}
	*addrs = &c->L->looked_up;
	return true;
}

void layer_conn_untimed(struct lconn *c)
{
	if (c->timer)
		loop_timer_cancel(c->L->op->loop, c->timer);
	c->timer = NULL;
}

int layer_tcp_connect(struct xio_open *inner, const char *host, const char *port)
{
	int fam = sk_ip_family(inner, XARG_FAM(inner->h->arg));
	if (fam < 0)
		return -1;
	struct sk_req rq;
	sk_req_init(&rq, SK_CONNECT, fam, SOCK_STREAM, IPPROTO_TCP);
	rq.proto_name = "tcp";
	if (sk_req_set_peers(inner, &rq, host, port) < 0)
		return -1;
	return sk_open(inner, &rq);
}
