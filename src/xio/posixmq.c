/* POSIX message queues (Linux, mq_overview(7)), socat 1.8's experimental addresses (they need
 * --experimental there and here):
 *   POSIXMQ-READ:/name            read messages; each read is one message (boundaries kept)
 *   POSIXMQ-RECEIVE:/name [RECV]  wait for one message, pass it on, then EOF; fork: a session
 *                                 per message (max-children: at most that many at once)
 *   POSIXMQ-SEND:/name [WRITE]    each block written becomes one message; fork: a new session
 *                                 every interval while the queue has room (max-children)
 *   POSIXMQ-BIDIRECTIONAL:/name [POSIXMQ]  read and write one queue (an echo), or only one of
 *                                 them when the direction asks for that (-u, -U)
 * The queue is created when missing, as socat does (mode perm=, default 0666 less the umask);
 * o-creat=0 opens an existing queue only, o-excl insists on a new one. unlink-early, unlink and
 * unlink-late remove the name before / right after opening, unlink-close when the address is
 * closed (for fork: when the listener stops).
 * On Linux a queue descriptor is a file descriptor epoll can watch, so the queue lives in the
 * event loop (fstat calls it a regular file: the endpoint says EPF_POLLABLE). Reads use
 * mq_receive with a buffer of the queue's message size, writes mq_send at posixmq-priority; a
 * block larger than the message size goes out as several messages. When reading,
 * posixmq-priority is the lowest priority passed on (socat 1.8's manual): a queue always hands
 * out its highest-priority message first and cannot leave lower ones for another reader, so a
 * message below it is taken and discarded, with a warning. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/core.h"
#include "xio/listener.h"

enum mq_kind { MQ_READ, MQ_RECEIVE, MQ_SEND, MQ_BIDIR };

/* What the options of an open say (kept for its retries and the sessions of fork). */
struct mq_cfg {
	bool has_prio;           /* posixmq-priority given */
	unsigned prio;           /* mq_send priority; when reading, the lowest passed on */
	bool creat, excl;
	mode_t mode;
	bool unlink_close;
	bool fork;
	long long retries;
	bool forever;
	double interval;
};

/* One endpoint's state. */
struct mq_ep {
	struct endpoint_ops ops;
	char *label;             /* "POSIXMQ-READ:/q", for messages */
	char *name;
	bool unlink_close;
	size_t msgsize;
	bool has_min;
	unsigned prio;
	unsigned char *rbuf;     /* msgsize bytes, when the engine reads less at a time */
	bool oneshot;            /* RECEIVE: the message that started the session, then EOF */
	unsigned char *pkt;
	size_t pktlen;
	bool pkt_ready;
	bool warned_split;
};


/* An open in progress, or the listener of RECEIVE/SEND with fork (op->priv). */
struct mq_srv {
	struct xio_open *op;
	enum mq_kind kind;
	char *name, *label;
	struct mq_cfg cfg;
	int fd;                  /* the queue; -1 before it is open or once handed over */
	int oflags;
	size_t msgsize;
	unsigned char *buf;      /* RECEIVE: one message */
	bool polling;            /* fd registered in the loop */
	uint32_t poll_events;
	bool paused;             /* max-children sessions are running */
	struct loop_timer *timer;
	struct opt_list tmpl;    /* fork: the options left for each session */
	bool have_tmpl;
	struct opt_list saved;   /* op's own list while a session's copy is in op->opts */
	bool swapped;
	struct listener_life life; /* failing, delivering, the open call (listener.h) */
	xio_deliver_fn deliver_to; /* the runner's, while ours watches for a failed delivery */
	bool delivery_failed;
};

#define RECEIVE_BATCH 64

static const char *kind_verb(enum mq_kind k)
{
	return k == MQ_SEND ? "sending to" : k == MQ_BIDIR ? "using" : "reading from";
}

/* ---------- endpoints ---------- */

