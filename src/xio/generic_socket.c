/* SOCKET-CONNECT, SOCKET-LISTEN (<domain>:<protocol>:<address>) and SOCKET-SENDTO,
 * SOCKET-DATAGRAM, SOCKET-RECVFROM, SOCKET-RECV (<domain>:<type>:<protocol>:<address>):
 * sockets of any numeric domain/type/protocol; the address is dalan data following the
 * sa_family field (x7f000001, "path", ...), and so are bind= and range=<address>:<mask>. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "xio/socket.h"

enum gs_kind { GS_CONNECT, GS_LISTEN, GS_SENDTO, GS_DATAGRAM, GS_RECVFROM, GS_RECV };

static int parse_int(struct xio_open *op, const char *what, const char *text, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 0);
	if (!*text || *end || errno || v < -65536 || v > 65536) {
		sk_addr_error(op, "invalid %s \"%s\"", what, text);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* dalan text into at most max bytes; what names the text in messages ("address", "bind=") */
static int gs_bytes(struct xio_open *op, const char *what, const char *text, unsigned char *out, size_t max,
		    size_t *len)
{
	unsigned char *bytes = NULL;
	size_t n = 0;
	char err[300];
	if (dalan_parse(text, &bytes, &n, err, sizeof err) < 0) {
		sk_addr_error(op, "%s \"%s\": %s", what, text, err);
		return -1;
	}
	if (n > max) {
		free(bytes);
		sk_addr_error(op, "%s \"%s\" is %zu bytes long; a socket address holds at most %zu after the family",
			      what, text, n, max);
		return -1;
	}
	if (n)
		memcpy(out, bytes, n);
	*len = n;
	free(bytes);
	return 0;
}

static int gs_addr(struct xio_open *op, const char *what, int domain, const char *text, struct sa_addr *out)
{
	size_t n;
	memset(out, 0, sizeof *out);
	if (gs_bytes(op, what, text, (unsigned char *)&out->u + sizeof(sa_family_t), SA_RAW_MAX, &n) < 0)
		return -1;
	out->u.sa.sa_family = (sa_family_t)domain;
	out->len = (socklen_t)(sizeof(sa_family_t) + n);
	return 0;
}

/* range=<address>:<mask>, both dalan data after the family like the address parameter, split
 * at the first ':' outside quotes. */
static int gs_range(struct xio_open *op, const char *text, struct sa_range *r)
{
	const char *colon = NULL;
	char q = 0;
	for (const char *p = text; *p && !colon; p++) {
		if (q && *p == '\\' && p[1])
			p++;
		else if (q && *p == q)
			q = 0;
		else if (!q && (*p == '"' || *p == '\''))
			q = *p;
		else if (!q && *p == ':')
			colon = p;
	}
	if (!colon) {
		sk_addr_error(op, "range=%s: expected <address>:<mask> in the notation of the address parameter "
			      "(e.g. x2f746d70:xffffffff)", text);
		return -1;
	}
	char *addr = strndup(text, (size_t)(colon - text));
	if (!addr) {
		sk_addr_error(op, "out of memory");
		return -1;
	}
	size_t an, mn;
	memset(r, 0, sizeof *r);
	int rc = gs_bytes(op, "range= address", addr, r->addr, sizeof r->addr, &an);
	free(addr);
	if (rc < 0 || gs_bytes(op, "range= mask", colon + 1, r->mask, sizeof r->mask, &mn) < 0)
		return -1;
	if (an != mn) {
		sk_addr_error(op, "range=%s: the address is %zu bytes long, the mask %zu; give both the same length",
			      text, an, mn);
		return -1;
	}
	for (size_t i = 0; i < an; i++)
		r->addr[i] &= r->mask[i];
	r->family = AF_UNSPEC;
	r->rawlen = an;
	return 0;
}

