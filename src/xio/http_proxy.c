/* PROXY (HTTP CONNECT): a TCP connection to the proxy, "CONNECT host:port HTTP/1.0", the reply
 * header read as a nonblocking handshake step (layer.c). The header is peeked and only its own
 * bytes are consumed, so data the target sends right away (an SSH banner) stays in the socket
 * for the relay. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/layer.h"
#include "xio/proxy_parse.h"

struct http_cfg {
	char *proxy, *pport;
	char *host, *port;    /* target as sent */
	char *name;           /* proxy-resolve: the name the layer's lookup resolves into host */
	char *userpass;
	char *version;
	bool ignorecr;
};

struct http_st {
	char out[4096];
	size_t outlen, outoff;
	char in[PX_HTTP_MAX];
	size_t inlen;
};

static void http_free_cfg(void *p)
{
	struct http_cfg *c = p;
	free(c->proxy);
	free(c->pport);
	free(c->host);
	free(c->name);
	free(c->port);
	if (c->userpass) {
		memset(c->userpass, 0, strlen(c->userpass));
		free(c->userpass);
	}
	free(c->version);
	free(c);
}

static int http_request(struct lconn *c)
{
	struct http_cfg *cfg = c->L->cfg;
	struct http_st *st = c->st;
	st->outlen = px_http_request(st->out, sizeof st->out, cfg->host, cfg->port, cfg->userpass, cfg->version);
	if (!st->outlen) {
		ERR("%s: cannot build the CONNECT request (target or credentials too long, or blanks in the target)",
		    layer_name(c));
		return -1;
	}
	INFO("%s: sending CONNECT %s:%s to proxy %s", layer_name(c), cfg->host, cfg->port, c->peer);
	return 0;
}

static int http_begin(struct lconn *c)
{
	struct http_cfg *cfg = c->L->cfg;
	struct http_st *st = calloc(1, sizeof *st);
	if (!st) {
		ERR("out of memory");
		return -1;
	}
	c->st = st;
	if (!cfg->host)
		return 0; /* the request waits for the target's address (http_step) */
	return http_request(c);
}

/* proxy-resolve looked up in a thread: the address as the request's target */
static int take_looked_up(struct lconn *c, const struct sa_list *addrs)
{
	struct http_cfg *cfg = c->L->cfg;
	char a[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addrs->a[0].u.in4.sin_addr, a, sizeof a);
	cfg->host = strdup(a);
	if (!cfg->host) {
		ERR("out of memory");
		return -1;
	}
	return 0;
}

static void http_drop(struct lconn *c)
{
	free(c->st);
	c->st = NULL;
}

static enum lstep http_step(struct lconn *c, uint32_t events)
{
	struct http_cfg *cfg = c->L->cfg;
	struct http_st *st = c->st;
	(void)events;
	if (!st->outlen) {
		/* http_begin had no target address yet: proxy-resolve's lookup was running */
		const struct sa_list *addrs;
		if (!cfg->host) {
			if (!layer_lookup_ready(c, &addrs))
				return LSTEP_WAIT;
			if (take_looked_up(c, addrs) < 0)
				return LSTEP_FAIL;
		}
		if (http_request(c) < 0)
			return LSTEP_FAIL;
	}
	while (st->outoff < st->outlen) {
		ssize_t n = send(c->fd, st->out + st->outoff, st->outlen - st->outoff, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return LSTEP_WRITE;
			if (errno == EINTR)
				continue;
			ERR("%s: sending CONNECT to proxy %s: %s", layer_name(c), c->peer, strerror(errno));
			return LSTEP_FAIL;
		}
		st->outoff += (size_t)n;
	}
	for (;;) {
		/* peek at what arrived; consume the header's bytes only */
		size_t room = sizeof st->in - st->inlen;
		ssize_t n = recv(c->fd, st->in + st->inlen, room, MSG_PEEK);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return LSTEP_READ;
			if (errno == EINTR)
				continue;
			ERR("%s: reading the reply of proxy %s: %s", layer_name(c), c->peer, strerror(errno));
			return LSTEP_FAIL;
		}
		if (n == 0) {
			ERR("%s: proxy %s closed the connection %s", layer_name(c), c->peer,
			    st->inlen ? "in the middle of its reply" : "without replying to CONNECT (is it an HTTP proxy?)");
			return LSTEP_FAIL;
		}
		struct px_reply r;
		size_t total = st->inlen + (size_t)n;
		int rc = px_http_reply(st->in, total, cfg->ignorecr, cfg->userpass != NULL, &r);
		size_t take = rc == PX_NEED ? (size_t)n : r.consumed - st->inlen;
		if (r.consumed && r.consumed < st->inlen)
			take = 0;
		if (take > (size_t)n)
			take = (size_t)n;
		/* consume exactly take bytes (the peek copied them already) */
		char sink[4096];
		size_t left = take;
		while (left > 0) {
			ssize_t k = recv(c->fd, sink, left > sizeof sink ? sizeof sink : left, 0);
			if (k <= 0) {
				if (k < 0 && errno == EINTR)
					continue;
				ERR("%s: reading the reply of proxy %s: %s", layer_name(c), c->peer,
				    k < 0 ? strerror(errno) : "connection closed");
				return LSTEP_FAIL;
			}
			left -= (size_t)k;
		}
		st->inlen += take;
		if (rc == PX_NEED)
			continue;
		if (rc == PX_FAIL) {
			ERR("%s: proxy %s: CONNECT %s:%s: %s", layer_name(c), c->peer, cfg->host, cfg->port, r.msg);
			return LSTEP_FAIL;
		}
		NOTE("%s: proxy %s connected us to %s:%s (%s)", layer_name(c), c->peer, cfg->host, cfg->port, r.msg);
		return LSTEP_DONE;
	}
}

