/* SOCKET-CONNECT, SOCKET-LISTEN (<domain>:<protocol>:<address>) and SOCKET-SENDTO,
 * SOCKET-DATAGRAM, SOCKET-RECVFROM, SOCKET-RECV (<domain>:<type>:<protocol>:<address>):
 * sockets of any numeric domain/type/protocol; the address is dalan data following the
 * sa_family field (x7f000001, "path", ...). */
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

static int gs_addr(struct xio_open *op, int domain, const char *text, struct sa_addr *out)
{
	unsigned char *bytes = NULL;
	size_t n = 0;
	char err[300];
	memset(out, 0, sizeof *out);
	if (dalan_parse(text, &bytes, &n, err, sizeof err) < 0) {
		sk_addr_error(op, "address \"%s\": %s", text, err);
		return -1;
	}
	if (n + sizeof(sa_family_t) > sizeof out->u) {
		free(bytes);
		sk_addr_error(op, "address \"%s\" is too long", text);
		return -1;
	}
	out->u.sa.sa_family = (sa_family_t)domain;
	memcpy((char *)&out->u + sizeof(sa_family_t), bytes, n);
	out->len = (socklen_t)(sizeof(sa_family_t) + n);
	free(bytes);
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
	if (gs_addr(op, domain, addr, &a) < 0)
		return -1;
	if (kind == GS_LISTEN || kind == GS_RECVFROM || kind == GS_RECV) {
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
