/* The transfer engine: socat's xiotransfer() semantics on an edge-triggered event loop.
 *
 * Per session: two endpoints, two directions (d[0] = a->b "left to right", d[1] = b->a).
 * Every distinct fd is registered once (LOOP_IN|LOOP_OUT|LOOP_RDHUP|LOOP_ET) and has cached
 * readable/writable flags, cleared only when a syscall says EAGAIN (or a short stream read or
 * write proves the kernel buffer was drained/filled; a later arrival raises a new edge).
 * Fds that can't be polled (regular files, /dev/null) are always ready; fairness comes from a
 * per-wakeup budget after which the direction continues from loop_defer.
 *
 * Two data paths per direction:
 *  - splice: plain fds on both ends and nothing to transform. Directly when one end is a
 *    pipe; otherwise through an intermediate pipe from a process-wide pool, held only while
 *    bytes are in it. EINVAL/ENOSYS switch the direction to the buffered path for good,
 *    after the bytes already in the intermediate pipe have been read out of it.
 *  - buffered: read -> escape cut -> readbytes -> line terminators -> sniff -> dump -> write.
 *    The buffer is held only while bytes are in flight (small freelist).
 *
 * Measured (2 vCPU VM, Linux 6.18, noisy: other builds running), -u, 2 GiB, writer and
 * reader children using 1 MiB writes/reads, MB/s of three runs (tests in /tmp/bench2.c style):
 *   pipe -> pipe:  buffered 16K 1062-1284, 64K 1167-1344, 128K 896-1235, 256K 772-999;
 *                  direct splice 1374-2000
 *   sock -> sock:  buffered 16K 1041-1453, 64K 2132-2260, 128K 2303-2492, 256K 2397-2591;
 *                  splice via pooled pipe 1974-3553 (pipe size 64K/256K/1M: ~3200/3300/3400)
 *   dd | X | dd pipeline, 2 GiB: socat -u 480-660, socat -b 65536 830-990, duct buffered
 *   64K 1000-1300, duct splice 1200-1600 (dd-bound).
 * Hence the default step when -b isn't given: 64 KiB for pipes/ttys/files (a pipe holds 64 KiB;
 * bigger buffers only cost cache), 128 KiB when reading a socket; pooled pipes are grown to
 * 256 KiB. -b N is honoured exactly.
 *
 * The engine's files (their shared state and sess_* functions: session_int.h): this one holds
 * the session's life (start, EOF passing and shutdown, timers, children, the end), transfer.c
 * the data path (the pump, both paths, dumps, I/O errors), pool.c the buffers and pipes. */
#include "relay/session_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "relay/capture.h"
#include "relay/rate.h"

#define DEFAULT_BUFSIZE   (64u * 1024u)   /* pipes, ttys, files */
#define DEFAULT_BUFSIZE_SOCK (128u * 1024u)
#define SOCAT_BUFSIZE     8192u
/* After the end: how long a child may take to exit by itself before SIGTERM. */
#define CHILD_EXIT_GRACE      0.1
#define CHILD_CONSUMER_GRACE  1.0
#define DGRAM_MIN         (64u * 1024u)

/* -r/-R files opened for one session (names with expansions) end with it. */
static void close_owned_sniffs(struct relay_config *c)
{
	for (int k = 0; k < 2; k++) {
		if (c->sniff_owned[k] && c->sniff_fd[k] >= 0)
			close(c->sniff_fd[k]);
		if (c->sniff_owned[k])
			c->sniff_fd[k] = -1;
	}
}

void relay_config_defaults(struct relay_config *c)
{
	memset(c, 0, sizeof *c);
	c->bufsize = 0;
	c->closing_timeout = 0.5;
	c->inactivity_timeout = -1;
	c->dir = RELAY_BOTH;
	c->sniff_fd[0] = c->sniff_fd[1] = -1;
}

/* ---- the sessions of this process ---- */

static struct session *sessions;
static size_t nsessions;
static session_closed_fn closed_watcher;
static void *closed_watcher_arg;

size_t session_count(void) { return nsessions; }

void session_foreach(void (*fn)(struct session *s, void *arg), void *arg)
{
	struct session *s = sessions, *nx;
	for (; s; s = nx) {
		nx = s->next;
		fn(s, arg);
	}
}

