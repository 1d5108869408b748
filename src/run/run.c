/* Execute a relay plan: open address 1; for every endpoint it delivers (one, or one per
 * connection with fork) open address 2 and start a session in the same event loop. A real
 * process per connection is made only when the address asks for one (options that change the
 * process: su, chroot, ...) or --fork-process forces socat's classic way. */
#include "run/plan.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "relay/capture.h"
#include "relay/linger.h"
#include "relay/session_info.h"
#include "run/control.h"
#include "run/fdinfo.h"
#include "run/observe.h"
#include "run/session_json.h"
#include "common/lock.h"
#include "common/text_size.h"
#include "run/sniff.h"

struct run_ctx;

/* One session being assembled: endpoint 1 is open, address 2 is opening. */
struct pending {
	struct run_ctx *rc;
	struct xio_open *origin;    /* the address-1 open that delivered ep1 */
	struct endpoint *ep1;
	struct xio_open op2[2];     /* address 2 (two halves when dual) */
	struct endpoint *half2[2];
	bool opening2;
	bool delivered2;
	/* fork on address 2: every connection it delivers is served with address 1, which stays
	 * open here (ep1) while each session gets its own copy (share_ep1) */
	bool multi2;
	bool done2;                 /* address 2 delivers no more */
	unsigned sessions2;         /* sessions and per-connection processes of address 2 alive */
	struct pending *next_shared; /* run_ctx.shared */
};

/* An address being opened, with its two halves for READ!!WRITE. */
struct bi_open {
	struct run_ctx *rc;
	struct xio_open op[2];
	struct endpoint *half[2];
	bool dual;
};

struct run_ctx {
	struct run_plan *p;
	struct loop *lp;
	struct bi_open a1;
	int status;
	bool have_status;
	unsigned sessions;          /* sessions alive in this process */
	unsigned children;          /* per-connection processes alive */
	unsigned opening;           /* sessions whose address 2 is still opening */
	bool dual[2];               /* address used as READ!!WRITE (not when -u/-U needs one half) */
	int half[2];                /* the half of a dual address opened alone under -u/-U */
	bool a1_done;               /* address 1 delivers no more */
	bool in_child;              /* this process serves one forked session */
	bool stopping;
	pid_t workers[256];
	int nworkers;
	struct pending *shared;     /* address 1 endpoints shared by address 2's connections */
};

static void maybe_finish(struct run_ctx *rc);

/* socat: under -s a failed open ends with status -1, i.e. exit code 255. */
static int open_failure_status(const struct run_ctx *rc, int status)
{
	int sig = xio_interrupted_signal(); /* a signal ended a blocking open */
	if (sig)
		return 128 + sig;
	if (rc->p->relay.sloppy)
		return 255;
	return status ? status : 1;
}

static void set_status(struct run_ctx *rc, int status)
{
	if (!rc->have_status || (status != 0 && rc->status == 0)) {
		rc->status = status;
		rc->have_status = true;
	}
}

static unsigned dir_for(const struct run_plan *p, int idx)
{
	switch (p->relay.dir) {
	case RELAY_LEFT_TO_RIGHT: return idx == 1 ? XIO_RDONLY : XIO_WRONLY;
	case RELAY_RIGHT_TO_LEFT: return idx == 1 ? XIO_WRONLY : XIO_RDONLY;
	default: return XIO_RDWR;
	}
}

/* ---- READ!!WRITE: two endpoints seen by the engine as one ---- */

struct dual_ctx {
	struct endpoint_ops ops;
	struct endpoint *h[2];
};

static ssize_t dual_read(struct endpoint *ep, void *buf, size_t len)
{
	struct dual_ctx *d = ep->ctx;
	return d->h[0]->ops->read(d->h[0], buf, len);
}

static ssize_t dual_write(struct endpoint *ep, const void *buf, size_t len)
{
	struct dual_ctx *d = ep->ctx;
	return d->h[1]->ops->write(d->h[1], buf, len);
}

static int dual_shutdown(struct endpoint *ep)
{
	struct dual_ctx *d = ep->ctx;
	return d->h[1]->ops->shutdown_write(d->h[1]);
}

static size_t dual_pending(struct endpoint *ep)
{
	struct dual_ctx *d = ep->ctx;
	return d->h[0]->ops->pending(d->h[0]);
}

static void dual_close(struct endpoint *ep)
{
	struct dual_ctx *d = ep->ctx;
	endpoint_close(d->h[0]);
	endpoint_close(d->h[1]);
	ep->rfd = ep->wfd = -1;
	ep->child = 0;
	free(d);
}

