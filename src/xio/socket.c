/* The socket open machinery shared by the network families (see socket.h).
 *
 * Everything runs in the event loop: connects are nonblocking (LOOP_OUT + connect-timeout
 * timer), listeners accept in batches until EAGAIN, retries wait on loop timers. A `fork`
 * listener delivers every accepted connection with op->deliver and keeps accepting; the runner
 * starts one session per delivery in the same loop.
 *
 * Options: the address's option list is snapshotted (tmpl) before the per-socket phases, so
 * every attempt (retry, next resolved address, next client-fork connection) starts from the
 * same set; listeners snapshot again after their own phases (conn_tmpl), and each accepted
 * connection gets a copy of that for its FD/CONNECTED/LATE phases. */
#include "xio/socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/text_size.h"
#include "xio/core.h"
#include "xio/free_guard.h"
#include "xio/ancillary.h"
#include "xio/conn_rate.h"
#include "xio/per_ip.h"
#include "xio/layer.h"
#include "xio/proxy_header.h"

#define ACCEPT_BATCH 64
#define DGRAM_MAX 65536


struct sk {
	struct xio_open *op;
	struct sk_req rq;
	struct opt_list tmpl;      /* before the per-socket phases */
	struct opt_list conn_tmpl; /* servers: after the listener's phases */
	bool have_conn_tmpl;
	int fd;                    /* connecting / listening / receiving socket */
	bool polling;              /* fd is registered in the loop */
	bool listening;            /* a server socket is ready to accept/receive */
	size_t cand;               /* connect candidate */
	int unix_stage;            /* UNIX-CLIENT: 0 stream, 1 dgram, 2 seqpacket */
	/* options */
	char *bind_text;
	struct sk_filter f;        /* range, allow/deny, sourceport, lowport */
	int send_proxy;            /* send-proxy: PROXY protocol version, 0: none */
	bool fork;
	long long retries;
	bool forever;
	double interval;
	double connect_timeout;    /* 0: none */
	double accept_timeout;     /* 0: none */
	int backlog;
	bool tight;                /* unix-tightsocklen */
	bool bind_tempname;
	char *tempname_tmpl;
	/* state */
	struct loop_timer *timer;  /* retry, connect timeout, client-fork interval, emfile */
	struct loop_timer *atimer; /* accept-timeout */
	bool paused_children;
	bool paused_emfile;
	struct conn_rate crate;     /* max-conn-rate= */
	bool paused_rate;           /* ... this second's connections are used up */
	struct loop_timer *rtimer;  /* ... until it fires */
	struct per_ip *perip;       /* max-per-ip=, NULL: none */
	bool emfile_warned;
	bool in_open;
	bool sync_failed;
	bool path_created;         /* we bound rq.path: ours to remove */
	dev_t path_dev;            /* ... the socket file we made there (removed only if still it) */
	ino_t path_ino;
	char *client_path;         /* UNIX client bound to this path (removed at close) */
	struct guard *guards;      /* callers on the stack that must learn when s is freed */
	bool unix_eagain;          /* UNIX connect got EAGAIN: try again on the timer */
	double unix_deadline;
	unsigned char *dgbuf;
	bool announced;            /* on_listening was called */
	struct resolve_job *resolving; /* rq.name being looked up */
	int netns_fd;              /* netns=: the namespace every socket of this open is made in
				      (later attempts too, when xio_open_start has switched back);
				      -1: none */
	/* the failed call behind the next sk_fail, for on_open_error (err 0: none) */
	const char *fail_call;
	int fail_err;
	struct sa_addr fail_addr;
};

static void attempt(struct sk *s);
static void attempt_client(struct sk *s);
static void update_polling(struct sk *s);

/* ---------- small helpers ---------- */

void sk_req_init(struct sk_req *rq, enum sk_role role, int domain, int type, int protocol)
{
	memset(rq, 0, sizeof *rq);
	rq->role = role;
	rq->domain = domain;
	rq->type = type;
	rq->protocol = protocol;
	rq->listen_word = "";
	rq->inherited_fd = -1;
	rq->desc = "socket";
}

void sk_req_free(struct sk_req *rq)
{
	sa_list_free(&rq->peers);
	free(rq->path);
	rq->path = NULL;
	free((char *)rq->name.host);
	free((char *)rq->name.port);
	rq->name.host = rq->name.port = NULL;
}

/* Look host up here and now rather than in a thread: no loop, a process serving one session,
 * res-* options (they set this thread's resolver), or nothing to look up (a literal). */
static bool lookup_in_place(const struct xio_open *op, bool resolver_opts, const char *host)
{
	return !op->loop || (op->g && op->g->session_process) || resolver_opts || !sa_needs_resolver(host) ||
	       op->proc.netns; /* with the namespace's own lo, routes and resolver as it is now */
}

bool sk_lookup_in_place(const struct xio_open *op, const char *host)
{
	static const enum opt_id res_opts[] = {
		OPT_RES_NSADDR, OPT_RES_DEBUG, OPT_RES_DEFNAMES, OPT_RES_DNSRCH, OPT_RES_IGNTC,
		OPT_RES_RECURSE, OPT_RES_STAYOPEN, OPT_RES_USEVC, OPT_RES_RETRANS, OPT_RES_RETRY,
	};
	bool resolver_opts = false;
	for (size_t i = 0; i < sizeof res_opts / sizeof res_opts[0] && !resolver_opts; i++)
		resolver_opts = opt_peek(&op->opts, res_opts[i]) != NULL;
	return lookup_in_place(op, resolver_opts, host);
}