/* ---- a direction at its end ---- */

void sess_set_eof(struct dir *d)
{
	if (d->eof)
		return;
	d->eof = true;
	logmsg(LOG_N, "socket %d (fd %d) is at EOF", d->srcno, d->rf->fd);
}

/* The source has nothing more to read (a read said 0, or it is known to): nothing is left to
 * drain from it at close either. */
void sess_set_stream_eof(struct dir *d)
{
	d->src->flags |= EPF_RD_EOF;
	sess_set_eof(d);
}

/* ---- timers ---- */

/* A direction waiting out a pacing pause (or for its rate limit) is busy, not idle: neither
 * -t nor -T may end the session meanwhile (OpenBSD nc's -w counts only after its -i sleep). */
static bool pausing(const struct session *s)
{
	return s->d[0].pause_timer || s->d[1].pause_timer || s->d[0].rate_timer || s->d[1].rate_timer;
}

/* Seconds since the last transfer, for the -t and -T timers; a direction that waits on its
 * own (pacing, rate limit) counts as busy. */
static double idle_time(struct session *s)
{
	if (pausing(s))
		sess_activity(s);
	return loop_now() - s->last;
}

static void closing_timer_cb(struct loop *lp, void *arg)
{
	struct session *s = arg;
	s->close_timer = NULL;
	sess_enter(s);
	double idle = idle_time(s);
	if (idle + 1e-4 >= s->cfg.closing_timeout) {
		if (log_enabled(LOG_I))
			logmsg(LOG_I, "closing timeout expired");
		sess_finish(s, 0);
	} else {
		s->close_timer = loop_timer_add(lp, s->cfg.closing_timeout - idle, closing_timer_cb, s);
	}
	sess_leave(s);
}

static void start_closing(struct session *s)
{
	if (s->closing || s->finished)
		return;
	s->closing = true;
	double t = s->cfg.closing_timeout;
	if (t < 0)
		t = 0;
	s->close_timer = loop_timer_add(s->lp, t, closing_timer_cb, s);
}

static void inact_timer_cb(struct loop *lp, void *arg)
{
	struct session *s = arg;
	s->inact_timer = NULL;
	sess_enter(s);
	double idle = idle_time(s);
	if (idle + 1e-4 >= s->cfg.inactivity_timeout) {
		logmsg(LOG_N, "inactivity timeout triggered");
		session_info_end(s->info, "timeout", "no data for the inactivity timeout (-T)");
		sess_finish(s, 0);
	} else {
		s->inact_timer = loop_timer_add(lp, s->cfg.inactivity_timeout - idle, inact_timer_cb, s);
	}
	sess_leave(s);
}

/* From a timer or deferred call: pump d, finalizing the session if that ended it. */
static void pump_now(struct dir *d)
{
	struct session *s = d->s;
	sess_enter(s);
	sess_pump(d);
	sess_leave(s);
}

void sess_ign_timer_cb(struct loop *lp, void *arg)
{
	(void)lp;
	struct dir *d = arg;
	d->ign_timer = NULL;
	d->ign_wait = false;
	d->rf->r = true;
	pump_now(d);
}

/* The pause is over; what follows it counts as new activity (-T, -t). */
static void pause_timer_cb(struct loop *lp, void *arg)
{
	(void)lp;
	struct dir *d = arg;
	d->pause_timer = NULL;
	sess_activity(d->s);
	pump_now(d);
}

void sess_start_pause(struct dir *d, double seconds)
{
	d->pause_timer = loop_timer_add(d->s->lp, seconds, pause_timer_cb, d);
}

static void rate_timer_cb(struct loop *lp, void *arg)
{
	(void)lp;
	struct dir *d = arg;
	d->rate_timer = NULL;
	pump_now(d);
}

/* rate-limit=, --rate-limit: sets what the next read may take (d->room). False when the
 * buckets are empty: reading stops (the cached readiness stays, nothing is lost with the
 * edge-triggered fds) and the timer pumps again. */
bool sess_rate_room(struct dir *d)
{
	d->room = SIZE_MAX;
	if (!d->rate && !d->s->rate_all)
		return true;
	if (d->rate_timer)
		return false;
	double wait;
	d->room = rate_grant(d->rate, d->s->rate_all, (d->src->flags & EPF_DGRAM) != 0, &wait);
	if (d->room > 0)
		return true;
	d->rate_timer = loop_timer_add(d->s->lp, wait, rate_timer_cb, d);
	return false;
}

