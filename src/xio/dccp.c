/* DCCP-CONNECT, DCCP-LISTEN (unversioned, 4, 6): SOCK_DCCP over IPPROTO_DCCP. Without kernel
 * DCCP (removed from Linux 6.16 on), socket() fails and the error says so. */
#include <netinet/in.h>

#include "xio/socket.h"

#ifndef SOCK_DCCP
#define SOCK_DCCP 6
#endif
#ifndef IPPROTO_DCCP
#define IPPROTO_DCCP 33
#endif

static int dccp_connect_open(struct xio_open *op)
{
	return ipstream_connect_open(op, SOCK_DCCP, IPPROTO_DCCP, "dccp");
}

static int dccp_listen_open(struct xio_open *op)
{
	return ipstream_listen_open(op, SOCK_DCCP, IPPROTO_DCCP, "dccp");
}

#define DC_C (G(FD) | G(SOCKET) | G(DCCP) | G(CHILD) | G(RETRY))
#define DC_L (DC_C | G(LISTEN) | G(RANGE))
#define DCCP_H(var, nm, al, fam, grp, op_, usage_, np, hlp)                                               \
	const struct xio_handler var = {                                                               \
		.name = nm, .aliases = al, .usage = usage_, .min_params = np, .max_params = np,          \
		.groups = (grp), .dirs = XIO_RDWR, .arg = fam, .flags = XH_MULTI, .open = op_,            \
		.stop = sk_stop, .resume = sk_resume, .help = hlp,                                       \
	}

static const char *const al_dccp[] = { "DCCP", NULL };
static const char *const al_dccp4[] = { "DCCP4", NULL };
static const char *const al_dccp6[] = { "DCCP6", NULL };
static const char *const al_dccpl[] = { "DCCP-L", NULL };
static const char *const al_dccp4l[] = { "DCCP4-L", NULL };
static const char *const al_dccp6l[] = { "DCCP6-L", NULL };

DCCP_H(xio_dccp_connect, "DCCP-CONNECT", al_dccp, AF_UNSPEC, DC_C | G(IP4) | G(IP6), dccp_connect_open,
       ":<host>:<port>", 2, "DCCP connection to host:port");
DCCP_H(xio_dccp4_connect, "DCCP4-CONNECT", al_dccp4, AF_INET, DC_C | G(IP4), dccp_connect_open, ":<host>:<port>", 2,
       "DCCP connection over IPv4");
DCCP_H(xio_dccp6_connect, "DCCP6-CONNECT", al_dccp6, AF_INET6, DC_C | G(IP6), dccp_connect_open, ":<host>:<port>",
       2, "DCCP connection over IPv6");
DCCP_H(xio_dccp_listen, "DCCP-LISTEN", al_dccpl, AF_UNSPEC, DC_L | G(IP4) | G(IP6), dccp_listen_open, ":<port>", 1,
       "DCCP listener");
DCCP_H(xio_dccp4_listen, "DCCP4-LISTEN", al_dccp4l, AF_INET, DC_L | G(IP4), dccp_listen_open, ":<port>", 1,
       "DCCP listener on IPv4");
DCCP_H(xio_dccp6_listen, "DCCP6-LISTEN", al_dccp6l, AF_INET6, DC_L | G(IP6), dccp_listen_open, ":<port>", 1,
       "DCCP listener on IPv6");
