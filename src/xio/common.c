/* Helpers shared by the address families: data-layer options, finishing an open, fd
 * preparation and classification, per-address lock files. */
#include "xio/xio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/lock.h"
#include "relay/rate.h"
#include "xio/core.h"
#include "xio/process.h"
#include "xio/sockaddr.h"

/* ---- data layer ---- */

int xio_take_appl_opts(struct xio_open *op, struct endpoint *ep)
{
	struct opt_list *l = &op->opts;
	struct opt_value *v;
	bool b;
	long long n;

	/* cr, crnl and crnl-out: the last one given wins */
	struct opt_value *cr = opt_take(l, OPT_CR), *crnl = opt_take(l, OPT_CRNL), *crout = opt_take(l, OPT_CRNL_OUT);
	if (cr && (!crnl || cr > crnl) && (!crout || cr > crout))
		ep->lineterm = EP_LT_CR;
	else if (crnl && (!crout || crnl > crout))
		ep->lineterm = EP_LT_CRNL;
	else if (crout)
		ep->lineterm = EP_LT_CRNL_OUT;
	if (opt_take_bool(l, OPT_EOF_ENDS, &b)) {
		if (b)
			ep->flags |= EPF_EOF_ENDS;
		else
			ep->flags &= ~EPF_EOF_ENDS;
	}
	if (opt_take_bool(l, OPT_IGNOREEOF, &b)) {
		if (b)
			ep->flags |= EPF_IGNOREEOF;
		else
			ep->flags &= ~EPF_IGNOREEOF;
	}
	if (opt_take_int(l, OPT_READBYTES, &n)) {
		if (n < 0) {
			ERR("%s: readbytes=%lld: must be a number of bytes (0: no limit)", op->typed, n);
			return -1;
		}
		ep->readbytes = (unsigned long long)n; /* 0: no limit, as in socat */
	}
	const char *rate;
	if (opt_take_str(l, OPT_RATE_LIMIT, &rate)) {
		char why[96];
		if (rate_parse(rate, &ep->rate_limit, why, sizeof why) < 0) {
			ERR("%s: rate-limit=%s: %s", op->typed, rate, why);
			return -1;
		}
	}
	if (opt_take_int(l, OPT_READPACKETS, &n)) {
		if (n < 0) {
			ERR("%s: readpackets=%lld: must be a number of reads (0: no limit)", op->typed, n);
			return -1;
		}
		ep->readpackets = (unsigned long long)n;
	}
	if (opt_take_int(l, OPT_ESCAPE, &n)) {
		if (n < 0 || n > 255) {
			ERR("%s: escape=%lld: must be a byte value (0..255, e.g. 0x1d)", op->typed, n);
			return -1;
		}
		ep->escape = (int)n;
	}
	if (opt_take_bool(l, OPT_NULL_EOF, &b)) {
		if (b)
			ep->flags |= EPF_NULL_EOF;
		else
			ep->flags &= ~EPF_NULL_EOF;
	}
	if (opt_take(l, OPT_END_CLOSE))
		ep->flags |= EPF_END_CLOSE;
	/* shut-*: the last one given wins */
	static const struct { enum opt_id id; enum ep_shut shut; } shuts[] = {
		{ OPT_SHUT_DOWN, EP_SHUT_DOWN }, { OPT_SHUT_CLOSE, EP_SHUT_CLOSE },
		{ OPT_SHUT_NONE, EP_SHUT_NONE }, { OPT_SHUT_NULL, EP_SHUT_NULL },
	};
	struct opt_value *last = NULL;
	for (size_t i = 0; i < sizeof shuts / sizeof shuts[0]; i++) {
		v = opt_take(l, shuts[i].id);
		if (v && (!last || v > last)) {
			last = v;
			ep->shut = shuts[i].shut;
		}
	}
	/* cool-write: EPIPE/ECONNRESET on write as a notice; that direction ends, not the run */
	if (opt_take_bool(l, OPT_COOL_WRITE, &b) && b)
		ep->flags |= EPF_COOL_WRITE;
	return 0;
}

/* What xio_take_appl_opts consumes (keep the two in step): options that act on duct's
 * transfer, not on the fd. */
static const enum opt_id appl_ids[] = {
	OPT_CR, OPT_CRNL, OPT_CRNL_OUT, OPT_EOF_ENDS, OPT_IGNOREEOF, OPT_READBYTES, OPT_READPACKETS,
	OPT_RATE_LIMIT, OPT_ESCAPE, OPT_NULL_EOF, OPT_END_CLOSE, OPT_SHUT_DOWN, OPT_SHUT_CLOSE, OPT_SHUT_NONE,
	OPT_SHUT_NULL, OPT_COOL_WRITE,
};