static void defer_cb(struct loop *lp, void *arg)
{
	(void)lp;
	struct dir *d = arg;
	d->deferred = false;
	pump_now(d);
}

void sess_schedule(struct dir *d)
{
	if (!d->deferred) {
		d->deferred = true;
		loop_defer(d->s->lp, defer_cb, d);
	}
}

/* ---- EOF passing ---- */

static void forget_fd(struct session *s, struct fdst *f)
{
	if (f->registered && f->own_sock && s->finished)
		loop_forget_fd(s->lp, f->fd); /* closed right after: close() unregisters it */
	else if (f->registered)
		loop_del_fd(s->lp, f->fd);
	f->registered = false;
	if (f->oflags >= 0 && f->fd >= 0)
		fcntl(f->fd, F_SETFL, f->oflags);
	f->oflags = -1;
}

static void close_wfd(struct session *s, struct endpoint *ep, struct fdst *wf)
{
	if (ep->wfd < 0 || ep->wfd == ep->rfd)
		return;
	/* Another direction/endpoint still using this fd number? Then keep it. */
	for (int i = 0; i < 2; i++)
		if (s->ep[i]->rfd == ep->wfd || (s->ep[i] != ep && s->ep[i]->wfd == ep->wfd))
			return;
	forget_fd(s, wf);
	if (ep->ops && ep->ops->close) {
		/* The family closes its fds itself (maybe through copies of the number): release
		 * the pipe/socket but keep the fd number valid by putting /dev/null there. */
		int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (nul >= 0) {
			dup3(nul, ep->wfd, O_CLOEXEC);
			close(nul);
		}
	} else {
		close(ep->wfd);
		ep->wfd = -1;
	}
	wf->fd = -1;
}

static void shut_error(struct session *s, int fd, int err)
{
	if (err == EPIPE || err == ECONNRESET) {
		logmsg(LOG_E, "shutdown(%d, 1): %s", fd, strerror(err));
		if (!s->cfg.sloppy)
			sess_finish(s, 1);
	} else if (log_enabled(LOG_I)) {
		logmsg(LOG_I, "shutdown(%d, 1): %s", fd, strerror(err));
	}
}

static void shut_write(struct dir *d)
{
	struct session *s = d->s;
	struct endpoint *ep = d->dst;
	struct fdst *wf = d->wf;
	int fd = ep->wfd;
	if (ep->shut == EP_SHUT_NONE)
		return;
	if (ep->ops && ep->ops->shutdown_write) {
		if (ep->ops->shutdown_write(ep) < 0)
			shut_error(s, fd, errno);
		return;
	}
	if (fd < 0)
		return;
	switch (ep->shut) {
	case EP_SHUT_DEFAULT:
		/* socket: shutdown(SHUT_WR); separate pipe write fd: close it (the reader, e.g. an
		 * EXEC child, sees EOF); files, ttys, devices: nothing */
		if (wf->is_sock) {
			if (shutdown(fd, SHUT_WR) < 0)
				shut_error(s, fd, errno);
		} else if (fd != ep->rfd && wf->is_pipe) {
			close_wfd(s, ep, wf);
		}
		break;
	case EP_SHUT_DOWN:
		if (shutdown(fd, SHUT_WR) < 0 && errno != ENOTSOCK)
			shut_error(s, fd, errno);
		break;
	case EP_SHUT_CLOSE:
		if (fd != ep->rfd)
			close_wfd(s, ep, wf);
		else if (wf->is_sock && shutdown(fd, SHUT_WR) < 0)
			shut_error(s, fd, errno);
		break;
	case EP_SHUT_NULL: {
		ssize_t r = ep->ops && ep->ops->write ? ep->ops->write(ep, "", 0) : write(fd, "", 0);
		if (r < 0 && log_enabled(LOG_I))
			logmsg(LOG_I, "write(%d, \"\", 0): %s", fd, strerror(errno));
		break;
	}
	case EP_SHUT_NONE:
		break;
	}
}

