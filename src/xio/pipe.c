/* PIPE [FIFO, ECHO]:
 *   PIPE            an unnamed pipe(2): what is written comes back (echo)
 *   PIPE:<name>     a named pipe: opened, or created with mkfifo first; an entry created here
 *                   is removed at close (unlink-close, default on only when we created it)
 * Opening a named pipe only for reading or writing blocks until the other side opens it, as
 * with socat (nonblock avoids that for readers). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "xio/core.h"

static int unnamed_pipe(struct xio_open *op)
{
	struct opt_apply_ctx ctx;
	struct termios tio;
	int p[2];

	xio_ctx_init(&ctx, op, -1, NULL, &tio);
	if (xio_apply_phases(op, PH_INIT, PH_PASTBIGEN, &ctx) < 0)
		return -1;
	NOTE("writing to and reading from unnamed pipe");
	if (pipe2(p, O_CLOEXEC) < 0)
		return xio_fail_errno(op, "pipe()");
	ctx.fd = p[0];
	if (xio_apply_fd_phase(op, &ctx) < 0 || xio_fd_prepare(p[0]) < 0 || xio_fd_prepare(p[1]) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	/* Both ends stay open whatever the direction: with only one of them the other would see
	 * EOF or EPIPE at once. */
	struct endpoint *ep = xio_make_endpoint(op, p[0], p[1], "pipe");
	if (!ep)
		return -1;
	xio_finish(op, ep);
	return 0;
}

static int named_pipe(struct xio_open *op, const char *path)
{
	struct opt_apply_ctx ctx;
	struct termios tio;
	struct stat st;

	xio_ctx_init(&ctx, op, -1, path, &tio);
	if (xio_apply_phases(op, PH_INIT, PH_PREOPEN, &ctx) < 0)
		return -1;
	int acc = op->dir == XIO_RDONLY ? O_RDONLY : op->dir == XIO_WRONLY ? O_WRONLY : O_RDWR;
	ctx.open_flags = acc;
	if (opt_apply_phase(&op->opts, PH_OPEN, &ctx) < 0)
		return -1;
	int flags = ctx.open_flags;
	/* nonblock on a FIFO means a non-blocking open (its row sets O_NONBLOCK again in PH_FD) */
	for (size_t i = 0; i < op->opts.n; i++)
		if (op->opts.v[i].def && op->opts.v[i].def->id == OPT_NONBLOCK)
			flags = op->opts.v[i].i ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;

	bool created = false;
	bool exists = stat(path, &st) == 0;
	if (!exists) {
		if (mkfifo(path, ctx.open_mode) < 0) {
			ERR("mkfifo(\"%s\", 0%03o): %s", path, (unsigned)ctx.open_mode, strerror(errno));
			return -1;
		}
		created = true;
		NOTE("created named pipe \"%s\" %s", path, xio_dir_text(op->dir));
	} else {
		NOTE("opening %s \"%s\" %s", xio_ftype_name(&st), path, xio_dir_text(op->dir));
	}
	int fd = xio_open_interruptible(path, flags | O_CLOEXEC, 0);
	if (fd < 0 && xio_interrupted_signal()) {
		if (created)
			unlink(path);
		return -1;
	}
	if (fd < 0) {
		int e = errno;
		char fb[200];
		ERR("open(\"%s\", %s): %s", path, xio_oflags_text(flags, fb, sizeof fb), strerror(e));
		if (e == ENXIO)
			NOTE("%s: nobody has the pipe open for reading (a non-blocking open for writing needs a reader)", op->typed);
		if (created)
			unlink(path);
		return -1;
	}
	ctx.fd = fd;
	bool unlink_close = created;
	opt_take_bool(&op->opts, OPT_UNLINK_CLOSE, &unlink_close);
	if (opt_apply_phase(&op->opts, PH_PASTOPEN, &ctx) < 0 || xio_apply_fd_phase(op, &ctx) < 0 ||
	    xio_fd_prepare(fd) < 0) {
		close(fd);
		if (created)
			unlink(path);
		return -1;
	}
	struct endpoint *ep = xio_make_endpoint(op, (op->dir & XIO_RDONLY) ? fd : -1, (op->dir & XIO_WRONLY) ? fd : -1, "pipe");
	if (!ep) {
		if (created)
			unlink(path);
		return -1;
	}
	if (unlink_close)
		endpoint_add_unlink(ep, path);
	xio_finish(op, ep);
	return 0;
}

static int pipe_open(struct xio_open *op)
{
	if (op->spec->nparams == 0)
		return unnamed_pipe(op);
	if (!*op->spec->params[0]) {
		ERR("%s: empty file name", op->typed);
		return -1;
	}
	return named_pipe(op, op->spec->params[0]);
}

static const char *const al_pipe[] = { "FIFO", "ECHO", NULL };

const struct xio_handler xio_pipe = {
	.name = "PIPE", .aliases = al_pipe, .usage = ":<filename>", .min_params = 0, .max_params = 1,
	.groups = G(FD) | G(FIFO) | G(NAMED) | G(OPEN), .dirs = XIO_RDWR, .open = pipe_open,
	.help = "unnamed pipe used as echo, or a named pipe (created with mkfifo when missing)",
};