static struct endpoint *dual_merge(struct endpoint *r, struct endpoint *w)
{
	struct endpoint *ep = endpoint_new();
	struct dual_ctx *d = calloc(1, sizeof *d);
	if (!ep || !d) {
		free(d);
		if (ep)
			endpoint_close(ep);
		endpoint_close(r);
		endpoint_close(w);
		return NULL;
	}
	d->h[0] = r;
	d->h[1] = w;
	const unsigned rflags = EPF_READ | EPF_DGRAM | EPF_ONESHOT | EPF_RNOPOLL | EPF_IGNOREEOF | EPF_NULL_EOF | EPF_ISTTY |
				EPF_EOF_ENDS;
	const unsigned wflags = EPF_WRITE | EPF_WNOPOLL;
	ep->rfd = r->rfd;
	ep->wfd = w->wfd;
	/* EPF_POLLABLE for both fds when one half has it: a regular file that gets it by mistake
	 * is refused by epoll (EPERM) and then taken as always ready */
	ep->flags = (r->flags & rflags) | (w->flags & wflags) | ((r->flags | w->flags) & (EPF_NOSPLICE | EPF_POLLABLE));
	ep->shut = w->shut;
	/* the read half's terminator for input, the write half's for output */
	ep->lineterm = r->lineterm != EP_LT_RAW && r->lineterm != EP_LT_CRNL_OUT ? r->lineterm : w->lineterm;
	ep->readbytes = r->readbytes;
	ep->rate_limit = r->rate_limit;
	ep->readpackets = r->readpackets;
	ep->escape = r->escape;
	/* The engine watches one child per endpoint; the other half's child is still signalled
	 * and closed by its own endpoint_close. */
	ep->child = r->child ? r->child : w->child;
	if (r->child)
		r->child = 0;
	else
		w->child = 0;
	if (r->ops && r->ops->read)
		d->ops.read = dual_read;
	if (r->ops && r->ops->pending)
		d->ops.pending = dual_pending;
	if (w->ops && w->ops->write)
		d->ops.write = dual_write;
	if (w->ops && w->ops->shutdown_write)
		d->ops.shutdown_write = dual_shutdown;
	d->ops.close = dual_close;
	ep->ops = &d->ops;
	ep->ctx = d;
	snprintf(ep->desc, sizeof ep->desc, "%.20s!!%.20s", r->desc, w->desc);
	ep->env = r->env;
	r->env = NULL;
	return ep;
}

/* ---- sessions ---- */

static void shared_conn_ended(struct pending *pd);

static void session_done(struct session *s, int status, void *arg)
{
	struct pending *pd = arg;
	struct run_ctx *rc = pd->rc;
	(void)s;
	rc->sessions--;
	if (pd->multi2) {
		/* one of address 2's connections: as socat's parent, the listener's exit status
		 * is not the session's (a per-connection process's is) */
		if (rc->in_child)
			set_status(rc, status);
		shared_conn_ended(pd);
		return;
	}
	if (pd->origin) {
		if (pd->origin->active)
			pd->origin->active--;
		if (pd->origin->h && pd->origin->h->resume && !rc->a1_done)
			pd->origin->h->resume(pd->origin);
	}
	/* A one-shot relay ends with its session's status; a fork listener's sessions don't
	 * decide the exit status of the listener (as socat's parent). */
	if (!rc->a1.op[0].multi || rc->in_child)
		set_status(rc, status);
	for (int k = 0; k < 2; k++)
		if (pd->op2[k].h)
			xio_open_stop(&pd->op2[k]);
	free(pd);
	maybe_finish(rc);
}

/* The -r/-R names with expansions, for this session: its addresses' variables
 * (<PREFIX>_PEERADDR, ...) and one time for both names; the session owns the files.
 * Returns -1 (logged, none left open) on failure. */
static int open_session_sniffs(const struct run_plan *p, const struct endpoint *ep1, const struct endpoint *ep2,
			       struct relay_config *cfg)
{
	char **const envs[2] = { ep1->env, ep2->env };
	struct timeval now;
	gettimeofday(&now, NULL);
	for (int k = 0; k < 2; k++) {
		if (!p->sniff_name[k])
			continue;
		cfg->sniff_fd[k] = sniff_open(k ? "-R" : "-r", p->sniff_name[k], &now, envs, 2);
		if (cfg->sniff_fd[k] < 0) {
			if (k == 1 && cfg->sniff_owned[0])
				close(cfg->sniff_fd[0]);
			return -1;
		}
		cfg->sniff_owned[k] = true;
	}
	return 0;
}

static void start_session(struct pending *pd, struct endpoint *ep1, struct endpoint *ep2)
{
	struct run_ctx *rc = pd->rc;
	struct relay_config cfg = rc->p->relay;
	rc->sessions++; /* from here on it ends through session_done, started or not */
	if (open_session_sniffs(rc->p, ep1, ep2, &cfg) < 0) {
		endpoint_close(ep1);
		endpoint_close(ep2);
		session_done(NULL, 1, pd);
		return;
	}
	/* An address that turned out one-directional makes the session one-directional. */
	bool l2r = (ep1->flags & EPF_READ) && (ep2->flags & EPF_WRITE);
	bool r2l = (ep2->flags & EPF_READ) && (ep1->flags & EPF_WRITE);
	if (cfg.dir == RELAY_BOTH && l2r != r2l)
		cfg.dir = l2r ? RELAY_LEFT_TO_RIGHT : RELAY_RIGHT_TO_LEFT;
	if (rc->p->dump_fds)
		fdinfo_dump(ep1, ep2);
	if (rc->p->hooks && rc->p->hooks->opened)
		rc->p->hooks->opened(rc->p->hooks_arg, 2, ep2);
	INFO("resolved and opened all sock addresses");
	if (log_cfg()->target == LOGT_MIXED)
		log_switch_mixed(); /* -lm: syslog from the transfer on */
	struct session *s = session_start(rc->lp, &cfg, ep1, ep2, session_done, pd);
	if (!s) {
		ERR("cannot start the transfer: %s", strerror(errno));
		set_status(rc, 1);
		session_done(NULL, 1, pd);
		return;
	}
	observe_started(s, ep1, ep2);
}

