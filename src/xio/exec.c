/* EXEC, SYSTEM, SHELL: a child program whose stdin/stdout are the address.
 *   EXEC:<command-line>    words split like socat (quotes, escapes), execvp(), argv[0] = basename
 *   SYSTEM:<shell-command> /bin/sh -c
 *   SHELL:<shell-command>  $SHELL (or shell=) -c
 * The child talks through a socketpair on its fds 0 and 1 (pipes: two pipes; pty: the slave side
 * of a new pseudo terminal, duct keeps the master and the termios options apply to it; fdin=/
 * fdout=: other child fds; stderr: child fd 2 = its output channel). ctty makes the pty the
 * child's controlling terminal (with setsid, which makes the child a session leader first). The endpoint carries the child's
 * pid: the engine reports its exit status and sends SIGTERM at close.
 * Phases: INIT -> EARLY -> PREBIGEN -> BIGEN -> PASTBIGEN -> FD -> PREFORK -> FORK -> PASTFORK
 *         -> LATE -> LATE2 -> PREEXEC -> EXEC (LATE and later run in the child for PROCESS
 *         options; data-layer options stay with the parent's endpoint). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/version.h"
#include "xio/core.h"
#include "xio/process.h"
#include "xio/pty.h"

enum xkind { XK_EXEC, XK_SYSTEM, XK_SHELL };

struct xchild {
	bool pipes, pty, ctty, want_stderr, dash, has_pgid;
	long long fdin, fdout, pgid;
	const char *path, *shell;
	bool fwd[3]; /* sighup, sigint, sigquit */
	pid_t env_pid, env_ppid; /* <PREFIX>_PID and _PPID: this duct process and its listener */
};

/* ---- signal forwarding (sighup, sigint, sigquit) ---- */

#define MAX_FWD 64
static struct {
	int signo;
	pid_t pid;
} fwd_tab[MAX_FWD];

static void forward_signal(struct loop *lp, int signo, void *arg)
{
	(void)lp;
	(void)arg;
	for (size_t i = 0; i < MAX_FWD; i++) {
		if (fwd_tab[i].signo != signo || fwd_tab[i].pid <= 0)
			continue;
		INFO("forwarding signal %d to child process %ld", signo, (long)fwd_tab[i].pid);
		if (kill(fwd_tab[i].pid, signo) < 0 && errno == ESRCH)
			fwd_tab[i].pid = 0;
	}
}

static int add_forward(struct xio_open *op, int signo, pid_t pid)
{
	for (size_t i = 0; i < MAX_FWD; i++) {
		if (fwd_tab[i].pid > 0 && kill(fwd_tab[i].pid, 0) < 0 && errno == ESRCH)
			fwd_tab[i].pid = 0; /* gone: reuse the slot */
		if (fwd_tab[i].pid <= 0) {
			fwd_tab[i].signo = signo;
			fwd_tab[i].pid = pid;
			if (loop_on_signal(op->loop, signo, forward_signal, NULL) < 0) {
				ERR("%s: cannot forward signal %d: %s", op->typed, signo, strerror(errno));
				return -1;
			}
			return 0;
		}
	}
	ERR("%s: too many children with forwarded signals (max %d)", op->typed, MAX_FWD);
	return -1;
}

/* ---- the child ---- */

/* Move fd to a number above the ones the child will use, close-on-exec set. */
static int lift(int fd)
{
	if (fd < 0)
		return -1;
	return fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

static void child_env(struct xio_open *op, const struct xchild *xc)
{
	const char *pre = log_env_prefix();
	char name[96], val[32];
	for (char *const *e = op->env_in; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || eq == *e)
			continue;
		char *n = strndup(*e, (size_t)(eq - *e));
		if (n) {
			setenv(n, eq + 1, 1);
			free(n);
		}
	}
	snprintf(name, sizeof name, "%s_PID", pre);
	snprintf(val, sizeof val, "%ld", (long)xc->env_pid);
	setenv(name, val, 1);
	snprintf(name, sizeof name, "%s_PPID", pre);
	snprintf(val, sizeof val, "%ld", (long)xc->env_ppid);
	setenv(name, val, 1);
	snprintf(name, sizeof name, "%s_VERSION", pre);
	setenv(name, DUCT_VERSION, 1);
}

