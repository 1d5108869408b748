/* UNIX-CONNECT, UNIX-LISTEN, UNIX-SENDTO, UNIX-RECVFROM, UNIX-RECV, UNIX-CLIENT and their
 * ABSTRACT-* twins (Linux abstract namespace: no file). Server socket files are removed when
 * the address closes (unlink-close, default on). */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "xio/proxy_header.h"
#include "xio/socket.h"

enum unix_kind { UK_CONNECT, UK_LISTEN, UK_SENDTO, UK_RECVFROM, UK_RECV, UK_CLIENT };
#define UK(kind, abstract) ((kind) | ((abstract) ? 0x100 : 0))

static int unix_open_plain(struct xio_open *op)
{
	int kind = op->h->arg & 0xff;
	bool abstract = (op->h->arg & 0x100) != 0;
	const char *name = op->spec->params[0];
	static const enum sk_role roles[] = {
		[UK_CONNECT] = SK_CONNECT, [UK_LISTEN] = SK_LISTEN, [UK_SENDTO] = SK_DG_SENDTO,
		[UK_RECVFROM] = SK_DG_RECVFROM, [UK_RECV] = SK_DG_RECV, [UK_CLIENT] = SK_CONNECT,
	};
	int type = kind == UK_CONNECT || kind == UK_LISTEN || kind == UK_CLIENT ? SOCK_STREAM : SOCK_DGRAM;
	struct sk_req rq;
	sk_req_init(&rq, roles[kind], AF_UNIX, type, 0);
	rq.abstract = abstract;
	rq.unix_client = kind == UK_CLIENT;
	struct sa_addr a;
	char err[400];
	if (sa_unix(name, abstract, true, &a, err, sizeof err) < 0) {
		sk_addr_error(op, "%s", err);
		return -1;
	}
	if (kind == UK_LISTEN || kind == UK_RECVFROM || kind == UK_RECV) {
		rq.local = a;
		rq.has_local = true;
		rq.path = strdup(name);
		rq.unlink_close = !abstract;
	} else {
		if (sa_list_add(&rq.peers, &a.u.sa, a.len) < 0) {
			sk_req_free(&rq);
			return -1;
		}
		if (!abstract)
			rq.path = strdup(name); /* for NAMED options on the peer's file */
	}
	return sk_open(op, &rq);
}

static int unix_open(struct xio_open *op)
{
	if ((op->h->arg & 0xff) == UK_LISTEN)
		return pp_accept_open(op, unix_open_plain);
	return unix_open_plain(op);
}

#define UNIX_BASE (G(FD) | G(SOCKET) | G(UNIX))

#define UNIX_HANDLER(var, nm, al, kind, abs, grp, dirs_, flg, hlp)                                       \
	const struct xio_handler var = {                                                               \
		.name = nm, .aliases = al, .usage = ":<filename>", .min_params = 1, \
		.max_params = 1, .groups = (grp), .dirs = dirs_, .arg = UK(kind, abs), .flags = flg,      \
		.open = unix_open, .stop = sk_stop, .resume = sk_resume, .help = hlp,                    \
	}

static const char *const al_uconnect[] = { "LOCAL", NULL };
static const char *const al_ulisten[] = { "UNIX-L", NULL };
static const char *const al_usendto[] = { "UNIX-SEND", NULL };
static const char *const al_uclient[] = { "UNIX", NULL };
static const char *const al_aclient[] = { "ABSTRACT", NULL };

UNIX_HANDLER(xio_unix_connect, "UNIX-CONNECT", al_uconnect, UK_CONNECT, 0, UNIX_BASE | G(NAMED) | G(RETRY),
	     XIO_RDWR, 0, "stream connection to a UNIX socket file");
UNIX_HANDLER(xio_unix_listen, "UNIX-LISTEN", al_ulisten, UK_LISTEN, 0,
	     UNIX_BASE | G(NAMED) | G(LISTEN) | G(CHILD) | G(RETRY), XIO_RDWR, XH_MULTI,
	     "listen on a UNIX socket file (removed at close); fork serves many");
UNIX_HANDLER(xio_unix_sendto, "UNIX-SENDTO", al_usendto, UK_SENDTO, 0, UNIX_BASE | G(NAMED) | G(RETRY), XIO_RDWR,
	     0, "datagrams to a UNIX socket file (replies need bind=)");
UNIX_HANDLER(xio_unix_recvfrom, "UNIX-RECVFROM", NULL, UK_RECVFROM, 0, UNIX_BASE | G(NAMED) | G(CHILD) | G(RETRY),
	     XIO_RDWR, XH_MULTI, "one datagram from a UNIX socket file, replies to its sender; fork per datagram");
UNIX_HANDLER(xio_unix_recv, "UNIX-RECV", NULL, UK_RECV, 0, UNIX_BASE | G(NAMED) | G(RETRY), XIO_RDONLY, 0,
	     "datagram sink on a UNIX socket file");
UNIX_HANDLER(xio_unix_client, "UNIX-CLIENT", al_uclient, UK_CLIENT, 0, UNIX_BASE | G(NAMED) | G(RETRY), XIO_RDWR,
	     0, "connect to a UNIX socket file: stream, else datagram, else seqpacket");
UNIX_HANDLER(xio_abstract_connect, "ABSTRACT-CONNECT", NULL, UK_CONNECT, 1, UNIX_BASE | G(RETRY), XIO_RDWR, 0,
	     "stream connection to an abstract UNIX socket");
UNIX_HANDLER(xio_abstract_listen, "ABSTRACT-LISTEN", NULL, UK_LISTEN, 1,
	     UNIX_BASE | G(LISTEN) | G(CHILD) | G(RETRY), XIO_RDWR, XH_MULTI, "listen on an abstract UNIX socket");
UNIX_HANDLER(xio_abstract_sendto, "ABSTRACT-SENDTO", NULL, UK_SENDTO, 1, UNIX_BASE | G(RETRY), XIO_RDWR, 0,
	     "datagrams to an abstract UNIX socket");
UNIX_HANDLER(xio_abstract_recvfrom, "ABSTRACT-RECVFROM", NULL, UK_RECVFROM, 1, UNIX_BASE | G(CHILD) | G(RETRY),
	     XIO_RDWR, XH_MULTI, "one datagram from an abstract UNIX socket, replies to its sender");
UNIX_HANDLER(xio_abstract_recv, "ABSTRACT-RECV", NULL, UK_RECV, 1, UNIX_BASE | G(RETRY), XIO_RDONLY, 0,
	     "datagram sink on an abstract UNIX socket");
UNIX_HANDLER(xio_abstract_client, "ABSTRACT-CLIENT", al_aclient, UK_CLIENT, 1, UNIX_BASE | G(RETRY), XIO_RDWR, 0,
	     "connect to an abstract UNIX socket: stream, else datagram, else seqpacket");
