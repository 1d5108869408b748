/* UDP and UDP-Lite: CONNECT, LISTEN, SENDTO, RECVFROM, RECV, DATAGRAM, each unversioned, 4 and 6.
 * UDP-LISTEN connects to its first peer (fork: a session per peer, a fresh socket takes the
 * port); *-RECVFROM reads one datagram per session and answers its sender (fork: a session
 * per datagram); idle sessions end with -T. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "xio/socket.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

enum udp_kind { UDK_CONNECT, UDK_LISTEN, UDK_SENDTO, UDK_RECVFROM, UDK_RECV, UDK_DATAGRAM };
#define UDARG(fam, proto, kind) ((fam) | ((proto) << 8) | ((kind) << 16))

static int udp_open(struct xio_open *op)
{
	int hfam = op->h->arg & 0xff;
	int proto = (op->h->arg >> 8) & 0xff;
	int kind = (op->h->arg >> 16) & 0xff;
	const char *pname = proto == IPPROTO_UDPLITE ? "udplite" : "udp";
	int fam = sk_ip_family(op, hfam);
	if (fam < 0)
		return -1;
	static const enum sk_role roles[] = {
		[UDK_CONNECT] = SK_DG_CONNECT, [UDK_LISTEN] = SK_DG_LISTEN, [UDK_SENDTO] = SK_DG_SENDTO,
		[UDK_RECVFROM] = SK_DG_RECVFROM, [UDK_RECV] = SK_DG_RECV, [UDK_DATAGRAM] = SK_DG_DATAGRAM,
	};
	struct sk_req rq;
	sk_req_init(&rq, roles[kind], fam, SOCK_DGRAM, proto);
	rq.proto_name = pname;
	rq.listen_word = proto == IPPROTO_UDPLITE ? "UDPLITE " : "UDP ";
	if (kind == UDK_LISTEN || kind == UDK_RECVFROM || kind == UDK_RECV) {
		if (sk_ip_local(op, fam, op->spec->params[0], SOCK_DGRAM, proto, &rq.local) < 0) {
			sk_req_free(&rq);
			return -1;
		}
		rq.has_local = true;
		rq.domain = rq.local.u.sa.sa_family;
	} else if (sk_req_set_peers(op, &rq, op->spec->params[0], op->spec->params[1]) < 0) {
		return -1;
	}
	return sk_open(op, &rq);
}

#define UDP_BASE (G(FD) | G(SOCKET))
#define UDP_H(var, nm, al, fam, proto, kind, grp, dirs_, flg, usage_, np, hlp)                          \
	const struct xio_handler var = {                                                               \
		.name = nm, .aliases = al, .usage = usage_, .min_params = np, .max_params = np,          \
		.groups = (grp), .dirs = dirs_, .arg = UDARG(fam, proto, kind), .flags = flg,            \
		.open = udp_open, .stop = sk_stop, .resume = sk_resume, .help = hlp,                     \
	}
#define HP ":<host>:<port>"
#define P ":<port>"

/* One protocol's 18 handlers. fam: 0 (either, -4/-6/pf decide), 4 or 6. */
#define UDP_FAMILY(pfx, PFX, proto, GP)                                                                       \
	static const char *const al_##pfx[] = { PFX, NULL };                                              \
	static const char *const al_##pfx##4[] = { PFX "4", NULL };                                       \
	static const char *const al_##pfx##6[] = { PFX "6", NULL };                                       \
	static const char *const al_##pfx##_l[] = { PFX "-L", NULL };                                     \
	static const char *const al_##pfx##4_l[] = { PFX "4-L", NULL };                                   \
	static const char *const al_##pfx##6_l[] = { PFX "6-L", NULL };                                   \
	static const char *const al_##pfx##_s[] = { PFX "-SEND", NULL };                                  \
	static const char *const al_##pfx##4_s[] = { PFX "4-SEND", NULL };                                \
	static const char *const al_##pfx##6_s[] = { PFX "6-SEND", NULL };                                \
	static const char *const al_##pfx##_d[] = { PFX "-DGRAM", NULL };                                 \
	static const char *const al_##pfx##4_d[] = { PFX "4-DGRAM", NULL };                               \
	static const char *const al_##pfx##6_d[] = { PFX "6-DGRAM", NULL };                               \
	UDP_H(xio_##pfx##_connect, PFX "-CONNECT", al_##pfx, AF_UNSPEC, proto, UDK_CONNECT,                 \
	      UDP_BASE | G(IP4) | G(IP6) | GP, XIO_RDWR, 0, HP, 2, "connected datagram socket to host:port");   \
	UDP_H(xio_##pfx##4_connect, PFX "4-CONNECT", al_##pfx##4, AF_INET, proto, UDK_CONNECT,              \
	      UDP_BASE | G(IP4) | GP, XIO_RDWR, 0, HP, 2, "connected datagram socket over IPv4");              \
	UDP_H(xio_##pfx##6_connect, PFX "6-CONNECT", al_##pfx##6, AF_INET6, proto, UDK_CONNECT,             \
	      UDP_BASE | G(IP6) | GP, XIO_RDWR, 0, HP, 2, "connected datagram socket over IPv6");              \
	UDP_H(xio_##pfx##_listen, PFX "-LISTEN", al_##pfx##_l, AF_UNSPEC, proto, UDK_LISTEN,                \
	      UDP_BASE | G(IP4) | G(IP6) | GP | G(LISTEN) | G(CHILD) | G(RANGE), XIO_RDWR, XH_MULTI, P, 1,      \
	      "the first sender becomes the peer; fork: a session per peer");                                 \
	UDP_H(xio_##pfx##4_listen, PFX "4-LISTEN", al_##pfx##4_l, AF_INET, proto, UDK_LISTEN,               \
	      UDP_BASE | G(IP4) | GP | G(LISTEN) | G(CHILD) | G(RANGE), XIO_RDWR, XH_MULTI, P, 1,               \
	      "datagram listener on IPv4");                                                                   \
	UDP_H(xio_##pfx##6_listen, PFX "6-LISTEN", al_##pfx##6_l, AF_INET6, proto, UDK_LISTEN,              \
	      UDP_BASE | G(IP6) | GP | G(LISTEN) | G(CHILD) | G(RANGE), XIO_RDWR, XH_MULTI, P, 1,               \
	      "datagram listener on IPv6");                                                                   \
	UDP_H(xio_##pfx##_sendto, PFX "-SENDTO", al_##pfx##_s, AF_UNSPEC, proto, UDK_SENDTO,                \
	      UDP_BASE | G(IP4) | G(IP6) | GP, XIO_RDWR, 0, HP, 2, "datagrams to host:port, replies only from it"); \
	UDP_H(xio_##pfx##4_sendto, PFX "4-SENDTO", al_##pfx##4_s, AF_INET, proto, UDK_SENDTO,               \
	      UDP_BASE | G(IP4) | GP, XIO_RDWR, 0, HP, 2, "datagrams to an IPv4 host:port");                   \
	UDP_H(xio_##pfx##6_sendto, PFX "6-SENDTO", al_##pfx##6_s, AF_INET6, proto, UDK_SENDTO,              \
	      UDP_BASE | G(IP6) | GP, XIO_RDWR, 0, HP, 2, "datagrams to an IPv6 host:port");                   \
	UDP_H(xio_##pfx##_recvfrom, PFX "-RECVFROM", NULL, AF_UNSPEC, proto, UDK_RECVFROM,                  \
	      UDP_BASE | G(IP4) | G(IP6) | GP | G(CHILD) | G(RANGE), XIO_RDWR, XH_MULTI, P, 1,                   \
	      "one datagram, replies to its sender; fork: a session per datagram");                          \
	UDP_H(xio_##pfx##4_recvfrom, PFX "4-RECVFROM", NULL, AF_INET, proto, UDK_RECVFROM,                  \
	      UDP_BASE | G(IP4) | GP | G(CHILD) | G(RANGE), XIO_RDWR, XH_MULTI, P, 1, "RECVFROM on IPv4");        \
	UDP_H(xio_##pfx##6_recvfrom, PFX "6-RECVFROM", NULL, AF_INET6, proto, UDK_RECVFROM,                 \
	      UDP_BASE | G(IP6) | GP | G(CHILD) | G(RANGE), XIO_RDWR, XH_MULTI, P, 1, "RECVFROM on IPv6");        \
	UDP_H(xio_##pfx##_recv, PFX "-RECV", NULL, AF_UNSPEC, proto, UDK_RECV,                              \
	      UDP_BASE | G(IP4) | G(IP6) | GP | G(RANGE), XIO_RDONLY, 0, P, 1, "datagram sink merging all senders"); \
	UDP_H(xio_##pfx##4_recv, PFX "4-RECV", NULL, AF_INET, proto, UDK_RECV,                              \
	      UDP_BASE | G(IP4) | GP | G(RANGE), XIO_RDONLY, 0, P, 1, "datagram sink on IPv4");                 \
	UDP_H(xio_##pfx##6_recv, PFX "6-RECV", NULL, AF_INET6, proto, UDK_RECV,                             \
	      UDP_BASE | G(IP6) | GP | G(RANGE), XIO_RDONLY, 0, P, 1, "datagram sink on IPv6");                 \
	UDP_H(xio_##pfx##_datagram, PFX "-DATAGRAM", al_##pfx##_d, AF_UNSPEC, proto, UDK_DATAGRAM,          \
	      UDP_BASE | G(IP4) | G(IP6) | GP | G(RANGE), XIO_RDWR, 0, HP, 2,                                   \
	      "datagrams to a (broadcast/multicast) address, anything in range comes back");                 \
	UDP_H(xio_##pfx##4_datagram, PFX "4-DATAGRAM", al_##pfx##4_d, AF_INET, proto, UDK_DATAGRAM,         \
	      UDP_BASE | G(IP4) | GP | G(RANGE), XIO_RDWR, 0, HP, 2, "DATAGRAM on IPv4");                        \
	UDP_H(xio_##pfx##6_datagram, PFX "6-DATAGRAM", al_##pfx##6_d, AF_INET6, proto, UDK_DATAGRAM,        \
	      UDP_BASE | G(IP6) | GP | G(RANGE), XIO_RDWR, 0, HP, 2, "DATAGRAM on IPv6")

UDP_FAMILY(udp, "UDP", IPPROTO_UDP, G(UDP));
UDP_FAMILY(udplite, "UDPLITE", IPPROTO_UDPLITE, G(UDP) | G(UDPLITE));
