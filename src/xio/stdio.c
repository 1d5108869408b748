/* STDIO ("-"), STDIN, STDOUT, STDERR and FD:<n>: descriptors the process already has.
 * They are switched to non-blocking mode for the loop; the original file status flags and
 * terminal settings of fds 0..2 are restored at exit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/core.h"

/* ---- restoring fds 0..2 at exit ---- */

static struct {
	bool saved_fl, saved_tio;
	int fl;
	struct termios tio;
} orig[3];
static pid_t restore_pid;

static void restore_fd(int fd)
{
	if (fd < 0 || fd > 2 || getpid() != restore_pid)
		return;
	if (orig[fd].saved_tio)
		tcsetattr(fd, TCSADRAIN, &orig[fd].tio);
	if (orig[fd].saved_fl)
		fcntl(fd, F_SETFL, orig[fd].fl);
}

static void restore_stdfds(void)
{
	for (int fd = 0; fd < 3; fd++)
		restore_fd(fd);
}

/* The endpoint closes fds 0..2 before exit: put their settings back first (the terminal after
 * raw,echo=0 also when duct ends on a signal: the runner closes the sessions). */
static void stdfd_close(struct endpoint *ep)
{
	restore_fd(ep->rfd);
	if (ep->wfd != ep->rfd)
		restore_fd(ep->wfd);
	if (ep->rfd >= 0)
		close(ep->rfd);
	if (ep->wfd >= 0 && ep->wfd != ep->rfd)
		close(ep->wfd);
	ep->rfd = ep->wfd = -1;
}

static const struct endpoint_ops stdfd_ops = { .close = stdfd_close };

static bool saved_tty(int fd)
{
	return fd >= 0 && fd <= 2 && orig[fd].saved_tio;
}

static void remember(int fd)
{
	if (fd < 0 || fd > 2)
		return;
	if (!restore_pid) {
		restore_pid = getpid();
		atexit(restore_stdfds);
	}
	if (!orig[fd].saved_fl) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0) {
			orig[fd].fl = fl;
			orig[fd].saved_fl = true;
		}
	}
	if (!orig[fd].saved_tio && isatty(fd) && tcgetattr(fd, &orig[fd].tio) == 0)
		orig[fd].saved_tio = true;
}

/* ---- the open ---- */

static int fd_open_fds(struct xio_open *op, int rfd, int wfd, const char *what);

/* The fds must be open; the standard ones' flags and termios are kept for the restore at exit. */
static int fds_check_remember(struct xio_open *op, int rfd, int wfd, const char *what)
{
	if (rfd >= 0 && fcntl(rfd, F_GETFL) < 0) {
		ERR("%s: %s: fcntl(%d, F_GETFL): %s", op->typed, what, rfd, strerror(errno));
		return -1;
	}
	if (wfd >= 0 && wfd != rfd && fcntl(wfd, F_GETFL) < 0) {
		ERR("%s: %s: fcntl(%d, F_GETFL): %s", op->typed, what, wfd, strerror(errno));
		return -1;
	}
	remember(rfd);
	remember(wfd);
	return 0;
}

/* Close the session's copies of rfd/wfd (w may be r). */
static void close_copies(int r, int w)
{
	if (r >= 0)
		close(r);
	if (w >= 0 && w != r)
		close(w);
}

static int fd_open_common(struct xio_open *op, int rfd, int wfd, const char *what)
{
	if (!op->g || !op->g->shared_fds)
		return fd_open_fds(op, rfd, wfd, what);
	/* one of many sessions in this process: use copies of the fds (closed at the session's
	 * end, as a forked child's are), the originals stay for the next session */
	if (fds_check_remember(op, rfd, wfd, what) < 0)
		return -1;
	int r = rfd >= 0 ? fcntl(rfd, F_DUPFD_CLOEXEC, 3) : -1;
	int w = wfd < 0 ? -1 : wfd == rfd ? r : fcntl(wfd, F_DUPFD_CLOEXEC, 3);
	if ((rfd >= 0 && r < 0) || (wfd >= 0 && w < 0)) {
		ERR("%s: %s: fcntl(F_DUPFD_CLOEXEC): %s", op->typed, what, strerror(errno));
		close_copies(r, w);
		return -1;
	}
	if (fd_open_fds(op, r, w, what) == 0)
		return 0;
	close_copies(r, w);
	return -1;
}

