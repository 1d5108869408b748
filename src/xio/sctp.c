/* SCTP-CONNECT, SCTP-LISTEN (unversioned, 4, 6): SOCK_STREAM associations over IPPROTO_SCTP.
 * Without kernel SCTP, socket() fails and the error says so. */
#include <netinet/in.h>

#include "xio/socket.h"

static int sctp_connect_open(struct xio_open *op)
{
	return ipstream_connect_open(op, SOCK_STREAM, IPPROTO_SCTP, "sctp");
}

static int sctp_listen_open(struct xio_open *op)
{
	return ipstream_listen_open(op, SOCK_STREAM, IPPROTO_SCTP, "sctp");
}

#define SC_C (G(FD) | G(SOCKET) | G(SCTP) | G(CHILD) | G(RETRY))
#define SC_L (SC_C | G(LISTEN) | G(RANGE))
#define SCTP_H(var, nm, al, fam, grp, op_, usage_, np, hlp)                                               \
	const struct xio_handler var = {                                                               \
		.name = nm, .aliases = al, .usage = usage_, .min_params = np, .max_params = np,          \
		.groups = (grp), .dirs = XIO_RDWR, .arg = fam, .flags = XH_MULTI, .open = op_,            \
		.stop = sk_stop, .resume = sk_resume, .help = hlp,                                       \
	}

static const char *const al_sctp[] = { "SCTP", NULL };
static const char *const al_sctp4[] = { "SCTP4", NULL };
static const char *const al_sctp6[] = { "SCTP6", NULL };
static const char *const al_sctpl[] = { "SCTP-L", NULL };
static const char *const al_sctp4l[] = { "SCTP4-L", NULL };
static const char *const al_sctp6l[] = { "SCTP6-L", NULL };

SCTP_H(xio_sctp_connect, "SCTP-CONNECT", al_sctp, AF_UNSPEC, SC_C | G(IP4) | G(IP6), sctp_connect_open,
       ":<host>:<port>", 2, "SCTP stream association to host:port");
SCTP_H(xio_sctp4_connect, "SCTP4-CONNECT", al_sctp4, AF_INET, SC_C | G(IP4), sctp_connect_open, ":<host>:<port>", 2,
       "SCTP association over IPv4");
SCTP_H(xio_sctp6_connect, "SCTP6-CONNECT", al_sctp6, AF_INET6, SC_C | G(IP6), sctp_connect_open, ":<host>:<port>",
       2, "SCTP association over IPv6");
SCTP_H(xio_sctp_listen, "SCTP-LISTEN", al_sctpl, AF_UNSPEC, SC_L | G(IP4) | G(IP6), sctp_listen_open, ":<port>", 1,
       "SCTP listener");
SCTP_H(xio_sctp4_listen, "SCTP4-LISTEN", al_sctp4l, AF_INET, SC_L | G(IP4), sctp_listen_open, ":<port>", 1,
       "SCTP listener on IPv4");
SCTP_H(xio_sctp6_listen, "SCTP6-LISTEN", al_sctp6l, AF_INET6, SC_L | G(IP6), sctp_listen_open, ":<port>", 1,
       "SCTP listener on IPv6");