/* Closing ep's fd says "end of data" to the peer as shutdown(SHUT_WR) would: a plain stream
 * socket of our own (nobody else holds it), one fd for both directions, default shutdown. */
static bool close_says_it(const struct endpoint *ep)
{
	return (ep->flags & EPF_SOCKET) && !(ep->flags & EPF_DGRAM) && !ep->ops &&
	       ep->shut == EP_SHUT_DEFAULT && ep->wfd == ep->rfd;
}

/* d has reached EOF and flushed everything. */
void sess_pass_eof(struct dir *d)
{
	struct session *s = d->s;
	if (d->shut)
		return;
	d->shut = true;
	sess_buf_release(d);
	sess_pipe_release(d);
	if (s->cfg.dir != RELAY_BOTH) {
		/* as socat: the write side is shut down (FIN, TLS close_notify) before the end */
		shut_write(d);
		sess_finish(s, 0);
		return;
	}
	struct dir *o = &s->d[!d->n];
	if (d->src->flags & EPF_EOF_ENDS) {
		/* eof-ends (a duct extension): this side's end is the session's end, whatever
		 * the other direction is doing (nc -l: the client left; nc -W: enough was read).
		 * Bytes the other direction has already read are still delivered (nc.openbsd -W
		 * sends them too): it reads nothing more, and ends the session once they are out
		 * or the closing timeout (-t) expires. */
		if (log_enabled(LOG_I))
			logmsg(LOG_I, "EOF on socket %d ends the session (eof-ends)", d->srcno);
		if (o->active && !o->shut && sess_bytes_held(o) > 0) {
			sess_set_eof(o);
			start_closing(s);
			sess_schedule(o);
			return;
		}
		sess_finish(s, 0);
		return;
	}
	if (!o->active || o->shut) {
		/* the session ends now: a socket of ours is closed right away, and close() sends
		 * the same FIN (one syscall less a connection) */
		if (!close_says_it(d->dst))
			shut_write(d);
		sess_finish(s, 0);
		return;
	}
	shut_write(d);
	start_closing(s);
}

/* ---- children ---- */

static void child_end(struct session *s, const char *how, int n)
{
	char t[64];
	snprintf(t, sizeof t, "the child process %s %d", how, n);
	session_info_end(s->info, "error", t);
}

static void child_status(struct session *s, pid_t pid, int st)
{
	if (WIFEXITED(st)) {
		if (WEXITSTATUS(st) != 0) {
			logmsg(LOG_W, "waitpid(): child %ld exited with status %d", (long)pid, WEXITSTATUS(st));
			if (!s->status)
				s->status = 1;
			child_end(s, "exited with status", WEXITSTATUS(st));
		} else if (log_enabled(LOG_I)) {
			logmsg(LOG_I, "waitpid(): child %ld exited with status 0", (long)pid);
		}
	} else if (WIFSIGNALED(st)) {
		logmsg(LOG_W, "waitpid(): child %ld exited on signal %d", (long)pid, WTERMSIG(st));
		if (!s->status)
			s->status = 1;
		child_end(s, "exited on signal", WTERMSIG(st));
	}
}

static void complete(struct session *s);

