/* Raw IP: IP-SENDTO/IP4-/IP6- (<host>:<protocol>), IP-DATAGRAM, IP-RECVFROM (<protocol>),
 * IP-RECV. SOCK_RAW of the given protocol number or name; needs CAP_NET_RAW. IPv4 input has
 * its IP header removed (as socat), output is the payload (protocol 255 + ip-hdrincl: the
 * caller supplies the header). */
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/text_size.h"
#include "xio/socket.h"

enum ip_kind { IK_SENDTO, IK_DATAGRAM, IK_RECVFROM, IK_RECV };
#define IPARG(fam, kind) ((fam) | ((kind) << 8))

static int parse_proto(struct xio_open *op, const char *text, int *out)
{
	if (isdigit((unsigned char)text[0])) {
		char *end;
		long v = strtol(text, &end, 0);
		if (*end || v < 0 || v > 255) {
			sk_addr_error(op, "invalid protocol \"%s\"", text);
			return -1;
		}
		*out = (int)v;
		return 0;
	}
	struct protoent pe, *res = NULL;
	char buf[1024];
	if (getprotobyname_r(text, &pe, buf, sizeof buf, &res) == 0 && res) {
		*out = res->p_proto;
		return 0;
	}
	sk_addr_error(op, "unknown protocol \"%s\"", text);
	return -1;
}

static int rawip_open(struct xio_open *op)
{
	int hfam = op->h->arg & 0xff;
	int kind = op->h->arg >> 8;
	int fam = sk_ip_family(op, hfam);
	if (fam < 0)
		return -1;
	bool server = kind == IK_RECVFROM || kind == IK_RECV;
	int proto;
	if (parse_proto(op, op->spec->params[server ? 0 : 1], &proto) < 0)
		return -1;
	static const enum sk_role roles[] = {
		[IK_SENDTO] = SK_DG_SENDTO, [IK_DATAGRAM] = SK_DG_DATAGRAM, [IK_RECVFROM] = SK_DG_RECVFROM,
		[IK_RECV] = SK_DG_RECV,
	};
	struct sk_req rq;
	sk_req_init(&rq, roles[kind], fam, SOCK_RAW, proto);
	rq.raw_ip = true;
	if (server) {
		if (sk_ip_local(op, fam, NULL, SOCK_RAW, proto, &rq.local) < 0) {
			sk_req_free(&rq);
			return -1;
		}
		rq.has_local = true;
	} else {
		char err[ERROR_TEXT_SIZE];
		int flags = sk_resolve_flags(op, false);
		if (flags < 0) {
			sk_req_free(&rq);
			return -1;
		}
		if (sa_resolve(op->spec->params[0], NULL, fam, op->g ? op->g->ipv : 4, SOCK_RAW, proto, flags, &rq.peers,
			       err, sizeof err) < 0) {
			ERR("%s", err);
			sk_req_free(&rq);
			return -1;
		}
	}
	return sk_open(op, &rq);
}

#define IP_H(var, nm, al, fam, kind, grp, dirs_, flg, usage_, np, hlp)                                    \
	const struct xio_handler var = {                                                               \
		.name = nm, .aliases = al, .usage = usage_, .min_params = np, .max_params = np,          \
		.groups = (grp), .dirs = dirs_, .arg = IPARG(fam, kind), .flags = flg, .open = rawip_open, \
		.stop = sk_stop, .resume = sk_resume, .help = hlp,                                       \
	}
#define IPB (G(FD) | G(SOCKET))
#define HP ":<host>:<protocol>"

static const char *const al_ip[] = { "IP", "IP-SEND", NULL };
static const char *const al_ip4[] = { "IP4", "IP4-SEND", NULL };
static const char *const al_ip6[] = { "IP6", "IP6-SEND", NULL };
static const char *const al_ipd[] = { "IP-DGRAM", NULL };
static const char *const al_ip4d[] = { "IP4-DGRAM", NULL };
static const char *const al_ip6d[] = { "IP6-DGRAM", NULL };

IP_H(xio_ip_sendto, "IP-SENDTO", al_ip, AF_UNSPEC, IK_SENDTO, IPB | G(IP4) | G(IP6), XIO_RDWR, 0, HP, 2,
     "raw IP packets of a protocol to host; only its packets come back");
IP_H(xio_ip4_sendto, "IP4-SENDTO", al_ip4, AF_INET, IK_SENDTO, IPB | G(IP4), XIO_RDWR, 0, HP, 2,
     "raw IPv4 packets to host");
IP_H(xio_ip6_sendto, "IP6-SENDTO", al_ip6, AF_INET6, IK_SENDTO, IPB | G(IP6), XIO_RDWR, 0, HP, 2,
     "raw IPv6 packets to host");
IP_H(xio_ip_datagram, "IP-DATAGRAM", al_ipd, AF_UNSPEC, IK_DATAGRAM, IPB | G(IP4) | G(IP6) | G(RANGE), XIO_RDWR, 0,
     HP, 2, "raw IP to a (broadcast/multicast) address, anything in range comes back");
IP_H(xio_ip4_datagram, "IP4-DATAGRAM", al_ip4d, AF_INET, IK_DATAGRAM, IPB | G(IP4) | G(RANGE), XIO_RDWR, 0, HP, 2,
     "raw IPv4 DATAGRAM");
IP_H(xio_ip6_datagram, "IP6-DATAGRAM", al_ip6d, AF_INET6, IK_DATAGRAM, IPB | G(IP6) | G(RANGE), XIO_RDWR, 0, HP, 2,
     "raw IPv6 DATAGRAM");
IP_H(xio_ip_recvfrom, "IP-RECVFROM", NULL, AF_UNSPEC, IK_RECVFROM, IPB | G(IP4) | G(IP6) | G(CHILD) | G(RANGE),
     XIO_RDWR, XH_MULTI, ":<protocol>", 1, "one raw IP packet, replies to its sender; fork per packet");
IP_H(xio_ip4_recvfrom, "IP4-RECVFROM", NULL, AF_INET, IK_RECVFROM, IPB | G(IP4) | G(CHILD) | G(RANGE), XIO_RDWR,
     XH_MULTI, ":<protocol>", 1, "one raw IPv4 packet, replies to its sender");
IP_H(xio_ip6_recvfrom, "IP6-RECVFROM", NULL, AF_INET6, IK_RECVFROM, IPB | G(IP6) | G(CHILD) | G(RANGE), XIO_RDWR,
     XH_MULTI, ":<protocol>", 1, "one raw IPv6 packet, replies to its sender");
IP_H(xio_ip_recv, "IP-RECV", NULL, AF_UNSPEC, IK_RECV, IPB | G(IP4) | G(IP6) | G(RANGE), XIO_RDONLY, 0,
     ":<protocol>", 1, "raw IP sink merging all senders");
IP_H(xio_ip4_recv, "IP4-RECV", NULL, AF_INET, IK_RECV, IPB | G(IP4) | G(RANGE), XIO_RDONLY, 0, ":<protocol>", 1,
     "raw IPv4 sink");
IP_H(xio_ip6_recv, "IP6-RECV", NULL, AF_INET6, IK_RECV, IPB | G(IP6) | G(RANGE), XIO_RDONLY, 0, ":<protocol>", 1,
     "raw IPv6 sink");