/* Log a received message; false when it is below the lowest priority passed on (dropped). */
static bool pass_message(const char *label, bool has_min, unsigned min, ssize_t n, unsigned prio)
{
	if (has_min && prio < min) {
		WARN("%s: discarding a message of %zd bytes with priority %u (posixmq-priority=%u passes on priority %u and higher)",
		     label, n, prio, min, min);
		return false;
	}
	INFO("%s: mq_receive() -> %zd bytes, priority %u", label, n, prio);
	return true;
}

static void warn_cut(const struct mq_ep *m, size_t n, size_t len)
{
	WARN("%s: a message of %zu bytes was cut to %zu (the read size); give -b %zu or more to keep whole messages",
	     m->label, n, len, m->msgsize);
}

static ssize_t mq_ep_read(struct endpoint *ep, void *buf, size_t len)
{
	struct mq_ep *m = ep->ctx;
	if (m->oneshot) {
		if (!m->pkt_ready)
			return 0; /* one message, then EOF */
		size_t n = m->pktlen < len ? m->pktlen : len;
		if (n < m->pktlen)
			warn_cut(m, m->pktlen, len);
		memcpy(buf, m->pkt, n);
		m->pkt_ready = false;
		free(m->pkt);
		m->pkt = NULL;
		return (ssize_t)n;
	}
	for (;;) {
		unsigned char *dst = buf;
		size_t cap = len;
		if (len < m->msgsize) {
			/* mq_receive refuses a buffer smaller than the message size */
			if (!m->rbuf && !(m->rbuf = malloc(m->msgsize))) {
				errno = ENOMEM;
				return -1;
			}
			dst = m->rbuf;
			cap = m->msgsize;
		}
		unsigned prio = 0;
		ssize_t n = mq_receive(ep->rfd, (char *)dst, cap, &prio);
		if (n < 0)
			return -1;
		if (!pass_message(m->label, m->has_min, m->prio, n, prio))
			continue;
		if (dst != buf) {
			size_t k = (size_t)n < len ? (size_t)n : len;
			if (k < (size_t)n)
				warn_cut(m, (size_t)n, len);
			memcpy(buf, dst, k);
			n = (ssize_t)k;
		}
		return n;
	}
}

static ssize_t mq_ep_write(struct endpoint *ep, const void *buf, size_t len)
{
	struct mq_ep *m = ep->ctx;
	size_t n = len;
	if (n > m->msgsize) {
		n = m->msgsize;
		if (!m->warned_split) {
			WARN("%s: blocks of %zu bytes are larger than the queue's message size %zu and are sent as several messages; give -b %zu to keep one block one message",
			     m->label, len, m->msgsize, m->msgsize);
			m->warned_split = true;
		}
	}
	if (mq_send(ep->wfd, buf, n, m->prio) < 0)
		return -1;
	if (log_enabled(LOG_D))
		DBG("%s: mq_send(%d, %zu bytes, priority %u)", m->label, ep->wfd, n, m->prio);
	return (ssize_t)n;
}

static size_t mq_ep_pending(struct endpoint *ep)
{
	struct mq_ep *m = ep->ctx;
	if (m->oneshot && m->pkt_ready)
		return m->pktlen ? m->pktlen : 1;
	return 0;
}

static void unlink_queue(const char *label, const char *name, int level_missing)
{
	if (mq_unlink(name) == 0) {
		INFO("%s: mq_unlink(\"%s\")", label, name);
		return;
	}
	if (errno == ENOENT)
		logmsg(level_missing, "%s: mq_unlink(\"%s\"): %s", label, name, strerror(errno));
	else
		WARN("%s: mq_unlink(\"%s\"): %s", label, name, strerror(errno));
}

static void mq_ep_close(struct endpoint *ep)
{
	struct mq_ep *m = ep->ctx;
	if (ep->rfd >= 0)
		close(ep->rfd); /* mq_close(): a queue descriptor is a file descriptor on Linux */
	if (ep->wfd >= 0 && ep->wfd != ep->rfd)
		close(ep->wfd);
	ep->rfd = ep->wfd = -1;
	if (m) {
		if (m->unlink_close)
			unlink_queue(m->label, m->name, LOG_W);
		free(m->label);
		free(m->name);
		free(m->rbuf);
		free(m->pkt);
		free(m);
	}
	ep->ctx = NULL;
}