static int set_peers(struct xio_open *op, struct sk_req *rq, const struct resolve_query *q, char *err,
		     size_t errlen)
{
	if (lookup_in_place(op, q->flags & SA_THIS_THREAD, q->host))
		return resolve_now(q, &rq->peers, err, errlen);
	/* a bad port is reported now, as without the thread */
	struct sa_list none;
	if (sa_resolve("", q->port, AF_INET, 4, q->socktype, q->protocol, SA_PASSIVE, &none, err, errlen) < 0)
		return -1;
	sa_list_free(&none);
	rq->name = *q;
	rq->name.host = strdup(q->host);
	rq->name.port = q->port ? strdup(q->port) : NULL;
	if (!rq->name.host || (q->port && !rq->name.port)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rq->resolve_later = true;
	return 0;
}

int sk_req_set_peers(struct xio_open *op, struct sk_req *rq, const char *host, const char *port)
{
	int flags = sk_resolve_flags(op, false);
	if (flags < 0) {
		sk_req_free(rq);
		return -1;
	}
	const struct resolve_query q = { host, port, rq->domain, op->g ? op->g->ipv : 4, rq->type, rq->protocol,
					 flags };
	char err[ERROR_TEXT_SIZE];
	if (set_peers(op, rq, &q, err, sizeof err) < 0) {
		ERR("%s", err);
		sk_req_free(rq);
		return -1;
	}
	return 0;
}

void sk_addr_error(struct xio_open *op, const char *fmt, ...)
{
	char buf[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ERR("%s: %s", op->typed ? op->typed : (op->h ? op->h->name : "address"), buf);
}

static const char *sainfo(const void *sa, socklen_t len, char *buf, unsigned buflen)
{
	return sockaddr_info((const struct sockaddr *)sa, len, buf, buflen);
}

static void copy_used(const struct opt_list *from, struct opt_list *to)
{
	if (from->n != to->n)
		return;
	for (size_t i = 0; i < from->n; i++)
		to->v[i].used = from->v[i].used;
}

static int list_dup(const struct opt_list *from, struct opt_list *to)
{
	memset(to, 0, sizeof *to);
	if (opt_list_copy(from, to) < 0)
		return -1;
	copy_used(from, to);
	return 0;
}

static void apply(struct sk *s, enum opt_phase ph, int fd, const char *path, int *rc)
{
	if (*rc < 0)
		return;
	struct opt_apply_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.fd = fd;
	ctx.path = path;
	ctx.open_mode = 0666;
	ctx.addrname = s->op->typed;
	if (opt_apply_phase(&s->op->opts, ph, &ctx) < 0)
		*rc = -1;
}

static int set_int_opt(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof val);
}

static bool is_dgram_type(int type)
{
	return type == SOCK_DGRAM || type == SOCK_RAW || type == SOCK_SEQPACKET || type == SOCK_PACKET ||
	       type == SOCK_RDM;
}

/* Remove the socket file we bound, but only while it is still that socket: if the path now
 * names something else (replaced by another file, a symlink), it is not ours to delete. */
static void unlink_own_socket(struct sk *s)
{
	struct stat st;
	if (lstat(s->rq.path, &st) < 0)
		return;
	if (!S_ISSOCK(st.st_mode) || st.st_dev != s->path_dev || st.st_ino != s->path_ino) {
		WARN("not removing \"%s\": it is no longer the socket file created here", s->rq.path);
		return;
	}
	if (unlink(s->rq.path) < 0 && errno != ENOENT)
		WARN("unlink(\"%s\"): %s", s->rq.path, strerror(errno));
	else
		INFO("unlink(\"%s\")", s->rq.path);
}

static void close_fd(struct sk *s)
{
	if (s->fd < 0)
		return;
	if (s->polling)
		loop_del_fd(s->op->loop, s->fd);
	s->polling = false;
	close(s->fd);
	s->fd = -1;
	s->listening = false;
}

/* A client attempt that failed leaves the socket file it bound: remove it, so the next
 * attempt (another socket type, retry=) can bind the name again. */
static void drop_client_path(struct sk *s)
{
	if (!s->client_path)
		return;
	unlink(s->client_path);
	free(s->client_path);
	s->client_path = NULL;
}

static void cancel_timers(struct sk *s)
{
	if (s->timer)
		loop_timer_cancel(s->op->loop, s->timer);
	if (s->atimer)
		loop_timer_cancel(s->op->loop, s->atimer);
	if (s->rtimer)
		loop_timer_cancel(s->op->loop, s->rtimer);
	s->timer = s->atimer = s->rtimer = NULL;
}

static void sk_free(struct sk *s)
{
	guard_clear_all(s->guards);
	resolve_cancel(s->resolving);
	sk_req_free(&s->rq);
	opt_list_free(&s->tmpl);
	if (s->have_conn_tmpl)
		opt_list_free(&s->conn_tmpl);
	free(s->bind_text);
	free(s->tempname_tmpl);
	free(s->client_path);
	free(s->dgbuf);
	sk_filter_free(&s->f);
	per_ip_release(s->perip);
	if (s->netns_fd >= 0)
		close(s->netns_fd);
	free(s);
}

/* Tear down everything (loop registrations, timers, fd, socket file) and free. */
static void sk_destroy(struct sk *s)
{
	struct xio_open *op = s->op;
	if (op->priv == s)
		op->priv = NULL;
	if (op->is_child_session) {
		/* A per-connection process: the loop already closed what it watched and forgot its
		 * timers; close the rest, never remove socket files. */
		if (s->fd >= 0 && !s->polling)
			close(s->fd);
		s->fd = -1;
	} else {
		cancel_timers(s);
		close_fd(s);
		if (s->path_created && s->rq.unlink_close && s->rq.path && !s->rq.abstract)
			unlink_own_socket(s);
		if (s->client_path)
			unlink(s->client_path);
	}
	sk_free(s);
}

/* The open failed for good: report it (synchronously by returning -1 from sk_open, or through
 * deliver). Nothing may touch s or op afterwards. */
static void finish_fail(struct sk *s, int status)
{
	if (s->in_open) {
		s->sync_failed = true;
		return;
	}
	struct xio_open *op = s->op;
	sk_destroy(s);
	op->deliver(op, NULL, status);
}

static void retry_cb(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	s->timer = NULL;
	s->cand = 0;
	attempt(s);
}

/* Remember the failing call for on_open_error (the next sk_fail reports it). */
static void set_fail(struct sk *s, const char *call, int err, const struct sockaddr *sa, socklen_t len)
{
	s->fail_call = call;
	s->fail_err = err;
	s->fail_addr.len = 0;
	if (sa && len <= sizeof s->fail_addr.u) {
		memcpy(&s->fail_addr.u, sa, len);
		s->fail_addr.len = len;
	}
}

/* A step failed with message msg: try the next resolved address, else retry after interval,
 * else give up. Messages are info while a retry remains, errors at the end. */
static void sk_fail(struct sk *s, bool retryable, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sk_fail(struct sk *s, bool retryable, const char *fmt, ...)
{
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	int fail_err = s->fail_err; /* set_fail() just before: reported through on_open_error */
	s->fail_err = 0;
	close_fd(s);
	if (!s->op->is_child_session)
		drop_client_path(s);
	if (s->timer) {
		loop_timer_cancel(s->op->loop, s->timer);
		s->timer = NULL;
	}
	bool client = s->rq.role == SK_CONNECT || s->rq.role == SK_DG_CONNECT ||
		      s->rq.role == SK_DG_SENDTO || s->rq.role == SK_DG_DATAGRAM;
	if (retryable && client && s->cand + 1 < s->rq.peers.n) {
		INFO("%s", msg);
		s->cand++;
		attempt(s);
		return;
	}
	if (retryable && (s->forever || s->retries > 0)) {
		INFO("%s", msg);
		if (!s->forever)
			s->retries--;
		s->timer = loop_timer_add(s->op->loop, s->interval, retry_cb, s);
		if (s->timer)
			return;
	}
	const struct xio_globals *g = s->op->g;
	if (fail_err && g && g->on_open_error) {
		INFO("%s", msg);
		g->on_open_error(g->hook_arg, s->op->index, s->fail_call, fail_err, &s->fail_addr.u.sa, s->fail_addr.len);
	} else if (msg[0]) {
		ERR("%s", msg);
	}
	finish_fail(s, 1);
}

static int reset_opts(struct sk *s)
{
	opt_list_free(&s->op->opts);
	if (list_dup(&s->tmpl, &s->op->opts) < 0) {
		ERR("%s: out of memory", s->op->typed);
		return -1;
	}
	return 0;
}

/* ---------- datagram endpoint layer ---------- */

#define DGF_SENDTO  0x01 /* write = sendto(peer) */
#define DGF_PEERONLY 0x02 /* read: only datagrams from peer (address and port) */
#define DGF_RANGE   0x04 /* read: only datagrams in range / sourceport / lowport */
#define DGF_PREREAD 0x08 /* one datagram was read already (RECVFROM) */
#define DGF_ANC     0x10 /* read with recvmsg and report the ancillary data (RECV) */

struct dg_ctx {
	unsigned flags;
	union sockaddr_any peer;
	socklen_t peerlen;
	unsigned char *pkt;
	size_t pktlen;
	bool pkt_ready;
	bool has_range;
	struct sa_range range;
	int sourceport;
	bool lowport;
	bool raw_ip;
	struct endpoint_ops ops;
};

static void report_ancillary(struct endpoint *ep, struct msghdr *mh);

static bool peer_ok(const struct dg_ctx *d, const struct sockaddr *sa, socklen_t len)
{
	if (d->flags & DGF_PEERONLY) {
		if (sa->sa_family != d->peer.sa.sa_family)
			return false;
		if (sa->sa_family == AF_INET) {
			const struct sockaddr_in *a = (const void *)sa;
			if (a->sin_addr.s_addr != d->peer.in4.sin_addr.s_addr)
				return false;
			if (!d->raw_ip && a->sin_port != d->peer.in4.sin_port)
				return false;
		} else if (sa->sa_family == AF_INET6) {
			const struct sockaddr_in6 *a = (const void *)sa;
			if (memcmp(&a->sin6_addr, &d->peer.in6.sin6_addr, 16))
				return false;
			if (!d->raw_ip && a->sin6_port != d->peer.in6.sin6_port)
				return false;
		} else if (sa->sa_family == AF_UNIX) {
			/* lengths differ with and without the trailing NUL: compare the names */
			char a[sizeof(struct sockaddr_un)], b[sizeof(struct sockaddr_un)];
			sa_addr_text(sa, len, a, sizeof a);
			sa_addr_text(&d->peer.sa, d->peerlen, b, sizeof b);
			if (strcmp(a, b) || (len > offsetof(struct sockaddr_un, sun_path) &&
					     (((const struct sockaddr_un *)sa)->sun_path[0] == 0) !=
						     (d->peer.un.sun_path[0] == 0)))
				return false;
		} else if (len != d->peerlen || memcmp(sa, &d->peer, len)) {
			return false;
		}
	}
	if (d->flags & DGF_RANGE) {
		if (d->has_range && !sa_range_match(&d->range, sa, len))
			return false;
		int port = sa_port(sa, len);
		if (d->sourceport >= 0 && port != d->sourceport)
			return false;
		if (d->lowport && port >= 1024)
			return false;
	}
	return true;
}

static ssize_t dg_read(struct endpoint *ep, void *buf, size_t len)
{
	struct dg_ctx *d = ep->ctx;
	if (d->flags & DGF_PREREAD) {
		if (!d->pkt_ready)
			return 0; /* one-shot: EOF after the packet */
		size_t n = d->pktlen < len ? d->pktlen : len;
		memcpy(buf, d->pkt, n);
		d->pkt_ready = false;
		free(d->pkt);
		d->pkt = NULL;
		return (ssize_t)n;
	}
	for (;;) {
		union sockaddr_any from;
		socklen_t fl = sizeof from;
		unsigned char cbuf[512];
		struct iovec iov = { buf, len };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = fl, .msg_iov = &iov, .msg_iovlen = 1 };
		if (d->flags & DGF_ANC) {
			mh.msg_control = cbuf;
			mh.msg_controllen = sizeof cbuf;
		}
		ssize_t n = recvmsg(ep->rfd, &mh, MSG_DONTWAIT);
		if (n < 0)
			return -1;
		fl = mh.msg_namelen;
		if (d->flags & DGF_ANC)
			report_ancillary(NULL, &mh); /* a sink: no child to export to */
		if (d->raw_ip && from.sa.sa_family == AF_INET && n > 0) {
			/* raw IPv4 sockets read the IP header too: pass on the payload */
			size_t ihl = (size_t)(((unsigned char *)buf)[0] & 0x0f) * 4;
			if (ihl <= (size_t)n) {
				memmove(buf, (char *)buf + ihl, (size_t)n - ihl);
				n -= (ssize_t)ihl;
			}
		}
		if (!(d->flags & (DGF_PEERONLY | DGF_RANGE)) || peer_ok(d, &from.sa, fl))
			return n;
		if (log_enabled(LOG_I)) {
			char b[200];
			INFO("ignoring datagram from %s", sainfo(&from, fl, b, sizeof b));
		}
	}
}

static ssize_t dg_write(struct endpoint *ep, const void *buf, size_t len)
{
	struct dg_ctx *d = ep->ctx;
	if (d->flags & DGF_SENDTO)
		return sendto(ep->wfd, buf, len, MSG_DONTWAIT, &d->peer.sa, d->peerlen);
	return send(ep->wfd, buf, len, MSG_DONTWAIT);
}

/* RECVFROM sessions share the server's socket: shutdown(SHUT_WR) would stop it for everyone. */
static int dg_shutdown_none(struct endpoint *ep)
{
	(void)ep;
	return 0;
}

static size_t dg_pending(struct endpoint *ep)
{
	struct dg_ctx *d = ep->ctx;
	if ((d->flags & DGF_PREREAD) && d->pkt_ready)
		return d->pktlen ? d->pktlen : 1;
	return 0;
}

static void dg_close(struct endpoint *ep)
{
	struct dg_ctx *d = ep->ctx;
	if (ep->rfd >= 0)
		close(ep->rfd);
	if (ep->wfd >= 0 && ep->wfd != ep->rfd)
		close(ep->wfd);
	ep->rfd = ep->wfd = -1;
	if (d) {
		free(d->pkt);
		free(d);
	}
	ep->ctx = NULL;
}

static struct dg_ctx *dg_attach(struct endpoint *ep, unsigned flags)
{
	struct dg_ctx *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->flags = flags;
	d->sourceport = -1;
	d->ops.read = dg_read;
	d->ops.write = dg_write;
	d->ops.pending = dg_pending;
	d->ops.close = dg_close;
	ep->ops = &d->ops;
	ep->ctx = d;
	ep->flags |= EPF_NOSPLICE;
	return d;
}

/* ---------- endpoints ---------- */

/* own: a socket this family made or accepted itself (not an inherited or foreign fd): it is
 * pollable, no tty, and nobody else holds it; the engine skips fstat/ioctl for it. */
static struct endpoint *new_ep_own(struct xio_open *op, int fd, bool dgram, const char *desc, bool own)
{
	struct endpoint *ep = endpoint_new();
	if (!ep)
		return NULL;
	ep->rfd = ep->wfd = fd;
	if (op->dir & XIO_RDONLY)
		ep->flags |= EPF_READ;
	if (op->dir & XIO_WRONLY)
		ep->flags |= EPF_WRITE;
	if (dgram)
		ep->flags |= EPF_DGRAM | EPF_NOSPLICE;
	snprintf(ep->desc, sizeof ep->desc, "%s", desc ? desc : "socket");
	if (own)
		ep->flags |= EPF_SOCKET;
	else
		xio_classify_fds(ep);
	return ep;
}

static struct endpoint *new_ep(struct xio_open *op, int fd, bool dgram, const char *desc)
{
	return new_ep_own(op, fd, dgram, desc, false);
}

struct endpoint *sk_make_endpoint(struct xio_open *op, int fd, const char *desc, bool dgram)
{
	return new_ep(op, fd, dgram, desc);
}

static void export_env(const struct xio_open *op, struct endpoint *ep, int fd, const struct sockaddr *peer,
		       socklen_t peerlen)
{
	union sockaddr_any la;
	socklen_t ll = sizeof la;
	if (op->g && !op->g->peer_env)
		return;
	if (peer && peerlen)
		xio_export_addr_env(ep, "PEER", peer, peerlen);
	if (fd >= 0 && getsockname(fd, &la.sa, &ll) == 0)
		xio_export_addr_env(ep, "SOCK", &la.sa, ll);
}

/* Hand ep over. For one-shot opens the state is freed first and nothing touches s or op
 * afterwards; returns false then (or when the runner stopped us meanwhile, or in a
 * per-connection child process). Returns true when the caller may go on (fork). */
static bool hand_over(struct sk *s, struct endpoint *ep, bool more)
{
	struct xio_open *op = s->op;
	if (xio_take_appl_opts(op, ep) < 0) {
		endpoint_close(ep);
		if (!more) {
			finish_fail(s, 1);
			return false;
		}
		return true;
	}
	if (!more) {
		sk_destroy(s);
		xio_finish(op, ep);
		return false;
	}
	struct guard g;
	guard_push(&s->guards, &g);
	xio_finish(op, ep);
	if (!g.alive)
		return false;
	guard_pop(&s->guards, &g);
	if (op->is_child_session) {
		/* classic fork: this process serves the connection just delivered */
		sk_destroy(s);
		return false;
	}
	return true;
}

/* Per-connection option list for servers with fork: swap op->opts with a copy of conn_tmpl. */
static int conn_opts_begin(struct sk *s, struct opt_list *saved)
{
	if (!s->fork || !s->have_conn_tmpl)
		return 0;
	*saved = s->op->opts;
	if (list_dup(&s->conn_tmpl, &s->op->opts) < 0) {
		s->op->opts = *saved;
		return -1;
	}
	return 1;
}

static void conn_opts_end(struct sk *s, struct opt_list *saved, int swapped)
{
	if (swapped <= 0)
		return;
	opt_list_free(&s->op->opts);
	s->op->opts = *saved;
}

static bool children_full(struct sk *s)
{
	return s->op->max_children > 0 && s->op->active >= (unsigned)s->op->max_children;
}

/* ---------- socket creation and binding ---------- */

static int create_socket(struct sk *s, int family, int type, int protocol)
{
	int rc = 0;
	apply(s, PH_PRESOCKET, -1, NULL, &rc);
	apply(s, PH_SOCKET, -1, NULL, &rc);
	if (rc < 0)
		return -2;
	int back = -1;
	if (s->netns_fd >= 0 && (back = proc_netns_enter(s->netns_fd, s->op->typed)) < 0)
		return -2;
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	int e = errno;
	proc_netns_leave(back);
	if (fd < 0) {
		const char *what = NULL;
		if (e == EPROTONOSUPPORT || e == ESOCKTNOSUPPORT || e == EAFNOSUPPORT || e == EPFNOSUPPORT) {
			if (protocol == IPPROTO_SCTP)
				what = "SCTP";
			else if (protocol == IPPROTO_DCCP || type == SOCK_DCCP)
				what = "DCCP";
			else if (protocol == IPPROTO_UDPLITE)
				what = "UDP-Lite";
			else if (family == AF_VSOCK)
				what = "VSOCK";
			else if (family == AF_INET6)
				what = "IPv6";
		}
		if (what)
			sk_fail(s, false, "socket(%d, %d, %d): %s (%s is not supported by this kernel)", family,
				type, protocol, strerror(e), what);
		else
			sk_fail(s, e != EACCES && e != EPERM && e != EINVAL, "socket(%d, %d, %d): %s", family, type,
				protocol, strerror(e));
		return -1;
	}
	s->fd = fd;
	DBG("socket(%d, %d, %d) -> %d", family, type, protocol, fd);
	if ((family == AF_INET || family == AF_INET6) && type == SOCK_STREAM &&
	    (protocol == 0 || protocol == IPPROTO_TCP)) {
		/* A relay writes what it has just read; with Nagle's algorithm a second small
		 * write waits for the ACK of the first, which the peer delays by up to 40 ms (a TLS
		 * reply behind the session tickets: 23 instead of 500 handshakes and round trips a
		 * second). TCP_NODELAY, as HAProxy does; accepted sockets inherit it from the
		 * listener. nodelay=0 (applied after this) turns it off. */
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	apply(s, PH_PASTSOCKET, fd, NULL, &rc);
	if (rc < 0) {
		close_fd(s);
		return -2;
	}
	return fd;
}

/* bind(2) with socat's debug lines: "bind(FD, ADDR, LEN)" and "bind() -> RC" */
static int bind_logged(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (log_enabled(LOG_D)) {
		char b[SOCKADDR_TEXT_SIZE];
		DBG("bind(%d, %s, %u)", fd, sainfo(sa, len, b, sizeof b), (unsigned)len);
	}
	int r = bind(fd, sa, len);
	int e = errno;
	DBG("bind() -> %d", r);
	errno = e;
	return r;
}

static int do_bind(struct sk *s, const struct sockaddr *sa, socklen_t len)
{
	if (bind_logged(s->fd, sa, len) == 0)
		return 0;
	int e = errno;
	char b[SOCKADDR_TEXT_SIZE], hint[400] = "";
	if (e == EADDRINUSE)
		porthold_describe(sa->sa_family, s->rq.type, s->rq.protocol, sa, len, hint, sizeof hint);
	char msg[800];
	snprintf(msg, sizeof msg, "bind(%d, {%s}, %u): %s%s", s->fd, sainfo(sa, len, b, sizeof b), (unsigned)len,
		 strerror(e), hint);
	set_fail(s, "bind", e, sa, len);
	sk_fail(s, true, "%s", msg);
	return -1;
}

static uint32_t rnd32(void)
{
	static unsigned seed;
	if (!seed) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (unsigned)(ts.tv_nsec ^ (unsigned)getpid() ^ (unsigned)ts.tv_sec);
	}
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

/* The template's last "XXXXXX" becomes random characters, as mkstemp(3) does; an X
 * elsewhere (a directory like /tmp/duct.aXb12c) is part of the name. */
static void fill_random(char *p)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char *last = NULL;
	for (char *x = strstr(p, "XXXXXX"); x; x = strstr(x + 1, "XXXXXX"))
		last = x;
	for (int i = 0; last && i < 6; i++)
		last[i] = chars[rnd32() % (sizeof chars - 1)];
}

/* Client-side bind: bind=, sourceport, lowport, unix-bind-tempname. 0 ok, -1 failed (handled). */
static int client_bind(struct sk *s, int family)
{
	struct xio_open *op = s->op;
	struct sa_addr la;
	memset(&la, 0, sizeof la);
	bool need = s->bind_text || s->rq.has_bind || s->f.sourceport >= 0 || s->f.lowport || s->bind_tempname;
	if (!need)
		return 0;
	if (s->rq.has_bind)
		return do_bind(s, &s->rq.bind.u.sa, s->rq.bind.len);
	char err[400];
	if (family == AF_UNIX) {
		if (s->bind_tempname) {
			char name[sizeof la.u.un.sun_path];
			snprintf(name, sizeof name, "%s", s->tempname_tmpl ? s->tempname_tmpl :
				 s->rq.abstract ? "socat-XXXXXX" : "/tmp/fileXXXXXX");
			if (!strstr(name, "XXXXXX") && strlen(name) + 6 < sizeof name)
				strcat(name, "XXXXXX");
			for (int tries = 0; tries < 50; tries++) {
				char t[sizeof name];
				strcpy(t, name);
				fill_random(t);
				if (sa_unix(t, s->rq.abstract, s->tight, &la, err, sizeof err) < 0) {
					sk_fail(s, false, "%s: %s", op->typed, err);
					return -1;
				}
				if (bind_logged(s->fd, &la.u.sa, la.len) == 0) {
					if (!s->rq.abstract) {
						free(s->client_path);
						s->client_path = strdup(t);
					}
					return 0;
				}
				if (errno != EADDRINUSE)
					break;
			}
			char b[SOCKADDR_TEXT_SIZE];
			sk_fail(s, true, "bind(%d, {%s}, %u): %s", s->fd, sainfo(&la.u, la.len, b, sizeof b),
				(unsigned)la.len, strerror(errno));
			return -1;
		}
		if (!s->bind_text)
			return 0;
		if (sa_unix(s->bind_text, s->rq.abstract, s->tight, &la, err, sizeof err) < 0) {
			sk_fail(s, false, "%s: %s", op->typed, err);
			return -1;
		}
		if (do_bind(s, &la.u.sa, la.len) < 0)
			return -1;
		if (!s->rq.abstract) {
			free(s->client_path);
			s->client_path = strdup(s->bind_text);
		}
		return 0;
	}
	if (family == AF_INET || family == AF_INET6) {
		if (s->bind_text) {
			if (sa_parse_bind(family, s->bind_text, op->g ? op->g->ipv : 4, s->rq.type, s->rq.protocol,
					  s->rq.proto_name, false, &la, err, sizeof err) < 0) {
				sk_fail(s, false, "%s: bind=%s: %s", op->typed, s->bind_text, err);
				return -1;
			}
		} else {
			struct sa_list l = {0};
			sa_resolve("", NULL, family, 4, s->rq.type, s->rq.protocol, SA_PASSIVE, &l, err, sizeof err);
			if (l.n)
				la = l.a[0];
			sa_list_free(&l);
		}
		if (s->f.sourceport >= 0)
			sa_set_port(&la.u.sa, (uint16_t)s->f.sourceport);
		if (s->f.lowport && !s->rq.raw_ip) {
			unsigned start = 640 + rnd32() % (1024 - 640);
			for (unsigned i = 0; i < 1024 - 640; i++) {
				unsigned p = 640 + (start - 640 + i) % (1024 - 640);
				sa_set_port(&la.u.sa, (uint16_t)p);
				if (bind_logged(s->fd, &la.u.sa, la.len) == 0)
					return 0;
				if (errno != EADDRINUSE)
					break;
			}
			char b[SOCKADDR_TEXT_SIZE];
			sk_fail(s, true, "bind(%d, {%s}, %u): %s", s->fd, sainfo(&la.u, la.len, b, sizeof b),
				(unsigned)la.len, strerror(errno));
			return -1;
		}
		return do_bind(s, &la.u.sa, la.len);
	}
	if (s->bind_text) {
		if (sa_parse_bind(family, s->bind_text, 4, s->rq.type, s->rq.protocol, NULL, false, &la, err,
				  sizeof err) < 0) {
			sk_fail(s, false, "%s: bind=%s: %s", op->typed, s->bind_text, err);
			return -1;
		}
		return do_bind(s, &la.u.sa, la.len);
	}
	return 0;
}

/* ---------- clients ---------- */

static void client_done(struct sk *s);

static void connect_timeout_cb(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	s->timer = NULL;
	char b[SOCKADDR_TEXT_SIZE];
	struct sa_addr *p = &s->rq.peers.a[s->cand];
	set_fail(s, "connect", ETIMEDOUT, &p->u.sa, p->len);
	sk_fail(s, true, "connect(%d, %s, %u): %s", s->fd, sainfo(&p->u, p->len, b, sizeof b), (unsigned)p->len,
		strerror(ETIMEDOUT));
}

static void connect_ready_cb(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	int err = xio_connect_result(fd, events);
	if (err) {
		char b[SOCKADDR_TEXT_SIZE];
		struct sa_addr *p = &s->rq.peers.a[s->cand];
		set_fail(s, "connect", err, &p->u.sa, p->len);
		sk_fail(s, true, "connect(%d, %s, %u): %s", s->fd, sainfo(&p->u, p->len, b, sizeof b),
			(unsigned)p->len, strerror(err));
		return;
	}
	client_done(s);
}

static void unix_reconnect_cb(struct loop *lp, void *arg);

static void client_connect(struct sk *s)
{
	struct sa_addr *p = &s->rq.peers.a[s->cand];
	char b[SOCKADDR_TEXT_SIZE];
	if (connect(s->fd, &p->u.sa, p->len) == 0) {
		client_done(s);
		return;
	}
	int e = errno;
	if (e == EINPROGRESS) {
		/* Over loopback (and to a local listener) the handshake has usually completed
		 * inside connect() already: one poll() instead of epoll_ctl ADD, a loop round,
		 * getsockopt and epoll_ctl DEL per connection (connection-churn benchmark). */
		struct pollfd pf = { .fd = s->fd, .events = POLLOUT };
		if (p->u.sa.sa_family != AF_UNIX && poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT) {
			client_done(s);
			return;
		}
		if (loop_add_fd(s->op->loop, s->fd, LOOP_OUT, connect_ready_cb, s) < 0) {
			sk_fail(s, false, "cannot watch fd %d: %s", s->fd, strerror(errno));
			return;
		}
		s->polling = true;
		if (s->connect_timeout > 0)
			s->timer = loop_timer_add(s->op->loop, s->connect_timeout, connect_timeout_cb, s);
		return;
	}
	if (e == EAGAIN && p->u.sa.sa_family == AF_UNIX) {
		/* the listener's backlog is full: try again shortly */
		double now = loop_now();
		if (!s->unix_eagain) {
			s->unix_eagain = true;
			s->unix_deadline = s->connect_timeout > 0 ? now + s->connect_timeout : 0;
		}
		if (!s->unix_deadline || now < s->unix_deadline) {
			s->timer = loop_timer_add(s->op->loop, 0.01, unix_reconnect_cb, s);
			if (s->timer)
				return;
		}
	}
	/* UNIX-CLIENT: stream, then datagram, then seqpacket. A socket file of another type answers
	 * EPROTOTYPE; an abstract name is looked up per type, so one of another type answers
	 * ECONNREFUSED, as nobody does (then every type is refused). */
	if (s->rq.unix_client && s->unix_stage < 2 && (e == EPROTOTYPE || (e == ECONNREFUSED && s->rq.abstract))) {
		INFO("connect(%d, %s, %u): %s; trying a %s socket", s->fd, sainfo(&p->u, p->len, b, sizeof b),
		     (unsigned)p->len, strerror(e), s->unix_stage == 0 ? "datagram" : "seqpacket");
		s->unix_stage++;
		close_fd(s);
		drop_client_path(s);
		attempt(s);
		return;
	}
	bool tried_all = s->rq.unix_client && s->unix_stage == 2 && (e == EPROTOTYPE || e == ECONNREFUSED);
	sk_fail(s, true, "connect(%d, %s, %u): %s%s", s->fd, sainfo(&p->u, p->len, b, sizeof b), (unsigned)p->len,
		strerror(e), tried_all ? " (as a stream, datagram and seqpacket socket: is anything bound there?)" : "");
}

static void unix_reconnect_cb(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	s->timer = NULL;
	client_connect(s);
}

static int client_type(struct sk *s)
{
	if (s->rq.unix_client)
		return s->unix_stage == 0 ? SOCK_STREAM : s->unix_stage == 1 ? SOCK_DGRAM : SOCK_SEQPACKET;
	return s->rq.type;
}

static void resolved_cb(void *arg, struct sa_list *peers, const char *err)
{
	struct sk *s = arg;
	s->resolving = NULL;
	s->rq.resolve_later = false;
	if (!peers) {
		ERR("%s", err);
		finish_fail(s, 1);
		return;
	}
	s->rq.peers = *peers;
	s->cand = 0;
	attempt_client(s);
}

/* The name is looked up first (once; retries reuse the addresses). Returns true when the
 * attempt goes on now, false when it continues from resolved_cb or has failed. */
static bool have_peers(struct sk *s)
{
	if (!s->rq.resolve_later)
		return true;
	if (s->resolving)
		return false;
	const struct resolve_query *q = &s->rq.name;
	s->resolving = resolve_start(s->op->loop, q, resolved_cb, s);
	if (s->resolving)
		return false;
	/* no thread to be had: look it up here */
	char err[ERROR_TEXT_SIZE];
	s->rq.resolve_later = false;
	if (resolve_now(q, &s->rq.peers, err, sizeof err) < 0) {
		ERR("%s", err);
		finish_fail(s, 1);
		return false;
	}
	return true;
}

static void attempt_client(struct sk *s)
{
	struct xio_open *op = s->op;
	if (!have_peers(s))
		return;
	if (reset_opts(s) < 0) {
		finish_fail(s, 1);
		return;
	}
	s->unix_eagain = false;
	if (s->cand >= s->rq.peers.n) {
		sk_fail(s, false, "%s: no address to connect to", op->typed);
		return;
	}
	struct sa_addr *p = &s->rq.peers.a[s->cand];
	int fam = p->u.sa.sa_family;
	int type = client_type(s);
	int fd = create_socket(s, fam, type, s->rq.protocol);
	if (fd == -2) {
		finish_fail(s, 1);
		return;
	}
	if (fd < 0)
		return;
	int rc = 0;
	apply(s, PH_FD, fd, NULL, &rc);
	apply(s, PH_PREBIND, fd, NULL, &rc);
	if (rc < 0) {
		close_fd(s);
		finish_fail(s, 1);
		return;
	}
	if (client_bind(s, fam) < 0)
		return;
	apply(s, PH_PASTBIND, fd, NULL, &rc);
	apply(s, PH_PRECONNECT, fd, NULL, &rc);
	if (rc < 0) {
		close_fd(s);
		finish_fail(s, 1);
		return;
	}
	if (s->rq.role == SK_DG_SENDTO || s->rq.role == SK_DG_DATAGRAM) {
		client_done(s);
		return;
	}
	char b[SOCKADDR_TEXT_SIZE];
	NOTE("opening connection to %s", sainfo(&p->u, p->len, b, sizeof b));
	client_connect(s);
}

static void client_fork_next(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	s->timer = NULL;
	if (children_full(s)) {
		s->paused_children = true;
		NOTE("maxchildren are active, waiting");
		return;
	}
	s->cand = 0;
	s->unix_stage = 0;
	attempt(s);
}

static void client_done(struct sk *s)
{
	struct xio_open *op = s->op;
	if (s->timer) {
		loop_timer_cancel(op->loop, s->timer);
		s->timer = NULL;
	}
	if (s->polling) {
		loop_del_fd(op->loop, s->fd);
		s->polling = false;
	}
	struct sa_addr *p = &s->rq.peers.a[s->cand];
	union sockaddr_any la;
	socklen_t ll = sizeof la;
	char b[SOCKADDR_TEXT_SIZE];
	bool connected = s->rq.role == SK_CONNECT || s->rq.role == SK_DG_CONNECT;
	if (connected && log_enabled(LOG_N) && getsockname(s->fd, &la.sa, &ll) < 0)
		ll = 0;
	if (connected && log_enabled(LOG_N))
		NOTE("successfully connected from local address %s", sainfo(&la, ll, b, sizeof b));
	int rc = 0;
	apply(s, PH_PASTCONNECT, s->fd, NULL, &rc);
	apply(s, PH_CONNECTED, s->fd, NULL, &rc);
	if (rc < 0) {
		close_fd(s);
		finish_fail(s, 1);
		return;
	}
	int type = client_type(s);
	if (s->send_proxy && !is_dgram_type(type) && pp_send_header(op, s->fd, s->send_proxy) < 0) {
		close_fd(s);
		finish_fail(s, 1);
		return;
	}
	struct endpoint *ep = new_ep_own(op, s->fd, is_dgram_type(type), s->rq.desc, connected && !is_dgram_type(type));
	if (!ep) {
		sk_fail(s, false, "out of memory");
		return;
	}
	if (connected && !is_dgram_type(type))
		ep->flags |= EPF_RD_LATER;
	if (s->rq.role == SK_DG_SENDTO || s->rq.role == SK_DG_DATAGRAM) {
		struct dg_ctx *d = dg_attach(ep, DGF_SENDTO | (s->rq.role == SK_DG_SENDTO ? DGF_PEERONLY : 0) |
							 (s->rq.role == SK_DG_DATAGRAM &&
								  (s->f.has_range || s->f.sourceport >= 0 || s->f.lowport)
							      ? DGF_RANGE
							      : 0));
		if (!d) {
			endpoint_close(ep);
			s->fd = -1;
			finish_fail(s, 1);
			return;
		}
		memcpy(&d->peer, &p->u, p->len);
		d->peerlen = p->len;
		d->raw_ip = s->rq.raw_ip;
		d->has_range = s->f.has_range;
		d->range = s->f.range;
		d->sourceport = s->rq.role == SK_DG_DATAGRAM ? s->f.sourceport : -1;
		d->lowport = s->rq.role == SK_DG_DATAGRAM && s->f.lowport;
	}
	if (s->client_path) {
		endpoint_add_unlink(ep, s->client_path);
		free(s->client_path);
		s->client_path = NULL;
	}
	export_env(s->op, ep, s->fd, &p->u.sa, p->len);
	s->fd = -1;
	if (!hand_over(s, ep, s->fork))
		return;
	/* client fork: connect again after interval */
	s->timer = loop_timer_add(op->loop, s->interval, client_fork_next, s);
}

/* ---------- servers ---------- */

static void on_listen_ready(struct loop *lp, int fd, uint32_t events, void *arg);
static void on_dgram_ready(struct loop *lp, int fd, uint32_t events, void *arg);

static void update_polling(struct sk *s)
{
	bool want = s->listening && s->fd >= 0 && !s->paused_children && !s->paused_emfile && !s->paused_rate;
	if (want && !s->polling) {
		loop_fd_fn fn = s->rq.role == SK_LISTEN ? on_listen_ready : on_dgram_ready;
		if (loop_add_fd(s->op->loop, s->fd, LOOP_IN, fn, s) == 0)
			s->polling = true;
		else
			WARN("cannot watch listening socket %d: %s", s->fd, strerror(errno));
	} else if (!want && s->polling) {
		loop_del_fd(s->op->loop, s->fd);
		s->polling = false;
	}
}

static void accept_timeout_cb(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	struct xio_open *op = s->op;
	(void)lp;
	s->atimer = NULL;
	WARN("accept: %s", strerror(ETIMEDOUT));
	if (op->active > 0)
		NOTE("Waiting for child processes to terminate");
	/* a stopped multi-shot opener: the runner waits for the sessions and exits 0 */
	op->multi = true;
	sk_destroy(s);
	op->deliver(op, NULL, 0);
}

static void arm_accept_timeout(struct sk *s)
{
	if (s->accept_timeout <= 0)
		return;
	if (s->atimer)
		loop_timer_cancel(s->op->loop, s->atimer);
	s->atimer = loop_timer_add(s->op->loop, s->accept_timeout, accept_timeout_cb, s);
}

static bool refuse(struct xio_open *op, const struct sockaddr *sa, socklen_t len, const char *what, const char *why,
		   const char *text)
{
	char b[SOCKADDR_TEXT_SIZE];
	WARN("refusing %s from %s due to %s", what, sainfo(sa, len, b, sizeof b), text);
	const struct xio_globals *g = op->g;
	if (g && g->on_refused)
		g->on_refused(g->hook_arg, op->index, sa, len, why);
	return false;
}

bool sk_filter_ok(struct xio_open *op, const struct sk_filter *f, const struct sockaddr *sa, socklen_t len,
		  const char *what)
{
	if (f->has_range && !sa_range_match(&f->range, sa, len))
		return refuse(op, sa, len, what, "range", "range option");
	/* allow= wins over deny= (ncat); peers that aren't IP (UNIX) are not filtered */
	bool ip = sa->sa_family == AF_INET || sa->sa_family == AF_INET6;
	if (ip && f->allow.n && !sa_rangelist_match(&f->allow, sa, len))
		return refuse(op, sa, len, what, "allow", "allow list");
	if (ip && !f->allow.n && f->deny.n && sa_rangelist_match(&f->deny, sa, len))
		return refuse(op, sa, len, what, "deny", "deny list");
	int port = sa_port(sa, len);
	if (f->sourceport >= 0 && port >= 0 && port != f->sourceport)
		return refuse(op, sa, len, what, "sourceport", "wrong sourceport");
	if (f->lowport && port >= 1024)
		return refuse(op, sa, len, what, "lowport", "lowport option");
	return true;
}

static bool server_peer_ok(struct sk *s, const struct sockaddr *sa, socklen_t len, const char *what)
{
	return sk_filter_ok(s->op, &s->f, sa, len, what);
}

/* Create, bind and (for streams) listen; register for accept/receive. 0 ok, -1 failed
 * (handled through sk_fail/finish_fail). */
static int server_setup(struct sk *s)
{
	struct xio_open *op = s->op;
	char b[SOCKADDR_TEXT_SIZE];
	int rc = 0;
	if (reset_opts(s) < 0) {
		finish_fail(s, 1);
		return -1;
	}
	if (s->rq.inherited_fd >= 0) {
		s->fd = s->rq.inherited_fd;
		s->rq.inherited_fd = -1;
		union sockaddr_any la;
		socklen_t ll = sizeof la;
		if (getsockname(s->fd, &la.sa, &ll) < 0)
			ll = 0;
		INFO("accepting on inherited fd %d, %s", s->fd, sainfo(&la, ll, b, sizeof b));
	} else {
		int fd = create_socket(s, s->rq.local.u.sa.sa_family, s->rq.type, s->rq.protocol);
		if (fd == -2) {
			finish_fail(s, 1);
			return -1;
		}
		if (fd < 0)
			return -1;
		const char *path = s->rq.path && !s->rq.abstract ? s->rq.path : NULL;
		if (!path && s->rq.role != SK_LISTEN)
			apply(s, PH_FD, fd, NULL, &rc);
		apply(s, PH_PREBIND, fd, NULL, &rc);
		if (rc < 0) {
			close_fd(s);
			finish_fail(s, 1);
			return -1;
		}
		bool fork_dgram = s->fork && s->rq.role == SK_DG_LISTEN;
		if ((s->rq.auto_reuseaddr || fork_dgram) && !opt_present(&op->opts, OPT_REUSEADDR))
			set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
		if (op->g && op->g->workers > 1 && !opt_present(&op->opts, OPT_REUSEPORT))
			set_int_opt(fd, SOL_SOCKET, SO_REUSEPORT, 1);
		if (do_bind(s, &s->rq.local.u.sa, s->rq.local.len) < 0)
			return -1;
		if (sa_port(&s->rq.local.u.sa, s->rq.local.len) == 0 && !s->rq.raw_ip) {
			/* port 0: keep the one the kernel chose (a UDP-LISTEN fork rebinds it) */
			struct sa_addr got;
			got.len = sizeof got.u;
			if (getsockname(fd, &got.u.sa, &got.len) == 0 && got.len <= sizeof got.u)
				s->rq.local = got;
		}
		if (path) {
			struct stat pst;
			s->path_created = true;
			if (lstat(path, &pst) == 0) {
				s->path_dev = pst.st_dev;
				s->path_ino = pst.st_ino;
			}
		}
		if (path)
			apply(s, PH_FD, fd, path, &rc);
		apply(s, PH_PASTBIND, fd, NULL, &rc);
		if (rc < 0) {
			close_fd(s);
			finish_fail(s, 1);
			return -1;
		}
		if (s->rq.role == SK_LISTEN) {
			apply(s, PH_PRELISTEN, fd, NULL, &rc);
			if (rc < 0) {
				close_fd(s);
				finish_fail(s, 1);
				return -1;
			}
			if (listen(fd, s->backlog) < 0) {
				int e = errno;
				set_fail(s, "listen", e, &s->rq.local.u.sa, s->rq.local.len);
				sk_fail(s, true, "listen(%d, %d): %s", fd, s->backlog, strerror(e));
				return -1;
			}
			apply(s, PH_LISTEN, fd, NULL, &rc);
			apply(s, PH_PASTLISTEN, fd, NULL, &rc);
			if (rc < 0) {
				close_fd(s);
				finish_fail(s, 1);
				return -1;
			}
		}
	}
	union sockaddr_any la;
	socklen_t ll = sizeof la;
	if (getsockname(s->fd, &la.sa, &ll) < 0 || ll == 0 ||
	    (la.sa.sa_family == AF_UNIX && ll <= offsetof(struct sockaddr_un, sun_path))) {
		memcpy(&la, &s->rq.local.u, s->rq.local.len);
		ll = s->rq.local.len;
	}
	switch (s->rq.role) {
	case SK_LISTEN:
		NOTE("listening on %s", sainfo(&la, ll, b, sizeof b));
		break;
	case SK_DG_LISTEN:
		NOTE("listening on %s%s", s->rq.listen_word, sainfo(&la, ll, b, sizeof b));
		break;
	default:
		NOTE("receiving on %s", sainfo(&la, ll, b, sizeof b));
		break;
	}
	if (s->have_conn_tmpl)
		opt_list_free(&s->conn_tmpl);
	s->have_conn_tmpl = list_dup(&op->opts, &s->conn_tmpl) == 0;
	const struct xio_globals *g = op->g;
	if (!s->announced && g && g->on_listening) {
		s->announced = true;
		g->on_listening(g->hook_arg, op->index, &la.sa, ll);
	}
	s->listening = true;
	update_polling(s);
	if (!s->polling && !s->paused_children) {
		sk_fail(s, false, "%s: cannot watch the socket", op->typed);
		return -1;
	}
	return 0;
}

static void emfile_resume_cb(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	s->timer = NULL;
	s->paused_emfile = false;
	update_polling(s);
}

static void pause_emfile(struct sk *s, int e)
{
	if (!s->emfile_warned) {
		WARN("accept(%d): %s; pausing accepts for a moment", s->fd, strerror(e));
		s->emfile_warned = true;
	}
	s->paused_emfile = true;
	update_polling(s);
	if (!s->timer)
		s->timer = loop_timer_add(s->op->loop, 0.1, emfile_resume_cb, s);
}

/* Fork-mode listeners accept only while a session can still be set up: FD_HEADROOM free fds
 * (the accepted socket, EXEC's socketpair and pipes, a connecting socket, TLS...). Without
 * them the connection would be accepted only to be dropped when its other address fails with
 * EMFILE; instead it waits in the backlog and accepting pauses until fds are freed. */
#define FD_HEADROOM 8
/* The exact test below costs 2 x FD_HEADROOM syscalls; a connection-churn benchmark paid
 * them for every connection. The kernel hands out the lowest free fd, so the sessions' fds
 * pack below the highest number accept has returned (fd_hi): while that stays well under
 * the limit there is room, and only near it is the exact test run. */
static int fd_hi;
static rlim_t fd_lim;
static bool fd_headroom(int fd)
{
	if (fd_lim && fd_lim != RLIM_INFINITY && (rlim_t)fd_hi + 4 * FD_HEADROOM < fd_lim)
		return true;
	int got[FD_HEADROOM];
	int n = 0;
	while (n < FD_HEADROOM && (got[n] = fcntl(fd, F_DUPFD_CLOEXEC, 0)) >= 0)
		n++;
	int e = errno;
	for (int i = 0; i < n; i++)
		close(got[i]);
	errno = e;
	return n == FD_HEADROOM;
}

static void rate_resume_cb(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	s->rtimer = NULL;
	s->paused_rate = false;
	update_polling(s); /* level-triggered: connections waiting in the backlog report at once */
}

/* max-conn-rate: true when this second's connections are used up (accepting pauses). */
static bool rate_full(struct sk *s)
{
	double wait;
	if (!conn_rate_full(&s->crate, loop_now(), &wait))
		return false;
	if (log_enabled(LOG_I))
		logmsg(LOG_I, "max-conn-rate=%u reached: accepting again in %.3f s", s->crate.max, wait);
	s->paused_rate = true;
	update_polling(s);
	if (!s->rtimer)
		s->rtimer = loop_timer_add(s->op->loop, wait, rate_resume_cb, s);
	return true;
}

static void pause_children(struct sk *s)
{
	if (!s->paused_children)
		NOTE("maxchildren are active, waiting");
	s->paused_children = true;
	update_polling(s);
}

/* An accepted or UDP-"accepted" connection on fd c. Returns false when the listener is gone
 * (one-shot, stopped, child process). */
static bool serve_conn(struct sk *s, int c, const union sockaddr_any *pa, socklen_t pl, bool dgram)
{
	struct xio_open *op = s->op;
	struct opt_list saved;
	int swapped = conn_opts_begin(s, &saved);
	if (swapped < 0) {
		close(c);
		return true;
	}
	int rc = 0;
	apply(s, PH_PREACCEPT, c, NULL, &rc);
	apply(s, PH_ACCEPT, c, NULL, &rc);
	apply(s, PH_PASTACCEPT, c, NULL, &rc);
	apply(s, PH_FD, c, NULL, &rc);
	apply(s, PH_PASTSOCKET, c, NULL, &rc);
	apply(s, PH_CONNECTED, c, NULL, &rc);
	struct endpoint *ep = rc == 0 ? new_ep_own(op, c, dgram, s->rq.desc, !dgram && s->rq.role != SK_DG_LISTEN) : NULL;
	if (!ep) {
		close(c);
		conn_opts_end(s, &saved, swapped);
		if (!s->fork) {
			close_fd(s);
			finish_fail(s, 1);
			return false;
		}
		return true;
	}
	if (s->perip && !per_ip_admit(s->perip, &pa->sa, ep)) {
		char b[300];
		NOTE("refusing connection from %s: max-per-ip=%u sessions from that address are live",
		     sainfo(pa, pl, b, sizeof b), per_ip_max(s->perip));
		endpoint_close(ep);
		conn_opts_end(s, &saved, swapped);
		return true;
	}
	export_env(op, ep, c, &pa->sa, pl);
	if (!s->fork) {
		/* one connection: the listener closes now, its socket file goes with it */
		if (s->rq.role == SK_DG_LISTEN) {
			/* c is the listening socket itself */
			if (s->polling)
				loop_del_fd(op->loop, s->fd);
			s->polling = false;
			s->fd = -1;
		}
		close_fd(s);
		if (s->path_created && s->rq.unlink_close && !op->is_child_session && s->rq.path) {
			unlink_own_socket(s);
			s->path_created = false;
		}
		hand_over(s, ep, false);
		return false;
	}
	bool go_on = hand_over(s, ep, true);
	if (!go_on)
		return false;
	conn_opts_end(s, &saved, swapped);
	arm_accept_timeout(s);
	return true;
}

static void on_listen_ready(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	(void)events;
	struct rlimit rl;
	if (!fd_lim && getrlimit(RLIMIT_NOFILE, &rl) == 0)
		fd_lim = rl.rlim_cur; /* duct never changes it: read once, not per wakeup */
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		if (s->fork && children_full(s)) {
			pause_children(s);
			return;
		}
		if (s->fork && !fd_headroom(fd)) {
			pause_emfile(s, errno);
			return;
		}
		if (s->crate.max && rate_full(s))
			return;
		union sockaddr_any pa;
		socklen_t pl = sizeof pa;
		int c = accept4(fd, &pa.sa, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0) {
			int e = errno;
			if (e == EAGAIN || e == EWOULDBLOCK)
				return;
			if (e == EINTR || e == ECONNABORTED || e == EPROTO || e == EPERM)
				continue;
			if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
				pause_emfile(s, e);
				return;
			}
			sk_fail(s, false, "accept(%d, ...): %s", fd, strerror(e));
			return;
		}
		if (c > fd_hi)
			fd_hi = c;
		conn_rate_note(&s->crate, loop_now());
		if (!server_peer_ok(s, &pa.sa, pl, "connection")) {
			shutdown(c, SHUT_RDWR);
			close(c);
			continue;
		}
		if (log_enabled(LOG_N)) {
			union sockaddr_any la;
			socklen_t ll = sizeof la;
			if (getsockname(c, &la.sa, &ll) < 0)
				ll = 0;
			char b1[SOCKADDR_TEXT_SIZE], b2[SOCKADDR_TEXT_SIZE];
			NOTE("accepting connection from %s on %s", sainfo(&pa, pl, b1, sizeof b1), sainfo(&la, ll, b2, sizeof b2));
		}
		if (!serve_conn(s, c, &pa, pl, is_dgram_type(s->rq.type)))
			return;
	}
}