static void addr2_failed(struct pending *pd, int status)
{
	struct run_ctx *rc = pd->rc;
	rc->opening--;
	if (pd->ep1)
		endpoint_close(pd->ep1);
	pd->ep1 = NULL;
	for (int k = 0; k < 2; k++) {
		if (pd->half2[k])
			endpoint_close(pd->half2[k]);
		pd->half2[k] = NULL;
		if (pd->op2[k].h)
			xio_open_stop(&pd->op2[k]);
	}
	if (pd->origin && pd->origin->active)
		pd->origin->active--;
	if (rc->p->hooks && rc->p->hooks->failed)
		rc->p->hooks->failed(rc->p->hooks_arg, 2);
	if (!rc->a1.op[0].multi || rc->in_child)
		set_status(rc, open_failure_status(rc, status));
	if (pd->origin && pd->origin->h && pd->origin->h->resume && !rc->a1_done)
		pd->origin->h->resume(pd->origin);
	free(pd);
	maybe_finish(rc);
}

/* ---- fork on the second address: address 1 shared by its connections ---- */

/* A session's copy of address 1: dups of its fds with its data-layer settings, and none of
 * what the original owns (the EXEC child, files to remove, the half-close). socat serves each
 * of address 2's connections in a process that inherits address 1 and only closes its copy
 * at the end, so the next connection finds address 1 as it was (a connected socket, the EXEC
 * child and its channel, a file and its offset). */
struct ep_copy {
	struct endpoint_ops ops;
};

static void copy_close(struct endpoint *ep)
{
	if (ep->rfd >= 0)
		close(ep->rfd);
	if (ep->wfd >= 0 && ep->wfd != ep->rfd)
		close(ep->wfd);
	ep->rfd = ep->wfd = -1;
	free(ep->ctx);
	ep->ctx = NULL;
}

/* TLS, readline, datagram replies: the state of one conversation, which a copy can't share */
static bool shareable(const struct endpoint *ep)
{
	if (ep->ops && ep->ops->close == dual_close) {
		const struct dual_ctx *d = ep->ctx;
		return shareable(d->h[0]) && shareable(d->h[1]);
	}
	return !ep->ctx;
}

/* nofork: can the program of address 2 take address 1's fds over as they are? Not when bytes
 * pass through duct's own layer (TLS, READLINE, datagram replies: write and pending hooks); a
 * read hook alone is a pty master's EIO read as EOF, and the program just sees the EIO. */
static bool bare_fds(const struct endpoint *ep)
{
	if (ep->ops && ep->ops->close == dual_close) {
		const struct dual_ctx *d = ep->ctx;
		return bare_fds(d->h[0]) && bare_fds(d->h[1]);
	}
	return !ep->ops || (!ep->ops->write && !ep->ops->pending);
}

static struct endpoint *share_ep1(const struct endpoint *orig, const char *text)
{
	if (orig->ops && orig->ops->close == dual_close) {
		const struct dual_ctx *d = orig->ctx;
		struct endpoint *r = share_ep1(d->h[0], text);
		struct endpoint *w = r ? share_ep1(d->h[1], text) : NULL;
		if (!w) {
			endpoint_close(r);
			return NULL;
		}
		return dual_merge(r, w);
	}
	struct endpoint *ep = endpoint_new();
	struct ep_copy *c = calloc(1, sizeof *c);
	if (!ep || !c) {
		ERR("out of memory");
		free(c);
		endpoint_close(ep);
		return NULL;
	}
	if (orig->ops)
		c->ops = *orig->ops;
	c->ops.shutdown_write = NULL;
	c->ops.close = copy_close;
	ep->ops = &c->ops;
	ep->ctx = c;
	ep->rfd = orig->rfd >= 0 ? fcntl(orig->rfd, F_DUPFD_CLOEXEC, 3) : -1;
	ep->wfd = orig->wfd < 0 ? -1 : orig->wfd == orig->rfd ? ep->rfd : fcntl(orig->wfd, F_DUPFD_CLOEXEC, 3);
	if ((orig->rfd >= 0 && ep->rfd < 0) || (orig->wfd >= 0 && ep->wfd < 0)) {
		ERR("address 1 (%s): fcntl(F_DUPFD_CLOEXEC): %s", text, strerror(errno));
		endpoint_close(ep);
		return NULL;
	}
	/* never half-closed (the next connection still writes to it), never signals the child */
	ep->flags = orig->flags | EPF_END_CLOSE;
	ep->shut = EP_SHUT_NONE;
	ep->lineterm = orig->lineterm;
	ep->readbytes = orig->readbytes;
	ep->rate_limit = orig->rate_limit;
	ep->readpackets = orig->readpackets;
	ep->escape = orig->escape;
	snprintf(ep->desc, sizeof ep->desc, "%s", orig->desc);
	return ep;
}

/* Address 2 delivers no more and its last session ended: address 1 is closed as a one-shot
 * relay closes it (its EXEC child gets SIGTERM unless end-close). */
static void shared_release(struct pending *pd)
{
	struct run_ctx *rc = pd->rc;
	for (struct pending **pp = &rc->shared; *pp; pp = &(*pp)->next_shared)
		if (*pp == pd) {
			*pp = pd->next_shared;
			break;
		}
	if (pd->op2[0].h)
		xio_open_stop(&pd->op2[0]);
	if (pd->ep1 && rc->in_child)
		endpoint_close_shared(pd->ep1); /* the listener's: its unread input is not ours */
	else if (pd->ep1)
		endpoint_close(pd->ep1);
	rc->opening--;
	if (pd->origin && pd->origin->active)
		pd->origin->active--;
	if (pd->origin && pd->origin->h && pd->origin->h->resume && !rc->a1_done)
		pd->origin->h->resume(pd->origin);
	free(pd);
	maybe_finish(rc);
}

