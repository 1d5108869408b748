/* The listening roles of the socket machinery (socket_int.h): bind and listen, the accept path
 * (on_listen_ready: batches, fork, max-children, fd headroom, EMFILE pauses), accept-timeout, the
 * peer filters (range, allow/deny, sourceport, lowport) and the delivery of each connection. */
#include "xio/socket_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

/* ---------- servers ---------- */

static void on_listen_ready(struct loop *lp, int fd, uint32_t events, void *arg);
static int set_int_opt(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof val);
}

void sk_update_polling(struct sk *s)
{
	bool want = s->listening && s->fd >= 0 && !s->paused_children && !s->paused_emfile && !s->paused_rate;
	if (want && !s->polling) {
		loop_fd_fn fn = s->rq.role == SK_LISTEN ? on_listen_ready : sk_on_dgram_ready;
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

void sk_arm_accept_timeout(struct sk *s)
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
	WARN("refusing %s from %s due to %s", what, sk_sainfo(sa, len, b, sizeof b), text);
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

bool sk_server_peer_ok(struct sk *s, const struct sockaddr *sa, socklen_t len, const char *what)
{
	return sk_filter_ok(s->op, &s->f, sa, len, what);
}

/* Create, bind and (for streams) listen; register for accept/receive. 0 ok, -1 failed
 * (handled through sk_fail/listener_fail). */
int sk_server_setup(struct sk *s)
{
	struct xio_open *op = s->op;
	char b[SOCKADDR_TEXT_SIZE];
	int rc = 0;
	if (sk_reset_opts(s) < 0) {
		listener_fail(&s->life, 1);
		return -1;
	}
	if (s->rq.inherited_fd >= 0) {
		s->fd = s->rq.inherited_fd;
		s->rq.inherited_fd = -1;
		union sockaddr_any la;
		socklen_t ll = sizeof la;
		if (getsockname(s->fd, &la.sa, &ll) < 0)
			ll = 0;
		INFO("accepting on inherited fd %d, %s", s->fd, sk_sainfo(&la, ll, b, sizeof b));
	} else {
		int fd = sk_create_socket(s, s->rq.local.u.sa.sa_family, s->rq.type, s->rq.protocol);
		if (fd == -2) {
			listener_fail(&s->life, 1);
			return -1;
		}
		if (fd < 0)
			return -1;
		const char *path = s->rq.path && !s->rq.abstract ? s->rq.path : NULL;
		if (!path && s->rq.role != SK_LISTEN)
			sk_apply(s, PH_FD, fd, NULL, &rc);
		sk_apply(s, PH_PREBIND, fd, NULL, &rc);
		if (rc < 0)
			return sk_give_up(s);
		bool fork_dgram = s->fork && s->rq.role == SK_DG_LISTEN;
		if ((s->rq.auto_reuseaddr || fork_dgram) && !opt_present(&op->opts, OPT_REUSEADDR))
			set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
		if (op->g && op->g->workers > 1 && !opt_present(&op->opts, OPT_REUSEPORT))
			set_int_opt(fd, SOL_SOCKET, SO_REUSEPORT, 1);
		if (sk_do_bind(s, &s->rq.local.u.sa, s->rq.local.len) < 0)
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
			sk_apply(s, PH_FD, fd, path, &rc);
		sk_apply(s, PH_PASTBIND, fd, NULL, &rc);
		if (rc < 0)
			return sk_give_up(s);
		if (s->rq.role == SK_LISTEN) {
			sk_apply(s, PH_PRELISTEN, fd, NULL, &rc);
			if (rc < 0)
				return sk_give_up(s);
			if (listen(fd, s->backlog) < 0) {
				int e = errno;
				sk_set_fail(s, "listen", e, &s->rq.local.u.sa, s->rq.local.len);
				sk_fail(s, true, "listen(%d, %d): %s", fd, s->backlog, strerror(e));
				return -1;
			}
			sk_apply(s, PH_LISTEN, fd, NULL, &rc);
			sk_apply(s, PH_PASTLISTEN, fd, NULL, &rc);
			if (rc < 0)
				return sk_give_up(s);
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
		NOTE("listening on %s", sk_sainfo(&la, ll, b, sizeof b));
		break;
	case SK_DG_LISTEN:
		NOTE("listening on %s%s", s->rq.listen_word, sk_sainfo(&la, ll, b, sizeof b));
		break;
	default:
		NOTE("receiving on %s", sk_sainfo(&la, ll, b, sizeof b));
		break;
	}
	if (s->have_conn_tmpl)
		opt_list_free(&s->conn_tmpl);
	s->have_conn_tmpl = sk_list_dup(&op->opts, &s->conn_tmpl) == 0;
	const struct xio_globals *g = op->g;
	if (!s->announced && g && g->on_listening) {
		s->announced = true;
		g->on_listening(g->hook_arg, op->index, &la.sa, ll);
	}
	s->listening = true;
	sk_update_polling(s);
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
	sk_update_polling(s);
}

void sk_pause_emfile(struct sk *s, int e)
{
	if (!s->emfile_warned) {
		WARN("accept(%d): %s; pausing accepts for a moment", s->fd, strerror(e));
		s->emfile_warned = true;
	}
	s->paused_emfile = true;
	sk_update_polling(s);
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

void sk_pause_children(struct sk *s)
{
	if (!s->paused_children)
		NOTE("maxchildren are active, waiting");
	s->paused_children = true;
	sk_update_polling(s);
}

/* A one-shot server delivers: it stops listening. Its socket is closed (accept) or is the
 * endpoint's now (UDP-LISTEN, *-RECVFROM, *-RECV); its socket file goes now, or with the
 * endpoint that goes on using the socket (*-RECVFROM, *-RECV). */
static void release_listener(struct sk *s, struct endpoint *ep)
{
	struct xio_open *op = s->op;
	bool reads_bound_socket = s->rq.role == SK_DG_RECVFROM || s->rq.role == SK_DG_RECV;
	if (s->rq.role != SK_LISTEN) {
		if (s->polling)
			loop_del_fd(op->loop, s->fd);
		s->polling = false;
		s->fd = -1;
	}
	sk_close_fd(s);
	s->listening = false;
	if (!s->path_created || !s->rq.unlink_close || !s->rq.path)
		return;
	if (reads_bound_socket)
		endpoint_add_unlink(ep, s->rq.path);
	else if (!op->is_child_session)
		sk_unlink_own_socket(s);
	else
		return;
	s->path_created = false;
}

bool sk_deliver_conn(struct sk *s, struct endpoint *ep, struct opt_list *saved, int swapped)
{
	if (!s->fork) {
		release_listener(s, ep);
		sk_hand_over(s, ep, false);
		return false;
	}
	if (!sk_hand_over(s, ep, true))
		return false;
	sk_conn_opts_end(s, saved, swapped);
	sk_arm_accept_timeout(s);
	return true;
}

bool sk_conn_failed(struct sk *s, struct opt_list *saved, int swapped)
{
	sk_conn_opts_end(s, saved, swapped);
	if (s->fork)
		return true;
	sk_give_up(s);
	return false;
}

/* An accepted or UDP-"accepted" connection on fd c. Returns false when the listener is gone
 * (one-shot, stopped, child process). */
bool sk_serve_conn(struct sk *s, int c, const union sockaddr_any *pa, socklen_t pl, bool dgram)
{
	struct xio_open *op = s->op;
	struct opt_list saved;
	int swapped = sk_conn_opts_begin(s, &saved);
	if (swapped < 0) {
		close(c);
		return true;
	}
	int rc = 0;
	sk_apply(s, PH_PREACCEPT, c, NULL, &rc);
	sk_apply(s, PH_ACCEPT, c, NULL, &rc);
	sk_apply(s, PH_PASTACCEPT, c, NULL, &rc);
	sk_apply(s, PH_FD, c, NULL, &rc);
	sk_apply(s, PH_PASTSOCKET, c, NULL, &rc);
	sk_apply(s, PH_CONNECTED, c, NULL, &rc);
	struct endpoint *ep = rc == 0 ? sk_new_ep(op, c, dgram, s->rq.desc, !dgram && s->rq.role != SK_DG_LISTEN) : NULL;
	if (!ep) {
		close(c);
		return sk_conn_failed(s, &saved, swapped);
	}
	if (s->perip && !per_ip_admit(s->perip, &pa->sa, ep)) {
		char b[SOCKADDR_TEXT_SIZE];
		NOTE("refusing connection from %s: max-per-ip=%u sessions from that address are live",
		     sk_sainfo(pa, pl, b, sizeof b), per_ip_max(s->perip));
		endpoint_close(ep);
		sk_conn_opts_end(s, &saved, swapped);
		return true;
	}
	sk_export_env(op, ep, c, &pa->sa, pl);
	return sk_deliver_conn(s, ep, &saved, swapped);
}

static void rate_resume_cb(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	s->rtimer = NULL;
	s->paused_rate = false;
	sk_update_polling(s); /* level-triggered: connections waiting in the backlog report at once */
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
	sk_update_polling(s);
	if (!s->rtimer)
		s->rtimer = loop_timer_add(s->op->loop, wait, rate_resume_cb, s);
	return true;
}

/* The accept path: a batch of connections while fork allows more (max-children, fd headroom). */
static void on_listen_ready(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	(void)events;
	struct rlimit rl;
	if (!fd_lim && getrlimit(RLIMIT_NOFILE, &rl) == 0)
		fd_lim = rl.rlim_cur; /* duct never changes it: read once, not per wakeup */
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		if (s->fork && sk_children_full(s)) {
			sk_pause_children(s);
			return;
		}
		if (s->fork && !fd_headroom(fd)) {
			sk_pause_emfile(s, errno);
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
				sk_pause_emfile(s, e);
				return;
			}
			sk_fail(s, false, "accept(%d, ...): %s", fd, strerror(e));
			return;
		}
		if (c > fd_hi)
			fd_hi = c;
		conn_rate_note(&s->crate, loop_now());
		if (!sk_server_peer_ok(s, &pa.sa, pl, "connection")) {
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
			NOTE("accepting connection from %s on %s", sk_sainfo(&pa, pl, b1, sizeof b1), sk_sainfo(&la, ll, b2, sizeof b2));
		}
		if (!sk_serve_conn(s, c, &pa, pl, sk_is_dgram_type(s->rq.type)))
			return;
	}
}
