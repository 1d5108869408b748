/* accept-proxy and send-proxy (see proxy_header.h).
 *
 * accept-proxy is a handshake layer over the listener: the transport accepts, range= and
 * its kin are taken away from it (they judge the client the header names, not the load
 * balancer that connected), and each connection's header is read here before the runner sees
 * the connection. The read never goes past the header: bytes are peeked, and only those
 * that pp_parse() says belong to the header are consumed, so the data behind it stays in
 * the socket for the relay (and splice) to move. */
#include "xio/proxy_header.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common/log.h"
#include "xio/core.h"
#include "xio/layer.h"
#include "xio/proxy_proto.h"
#include "xio/socket.h"

struct ppa_cfg {
	struct sk_filter f;
	int (*plain)(struct xio_open *op);
};

struct ppa_st {
	size_t have;
	unsigned char buf[PP_MAX];
};

static int ppa_begin(struct lconn *c)
{
	c->st = calloc(1, sizeof(struct ppa_st));
	if (!c->st) {
		ERR("out of memory");
		return -1;
	}
	return 0;
}

static void ppa_drop(struct lconn *c)
{
	free(c->st);
	c->st = NULL;
}

static void ppa_free_cfg(void *p)
{
	struct ppa_cfg *cfg = p;
	sk_filter_free(&cfg->f);
	free(cfg);
}

static const char *sa_text(const struct sockaddr *sa, socklen_t len, char *buf, size_t n)
{
	char t[256];
	sa_addr_text(sa, len, t, sizeof t);
	int port = sa_port(sa, len);
	if (port >= 0)
		snprintf(buf, n, "%s:%d", t, port);
	else
		snprintf(buf, n, "%s", t[0] ? t : "(unnamed)");
	return buf;
}

static enum lstep ppa_done(struct lconn *c, const struct pp_hdr *h)
{
	struct layer *L = c->L;
	struct ppa_cfg *cfg = L->cfg;
	struct xio_open *op = L->op;
	char b1[320], b2[320];
	if (h->local) {
		/* a health check (v2 LOCAL) or v1 UNKNOWN: the connecting peer is the client */
		union sockaddr_any pa;
		socklen_t pl = sizeof pa;
		if (getpeername(c->fd, &pa.sa, &pl) == 0 && !sk_filter_ok(op, &cfg->f, &pa.sa, pl, "connection"))
			return LSTEP_FAIL;
		NOTE("%s: PROXY v%d header from %s names no client (LOCAL, UNKNOWN or UNSPEC): the peer stays %s",
		     layer_name(c), h->version, c->peer, c->peer);
		return LSTEP_DONE;
	}
	if (!sk_filter_ok(op, &cfg->f, &h->src.sa, h->srclen, "connection"))
		return LSTEP_FAIL;
	NOTE("%s: PROXY v%d header from %s: the client is %s, connected to %s", layer_name(c), h->version, c->peer,
	     sa_text(&h->src.sa, h->srclen, b1, sizeof b1), sa_text(&h->dst.sa, h->dstlen, b2, sizeof b2));
	if (!op->g || op->g->peer_env) {
		xio_export_addr_env(c->ep, "PEER", &h->src.sa, h->srclen);
		xio_export_addr_env(c->ep, "SOCK", &h->dst.sa, h->dstlen);
	}
	return LSTEP_DONE;
}

static enum lstep ppa_step(struct lconn *c, uint32_t events)
{
	(void)events;
	struct ppa_st *st = c->st;
	for (;;) {
		if (st->have >= sizeof st->buf) {
			ERR("%s: connection from %s: no PROXY header within %zu bytes; closing it", layer_name(c), c->peer,
			    sizeof st->buf);
			return LSTEP_FAIL;
		}
		ssize_t n = recv(c->fd, st->buf + st->have, sizeof st->buf - st->have, MSG_PEEK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return LSTEP_READ;
			ERR("%s: connection from %s: reading the PROXY header: %s", layer_name(c), c->peer, strerror(errno));
			return LSTEP_FAIL;
		}
		if (n == 0) {
			ERR("%s: connection from %s closed before a whole PROXY header (%zu bytes of it came)", layer_name(c),
			    c->peer, st->have);
			return LSTEP_FAIL;
		}
		struct pp_hdr h;
		char err[200];
		int r = pp_parse(st->buf, st->have + (size_t)n, &h, err, sizeof err);
		if (r < 0) {
			ERR("%s: connection from %s: %s; closing it (accept-proxy expects every connection to start with a PROXY header)",
			    layer_name(c), c->peer, err);
			return LSTEP_FAIL;
		}
		/* consume what belongs to the header, nothing after it */
		size_t take = r > 0 ? (size_t)r - st->have : (size_t)n;
		ssize_t m = recv(c->fd, st->buf + st->have, take, 0);
		if (m != (ssize_t)take) {
			ERR("%s: connection from %s: reading the PROXY header: %s", layer_name(c), c->peer,
			    m < 0 ? strerror(errno) : "short read");
			return LSTEP_FAIL;
		}
		st->have += take;
		if (r > 0)
			return ppa_done(c, &h);
	}
}

