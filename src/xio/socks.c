/* SOCKS4, SOCKS4A, SOCKS5-CONNECT and SOCKS5-LISTEN (BIND): a TCP connection to the SOCKS
 * server, then the SOCKS dialog as a nonblocking handshake step (layer.c). The dialog reads
 * exactly the bytes of each reply (the parsers say how many), so nothing of the tunnel is
 * consumed with it and the plain socket is delivered as it is. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
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

enum socks_kind { SK4, SK4A, SK5_CONNECT, SK5_BIND };

struct socks_cfg {
	enum socks_kind kind;
	char *server, *sport;  /* the SOCKS server */
	char *host;            /* target */
	uint16_t port;
	unsigned char ip4[4];  /* SOCKS4: target resolved here */
	bool ip4_later;        /* ... by the layer's lookup, which may still run */
	char *user, *pass;
};

enum socks_phase { PH4_REPLY, PH5_METHOD, PH5_AUTH, PH5_REPLY, PH5_BIND2 };

struct socks_st {
	enum socks_phase phase;
	bool ip4_wait;         /* SOCKS4: the request waits for the target's address */
	unsigned char out[1024];
	size_t outlen, outoff;
	unsigned char in[600];
	size_t inlen;
};

static void socks_free_cfg(void *p)
{
	struct socks_cfg *c = p;
	free(c->server);
	free(c->sport);
	free(c->host);
	free(c->user);
	free(c->pass);
	free(c);
}

static const char *kind_name(enum socks_kind k)
{
	switch (k) {
	case SK4: return "SOCKS4";
	case SK4A: return "SOCKS4A";
	case SK5_CONNECT:
	case SK5_BIND: return "SOCKS5";
	}
	return "SOCKS";
}

static int socks4_request(struct lconn *c)
{
	struct socks_cfg *cfg = c->L->cfg;
	struct socks_st *st = c->st;
	st->outlen = px_socks4_request(st->out, sizeof st->out, cfg->port, cfg->ip4, cfg->user ? cfg->user : "",
				       cfg->kind == SK4A ? cfg->host : NULL);
	if (!st->outlen) {
		ERR("%s: user name or host name too long for SOCKS (255 bytes at most)", layer_name(c));
		return -1;
	}
	return 0;
}

static int socks_begin(struct lconn *c)
{
	struct socks_cfg *cfg = c->L->cfg;
	struct socks_st *st = calloc(1, sizeof *st);
	if (!st) {
		ERR("out of memory");
		return -1;
	}
	c->st = st;
	if (cfg->kind == SK4 || cfg->kind == SK4A) {
		st->phase = PH4_REPLY;
		st->ip4_wait = cfg->ip4_later; /* socks_step sends the request */
		if (!st->ip4_wait && socks4_request(c) < 0)
			return -1;
	} else {
		st->outlen = px_socks5_greeting(st->out, sizeof st->out, cfg->user != NULL);
		st->phase = PH5_METHOD;
		if (!st->outlen) {
			ERR("%s: user name or host name too long for SOCKS (255 bytes at most)", layer_name(c));
			return -1;
		}
	}
	if (log_enabled(LOG_I))
		INFO("%s: %s dialog with %s for %s:%u", layer_name(c), kind_name(cfg->kind), c->peer, cfg->host, cfg->port);
	return 0;
}

static void socks_drop(struct lconn *c)
{
	free(c->st);
	c->st = NULL;
}

static void refused(struct lconn *c, const char *what, const struct px_reply *r)
{
	struct socks_cfg *cfg = c->L->cfg;
	ERR("%s: %s server %s %s %s:%u: %s", layer_name(c), kind_name(cfg->kind), c->peer, what,
	    cfg->host, cfg->port, r->msg);
}

