/* SOCKS-SERVER: the server side of SOCKS4, SOCKS4A and SOCKS5 CONNECT (RFC 1928), typically
 * `TCP-LISTEN:1080,fork SOCKS-SERVER`; HTTP-PROXY-SERVER: the same for HTTP/1.x proxies
 * (CONNECT host:port tunnels, absolute-form http:// requests forwarded with Connection: close).
 *
 * Design: each is the second address, and the runner opens the second address once
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
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/text_size.h"
#include "xio/layer.h"
#include "xio/proxy_parse.h"
#include "xio/socket.h"

enum ss_stage { SS_FIRST, SS_V4, SS_V5_GREET, SS_V5_AUTH, SS_V5_REQ, SS_CONNECT };

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
	/* proxy-range=, proxy-ports=: the destinations allowed (n == 0 / lo == 0: any) */
	struct sa_rangelist allowed;
	char **users;              /* proxy-users: "user:password" lines (NULL: no login) */
	size_t nusers;
	char login[256];           /* the user who logged in, for the log */
	unsigned port_lo, port_hi;
	struct resolve_job *job;   /* a name looked up to check it against proxy-range */
	char chost[256], cport[8]; /* the destination being connected */
	int cfam;
	bool is_name;
	/* HTTP-PROXY-SERVER */
	bool http;
	char *head;                /* the request head as read (PX_HTTP_MAX + 1) */
	size_t hlen;
	struct px_http_req hreq;
};

static const char *name(const struct ss *s)
{
	return s->op->typed ? s->op->typed : s->op->h->name;
}

/* stop watching the client and its timer (the handshake is over or the state goes) */
static void ss_quiet(struct ss *s)
{
	if (s->polling)
		loop_del_fd(s->op->loop, s->rfd);
	s->polling = false;
	if (s->timer)
		loop_timer_cancel(s->op->loop, s->timer);
	s->timer = NULL;
}

static void ss_free(struct ss *s)
{
	struct xio_open *op = s->op;
	ss_quiet(s);
	if (s->inner.priv)
		sk_stop(&s->inner);
	resolve_cancel(s->job);
	sa_rangelist_free(&s->allowed);
	for (size_t i = 0; i < s->nusers; i++)
		free(s->users[i]);
	free(s->users);
	opt_list_free(&s->inner.opts);
	if (op->priv == s)
		op->priv = NULL;
	free(s->head);
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
static bool login_ok(const struct ss *s, const char *user, const char *pass)
{
	size_t ul = strlen(user);
	for (size_t i = 0; i < s->nusers; i++) {
		const char *e = s->users[i];
		if (!strncmp(e, user, ul) && e[ul] == ':' && !strcmp(e + ul + 1, pass))
			return true;
	}
	return false;
}

/* HTTP Basic: the token must be the base64 of one of the lines. */
static bool http_login_ok(struct ss *s)
{
	const char *v;
	size_t vl;
	if (!px_http_header(s->head, &s->hreq, "Proxy-Authorization", &v, &vl) || vl < 7 || strncasecmp(v, "Basic ", 6))
		return false;
	v += 6;
	vl -= 6;
	while (vl && *v == ' ')
		v++, vl--;
	char tok[700];
	for (size_t i = 0; i < s->nusers; i++) {
		size_t n = px_base64((const unsigned char *)s->users[i], strlen(s->users[i]), tok, sizeof tok);
		if (n && n == vl && !memcmp(tok, v, vl)) {
			const char *colon = strchr(s->users[i], ':');
			snprintf(s->login, sizeof s->login, "%.*s", (int)(colon - s->users[i]), s->users[i]);
			return true;
		}
	}
	return false;
}

static void http_refuse(struct ss *s, int status, const char *why)
{
	char b[600];
	size_t n = status ? px_http_status(b, sizeof b, status, why) : 0;
	if (n)
		cl_write(s, (const unsigned char *)b, n);
	if (s->target[0])
		ERR("%s: client %s: %s %s refused: %s; answered %d", name(s), s->client, s->hreq.method, s->target, why,
		    status);
	else if (status)
		ERR("%s: client %s: %s; answered %d", name(s), s->client, why, status);
	else
		ERR("%s: client %s: %s; closing it", name(s), s->client, why);
	ss_fail(s);
}

static void refuse(struct ss *s, int rep, const char *why)
{
	if (s->http) {
		http_refuse(s, rep, why);
		return;
	}
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

static void http_connected(struct ss *s, struct endpoint *ep);

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
		if (s->http)
			http_refuse(s, s->conn_err == ETIMEDOUT ? 504 : 502, why);
		else
			refuse(s, s->buf[0] == 4 ? 91 : rep_for(s->conn_err, s->req.atyp == 3), why);
		return;
	}
	if (s->http) {
		http_connected(s, ep);
		return;
	}
	union sockaddr_any la;
	socklen_t ll = sizeof la;
	memset(&la, 0, sizeof la);
	if (getsockname(ep->wfd, &la.sa, &ll) < 0)
		ll = 0;
	unsigned char b[32];
	size_t n;
	char lt[SOCKADDR_TEXT_SIZE] = "";
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
	NOTE("%s: client %s%s%s: %s CONNECT to %s, connected from %s:%d", name(s), s->client, s->login[0] ? " user " : "",
	     s->login, version_name(s), s->target, lt, sa_port(&la.sa, ll));
	struct xio_open *op = s->op;
	s->inner.priv = NULL; /* the socket machinery freed itself on this one-shot delivery */
	ss_free(s);
	op->deliver(op, ep, 0);
}