/* A session or process serving one of address 2's connections ended: with max-children the
 * listener accepts again. */
static void shared_conn_ended(struct pending *pd)
{
	struct xio_open *op = &pd->op2[0];
	pd->sessions2--;
	if (op->active)
		op->active--;
	if (pd->done2 && pd->sessions2 == 0) {
		shared_release(pd);
		return;
	}
	if (!pd->done2 && op->h && op->h->resume)
		op->h->resume(op);
	maybe_finish(pd->rc);
}

static void shared_child_exited(struct loop *lp, pid_t pid, int status, void *arg)
{
	struct pending *pd = arg;
	(void)lp;
	(void)pid;
	(void)status;
	pd->rc->children--;
	shared_conn_ended(pd);
}

/* --fork-process, or address 2 changes the process (su=, chroot=...): the connection gets a
 * process of its own that inherits address 1, as in socat. Returns 0 in that child, the pid in
 * the listener (which forgets the connection), -1 on failure. */
static int fork_shared(struct pending *pd, struct xio_open *op, struct endpoint *ep2)
{
	struct run_ctx *rc = pd->rc;
	pid_t pid = fork();
	if (pid < 0) {
		ERR("fork(): %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int keep[6] = { pd->ep1->rfd, pd->ep1->wfd, ep2->rfd, ep2->wfd, rc->p->relay.sniff_fd[0],
				rc->p->relay.sniff_fd[1] };
		loop_after_fork(rc->lp, keep, 6);
		linger_forget();
		rc->in_child = true;
		rc->p->xg.session_process = true;
		rc->a1_done = true;
		pd->done2 = true;
		/* the listener's: closed here, its socket file stays */
		op->is_child_session = true;
		xio_open_stop(op);
		op->h = NULL;
		pd->ep1->child = 0; /* the listener's child: not ours to signal */
		endpoint_forget_unlinks(pd->ep1);
		if (xio_apply_process_late(op) < 0)
			_exit(1);
		return 0;
	}
	NOTE("forked off child process %ld", (long)pid);
	rc->children++;
	pd->sessions2++;
	op->active++;
	ep2->child = 0;
	ep2->flags |= EPF_RD_EOF; /* the child reads the connection */
	endpoint_forget_unlinks(ep2);
	endpoint_close_shared(ep2);
	loop_watch_child(rc->lp, pid, shared_child_exited, pd);
	return (int)pid;
}

/* Fork on address 2: each connection it delivers is served with (a copy of) address 1. */
static void serve_shared(struct pending *pd, struct xio_open *op, struct endpoint *ep2)
{
	struct run_ctx *rc = pd->rc;
	if (!pd->multi2) {
		pd->multi2 = true;
		pd->delivered2 = true;
		pd->next_shared = rc->shared;
		rc->shared = pd;
	}
	if (!pd->ep1) {
		/* an address 1 that could not be shared went to the first connection */
		ERR("address 1 (%s) keeps the state of one conversation and serves only the first connection of address 2; closing this one (remove fork from address 2, or give the forking address first)",
		    rc->p->addr_text[0]);
		endpoint_close(ep2);
		return;
	}
	if ((op->needs_process || rc->p->xg.classic_fork) && !rc->in_child) {
		int pid = fork_shared(pd, op, ep2);
		if (pid < 0)
			endpoint_close(ep2);
		if (pid != 0)
			return;
	}
	struct endpoint *ep1;
	if (shareable(pd->ep1)) {
		ep1 = share_ep1(pd->ep1, rc->p->addr_text[0]);
	} else {
		ep1 = pd->ep1; /* this session's alone, as before fork */
		pd->ep1 = NULL;
	}
	if (!ep1) {
		endpoint_close(ep2);
		if (rc->in_child)
			set_status(rc, 1);
		if (pd->done2 && pd->sessions2 == 0)
			shared_release(pd);
		return;
	}
	pd->sessions2++;
	op->active++;
	start_session(pd, ep1, ep2);
}

static int open_addr2_half(struct pending *pd, int k);

static void deliver2(struct xio_open *op, struct endpoint *ep, int status)
{
	struct pending *pd = op->arg;
	int k = op == &pd->op2[1];
	if (!ep && pd->multi2) {
		/* the fork listener stopped (accept-timeout): address 1 waits for its sessions */
		if (status != 0)
			set_status(pd->rc, open_failure_status(pd->rc, status));
		pd->done2 = true;
		if (pd->sessions2 == 0)
			shared_release(pd);
		return;
	}
	if (!ep) {
		addr2_failed(pd, status);
		return;
	}
	if (op->multi && !pd->rc->dual[1]) {
		serve_shared(pd, op, ep);
		return;
	}
	pd->half2[k] = ep;
	if (pd->rc->dual[1] && k == 0) {
		if (open_addr2_half(pd, 1) < 0)
			addr2_failed(pd, 1);
		return;
	}
	pd->delivered2 = true;
	struct endpoint *ep2 = ep;
	if (pd->rc->dual[1]) {
		ep2 = dual_merge(pd->half2[0], pd->half2[1]);
		pd->half2[0] = pd->half2[1] = NULL;
		if (!ep2) {
			addr2_failed(pd, 1);
			return;
		}
	}
	pd->half2[0] = pd->half2[1] = NULL;
	struct endpoint *ep1 = pd->ep1;
	pd->ep1 = NULL;
	pd->rc->opening--;
	start_session(pd, ep1, ep2);
}