static char *argv0_for(const char *file, bool dash)
{
	char *copy = strdup(file);
	if (!copy)
		return NULL;
	const char *base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	char *a;
	if (asprintf(&a, "%s%s", dash ? "-" : "", base) < 0)
		a = NULL;
	free(copy);
	return a;
}

/* ctty: the child's terminal (fd fdin, else fdout) becomes its controlling terminal. That
 * needs a session leader without one (the setsid option); like socat, a failure is a warning
 * and the program still runs. */
static void child_ctty(struct xio_open *op, const struct xchild *xc)
{
	int fd = isatty((int)xc->fdin) ? (int)xc->fdin : (int)xc->fdout;
	if (!isatty(fd)) {
		WARN("%s: ctty: the child's channel is not a terminal (add the option pty)", op->typed);
		return;
	}
	if (ioctl(fd, TIOCSCTTY, 0) < 0) {
		WARN("%s: ioctl(%d, TIOCSCTTY): %s%s", op->typed, fd, strerror(errno),
		     errno == EPERM && !op->proc.setsid ? " (ctty needs the option setsid)" : "");
		return;
	}
	if (tcsetpgrp(fd, getpgrp()) < 0)
		WARN("%s: tcsetpgrp(%d): %s", op->typed, fd, strerror(errno));
}

/* The signals as a program expects them: the mask duct was started with (the loop blocks the
 * ones it reads from its signalfd) and the default action for the ones socat catches with
 * handlers, which exec resets: the program starts with the default action even when duct was
 * started with them ignored (a background job of a script ignores SIGINT and SIGQUIT), so
 * sigint/sigquit forwarding reaches a trap. SIGPIPE, which duct ignores, too. */
static void program_signals(void)
{
	static const int caught[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGPIPE };
	loop_child_after_fork();
	for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
		signal(caught[i], SIG_DFL);
}

static void log_exec(enum xkind kind, const struct xchild *xc, char **words, const char *cmd)
{
	if (kind == XK_EXEC)
		NOTE("execvp'ing \"%s\"", words[0]);
	else if (kind == XK_SYSTEM)
		NOTE("executing shell command \"%s\"", cmd);
	else
		NOTE("execl'ing \"%s\" -c \"%s\"", xc->shell, cmd);
}

/* Put the program's channel on its fds: cin on fdin, cout on fdout (and on 2 with stderr);
 * -1: leave that fd alone. Both are lifted out of the way first, so any numbering works
 * (already 0 and 1, swapped, or one fd for both). -1 on failure (logged). */