static enum lstep socks_step(struct lconn *c, uint32_t events)
{
	struct socks_cfg *cfg = c->L->cfg;
	struct socks_st *st = c->st;
	(void)events;
	if (st->ip4_wait) {
		const struct sa_list *addrs;
		if (!layer_lookup_ready(c, &addrs))
			return LSTEP_WAIT;
		memcpy(cfg->ip4, &addrs->a[0].u.in4.sin_addr, 4);
		st->ip4_wait = false;
		if (socks4_request(c) < 0)
			return LSTEP_FAIL;
	}
	for (;;) {
		if (st->outoff < st->outlen) {
			ssize_t n = send(c->fd, st->out + st->outoff, st->outlen - st->outoff, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					return LSTEP_WRITE;
				if (errno == EINTR)
					continue;
				ERR("%s: sending to %s server %s: %s", layer_name(c), kind_name(cfg->kind), c->peer,
				    strerror(errno));
				return LSTEP_FAIL;
			}
			st->outoff += (size_t)n;
			continue;
		}
		struct px_reply r;
		int rc;
		switch (st->phase) {
		case PH4_REPLY: rc = px_socks4_reply(st->in, st->inlen, &r); break;
		case PH5_METHOD: rc = px_socks5_method(st->in, st->inlen, cfg->user != NULL, &r); break;
		case PH5_AUTH: rc = px_socks5_auth_reply(st->in, st->inlen, &r); break;
		default: rc = px_socks5_reply(st->in, st->inlen, &r); break;
		}
		if (rc == PX_NEED) {
			size_t want = r.need > st->inlen ? r.need - st->inlen : 1;
			if (want > sizeof st->in - st->inlen)
				want = sizeof st->in - st->inlen;
			ssize_t n = recv(c->fd, st->in + st->inlen, want, 0);
			if (n < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					return LSTEP_READ;
				if (errno == EINTR)
					continue;
				ERR("%s: reading from %s server %s: %s", layer_name(c), kind_name(cfg->kind), c->peer,
				    strerror(errno));
				return LSTEP_FAIL;
			}
			if (n == 0) {
				ERR("%s: %s server %s closed the connection during the dialog%s", layer_name(c),
				    kind_name(cfg->kind), c->peer,
				    st->phase == PH4_REPLY || st->phase == PH5_METHOD
					    ? " (is it a SOCKS server, and of this version?)"
					    : "");
				return LSTEP_FAIL;
			}
			st->inlen += (size_t)n;
			continue;
		}
		if (rc == PX_FAIL) {
			switch (st->phase) {
			case PH4_REPLY: refused(c, "refused the connection to", &r); break;
			case PH5_METHOD: refused(c, "refused to serve", &r); break;
			case PH5_AUTH: refused(c, "refused the login for", &r); break;
			case PH5_REPLY:
				refused(c, cfg->kind == SK5_BIND ? "refused to listen for" : "refused the connection to", &r);
				break;
			case PH5_BIND2: refused(c, "gave up listening for", &r); break;
			}
			return LSTEP_FAIL;
		}
		/* PX_OK: next phase */
		st->inlen = 0;
		st->outlen = st->outoff = 0;
		switch (st->phase) {
		case PH4_REPLY:
			NOTE("%s: %s server %s connected us to %s:%u", layer_name(c), kind_name(cfg->kind), c->peer,
			     cfg->host, cfg->port);
			return LSTEP_DONE;
		case PH5_METHOD:
			if (r.code == PX_SOCKS5_USERPASS) {
				st->outlen = px_socks5_auth_request(st->out, sizeof st->out, cfg->user,
								    cfg->pass ? cfg->pass : "");
				if (!st->outlen) {
					ERR("%s: socksuser or sockspass longer than 255 bytes", layer_name(c));
					return LSTEP_FAIL;
				}
				st->phase = PH5_AUTH;
				break;
			}
			/* no authentication */
			__attribute__((fallthrough));
		case PH5_AUTH: {
			char h[300];
			snprintf(h, sizeof h, "%s", cfg->host);
			st->outlen = px_socks5_request(st->out, sizeof st->out,
						       cfg->kind == SK5_BIND ? PX_SOCKS5_BIND : PX_SOCKS5_CONNECT, h, cfg->port);
			if (!st->outlen) {
				ERR("%s: target host name too long for SOCKS5 (255 bytes at most)", layer_name(c));
				return LSTEP_FAIL;
			}
			st->phase = PH5_REPLY;
			break;
		}
		case PH5_REPLY: {
			char a[SOCKADDR_TEXT_SIZE];
			px_socks5_addr_text(&r, a, sizeof a);
			if (cfg->kind == SK5_BIND) {
				NOTE("%s: SOCKS5 server %s listens for us on %s", layer_name(c), c->peer, a);
				st->phase = PH5_BIND2;
				/* the peer may take its time: no handshake-timeout while waiting */
				layer_conn_untimed(c);
				break;
			}
			NOTE("%s: SOCKS5 server %s connected us to %s:%u (bound %s)", layer_name(c), c->peer, cfg->host,
			     cfg->port, a);
			return LSTEP_DONE;
		}
		case PH5_BIND2: {
			char a[SOCKADDR_TEXT_SIZE];
			px_socks5_addr_text(&r, a, sizeof a);
			NOTE("%s: SOCKS5 server %s accepted a connection from %s", layer_name(c), c->peer, a);
			return LSTEP_DONE;
		}
		}
	}
}