/* After the session ended: the child exited by itself within its grace time. */
static void child_waited(struct childw *cw, pid_t pid, int st)
{
	struct session *s = cw->s;
	if (cw->grace)
		loop_timer_cancel(s->lp, cw->grace);
	cw->grace = NULL;
	cw->waiting = false;
	if (!cw->signalled)
		child_status(s, pid, st);
	else if (log_enabled(LOG_I)) /* ended by our SIGTERM, or on the EIO or hangup after it */
		logmsg(LOG_I, "waitpid(): child %ld ended after our SIGTERM (%s %d)", (long)pid,
		       WIFSIGNALED(st) ? "signal" : "status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	if (--s->children_waiting == 0)
		complete(s);
}

/* The grace time passed: end the child (socat sends SIGTERM). A child we ended ourselves does
 * not make the session fail, so we stop watching it (the loop reaps it silently). */
static void grace_cb(struct loop *lp, void *arg)
{
	struct childw *cw = arg;
	struct session *s = cw->s;
	cw->grace = NULL;
	cw->waiting = false;
	loop_unwatch_child(lp, cw->pid);
	if (!cw->signalled) {
		if (log_enabled(LOG_I))
			logmsg(LOG_I, "sending SIGTERM to child process %ld", (long)cw->pid);
		kill(cw->pid, SIGTERM);
	}
	if (--s->children_waiting == 0)
		complete(s);
}

static void child_cb(struct loop *lp, pid_t pid, int st, void *arg)
{
	(void)lp;
	struct childw *cw = arg;
	struct session *s = cw->s;
	if (cw->waiting) {
		child_waited(cw, pid, st);
		return;
	}
	s->ep[cw->idx]->child = 0;
	sess_enter(s);
	child_status(s, pid, st);
	start_closing(s);
	sess_leave(s);
}

/* ---- start / end ---- */

/* ep_flags: the EPF_* of the endpoint fd belongs to (EPF_SOCKET, EPF_RD_LATER) */
static struct fdst *fd_state(struct session *s, int fd, bool nopoll, unsigned ep_flags)
{
	for (int i = 0; i < s->nfds; i++) {
		if (s->fds[i].fd == fd) {
			if (nopoll)
				s->fds[i].nopoll = true;
			return &s->fds[i];
		}
	}
	struct fdst *f = &s->fds[s->nfds++];
	memset(f, 0, sizeof *f);
	f->fd = fd;
	f->s = s;
	f->nopoll = nopoll;
	f->oflags = -1;
	f->r = f->w = true; /* find out by trying */
	struct stat st;
	if (ep_flags & EPF_SOCKET) {
		f->is_sock = f->own_sock = true;
		/* registering it (EPOLL_CTL_ADD/MOD) reports input already there; a socket we just
		 * connected has none yet, so trying would cost a read that says EAGAIN (an accepted
		 * one usually has its client's first bytes: reading them now saves a loop round) */
		if (ep_flags & EPF_RD_LATER)
			f->r = nopoll;
	} else if (fstat(fd, &st) == 0) {
		f->is_sock = S_ISSOCK(st.st_mode);
		f->is_pipe = S_ISFIFO(st.st_mode);
		if ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && !(ep_flags & EPF_POLLABLE))
			f->nopoll = true;
	}
	return f;
}

static bool ep_can_read(const struct endpoint *ep)
{
	if (ep->rfd < 0)
		return false;
	return (ep->flags & (EPF_READ | EPF_WRITE)) ? (ep->flags & EPF_READ) != 0 : true;
}

static bool ep_can_write(const struct endpoint *ep)
{
	if (ep->wfd < 0)
		return false;
	return (ep->flags & (EPF_READ | EPF_WRITE)) ? (ep->flags & EPF_WRITE) != 0 : true;
}

static void kick_cb(struct loop *lp, void *arg)
{
	(void)lp;
	struct session *s = arg;
	sess_enter(s);
	if (!s->d[0].active && !s->d[1].active)
		sess_finish(s, 0);
	for (int i = 0; i < 2; i++)
		if (s->d[i].active)
			sess_pump(&s->d[i]);
	sess_leave(s);
}

struct session *session_start(struct loop *lp, const struct relay_config *cfg, struct endpoint *a,
			      struct endpoint *b, session_done_fn done, void *arg)
{
	struct session *s = calloc(1, sizeof *s);
	if (!s) {
		logmsg(LOG_E, "calloc(): %s", strerror(errno));
		endpoint_close(a);
		endpoint_close(b);
		struct relay_config c = *cfg;
		close_owned_sniffs(&c);
		return NULL;
	}
	s->lp = lp;
	s->cfg = *cfg;
	if (cfg->rate_limit)
		s->rate_all = rate_process(cfg->rate_limit);
	if (!s->cfg.bufsize)
		s->cfg.bufsize_explicit = false;
	s->ep[0] = a;
	s->ep[1] = b;
	s->cap = capture_session_new(a, b);
	s->done = done;
	s->arg = arg;
	s->last = loop_now();
	s->info = session_info_new();
	s->info->opened_mono = s->last;
	gettimeofday(&s->info->opened, NULL);

	/* socat shows a one-fd address's fd in both places ([0,0] for STDIN). */
#define FD2(e) ((e)->rfd >= 0 ? (e)->rfd : (e)->wfd), ((e)->wfd >= 0 ? (e)->wfd : (e)->rfd)
	logmsg(LOG_N, "starting data transfer loop with FDs [%d,%d] and [%d,%d]", FD2(a), FD2(b));
#undef FD2