/* An endpoint on fd (owned by it from now on) for the directions in dir. NULL on failure
 * (logged; fd closed). */
static struct endpoint *mq_endpoint(struct mq_srv *s, int fd, unsigned dir, bool oneshot)
{
	struct endpoint *ep = endpoint_new();
	struct mq_ep *m = calloc(1, sizeof *m);
	char *label = strdup(s->label), *name = strdup(s->name);
	if (!ep || !m || !label || !name) {
		ERR("%s: out of memory", s->label);
		free(m);
		free(label);
		free(name);
		if (ep)
			endpoint_close(ep);
		close(fd);
		return NULL;
	}
	m->label = label;
	m->name = name;
	m->msgsize = s->msgsize;
	m->prio = s->cfg.prio;
	m->has_min = s->cfg.has_prio;
	m->oneshot = oneshot;
	m->ops.read = mq_ep_read;
	m->ops.write = mq_ep_write;
	m->ops.pending = mq_ep_pending;
	m->ops.close = mq_ep_close;
	ep->ops = &m->ops;
	ep->ctx = m;
	ep->rfd = (dir & XIO_RDONLY) ? fd : -1;
	ep->wfd = (dir & XIO_WRONLY) ? fd : -1;
	ep->flags = EPF_DGRAM | EPF_NOSPLICE | EPF_POLLABLE;
	if (dir & XIO_RDONLY)
		ep->flags |= EPF_READ;
	if (dir & XIO_WRONLY)
		ep->flags |= EPF_WRITE;
	if (oneshot)
		ep->flags |= EPF_ONESHOT;
	snprintf(ep->desc, sizeof ep->desc, "message queue");
	return ep;
}

/* ---------- the open's state ---------- */

static bool children_full(const struct mq_srv *s)
{
	return s->op->max_children > 0 && s->op->active >= (unsigned)s->op->max_children;
}

static void stop_polling(struct mq_srv *s)
{
	if (s->polling)
		loop_del_fd(s->op->loop, s->fd);
	s->polling = false;
}

static void on_ready(struct loop *lp, int fd, uint32_t events, void *arg);

static int start_polling(struct mq_srv *s, uint32_t events)
{
	if (s->polling && s->poll_events == events)
		return 0;
	stop_polling(s);
	/* level-triggered: a message left in the queue (max-children, a batch limit) is reported
	 * again */
	if (loop_add_fd(s->op->loop, s->fd, events, on_ready, s) < 0) {
		ERR("%s: cannot watch the queue (epoll_ctl(%d)): %s", s->label, s->fd, strerror(errno));
		return -1;
	}
	s->polling = true;
	s->poll_events = events;
	return 0;
}

static void srv_free(struct mq_srv *s)
{
	listener_freed(&s->life);
	if (s->deliver_to)
		s->op->deliver_to = s->deliver_to;
	if (s->timer)
		loop_timer_cancel(s->op->loop, s->timer);
	if (s->have_tmpl)
		opt_list_free(&s->tmpl);
	if (s->swapped)
		opt_list_free(&s->saved);
	if (s->op->priv == s)
		s->op->priv = NULL;
	free(s->buf);
	free(s->name);
	free(s->label);
	free(s);
}

/* Close the queue and free the state. In a process that serves one session of a fork
 * listener (--fork-process, su=...) the loop has closed the watched descriptor already and the
 * name belongs to the listener. */
static void srv_destroy(struct mq_srv *s)
{
	bool child = s->op->is_child_session;
	if (child) {
		if (s->fd >= 0 && !s->polling)
			close(s->fd);
		s->polling = false;
	} else {
		stop_polling(s);
		if (s->fd >= 0)
			close(s->fd);
		if (s->cfg.unlink_close && s->fd >= 0)
			unlink_queue(s->label, s->name, LOG_W);
	}
	s->fd = -1;
	srv_free(s);
}

static void destroy_cb(void *state)
{
	srv_destroy(state);
}

/* Watches the runner's answer to a session of fork: a failed delivery (a session's option
 * could not be applied) ended the address for the runner, so the listener stops too. */