/* UDP-LISTEN: the first datagram's sender becomes the connected peer. */
static bool dgram_listen_one(struct sk *s)
{
	union sockaddr_any pa;
	socklen_t pl = sizeof pa;
	unsigned char one;
	ssize_t n = recvfrom(s->fd, &one, 1, MSG_PEEK | MSG_DONTWAIT, &pa.sa, &pl);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return false;
		/* ICMP errors and the like: drop the queued error and go on */
		DBG("recvfrom(%d, MSG_PEEK): %s", s->fd, strerror(errno));
		if (errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH)
			return true;
		return false;
	}
	if (!server_peer_ok(s, &pa.sa, pl, "connection")) {
		(void)!recv(s->fd, &one, 1, MSG_DONTWAIT);
		return true;
	}
	if (s->rq.dg_gate) {
		pl = sizeof pa;
		int g = s->rq.dg_gate(s->rq.dg_gate_arg, s->fd, &pa, &pl);
		if (g <= 0)
			return g == 0;
		/* the gate may have read past the datagram checked above */
		if (!server_peer_ok(s, &pa.sa, pl, "connection")) {
			(void)!recv(s->fd, &one, 1, MSG_DONTWAIT);
			return true;
		}
	}
	char b[SOCKADDR_TEXT_SIZE];
	NOTE("accepting %sconnection from %s", s->rq.listen_word, sainfo(&pa, pl, b, sizeof b));
	int c = s->fd;
	if (s->fork) {
		/* A fresh socket takes over the port before c is tied to its peer. */
		if (s->polling)
			loop_del_fd(s->op->loop, c);
		s->polling = false;
		s->fd = -1;
		s->listening = false;
		struct guard g;
		guard_push(&s->guards, &g);
		int r = server_setup(s);
		if (!g.alive) {
			close(c);
			return false;
		}
		guard_pop(&s->guards, &g);
		if (r < 0) {
			close(c);
			return false;
		}
	}
	if (connect(c, &pa.sa, pl) < 0) {
		WARN("connect(%d, %s, %u): %s", c, sainfo(&pa, pl, b, sizeof b), (unsigned)pl, strerror(errno));
		if (s->fork) {
			close(c);
			return true;
		}
	}
	return serve_conn(s, c, &pa, pl, true);
}

