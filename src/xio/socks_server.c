/* SOCKS-SERVER: the server side of SOCKS4, SOCKS4A and SOCKS5 CONNECT (RFC 1928), typically
 * `TCP-LISTEN:1080,fork SOCKS-SERVER`.
 *
 * Design: SOCKS-SERVER is the second address, and the runner opens the second address once
 * for every connection the first delivers, handing it that connection (op->client) before any
 * session exists, so nobody else reads it yet. The open speaks the handshake on the client's
 * endpoint (through its ops, so a TLS listener in front works too), reading exactly what the
 * parsers (proxy_parse.c) ask for so no byte of the tunnel is taken with the request; then it
 * connects to the destination with the socket machinery on an inner open (sk_open: a name is
 * looked up off the loop, connect-timeout and bind= apply to the outgoing leg), answers the
 * client, and delivers the outgoing connection as its endpoint: the runner's session relays
 * client and destination like any other pair, with splice. A refusal answers with its reply
 * code, logs the client, the destination and why, and fails the open: the runner closes the
 * client and a fork listener goes on. Doing this as a layer on the listener instead would
 * need a listener that delivers pairs; the second address is already "one open per
 * connection", which is exactly a proxy's outgoing leg. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/layer.h"
#include "xio/proxy_parse.h"
#include "xio/socket.h"

enum ss_stage { SS_FIRST, SS_V4, SS_V5_GREET, SS_V5_REQ, SS_CONNECT };

struct ss {
	struct xio_open *op;
	struct endpoint *cl;       /* the client (the runner's: never closed here) */
	int rfd;
	bool polling;
	struct loop_timer *timer;  /* handshake-timeout */
	double timeout;
	enum ss_stage stage;
	unsigned char buf[600];
	size_t have;
	struct px_reply req;
	char client[320];
	char target[300];
	struct xio_open inner;     /* the outgoing connect */
	struct xio_globals g;      /* op->g with on_open_error caught (the reply code) */
	int conn_err;
	bool connect_over;
};

static const char *name(const struct ss *s)
{
	return s->op->typed ? s->op->typed : s->op->h->name;
}

static void ss_free(struct ss *s)
{
	struct xio_open *op = s->op;
	if (s->polling)
		loop_del_fd(op->loop, s->rfd);
	s->polling = false;
	if (s->timer)
		loop_timer_cancel(op->loop, s->timer);
	s->timer = NULL;
	if (s->inner.priv)
		sk_stop(&s->inner);
	opt_list_free(&s->inner.opts);
	if (op->priv == s)
		op->priv = NULL;
	free(s);
}

static void ss_fail(struct ss *s)
{
	struct xio_open *op = s->op;
	ss_free(s);
	op->deliver(op, NULL, 1);
}

static ssize_t cl_read(struct ss *s, void *b, size_t n)
{
	if (s->cl->ops && s->cl->ops->read)
		return s->cl->ops->read(s->cl, b, n);
	return read(s->rfd, b, n);
}

/* The replies are a few bytes on a connection we have only read from so far: they fit. */
static bool cl_write(struct ss *s, const unsigned char *b, size_t n)
{
	ssize_t w;
	if (s->cl->ops && s->cl->ops->write)
		w = s->cl->ops->write(s->cl, b, n);
	else
		w = send(s->cl->wfd, b, n, MSG_NOSIGNAL);
	if (w == (ssize_t)n)
		return true;
	WARN("%s: client %s: could not send the SOCKS reply: %s", name(s), s->client,
	     w < 0 ? strerror(errno) : "short write");
	return false;
}

static const char *version_name(const struct ss *s)
{
	if (s->buf[0] == 4)
		return s->req.atyp == 3 ? "SOCKS4A" : "SOCKS4";
	return "SOCKS5";
}

/* Refuse: the reply (SOCKS4 CD 91, SOCKS5 REP rep; rep < 0: none), the log line, the end. */
static void refuse(struct ss *s, int rep, const char *why)
{
	unsigned char b[32];
	size_t n = 0;
	if (rep >= 0)
		n = s->buf[0] == 4 ? px_socks4_server_reply(b, sizeof b, 91, 0, NULL)
				   : px_socks5_server_reply(b, sizeof b, rep, 1, NULL, 0);
	if (n)
		cl_write(s, b, n);
	char replied[80] = "";
	if (rep >= 0 && s->buf[0] == 4)
		snprintf(replied, sizeof replied, "; replied 91 (rejected or failed)");
	else if (rep >= 0)
		snprintf(replied, sizeof replied, "; replied %d (%s)", rep, px_socks5_rep_text(rep));
	if (s->target[0])
		ERR("%s: client %s: %s CONNECT to %s refused: %s%s", name(s), s->client, version_name(s), s->target, why,
		    replied);
	else
		ERR("%s: client %s: %s%s; closing it", name(s), s->client, why, replied);
	ss_fail(s);
}