static void http_connected(struct ss *s, struct endpoint *ep)
{
	bool ok;
	if (s->hreq.connect) {
		char b[64];
		size_t n = px_http_status(b, sizeof b, 200, "");
		ok = cl_write(s, (const unsigned char *)b, n);
	} else {
		/* the request goes on to the origin in origin form, as the first bytes on the
		 * connection; the body (if any) follows through the session */
		char *f = malloc(PX_HTTP_MAX + 64);
		size_t n = f ? px_http_forward_head(s->head, &s->hreq, f, PX_HTTP_MAX + 64) : 0;
		ssize_t w = n ? send(ep->wfd, f, n, MSG_NOSIGNAL) : -1;
		free(f);
		ok = n && w == (ssize_t)n;
		if (!ok) {
			endpoint_close(ep);
			http_refuse(s, 502, "could not pass the request on to the origin");
			return;
		}
	}
	if (!ok) {
		endpoint_close(ep);
		ss_fail(s);
		return;
	}
	NOTE("%s: client %s%s%s: %s %s", name(s), s->client, s->login[0] ? " user " : "", s->login, s->hreq.method,
	     s->target);
	struct xio_open *op = s->op;
	s->inner.priv = NULL;
	ss_free(s);
	op->deliver(op, ep, 0);
}

/* Connect to host (a literal of family fam, or a name: fam AF_UNSPEC) and port. */
static void connect_to(struct ss *s, const char *host, const char *port, int fam);

static void start_connect(struct ss *s)
{
	ss_quiet(s);
	set_target(s, &s->req);
	int cmd = s->req.code;
	if (cmd != 1) {
		refuse(s, s->buf[0] == 4 ? 91 : 7,
		       cmd == 2 ? "BIND is not supported (CONNECT only)"
				: cmd == 3 ? "UDP ASSOCIATE is not supported (CONNECT only)" : "unknown command");
		return;
	}
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
	connect_to(s, s->req.atyp == 3 ? (const char *)s->req.addr : host, port, fam);
}

/* The reply for a destination the rules forbid: SOCKS5 2, SOCKS4 91, HTTP 403. */
static int forbidden(const struct ss *s)
{
	return s->http ? 403 : s->buf[0] == 4 ? 91 : 2;
}

static void connect_peers(struct ss *s, struct sa_list *peers);

static void range_resolved(void *arg, struct sa_list *peers, const char *err)
{
	struct ss *s = arg;
	s->job = NULL;
	if (!peers) {
		char why[400];
		snprintf(why, sizeof why, "cannot resolve the destination: %s", err ? err : "?");
		refuse(s, s->http ? 502 : s->buf[0] == 4 ? 91 : 4, why);
		return;
	}
	struct sa_list ok = { 0 };
	for (size_t i = 0; i < peers->n; i++)
		if (sa_rangelist_match(&s->allowed, &peers->a[i].u.sa, peers->a[i].len))
			sa_list_add(&ok, &peers->a[i].u.sa, peers->a[i].len);
	if (!ok.n) {
		char a[256] = "", why[400];
		if (peers->n)
			sa_addr_text(&peers->a[0].u.sa, peers->a[0].len, a, sizeof a);
		snprintf(why, sizeof why, "%s%s is not in proxy-range", peers->n ? "its address " : "no address",
			 peers->n ? a : "");
		sa_list_free(peers);
		refuse(s, forbidden(s), why);
		return;
	}
	sa_list_free(peers);
	connect_peers(s, &ok);
}