	for (int i = 0; i < 2; i++) {
		struct dir *d = &s->d[i];
		d->s = s;
		d->n = i;
		d->src = s->ep[i];
		d->dst = s->ep[!i];
		d->srcno = i + 1;
		d->pipe[0] = d->pipe[1] = -1;
		d->lastc = -1;
		d->pause_before_write = cfg->pause_before_write[i];
		d->pause_after_write = cfg->pause_after_write[i];
		d->room = SIZE_MAX;
		bool want = cfg->dir == RELAY_BOTH || (cfg->dir == RELAY_LEFT_TO_RIGHT && i == 0) ||
			    (cfg->dir == RELAY_RIGHT_TO_LEFT && i == 1);
		d->active = want && ep_can_read(d->src) && ep_can_write(d->dst);
		if (!d->active)
			continue;
		if (d->src->rate_limit)
			d->rate = rate_new(d->src->rate_limit);
		d->rf = fd_state(s, d->src->rfd, d->src->flags & EPF_RNOPOLL, d->src->flags);
		d->wf = fd_state(s, d->dst->wfd, d->dst->flags & EPF_WNOPOLL, d->dst->flags);
	}
	/* Register fds, make them nonblocking (restored at the end). */
	for (int i = 0; i < s->nfds; i++) {
		struct fdst *f = &s->fds[i];
		/* the socket family makes and accepts its sockets nonblocking */
		int fl = f->own_sock ? O_NONBLOCK : fcntl(f->fd, F_GETFL);
		if (fl >= 0 && !(fl & O_NONBLOCK)) {
			f->oflags = fl;
			fcntl(f->fd, F_SETFL, fl | O_NONBLOCK);
		}
		if (f->nopoll)
			continue;
		if (loop_add_fd(lp, f->fd, LOOP_IN | LOOP_OUT | LOOP_RDHUP | LOOP_ET, sess_fd_cb, f) == 0) {
			f->registered = true;
		} else if (errno == EPERM) {
			f->nopoll = true;
		} else {
			logmsg(LOG_E, "epoll_ctl(%d): %s", f->fd, strerror(errno));
			session_info_end(s->info, "error", strerror(errno));
			s->status = 1;
			s->finished = true;
		}
	}
	for (int i = 0; i < 2; i++) {
		struct dir *d = &s->d[i];
		if (!d->active)
			continue;
		d->stream = !((d->src->flags | d->dst->flags) & EPF_DGRAM);
		d->use_splice = !sess_need_buffered(s, d);
		d->direct = d->use_splice && (d->rf->is_pipe || d->wf->is_pipe);
		if (d->direct && !s->cfg.bufsize_explicit) {
			/* pipe -> pipe/socket: a bigger pipe means fewer wakeups per byte */
			if (d->rf->is_pipe && !(d->src->flags & EPF_PIPE_SIZED))
				sess_grow_pipe(d->rf->fd);
			if (d->wf->is_pipe && !(d->dst->flags & EPF_PIPE_SIZED))
				sess_grow_pipe(d->wf->fd);
		}
		/* Through a pooled pipe a splice step costs two syscalls and pipe pages: for
		 * small request/response traffic read/write is cheaper (keep-alive benchmark:
		 * 15 vs 19 us of CPU a request). Such directions start buffered and switch to
		 * splice at the first read that fills a whole step. */
		if (d->use_splice && !d->direct && !s->cfg.bufsize_explicit) {
			d->use_splice = false;
			d->promote = true;
		}
		size_t step = s->cfg.bufsize;
		/* When the user watches the blocks (-v, -x, -r, -R, --statistics) they are socat's
		 * 8192 bytes, so dumps and counts match socat's; those modes are buffered anyway. */
		if (!step && (s->cfg.dump_text || s->cfg.dump_hex || s->cfg.sniff_fd[0] >= 0 ||
			      s->cfg.sniff_fd[1] >= 0 || s->cfg.statistics))
			step = SOCAT_BUFSIZE;
		if (!step)
			step = d->rf->is_sock ? DEFAULT_BUFSIZE_SOCK : DEFAULT_BUFSIZE;
		if ((d->src->flags & EPF_DGRAM) && !s->cfg.bufsize_explicit && step < DGRAM_MIN)
			step = DGRAM_MIN;
		/* a stream cut into datagrams: socat's 8192-byte blocks, never more than a UDP
		 * datagram can carry (65507) */
		if ((d->dst->flags & EPF_DGRAM) && !(d->src->flags & EPF_DGRAM) && !s->cfg.bufsize_explicit &&
		    step > SOCAT_BUFSIZE)
			step = SOCAT_BUFSIZE;
		d->step = step;
		bool grows = d->dst->lineterm == EP_LT_CRNL_OUT ||
			     (d->dst->lineterm == EP_LT_CRNL && d->src->lineterm != EP_LT_CRNL);
		d->bufcap = grows ? 2 * step + 1 : step;
		if (log_enabled(LOG_D))
			logmsg(LOG_D, "direction %s: %s path, step %zu", i ? "right to left" : "left to right",
			       d->use_splice ? (d->direct ? "direct splice" : "pipe splice") : "buffered", step);
	}
	s->next = sessions;
	if (sessions)
		sessions->prev = s;
	sessions = s;
	nsessions++;