static void set_target(struct ss *s, const struct px_reply *r)
{
	char h[INET6_ADDRSTRLEN] = "";
	if (r->atyp == 1) {
		inet_ntop(AF_INET, r->addr, h, sizeof h);
		snprintf(s->target, sizeof s->target, "%s:%u", h, r->port);
	} else if (r->atyp == 4) {
		inet_ntop(AF_INET6, r->addr, h, sizeof h);
		snprintf(s->target, sizeof s->target, "[%s]:%u", h, r->port);
	} else {
		snprintf(s->target, sizeof s->target, "%s:%u", (const char *)r->addr, r->port);
	}
}

static void on_open_error(void *arg, int index, const char *call, int err, const struct sockaddr *sa, socklen_t len)
{
	(void)index;
	(void)sa;
	(void)len;
	struct ss *s = arg;
	if (call && !strcmp(call, "connect"))
		s->conn_err = err;
	else if (!s->conn_err)
		s->conn_err = err;
}

static int rep_for(int err, bool name)
{
	switch (err) {
	case ECONNREFUSED: return 5;
	case ENETUNREACH: return 3;
	case EHOSTUNREACH: case ETIMEDOUT: return 4;
	case 0: return name ? 4 : 1;
	default: return 1;
	}
}

static void inner_deliver(struct xio_open *inner, struct endpoint *ep, int status)
{
	(void)status;
	struct ss *s = inner->arg;
	s->connect_over = true;
	if (!ep) {
		char why[200];
		if (s->conn_err)
			snprintf(why, sizeof why, "connect: %s", strerror(s->conn_err));
		else
			snprintf(why, sizeof why, "%s", s->req.atyp == 3 ? "the name did not resolve or the connect failed"
									: "the connect failed");
		refuse(s, s->buf[0] == 4 ? 91 : rep_for(s->conn_err, s->req.atyp == 3), why);
		return;
	}
	union sockaddr_any la;
	socklen_t ll = sizeof la;
	memset(&la, 0, sizeof la);
	if (getsockname(ep->wfd, &la.sa, &ll) < 0)
		ll = 0;
	unsigned char b[32];
	size_t n;
	char lt[300] = "";
	if (ll)
		sa_addr_text(&la.sa, ll, lt, sizeof lt);
	if (s->buf[0] == 4) {
		unsigned char ip[4] = { 0 };
		if (la.sa.sa_family == AF_INET)
			memcpy(ip, &la.in4.sin_addr, 4);
		n = px_socks4_server_reply(b, sizeof b, 90, (uint16_t)(sa_port(&la.sa, ll) > 0 ? sa_port(&la.sa, ll) : 0), ip);
	} else if (la.sa.sa_family == AF_INET6) {
		n = px_socks5_server_reply(b, sizeof b, 0, 4, la.in6.sin6_addr.s6_addr, ntohs(la.in6.sin6_port));
	} else {
		n = px_socks5_server_reply(b, sizeof b, 0, 1, (const unsigned char *)&la.in4.sin_addr,
					   la.sa.sa_family == AF_INET ? ntohs(la.in4.sin_port) : 0);
	}
	if (!cl_write(s, b, n)) {
		endpoint_close(ep);
		ss_fail(s);
		return;
	}
	NOTE("%s: client %s: %s CONNECT to %s, connected from %s:%d", name(s), s->client, version_name(s), s->target, lt,
	     sa_port(&la.sa, ll));
	struct xio_open *op = s->op;
	s->inner.priv = NULL; /* the socket machinery freed itself on this one-shot delivery */
	ss_free(s);
	op->deliver(op, ep, 0);
}