static void connect_to(struct ss *s, const char *host, const char *port, int fam)
{
	struct xio_open *op = s->op;
	s->stage = SS_CONNECT;
	snprintf(s->chost, sizeof s->chost, "%s", host);
	snprintf(s->cport, sizeof s->cport, "%s", port);
	int pf = sk_ip_family(op, AF_UNSPEC);
	if (pf < 0) {
		refuse(s, s->http ? 502 : s->buf[0] == 4 ? 91 : 1, "bad pf= option");
		return;
	}
	s->is_name = fam == AF_UNSPEC;
	s->cfam = s->is_name ? pf : fam;
	unsigned pn = (unsigned)strtoul(port, NULL, 10);
	if (s->port_lo && (pn < s->port_lo || pn > s->port_hi)) {
		char why[120];
		snprintf(why, sizeof why, "port %u is outside proxy-ports=%u-%u", pn, s->port_lo, s->port_hi);
		refuse(s, forbidden(s), why);
		return;
	}
	if (!s->allowed.n) {
		connect_peers(s, NULL);
		return;
	}
	/* the addresses must be known to be checked: look the name up here (off the loop), then
	 * connect to the allowed ones only */
	const struct resolve_query q = { s->chost, s->cport, s->cfam, op->g ? op->g->ipv : 4, SOCK_STREAM, IPPROTO_TCP,
					 0 };
	s->job = resolve_start(op->loop, &q, range_resolved, s);
	if (!s->job) {
		struct sa_list l = { 0 };
		char err[300];
		if (resolve_now(&q, &l, err, sizeof err) < 0)
			range_resolved(s, NULL, err);
		else
			range_resolved(s, &l, NULL);
	}
}

/* Connect to peers (checked against proxy-range; taken over), or with peers NULL to
 * s->chost:s->cport, a name looked up by the socket machinery. */
static void connect_peers(struct ss *s, struct sa_list *peers)
{
	struct xio_open *op = s->op;
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
	struct sk_req rq;
	sk_req_init(&rq, SK_CONNECT, peers ? AF_UNSPEC : s->cfam, SOCK_STREAM, IPPROTO_TCP);
	rq.proto_name = "tcp";
	if (peers) {
		rq.peers = *peers;
	} else if (sk_req_set_peers(&s->inner, &rq, s->chost, s->cport) < 0) {
		refuse(s, s->http ? 502 : s->buf[0] == 4 ? 91 : 4, "cannot resolve the destination");
		return;
	}
	if (sk_open(&s->inner, &rq) < 0 && !s->connect_over)
		refuse(s, s->http ? (s->conn_err == ETIMEDOUT ? 504 : 502) : s->buf[0] == 4 ? 91 : rep_for(s->conn_err, s->is_name),
		       "the connect failed");
}