static int fd_open_fds(struct xio_open *op, int rfd, int wfd, const char *what)
{
	if (fds_check_remember(op, rfd, wfd, what) < 0)
		return -1;

	/* Every phase up to the connected state makes sense on a descriptor that already exists
	 * (socket options on an inherited socket, termios, locks, ownership). */
	struct termios tio;
	struct opt_apply_ctx ctx;
	xio_ctx_init(&ctx, op, rfd >= 0 ? rfd : wfd, NULL, &tio);
	if (xio_apply_phases(op, PH_INIT, PH_CONNECTED, &ctx) < 0 || opt_apply_termios_commit(&ctx) < 0)
		return -1;
	if ((rfd >= 0 && xio_fd_prepare(rfd) < 0) || (wfd >= 0 && wfd != rfd && xio_fd_prepare(wfd) < 0)) {
		ERR("%s: fcntl(): %s", op->typed, strerror(errno));
		return -1;
	}
	struct endpoint *ep = endpoint_new();
	if (!ep) {
		ERR("%s: out of memory", op->typed);
		return -1;
	}
	ep->rfd = rfd;
	ep->wfd = wfd;
	if (rfd >= 0)
		ep->flags |= EPF_READ;
	if (wfd >= 0)
		ep->flags |= EPF_WRITE;
	snprintf(ep->desc, sizeof ep->desc, "%s", what);
	/* (terminals only: an endpoint with ops gives up the engine's read/write shortcuts) */
	if (saved_tty(rfd) || saved_tty(wfd))
		ep->ops = &stdfd_ops;
	xio_classify_fds(ep);
	if (xio_take_appl_opts(op, ep) < 0) {
		/* fds we did not open stay open */
		ep->rfd = ep->wfd = -1;
		endpoint_close(ep);
		return -1;
	}
	xio_finish(op, ep);
	return 0;
}

static int stdio_open(struct xio_open *op)
{
	int r = (op->dir & XIO_RDONLY) ? 0 : -1, w = (op->dir & XIO_WRONLY) ? 1 : -1;
	if (op->dir == XIO_RDWR)
		NOTE("reading from and writing to stdio");
	else if (op->dir == XIO_RDONLY)
		NOTE("using stdin for reading");
	else
		NOTE("using stdout for writing");
	return fd_open_common(op, r, w, "stdio");
}

static int single_fd_open(struct xio_open *op, int fd, const char *name)
{
	NOTE("using %s %s", name, xio_dir_text(op->dir));
	return fd_open_common(op, (op->dir & XIO_RDONLY) ? fd : -1, (op->dir & XIO_WRONLY) ? fd : -1, name);
}

static int stdin_open(struct xio_open *op) { return single_fd_open(op, 0, "stdin"); }
static int stdout_open(struct xio_open *op) { return single_fd_open(op, 1, "stdout"); }
static int stderr_open(struct xio_open *op) { return single_fd_open(op, 2, "stderr"); }

static int fdnum_open(struct xio_open *op)
{
	const char *p = op->spec->params[0];
	char *end;
	errno = 0;
	long n = strtol(p, &end, 10);
	if (!*p || *end || errno || n < 0 || n > 0x7fffffff) {
		ERR("%s: \"%s\" is not a file descriptor number", op->typed, p);
		return -1;
	}
	char what[48];
	snprintf(what, sizeof what, "file descriptor %ld", n);
	NOTE("using %s %s", what, xio_dir_text(op->dir));
	return fd_open_common(op, (op->dir & XIO_RDONLY) ? (int)n : -1, (op->dir & XIO_WRONLY) ? (int)n : -1, what);
}

static const char *const al_stdio[] = { "-", NULL };

const struct xio_handler xio_stdio = {
	.name = "STDIO", .aliases = al_stdio, .usage = "", .min_params = 0, .max_params = 0,
	.groups = GRP_ANYFD, .dirs = XIO_RDWR, .open = stdio_open,
	.help = "read from fd 0 (stdin) and write to fd 1 (stdout)",
};
const struct xio_handler xio_stdin = {
	.name = "STDIN", .usage = "", .min_params = 0, .max_params = 0,
	.groups = GRP_ANYFD, .dirs = XIO_RDONLY, .open = stdin_open,
	.help = "read from fd 0",
};
const struct xio_handler xio_stdout = {
	.name = "STDOUT", .usage = "", .min_params = 0, .max_params = 0,
	.groups = GRP_ANYFD, .dirs = XIO_WRONLY, .open = stdout_open,
	.help = "write to fd 1",
};
const struct xio_handler xio_stderr = {
	.name = "STDERR", .usage = "", .min_params = 0, .max_params = 0,
	.groups = GRP_ANYFD, .dirs = XIO_WRONLY, .open = stderr_open,
	.help = "write to fd 2",
};
const struct xio_handler xio_fd = {
	.name = "FD", .usage = ":<fdnum>", .min_params = 1, .max_params = 1,
	.groups = GRP_ANYFD, .dirs = XIO_RDWR, .open = fdnum_open,
	.help = "an inherited file descriptor, used both ways (a lone digit is short for FD:<digit>)",
};