static const struct layer_vt ppa_vt = {
	.what = "PROXY header",
	.begin = ppa_begin,
	.step = ppa_step,
	.drop = ppa_drop,
	.free_cfg = ppa_free_cfg,
};

static int ppa_inner(struct xio_open *inner, void *arg)
{
	struct ppa_cfg *cfg = arg;
	return cfg->plain(inner);
}

int pp_accept_open(struct xio_open *op, int (*plain)(struct xio_open *op))
{
	bool on = false;
	if (opt_take_bool(&op->opts, OPT_ACCEPT_PROXY, &on))
		opt_drop(&op->opts, OPT_ACCEPT_PROXY);
	if (!on) {
		const struct opt_value *t = opt_peek(&op->opts, OPT_HANDSHAKE_TIMEOUT);
		if (t && !t->used) {
			ERR("%s: option handshake-timeout: only with accept-proxy here (the time a connection has to send its PROXY header)",
			    op->typed ? op->typed : op->h->name);
			return -1;
		}
		return plain(op);
	}
	struct ppa_cfg *cfg = calloc(1, sizeof *cfg);
	if (!cfg) {
		ERR("out of memory");
		return -1;
	}
	cfg->plain = plain;
	if (sk_filter_take(op, &cfg->f, AF_UNSPEC) < 0) {
		ppa_free_cfg(cfg);
		return -1;
	}
	/* the transport must neither judge the connecting peer by them nor see accept-proxy */
	static const enum opt_id taken[] = { OPT_ACCEPT_PROXY, OPT_RANGE, OPT_ALLOW, OPT_ALLOW_FILE, OPT_DENY,
					     OPT_DENY_FILE, OPT_SOURCEPORT, OPT_LOWPORT };
	for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
		opt_drop(&op->opts, taken[i]);
	struct layer *L = layer_new(op, &ppa_vt, cfg);
	if (!L)
		return -1;
	op->layered = true;
	return layer_run(L, ppa_inner, cfg);
}

/* ---- send-proxy ---- */

static const char *env_get(char *const *env, const char *name)
{
	if (!env)
		return NULL;
	char key[64];
	int kl = snprintf(key, sizeof key, "%s_%s=", log_env_prefix(), name);
	if (kl < 0 || (size_t)kl >= sizeof key)
		return NULL;
	for (char *const *p = env; *p; p++)
		if (!strncmp(*p, key, (size_t)kl))
			return *p + kl;
	return NULL;
}

/* An address from the <PREFIX>_<what>ADDR/_<what>PORT pair: IPv4, [IPv6] or a UNIX path. */
static socklen_t env_addr(char *const *env, const char *what, union sockaddr_any *a)
{
	char n1[32], n2[32];
	snprintf(n1, sizeof n1, "%sADDR", what);
	snprintf(n2, sizeof n2, "%sPORT", what);
	const char *addr = env_get(env, n1), *port = env_get(env, n2);
	memset(a, 0, sizeof *a);
	if (!addr)
		return 0;
	if (!port) {
		size_t l = strlen(addr);
		if (l == 0 || l >= sizeof a->un.sun_path)
			return 0;
		a->un.sun_family = AF_UNIX;
		memcpy(a->un.sun_path, addr, l);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + l + 1);
	}
	char *end;
	unsigned long p = strtoul(port, &end, 10);
	if (*end || p > 65535)
		return 0;
	char t[INET6_ADDRSTRLEN + 2];
	size_t l = strlen(addr);
	if (addr[0] == '[' && l >= 2 && l - 2 < sizeof t) {
		memcpy(t, addr + 1, l - 2);
		t[l - 2] = 0;
		if (inet_pton(AF_INET6, t, &a->in6.sin6_addr) != 1)
			return 0;
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons((uint16_t)p);
		return sizeof a->in6;
	}
	if (inet_pton(AF_INET, addr, &a->in4.sin_addr) != 1)
		return 0;
	a->in4.sin_family = AF_INET;
	a->in4.sin_port = htons((uint16_t)p);
	return sizeof a->in4;
}

int pp_send_header(struct xio_open *op, int fd, int version)
{
	union sockaddr_any src, dst;
	socklen_t sl = env_addr(op->env_in, "PEER", &src), dl = env_addr(op->env_in, "SOCK", &dst);
	unsigned char b[PP_MAX];
	int n = pp_build(version, sl ? &src.sa : NULL, sl, dl ? &dst.sa : NULL, dl, b, sizeof b);
	if (n < 0) {
		ERR("%s: send-proxy: cannot build the header", op->typed ? op->typed : op->h->name);
		return -1;
	}
	/* a socket that has just connected has room for a few hundred bytes */
	ssize_t w = send(fd, b, (size_t)n, MSG_NOSIGNAL);
	if (w != n) {
		ERR("%s: send-proxy: writing the PROXY v%d header: %s", op->typed ? op->typed : op->h->name, version,
		    w < 0 ? strerror(errno) : "short write");
		return -1;
	}
	if (version == 1)
		INFO("%s: sent PROXY header \"%.*s\"", op->typed ? op->typed : op->h->name, n - 2, (const char *)b);
	else
		INFO("%s: sent a PROXY v2 header (%d bytes)", op->typed ? op->typed : op->h->name, n);
	return 0;
}