static void watch_delivery(struct xio_open *op, struct endpoint *ep, int status)
{
	struct mq_srv *s = op->priv;
	xio_deliver_fn to = s->deliver_to;
	if (!ep)
		s->delivery_failed = true;
	to(op, ep, status);
}

/* Hand a session of fork over with a copy of the options left for sessions. Returns false when
 * s is gone (stopped meanwhile, a failed delivery, or a process serving this one session). */
static bool deliver_session(struct mq_srv *s, struct endpoint *ep)
{
	struct xio_open *op = s->op;
	s->saved = op->opts;
	if (opt_list_copy(&s->tmpl, &op->opts) < 0) {
		op->opts = s->saved;
		ERR("%s: out of memory", s->label);
		endpoint_close(ep);
		return true;
	}
	s->swapped = true;
	s->deliver_to = op->deliver_to;
	s->delivery_failed = false;
	op->deliver_to = watch_delivery;
	if (!listener_deliver_more(&s->life, ep))
		return false;
	op->deliver_to = s->deliver_to;
	s->deliver_to = NULL;
	opt_list_free(&op->opts);
	op->opts = s->saved;
	s->swapped = false;
	if (s->delivery_failed || op->is_child_session) {
		srv_destroy(s);
		return false;
	}
	return true;
}

/* ---------- RECEIVE: a session per message ---------- */

/* One message; false when there is none (or s is gone). */
static bool receive_one(struct mq_srv *s)
{
	struct xio_open *op = s->op;
	unsigned prio = 0;
	ssize_t n = mq_receive(s->fd, (char *)s->buf, s->msgsize, &prio);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return false;
		ERR("%s: mq_receive(%d): %s", s->label, s->fd, strerror(errno));
		listener_fail(&s->life, 1);
		return false;
	}
	if (!pass_message(s->label, s->cfg.has_prio, s->cfg.prio, n, prio))
		return true;
	NOTE("%s: received a message of %zd bytes with priority %u", s->label, n, prio);
	int fd = s->fd;
	bool fork = s->cfg.fork;
	if (fork) {
		fd = fcntl(s->fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			WARN("%s: dropping a message of %zd bytes: cannot start a session: dup(): %s", s->label, n,
			     strerror(errno));
			return true;
		}
	} else {
		stop_polling(s);
		s->fd = -1; /* the session's now */
	}
	struct endpoint *ep = mq_endpoint(s, fd, XIO_RDONLY, true);
	struct mq_ep *m = ep ? ep->ctx : NULL;
	if (m && !(m->pkt = malloc(n ? (size_t)n : 1))) {
		endpoint_close(ep);
		ep = NULL;
		ERR("%s: out of memory", s->label);
	}
	if (!ep) {
		if (!fork)
			listener_fail(&s->life, 1);
		return fork;
	}
	memcpy(m->pkt, s->buf, (size_t)n);
	m->pktlen = (size_t)n;
	m->pkt_ready = true;
	if (op->g && op->g->peer_env) {
		char v[16];
		snprintf(v, sizeof v, "%u", prio);
		endpoint_setenv(ep, "POSIXMQ_PRIO", v);
	}
	if (!s->cfg.fork) {
		if (s->cfg.unlink_close) {
			m->unlink_close = true;
			s->cfg.unlink_close = false;
		}
		listener_deliver_last(&s->life, ep);
		return false;
	}
	return deliver_session(s, ep);
}

static void receive_ready(struct mq_srv *s)
{
	for (int i = 0; i < RECEIVE_BATCH; i++) {
		if (s->cfg.fork && children_full(s)) {
			if (!s->paused)
				INFO("%s: max-children=%d sessions are running; waiting for one to end", s->label, s->op->max_children);
			s->paused = true;
			stop_polling(s);
			return;
		}
		if (!receive_one(s))
			return;
	}
}

/* ---------- SEND with fork: a session every interval ---------- */

static void send_next(struct mq_srv *s);

static void send_timer_cb(struct loop *lp, void *arg)
{
	struct mq_srv *s = arg;
	(void)lp;
	s->timer = NULL;
	send_next(s);
}