static const char *anc_ifname(unsigned index, char *buf)
{
	return if_indextoname(index, buf);
}

/* Logs each control message of mh as socat does (debug: raw; notice: socat 1.7.4's summary
 * for IPv4 pktinfo/ttl/tos; info: each value) and, with ep, exports the values for its
 * EXEC/SYSTEM child. */
static void report_ancillary(struct endpoint *ep, struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (log_enabled(LOG_D)) {
			char hex[260];
			size_t n = cm->cmsg_len > CMSG_LEN(0) ? cm->cmsg_len - CMSG_LEN(0) : 0;
			DBG("ancillary message: len=%zu, level=%d, type=%d, data=%s", (size_t)cm->cmsg_len,
			    cm->cmsg_level, cm->cmsg_type, anc_hex(CMSG_DATA(cm), n, hex, sizeof hex));
		}
		struct anc_msg m;
		anc_decode(cm, anc_ifname, &m);
		if (m.summary[0])
			NOTE("Ancillary message: %s", m.summary);
		for (int i = 0; i < m.nfields; i++) {
			INFO("ancillary message: %s: %s=%s", m.name, m.f[i].key, m.f[i].value);
			if (ep)
				endpoint_setenv(ep, m.f[i].env, m.f[i].value);
		}
	}
	if (mh->msg_flags & MSG_CTRUNC)
		WARN("ancillary data truncated");
}

