/* ACCEPT-FD:<fdnum>: accept() on an inherited listening socket (systemd socket activation,
 * inetd "wait" mode); fork serves many connections. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/proxy_header.h"
#include "xio/socket.h"

static int accept_fd_plain(struct xio_open *op)
{
	unsigned long long n;
	const char *p = op->spec->params[0];
	if (parse_ulong_str(p, &n) < 0 || n > 1u << 30) {
		sk_addr_error(op, "invalid file descriptor \"%s\"", p);
		return -1;
	}
	int fd = (int)n;
	int domain = 0, type = 0, acc = 0;
	socklen_t l = sizeof domain;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &l) < 0) {
		ERR("getsockopt(%d, SOL_SOCKET, SO_DOMAIN): %s", fd, strerror(errno));
		return -1;
	}
	l = sizeof type;
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l);
	l = sizeof acc;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l) == 0 && !acc) {
		ERR("%s: fd %d is not a listening socket", op->typed, fd);
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	struct sk_req rq;
	sk_req_init(&rq, SK_LISTEN, domain, type, 0);
	rq.inherited_fd = fd;
	rq.local.len = sizeof rq.local.u;
	if (getsockname(fd, &rq.local.u.sa, &rq.local.len) < 0)
		rq.local.len = 0;
	rq.has_local = true;
	return sk_open(op, &rq);
}

static int accept_fd_open(struct xio_open *op)
{
	return pp_accept_open(op, accept_fd_plain);
}

static const char *const al_accept[] = { "ACCEPT", NULL };

const struct xio_handler xio_accept_fd = {
	.name = "ACCEPT-FD", .aliases = al_accept, .usage = ":<fdnum>", .min_params = 1, .max_params = 1,
	.groups = G(FD) | G(SOCKET) | G(UNIX) | G(IP4) | G(IP6) | GRP_IPAPP | G(CHILD) | G(RANGE) | G(RETRY),
	.dirs = XIO_RDWR, .arg = 0, .flags = XH_MULTI, .open = accept_fd_open, .stop = sk_stop, .resume = sk_resume,
	.help = "accept on an inherited listening socket; fork serves many",
};
