/* TCP, TCP4, TCP6 (connect) and TCP-LISTEN, TCP4-LISTEN, TCP6-LISTEN; the IP stream helpers
 * are shared with SCTP and DCCP. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "xio/proxy_header.h"
#include "xio/socket.h"

int ipstream_connect_open(struct xio_open *op, int type, int protocol, const char *pname)
{
	int fam = sk_ip_family(op, XARG_FAM(op->h->arg));
	if (fam < 0)
		return -1;
	struct sk_req rq;
	sk_req_init(&rq, SK_CONNECT, fam, type, protocol);
	rq.proto_name = pname;
	if (sk_req_set_peers(op, &rq, op->spec->params[0], op->spec->params[1]) < 0)
		return -1;
	return sk_open(op, &rq);
}

int ipstream_listen_open(struct xio_open *op, int type, int protocol, const char *pname)
{
	int fam = sk_ip_family(op, XARG_FAM(op->h->arg));
	if (fam < 0)
		return -1;
	struct sk_req rq;
	sk_req_init(&rq, SK_LISTEN, fam, type, protocol);
	rq.proto_name = pname;
	rq.auto_reuseaddr = true;
	if (sk_ip_local(op, fam, op->spec->params[0], type, protocol, &rq.local) < 0) {
		sk_req_free(&rq);
		return -1;
	}
	rq.has_local = true;
	rq.domain = rq.local.u.sa.sa_family;
	return sk_open(op, &rq);
}

static int tcp_connect_open(struct xio_open *op)
{
	return ipstream_connect_open(op, SOCK_STREAM, IPPROTO_TCP, "tcp");
}

static int tcp_listen_plain(struct xio_open *op)
{
	return ipstream_listen_open(op, SOCK_STREAM, IPPROTO_TCP, "tcp");
}

static int tcp_listen_open(struct xio_open *op)
{
	return pp_accept_open(op, tcp_listen_plain);
}

#define TCP_C_GROUPS (G(FD) | G(SOCKET) | G(TCP) | G(CHILD) | G(RETRY))
#define TCP_L_GROUPS (TCP_C_GROUPS | G(LISTEN) | G(RANGE))

static const char *const al_tcp[] = { "TCP", "INET", NULL };
static const char *const al_tcp4[] = { "TCP4", "INET4", NULL };
static const char *const al_tcp6[] = { "TCP6", "INET6", NULL };
static const char *const al_tcpl[] = { "TCP-L", "INET-L", "INET-LISTEN", NULL };
static const char *const al_tcp4l[] = { "TCP4-L", "INET4-L", "INET4-LISTEN", NULL };
static const char *const al_tcp6l[] = { "TCP6-L", "INET6-L", "INET6-LISTEN", NULL };

const struct xio_handler xio_tcp_connect = {
	.name = "TCP-CONNECT", .aliases = al_tcp, .usage = ":<host>:<port>", .min_params = 2, .max_params = 2,
	.groups = TCP_C_GROUPS | G(IP4) | G(IP6), .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = tcp_connect_open, .stop = sk_stop, .resume = sk_resume,
	.help = "TCP connection to host:port (IPv4 or IPv6, preferred version first)",
};
const struct xio_handler xio_tcp4_connect = {
	.name = "TCP4-CONNECT", .aliases = al_tcp4, .usage = ":<host>:<port>", .min_params = 2, .max_params = 2,
	.groups = TCP_C_GROUPS | G(IP4), .dirs = XIO_RDWR, .arg = AF_INET, .flags = XH_MULTI,
	.open = tcp_connect_open, .stop = sk_stop, .resume = sk_resume,
	.help = "TCP connection over IPv4",
};
const struct xio_handler xio_tcp6_connect = {
	.name = "TCP6-CONNECT", .aliases = al_tcp6, .usage = ":<host>:<port>", .min_params = 2, .max_params = 2,
	.groups = TCP_C_GROUPS | G(IP6), .dirs = XIO_RDWR, .arg = AF_INET6, .flags = XH_MULTI,
	.open = tcp_connect_open, .stop = sk_stop, .resume = sk_resume,
	.help = "TCP connection over IPv6",
};
const struct xio_handler xio_tcp_listen = {
	.name = "TCP-LISTEN", .aliases = al_tcpl, .usage = ":<port>", .min_params = 1, .max_params = 1,
	.groups = TCP_L_GROUPS | G(IP4) | G(IP6), .dirs = XIO_RDWR, .arg = AF_UNSPEC, .flags = XH_MULTI,
	.open = tcp_listen_open, .stop = sk_stop, .resume = sk_resume,
	.help = "TCP listener (IPv4 unless -6/-0/pf=); fork serves many connections in one process",
};
const struct xio_handler xio_tcp4_listen = {
	.name = "TCP4-LISTEN", .aliases = al_tcp4l, .usage = ":<port>", .min_params = 1, .max_params = 1,
	.groups = TCP_L_GROUPS | G(IP4), .dirs = XIO_RDWR, .arg = AF_INET, .flags = XH_MULTI,
	.open = tcp_listen_open, .stop = sk_stop, .resume = sk_resume,
	.help = "TCP listener on IPv4",
};
const struct xio_handler xio_tcp6_listen = {
	.name = "TCP6-LISTEN", .aliases = al_tcp6l, .usage = ":<port>", .min_params = 1, .max_params = 1,
	.groups = TCP_L_GROUPS | G(IP6), .dirs = XIO_RDWR, .arg = AF_INET6, .flags = XH_MULTI,
	.open = tcp_listen_open, .stop = sk_stop, .resume = sk_resume,
	.help = "TCP listener on IPv6 (ipv6only=0 takes IPv4 too)",
};