/* *-RECVFROM: one datagram, one session; replies go to its sender. */
static bool dgram_recvfrom_one(struct sk *s)
{
	struct xio_open *op = s->op;
	if (!s->dgbuf && !(s->dgbuf = malloc(DGRAM_MAX)))
		return false;
	union sockaddr_any pa;
	memset(&pa, 0, sizeof pa);
	unsigned char cbuf[512];
	struct iovec iov = { s->dgbuf, DGRAM_MAX };
	struct msghdr mh;
	memset(&mh, 0, sizeof mh);
	mh.msg_name = &pa;
	mh.msg_namelen = sizeof pa;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof cbuf;
	ssize_t n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return false;
		DBG("recvmsg(%d): %s", s->fd, strerror(errno));
		return errno == ECONNREFUSED || errno == EHOSTUNREACH || errno == ENETUNREACH || errno == EINTR;
	}
	socklen_t pl = mh.msg_namelen;
	char b[SOCKADDR_TEXT_SIZE];
	if (!server_peer_ok(s, &pa.sa, pl, "packet"))
		return true;
	unsigned char *data = s->dgbuf;
	if (s->rq.raw_ip && pa.sa.sa_family == AF_INET && n > 0) {
		size_t ihl = (size_t)(data[0] & 0x0f) * 4;
		if (ihl <= (size_t)n) {
			data += ihl;
			n -= (ssize_t)ihl;
		}
	}
	NOTE("receiving packet from %s", sainfo(&pa, pl, b, sizeof b));
	int dfd;
	if (s->fork) {
		dfd = fcntl(s->fd, F_DUPFD_CLOEXEC, 3);
		if (dfd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				WARN("dropping a packet from %s: %s", b, strerror(errno));
				pause_emfile(s, errno);
			}
			return false;
		}
	} else {
		dfd = s->fd;
	}
	struct opt_list saved;
	int swapped = conn_opts_begin(s, &saved);
	int rc = swapped < 0 ? -1 : 0;
	apply(s, PH_CONNECTED, dfd, NULL, &rc);
	struct endpoint *ep = rc == 0 ? new_ep(op, dfd, true, s->rq.desc) : NULL;
	struct dg_ctx *d = ep ? dg_attach(ep, DGF_SENDTO | DGF_PREREAD) : NULL;
	if (!d) {
		if (ep) {
			ep->rfd = ep->wfd = -1;
			endpoint_close(ep);
		}
		if (dfd != s->fd)
			close(dfd);
		conn_opts_end(s, &saved, swapped);
		if (!s->fork) {
			close_fd(s);
			finish_fail(s, 1);
			return false;
		}
		return true;
	}
	ep->flags |= EPF_ONESHOT;
	d->ops.shutdown_write = dg_shutdown_none;
	memcpy(&d->peer, &pa, pl);
	d->peerlen = pl;
	d->pkt = malloc(n ? (size_t)n : 1);
	if (d->pkt)
		memcpy(d->pkt, data, (size_t)n);
	d->pktlen = (size_t)n;
	d->pkt_ready = d->pkt != NULL;
	d->raw_ip = s->rq.raw_ip;
	NOTE("received packet with %zd bytes from %s", n, b);
	export_env(op, ep, dfd, &pa.sa, pl);
	report_ancillary(ep, &mh);
	if (!s->fork) {
		if (s->polling)
			loop_del_fd(op->loop, s->fd);
		s->polling = false;
		s->listening = false;
		s->fd = -1;
		if (s->path_created && s->rq.unlink_close && s->rq.path) {
			endpoint_add_unlink(ep, s->rq.path);
			s->path_created = false;
		}
		hand_over(s, ep, false);
		return false;
	}
	if (!hand_over(s, ep, true))
		return false;
	conn_opts_end(s, &saved, swapped);
	arm_accept_timeout(s);
	return true;
}