const struct opt_value *xio_appl_opt_present(const struct opt_list *l)
{
	for (size_t i = 0; i < sizeof appl_ids / sizeof appl_ids[0]; i++) {
		const struct opt_value *v = opt_peek(l, appl_ids[i]);
		if (v)
			return v;
	}
	return NULL;
}

/* ---- finishing ---- */

int xio_apply_process_late(struct xio_open *op)
{
	if (op->proc_late_done)
		return 0;
	op->proc_late_done = true;
	if (proc_opts_apply(&op->proc, PH_LATE, op->typed) < 0 || proc_opts_apply(&op->proc, PH_LATE2, op->typed) < 0)
		return -1;
	return 0;
}

void xio_finish(struct xio_open *op, struct endpoint *ep)
{
	struct opt_apply_ctx ctx;
	struct termios tio;
	int fd = ep->wfd >= 0 ? ep->wfd : ep->rfd;

	xio_ctx_init(&ctx, op, fd, NULL, &tio);
	if (xio_take_appl_opts(op, ep) < 0 || opt_apply_phase(&op->opts, PH_LATE, &ctx) < 0 ||
	    opt_apply_phase(&op->opts, PH_LATE2, &ctx) < 0 || opt_apply_phase(&op->opts, PH_PASTEXEC, &ctx) < 0 ||
	    opt_apply_termios_commit(&ctx) < 0)
		goto fail;
	/* A session served by a process of its own gets its identity there (the runner calls
	 * xio_apply_process_late after the fork). */
	if (!(op->multi && op->needs_process && !op->is_child_session) && xio_apply_process_late(op) < 0)
		goto fail;
	if (opt_check_unused(&op->opts, op->typed) < 0)
		goto fail;
	op->deliver(op, ep, 0);
	return;
fail:
	endpoint_close(ep);
	op->deliver(op, NULL, 1);
}

/* ---- fds ---- */

int xio_fd_prepare(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	if (fd > 2) {
		int fdfl = fcntl(fd, F_GETFD);
		if (fdfl < 0 || fcntl(fd, F_SETFD, fdfl | FD_CLOEXEC) < 0)
			return -1;
	}
	return 0;
}

/* Can the loop watch fd? Regular files, directories and some character devices (/dev/null,
 * /dev/zero) can't: those are always ready. */
static bool pollable(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return true;
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode))
		return false;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return true;
	return loop_can_watch(fd);
}

/* A datagram or seqpacket socket: each read is one packet, each write one packet. */
static bool packet_socket(int fd)
{
	int type = 0;
	socklen_t tl = sizeof type;
	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
		return false;
	return type == SOCK_DGRAM || type == SOCK_SEQPACKET || type == SOCK_RAW || type == SOCK_RDM;
}

int xio_connect_result(int fd, uint32_t events)
{
	int err = 0;
	socklen_t el = sizeof err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		err = errno;
	if (err == 0 && (events & (LOOP_ERR | LOOP_HUP)) && !(events & LOOP_OUT))
		err = ECONNREFUSED;
	return err;
}

void xio_classify_fds(struct endpoint *ep)
{
	/* inherited sockets (FD:n, STDIO on a socket) keep their packet boundaries as well */
	if (packet_socket(ep->rfd >= 0 ? ep->rfd : ep->wfd))
		ep->flags |= EPF_DGRAM | EPF_NOSPLICE;
	if (ep->rfd >= 0) {
		if (!pollable(ep->rfd))
			ep->flags |= EPF_RNOPOLL;
		if (isatty(ep->rfd))
			ep->flags |= EPF_ISTTY | EPF_NOSPLICE;
	}
	if (ep->wfd >= 0) {
		if (ep->wfd == ep->rfd) {
			if (ep->flags & EPF_RNOPOLL)
				ep->flags |= EPF_WNOPOLL;
		} else {
			if (!pollable(ep->wfd))
				ep->flags |= EPF_WNOPOLL;
			if (isatty(ep->wfd))
				ep->flags |= EPF_ISTTY | EPF_NOSPLICE;
		}
	}
}

struct endpoint *xio_make_endpoint(struct xio_open *op, int rfd, int wfd, const char *desc)
{
	struct endpoint *ep = endpoint_new();
	if (!ep) {
		ERR("%s: out of memory", op->typed);
		if (rfd > 2)
			close(rfd);
		if (wfd > 2 && wfd != rfd)
			close(wfd);
		return NULL;
	}
	ep->rfd = rfd;
	ep->wfd = wfd;
	if (rfd >= 0 && (op->dir & XIO_RDONLY))
		ep->flags |= EPF_READ;
	if (wfd >= 0 && (op->dir & XIO_WRONLY))
		ep->flags |= EPF_WRITE;
	snprintf(ep->desc, sizeof ep->desc, "%s", desc ? desc : "fd");
	xio_classify_fds(ep);
	return ep;
}