static void start_connect(struct ss *s)
{
	struct xio_open *op = s->op;
	if (s->polling)
		loop_del_fd(op->loop, s->rfd);
	s->polling = false;
	if (s->timer)
		loop_timer_cancel(op->loop, s->timer);
	s->timer = NULL;
	set_target(s, &s->req);
	int cmd = s->req.code;
	if (cmd != 1) {
		refuse(s, s->buf[0] == 4 ? 91 : 7,
		       cmd == 2 ? "BIND is not supported (CONNECT only)"
				: cmd == 3 ? "UDP ASSOCIATE is not supported (CONNECT only)" : "unknown command");
		return;
	}
	s->stage = SS_CONNECT;
	char host[INET6_ADDRSTRLEN + 1], port[8];
	int fam = AF_UNSPEC;
	if (s->req.atyp == 1) {
		inet_ntop(AF_INET, s->req.addr, host, sizeof host);
		fam = AF_INET;
	} else if (s->req.atyp == 4) {
		inet_ntop(AF_INET6, s->req.addr, host, sizeof host);
		fam = AF_INET6;
	}
	snprintf(port, sizeof port, "%u", s->req.port);
	s->inner = *op;
	s->inner.priv = NULL;
	s->inner.multi = false;
	s->inner.arg = s;
	s->inner.deliver = inner_deliver;
	s->g = op->g ? *op->g : (struct xio_globals){ 0 };
	s->g.on_open_error = on_open_error;
	s->g.hook_arg = s;
	s->inner.g = &s->g;
	op->opts = (struct opt_list){ 0 };
	int pf = sk_ip_family(&s->inner, AF_UNSPEC);
	if (pf < 0) {
		refuse(s, s->buf[0] == 4 ? 91 : 1, "bad pf= option");
		return;
	}
	if (fam == AF_UNSPEC)
		fam = pf;
	struct sk_req rq;
	sk_req_init(&rq, SK_CONNECT, fam, SOCK_STREAM, IPPROTO_TCP);
	rq.proto_name = "tcp";
	if (sk_req_set_peers(&s->inner, &rq, s->req.atyp == 3 ? (const char *)s->req.addr : host, port) < 0) {
		refuse(s, s->buf[0] == 4 ? 91 : 4, "cannot resolve the destination");
		return;
	}
	if (sk_open(&s->inner, &rq) < 0 && !s->connect_over)
		refuse(s, s->buf[0] == 4 ? 91 : rep_for(s->conn_err, s->req.atyp == 3), "the connect failed");
}

static void step(struct ss *s)
{
	for (;;) {
		struct px_reply r;
		int rc;
		switch (s->stage) {
		case SS_FIRST:
			memset(&r, 0, sizeof r);
			r.need = 1;
			rc = PX_NEED;
			break;
		case SS_V4: rc = px_socks4_request_parse(s->buf, s->have, &r); break;
		case SS_V5_GREET: rc = px_socks5_greeting_parse(s->buf, s->have, &r); break;
		case SS_V5_REQ: rc = px_socks5_request_parse(s->buf + 1, s->have - 1, &r); break;
		default: return;
		}
		if (rc == PX_NEED) {
			size_t base = s->stage == SS_V5_REQ ? 1 : 0; /* buf[0] keeps the version */
			size_t want = r.need > s->have - base ? r.need - (s->have - base) : 1;
			if (s->have + want > sizeof s->buf) {
				refuse(s, s->buf[0] == 4 ? 91 : 1, "request too long");
				return;
			}
			ssize_t n = cl_read(s, s->buf + s->have, want);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			if (n <= 0) {
				ERR("%s: client %s %s during the SOCKS handshake (%zu bytes came)", name(s), s->client,
				    n == 0 ? "closed the connection" : strerror(errno), s->have);
				ss_fail(s);
				return;
			}
			s->have += (size_t)n;
			if (s->stage == SS_FIRST) {
				if (s->buf[0] == 4) {
					s->stage = SS_V4;
				} else if (s->buf[0] == 5) {
					s->stage = SS_V5_GREET;
				} else {
					char why[160];
					snprintf(why, sizeof why, "not a SOCKS request (first byte 0x%02x; SOCKS4 starts with 4, SOCKS5 with 5)%s",
						 s->buf[0], s->buf[0] >= 'A' && s->buf[0] <= 'Z' ? ", perhaps HTTP" : "");
					refuse(s, -1, why);
					return;
				}
			}
			continue;
		}
		if (rc == PX_FAIL) {
			if (s->stage == SS_V5_GREET) {
				const unsigned char no[2] = { 5, 0xff };
				cl_write(s, no, 2);
				refuse(s, -1, r.msg);
			} else {
				s->target[0] = 0;
				refuse(s, s->stage == SS_V4 ? 91 : r.atyp == -8 ? 8 : 1, r.msg);
			}
			return;
		}
		if (s->stage == SS_V5_GREET) {
			if (!(r.code & 1)) {
				const unsigned char no[2] = { 5, 0xff };
				cl_write(s, no, 2);
				refuse(s, -1, "the client offers no method this server takes (\"no authentication\" is the one)");
				return;
			}
			const unsigned char yes[2] = { 5, PX_SOCKS5_NOAUTH };
			if (!cl_write(s, yes, 2)) {
				ss_fail(s);
				return;
			}
			/* the request follows; buf[0] keeps the version (5) for the replies */
			s->have = 1;
			s->stage = SS_V5_REQ;
			continue;
		}
		s->req = r;
		start_connect(s);
		return;
	}
}