static void step(struct ss *s)
{
	char user[256], pass[256];
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
		case SS_V5_AUTH: rc = px_socks5_auth_parse(s->buf + 1, s->have - 1, user, pass, &r); break;
		case SS_V5_REQ: rc = px_socks5_request_parse(s->buf + 1, s->have - 1, &r); break;
		default: return;
		}
		if (rc == PX_NEED) {
			size_t base = s->stage == SS_V5_REQ || s->stage == SS_V5_AUTH ? 1 : 0; /* buf[0] keeps the version */
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
			if (s->stage == SS_V5_AUTH) {
				const unsigned char no[2] = { 1, 1 };
				cl_write(s, no, 2);
				refuse(s, -1, r.msg);
			} else if (s->stage == SS_V5_GREET) {
				const unsigned char no[2] = { 5, 0xff };
				cl_write(s, no, 2);
				refuse(s, -1, r.msg);
			} else {
				s->target[0] = 0;
				refuse(s, s->stage == SS_V4 ? 91 : r.atyp == -8 ? 8 : 1, r.msg);
			}
			return;
		}
		if (s->stage == SS_V5_AUTH) {
			bool ok = login_ok(s, user, pass);
			const unsigned char st[2] = { 1, ok ? 0 : 1 };
			if (!cl_write(s, st, 2)) {
				ss_fail(s);
				return;
			}
			if (!ok) {
				char why[400];
				snprintf(why, sizeof why, "login refused for user \"%.255s\" (unknown user or wrong password)", user);
				refuse(s, -1, why);
				return;
			}
			snprintf(s->login, sizeof s->login, "%s", user);
			s->have = 1;
			s->stage = SS_V5_REQ;
			continue;
		}
		if (s->stage == SS_V5_GREET) {
			/* the one method this server takes: username/password with proxy-users, else none */
			const bool login = s->users != NULL;
			if (!(r.code & (login ? 2 : 1))) {
				const unsigned char no[2] = { 5, 0xff };
				cl_write(s, no, 2);
				refuse(s, -1, login ? "the client offers no username/password login, which proxy-users requires"
						    : "the client offers no method this server takes (\"no authentication\" is the one)");
				return;
			}
			const unsigned char method[2] = { 5, login ? PX_SOCKS5_USERPASS : PX_SOCKS5_NOAUTH };
			if (!cl_write(s, method, 2)) {
				ss_fail(s);
				return;
			}
			/* the login or the request follows; buf[0] keeps the version (5) for the replies */
			s->have = 1;
			s->stage = login ? SS_V5_AUTH : SS_V5_REQ;
			continue;
		}
		s->req = r;
		if (s->stage == SS_V4 && s->users) {
			set_target(s, &r);
			refuse(s, 91, "SOCKS4 carries no password and proxy-users is set (use SOCKS5)");
			return;
		}
		start_connect(s);
		return;
	}
}

/* HTTP: read the head and nothing after it (peeked on a plain socket; a byte at a time
 * through an endpoint's ops, TLS), then connect. */
static void http_step(struct ss *s)
{
	for (;;) {
		size_t room = PX_HTTP_MAX - s->hlen;
		ssize_t n;
		bool peeked = !(s->cl->ops && s->cl->ops->read);
		if (room == 0) {
			http_refuse(s, 400, "request head longer than 16384 bytes");
			return;
		}
		if (peeked)
			n = recv(s->rfd, s->head + s->hlen, room, MSG_PEEK);
		else
			n = cl_read(s, s->head + s->hlen, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			ERR("%s: client %s %s before a whole request head (%zu bytes came)", name(s), s->client,
			    n == 0 ? "closed the connection" : strerror(errno), s->hlen);
			ss_fail(s);
			return;
		}
		/* where the head ends within what is there; a head must start with its method */
		size_t tot = s->hlen + (size_t)n;
		size_t end = px_http_head_end(s->head, tot);
		size_t take = end ? end - s->hlen : (size_t)n;
		if (peeked && recv(s->rfd, s->head + s->hlen, take, 0) != (ssize_t)take) {
			ERR("%s: client %s: reading the request head: %s", name(s), s->client, strerror(errno));
			ss_fail(s);
			return;
		}
		s->hlen += take;
		if (s->hlen && (s->head[0] < 'A' || s->head[0] > 'Z')) {
			http_refuse(s, 400, "not an HTTP request");
			return;
		}
		if (!end)
			continue;
		int rc = px_http_request_parse(s->head, s->hlen, &s->hreq);
		if (rc != PX_OK) {
			http_refuse(s, 400, rc == PX_FAIL ? s->hreq.msg : "incomplete request head");
			return;
		}
		struct xio_open *op = s->op;
		if (s->polling)
			loop_del_fd(op->loop, s->rfd);
		s->polling = false;
		if (s->timer)
			loop_timer_cancel(op->loop, s->timer);
		s->timer = NULL;
		bool v6 = strchr(s->hreq.host, ':') != NULL;
		snprintf(s->target, sizeof s->target, v6 ? "[%s]:%u" : "%s:%u", s->hreq.host, s->hreq.port);
		if (s->users && !http_login_ok(s)) {
			const char *v;
			size_t vl;
			http_refuse(s, 407, px_http_header(s->head, &s->hreq, "Proxy-Authorization", &v, &vl)
						    ? "wrong user name or password"
						    : "proxy authentication required (Basic, proxy-users)");
			return;
		}
		char port[8];
		snprintf(port, sizeof port, "%u", s->hreq.port);
		unsigned char a6[16];
		int fam = inet_pton(AF_INET, s->hreq.host, a6) == 1 ? AF_INET
			  : inet_pton(AF_INET6, s->hreq.host, a6) == 1 ? AF_INET6 : AF_UNSPEC;
		connect_to(s, s->hreq.host, port, fam);
		return;
	}
}