/* ---- option application helpers ---- */

void xio_ctx_init(struct opt_apply_ctx *ctx, struct xio_open *op, int fd, const char *path, struct termios *tio)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->fd = fd;
	ctx->path = path;
	ctx->open_mode = 0666;
	ctx->termios = tio;
	ctx->addrname = op->typed;
}

int xio_apply_phases(struct xio_open *op, enum opt_phase from, enum opt_phase to, struct opt_apply_ctx *ctx)
{
	for (int ph = from; ph <= (int)to; ph++)
		if (opt_apply_phase(&op->opts, (enum opt_phase)ph, ctx) < 0)
			return -1;
	return 0;
}

int xio_apply_fd_phase(struct xio_open *op, struct opt_apply_ctx *ctx)
{
	if (opt_apply_phase(&op->opts, PH_FD, ctx) < 0 || opt_apply_termios_commit(ctx) < 0)
		return -1;
	return 0;
}

int xio_fail_errno(struct xio_open *op, const char *what)
{
	ERR("%s: %s: %s", op->typed, what, strerror(errno));
	return -1;
}

/* ---- names for messages ---- */

const char *xio_ftype_name(const struct stat *st)
{
	if (!st)
		return "undef";
	switch (st->st_mode & S_IFMT) {
	case S_IFIFO: return "named pipe";
	case S_IFCHR: return "character device";
	case S_IFDIR: return "directory";
	case S_IFBLK: return "block device";
	case S_IFREG: return "regular file";
	case S_IFLNK: return "symbolic link";
	case S_IFSOCK: return "socket";
	default: return "undef";
	}
}

const char *xio_dir_text(unsigned dir)
{
	switch (dir & XIO_RDWR) {
	case XIO_RDONLY: return "for reading";
	case XIO_WRONLY: return "for writing";
	default: return "for reading and writing";
	}
}