static const struct layer_vt socks_vt = {
	.what = "SOCKS handshake",
	.begin = socks_begin,
	.step = socks_step,
	.drop = socks_drop,
	.free_cfg = socks_free_cfg,
};

static int socks_inner(struct xio_open *inner, void *arg)
{
	struct socks_cfg *cfg = arg;
	return layer_tcp_connect(inner, cfg->server, cfg->sport);
}

static char *default_socks_port(void)
{
	struct servent *se = getservbyname("socks", "tcp");
	char b[16];
	snprintf(b, sizeof b, "%d", se ? ntohs((uint16_t)se->s_port) : 1080);
	return strdup(b);
}

static void socks4_lookup_failed(struct layer *L, const char *err)
{
	ERR("%s: SOCKS4 needs an IPv4 address for the target: %s; use SOCKS4A to let the server resolve it",
	    L->op->typed, err);
}

static int socks_open_kind(struct xio_open *op, enum socks_kind kind)
{
	struct socks_cfg *cfg = calloc(1, sizeof *cfg);
	if (!cfg) {
		ERR("out of memory");
		return -1;
	}
	cfg->kind = kind;
	const char *const *p = (const char *const *)op->spec->params;
	int np = op->spec->nparams;
	const char *thost, *tport, *sport = NULL;
	cfg->server = strdup(p[0]);
	if ((kind == SK5_CONNECT || kind == SK5_BIND) && np == 4) {
		sport = p[1];
		thost = p[2];
		tport = p[3];
	} else {
		thost = p[1];
		tport = p[2];
	}
	const char *s;
	if (opt_take_str(&op->opts, OPT_SOCKSPORT, &s) && s && !sport)
		sport = s;
	if (sport && !*sport) {
		ERR("%s: empty port/service for the SOCKS server (%s); give a port number or service name, e.g. 1080",
		    op->typed, np == 4 ? "parameter 2" : "option \"socksport=\"");
		socks_free_cfg(cfg);
		return -1;
	}
	cfg->sport = sport ? strdup(sport) : default_socks_port();
	cfg->host = strdup(thost);
	char err[400];
	if (sa_parse_port(tport, "tcp", &cfg->port, err, sizeof err) < 0) {
		ERR("%s: %s", op->typed, err);
		socks_free_cfg(cfg);
		return -1;
	}
	const char *user = NULL, *pass = NULL;
	opt_take_str(&op->opts, OPT_SOCKSUSER, &user);
	opt_take_str(&op->opts, OPT_SOCKS_PASSWORD, &pass);
	if (kind == SK4 || kind == SK4A) {
		if (!user)
			user = getenv("LOGNAME");
		if (!user)
			user = getenv("USER");
		if (pass)
			WARN("%s: sockspass is for SOCKS5; SOCKS4 sends only the user id", op->typed);
		cfg->user = strdup(user ? user : "");
	} else {
		if (pass && !user) {
			ERR("%s: sockspass needs socksuser=NAME too", op->typed);
			socks_free_cfg(cfg);
			return -1;
		}
		if (user) {
			cfg->user = strdup(user);
			cfg->pass = strdup(pass ? pass : "");
		}
	}
	/* SOCKS4 carries an IPv4 address: duct resolves the target (in a thread when the open
	 * runs in a loop of many sessions, see sk_lookup_in_place) */
	cfg->ip4_later = kind == SK4 && !sk_lookup_in_place(op, thost);
	if (kind == SK4 && !cfg->ip4_later) {
		struct sa_list l = { 0 };
		if (sa_resolve(thost, NULL, AF_INET, 4, SOCK_STREAM, IPPROTO_TCP, 0, &l, err, sizeof err) < 0 || !l.n) {
			ERR("%s: SOCKS4 needs an IPv4 address for the target: %s; use SOCKS4A to let the server resolve it",
			    op->typed, l.n ? err : err);
			sa_list_free(&l);
			socks_free_cfg(cfg);
			return -1;
		}
		memcpy(cfg->ip4, &l.a[0].u.in4.sin_addr, 4);
		sa_list_free(&l);
	}
	if (!cfg->server || !cfg->sport || !cfg->host) {
		ERR("out of memory");
		socks_free_cfg(cfg);
		return -1;
	}
	struct layer *L = layer_new(op, &socks_vt, cfg);
	if (!L)
		return -1;
	if (cfg->ip4_later) {
		const struct resolve_query q = { thost, NULL, AF_INET, 4, SOCK_STREAM, IPPROTO_TCP, 0 };
		if (layer_lookup_start(L, &q, socks4_lookup_failed) < 0) {
			layer_discard(L);
			return -1;
		}
	}
	layer_retry_failed_handshakes(L);
	return layer_run(L, socks_inner, cfg);
}