static void send_deliver(struct mq_srv *s)
{
	int fd = fcntl(s->fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		WARN("%s: cannot start a session: dup(): %s", s->label, strerror(errno));
	} else {
		INFO("%s: the queue has room, starting a session", s->label);
		struct endpoint *ep = mq_endpoint(s, fd, XIO_WRONLY, false);
		if (ep && !deliver_session(s, ep))
			return;
	}
	s->timer = loop_timer_add(s->op->loop, s->cfg.interval, send_timer_cb, s);
}

static void send_next(struct mq_srv *s)
{
	if (children_full(s)) {
		if (!s->paused)
			INFO("%s: max-children=%d sessions are running; waiting for one to end", s->label, s->op->max_children);
		s->paused = true;
		return;
	}
	struct mq_attr a;
	if (mq_getattr(s->fd, &a) == 0 && a.mq_curmsgs >= a.mq_maxmsg) {
		/* full: the next session starts when a reader made room */
		if (start_polling(s, LOOP_OUT) < 0)
			listener_fail(&s->life, 1);
		return;
	}
	send_deliver(s);
}

static void on_ready(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct mq_srv *s = arg;
	(void)lp;
	(void)fd;
	(void)events;
	if (s->kind == MQ_RECEIVE) {
		receive_ready(s);
		return;
	}
	stop_polling(s);
	send_deliver(s);
}

/* ---------- opening ---------- */

static int take_cfg(struct xio_open *op, struct mq_srv *s)
{
	struct opt_list *l = &op->opts;
	struct mq_cfg *c = &s->cfg;
	long long v;
	bool b;
	double d;

	c->creat = true;
	c->mode = 0666;
	c->interval = 1.0;
	if (opt_take_int(l, OPT_POSIXMQ_PRIORITY, &v)) {
		long max = sysconf(_SC_MQ_PRIO_MAX);
		if (max <= 0)
			max = 32768;
		if (v < 0 || v >= max) {
			ERR("%s: posixmq-priority=%lld: a message priority is 0 to %ld", op->typed, v, max - 1);
			return -1;
		}
		c->has_prio = true;
		c->prio = (unsigned)v;
	}
	if (opt_take_bool(l, OPT_O_CREAT, &b))
		c->creat = b;
	if (opt_take_bool(l, OPT_O_EXCL, &b))
		c->excl = b;
	if (c->excl && !c->creat) {
		ERR("%s: o-excl means creating the queue; it cannot go with o-creat=0", op->typed);
		return -1;
	}
	/* perm= is also the mode of a new queue; left for PH_FD, which sets it on the queue
	 * (as for files, so an existing queue gets it too and the umask does not count) */
	struct opt_value *pv = opt_peek(l, OPT_PERM);
	if (pv)
		c->mode = (mode_t)pv->i;
	if (opt_take_bool(l, OPT_UNLINK_CLOSE, &b))
		c->unlink_close = b;
	if (opt_take_bool(l, OPT_FORK, &b))
		c->fork = b;
	if (opt_take_int(l, OPT_MAX_CHILDREN, &v)) {
		if (!c->fork && v > 0) {
			ERR("%s: max-children limits the sessions of fork; add fork or remove max-children", op->typed);
			return -1;
		}
		op->max_children = v > 0 ? (int)v : 0;
	}
	if (opt_take_int(l, OPT_CHILDREN_SHUTUP, &v)) {
		if (!c->fork) {
			ERR("%s: children-shutup applies to the sessions of fork; add fork or remove it", op->typed);
			return -1;
		}
		log_cfg()->children_shutup = (int)v;
	}
	if (opt_take_int(l, OPT_RETRY, &v))
		c->retries = v;
	if (opt_take_bool(l, OPT_FOREVER, &b))
		c->forever = b;
	if (opt_take_time(l, OPT_INTERVAL, &d))
		c->interval = d;
	/* open(2) flags that mq_open(3) has no use for: refused by name (o-nonblock, append, async
	 * and o-noatime are file status flags, set with fcntl like on any descriptor) */
	for (size_t i = 0; i < l->n; i++) {
		const struct opt_def *def = l->v[i].def;
		if (!def || l->v[i].used || !(def->groups & G(OPEN)) || (def->groups & G(FD)))
			continue;
		ERR("%s: option \"%s\" is an open(2) flag a message queue does not take (mq_open() takes o-creat and o-excl)",
		    op->typed, l->v[i].typed_name ? l->v[i].typed_name : def->name);
		return -1;
	}
	return 0;
}