static void on_dgram_ready(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	(void)fd;
	(void)events;
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		if (s->fork && children_full(s)) {
			pause_children(s);
			return;
		}
		bool more = s->rq.role == SK_DG_LISTEN ? dgram_listen_one(s) : dgram_recvfrom_one(s);
		if (!more)
			return;
	}
}

/* Whether an option (so-timestamp, ip-pktinfo, ip-recvttl, ..., or a setsockopt-int of the
 * same) asked the kernel for ancillary data on fd: asked of the socket itself, so every way of
 * setting it counts. */
static bool wants_ancillary(int fd)
{
	static const int opts[][2] = {
		{ SOL_SOCKET, SO_TIMESTAMP },	   { IPPROTO_IP, IP_PKTINFO },	       { IPPROTO_IP, IP_RECVTTL },
		{ IPPROTO_IP, IP_RECVTOS },	   { IPPROTO_IP, IP_RECVOPTS },	       { IPPROTO_IPV6, IPV6_RECVPKTINFO },
		{ IPPROTO_IPV6, IPV6_RECVHOPLIMIT }, { IPPROTO_IPV6, IPV6_RECVTCLASS },
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		int v = 0;
		socklen_t l = sizeof v;
		if (getsockopt(fd, opts[i][0], opts[i][1], &v, &l) == 0 && v)
			return true;
	}
	return false;
}