static int socks4_open(struct xio_open *op) { return socks_open_kind(op, SK4); }
static int socks4a_open(struct xio_open *op) { return socks_open_kind(op, SK4A); }
static int socks5_open(struct xio_open *op) { return socks_open_kind(op, SK5_CONNECT); }
static int socks5l_open(struct xio_open *op) { return socks_open_kind(op, SK5_BIND); }

#define SOCKS_GROUPS (G(FD) | G(SOCKET) | G(IP4) | G(IP6) | G(TCP) | G(SOCKS) | G(CHILD) | G(RETRY))

static const char *const al_socks4[] = { "SOCKS", NULL };
static const char *const al_socks5[] = { "SOCKS5", NULL };
static const char *const al_socks5l[] = { "SOCKS5-BIND", NULL };

const struct xio_handler xio_socks4 = {
	.name = "SOCKS4", .aliases = al_socks4, .usage = ":<socks-server>:<host>:<port>", .min_params = 3,
	.max_params = 3, .groups = SOCKS_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = socks4_open, .stop = layer_stop, .resume = layer_resume,
	.help = "TCP through a SOCKS4 server (socksport, default 1080); the target is resolved here to IPv4",
};
const struct xio_handler xio_socks4a = {
	.name = "SOCKS4A", .aliases = NULL, .usage = ":<socks-server>:<host>:<port>", .min_params = 3,
	.max_params = 3, .groups = SOCKS_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = socks4a_open, .stop = layer_stop, .resume = layer_resume,
	.help = "TCP through a SOCKS4A server, which resolves the target name",
};
const struct xio_handler xio_socks5_connect = {
	.name = "SOCKS5-CONNECT", .aliases = al_socks5,
	.usage = ":<socks-server>[:<socks-port>]:<target-host>:<target-port>", .min_params = 3, .max_params = 4,
	.groups = SOCKS_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = socks5_open, .stop = layer_stop, .resume = layer_resume,
	.help = "TCP through a SOCKS5 server (CONNECT); socksuser/sockspass for username/password login",
};
const struct xio_handler xio_socks5_listen = {
	.name = "SOCKS5-LISTEN", .aliases = al_socks5l,
	.usage = ":<socks-server>[:<socks-port>]:<listen-host>:<listen-port>", .min_params = 3, .max_params = 4,
	.groups = SOCKS_GROUPS, .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = socks5l_open, .stop = layer_stop, .resume = layer_resume,
	.help = "a SOCKS5 server listens for us (BIND) and hands over the first connection it accepts",
};