/* mq_open failed with e: one line that names the call, the reason and what to do. */
static void open_error(struct mq_srv *s, int e, int level)
{
	char fb[200];
	const char *hint = "";
	switch (e) {
	case ENOENT:
		hint = "; the queue does not exist (o-creat=0 opens an existing queue only)";
		break;
	case EEXIST:
		hint = "; the queue exists already (o-excl wants a new one: remove o-excl, or add unlink-early)";
		break;
	case EACCES:
		hint = "; the queue's owner and mode do not allow this (see perm=, or open it in the other direction)";
		break;
	case ENOSPC:
		hint = "; no more queues can be created (/proc/sys/fs/mqueue/queues_max)";
		break;
	case EMFILE:
		hint = "; the limit of open descriptors or of queue memory (RLIMIT_MSGQUEUE) is reached";
		break;
	case ENOSYS:
		hint = "; this kernel has no POSIX message queues (CONFIG_POSIX_MQUEUE)";
		break;
	case ENAMETOOLONG:
		hint = "; the name is too long";
		break;
	}
	if (s->oflags & O_CREAT)
		logmsg(level, "%s: mq_open(\"%s\", %s, 0%03o): %s%s", s->label, s->name,
		       xio_oflags_text(s->oflags, fb, sizeof fb), (unsigned)s->cfg.mode, strerror(e), hint);
	else
		logmsg(level, "%s: mq_open(\"%s\", %s): %s%s", s->label, s->name, xio_oflags_text(s->oflags, fb, sizeof fb),
		       strerror(e), hint);
}

static void attempt(struct mq_srv *s);

static void retry_cb(struct loop *lp, void *arg)
{
	struct mq_srv *s = arg;
	(void)lp;
	s->timer = NULL;
	attempt(s);
}

/* The queue is open: apply the options of the descriptor, then deliver (READ, SEND,
 * BIDIRECTIONAL) or wait for messages (RECEIVE) or for room (SEND with fork). */
static void opened(struct mq_srv *s)
{
	struct xio_open *op = s->op;
	struct opt_apply_ctx ctx;
	struct termios tio;
	bool b;

	if (opt_take_bool(&op->opts, OPT_UNLINK_LATE, &b) && b)
		unlink_queue(s->label, s->name, LOG_I);
	xio_ctx_init(&ctx, op, s->fd, NULL, &tio);
	ctx.termios = NULL; /* a queue is no terminal */
	if (opt_apply_phase(&op->opts, PH_PASTOPEN, &ctx) < 0 || opt_apply_phase(&op->opts, PH_FD, &ctx) < 0 ||
	    xio_fd_prepare(s->fd) < 0) {
		listener_fail(&s->life, 1);
		return;
	}
	struct mq_attr a;
	if (mq_getattr(s->fd, &a) < 0) {
		ERR("%s: mq_getattr(%d): %s", s->label, s->fd, strerror(errno));
		listener_fail(&s->life, 1);
		return;
	}
	INFO("%s: queue \"%s\": maxmsg=%ld, msgsize=%ld, curmsgs=%ld", s->label, s->name, a.mq_maxmsg, a.mq_msgsize,
	     a.mq_curmsgs);
	s->msgsize = a.mq_msgsize > 0 ? (size_t)a.mq_msgsize : 1;

	if (s->kind == MQ_RECEIVE) {
		if (!(s->buf = malloc(s->msgsize))) {
			ERR("%s: out of memory", s->label);
			listener_fail(&s->life, 1);
			return;
		}
	}
	if (s->cfg.fork) {
		if (opt_list_copy(&op->opts, &s->tmpl) < 0) {
			ERR("%s: out of memory", s->label);
			listener_fail(&s->life, 1);
			return;
		}
		s->have_tmpl = true;
		INFO("%s: starting the POSIX message queue fork loop", s->label);
	}
	if (s->kind == MQ_RECEIVE) {
		if (start_polling(s, LOOP_IN) < 0)
			listener_fail(&s->life, 1);
		return;
	}
	if (s->cfg.fork) {
		send_next(s);
		return;
	}
	/* READ, SEND, BIDIRECTIONAL: the queue is the endpoint */
	int fd = s->fd;
	s->fd = -1;
	struct endpoint *ep = mq_endpoint(s, fd, op->dir, false);
	if (!ep) {
		listener_fail(&s->life, 1);
		return;
	}
	if (s->cfg.unlink_close) {
		((struct mq_ep *)ep->ctx)->unlink_close = true;
		s->cfg.unlink_close = false;
	}
	listener_deliver_last(&s->life, ep);
}

