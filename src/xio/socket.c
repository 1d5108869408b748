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
#include "xio/socket_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/free_guard.h"
#include "xio/layer.h"

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

const char *sk_sainfo(const void *sa, socklen_t len, char *buf, unsigned buflen)
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

int sk_list_dup(const struct opt_list *from, struct opt_list *to)
{
	memset(to, 0, sizeof *to);
	if (opt_list_copy(from, to) < 0)
		return -1;
	copy_used(from, to);
	return 0;
}

void sk_apply(struct sk *s, enum opt_phase ph, int fd, const char *path, int *rc)
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

bool sk_is_dgram_type(int type)
{
	return type == SOCK_DGRAM || type == SOCK_RAW || type == SOCK_SEQPACKET || type == SOCK_PACKET ||
	       type == SOCK_RDM;
}

/* Remove the socket file we bound, but only while it is still that socket: if the path now
 * names something else (replaced by another file, a symlink), it is not ours to delete. */
void sk_unlink_own_socket(struct sk *s)
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

void sk_close_fd(struct sk *s)
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
void sk_drop_client_path(struct sk *s)
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
	listener_freed(&s->life);
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
void sk_destroy(struct sk *s)
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
		sk_close_fd(s);
		if (s->path_created && s->rq.unlink_close && s->rq.path && !s->rq.abstract)
			sk_unlink_own_socket(s);
		if (s->client_path)
			unlink(s->client_path);
	}
	sk_free(s);
}

static void destroy_cb(void *state)
{
	sk_destroy(state);
}

int sk_give_up(struct sk *s)
{
	sk_close_fd(s);
	listener_fail(&s->life, 1);
	return -1;
}

static void retry_cb(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	s->timer = NULL;
	s->cand = 0;
	sk_attempt(s);
}