static void on_client(struct loop *lp, int fd, uint32_t events, void *arg)
{
	(void)lp;
	(void)fd;
	(void)events;
	struct ss *s = arg;
	if (s->http)
		http_step(s);
	else
		step(s);
}

static void on_timeout(struct loop *lp, void *arg)
{
	(void)lp;
	struct ss *s = arg;
	s->timer = NULL;
	ERR("%s: client %s: %s timed out after %g s (raise it with handshake-timeout=SECONDS)", name(s), s->client,
	    s->http ? "request head" : "SOCKS handshake", s->timeout);
	ss_fail(s);
}

/* proxy-range (every occurrence) and proxy-ports. -1 (logged) on a bad value. */
static int take_rules(struct ss *s)
{
	struct opt_list *l = &s->op->opts;
	char err[400];
	for (size_t i = 0; i < l->n; i++) {
		struct opt_value *v = &l->v[i];
		if (!v->def || v->def->id != OPT_PROXY_RANGE)
			continue;
		v->used = true;
		if (!v->s || sa_rangelist_add(&s->allowed, v->s, err, sizeof err) < 0) {
			ERR("%s: option proxy-range=\"%s\": %s (ADDR/BITS or [V6]/BITS, separated by '|')", name(s),
			    v->s ? v->s : "", v->s ? err : "empty");
			return -1;
		}
	}
	const char *str;
	if (opt_take_str(l, OPT_PROXY_USERS, &str)) {
		FILE *f = str ? fopen(str, "re") : NULL;
		if (!f) {
			ERR("%s: option proxy-users=\"%s\": %s (a file of user:password lines)", name(s), str ? str : "",
			    str ? strerror(errno) : "empty");
			return -1;
		}
		char line[600];
		int ln = 0;
		while (fgets(line, sizeof line, f)) {
			ln++;
			line[strcspn(line, "\r\n")] = 0;
			if (!line[0] || line[0] == '#')
				continue;
			char *colon = strchr(line, ':');
			char **nu = colon && colon != line && strlen(line) < 512 ? realloc(s->users, (s->nusers + 1) * sizeof *nu) : NULL;
			if (!nu || !(nu[s->nusers] = strdup(line))) {
				if (nu)
					s->users = nu;
				ERR("%s: option proxy-users=\"%s\": line %d: user:password expected", name(s), str, ln);
				fclose(f);
				return -1;
			}
			s->users = nu;
			s->nusers++;
		}
		fclose(f);
		if (!s->nusers) {
			ERR("%s: option proxy-users=\"%s\": no user:password line in it", name(s), str);
			return -1;
		}
	}
	/* one login given inline: socksuser=U,sockspass=P / proxy-authorization=U:P */
	const char *u = NULL, *pw = NULL, *up = NULL;
	opt_take_str(l, OPT_SOCKSUSER, &u);
	opt_take_str(l, OPT_SOCKS_PASSWORD, &pw);
	opt_take_str(l, OPT_PROXY_AUTH, &up);
	if ((u != NULL) != (pw != NULL)) {
		ERR("%s: options socksuser and sockspass go together here (the login SOCKS-SERVER asks for)", name(s));
		return -1;
	}
	char one[520] = "";
	if (u)
		snprintf(one, sizeof one, "%s:%s", u, pw);
	else if (up)
		snprintf(one, sizeof one, "%s", up);
	if (one[0]) {
		char **nu = strchr(one, ':') && one[0] != ':' ? realloc(s->users, (s->nusers + 1) * sizeof *nu) : NULL;
		if (!nu || !(nu[s->nusers] = strdup(one))) {
			if (nu)
				s->users = nu;
			ERR("%s: option proxy-authorization: USER:PASSWORD expected", name(s));
			return -1;
		}
		s->users = nu;
		s->nusers++;
	}
	if (opt_take_str(l, OPT_PROXY_PORTS, &str)) {
		unsigned lo = 0, hi = 0;
		char tail = 0;
		int n = str ? sscanf(str, "%u-%u%c", &lo, &hi, &tail) : 0;
		if (n == 1)
			hi = lo;
		if ((n != 1 && n != 2) || lo == 0 || hi < lo || hi > 65535) {
			ERR("%s: option proxy-ports=\"%s\": PORT or LOW-HIGH expected (1-65535), e.g. proxy-ports=80-443",
			    name(s), str ? str : "");
			return -1;
		}
		s->port_lo = lo;
		s->port_hi = hi;
	}
	return 0;
}