const char *xio_oflags_text(int flags, char *buf, size_t len)
{
	static const struct { int flag; const char *name; } names[] = {
		{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" },
		{ O_NONBLOCK, "O_NONBLOCK" }, { O_NOCTTY, "O_NOCTTY" }, { O_SYNC, "O_SYNC" },
		{ O_NOFOLLOW, "O_NOFOLLOW" }, { O_DIRECTORY, "O_DIRECTORY" }, { O_DIRECT, "O_DIRECT" },
	};
	const char *acc = (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : (flags & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_RDONLY";
	size_t n = (size_t)snprintf(buf, len, "%s", acc);
	for (size_t i = 0; i < sizeof names / sizeof names[0] && n < len; i++)
		if ((flags & names[i].flag) == names[i].flag)
			n += (size_t)snprintf(buf + n, len - n, "|%s", names[i].name);
	return buf;
}

/* ---- lockfile= / waitlock= ---- */

/* Every lock this process took, with the open that took it: an address's locks go when its
 * open is stopped (the session ends: the next connection of a fork listener can take them),
 * the rest at exit. A forked process inherits the list but owns only what it took itself. */
struct held_lock {
	char *path;
	pid_t pid;
	const struct xio_open *owner;
};
static struct held_lock *locks;
static size_t nlocks;
static bool locks_atexit;

static void lock_drop(size_t i)
{
	if (locks[i].pid == getpid()) {
		unlink(locks[i].path);
		INFO("released lock \"%s\"", locks[i].path);
	}
	free(locks[i].path);
	locks[i] = locks[--nlocks];
}

static void locks_release(void)
{
	while (nlocks)
		lock_drop(nlocks - 1);
	free(locks);
	locks = NULL;
}

void xio_release_locks(const struct xio_open *op)
{
	for (size_t i = nlocks; i-- > 0;)
		if (locks[i].owner == op && locks[i].pid == getpid())
			lock_drop(i);
}

static int lock_one(struct xio_open *op, const char *path, bool wait)
{
	bool waited = false;
	for (;;) {
		int r = lock_try(path);
		if (r == 0) {
			struct held_lock *nl = realloc(locks, (nlocks + 1) * sizeof *nl);
			char *dup = strdup(path);
			if (!nl || !dup) {
				free(dup);
				if (nl)
					locks = nl;
				unlink(path);
				ERR("%s: out of memory", op->typed);
				return -1;
			}
			locks = nl;
			locks[nlocks++] = (struct held_lock){ .path = dup, .pid = getpid(), .owner = op };
			if (!locks_atexit) {
				locks_atexit = true;
				atexit(locks_release);
			}
			INFO("%s: obtained lock \"%s\"", op->typed, path);
			return 0;
		}
		if (r < 0) {
			ERR("%s: cannot create lock file \"%s\": %s", op->typed, path, strerror(errno));
			return -1;
		}
		char who[160];
		lock_describe(path, who, sizeof who);
		if (!wait) {
			ERR("%s: lockfile=%s: the lock file exists%s; use waitlock= to wait for it", op->typed, path, who);
			return -1;
		}
		if (!waited)
			INFO("%s: waiting for lock \"%s\"%s", op->typed, path, who);
		waited = true;
		/* the loop's signals are let in while waiting: SIGTERM still ends duct */
		if (xio_sleep_interruptible(1.0) < 0 && xio_interrupted_signal())
			return -1;
	}
}

int xio_take_locks(struct xio_open *op)
{
	const char *path;
	if (opt_take_str(&op->opts, OPT_LOCKFILE, &path) && path && lock_one(op, path, false) < 0)
		return -1;
	if (opt_take_str(&op->opts, OPT_WAITLOCK, &path) && path && lock_one(op, path, true) < 0)
		return -1;
	return 0;
}

static volatile sig_atomic_t interrupted_by;

static void note_signal(int signo)
{
	interrupted_by = signo;
}

int xio_interrupted_signal(void)
{
	return interrupted_by;
}

/* Run fn(arg) with the signals the loop catches let in: a blocking call made by fn then fails
 * with EINTR when one arrives, and xio_interrupted_signal() says which. */
static int with_signals_let_in(int (*fn)(void *), void *arg)
{
	struct sigaction sa, old[32];
	sigset_t cur, let_in, prev;
	bool installed[32] = { false };

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = note_signal; /* no SA_RESTART: the call fails with EINTR */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&let_in);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	/* Only the signals the loop catches (blocked for its signalfd: those of the -S mask);
	 * the others keep their default action and end the process as usual. CHLD and USR1
	 * stay with the loop. */
	for (int sig = 1; sig < 32; sig++) {
		if (sig == SIGCHLD || sig == SIGUSR1 || sig == SIGPIPE || sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigismember(&cur, sig) && sigaction(sig, &sa, &old[sig]) == 0) {
			installed[sig] = true;
			sigaddset(&let_in, sig);
		}
	}
	sigprocmask(SIG_UNBLOCK, &let_in, &prev);
	int rc = -1, e = EINTR;
	if (!interrupted_by) {
		rc = fn(arg);
		e = errno;
	}
	sigprocmask(SIG_SETMASK, &prev, NULL);
	for (int sig = 1; sig < 32; sig++)
		if (installed[sig])
			sigaction(sig, &old[sig], NULL);
	if (rc < 0 && interrupted_by)
		logmsg(log_signal_exit_level((int)interrupted_by), "exiting on signal %d", (int)interrupted_by);
	errno = e;
	return rc;
}

struct open_args {
	const char *path;
	int flags;
	mode_t mode;
};

static int do_open(void *arg)
{
	struct open_args *a = arg;
	return open(a->path, a->flags, a->mode);
}

int xio_open_interruptible(const char *path, int flags, mode_t mode)
{
	struct open_args a = { path, flags, mode };
	return with_signals_let_in(do_open, &a);
}

static int do_sleep(void *arg)
{
	const struct timespec *ts = arg;
	return nanosleep(ts, NULL);
}

int xio_sleep_interruptible(double seconds)
{
	struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
	return with_signals_let_in(do_sleep, &ts);
}

void xio_export_addr_env(struct endpoint *ep, const char *what, const struct sockaddr *sa, socklen_t len)
{
	char name[32], val[256];
	if (!ep || !sa || len < sizeof(sa_family_t))
		return;
	int fam = sa->sa_family;
	if (fam != AF_INET && fam != AF_INET6 && fam != AF_UNIX && fam != AF_VSOCK)
		return;
	snprintf(name, sizeof name, "%sADDR", what);
	sa_addr_text(sa, len, val, sizeof val);
	endpoint_setenv(ep, name, val);
	int port = sa_port(sa, len);
	if (port >= 0) {
		snprintf(name, sizeof name, "%sPORT", what);
		snprintf(val, sizeof val, "%d", port);
		endpoint_setenv(ep, name, val);
	}
}