static void attempt(struct mq_srv *s)
{
	int fd = mq_open(s->name, s->oflags, s->cfg.mode, NULL);
	if (fd < 0) {
		int e = errno;
		if (s->cfg.forever || s->cfg.retries > 0) {
			open_error(s, e, LOG_I);
			if (!s->cfg.forever)
				s->cfg.retries--;
			s->timer = loop_timer_add(s->op->loop, s->cfg.interval, retry_cb, s);
			if (s->timer)
				return;
		}
		open_error(s, e, LOG_E);
		listener_fail(&s->life, 1);
		return;
	}
	s->fd = fd;
	opened(s);
}

/* A queue name is "/" and 1 to NAME_MAX characters without "/" (mq_overview(7)). */
static int check_name(const struct xio_open *op, const char *name)
{
	size_t len = strlen(name);
	if (name[0] == '/' && len >= 2 && len - 1 <= NAME_MAX && !strchr(name + 1, '/'))
		return 0;
	if (!*name)
		ERR("%s: empty queue name; give one such as %s:/myqueue", op->typed, op->typed);
	else if (name[0] != '/')
		ERR("%s: queue name \"%s\" must start with \"/\" (%s:/%s)", op->typed, name, op->typed, name);
	else if (len < 2)
		ERR("%s: queue name \"/\" names no queue; give one such as %s:/myqueue", op->typed, op->typed);
	else if (strchr(name + 1, '/'))
		ERR("%s: queue name \"%s\" has a \"/\" after the first character; a queue name is \"/\" and a name without \"/\"",
		    op->typed, name);
	else
		ERR("%s: queue name \"%.40s...\" is longer than %d characters after the \"/\"", op->typed, name, NAME_MAX);
	return -1;
}

static void attempt_cb(void *state)
{
	attempt(state);
}