static int open_addr2_half(struct pending *pd, int k)
{
	struct run_ctx *rc = pd->rc;
	struct run_plan *p = rc->p;
	unsigned dir = dir_for(p, 2);
	if (rc->dual[1])
		dir = k == 0 ? XIO_RDONLY : XIO_WRONLY;
	else if (!(pd->ep1->flags & EPF_WRITE) && dir == XIO_RDWR)
		dir = XIO_WRONLY;
	else if (!(pd->ep1->flags & EPF_READ) && dir == XIO_RDWR)
		dir = XIO_RDONLY;
	int h = !p->bi[1].dual ? 0 : rc->dual[1] ? k : rc->half[1];
	return xio_open_start(&pd->op2[k], &p->bi[1].half[h], dir, 2, rc->lp, &p->xg, pd->ep1, deliver2, pd);
}

/* Give ep1 its own process: the child serves this session alone; the parent forgets it. */
static int fork_session(struct run_ctx *rc, struct xio_open *origin, struct endpoint *ep1)
{
	unsigned long long id = observe_reserve_id();
	pid_t pid = fork();
	if (pid < 0) {
		ERR("fork(): %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		observe_child_takes(id);
		int keep[4] = { ep1->rfd, ep1->wfd, rc->p->relay.sniff_fd[0], rc->p->relay.sniff_fd[1] };
		loop_after_fork(rc->lp, keep, 4);
		linger_forget();
		rc->in_child = true;
		rc->p->xg.session_process = true;
		rc->a1_done = true;
		for (int k = 0; k < 2; k++)
			rc->a1.op[k].is_child_session = true;
		/* The options that change the process (chroot, su, ...) apply here, in the
		 * session's own process, never in the listener. */
		if (xio_apply_process_late(origin) < 0)
			_exit(1);
		return 0;
	}
	NOTE("forked off child process %ld", (long)pid);
	rc->children++;
	origin->active++;
	/* The parent keeps no part of the session: it frees its copy (ops->close does no
	 * protocol I/O, see endpoint.h) but must not signal the child or unlink files. */
	ep1->child = 0;
	ep1->flags |= EPF_RD_EOF; /* the child reads the connection: don't drain our copy */
	endpoint_forget_unlinks(ep1);
	endpoint_close_shared(ep1);
	return (int)pid;
}

static void child_exited(struct loop *lp, pid_t pid, int status, void *arg);

/* Address 2 waits for a lock (waitlock=): the wait blocks, so each session waits in a
 * process of its own (as socat's children do), never in the loop that serves the others. */
static bool addr2_waits(const struct run_plan *p)
{
	for (int k = 0; k < 2; k++)
		if (opt_present(&p->bi[1].half[k].opts, OPT_WAITLOCK))
			return true;
	return false;
}

static void have_ep1(struct run_ctx *rc, struct xio_open *origin, struct endpoint *ep1)
{
	struct run_plan *p = rc->p;
	if (p->hooks && p->hooks->opened)
		p->hooks->opened(p->hooks_arg, 1, ep1);
	/* nofork on address 2: its program replaces the process that opens it, so each
	 * connection of a fork listener gets a process of its own, as in socat */
	bool nofork = xio_bi_nofork(&p->bi[1]);
	if (origin->multi && (origin->needs_process || p->xg.classic_fork || addr2_waits(p) || nofork) && !rc->in_child) {
		int pid = fork_session(rc, origin, ep1);
		if (pid < 0) {
			endpoint_close(ep1);
			return;
		}
		if (pid > 0) {
			loop_watch_child(rc->lp, pid, child_exited, origin);
			return;
		}
	}
	/* several sessions in this process: address 2's inherited fds are used through copies */
	p->xg.shared_fds = origin->multi && !rc->in_child;
	struct pending *pd = calloc(1, sizeof *pd);
	if (!pd) {
		ERR("out of memory");
		endpoint_close(ep1);
		set_status(rc, 1);
		return;
	}
	pd->rc = rc;
	pd->origin = origin;
	pd->ep1 = ep1;
	if (!rc->in_child)
		origin->active++;
	rc->opening++;
	if (nofork && !bare_fds(ep1)) {
		ERR("address 1 (%s) passes its bytes through duct (TLS, line editing, datagram replies): the program of address 2 cannot take over its bare file descriptor; remove nofork",
		    p->addr_text[0]);
		addr2_failed(pd, 1);
		return;
	}
	if (open_addr2_half(pd, 0) < 0)
		addr2_failed(pd, 1);
}

static struct run_ctx *the_rc; /* for child_exited: one runner per process */

static void child_exited(struct loop *lp, pid_t pid, int status, void *arg)
{
	struct xio_open *origin = arg;
	struct run_ctx *rc = the_rc;
	(void)lp;
	(void)pid;
	(void)status;
	rc->children--;
	if (origin->active)
		origin->active--;
	if (origin->h && origin->h->resume && !rc->a1_done)
		origin->h->resume(origin);
	maybe_finish(rc);
}

static void deliver1(struct xio_open *op, struct endpoint *ep, int status)
{
	struct bi_open *bo = op->arg;
	struct run_ctx *rc = bo->rc;
	int k = op == &bo->op[1];
	if (!ep) {
		/* A failed one-shot open, or a multi-shot opener that stopped (accept-timeout). */
		if (!op->multi || status != 0)
			set_status(rc, open_failure_status(rc, status));
		if (status != 0 && rc->p->hooks && rc->p->hooks->failed)
			rc->p->hooks->failed(rc->p->hooks_arg, 1);
		rc->a1_done = true;
		if (bo->half[0]) {
			endpoint_close(bo->half[0]);
			bo->half[0] = NULL;
		}
		maybe_finish(rc);
		return;
	}
	if (bo->dual) {
		bo->half[k] = ep;
		if (k == 0) {
			struct run_plan *p = rc->p;
			if (xio_open_start(&bo->op[1], &p->bi[0].half[1], XIO_WRONLY, 1, rc->lp, &p->xg, NULL, deliver1, bo) < 0) {
				set_status(rc, 1);
				rc->a1_done = true;
				endpoint_close(bo->half[0]);
				bo->half[0] = NULL;
				maybe_finish(rc);
			}
			return;
		}
		ep = dual_merge(bo->half[0], bo->half[1]);
		bo->half[0] = bo->half[1] = NULL;
		rc->a1_done = true;
		if (!ep) {
			set_status(rc, 1);
			maybe_finish(rc);
			return;
		}
		have_ep1(rc, &bo->op[0], ep);
		return;
	}
	if (!op->multi)
		rc->a1_done = true;
	have_ep1(rc, op, ep);
}

static void maybe_finish(struct run_ctx *rc)
{
	if (rc->sessions == 0 && rc->children == 0 && rc->opening == 0 && (rc->a1_done || rc->stopping))
		loop_stop(rc->lp);
}

/* ---- signals ---- */

/* The signals that may end a run: each one whose bit is in the -S mask (default
 * RUN_CATCH_MASK_DEFAULT) is caught and logged, and the run ends with status
 * 128+signal, as socat. Not catchable, or used by the loop itself: KILL, STOP, CHLD, USR1
 * (statistics), PIPE (ignored: a write reports EPIPE). */
static bool catchable_term_signal(int signo)
{
	switch (signo) {
	case SIGKILL: case SIGSTOP: case SIGCHLD: case SIGUSR1: case SIGPIPE:
		return false;
	default:
		return signo > 0 && signo < 32;
	}
}

/* A listener turned a peer away: counted for the control socket's stats, then the front
 * end hears of it as before. */
static void count_refused(void *arg, int idx, const struct sockaddr *sa, socklen_t len, const char *why)
{
	observe_refused();
	const struct plan_hooks *h = the_rc->p->hooks;
	if (h && h->refused)
		h->refused(arg, idx, sa, len, why);
}

static void abort_one(struct session *s, void *arg)
{
	session_abort(s, *(int *)arg);
}

static void stats_one(struct session *s, void *arg)
{
	(void)arg;
	session_log_statistics(s);
}

static void on_signal(struct loop *lp, int signo, void *arg)
{
	struct run_ctx *rc = arg;
	if (signo == SIGUSR1) {
		session_foreach(stats_one, NULL);
		observe_log_table();
		return;
	}
	NOTE("socat_signal(): handling signal %d", signo);
	logmsg(log_signal_exit_level(signo), "exiting on signal %d", signo);
	for (int i = 0; i < rc->nworkers; i++)
		kill(rc->workers[i], signo);
	rc->stopping = true;
	int st = 128 + signo;
	rc->status = st;
	rc->have_status = true;
	if (!rc->a1_done && !rc->in_child) {
		for (int k = 0; k < 2; k++)
			if (rc->a1.op[k].h)
				xio_open_stop(&rc->a1.op[k]);
		rc->a1_done = true;
	}
	linger_finish(false, NULL); /* ending now: lingering sockets close, and so do the aborted ones */
	session_foreach(abort_one, &st);
	rc->status = st;
	/* socat's handler: the fault signals end the process from inside it (no "finishing"
	 * line); QUIT logs its exit there and once more at the end */
	bool fault = signo == SIGILL || signo == SIGABRT || signo == SIGBUS || signo == SIGFPE || signo == SIGSEGV;
	if (signo == SIGQUIT)
		NOTE("exit(%d)", st);
	if (!fault)
		NOTE("socat_signal(): finishing signal %d", signo);
	loop_stop(lp);
}

/* --workers N: N-1 more processes run the same plan; listeners share the port through
 * SO_REUSEPORT. Returns in every process; the parent remembers the workers' pids. */
static void spawn_workers(struct run_ctx *rc)
{
	int n = rc->p->xg.workers;
	for (int i = 1; i < n && rc->nworkers < (int)(sizeof rc->workers / sizeof rc->workers[0]); i++) {
		pid_t pid = fork();
		if (pid < 0) {
			WARN("fork() for worker %d: %s; running with %d workers", i, strerror(errno), i);
			return;
		}
		if (pid == 0) {
			rc->nworkers = 0;
			return;
		}
		rc->workers[rc->nworkers++] = pid;
	}
}

static void worker_exited(struct loop *lp, pid_t pid, int status, void *arg)
{
	struct run_ctx *rc = arg;
	(void)lp;
	(void)status;
	for (int i = 0; i < rc->nworkers; i++)
		if (rc->workers[i] == pid)
			rc->workers[i] = rc->workers[--rc->nworkers];
}

/* -h and the man page quote the default as socat writes it */
_Static_assert(RUN_CATCH_MASK_DEFAULT == 0x89de, "-S's default is socat's 0x89de");

void run_plan_init(struct run_plan *p)
{
	memset(p, 0, sizeof *p);
	relay_config_defaults(&p->relay);
	p->relay.sniff_fd[0] = p->relay.sniff_fd[1] = -1;
	p->xg.ipv = 4;
	p->xg.workers = 1;
	p->catch_mask = RUN_CATCH_MASK_DEFAULT;
	const char *e = getenv("SOCAT_PREFERRED_RESOLVE_IP");
	if (e && (e[0] == '0' || e[0] == '4' || e[0] == '6') && !e[1])
		p->xg.ipv = e[0] - '0';
	e = getenv("SOCAT_DEFAULT_LISTEN_IP");
	if (e && (e[0] == '4' || e[0] == '6') && !e[1])
		p->xg.listen_ipv = e[0] - '0';
}

/* nofork on address 2: its program takes address 1's fds over and duct transfers nothing, so
 * what acts on the transfer would be taken and ignored (socat ignores it): refused. */
static int check_nofork(const struct run_plan *p)
{
	if (!xio_bi_nofork(&p->bi[1]))
		return 0;
	if (p->bi[1].dual) {
		ERR("option nofork is not allowed in a READ!!WRITE address (%s): the program would replace duct while the other half still needs it; give the program alone as the second address",
		    p->addr_text[1]);
		return -1;
	}
	struct relay_config d;
	relay_config_defaults(&d);
	const struct relay_config *c = &p->relay;
	const struct {
		bool on;
		const char *flag;
	} transfer[] = {
		{ c->dump_text, "-v" },
		{ c->dump_hex, "-x" },
		{ c->sniff_fd[0] >= 0 || p->sniff_name[0], "-r" },
		{ c->sniff_fd[1] >= 0 || p->sniff_name[1], "-R" },
		{ c->statistics, "--statistics" },
		{ c->bufsize_explicit, "-b" },
		{ c->inactivity_timeout >= 0, "-T" },
		{ c->closing_timeout != d.closing_timeout, "-t" },
		{ p->dump_fds, "-D" },
		{ c->nosplice, "--no-splice" },
		{ c->rate_limit != 0, "--rate-limit" },
		{ capture_on(), "--pcap" },
	};
	for (size_t i = 0; i < sizeof transfer / sizeof transfer[0]; i++)
		if (transfer[i].on) {
			ERR("option %s does not combine with nofork on the second address (%s): its program takes over the first address and duct transfers nothing; remove %s or nofork",
			    transfer[i].flag, p->addr_text[1], transfer[i].flag);
			return -1;
		}
	for (int k = 0; k < 2; k++) {
		const struct xio_handler *h = p->bi[0].half[k].h;
		if (h && (h->flags & XH_IN_PROCESS)) {
			ERR("the first address %s is served inside duct, which nofork on the second address (%s) replaces with its program; remove nofork",
			    h->name, p->addr_text[1]);
			return -1;
		}
	}
	for (int k = 0; k < 2; k++) {
		const struct opt_value *v = p->bi[0].half[k].h ? xio_appl_opt_present(&p->bi[0].half[k].opts) : NULL;
		if (v) {
			const char *n = v->typed_name ? v->typed_name : v->def->name;
			ERR("option \"%s\" of the first address acts on duct's transfer, which nofork on the second address (%s) replaces with its program; remove %s or nofork",
			    n, p->addr_text[1], n);
			return -1;
		}
	}
	return 0;
}

/* max-per-ip counts the sessions of this process (xio/per_ip.h): refused where have_ep1 gives
 * each connection a process of its own (the listener itself refuses it with --fork-process and
 * its own process options; these reasons are the second address's). */
static int check_per_ip(const struct run_plan *p)
{
	if (!addr2_waits(p) && !xio_bi_nofork(&p->bi[1]))
		return 0;
	for (int k = 0; k < 2; k++)
		if (opt_present(&p->bi[0].half[k].opts, OPT_MAX_PER_IP)) {
			ERR("%s: max-per-ip: the second address (%s) serves each connection in a process of its own (waitlock, nofork), whose sessions can't be counted yet; remove max-per-ip or that option",
			    p->addr_text[0], p->addr_text[1]);
			return -1;
		}
	return 0;
}

int run_plan_resolve(struct run_plan *p)
{
	for (int k = 0; k < 2; k++) {
		struct addr_error aerr;
		p->spec[k] = addr_parse(p->addr_text[k], &aerr);
		if (!p->spec[k]) {
			ERR("%s", aerr.msg);
			return -1;
		}
		char err[ERROR_TEXT_SIZE];
		if (xio_resolve(p->spec[k], &p->xg, &p->bi[k], err, sizeof err) < 0) {
			ERR("%s", err);
			return -1;
		}
	}
	/* peer and local addresses are exported only for a program the second address starts, or
	 * for the PROXY header its send-proxy writes */
	p->xg.peer_env = xio_bi_starts_program(&p->bi[1]) || xio_bi_sends_proxy(&p->bi[1]);
	if (check_nofork(p) < 0)
		return -1;
	return check_per_ip(p);
}

/* --session-log and --control: the session numbering and counters always run (cheap). */
static int start_watchers(struct run_ctx *rc)
{
	struct run_plan *p = rc->p;
	session_json_set_addrs(p->addr_text[0], p->addr_text[1]);
	observe_start();
	if (p->session_log || p->control_path)
		session_info_keep();
	if (p->session_log && observe_log_open(p->session_log) < 0)
		return -1;
	if (p->control_path && control_open(rc->lp, p->control_path) < 0)
		return -1;
	return 0;
}

int run_plan_run(struct run_plan *p)
{
	struct run_ctx rc = { .p = p };
	the_rc = &rc;
	signal(SIGPIPE, SIG_IGN);

	if (p->lockfile && lock_acquire(p->lockfile, p->lock_wait) < 0)
		return 1;

	if (p->xg.workers > 1)
		spawn_workers(&rc);

	rc.lp = loop_new();
	if (!rc.lp) {
		ERR("cannot create the event loop: %s", strerror(errno));
		lock_release();
		return 1;
	}
	linger_start(rc.lp, p->relay.inactivity_timeout > 0 ? p->relay.inactivity_timeout : 0);
	/* -S: the terminating signals caught (and logged) are those in the mask; the others keep
	 * their default action. SIGUSR1 (statistics) is always caught. */
	sigset_t caught;
	sigemptyset(&caught);
	for (int sig = 1; sig < 32; sig++)
		if (catchable_term_signal(sig) && (p->catch_mask & (1ul << sig))) {
			loop_on_signal(rc.lp, sig, on_signal, &rc);
			sigaddset(&caught, sig);
		}
	loop_on_signal(rc.lp, SIGUSR1, on_signal, &rc);
	for (int i = 0; i < rc.nworkers; i++)
		loop_watch_child(rc.lp, rc.workers[i], worker_exited, &rc);

	if (p->hooks) {
		/* the address layer calls the front end's hooks directly */
		p->xg.on_listening = p->hooks->listening;
		p->xg.on_open_error = p->hooks->open_error;
		p->xg.hook_arg = p->hooks_arg;
	}
	p->xg.on_refused = count_refused;
	if (start_watchers(&rc) < 0) {
		loop_free(rc.lp);
		lock_release();
		return 1;
	}
	rc.a1.rc = &rc;
	/* Under -u/-U a dual address needs only one of its halves (socat warns about it). */
	for (int k = 0; k < 2; k++) {
		rc.dual[k] = p->bi[k].dual && p->relay.dir == RELAY_BOTH;
		rc.half[k] = dir_for(p, k + 1) == XIO_RDONLY ? 0 : 1;
		if (p->bi[k].dual && !rc.dual[k])
			WARN("unidirectional open of dual address \"%s\"", p->addr_text[k]);
	}
	rc.a1.dual = rc.dual[0];
	unsigned dir1 = rc.dual[0] ? XIO_RDONLY : dir_for(p, 1);
	const struct xio_addr *first = &p->bi[0].half[rc.dual[0] || !p->bi[0].dual ? 0 : rc.half[0]];
	if (xio_open_start(&rc.a1.op[0], first, dir1, 1, rc.lp, &p->xg, NULL, deliver1, &rc.a1) < 0) {
		set_status(&rc, open_failure_status(&rc, 1));
		rc.a1_done = true;
	}
	if (log_cfg()->target == LOGT_MIXED)
		log_switch_mixed();
	if (!(rc.a1_done && rc.sessions == 0 && rc.children == 0 && rc.opening == 0))
		loop_run(rc.lp);

	/* Sockets whose last bytes are still on their way: wait for them, unless a signal ends
	 * us (one that arrives during the wait ends it and is handled just below). */
	linger_finish(!rc.stopping, &caught);

	/* A terminating signal that arrived while the last session ended (a C-c that also ended
	 * the child) is still pending in the signalfd: it decides the exit status all the same. */
	sigset_t pend;
	if (!rc.stopping && sigpending(&pend) == 0)
		for (int sig = 1; sig < 32; sig++)
			if (sigismember(&caught, sig) && sigismember(&pend, sig)) {
				on_signal(rc.lp, sig, &rc);
				break;
			}

	if (!rc.in_child && !rc.a1_done)
		for (int k = 0; k < 2; k++)
			if (rc.a1.op[k].h)
				xio_open_stop(&rc.a1.op[k]);
	/* a signal ended the fork listeners of address 2: address 1 is closed with them */
	while (rc.shared) {
		rc.shared->done2 = true;
		rc.shared->sessions2 = 0;
		shared_release(rc.shared);
	}
	control_close();
	/* Wait for the worker processes we started (they got the same signal). */
	for (int i = 0; i < rc.nworkers; i++)
		waitpid(rc.workers[i], NULL, 0);
	loop_free(rc.lp);
	if (!rc.in_child)
		lock_release();
	int status = rc.have_status ? rc.status : 0;
	if (status != 0)
		NOTE("exit(%d)", status);
	else
		NOTE("exiting with status %d", status);
	return status;
}

void run_plan_free(struct run_plan *p)
{
	for (int k = 0; k < 2; k++) {
		xio_bi_free(&p->bi[k]);
		if (p->spec[k])
			addr_spec_free(p->spec[k]);
		p->spec[k] = NULL;
		if (p->relay.sniff_fd[k] >= 0)
			close(p->relay.sniff_fd[k]);
		p->relay.sniff_fd[k] = -1;
	}
}
