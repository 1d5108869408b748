/* VSOCK-CONNECT <cid>:<port> and VSOCK-LISTEN <port> (AF_VSOCK streams between a VM and its
 * host; cid 2 is the host, 1 the local loopback where the kernel has vsock_loopback). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>

#include "common/log.h"
#include "xio/socket.h"

static int vsock_connect_open(struct xio_open *op)
{
	struct sk_req rq;
	sk_req_init(&rq, SK_CONNECT, AF_VSOCK, SOCK_STREAM, 0);
	struct sa_addr a;
	char err[300];
	if (sa_vsock(op->spec->params[0], op->spec->params[1], &a, err, sizeof err) < 0) {
		sk_addr_error(op, "%s", err);
		return -1;
	}
	if (sa_list_add(&rq.peers, &a.u.sa, a.len) < 0)
		return -1;
	return sk_open(op, &rq);
}

static int vsock_listen_open(struct xio_open *op)
{
	struct sk_req rq;
	sk_req_init(&rq, SK_LISTEN, AF_VSOCK, SOCK_STREAM, 0);
	char err[300];
	const char *bind = NULL;
	char cid[64] = "", port[64] = "";
	if (opt_take_str(&op->opts, OPT_BIND, &bind) && bind &&
	    sa_split_hostport(bind, cid, sizeof cid, port, sizeof port, err, sizeof err) < 0) {
		sk_addr_error(op, "bind=%s: %s", bind, err);
		return -1;
	}
	if (sa_vsock(cid, op->spec->params[0], &rq.local, err, sizeof err) < 0) {
		sk_addr_error(op, "%s", err);
		return -1;
	}
	rq.has_local = true;
	return sk_open(op, &rq);
}

static const char *const al_vsock[] = { "VSOCK", NULL };
static const char *const al_vsockl[] = { "VSOCK-L", NULL };

const struct xio_handler xio_vsock_connect = {
	.name = "VSOCK-CONNECT", .aliases = al_vsock, .usage = ":<cid>:<port>", .min_params = 2, .max_params = 2,
	.groups = G(FD) | G(SOCKET) | G(CHILD) | G(RETRY), .dirs = XIO_RDWR, .arg = AF_VSOCK, .flags = XH_MULTI,
	.open = vsock_connect_open, .stop = sk_stop, .resume = sk_resume,
	.help = "AF_VSOCK stream connection (cid 2: the host)",
};
const struct xio_handler xio_vsock_listen = {
	.name = "VSOCK-LISTEN", .aliases = al_vsockl, .usage = ":<port>", .min_params = 1, .max_params = 1,
	.groups = G(FD) | G(SOCKET) | G(LISTEN) | G(CHILD) | G(RETRY), .dirs = XIO_RDWR, .arg = AF_VSOCK,
	.flags = XH_MULTI, .open = vsock_listen_open, .stop = sk_stop, .resume = sk_resume,
	.help = "AF_VSOCK listener",
};