/* Remember the failing call for on_open_error (the next sk_fail reports it). */
void sk_set_fail(struct sk *s, const char *call, int err, const struct sockaddr *sa, socklen_t len)
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
void sk_fail(struct sk *s, bool retryable, const char *fmt, ...)
{
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	int fail_err = s->fail_err; /* sk_set_fail() just before: reported through on_open_error */
	s->fail_err = 0;
	sk_close_fd(s);
	if (!s->op->is_child_session)
		sk_drop_client_path(s);
	if (s->timer) {
		loop_timer_cancel(s->op->loop, s->timer);
		s->timer = NULL;
	}
	bool client = s->rq.role == SK_CONNECT || s->rq.role == SK_DG_CONNECT ||
		      s->rq.role == SK_DG_SENDTO || s->rq.role == SK_DG_DATAGRAM;
	if (retryable && client && s->cand + 1 < s->rq.peers.n) {
		INFO("%s", msg);
		s->cand++;
		sk_attempt(s);
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
	listener_fail(&s->life, 1);
}

int sk_reset_opts(struct sk *s)
{
	opt_list_free(&s->op->opts);
	if (sk_list_dup(&s->tmpl, &s->op->opts) < 0) {
		ERR("%s: out of memory", s->op->typed);
		return -1;
	}
	return 0;
}

/* ---------- endpoints ---------- */

/* own: a socket this family made or accepted itself (not an inherited or foreign fd): it is
 * pollable, no tty, and nobody else holds it; the engine skips fstat/ioctl for it. */
struct endpoint *sk_new_ep(struct xio_open *op, int fd, bool dgram, const char *desc, bool own)
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

struct endpoint *sk_make_endpoint(struct xio_open *op, int fd, const char *desc, bool dgram)
{
	return sk_new_ep(op, fd, dgram, desc, false);
}

void sk_export_env(const struct xio_open *op, struct endpoint *ep, int fd, const struct sockaddr *peer,
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
bool sk_hand_over(struct sk *s, struct endpoint *ep, bool more)
{
	struct xio_open *op = s->op;
	if (xio_take_appl_opts(op, ep) < 0) {
		endpoint_close(ep);
		if (!more) {
			listener_fail(&s->life, 1);
			return false;
		}
		return true;
	}
	if (!more) {
		listener_deliver_last(&s->life, ep);
		return false;
	}
	if (!listener_deliver_more(&s->life, ep))
		return false;
	if (op->is_child_session) {
		/* classic fork: this process serves the connection just delivered */
		sk_destroy(s);
		return false;
	}
	return true;
}

/* Per-connection option list for servers with fork: swap op->opts with a copy of conn_tmpl. */
int sk_conn_opts_begin(struct sk *s, struct opt_list *saved)
{
	if (!s->fork || !s->have_conn_tmpl)
		return 0;
	*saved = s->op->opts;
	if (sk_list_dup(&s->conn_tmpl, &s->op->opts) < 0) {
		s->op->opts = *saved;
		return -1;
	}
	return 1;
}

void sk_conn_opts_end(struct sk *s, struct opt_list *saved, int swapped)
{
	if (swapped <= 0)
		return;
	opt_list_free(&s->op->opts);
	s->op->opts = *saved;
}

bool sk_children_full(struct sk *s)
{
	return s->op->max_children > 0 && s->op->active >= (unsigned)s->op->max_children;
}

/* ---------- socket creation and binding ---------- */

int sk_create_socket(struct sk *s, int family, int type, int protocol)
{
	int rc = 0;
	sk_apply(s, PH_PRESOCKET, -1, NULL, &rc);
	sk_apply(s, PH_SOCKET, -1, NULL, &rc);
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
	sk_apply(s, PH_PASTSOCKET, fd, NULL, &rc);
	if (rc < 0) {
		sk_close_fd(s);
		return -2;
	}
	return fd;
}

/* bind(2) with socat's debug lines: "bind(FD, ADDR, LEN)" and "bind() -> RC" */
int sk_bind_logged(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (log_enabled(LOG_D)) {
		char b[SOCKADDR_TEXT_SIZE];
		DBG("bind(%d, %s, %u)", fd, sk_sainfo(sa, len, b, sizeof b), (unsigned)len);
	}
	int r = bind(fd, sa, len);
	int e = errno;
	DBG("bind() -> %d", r);
	errno = e;
	return r;
}

int sk_do_bind(struct sk *s, const struct sockaddr *sa, socklen_t len)
{
	if (sk_bind_logged(s->fd, sa, len) == 0)
		return 0;
	int e = errno;
	char b[SOCKADDR_TEXT_SIZE], hint[400] = "";
	if (e == EADDRINUSE)
		porthold_describe(sa->sa_family, s->rq.type, s->rq.protocol, sa, len, hint, sizeof hint);
	char msg[800];
	snprintf(msg, sizeof msg, "bind(%d, {%s}, %u): %s%s", s->fd, sk_sainfo(sa, len, b, sizeof b), (unsigned)len,
		 strerror(e), hint);
	sk_set_fail(s, "bind", e, sa, len);
	sk_fail(s, true, "%s", msg);
	return -1;
}

void sk_attempt(struct sk *s)
{
	switch (s->rq.role) {
	case SK_CONNECT:
	case SK_DG_CONNECT:
	case SK_DG_SENDTO:
	case SK_DG_DATAGRAM:
		sk_attempt_client(s);
		return;
	case SK_DG_RECV:
		if (sk_server_setup(s) == 0)
			sk_recv_deliver(s);
		return;
	case SK_LISTEN:
	case SK_DG_LISTEN:
	case SK_DG_RECVFROM:
		if (sk_server_setup(s) == 0)
			sk_arm_accept_timeout(s);
		return;
	}
}

static void attempt_cb(void *state)
{
	sk_attempt(state);
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
	if (sk_take_common(s) < 0) {
		sk_free(s);
		return -1;
	}
	sk_fix_unix_lengths(s);
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
	sk_apply(s, PH_INIT, -1, path, &rc);
	sk_apply(s, PH_EARLY, -1, path, &rc);
	sk_apply(s, PH_PREOPEN, -1, path, &rc);
	sk_apply(s, PH_OPEN, -1, path, &rc);
	sk_apply(s, PH_PASTOPEN, -1, path, &rc);
	if (rc < 0) {
		sk_free(s);
		return -1;
	}
	if (sk_list_dup(&op->opts, &s->tmpl) < 0) {
		sk_free(s);
		ERR("out of memory");
		return -1;
	}
	listener_init(&s->life, op, s, destroy_cb);
	return listener_open(&s->life, attempt_cb);
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
	if (!s || !s->paused_children || sk_children_full(s))
		return;
	s->paused_children = false;
	if (s->listening) {
		sk_update_polling(s);
		/* something may be queued already */
		return;
	}
	if (s->fork && (s->rq.role == SK_CONNECT || s->rq.role == SK_DG_CONNECT) && !s->timer)
		s->timer = loop_timer_add(op->loop, s->interval, sk_client_fork_next, s);
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