	if (s->cfg.inactivity_timeout >= 0) /* socat 1.8.0.1: -T 0 is zero seconds; < 0 none */
		s->inact_timer = loop_timer_add(lp, s->cfg.inactivity_timeout, inact_timer_cb, s);
	sess_enter(s);
	for (int i = 0; i < 2; i++) {
		if (s->ep[i]->child > 0) {
			s->cw[i] = (struct childw){ s, i };
			loop_watch_child(lp, s->ep[i]->child, child_cb, &s->cw[i]);
		}
	}
	loop_defer(lp, kick_cb, s);
	s->depth--; /* don't finalize from inside session_start; kick_cb will */
	return s;
}

static void stat_lines(const struct session *s)
{
	unsigned long long p0 = s->d[0].packets, b0 = s->d[0].bytes, p1 = s->d[1].packets, b1 = s->d[1].bytes;
	char t[24];
	int pw = snprintf(t, sizeof t, "%llu", p0 > p1 ? p0 : p1);
	int bw = snprintf(t, sizeof t, "%llu", b0 > b1 ? b0 : b1);
	struct log_config *lc = log_cfg();
	enum log_level save = lc->min_level;
	if (lc->min_level > LOG_I)
		lc->min_level = LOG_I;
	logmsg(LOG_I, "STATISTICS: left to right: %*llu packets(s), %*llu byte(s)", pw, p0, bw, b0);
	logmsg(LOG_I, "STATISTICS: right to left: %*llu packets(s), %*llu byte(s)", pw, p1, bw, b1);
	lc->min_level = save;
}

void session_log_statistics(const struct session *s)
{
	logmsg(LOG_W, "statistics are experimental");
	stat_lines(s);
}

