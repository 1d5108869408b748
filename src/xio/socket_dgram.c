/* The datagram roles of the socket machinery (socket_int.h): the endpoint layer of unconnected
 * datagram sockets (sendto replies, peer and range filters, one pre-read packet), UDP-LISTEN's
 * first sender, *-RECVFROM's session per datagram and *-RECV's sink, with their ancillary data. */
#include "xio/socket_int.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/ancillary.h"
#include "xio/free_guard.h"

/* ---------- datagram endpoint layer ---------- */

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
			INFO("ignoring datagram from %s", sk_sainfo(&from, fl, b, sizeof b));
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

struct dg_ctx *sk_dg_attach(struct endpoint *ep, unsigned flags)
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

/* UDP-LISTEN: the first datagram's sender becomes the connected peer. */
static bool sk_dgram_listen_one(struct sk *s)
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
	if (!sk_server_peer_ok(s, &pa.sa, pl, "connection")) {
		(void)!recv(s->fd, &one, 1, MSG_DONTWAIT);
		return true;
	}
	if (s->rq.dg_gate) {
		pl = sizeof pa;
		int g = s->rq.dg_gate(s->rq.dg_gate_arg, s->fd, &pa, &pl);
		if (g <= 0)
			return g == 0;
		/* the gate may have read past the datagram checked above */
		if (!sk_server_peer_ok(s, &pa.sa, pl, "connection")) {
			(void)!recv(s->fd, &one, 1, MSG_DONTWAIT);
			return true;
		}
	}
	char b[SOCKADDR_TEXT_SIZE];
	NOTE("accepting %sconnection from %s", s->rq.listen_word, sk_sainfo(&pa, pl, b, sizeof b));
	int c = s->fd;
	if (s->fork) {
		/* A fresh socket takes over the port before c is tied to its peer. */
		if (s->polling)
			loop_del_fd(s->op->loop, c);
		s->polling = false;
		s->fd = -1;
		s->listening = false;
		struct guard g;
		guard_push(&s->life.guards, &g);
		int r = sk_server_setup(s);
		if (!g.alive) {
			close(c);
			return false;
		}
		guard_pop(&s->life.guards, &g);
		if (r < 0) {
			close(c);
			return false;
		}
	}
	if (connect(c, &pa.sa, pl) < 0) {
		WARN("connect(%d, %s, %u): %s", c, sk_sainfo(&pa, pl, b, sizeof b), (unsigned)pl, strerror(errno));
		if (s->fork) {
			close(c);
			return true;
		}
	}
	return sk_serve_conn(s, c, &pa, pl, true);
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
	if (!sk_server_peer_ok(s, &pa.sa, pl, "packet"))
		return true;
	unsigned char *data = s->dgbuf;
	if (s->rq.raw_ip && pa.sa.sa_family == AF_INET && n > 0) {
		size_t ihl = (size_t)(data[0] & 0x0f) * 4;
		if (ihl <= (size_t)n) {
			data += ihl;
			n -= (ssize_t)ihl;
		}
	}
	NOTE("receiving packet from %s", sk_sainfo(&pa, pl, b, sizeof b));
	int dfd;
	if (s->fork) {
		dfd = fcntl(s->fd, F_DUPFD_CLOEXEC, 3);
		if (dfd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				WARN("dropping a packet from %s: %s", b, strerror(errno));
				sk_pause_emfile(s, errno);
			}
			return false;
		}
	} else {
		dfd = s->fd;
	}
	struct opt_list saved;
	int swapped = sk_conn_opts_begin(s, &saved);
	int rc = swapped < 0 ? -1 : 0;
	sk_apply(s, PH_CONNECTED, dfd, NULL, &rc);
	struct endpoint *ep = rc == 0 ? sk_make_endpoint(op, dfd, s->rq.desc, true) : NULL;
	struct dg_ctx *d = ep ? sk_dg_attach(ep, DGF_SENDTO | DGF_PREREAD) : NULL;
	if (!d) {
		if (ep) {
			ep->rfd = ep->wfd = -1;
			endpoint_close(ep);
		}
		if (dfd != s->fd)
			close(dfd);
		return sk_conn_failed(s, &saved, swapped);
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
	sk_export_env(op, ep, dfd, &pa.sa, pl);
	report_ancillary(ep, &mh);
	return sk_deliver_conn(s, ep, &saved, swapped);
}

void sk_on_dgram_ready(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct sk *s = arg;
	(void)lp;
	(void)fd;
	(void)events;
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		if (s->fork && sk_children_full(s)) {
			sk_pause_children(s);
			return;
		}
		bool more = s->rq.role == SK_DG_LISTEN ? sk_dgram_listen_one(s) : dgram_recvfrom_one(s);
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

/* *-RECV: the bound socket is the endpoint (never fork: one delivery). */
void sk_recv_deliver(struct sk *s)
{
	struct xio_open *op = s->op;
	int rc = 0;
	sk_apply(s, PH_CONNECTED, s->fd, NULL, &rc);
	struct endpoint *ep = rc == 0 ? sk_make_endpoint(op, s->fd, s->rq.desc, true) : NULL;
	if (!ep) {
		sk_conn_failed(s, NULL, 0);
		return;
	}
	ep->flags &= ~EPF_WRITE;
	bool anc = wants_ancillary(ep->rfd);
	if (s->f.has_range || s->f.sourceport >= 0 || s->f.lowport || s->rq.raw_ip || anc) {
		struct dg_ctx *d = sk_dg_attach(ep, (s->f.has_range || s->f.sourceport >= 0 || s->f.lowport ? DGF_RANGE : 0) |
							 (anc ? DGF_ANC : 0));
		if (d) {
			d->raw_ip = s->rq.raw_ip;
			d->has_range = s->f.has_range;
			d->range = s->f.range;
			d->sourceport = s->f.sourceport;
			d->lowport = s->f.lowport;
		}
	}
	sk_export_env(op, ep, s->fd, NULL, 0);
	sk_deliver_conn(s, ep, NULL, 0);
}