static void on_client(struct loop *lp, int fd, uint32_t events, void *arg)
{
	(void)lp;
	(void)fd;
	(void)events;
	step(arg);
}

static void on_timeout(struct loop *lp, void *arg)
{
	(void)lp;
	struct ss *s = arg;
	s->timer = NULL;
	ERR("%s: client %s: SOCKS handshake timed out after %g s (raise it with handshake-timeout=SECONDS)", name(s),
	    s->client, s->timeout);
	ss_fail(s);
}

static int socks_server_open(struct xio_open *op)
{
	if (!op->client) {
		ERR("%s: SOCKS-SERVER serves the connections of the first address: give it as the second "
		    "(duct TCP-LISTEN:1080,fork SOCKS-SERVER)", op->typed ? op->typed : op->h->name);
		return -1;
	}
	static const enum opt_id client_only[] = { OPT_SOCKSPORT, OPT_SOCKSUSER, OPT_SOCKS_PASSWORD };
	for (size_t i = 0; i < sizeof client_only / sizeof client_only[0]; i++) {
		const struct opt_value *v = opt_peek(&op->opts, client_only[i]);
		if (v) {
			ERR("%s: option %s is for the SOCKS clients (SOCKS4, SOCKS5 ...), not SOCKS-SERVER", op->typed,
			    v->typed_name ? v->typed_name : v->def->name);
			return -1;
		}
	}
	struct ss *s = calloc(1, sizeof *s);
	if (!s) {
		ERR("out of memory");
		return -1;
	}
	s->op = op;
	s->cl = op->client;
	s->rfd = s->cl->rfd;
	s->timeout = LAYER_DEFAULT_TIMEOUT;
	double t;
	if (opt_take_time(&op->opts, OPT_HANDSHAKE_TIMEOUT, &t))
		s->timeout = t;
	union sockaddr_any pa;
	socklen_t pl = sizeof pa;
	if (getpeername(s->rfd, &pa.sa, &pl) == 0) {
		char a[256];
		sa_addr_text(&pa.sa, pl, a, sizeof a);
		int port = sa_port(&pa.sa, pl);
		if (port >= 0)
			snprintf(s->client, sizeof s->client, "%s:%d", a, port);
		else
			snprintf(s->client, sizeof s->client, "%s", a[0] ? a : "(unnamed)");
	} else {
		snprintf(s->client, sizeof s->client, "on fd %d", s->rfd);
	}
	if (s->rfd < 0 || s->cl->wfd < 0 || loop_add_fd(op->loop, s->rfd, EPOLLIN, on_client, s) < 0) {
		ERR("%s: the first address must be a connection that can be read and written", name(s));
		free(s);
		return -1;
	}
	s->polling = true;
	if (s->timeout > 0)
		s->timer = loop_timer_add(op->loop, s->timeout, on_timeout, s);
	op->priv = s;
	return 0;
}

static void socks_server_stop(struct xio_open *op)
{
	struct ss *s = op->priv;
	if (s)
		ss_free(s);
}

const struct xio_handler xio_socks_server = {
	.name = "SOCKS-SERVER", .aliases = NULL, .usage = "", .min_params = 0, .max_params = 0,
	.groups = G(FD) | G(SOCKET) | G(IP4) | G(IP6) | G(TCP) | G(SOCKS) | G(RETRY), .dirs = XIO_RDWR,
	.arg = AF_UNSPEC, .flags = 0, .open = socks_server_open, .stop = socks_server_stop,
	.help = "SOCKS4/4A/5 CONNECT server on the first address's connection (TCP-LISTEN:1080,fork SOCKS-SERVER)",
};
