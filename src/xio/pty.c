/* PTY: a new pseudo terminal; duct holds the master side and logs the slave's name
 * ("PTY is /dev/pts/N"), optionally behind a symlink (link=). The termios options apply to the
 * terminal (master and slave share one termios). Two PTY addresses make a virtual serial cable:
 *   duct pty,raw,echo=0,link=/tmp/ttyA pty,raw,echo=0,link=/tmp/ttyB */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/pty.h"
#include "xio/xio.h"

struct pty_state {
	int slave;          /* kept open so the master never reads EIO when users come and go */
	struct loop_timer *wait_timer;
	double interval;
	struct endpoint *ep;
};

static void pty_close(struct endpoint *ep)
{
	struct pty_state *ps = ep->ctx;
	if (ep->rfd >= 0)
		close(ep->rfd);
	ep->rfd = ep->wfd = -1;
	if (ps) {
		if (ps->slave >= 0)
			close(ps->slave);
		free(ps);
	}
	ep->ctx = NULL;
}

/* A pty master reads EIO once no process has the slave open any more (the program on it ended,
 * or the last user of a wait-slave pty went away): that is the end of its data, as in socat. */
ssize_t xio_pty_read(struct endpoint *ep, void *buf, size_t len)
{
	ssize_t n = read(ep->rfd, buf, len);
	if (n < 0 && errno == EIO) {
		NOTE("read(%d, %zu): %s (probably PTY closed)", ep->rfd, len, strerror(EIO));
		return 0;
	}
	return n;
}

static const struct endpoint_ops pty_ops = { .read = xio_pty_read, .close = pty_close };

int xio_pty_open(bool use_ptmx, int *master, int *slave, char *name, size_t namelen)
{
	if (use_ptmx) {
		int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, namelen) != 0) {
			if (m >= 0)
				close(m);
			return -1;
		}
		int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (s < 0) {
			close(m);
			return -1;
		}
		*master = m;
		*slave = s;
		return 0;
	}
	if (openpty(master, slave, NULL, NULL, NULL) < 0)
		return -1;
	fcntl(*master, F_SETFD, FD_CLOEXEC);
	fcntl(*slave, F_SETFD, FD_CLOEXEC);
	if (ptsname_r(*master, name, namelen) != 0) {
		int e = errno;
		close(*master);
		close(*slave);
		errno = e;
		return -1;
	}
	return 0;
}

/* wait-slave: the master reports POLLHUP until some process opens the slave. */
static void wait_slave_tick(struct loop *lp, void *arg)
{
	struct xio_open *op = arg;
	struct pty_state *ps = op->priv;
	struct pollfd pfd = { .fd = ps->ep->rfd, .events = POLLIN };
	ps->wait_timer = NULL;
	if (poll(&pfd, 1, 0) >= 0 && !(pfd.revents & POLLHUP)) {
		struct endpoint *ep = ps->ep;
		op->priv = NULL;
		xio_finish(op, ep);
		return;
	}
	ps->wait_timer = loop_timer_add(lp, ps->interval, wait_slave_tick, op);
}

static int pty_open(struct xio_open *op)
{
	bool use_ptmx = false, use_openpty = false, wait_slave = false;
	const char *link = NULL;
	double interval = 1.0;
	opt_take_bool(&op->opts, OPT_PTMX, &use_ptmx);
	opt_take_bool(&op->opts, OPT_OPENPTY, &use_openpty);
	opt_take_str(&op->opts, OPT_LINK, &link);
	opt_take_bool(&op->opts, OPT_WAIT_SLAVE, &wait_slave);
	opt_take_time(&op->opts, OPT_PTY_INTERVAL, &interval);
	double sitout;
	opt_take_time(&op->opts, OPT_SITOUT_EIO, &sitout);

	int m, s;
	char name[128];
	if (xio_pty_open(use_ptmx && !use_openpty, &m, &s, name, sizeof name) < 0) {
		ERR("%s: cannot create a pseudo terminal (%s): %s", op->typed, use_ptmx ? "/dev/ptmx" : "openpty()",
		    strerror(errno));
		return -1;
	}
	NOTE("PTY is %s", name);

	struct endpoint *ep = endpoint_new();
	struct pty_state *ps = calloc(1, sizeof *ps);
	if (!ep || !ps) {
		close(m);
		close(s);
		free(ps);
		if (ep)
			endpoint_close(ep);
		ERR("%s: out of memory", op->typed);
		return -1;
	}
	ps->slave = s;
	ps->interval = interval > 0 ? interval : 1.0;
	ps->ep = ep;
	ep->rfd = ep->wfd = m;
	ep->ops = &pty_ops;
	ep->ctx = ps;
	ep->flags |= EPF_ISTTY | EPF_NOSPLICE;
	if (op->dir & XIO_RDONLY)
		ep->flags |= EPF_READ;
	if (op->dir & XIO_WRONLY)
		ep->flags |= EPF_WRITE;
	snprintf(ep->desc, sizeof ep->desc, "pty");

	struct termios tio;
	/* perm=, user=, group= are for the slave, the terminal users open (the master's inode
	 * is /dev/ptmx itself: an fchmod there would change every later pty) */
	struct opt_apply_ctx ctx = { .fd = m, .path = name, .termios = &tio, .addrname = op->typed, .open_mode = 0666 };
	if (tcgetattr(m, &tio) < 0 || opt_apply_phase(&op->opts, PH_FD, &ctx) < 0 ||
	    opt_apply_termios_commit(&ctx) < 0 || xio_take_appl_opts(op, ep) < 0) {
		endpoint_close(ep);
		return -1;
	}
	if (xio_fd_prepare(m) < 0) {
		ERR("%s: fcntl(%d): %s", op->typed, m, strerror(errno));
		endpoint_close(ep);
		return -1;
	}
	if (link) {
		unlink(link); /* a stale link from an earlier run */
		if (symlink(name, link) < 0) {
			ERR("%s: symlink(\"%s\", \"%s\"): %s", op->typed, name, link, strerror(errno));
			endpoint_close(ep);
			return -1;
		}
		endpoint_add_unlink(ep, link);
	}
	if (wait_slave) {
		/* Our own slave fd would count as "opened": let go of it and watch for a user. */
		close(ps->slave);
		ps->slave = -1;
		op->priv = ps;
		wait_slave_tick(op->loop, op);
		return 0;
	}
	xio_finish(op, ep);
	return 0;
}

static void pty_stop(struct xio_open *op)
{
	struct pty_state *ps = op->priv;
	if (!ps)
		return;
	if (ps->wait_timer)
		loop_timer_cancel(op->loop, ps->wait_timer);
	ps->wait_timer = NULL;
	op->priv = NULL;
	endpoint_close(ps->ep); /* frees ps through pty_close */
}

const struct xio_handler xio_pty = {
	.name = "PTY",
	.usage = "",
	.min_params = 0,
	.max_params = 0,
	.groups = G(FD) | G(NAMED) | G(TERMIOS) | G(PTY),
	.dirs = XIO_RDWR,
	.open = pty_open,
	.stop = pty_stop,
	.help = "a new pseudo terminal; duct holds the master side and logs \"PTY is /dev/pts/N\"",
};