static int place_fds(struct xio_open *op, const struct xchild *xc, int cin, int cout)
{
	int in = lift(cin), out = cin == cout ? in : lift(cout);
	if ((cin >= 0 && in < 0) || (cout >= 0 && out < 0)) {
		ERR("%s: fcntl(F_DUPFD): %s", op->typed, strerror(errno));
		return -1;
	}
	int rc = -1;
	if (in >= 0 && dup2(in, (int)xc->fdin) < 0) {
		ERR("%s: dup2(%d, %lld): %s", op->typed, in, xc->fdin, strerror(errno));
		goto out;
	}
	if (out >= 0 && dup2(out, (int)xc->fdout) < 0) {
		ERR("%s: dup2(%d, %lld): %s", op->typed, out, xc->fdout, strerror(errno));
		goto out;
	}
	if (xc->want_stderr && (out >= 0 || in >= 0) && dup2(out >= 0 ? out : in, 2) < 0) {
		ERR("%s: dup2(%d, 2): %s", op->typed, out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0 && out != in)
		close(out);
	return rc;
}

/* The PROCESS options of the LATE phases, ctty, setpgid, the environment: what the program's
 * process needs just before the exec. -1 on failure (logged). */
static int program_process(struct xio_open *op, const struct xchild *xc)
{
	if (proc_opts_apply(&op->proc, PH_LATE, op->typed) < 0)
		return -1;
	if (xc->ctty)
		child_ctty(op, xc);
	if (xc->has_pgid && setpgid(0, (pid_t)xc->pgid) < 0) {
		ERR("%s: setpgid(0, %lld): %s", op->typed, xc->pgid, strerror(errno));
		return -1;
	}
	if (proc_opts_apply(&op->proc, PH_LATE2, op->typed) < 0)
		return -1;
	child_env(op, xc);
	if (xc->path)
		setenv("PATH", xc->path, 1);
	return 0;
}

/* Exec the program; returns only when that failed (logged). */
static void exec_program(struct xio_open *op, enum xkind kind, const struct xchild *xc, char **words)
{
	const char *cmd = op->spec->params[0];
	switch (kind) {
	case XK_EXEC: {
		char *a0 = argv0_for(words[0], xc->dash);
		const char *file = words[0];
		if (a0)
			words[0] = a0;
		execvp(file, words);
		ERR("execvp(\"%s\"): %s", file, strerror(errno));
		if (a0) {
			words[0] = (char *)file;
			free(a0);
		}
		break;
	}
	case XK_SYSTEM:
		execl("/bin/sh", xc->dash ? "-sh" : "sh", "-c", cmd, (char *)NULL);
		ERR("execl(\"/bin/sh\"): %s", strerror(errno));
		break;
	case XK_SHELL: {
		char *a0 = argv0_for(xc->shell, xc->dash);
		setenv("SHELL", xc->shell, 1);
		execl(xc->shell, a0 ? a0 : xc->shell, "-c", cmd, (char *)NULL);
		ERR("execl(\"%s\"): %s", xc->shell, strerror(errno));
		free(a0);
		break;
	}
	}
}

/* Runs in the child; never returns. cin/cout: the child's ends (-1: leave that fd alone). */
static void run_child(struct xio_open *op, enum xkind kind, const struct xchild *xc, char **words, int cin, int cout)
{
	program_signals();
	/* log before the fds move: the log fd may be one of the numbers the child gets */
	log_exec(kind, xc, words, op->spec->params[0]);
	if (place_fds(op, xc, cin, cout) < 0 || program_process(op, xc) < 0)
		_exit(1);
	exec_program(op, kind, xc, words);
	_exit(1);
}

/* ---- the parent ---- */

/* Closing: our ends of the channel. A child still attached here (the endpoint never ran in a
 * session) gets SIGTERM; after a session the engine has already taken the child over (it gives
 * it its grace time and signals it itself). end-close: no signal. */
static void exec_close(struct endpoint *ep)
{
	if (ep->rfd >= 0)
		close(ep->rfd);
	if (ep->wfd >= 0 && ep->wfd != ep->rfd)
		close(ep->wfd);
	ep->rfd = ep->wfd = -1;
	pid_t pid = ep->child;
	ep->child = 0;
	if (pid > 0 && !(ep->flags & EPF_END_CLOSE)) {
		INFO("sending SIGTERM to child process %ld", (long)pid);
		kill(pid, SIGTERM);
	}
}

static const struct endpoint_ops exec_ops = { .close = exec_close };
static const struct endpoint_ops exec_pty_ops = { .read = xio_pty_read, .close = exec_close };

/* PASTBIGEN: the program's fd numbers for its channel. -1 on a bad combination (logged). */
static int take_fd_opts(struct xio_open *op, struct xchild *xc)
{
	bool has_fdin = opt_take_int(&op->opts, OPT_FDIN, &xc->fdin);
	bool has_fdout = opt_take_int(&op->opts, OPT_FDOUT, &xc->fdout);
	/* socat: the program's end that the relay does not use can't be placed anywhere */
	if (has_fdout && op->dir == XIO_WRONLY) {
		ERR("%s: option fdout is useless in write-only mode", op->typed);
		return -1;
	}
	if (has_fdin && op->dir == XIO_RDONLY) {
		ERR("%s: option fdin is useless in read-only mode", op->typed);
		return -1;
	}
	if (xc->fdin < 0 || xc->fdin > 0xffff || xc->fdout < 0 || xc->fdout > 0xffff) {
		ERR("%s: fdin/fdout must be file descriptor numbers", op->typed);
		return -1;
	}
	return 0;
}

/* PASTFORK, LATE, PREEXEC: what the program's process needs. */
static void take_child_opts(struct xio_open *op, struct xchild *xc)
{
	opt_take_bool(&op->opts, OPT_STDERR, &xc->want_stderr);
	xc->has_pgid = opt_take_int(&op->opts, OPT_SETPGID, &xc->pgid);
	xc->fwd[0] = opt_take(&op->opts, OPT_SIGHUP) != NULL;
	xc->fwd[1] = opt_take(&op->opts, OPT_SIGINT) != NULL;
	xc->fwd[2] = opt_take(&op->opts, OPT_SIGQUIT) != NULL;
	opt_take_str(&op->opts, OPT_PATH, &xc->path);
	opt_take_bool(&op->opts, OPT_DASH, &xc->dash);
}

/* ---- nofork: the program in place of duct ---- */

/* socat's programs expect blocking fds; duct made the other address's fds non-blocking. */
static void make_blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

/* nofork: no child and no relay; this process becomes the program, with the first address's
 * fds as its stdin and stdout (only the direction in use: -u keeps our stdout, -U our stdin,
 * as socat). The runner gives a fork listener's connections a process each for it. Returns
 * only on failure (logged); words is freed. */
static int exec_in_place(struct xio_open *op, enum xkind kind, struct xchild *xc, char **words)
{
	static const char *const fwd_name[3] = { "sighup", "sigint", "sigquit" };
	const struct endpoint *peer = op->peer;
	bool bad = false;

	if (op->index != 2 || !peer) {
		ERR("%s: option nofork is not allowed here: only the second address can run its program in place of duct, on the first address's connection (give the program second, or remove nofork)",
		    op->typed);
		goto fail;
	}
	opt_take_bool(&op->opts, OPT_CTTY, &xc->ctty);
	if (take_fd_opts(op, xc) < 0)
		goto fail;
	take_child_opts(op, xc);
	for (int i = 0; i < 3; i++)
		if (xc->fwd[i]) {
			ERR("%s: option \"%s\" does not combine with nofork: the program runs in duct's place and gets the signal itself (remove %s)",
			    op->typed, fwd_name[i], fwd_name[i]);
			bad = true;
		}
	/* pty, pipes, socktype, termios, socket and data-layer options act on the channel or on
	 * the transfer, and there is neither */
	for (size_t i = 0; i < op->opts.n; i++) {
		const struct opt_value *v = &op->opts.v[i];
		if (v->used)
			continue;
		const char *n = v->typed_name ? v->typed_name : v->def->name;
		ERR("%s: option \"%s\" does not combine with nofork: duct makes no channel for the program and relays nothing (remove %s, or nofork)",
		    op->typed, n, n);
		bad = true;
	}
	if (bad)
		goto fail;
	int cin = (op->dir & XIO_WRONLY) ? peer->rfd : -1;
	int cout = (op->dir & XIO_RDONLY) ? peer->wfd : -1;
	if (cin < 0 && cout < 0) {
		ERR("%s: nofork: the first address has no file descriptor to give the program", op->typed);
		goto fail;
	}

	/* as socat: PID is this process (the program's now), PPID the listener that forked it */
	xc->env_pid = getpid();
	xc->env_ppid = op->g && op->g->session_process ? getppid() : getpid();
	log_exec(kind, xc, words, op->spec->params[0]);
	fflush(NULL);
	if (place_fds(op, xc, cin, cout) < 0)
		goto fail;
	if (cin >= 0)
		make_blocking((int)xc->fdin);
	if (cout >= 0)
		make_blocking((int)xc->fdout);
	op->proc_late_done = true; /* chroot, setsid, su...: applied here, for the program */
	if (program_process(op, xc) < 0)
		goto fail;
	/* duct's own fds are all close-on-exec, as for a child; fds duct inherited and did not
	 * use stay open for the program, as socat leaves them */
	sigset_t mask;
	struct sigaction pipe_sa;
	sigprocmask(SIG_SETMASK, NULL, &mask);
	sigaction(SIGPIPE, NULL, &pipe_sa);
	program_signals();
	exec_program(op, kind, xc, words);
	/* back to the loop's signals, which ends the run */
	sigaction(SIGPIPE, &pipe_sa, NULL);
	sigprocmask(SIG_SETMASK, &mask, NULL);
fail:
	addr_free_words(words);
	return -1;
}

/* The program from the address: EXEC's words, or the shell command (SYSTEM, SHELL) and, for
 * SHELL, the shell from shell= or $SHELL. Logs and returns -1 on bad input. */
static int exec_command(struct xio_open *op, enum xkind kind, struct xchild *xc, char ***words)
{
	const char *cmd = op->spec->params[0];

	if (kind == XK_EXEC) {
		struct addr_error aerr;
		*words = addr_split_words_in(cmd, "EXEC command line", &aerr);
		if (!*words) {
			ERR("%s: %s", op->typed, aerr.msg);
			return -1;
		}
		if (!(*words)[0]) {
			ERR("%s: empty command line", op->typed);
			addr_free_words(*words);
			*words = NULL;
			return -1;
		}
	} else if (!*cmd) {
		ERR("%s: empty shell command", op->typed);
		return -1;
	}
	xc->shell = NULL;
	if (kind == XK_SHELL) {
		if (!opt_take_str(&op->opts, OPT_SHELL, &xc->shell) || !xc->shell)
			xc->shell = getenv("SHELL");
		if (!xc->shell || !*xc->shell) {
			ERR("%s: no shell to run: the environment variable SHELL is not set; give the option shell=<path>", op->typed);
			return -1;
		}
		if (!strchr(xc->shell, '/')) {
			ERR("%s: shell \"%s\" is not a path (it must contain a '/')", op->typed, xc->shell);
			return -1;
		}
	}
	return 0;
}

/* The channel between duct and the child: the parent's ends (pfd_r, pfd_w) and the child's
 * (cin, cout), over a pty, a socketpair or two pipes; sv, a, b own the descriptors. */
struct xchan {
	int sv[2], a[2], b[2];
	int pfd_r, pfd_w, cin, cout;
};

static void chan_close(struct xchan *ch)
{
	for (int i = 0; i < 2; i++) {
		if (ch->sv[i] >= 0)
			close(ch->sv[i]);
		if (ch->a[i] >= 0)
			close(ch->a[i]);
		if (ch->b[i] >= 0)
			close(ch->b[i]);
	}
}

/* BIGEN: the channel (pty, pipes, or a socketpair of socktype=). Logs and returns -1. */
static int chan_open(struct xio_open *op, struct xchild *xc, struct xchan *ch)
{
	opt_take_bool(&op->opts, OPT_PIPES, &xc->pipes);
	opt_take_bool(&op->opts, OPT_PTY, &xc->pty);
	opt_take_bool(&op->opts, OPT_CTTY, &xc->ctty);
	bool use_ptmx = false, use_openpty = false;
	opt_take_bool(&op->opts, OPT_PTMX, &use_ptmx);
	opt_take_bool(&op->opts, OPT_OPENPTY, &use_openpty);
	if (xc->pty) {
		char name[128];
		if (xio_pty_open(use_ptmx && !use_openpty, &ch->sv[0], &ch->sv[1], name, sizeof name) < 0) {
			ERR("%s: cannot create a pseudo terminal (%s): %s", op->typed,
			    use_ptmx && !use_openpty ? "/dev/ptmx" : "openpty()", strerror(errno));
			return -1;
		}
		INFO("%s: child terminal is %s", op->typed, name);
		ch->pfd_r = ch->pfd_w = ch->sv[0];
		ch->cin = (op->dir & XIO_WRONLY) ? ch->sv[1] : -1;
		ch->cout = (op->dir & XIO_RDONLY) ? ch->sv[1] : -1;
	} else if (!xc->pipes) {
		/* socktype=2 (datagram) or 5 (seqpacket): the program's reads and writes keep
		 * their message boundaries */
		long long type = SOCK_STREAM;
		opt_take_int(&op->opts, OPT_SO_TYPE, &type);
		if (socketpair(AF_UNIX, (int)type | SOCK_CLOEXEC, 0, ch->sv) < 0) {
			ERR("%s: socketpair(AF_UNIX, %lld, 0): %s (socktype= takes 1 stream, 2 datagram or 5 seqpacket)",
			    op->typed, type, strerror(errno));
			return -1;
		}
		ch->pfd_r = ch->pfd_w = ch->sv[0];
		/* Only the direction in use goes through the channel; the child keeps our stdin or
		 * stdout for the other one, as in socat (-u STDIN EXEC:'tee f' prints to stdout). */
		ch->cin = (op->dir & XIO_WRONLY) ? ch->sv[1] : -1;
		ch->cout = (op->dir & XIO_RDONLY) ? ch->sv[1] : -1;
	} else {
		if ((op->dir & XIO_WRONLY) && pipe2(ch->a, O_CLOEXEC) < 0) {
			xio_fail_errno(op, "pipe()");
			return -1;
		}
		if ((op->dir & XIO_RDONLY) && pipe2(ch->b, O_CLOEXEC) < 0) {
			xio_fail_errno(op, "pipe()");
			return -1;
		}
		ch->pfd_w = ch->a[1];
		ch->cin = ch->a[0];
		ch->pfd_r = ch->b[0];
		ch->cout = ch->b[1];
	}
	return 0;
}

/* FD, PREFORK, FORK: options for the parent's end. f-setpipe-sz with pipes sizes both pipes,
 * and the engine then leaves their size alone (it would grow them for splicing). Returns -1 on
 * failure, else whether the pipes were sized. */
static int chan_parent_opts(struct xio_open *op, const struct xchild *xc, const struct xchan *ch,
			    struct opt_apply_ctx *ctx)
{
	bool pipe_sized = false;
	struct opt_value *pipesz = xc->pipes ? opt_take(&op->opts, OPT_F_SETPIPE_SZ) : NULL;
	for (int i = 0; pipesz && i < 2; i++) {
		ctx->fd = i == 0 ? ch->pfd_r : ch->pfd_w;
		if (ctx->fd >= 0 && opt_apply_value(pipesz, ctx) < 0)
			return -1;
		pipe_sized = true;
	}
	ctx->fd = ch->pfd_r >= 0 ? ch->pfd_r : ch->pfd_w;
	if (xio_apply_fd_phase(op, ctx) < 0 || opt_apply_phase(&op->opts, PH_PREFORK, ctx) < 0 ||
	    opt_apply_phase(&op->opts, PH_FORK, ctx) < 0)
		return -1;
	return pipe_sized;
}

/* In the parent after fork: the parent's ends become the endpoint, carrying the child's pid
 * and its signal forwarding. The channel is the endpoint's now (or closed on failure). */
static int exec_endpoint(struct xio_open *op, const struct xchild *xc, struct xchan *ch, pid_t pid,
			 bool pipe_sized)
{
	if (ch->cin >= 0)
		close(ch->cin);
	if (ch->cout >= 0 && ch->cout != ch->cin)
		close(ch->cout);
	ch->cin = ch->cout = -1;
	ch->sv[1] = ch->a[0] = ch->b[1] = -1; /* the child's ends, closed above */
	if ((ch->pfd_r >= 0 && xio_fd_prepare(ch->pfd_r) < 0) ||
	    (ch->pfd_w >= 0 && ch->pfd_w != ch->pfd_r && xio_fd_prepare(ch->pfd_w) < 0)) {
		xio_fail_errno(op, "fcntl()");
		kill(pid, SIGTERM);
		chan_close(ch);
		return -1;
	}
	struct endpoint *ep = xio_make_endpoint(op, ch->pfd_r, ch->pfd_w, xc->pty ? "pty" : xc->pipes ? "pipe" : "socket");
	if (!ep) {
		kill(pid, SIGTERM);
		return -1;
	}
	ep->child = pid;
	ep->ops = xc->pty ? &exec_pty_ops : &exec_ops;
	if (xc->pty)
		ep->flags |= EPF_PTY_CHILD;
	if (pipe_sized)
		ep->flags |= EPF_PIPE_SIZED;
	static const int sigs[3] = { SIGHUP, SIGINT, SIGQUIT };
	for (int i = 0; i < 3; i++)
		if (xc->fwd[i] && add_forward(op, sigs[i], pid) < 0) {
			endpoint_close(ep);
			return -1;
		}
	xio_finish(op, ep);
	return 0;
}

static int exec_open(struct xio_open *op, enum xkind kind)
{
	struct opt_apply_ctx ctx;
	struct termios tio;
	struct xchild xc = { .fdin = 0, .fdout = 1 };
	char **words = NULL;
	struct xchan ch = { { -1, -1 }, { -1, -1 }, { -1, -1 }, -1, -1, -1, -1 };

	xio_ctx_init(&ctx, op, -1, NULL, &tio);
	if (xio_apply_phases(op, PH_INIT, PH_PREBIGEN, &ctx) < 0)
		return -1;
	bool nofork = false;
	opt_take_bool(&op->opts, OPT_NOFORK, &nofork);
	if (exec_command(op, kind, &xc, &words) < 0)
		return -1;
	if (nofork)
		return exec_in_place(op, kind, &xc, words);

	if (chan_open(op, &xc, &ch) < 0)
		goto fail;
	/* PASTBIGEN */
	if (take_fd_opts(op, &xc) < 0)
		goto fail;
	int pipe_sized = chan_parent_opts(op, &xc, &ch, &ctx);
	if (pipe_sized < 0)
		goto fail;
	/* what the child needs: PASTFORK, LATE, PREEXEC */
	take_child_opts(op, &xc);

	NOTE("forking off child, using %s for %s", xc.pty ? "pty" : xc.pipes ? "pipes" : "socket",
	     op->dir == XIO_RDWR ? "reading and writing" : op->dir == XIO_RDONLY ? "reading" : "writing");
	/* as socat: PID is the relaying process, PPID the listener that forked it (else itself) */
	xc.env_pid = getpid();
	xc.env_ppid = op->g && op->g->session_process ? getppid() : getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		xio_fail_errno(op, "fork()");
		goto fail;
	}
	if (pid == 0) {
		/* the parent's ends are close-on-exec; close them now so the child sees EOF right */
		if (ch.pfd_r >= 0)
			close(ch.pfd_r);
		if (ch.pfd_w >= 0 && ch.pfd_w != ch.pfd_r)
			close(ch.pfd_w);
		run_child(op, kind, &xc, words, ch.cin, ch.cout);
	}
	NOTE("forked off child process %ld", (long)pid);
	addr_free_words(words);
	op->proc_late_done = true; /* chroot, setsid, su...: applied in the child */
	return exec_endpoint(op, &xc, &ch, pid, pipe_sized > 0);

fail:
	addr_free_words(words);
	chan_close(&ch);
	return -1;
}