/* *-RECV: the bound socket is the endpoint. */
static void recv_deliver(struct sk *s)
{
	struct xio_open *op = s->op;
	int rc = 0;
	apply(s, PH_CONNECTED, s->fd, NULL, &rc);
	if (s->polling)
		loop_del_fd(op->loop, s->fd);
	s->polling = false;
	s->listening = false;
	if (rc < 0) {
		close_fd(s);
		finish_fail(s, 1);
		return;
	}
	struct endpoint *ep = new_ep(op, s->fd, true, s->rq.desc);
	if (!ep) {
		close_fd(s);
		finish_fail(s, 1);
		return;
	}
	ep->flags &= ~EPF_WRITE;
	bool anc = wants_ancillary(ep->rfd);
	if (s->f.has_range || s->f.sourceport >= 0 || s->f.lowport || s->rq.raw_ip || anc) {
		struct dg_ctx *d = dg_attach(ep, (s->f.has_range || s->f.sourceport >= 0 || s->f.lowport ? DGF_RANGE : 0) |
							 (anc ? DGF_ANC : 0));
		if (d) {
			d->raw_ip = s->rq.raw_ip;
			d->has_range = s->f.has_range;
			d->range = s->f.range;
			d->sourceport = s->f.sourceport;
			d->lowport = s->f.lowport;
		}
	}
	if (s->path_created && s->rq.unlink_close && s->rq.path) {
		endpoint_add_unlink(ep, s->rq.path);
		s->path_created = false;
	}
	export_env(op, ep, s->fd, NULL, 0);
	s->fd = -1;
	hand_over(s, ep, false);
}

static void attempt(struct sk *s)
{
	switch (s->rq.role) {
	case SK_CONNECT:
	case SK_DG_CONNECT:
	case SK_DG_SENDTO:
	case SK_DG_DATAGRAM:
		attempt_client(s);
		return;
	case SK_DG_RECV:
		if (server_setup(s) == 0)
			recv_deliver(s);
		return;
	case SK_LISTEN:
	case SK_DG_LISTEN:
	case SK_DG_RECVFROM:
		if (server_setup(s) == 0)
			arm_accept_timeout(s);
		return;
	}
}

/* ---------- option intake ---------- */

int sk_ip_family(struct xio_open *op, int handler_family)
{
	const char *pf = NULL;
	bool have = opt_take_str(&op->opts, OPT_PF, &pf);
	if (handler_family == AF_INET || handler_family == AF_INET6)
		return handler_family;
	if (!have)
		return AF_UNSPEC;
	char err[200];
	int f = sa_parse_pf(pf, err, sizeof err);
	if (f == 4)
		f = AF_INET;
	else if (f == 6)
		f = AF_INET6;
	if (f < 0 || (f != AF_INET && f != AF_INET6 && f != AF_UNSPEC)) {
		sk_addr_error(op, "%s", f < 0 ? err : "protocol-family must be ip4 or ip6 here");
		return -1;
	}
	return f;
}

int sk_resolve_flags(struct xio_open *op, bool passive)
{
	int flags = passive ? SA_PASSIVE : 0;
	bool b;
	if (opt_take_bool(&op->opts, OPT_AI_PASSIVE, &b))
		flags = b ? flags | SA_PASSIVE : flags & ~SA_PASSIVE;
	if (opt_take_bool(&op->opts, OPT_AI_ADDRCONFIG, &b) && b)
		flags |= SA_ADDRCONFIG;
	if (opt_take_bool(&op->opts, OPT_AI_V4MAPPED, &b) && b)
		flags |= SA_V4MAPPED;
	if (opt_take_bool(&op->opts, OPT_AI_ALL, &b) && b)
		flags |= SA_ALL;
	int r = sk_take_resolver_opts(op);
	if (r < 0)
		return -1;
	if (r)
		flags |= SA_THIS_THREAD;
	return flags;
}

int sk_take_resolver_opts(struct xio_open *op)
{
	static const struct { enum opt_id id; unsigned long bit; } flags[] = {
		{ OPT_RES_DEBUG, RES_DEBUG }, { OPT_RES_DEFNAMES, RES_DEFNAMES }, { OPT_RES_DNSRCH, RES_DNSRCH },
		{ OPT_RES_IGNTC, RES_IGNTC }, { OPT_RES_RECURSE, RES_RECURSE }, { OPT_RES_STAYOPEN, RES_STAYOPEN },
		{ OPT_RES_USEVC, RES_USEVC },
	};
	bool touched = false;
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		bool b;
		if (opt_take_bool(&op->opts, flags[i].id, &b)) {
			if (!touched && !(_res.options & RES_INIT))
				res_init();
			touched = true;
			if (b)
				_res.options |= flags[i].bit;
			else
				_res.options &= ~flags[i].bit;
		}
	}
	long long v;
	if (opt_take_int(&op->opts, OPT_RES_RETRANS, &v)) {
		if (!(_res.options & RES_INIT))
			res_init();
		_res.retrans = (int)v;
		touched = true;
	}
	if (opt_take_int(&op->opts, OPT_RES_RETRY, &v)) {
		if (!(_res.options & RES_INIT))
			res_init();
		_res.retry = (int)v;
		touched = true;
	}
	struct opt_value *ns = opt_take(&op->opts, OPT_RES_NSADDR);
	if (ns && ns->s) {
		/* an IPv4 address or a name (looked up now, once, as socat 1.8 does), port 53 by default */
		char h[256] = "", p[64] = "";
		struct sa_list l = {0};
		char err[300] = "no name server";
		if (sa_split_hostport(ns->s, h, sizeof h, p, sizeof p, err, sizeof err) < 0 || !h[0] ||
		    sa_resolve(h, *p ? p : "53", AF_INET, 4, SOCK_DGRAM, 0, 0, &l, err, sizeof err) < 0) {
			if (!h[0])
				snprintf(err, sizeof err, "no name server");
			ERR("%s: res-nsaddr=%s: %s; give the name server as an IPv4 address or a name of one, "
			    "with :PORT if not 53", op->typed, ns->s, err);
			sa_list_free(&l);
			return -1;
		}
		if (!(_res.options & RES_INIT))
			res_init();
		_res.nsaddr_list[0] = l.a[0].u.in4;
		_res.nscount = 1;
		sa_list_free(&l);
		touched = true;
	}
	return touched;
}

void sk_check_process_opts(struct xio_open *op)
{
	if (op->g && op->g->classic_fork) {
		op->needs_process = true;
		return;
	}
	static const enum opt_id proc[] = {
		OPT_CHROOT, OPT_CHROOT_EARLY, OPT_SETUID, OPT_SETUID_EARLY, OPT_SETGID, OPT_SETGID_EARLY,
		OPT_SU, OPT_SU_DELAYED, OPT_SU_EARLY, OPT_SETSID, OPT_NETNS,
	};
	for (size_t i = 0; i < op->opts.n; i++) {
		const struct opt_def *d = op->opts.v[i].def;
		if (!d)
			continue;
		for (size_t k = 0; k < sizeof proc / sizeof proc[0]; k++)
			if (d->id == proc[k])
				op->needs_process = true;
	}
}

int sk_filter_take(struct xio_open *op, struct sk_filter *f, int family_hint)
{
	struct opt_list *l = &op->opts;
	long long v;
	const char *str;
	bool b;
	char err[400];
	f->sourceport = -1;
	if (opt_take_int(l, OPT_SOURCEPORT, &v))
		f->sourceport = (int)(v & 0xffff);
	if (opt_take_bool(l, OPT_LOWPORT, &b))
		f->lowport = b;
	if (opt_take_str(l, OPT_RANGE, &str) && str) {
		if (sa_range_parse(str, family_hint, &f->range, err, sizeof err) < 0) {
			sk_addr_error(op, "%s", err);
			return -1;
		}
		f->has_range = true;
	}
	static const struct { enum opt_id id; bool file, deny; } lists[] = {
		{ OPT_ALLOW, false, false }, { OPT_ALLOW_FILE, true, false },
		{ OPT_DENY, false, true }, { OPT_DENY_FILE, true, true },
	};
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		struct sa_rangelist *rl = lists[i].deny ? &f->deny : &f->allow;
		if (!opt_take_str(l, lists[i].id, &str) || !str)
			continue;
		int r = lists[i].file ? sa_rangelist_load(rl, str, err, sizeof err) : sa_rangelist_add(rl, str, err, sizeof err);
		if (r < 0) {
			sk_addr_error(op, "%s", err);
			return -1;
		}
		sk_filter_remember(f, lists[i].file, lists[i].deny, str);
	}
	return 0;
}

void sk_filter_free(struct sk_filter *f)
{
	sk_filter_forget(f);
	sa_rangelist_free(&f->allow);
	sa_rangelist_free(&f->deny);
}

