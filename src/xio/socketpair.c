/* SOCKETPAIR: an internal echo through socketpair(AF_UNIX, SOCK_DGRAM): what is written to one
 * end is read from the other, packet boundaries kept. socktype= picks another type
 * (1 stream, 5 seqpacket). EOF: shutdown(SHUT_WR) of the writing end. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/core.h"

static const char *type_name(int t)
{
	switch (t) {
	case SOCK_STREAM: return "SOCK_STREAM";
	case SOCK_DGRAM: return "SOCK_DGRAM";
	case SOCK_SEQPACKET: return "SOCK_SEQPACKET";
	default: return "?";
	}
}

static int socketpair_open(struct xio_open *op)
{
	struct opt_apply_ctx ctx;
	struct termios tio;
	long long v;
	int type = SOCK_DGRAM, proto = 0;

	xio_ctx_init(&ctx, op, -1, NULL, &tio);
	if (xio_apply_phases(op, PH_INIT, PH_PRESOCKET, &ctx) < 0)
		return -1;
	if (opt_take_int(&op->opts, OPT_SO_TYPE, &v))
		type = (int)v;
	if (opt_take_int(&op->opts, OPT_SOCKETPAIR_TYPE, &v))
		type = (int)v;
	if (opt_take_int(&op->opts, OPT_SO_PROTOCOL, &v))
		proto = (int)v;
	int sv[2];
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, proto, sv) < 0) {
		ERR("%s: socketpair(AF_UNIX, %d, %d): %s", op->typed, type, proto, strerror(errno));
		return -1;
	}
	NOTE("using socketpair (%s) as echo", type_name(type));
	/* socket options on the reading end, which the data arrives at */
	ctx.fd = sv[1];
	if (xio_apply_phases(op, PH_SOCKET, PH_CONNECTED, &ctx) < 0 || opt_apply_termios_commit(&ctx) < 0 ||
	    xio_fd_prepare(sv[0]) < 0 || xio_fd_prepare(sv[1]) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	struct endpoint *ep = xio_make_endpoint(op, sv[1], sv[0], "socketpair");
	if (!ep)
		return -1;
	if (type != SOCK_STREAM)
		ep->flags |= EPF_DGRAM | EPF_NOSPLICE;
	xio_finish(op, ep);
	return 0;
}

const struct xio_handler xio_socketpair = {
	.name = "SOCKETPAIR", .usage = "", .min_params = 0, .max_params = 0,
	.groups = G(FD) | G(SOCKET), .dirs = XIO_RDWR, .open = socketpair_open,
	.help = "internal echo through a socketpair (datagrams by default: packet boundaries kept)",
};