static int gs_open(struct xio_open *op)
{
	int kind = op->h->arg;
	char *const *p = op->spec->params;
	int domain, type = SOCK_STREAM, protocol;
	const char *addr;
	if (parse_int(op, "domain", p[0], &domain) < 0)
		return -1;
	if (kind == GS_CONNECT || kind == GS_LISTEN) {
		if (parse_int(op, "protocol", p[1], &protocol) < 0)
			return -1;
		addr = p[2];
	} else {
		if (parse_int(op, "socket type", p[1], &type) < 0 || parse_int(op, "protocol", p[2], &protocol) < 0)
			return -1;
		addr = p[3];
	}
	static const enum sk_role roles[] = {
		[GS_CONNECT] = SK_CONNECT, [GS_LISTEN] = SK_LISTEN, [GS_SENDTO] = SK_DG_SENDTO,
		[GS_DATAGRAM] = SK_DG_DATAGRAM, [GS_RECVFROM] = SK_DG_RECVFROM, [GS_RECV] = SK_DG_RECV,
	};
	struct sk_req rq;
	sk_req_init(&rq, roles[kind], domain, type, protocol);
	struct sa_addr a;
	if (gs_addr(op, "address", domain, addr, &a) < 0)
		return -1;
	bool server = kind == GS_LISTEN || kind == GS_RECVFROM || kind == GS_RECV;
	const char *text;
	if (opt_take_str(&op->opts, OPT_BIND, &text) && text) {
		if (server) {
			sk_addr_error(op, "bind=%s: not used here, the <local-address> parameter is the address this "
				      "socket is bound to; give the address there", text);
			return -1;
		}
		if (gs_addr(op, "bind=", domain, text, &rq.bind) < 0)
			return -1;
		rq.has_bind = true;
	}
	if (opt_take_str(&op->opts, OPT_RANGE, &text) && text) {
		if (gs_range(op, text, &rq.range) < 0)
			return -1;
		rq.has_range = true;
	}
	if (server) {
		rq.local = a;
		rq.has_local = true;
	} else if (sa_list_add(&rq.peers, &a.u.sa, a.len) < 0) {
		return -1;
	}
	return sk_open(op, &rq);
}

static const char *const al_sendto[] = { "SENDTO", NULL };
static const char *const al_datagram[] = { "DATAGRAM", "DGRAM", NULL };

#define GS_H(var, nm, al, kind, grp, dirs_, flg, usage_, np, hlp)                                          \
	const struct xio_handler var = {                                                               \
		.name = nm, .aliases = al, .usage = usage_, .min_params = np, .max_params = np,          \
		.groups = (grp), .dirs = dirs_, .arg = kind, .flags = flg, .open = gs_open,              \
		.stop = sk_stop, .resume = sk_resume, .help = hlp,                                       \
	}

GS_H(xio_socket_connect, "SOCKET-CONNECT", NULL, GS_CONNECT, G(FD) | G(SOCKET) | G(CHILD) | G(RETRY), XIO_RDWR,
     XH_MULTI, ":<domain>:<protocol>:<remote-address>", 3, "stream socket of any domain: connect");
GS_H(xio_socket_listen, "SOCKET-LISTEN", NULL, GS_LISTEN,
     G(FD) | G(SOCKET) | G(LISTEN) | G(CHILD) | G(RANGE) | G(RETRY), XIO_RDWR, XH_MULTI,
     ":<domain>:<protocol>:<local-address>", 3, "stream socket of any domain: listen");
GS_H(xio_socket_sendto, "SOCKET-SENDTO", al_sendto, GS_SENDTO, G(FD) | G(SOCKET), XIO_RDWR, 0,
     ":<domain>:<type>:<protocol>:<remote-address>", 4, "datagrams of any domain to an address");
GS_H(xio_socket_datagram, "SOCKET-DATAGRAM", al_datagram, GS_DATAGRAM, G(FD) | G(SOCKET) | G(RANGE), XIO_RDWR, 0,
     ":<domain>:<type>:<protocol>:<remote-address>", 4, "datagrams of any domain, anything comes back");
GS_H(xio_socket_recvfrom, "SOCKET-RECVFROM", NULL, GS_RECVFROM, G(FD) | G(SOCKET) | G(CHILD) | G(RANGE), XIO_RDWR,
     XH_MULTI, ":<domain>:<type>:<protocol>:<local-address>", 4, "one datagram of any domain, replies to it");
GS_H(xio_socket_recv, "SOCKET-RECV", NULL, GS_RECV, G(FD) | G(SOCKET) | G(RANGE), XIO_RDONLY, 0,
     ":<domain>:<type>:<protocol>:<local-address>", 4, "datagram sink of any domain");