void sess_finalize(struct session *s)
{
	struct loop *lp = s->lp;
	s->depth = 1; /* no re-entry */
	loop_defer_cancel(lp, kick_cb, s);
	if (s->close_timer)
		loop_timer_cancel(lp, s->close_timer);
	if (s->inact_timer)
		loop_timer_cancel(lp, s->inact_timer);
	for (int i = 0; i < 2; i++) {
		struct dir *d = &s->d[i];
		loop_defer_cancel(lp, defer_cb, d);
		if (d->ign_timer)
			loop_timer_cancel(lp, d->ign_timer);
		if (d->pause_timer)
			loop_timer_cancel(lp, d->pause_timer);
		if (d->rate_timer)
			loop_timer_cancel(lp, d->rate_timer);
		rate_free(d->rate);
		size_t held = sess_bytes_held(d);
		if (held > 0)
			logmsg(LOG_W, "%zu byte%s read from socket %d %s not written to socket %d: the session ended first",
			       held, held == 1 ? "" : "s", d->srcno, held == 1 ? "was" : "were", 3 - d->srcno);
		if (d->buf) {
			d->off = d->len;
			sess_buf_release(d);
		}
		if (d->pipe[0] >= 0) {
			if (d->pipelen) {
				close(d->pipe[0]);
				close(d->pipe[1]);
				d->pipe[0] = d->pipe[1] = -1;
			} else {
				sess_pipe_put(d->pipe);
			}
		}
	}
	for (int i = 0; i < s->nfds; i++)
		if (s->fds[i].fd >= 0)
			forget_fd(s, &s->fds[i]);
	/* Children still running decide the status only if they end by themselves: a child
	 * that consumes only (-u ... SYSTEM:'cat >f') gets up to 1 s to finish after its EOF,
	 * any other child a moment to finish exiting (its output usually closed because it is
	 * exiting); after that it gets SIGTERM, as in socat. end-close: no signal, no wait. */
	int waiting = 0;
	for (int i = 0; i < 2; i++) {
		struct endpoint *ep = s->ep[i];
		pid_t pid = ep->child;
		if (pid <= 0)
			continue;
		ep->child = 0; /* the session, not endpoint_close(), signals it */
		if (ep->flags & EPF_END_CLOSE) {
			loop_unwatch_child(lp, pid);
			continue;
		}
		if (s->aborted) {
			/* duct itself is ending (a signal): no grace time, nobody waits for it */
			loop_unwatch_child(lp, pid);
			if (log_enabled(LOG_I))
				logmsg(LOG_I, "sending SIGTERM to child process %ld", (long)pid);
			kill(pid, SIGTERM);
			continue;
		}
		struct childw *cw = &s->cw[i];
		cw->pid = pid;
		cw->waiting = true;
		cw->signalled = false;
		/* A child on a pty that is still running gets SIGTERM before the master closes (as
		 * socat): closing first would have it read EIO (or get the hangup as a session
		 * leader) and end on that, failing the session, or act on it meanwhile. One that
		 * is ending by itself (the master read EOF/EIO: its side of the terminal is closed)
		 * or has exited already keeps its own status. */
		siginfo_t si = { .si_pid = 0 };
		if ((ep->flags & EPF_PTY_CHILD) && !(s->d[i].src == ep && s->d[i].eof) &&
		    !(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)) {
			if (log_enabled(LOG_I))
				logmsg(LOG_I, "sending SIGTERM to child process %ld", (long)pid);
			kill(pid, SIGTERM);
			cw->signalled = true;
		}
		cw->grace = loop_timer_add(lp, (ep->flags & EPF_READ) ? CHILD_EXIT_GRACE : CHILD_CONSUMER_GRACE, grace_cb, cw);
		waiting++;
	}
	if (s->cfg.statistics)
		session_log_statistics(s);
	session_info_settle(s->info, s->status, (const struct endpoint *const *)s->ep);
	if (closed_watcher)
		closed_watcher(s, closed_watcher_arg);
	capture_session_end(s->cap);
	s->cap = NULL;
	endpoint_close(s->ep[0]);
	endpoint_close(s->ep[1]);
	s->ep[0] = s->ep[1] = NULL;
	close_owned_sniffs(&s->cfg);
	if (s->prev)
		s->prev->next = s->next;
	else
		sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	nsessions--;
	free(s->dumpbuf);
	s->dumpbuf = NULL;
	s->children_waiting = waiting;
	if (!waiting)
		complete(s);
}

/* s is unlinked and its endpoints are closed; it stays valid during done(). */
static void complete(struct session *s)
{
	if (s->done)
		s->done(s, s->status, s->arg);
	session_info_free(s->info);
	free(s);
}

void session_abort(struct session *s, int status)
{
	if (!s)
		return;
	session_info_end(s->info, "signal", NULL);
	s->aborted = true;
	sess_finish(s, status);
	if (s->depth == 0)
		sess_finalize(s);
}

/* ---- for the watchers (session_info.h) ---- */

void session_watch_close(session_closed_fn fn, void *arg)
{
	closed_watcher = fn;
	closed_watcher_arg = arg;
}

struct session_info *session_info(struct session *s) { return s->info; }

void session_bytes(const struct session *s, unsigned long long out[2])
{
	out[0] = s->d[0].bytes;
	out[1] = s->d[1].bytes;
}

double session_idle(const struct session *s)
{
	double idle = loop_now() - s->last;
	return idle > 0 ? idle : 0;
}

void session_close_now(struct session *s)
{
	session_info_end(s->info, "closed", "closed through the control socket");
	session_abort(s, 0);
}