static int server_open(struct xio_open *op, bool http)
{
	if (!op->client) {
		ERR("%s: %s serves the connections of the first address: give it as the second "
		    "(duct TCP-LISTEN:%s,fork %s)", op->typed ? op->typed : op->h->name, op->h->name, http ? "8080" : "1080",
		    op->h->name);
		return -1;
	}
	/* socksuser+sockspass (SOCKS-SERVER) and proxy-authorization (HTTP-PROXY-SERVER) name the
	 * one login the server asks for (take_rules); the rest belongs to the clients */
	static const enum opt_id client_only[] = { OPT_SOCKSPORT, OPT_PROXYPORT, OPT_PROXY_AUTH_FILE, OPT_PROXY_RESOLVE,
						   OPT_IGNORECR, OPT_HTTP_VERSION };
	for (size_t i = 0; i < sizeof client_only / sizeof client_only[0]; i++) {
		const struct opt_value *v = opt_peek(&op->opts, client_only[i]);
		if (v) {
			ERR("%s: option %s is for the proxy clients (SOCKS4, SOCKS5, PROXY ...), not %s", op->typed,
			    v->typed_name ? v->typed_name : v->def->name, op->h->name);
			return -1;
		}
	}
	struct ss *s = calloc(1, sizeof *s);
	if (!s) {
		ERR("out of memory");
		return -1;
	}
	s->op = op;
	s->http = http;
	if (http && !(s->head = malloc(PX_HTTP_MAX + 1))) {
		ERR("out of memory");
		free(s);
		return -1;
	}
	if (take_rules(s) < 0) {
		sa_rangelist_free(&s->allowed);
		for (size_t i = 0; i < s->nusers; i++)
			free(s->users[i]);
		free(s->users);
		free(s->head);
		free(s);
		return -1;
	}
	s->cl = op->client;
	s->rfd = s->cl->rfd;
	s->timeout = LAYER_DEFAULT_TIMEOUT;
	double t;
	if (opt_take_time(&op->opts, OPT_HANDSHAKE_TIMEOUT, &t))
		s->timeout = t;
	if (!sa_peer_text(s->rfd, "(unnamed)", s->client, sizeof s->client))
		snprintf(s->client, sizeof s->client, "on fd %d", s->rfd);
	if (s->rfd < 0 || s->cl->wfd < 0 || loop_add_fd(op->loop, s->rfd, LOOP_IN, on_client, s) < 0) {
		ERR("%s: the first address must be a connection that can be read and written", name(s));
		free(s->head);
		free(s);
		return -1;
	}
	s->polling = true;
	if (s->timeout > 0)
		s->timer = loop_timer_add(op->loop, s->timeout, on_timeout, s);
	op->priv = s;
	return 0;
}

static int socks_server_open(struct xio_open *op)
{
	return server_open(op, false);
}

static int http_proxy_server_open(struct xio_open *op)
{
	return server_open(op, true);
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

const struct xio_handler xio_http_proxy_server = {
	.name = "HTTP-PROXY-SERVER", .aliases = NULL, .usage = "", .min_params = 0, .max_params = 0,
	.groups = G(FD) | G(SOCKET) | G(IP4) | G(IP6) | G(TCP) | G(HTTP) | G(RETRY), .dirs = XIO_RDWR,
	.arg = AF_UNSPEC, .flags = 0, .open = http_proxy_server_open, .stop = socks_server_stop,
	.help = "HTTP/1.x proxy on the first address's connection: CONNECT tunnels, http:// requests forwarded",
};