static const struct layer_vt http_vt = {
	.what = "HTTP CONNECT dialog",
	.begin = http_begin,
	.step = http_step,
	.drop = http_drop,
	.free_cfg = http_free_cfg,
};

static int http_inner(struct xio_open *inner, void *arg)
{
	struct http_cfg *cfg = arg;
	return layer_tcp_connect(inner, cfg->proxy, cfg->pport);
}

static char *read_auth_file(const char *path, const char *typed)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		ERR("%s: proxy-authorization-file \"%s\": %s", typed, path, strerror(errno));
		return NULL;
	}
	char buf[1100];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = 0;
	if (n >= 1024 || strchr(buf, '\n')) {
		ERR("%s: proxy-authorization-file \"%s\" must hold one line user:password", typed, path);
		return NULL;
	}
	return strdup(buf);
}

static void proxy_lookup_failed(struct layer *L, const char *err)
{
	ERR("%s: resolve: %s", L->op->typed, err);
}

static int proxy_open(struct xio_open *op)
{
	struct http_cfg *cfg = calloc(1, sizeof *cfg);
	if (!cfg) {
		ERR("out of memory");
		return -1;
	}
	char *const *p = op->spec->params;
	cfg->proxy = strdup(p[0]);
	const char *s;
	if (!opt_take_str(&op->opts, OPT_PROXYPORT, &s))
		s = NULL;
	if (s && !*s) {
		ERR("%s: empty port/service in option \"proxyport=\"; give a port number or service name, e.g. proxyport=3128",
		    op->typed);
		http_free_cfg(cfg);
		return -1;
	}
	cfg->pport = strdup(s ? s : "8080");
	uint16_t port;
	char err[400];
	if (sa_parse_port(p[2], "tcp", &port, err, sizeof err) < 0) {
		ERR("%s: %s", op->typed, err);
		http_free_cfg(cfg);
		return -1;
	}
	char pb[16];
	snprintf(pb, sizeof pb, "%u", port);
	cfg->port = strdup(pb);
	bool b;
	bool resolve = opt_take_bool(&op->opts, OPT_PROXY_RESOLVE, &b) && b;
	/* in a thread when the open runs in a loop of many sessions (sk_lookup_in_place) */
	if (resolve && !sk_lookup_in_place(op, p[1])) {
		cfg->name = strdup(p[1]);
	} else if (resolve) {
		struct sa_list l = { 0 };
		if (sa_resolve(p[1], NULL, AF_INET, 4, SOCK_STREAM, IPPROTO_TCP, 0, &l, err, sizeof err) < 0 || !l.n) {
			ERR("%s: resolve: %s", op->typed, err);
			sa_list_free(&l);
			http_free_cfg(cfg);
			return -1;
		}
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &l.a[0].u.in4.sin_addr, a, sizeof a);
		sa_list_free(&l);
		cfg->host = strdup(a);
	} else {
		cfg->host = strdup(p[1]);
	}
	cfg->ignorecr = opt_take_bool(&op->opts, OPT_IGNORECR, &b) && b;
	if (opt_take_str(&op->opts, OPT_HTTP_VERSION, &s) && s) {
		if (strcmp(s, "1.0") != 0 && strcmp(s, "1.1") != 0) {
			ERR("%s: http-version=%s: use 1.0 or 1.1", op->typed, s);
			http_free_cfg(cfg);
			return -1;
		}
		cfg->version = strdup(s);
	}
	const char *auth = NULL, *authfile = NULL;
	opt_take_str(&op->opts, OPT_PROXY_AUTH, &auth);
	opt_take_str(&op->opts, OPT_PROXY_AUTH_FILE, &authfile);
	if (authfile) {
		cfg->userpass = read_auth_file(authfile, op->typed);
		if (!cfg->userpass) {
			http_free_cfg(cfg);
			return -1;
		}
	} else if (auth) {
		cfg->userpass = strdup(auth);
	}
	if (cfg->userpass && !strchr(cfg->userpass, ':'))
		WARN("%s: proxy authorization \"user:password\" has no ':'", op->typed);
	if (!cfg->proxy || !cfg->pport || (!cfg->host && !cfg->name) || !cfg->port) {
		ERR("out of memory");
		http_free_cfg(cfg);
		return -1;
	}
	struct layer *L = layer_new(op, &http_vt, cfg);
	if (!L)
		return -1;
	if (cfg->name) {
		const struct resolve_query q = { cfg->name, NULL, AF_INET, 4, SOCK_STREAM, IPPROTO_TCP, 0 };
		if (layer_lookup_start(L, &q, proxy_lookup_failed) < 0) {
			layer_discard(L);
			return -1;
		}
	}
	layer_retry_failed_handshakes(L);
	return layer_run(L, http_inner, cfg);
}

static const char *const al_proxy[] = { "PROXY-CONNECT", NULL };

const struct xio_handler xio_proxy_connect = {
	.name = "PROXY", .aliases = al_proxy, .usage = ":<proxy-server>:<host>:<port>", .min_params = 3,
	.max_params = 3,
	.groups = G(FD) | G(SOCKET) | G(IP4) | G(IP6) | G(TCP) | G(HTTP) | G(CHILD) | G(RETRY),
	.dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = proxy_open, .stop = layer_stop, .resume = layer_resume,
	.help = "TCP through an HTTP proxy with CONNECT (proxyport, default 8080; proxyauth for Basic login)",
};
