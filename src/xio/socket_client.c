/* The client roles of the socket machinery (socket_int.h): connect (TCP, UNIX-CONNECT, UNIX-CLIENT's
 * three socket types, ...), the datagram clients (UDP-CONNECT, SENDTO, DATAGRAM), the client-side
 * bind (bind=, sourceport, lowport, unix-bind-tempname) and client fork. */
#include "xio/socket_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/proxy_header.h"

static uint32_t sk_rnd32(void)
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
		last[i] = chars[sk_rnd32() % (sizeof chars - 1)];
}

/* No name of the template or port below 1024 could be bound. */
static int bind_failed(struct sk *s, const struct sa_addr *la)
{
	char b[SOCKADDR_TEXT_SIZE];
	sk_fail(s, true, "bind(%d, {%s}, %u): %s", s->fd, sk_sainfo(&la->u, la->len, b, sizeof b), (unsigned)la->len,
		strerror(errno));
	return -1;
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
		return sk_do_bind(s, &s->rq.bind.u.sa, s->rq.bind.len);
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
				if (sk_bind_logged(s->fd, &la.u.sa, la.len) == 0) {
					if (!s->rq.abstract) {
						free(s->client_path);
						s->client_path = strdup(t);
					}
					return 0;
				}
				if (errno != EADDRINUSE)
					break;
			}
			return bind_failed(s, &la);
		}
		if (!s->bind_text)
			return 0;
		if (sa_unix(s->bind_text, s->rq.abstract, s->tight, &la, err, sizeof err) < 0) {
			sk_fail(s, false, "%s: %s", op->typed, err);
			return -1;
		}
		if (sk_do_bind(s, &la.u.sa, la.len) < 0)
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
			unsigned start = 640 + sk_rnd32() % (1024 - 640);
			for (unsigned i = 0; i < 1024 - 640; i++) {
				unsigned p = 640 + (start - 640 + i) % (1024 - 640);
				sa_set_port(&la.u.sa, (uint16_t)p);
				if (sk_bind_logged(s->fd, &la.u.sa, la.len) == 0)
					return 0;
				if (errno != EADDRINUSE)
					break;
			}
			return bind_failed(s, &la);
		}
		return sk_do_bind(s, &la.u.sa, la.len);
	}
	if (s->bind_text) {
		if (sa_parse_bind(family, s->bind_text, 4, s->rq.type, s->rq.protocol, NULL, false, &la, err,
				  sizeof err) < 0) {
			sk_fail(s, false, "%s: bind=%s: %s", op->typed, s->bind_text, err);
			return -1;
		}
		return sk_do_bind(s, &la.u.sa, la.len);
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
	sk_set_fail(s, "connect", ETIMEDOUT, &p->u.sa, p->len);
	sk_fail(s, true, "connect(%d, %s, %u): %s", s->fd, sk_sainfo(&p->u, p->len, b, sizeof b), (unsigned)p->len,
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
		sk_set_fail(s, "connect", err, &p->u.sa, p->len);
		sk_fail(s, true, "connect(%d, %s, %u): %s", s->fd, sk_sainfo(&p->u, p->len, b, sizeof b),
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
		INFO("connect(%d, %s, %u): %s; trying a %s socket", s->fd, sk_sainfo(&p->u, p->len, b, sizeof b),
		     (unsigned)p->len, strerror(e), s->unix_stage == 0 ? "datagram" : "seqpacket");
		s->unix_stage++;
		sk_close_fd(s);
		sk_drop_client_path(s);
		sk_attempt(s);
		return;
	}
	bool tried_all = s->rq.unix_client && s->unix_stage == 2 && (e == EPROTOTYPE || e == ECONNREFUSED);
	sk_fail(s, true, "connect(%d, %s, %u): %s%s", s->fd, sk_sainfo(&p->u, p->len, b, sizeof b), (unsigned)p->len,
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
		listener_fail(&s->life, 1);
		return;
	}
	s->rq.peers = *peers;
	s->cand = 0;
	sk_attempt_client(s);
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
		listener_fail(&s->life, 1);
		return false;
	}
	return true;
}

void sk_attempt_client(struct sk *s)
{
	struct xio_open *op = s->op;
	if (!have_peers(s))
		return;
	if (sk_reset_opts(s) < 0) {
		listener_fail(&s->life, 1);
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
	int fd = sk_create_socket(s, fam, type, s->rq.protocol);
	if (fd == -2) {
		listener_fail(&s->life, 1);
		return;
	}
	if (fd < 0)
		return;
	int rc = 0;
	sk_apply(s, PH_FD, fd, NULL, &rc);
	sk_apply(s, PH_PREBIND, fd, NULL, &rc);
	if (rc < 0) {
		sk_give_up(s);
		return;
	}
	if (client_bind(s, fam) < 0)
		return;
	sk_apply(s, PH_PASTBIND, fd, NULL, &rc);
	sk_apply(s, PH_PRECONNECT, fd, NULL, &rc);
	if (rc < 0) {
		sk_give_up(s);
		return;
	}
	if (s->rq.role == SK_DG_SENDTO || s->rq.role == SK_DG_DATAGRAM) {
		client_done(s);
		return;
	}
	char b[SOCKADDR_TEXT_SIZE];
	NOTE("opening connection to %s", sk_sainfo(&p->u, p->len, b, sizeof b));
	client_connect(s);
}

void sk_client_fork_next(struct loop *lp, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	s->timer = NULL;
	if (sk_children_full(s)) {
		s->paused_children = true;
		NOTE("maxchildren are active, waiting");
		return;
	}
	s->cand = 0;
	s->unix_stage = 0;
	sk_attempt(s);
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
		NOTE("successfully connected from local address %s", sk_sainfo(&la, ll, b, sizeof b));
	int rc = 0;
	sk_apply(s, PH_PASTCONNECT, s->fd, NULL, &rc);
	sk_apply(s, PH_CONNECTED, s->fd, NULL, &rc);
	if (rc < 0) {
		sk_give_up(s);
		return;
	}
	int type = client_type(s);
	if (s->send_proxy && !sk_is_dgram_type(type) && pp_send_header(op, s->fd, s->send_proxy) < 0) {
		sk_give_up(s);
		return;
	}
	struct endpoint *ep = sk_new_ep(op, s->fd, sk_is_dgram_type(type), s->rq.desc, connected && !sk_is_dgram_type(type));
	if (!ep) {
		sk_fail(s, false, "out of memory");
		return;
	}
	if (connected && !sk_is_dgram_type(type))
		ep->flags |= EPF_RD_LATER;
	if (s->rq.role == SK_DG_SENDTO || s->rq.role == SK_DG_DATAGRAM) {
		struct dg_ctx *d = sk_dg_attach(ep, DGF_SENDTO | (s->rq.role == SK_DG_SENDTO ? DGF_PEERONLY : 0) |
							 (s->rq.role == SK_DG_DATAGRAM &&
								  (s->f.has_range || s->f.sourceport >= 0 || s->f.lowport)
							      ? DGF_RANGE
							      : 0));
		if (!d) {
			endpoint_close(ep);
			s->fd = -1;
			listener_fail(&s->life, 1);
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
	sk_export_env(s->op, ep, s->fd, &p->u.sa, p->len);
	s->fd = -1;
	if (!sk_hand_over(s, ep, s->fork))
		return;
	/* client fork: connect again after interval */
	s->timer = loop_timer_add(op->loop, s->interval, sk_client_fork_next, s);
}