static int mq_open_start(struct xio_open *op)
{
	const char *name = op->spec->params[0];
	if (check_name(op, name) < 0)
		return -1;
	struct mq_srv *s = calloc(1, sizeof *s);
	if (!s) {
		ERR("%s: out of memory", op->typed);
		return -1;
	}
	s->op = op;
	s->fd = -1;
	s->kind = (enum mq_kind)op->h->arg;
	s->name = strdup(name);
	size_t ll = strlen(op->typed) + strlen(name) + 2;
	s->label = malloc(ll);
	if (!s->name || !s->label) {
		ERR("%s: out of memory", op->typed);
		srv_free(s);
		return -1;
	}
	snprintf(s->label, ll, "%s:%s", op->typed, name);
	if (take_cfg(op, s) < 0) {
		srv_free(s);
		return -1;
	}
	/* READ, RECEIVE and SEND go one way only */
	unsigned can = op->h->dirs & XIO_RDWR;
	if (!(op->dir & can)) {
		ERR("%s: this address only %s a queue and cannot be used for %s; swap the addresses, or use %s",
		    s->label, can == XIO_RDONLY ? "reads" : "writes", can == XIO_RDONLY ? "writing" : "reading",
		    can == XIO_RDONLY ? "POSIXMQ-SEND" : "POSIXMQ-READ or POSIXMQ-RECEIVE");
		srv_free(s);
		return -1;
	}
	op->dir &= can;
	if (s->cfg.fork) {
		op->multi = true;
		op->needs_process = (op->g && op->g->classic_fork) || proc_opts_need_process(&op->proc);
	}

	/* unlink-early, unlink: the name goes before anything else / before opening */
	bool b;
	if (opt_take_bool(&op->opts, OPT_UNLINK_EARLY, &b) && b)
		unlink_queue(s->label, s->name, LOG_I);
	if (opt_take_bool(&op->opts, OPT_UNLINK, &b) && b)
		unlink_queue(s->label, s->name, LOG_I);
	/* the early phases of the rest; a queue has no path of its own (perm-early, user-early
	 * and group-early are refused there by name) */
	struct opt_apply_ctx ctx;
	struct termios tio;
	xio_ctx_init(&ctx, op, -1, NULL, &tio);
	ctx.termios = NULL;
	if (xio_apply_phases(op, PH_INIT, PH_PREOPEN, &ctx) < 0) {
		srv_free(s);
		return -1;
	}

	unsigned dir = op->dir;
	s->oflags = (dir == XIO_RDONLY ? O_RDONLY : dir == XIO_WRONLY ? O_WRONLY : O_RDWR) | O_NONBLOCK | O_CLOEXEC;
	if (s->cfg.creat)
		s->oflags |= O_CREAT;
	if (s->cfg.excl)
		s->oflags |= O_EXCL;
	NOTE("%s: %s POSIX message queue \"%s\"", s->label, kind_verb(s->kind), s->name);

	listener_init(&s->life, op, s, destroy_cb);
	return listener_open(&s->life, attempt_cb);
}

static void mq_stop(struct xio_open *op)
{
	struct mq_srv *s = op->priv;
	if (s)
		srv_destroy(s);
}

static void mq_resume(struct xio_open *op)
{
	struct mq_srv *s = op->priv;
	if (!s || !s->paused || children_full(s))
		return;
	s->paused = false;
	if (s->kind == MQ_RECEIVE) {
		if (start_polling(s, LOOP_IN) < 0)
			listener_fail(&s->life, 1);
		return;
	}
	if (!s->timer && !s->polling)
		send_next(s);
}

static const char *const al_receive[] = { "POSIXMQ-RECV", NULL };
static const char *const al_send[] = { "POSIXMQ-WRITE", NULL };
static const char *const al_bidir[] = { "POSIXMQ", NULL };

#define MQ_GROUPS (G(FD) | G(NAMED) | G(OPEN) | G(RETRY) | G(POSIXMQ))
#define MQ_H(var, nm, al, kind, grp, dirs_, flg, hlp)                                                           \
	const struct xio_handler var = {                                                                      \
		.name = nm, .aliases = al, .usage = ":<mqname>", .min_params = 1, .max_params = 1, .groups = (grp), \
		.dirs = dirs_, .arg = kind, .flags = XH_EXPERIMENTAL | (flg), .open = mq_open_start,             \
		.stop = mq_stop, .resume = mq_resume, .help = hlp,                                               \
	}

MQ_H(xio_posixmq_read, "POSIXMQ-READ", NULL, MQ_READ, MQ_GROUPS, XIO_RDONLY, 0,
     "read messages from a POSIX message queue (created if missing), one message per read");
MQ_H(xio_posixmq_receive, "POSIXMQ-RECEIVE", al_receive, MQ_RECEIVE, MQ_GROUPS | G(CHILD), XIO_RDONLY, XH_MULTI,
     "wait for one message of a POSIX message queue, then EOF; fork: a session per message");
MQ_H(xio_posixmq_send, "POSIXMQ-SEND", al_send, MQ_SEND, MQ_GROUPS | G(CHILD), XIO_WRONLY, XH_MULTI,
     "each block becomes a message on a POSIX message queue; fork: a new session every interval");
MQ_H(xio_posixmq_bidir, "POSIXMQ-BIDIRECTIONAL", al_bidir, MQ_BIDIR, MQ_GROUPS, XIO_RDWR, 0,
     "read and write one POSIX message queue (an echo), or one way only with -u/-U");
