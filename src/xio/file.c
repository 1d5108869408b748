/* OPEN [FILE], CREATE [CREAT], GOPEN: filesystem entries opened with open(2).
 *   OPEN    open with the access mode of the direction; O_CREAT only with creat
 *   CREATE  creat(2): create or truncate, write-only
 *   GOPEN   stat first: a UNIX socket is connected (stream, else datagram); anything else is
 *           opened with O_APPEND, and created (O_CREAT) when missing
 * Phases: INIT -> EARLY -> PREOPEN -> OPEN -> PASTOPEN -> FD -> LATE -> LATE2. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/text_size.h"
#include "xio/core.h"

enum fkind { FK_OPEN, FK_CREATE, FK_GOPEN };

static int acc_mode(unsigned dir)
{
	switch (dir & XIO_RDWR) {
	case XIO_RDONLY: return O_RDONLY;
	case XIO_WRONLY: return O_WRONLY;
	default: return O_RDWR;
	}
}

static unsigned dir_of_acc(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY: return XIO_RDONLY;
	case O_WRONLY: return XIO_WRONLY;
	default: return XIO_RDWR;
	}
}

/* GOPEN on a UNIX socket: connect a stream socket, or a datagram socket when the listener is
 * one (EPROTOTYPE). */
static int gopen_socket(struct xio_open *op, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sun.sun_path) {
		ERR("%s: \"%s\": path too long for a UNIX socket (max %zu bytes)", op->typed, path, sizeof sun.sun_path - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	char info[SOCKADDR_TEXT_SIZE];
	sockaddr_info((struct sockaddr *)&sun, len, info, sizeof info);

	struct opt_apply_ctx ctx;
	struct termios tio;
	xio_ctx_init(&ctx, op, -1, path, &tio);
	if (xio_apply_phases(op, PH_INIT, PH_PREOPEN, &ctx) < 0)
		return -1;
	bool dgram = false;
	NOTE("opening connection to %s", info);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return xio_fail_errno(op, "socket(AF_UNIX, SOCK_STREAM)");
	if (connect(fd, (struct sockaddr *)&sun, len) < 0) {
		if (errno != EPROTOTYPE) {
			ERR("%s: connect(%d, %s): %s", op->typed, fd, info, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		dgram = true;
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return xio_fail_errno(op, "socket(AF_UNIX, SOCK_DGRAM)");
		if (connect(fd, (struct sockaddr *)&sun, len) < 0) {
			ERR("%s: connect(%d, %s) (datagram): %s", op->typed, fd, info, strerror(errno));
			close(fd);
			return -1;
		}
	}
	NOTE("successfully connected to %s%s", info, dgram ? " (datagram socket)" : "");
	ctx.fd = fd;
	if (xio_apply_phases(op, PH_OPEN, PH_CONNECTED, &ctx) < 0 || opt_apply_termios_commit(&ctx) < 0 ||
	    xio_fd_prepare(fd) < 0) {
		close(fd);
		return -1;
	}
	struct endpoint *ep = xio_make_endpoint(op, fd, fd, "socket");
	if (!ep)
		return -1;
	if (dgram)
		ep->flags |= EPF_DGRAM | EPF_NOSPLICE;
	xio_finish(op, ep);
	return 0;
}

static int file_open(struct xio_open *op, enum fkind kind)
{
	const char *path = op->spec->params[0];
	struct stat st;
	struct opt_apply_ctx ctx;
	struct termios tio;

	if (!*path) {
		ERR("%s: empty file name", op->typed);
		return -1;
	}
	bool exists = stat(path, &st) == 0;
	if (kind == FK_GOPEN && exists && S_ISSOCK(st.st_mode))
		return gopen_socket(op, path);

	xio_ctx_init(&ctx, op, -1, path, &tio);
	if (xio_apply_phases(op, PH_INIT, PH_PREOPEN, &ctx) < 0)
		return -1;
	exists = stat(path, &st) == 0; /* unlink-early/unlink may have removed it */

	int flags = acc_mode(op->dir);
	if (kind == FK_CREATE)
		flags = O_WRONLY | O_CREAT | O_TRUNC;
	if (kind == FK_GOPEN) {
		if (op->dir & XIO_WRONLY)
			flags |= O_APPEND; /* as socat: appending only makes sense when writing */
		if (!exists)
			flags |= O_CREAT;
	}
	/* o-trunc and append go into the open() call (their rows would fcntl later) */
	bool b;
	if (opt_take_bool(&op->opts, OPT_O_TRUNC, &b))
		flags = b ? flags | O_TRUNC : flags & ~O_TRUNC;
	if (opt_take_bool(&op->opts, OPT_O_APPEND, &b))
		flags = b ? flags | O_APPEND : flags & ~O_APPEND;
	ctx.open_flags = flags;
	if (opt_apply_phase(&op->opts, PH_OPEN, &ctx) < 0)
		return -1;
	flags = ctx.open_flags;

	bool creating = kind == FK_CREATE || (!exists && (flags & O_CREAT));
	NOTE("%s %s \"%s\" %s", creating && kind == FK_CREATE ? "creating" : "opening", xio_ftype_name(exists ? &st : NULL),
	     path, xio_dir_text(dir_of_acc(flags)));
	int fd = xio_open_interruptible(path, flags | O_CLOEXEC, ctx.open_mode);
	if (fd < 0 && xio_interrupted_signal())
		return -1;
	if (fd < 0) {
		int e = errno;
		char fb[200];
		char mb[16] = "";
		if (flags & O_CREAT)
			snprintf(mb, sizeof mb, ", 0%03o", (unsigned)ctx.open_mode);
		ERR("open(\"%s\", %s%s): %s", path, xio_oflags_text(flags, fb, sizeof fb), mb, strerror(e));
		if (e == ENOENT && !(flags & O_CREAT) && kind == FK_OPEN)
			NOTE("%s: the file does not exist; add the option creat to create it", op->typed);
		return -1;
	}
	ctx.fd = fd;
	if (opt_apply_phase(&op->opts, PH_PASTOPEN, &ctx) < 0 || xio_apply_fd_phase(op, &ctx) < 0) {
		close(fd);
		return -1;
	}
	bool unlink_close = false;
	opt_take_bool(&op->opts, OPT_UNLINK_CLOSE, &unlink_close);
	if (xio_fd_prepare(fd) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return xio_fail_errno(op, "fcntl()");
	}
	unsigned d = dir_of_acc(flags) & op->dir;
	if (!d)
		d = dir_of_acc(flags);
	op->dir = d;
	struct endpoint *ep = xio_make_endpoint(op, (d & XIO_RDONLY) ? fd : -1, (d & XIO_WRONLY) ? fd : -1,
						exists && S_ISFIFO(st.st_mode) ? "pipe" : "file");
	if (!ep)
		return -1;
	if (unlink_close)
		endpoint_add_unlink(ep, path);
	xio_finish(op, ep);
	return 0;
}

static int open_open(struct xio_open *op) { return file_open(op, FK_OPEN); }
static int create_open(struct xio_open *op) { return file_open(op, FK_CREATE); }
static int gopen_open(struct xio_open *op) { return file_open(op, FK_GOPEN); }

static const char *const al_open[] = { "FILE", NULL };
static const char *const al_create[] = { "CREAT", NULL };

const struct xio_handler xio_open = {
	.name = "OPEN", .aliases = al_open, .usage = ":<filename>", .min_params = 1, .max_params = 1,
	.groups = G(FD) | G(FIFO) | G(CHR) | G(BLK) | G(REG) | G(NAMED) | G(OPEN) | G(TERMIOS),
	.dirs = XIO_RDWR, .open = open_open,
	.help = "open(2) a file or device with the access mode of the direction (creat to create it)",
};
const struct xio_handler xio_create = {
	.name = "CREATE", .aliases = al_create, .usage = ":<filename>", .min_params = 1, .max_params = 1,
	.groups = G(FD) | G(REG) | G(NAMED), .dirs = XIO_WRONLY, .open = create_open,
	.help = "create or truncate a file and write to it",
};
const struct xio_handler xio_gopen = {
	.name = "GOPEN", .usage = ":<filename>", .min_params = 1, .max_params = 1,
	.groups = G(FD) | G(FIFO) | G(CHR) | G(BLK) | G(REG) | G(SOCKET) | G(NAMED) | G(OPEN) | G(TERMIOS) | G(UNIX),
	.dirs = XIO_RDWR, .open = gopen_open,
	.help = "generic open: connect a UNIX socket, else open (appending; created when missing)",
};