static int take_common(struct sk *s)
{
	struct xio_open *op = s->op;
	struct opt_list *l = &op->opts;
	long long v;
	double d;
	const char *str;
	bool b;

	s->interval = 1.0;
	s->backlog = 5;
	s->tight = true;
	if (!s->rq.has_bind && opt_take_str(l, OPT_BIND, &str) && str)
		s->bind_text = strdup(str);
	int hint = s->rq.local.len ? s->rq.local.u.sa.sa_family :
		   s->rq.peers.n ? s->rq.peers.a[0].u.sa.sa_family : AF_UNSPEC;
	if (s->rq.has_range) /* generic sockets: range= parsed in the address's own notation */
		opt_drop(l, OPT_RANGE);
	if (sk_filter_take(op, &s->f, hint) < 0)
		return -1;
	if (s->rq.has_range) {
		s->f.range = s->rq.range;
		s->f.has_range = true;
	}
	if (opt_take_bool(l, OPT_FORK, &b))
		s->fork = b;
	if (opt_take_int(l, OPT_MAX_CHILDREN, &v))
		op->max_children = v > 0 ? (int)v : 0;
	if (opt_take_int(l, OPT_MAX_CONN_RATE, &v)) {
		if (v < 1 || v > 1000000 || is_dgram_type(s->rq.type)) {
			ERR("%s: max-conn-rate=%lld: %s", op->typed, v,
			    is_dgram_type(s->rq.type) ? "only a stream listener accepts connections (leave it out)"
						      : "expected connections per second, 1..1000000");
			return -1;
		}
		s->crate.max = (unsigned)v;
	}
	if (opt_take_int(l, OPT_MAX_PER_IP, &v)) {
		const char *why = v < 1 || v > 1000000 ? "expected live sessions per client address, 1..1000000" :
				  is_dgram_type(s->rq.type) ? "only a stream listener accepts connections (leave it out)" :
				  (op->g && op->g->classic_fork) || op->needs_process ?
				  "sessions served in processes of their own (--fork-process, setuid, chroot...) can't be counted yet" : NULL;
		if (why) {
			ERR("%s: max-per-ip=%lld: %s", op->typed, v, why);
			return -1;
		}
		s->perip = per_ip_new((unsigned)v);
	}
	if (opt_take_int(l, OPT_CHILDREN_SHUTUP, &v))
		log_cfg()->children_shutup = (int)v;
	if (opt_take_int(l, OPT_RETRY, &v))
		s->retries = v;
	if (opt_take_bool(l, OPT_FOREVER, &b))
		s->forever = b;
	if (opt_take_time(l, OPT_INTERVAL, &d))
		s->interval = d;
	if (opt_take_time(l, OPT_CONNECT_TIMEOUT, &d))
		s->connect_timeout = d;
	if (opt_take_time(l, OPT_ACCEPT_TIMEOUT, &d))
		s->accept_timeout = d;
	if (opt_take_int(l, OPT_BACKLOG, &v))
		s->backlog = (int)v;
	if (opt_take_int(l, OPT_SO_TYPE, &v))
		s->rq.type = (int)v;
	if (opt_take_int(l, OPT_SO_PROTOCOL, &v))
		s->rq.protocol = (int)v;
	if (opt_take_bool(l, OPT_UNIX_TIGHTSOCKLEN, &b))
		s->tight = b;
	struct opt_value *tn = opt_take(l, OPT_UNIX_BIND_TEMPNAME);
	if (tn) {
		s->bind_tempname = true;
		if (tn->s && *tn->s)
			s->tempname_tmpl = strdup(tn->s);
	}
	if (opt_take_bool(l, OPT_UNLINK_CLOSE, &b))
		s->rq.unlink_close = b;
	if (opt_take_bool(l, OPT_ACCEPT_PROXY, &b) && b) {
		sk_addr_error(op, "option accept-proxy: only TCP-LISTEN (TCP4-, TCP6-), UNIX-LISTEN, ABSTRACT-LISTEN and "
				  "ACCEPT-FD read a PROXY header; put duct's TCP-LISTEN with accept-proxy in front");
		return -1;
	}
	if (opt_take_str(l, OPT_SEND_PROXY, &str)) {
		if (s->rq.role != SK_CONNECT || (s->rq.type != SOCK_STREAM && !s->rq.unix_client)) {
			sk_addr_error(op, "option send-proxy: only connecting stream addresses (TCP, UNIX-CONNECT, "
					  "OPENSSL...) send a PROXY header");
			return -1;
		}
		if (!str || (strcmp(str, "v1") && strcmp(str, "1") && strcmp(str, "v2") && strcmp(str, "2"))) {
			sk_addr_error(op, "option send-proxy=\"%s\": v1 or v2 expected (the PROXY protocol version)",
				      str ? str : "");
			return -1;
		}
		s->send_proxy = strchr(str, '1') ? 1 : 2;
	}
	/* sourceport/lowport belong to the port-based protocols only */
	if (s->rq.role == SK_DG_RECV || s->rq.role == SK_DG_RECVFROM || s->rq.role == SK_DG_LISTEN ||
	    s->rq.role == SK_LISTEN) {
		/* servers: a filter on peers; nothing to bind */
	}
	return 0;
}

/* Re-make the local address of UNIX servers/clients when tightsocklen changed. */
static void fix_unix_lengths(struct sk *s)
{
	char err[300];
	if (s->tight)
		return;
	if (s->rq.has_local && s->rq.local.u.sa.sa_family == AF_UNIX && s->rq.path)
		sa_unix(s->rq.path, s->rq.abstract, false, &s->rq.local, err, sizeof err);
	for (size_t i = 0; i < s->rq.peers.n; i++) {
		struct sa_addr *p = &s->rq.peers.a[i];
		if (p->u.sa.sa_family != AF_UNIX)
			continue;
		char path[sizeof p->u.un.sun_path + 1];
		sa_addr_text(&p->u.sa, p->len, path, sizeof path);
		sa_unix(path, s->rq.abstract, false, p, err, sizeof err);
	}
}

int sk_open(struct xio_open *op, struct sk_req *rq)
{
	struct sk *s = calloc(1, sizeof *s);
	if (!s) {
		sk_req_free(rq);
		ERR("out of memory");
		return -1;
	}
	s->op = op;
	s->rq = *rq;
	memset(rq, 0, sizeof *rq);
	s->fd = -1;
	s->netns_fd = -1;
	if (op->proc.netns && (s->netns_fd = proc_netns_open(op->proc.netns, op->typed)) < 0) {
		sk_free(s);
		return -1;
	}
	if (take_common(s) < 0) {
		sk_free(s);
		return -1;
	}
	fix_unix_lengths(s);
	bool server = s->rq.role == SK_LISTEN || s->rq.role == SK_DG_LISTEN || s->rq.role == SK_DG_RECVFROM;
	if (s->fork && !server && s->rq.role != SK_CONNECT) {
		/* fork only where the handler's groups allowed it (CHILD); nothing to do */
		s->fork = false;
	}
	if (s->fork) {
		op->multi = true;
		sk_check_process_opts(op);
	}
	/* Early phases: process-wide and filesystem preparations (unlink-early, unlink, ...). */
	int rc = 0;
	const char *path = s->rq.path && !s->rq.abstract ? s->rq.path : NULL;
	apply(s, PH_INIT, -1, path, &rc);
	apply(s, PH_EARLY, -1, path, &rc);
	apply(s, PH_PREOPEN, -1, path, &rc);
	apply(s, PH_OPEN, -1, path, &rc);
	apply(s, PH_PASTOPEN, -1, path, &rc);
	if (rc < 0) {
		sk_free(s);
		return -1;
	}
	if (list_dup(&op->opts, &s->tmpl) < 0) {
		sk_free(s);
		ERR("out of memory");
		return -1;
	}
	op->priv = s;
	s->in_open = true;
	struct guard g;
	guard_push(&s->guards, &g);
	attempt(s);
	/* attempt() may have delivered already and freed s (and the runner may have freed op):
	 * touch neither then */
	if (!g.alive)
		return 0;
	guard_pop(&s->guards, &g);
	s->in_open = false;
	if (s->sync_failed) {
		op->priv = NULL;
		sk_destroy(s);
		return -1;
	}
	return 0;
}

void sk_stop(struct xio_open *op)
{
	if (op->layered) {
		layer_stop(op);
		return;
	}
	struct sk *s = op->priv;
	if (!s)
		return;
	sk_destroy(s);
}

void sk_resume(struct xio_open *op)
{
	if (op->layered) {
		layer_resume(op);
		return;
	}
	struct sk *s = op->priv;
	if (!s || !s->paused_children || children_full(s))
		return;
	s->paused_children = false;
	if (s->listening) {
		update_polling(s);
		/* something may be queued already */
		return;
	}
	if (s->fork && (s->rq.role == SK_CONNECT || s->rq.role == SK_DG_CONNECT) && !s->timer)
		s->timer = loop_timer_add(op->loop, s->interval, client_fork_next, s);
}

int sk_ip_local(struct xio_open *op, int fam, const char *port, int type, int protocol, struct sa_addr *out)
{
	const char *bind = NULL;
	char host[512] = "", bport[64] = "";
	char err[ERROR_TEXT_SIZE];
	int ipv = !op->g ? 4 : op->g->listen_ipv ? op->g->listen_ipv : op->g->ipv;
	if (opt_take_str(&op->opts, OPT_BIND, &bind) && bind && sa_hostport_empty_port(bind)) {
		sk_addr_error(op, "bind=\"%s\": empty port/service after the ':'; give HOST or HOST:PORT", bind);
		return -1;
	}
	if (bind && sa_split_hostport(bind, host, sizeof host, bport, sizeof bport, err, sizeof err) < 0) {
		sk_addr_error(op, "bind=%s: %s", bind, err);
		return -1;
	}
	int flags = sk_resolve_flags(op, true);
	if (flags < 0)
		return -1;
	if (fam == AF_UNSPEC && !host[0])
		fam = ipv == 4 ? AF_INET : AF_INET6;
	struct sa_list l = { 0 };
	if (sa_resolve(host, port, fam, ipv, type, protocol, flags | SA_PASSIVE, &l, err, sizeof err) < 0) {
		ERR("%s", err);
		return -1;
	}
	*out = l.a[0];
	sa_list_free(&l);
	return 0;
}

int sk_apply_phases(struct xio_open *op, enum opt_phase from, enum opt_phase to, int fd, const char *path)
{
	struct opt_apply_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.fd = fd;
	ctx.path = path;
	ctx.open_mode = 0666;
	ctx.addrname = op->typed;
	for (int ph = from; ph <= (int)to; ph++)
		if (opt_apply_phase(&op->opts, (enum opt_phase)ph, &ctx) < 0)
			return -1;
	return 0;
}