static int exec_exec_open(struct xio_open *op) { return exec_open(op, XK_EXEC); }
static int system_open(struct xio_open *op) { return exec_open(op, XK_SYSTEM); }
static int shell_open(struct xio_open *op) { return exec_open(op, XK_SHELL); }

#define EXEC_GROUPS (G(FD) | G(FIFO) | G(SOCKET) | G(UNIX) | G(EXEC) | G(FORK) | G(TERMIOS) | G(PTY) | G(PARENT))

const struct xio_handler xio_exec = {
	.name = "EXEC", .usage = ":<command-line>", .min_params = 1, .max_params = 1,
	.groups = EXEC_GROUPS, .dirs = XIO_RDWR, .open = exec_exec_open,
	.help = "run a program (execvp) with its stdin/stdout as the channel",
};
const struct xio_handler xio_system = {
	.name = "SYSTEM", .usage = ":<shell-command>", .min_params = 1, .max_params = 1,
	.groups = EXEC_GROUPS, .dirs = XIO_RDWR, .open = system_open,
	.help = "run a shell command (/bin/sh -c) with its stdin/stdout as the channel",
};
const struct xio_handler xio_shell = {
	.name = "SHELL", .usage = ":<shell-command>", .min_params = 1, .max_params = 1,
	.groups = EXEC_GROUPS | G(SHELL), .dirs = XIO_RDWR, .open = shell_open,
	.help = "run a command with $SHELL (or shell=) -c, stdin/stdout as the channel",
};
