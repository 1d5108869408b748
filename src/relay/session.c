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
 * 256 KiB. -b N is honoured exactly. */
#include "relay/session.h"
#include "relay/session_info.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "relay/capture.h"
#include "relay/dump.h"
#include "relay/rate.h"
#include "relay/transform.h"

#define DEFAULT_BUFSIZE   (64u * 1024u)   /* pipes, ttys, files */
#define DEFAULT_BUFSIZE_SOCK (128u * 1024u)
#define SOCAT_BUFSIZE     8192u
/* After the end: how long a child may take to exit by itself before SIGTERM. */
#define CHILD_EXIT_GRACE      0.1
#define CHILD_CONSUMER_GRACE  1.0
#define DGRAM_MIN         (64u * 1024u)
#define BUDGET_STEPS      64
#define BUDGET_BYTES      (256u * 1024u)
#define SPLICE_BUDGET     (1024u * 1024u)
#ifndef PIPE_SIZE
#define PIPE_SIZE         (256u * 1024u)  /* F_SETPIPE_SZ for pooled pipes (best effort) */
#endif
#define BUF_FREELIST      8
#define PIPE_POOL         32

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

/* ---- process-wide buffer freelist and pipe pool ---- */

static unsigned char *buf_free[BUF_FREELIST];
static size_t buf_free_cap[BUF_FREELIST];
static int nbuf_free;

static unsigned char *buf_get(size_t cap)
{
	for (int i = 0; i < nbuf_free; i++) {
		if (buf_free_cap[i] == cap) {
			unsigned char *b = buf_free[i];
			buf_free[i] = buf_free[--nbuf_free];
			buf_free_cap[i] = buf_free_cap[nbuf_free];
			return b;
		}
	}
	/* page aligned: a file opened with o-direct (O_DIRECT) accepts nothing else */
	void *b = NULL;
	return posix_memalign(&b, 4096, cap) == 0 ? b : NULL;
}

static void buf_put(unsigned char *b, size_t cap)
{
	if (!b)
		return;
	if (nbuf_free < BUF_FREELIST) {
		buf_free[nbuf_free] = b;
		buf_free_cap[nbuf_free++] = cap;
	} else {
		free(b);
	}
}

static int pipe_pool[PIPE_POOL][2];
static int npipe_pool;
static size_t pipe_cap = 65536;

static int pipe_get(int p[2])
{
	if (npipe_pool > 0) {
		npipe_pool--;
		p[0] = pipe_pool[npipe_pool][0];
		p[1] = pipe_pool[npipe_pool][1];
		return 0;
	}
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	int sz = fcntl(p[1], F_SETPIPE_SZ, (int)PIPE_SIZE);
	if (sz > 0 && (size_t)sz > pipe_cap)
		pipe_cap = (size_t)sz;
	return 0;
}

/* A pipe at an end of a direct splice: up to PIPE_SIZE (best effort, never shrunk). */
static void grow_pipe(int fd)
{
	if (fcntl(fd, F_GETPIPE_SZ) < (int)PIPE_SIZE)
		(void)fcntl(fd, F_SETPIPE_SZ, (int)PIPE_SIZE);
}

/* Only empty pipes go back to the pool. */
static void pipe_put(int p[2])
{
	if (p[0] < 0)
		return;
	if (npipe_pool < PIPE_POOL) {
		pipe_pool[npipe_pool][0] = p[0];
		pipe_pool[npipe_pool][1] = p[1];
		npipe_pool++;
	} else {
		close(p[0]);
		close(p[1]);
	}
	p[0] = p[1] = -1;
}

/* ---- session structures ---- */

struct fdst {
	int fd;
	bool r, w;       /* cached readiness */
	bool hup;        /* RDHUP/HUP seen: don't trust short reads as "drained" */
	bool rdhup;      /* LOOP_RDHUP without an error: the peer's FIN is in, behind the data */
	bool nopoll;
	bool registered;
	bool is_sock, is_pipe;
	bool own_sock;   /* EPF_SOCKET: closed with its endpoint, nobody else holds it */
	int oflags;      /* file status flags before we set O_NONBLOCK, -1: untouched */
	struct session *s;
};

struct dir {
	struct session *s;
	int n;                 /* 0: a->b, 1: b->a */
	bool active;
	struct endpoint *src, *dst;
	struct fdst *rf, *wf;
	int srcno;             /* socket number of the source in messages (1 or 2) */
	bool eof;              /* no more input */
	bool eof_next;         /* the input is known to end after the bytes read so far */
	bool shut;             /* EOF handed on to dst */
	bool ign_wait;         /* ignoreeof: waiting for the 1 s re-poll */
	struct loop_timer *ign_timer;
	struct loop_timer *pause_timer; /* pacing (pause_before/after_write): nothing moves until it fires */
	double pause_before_write, pause_after_write; /* this direction's share of the config */
	struct rate_bucket *rate;      /* rate-limit= on the source, NULL: none */
	struct loop_timer *rate_timer; /* the buckets are empty: reading waits until it fires */
	size_t room;                   /* what the buckets allow the next read (SIZE_MAX: no limit) */
	bool deferred;
	bool use_splice, direct, stream;
	bool promote;          /* socket->socket: starts buffered, splices once a read fills
				  the whole step (bulk); small messages stay on read/write */
	bool last_full;        /* the last read filled the step */
	unsigned char *buf;
	size_t bufcap, off, len;
	size_t step;           /* max bytes per read/splice */
	int pipe[2];
	size_t pipelen;
	int lastc;             /* crnl-out: last byte written on, -1 at the start */
	unsigned long long nread, dumpoff, packets, bytes;
	unsigned long long data_reads; /* reads that returned data, for readpackets */
};

struct childw {
	struct session *s;
	int idx;
	pid_t pid;                 /* set once the session has ended and waits for the child */
	struct loop_timer *grace;  /* then: SIGTERM when it fires */
	bool waiting;
	bool signalled;            /* we sent it SIGTERM at the end (pty child): its death is ours */
};

struct session {
	struct loop *lp;
	struct relay_config cfg;
	struct endpoint *ep[2];
	struct dir d[2];
	struct fdst fds[4];
	int nfds;
	struct childw cw[2];
	session_done_fn done;
	void *arg;
	int status;
	int depth;
	int children_waiting;      /* after the end: children we give a moment before done() */
	bool finished, closing;
	bool aborted;              /* session_abort(): the process is ending, children get SIGTERM now */
	double last;
	double closing_deadline_t;
	struct loop_timer *close_timer, *inact_timer;
	struct rate_bucket *rate_all; /* --rate-limit, shared by the process's sessions; NULL: none */
	char *dumpbuf;
	size_t dumpcap;
	struct session_info info;  /* for the session log and the control socket */
	struct capture_session *cap; /* --pcap: this session's legs, NULL: none */
	struct session *prev, *next;
};

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

static void finalize(struct session *s);
static void pump(struct dir *d);

static void finish(struct session *s, int status)
{
	if (status && !s->status)
		s->status = status;
	s->finished = true;
}

static inline void enter(struct session *s) { s->depth++; }
static inline void leave(struct session *s)
{
	if (--s->depth == 0 && s->finished)
		finalize(s);
}

static inline void activity(struct session *s)
{
	double t = loop_woke_at(); /* older than s->last if the session started after the wakeup */
	if (t > s->last)
		s->last = t;
}

/* ---- helpers ---- */

static bool rready(const struct dir *d)
{
	if (d->rf->r || d->rf->nopoll)
		return true;
	const struct endpoint_ops *o = d->src->ops;
	if (o && o->pending && o->pending(d->src) > 0)
		return true;
	return false;
}

static void buf_release(struct dir *d)
{
	if (d->buf && d->off >= d->len) {
		buf_put(d->buf, d->bufcap);
		d->buf = NULL;
		d->off = d->len = 0;
	}
}

/* Bytes read from d's source and not yet written to its destination. */
static size_t bytes_held(const struct dir *d)
{
	return (d->len > d->off ? d->len - d->off : 0) + d->pipelen;
}

static void pipe_release(struct dir *d)
{
	if (d->pipe[0] >= 0 && d->pipelen == 0)
		pipe_put(d->pipe);
}

static void schedule(struct dir *d);

static void set_eof(struct dir *d)
{
	if (d->eof)
		return;
	d->eof = true;
	logmsg(LOG_N, "socket %d (fd %d) is at EOF", d->srcno, d->rf->fd);
}

/* The source has nothing more to read (a read said 0, or it is known to): nothing is left to
 * drain from it at close either. */
static void set_stream_eof(struct dir *d)
{
	d->src->flags |= EPF_RD_EOF;
	set_eof(d);
}

/* n bytes read in one call: the readbytes= and readpackets= limits (buffered and spliced). */
static void count_read(struct dir *d, size_t n)
{
	d->nread += n;
	rate_spend(d->rate, d->s->rate_all, n);
	if (d->src->readbytes && d->nread >= d->src->readbytes)
		set_eof(d);
	if (d->src->readpackets && ++d->data_reads >= d->src->readpackets)
		set_eof(d);
}

static void write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL); /* stderr/sniff file set nonblocking by someone else */
			continue;
		}
		if (w <= 0)
			return;
		c += w;
		n -= (size_t)w;
	}
}

static void do_dump(struct dir *d, const unsigned char *p, size_t n)
{
	struct session *s = d->s;
	int mode = (s->cfg.dump_text ? DUMP_TEXT : 0) | (s->cfg.dump_hex ? DUMP_HEX : 0);
	if (!mode)
		return;
	size_t need = dump_bound(n);
	if (need > s->dumpcap) {
		char *nb = realloc(s->dumpbuf, need);
		if (!nb)
			return;
		s->dumpbuf = nb;
		s->dumpcap = need;
	}
	struct timeval tv;
	gettimeofday(&tv, NULL);
	size_t len = dump_format(s->dumpbuf, p, n, d->n == 1, d->dumpoff, &tv, mode);
	d->dumpoff += n;
	write_all(2, s->dumpbuf, len);
}

/* What the front end makes of an I/O error on address idx's side (relay_config.io_error). */
static enum relay_io_verdict io_verdict(const struct session *s, int idx, bool writing, int err)
{
	return s->cfg.io_error ? s->cfg.io_error(s->cfg.io_error_arg, idx, writing, err) : RELAY_IO_DEFAULT;
}

/* A read or write error that ends the session, for its watchers */
static void io_end(struct session *s, int err)
{
	session_info_end(&s->info, err == ECONNRESET || err == EPIPE ? "reset" : "error", strerror(err));
}

/* A read-side error: logged as socat does; under -s it's EOF instead. */
static void read_error(struct dir *d, int err, const void *bufp, size_t len)
{
	struct session *s = d->s;
	enum relay_io_verdict v = io_verdict(s, d->srcno, false, err);
	if (v == RELAY_IO_REPORTED)
		io_end(s, err);
	if (v == RELAY_IO_EOF) {
		d->src->flags |= EPF_RD_EOF;
		d->eof = true;
		schedule(d); /* the caller stops here; no new edge will come to pass the EOF on */
		return;
	}
	if (v == RELAY_IO_REPORTED) {
		finish(s, 1);
		return;
	}
	logmsg(LOG_E, "read(%d, %p, %zu): %s", d->rf->fd, bufp, len, strerror(err));
	if (s->cfg.sloppy) {
		logmsg(LOG_N, "socket %d to socket %d is in error", d->srcno, 3 - d->srcno);
		d->eof = true;
		schedule(d);
		return;
	}
	io_end(s, err);
	finish(s, 1);
}

/* Nothing more can reach d's destination: forget the bytes read for it. */
static void drop_pending(struct dir *d)
{
	d->off = d->len;
	d->pipelen = 0;
	if (d->pipe[0] >= 0) {
		close(d->pipe[0]);
		close(d->pipe[1]);
		d->pipe[0] = d->pipe[1] = -1;
	}
}

static void write_error(struct dir *d, int err, const void *bufp, size_t len)
{
	struct session *s = d->s;
	if (s->cfg.out_gone_ends[d->n] && err == EPIPE && bytes_held(d) == 0) {
		/* the reader went before anything was lost (a splice tried before the error
		 * was polled): as the hangup would have ended it */
		if (log_enabled(LOG_I))
			logmsg(LOG_I, "fd %d: %s: socket %d to socket %d ends", d->wf->fd, strerror(err),
			       d->srcno, 3 - d->srcno);
		d->eof = true;
		schedule(d);
		return;
	}
	enum relay_io_verdict v = io_verdict(s, 3 - d->srcno, true, err);
	if (v == RELAY_IO_REPORTED) {
		io_end(s, err);
		finish(s, 1);
		return;
	}
	bool cool = v == RELAY_IO_DEFAULT && (d->dst->flags & EPF_COOL_WRITE) && (err == EPIPE || err == ECONNRESET);
	if (v == RELAY_IO_DEFAULT)
		logmsg(cool ? LOG_N : LOG_E, "write(%d, %p, %zu): %s", d->wf->fd, bufp, len, strerror(err));
	if (s->cfg.sloppy || cool || v == RELAY_IO_EOF) {
		if (v == RELAY_IO_DEFAULT)
			logmsg(LOG_N, "socket %d to socket %d is in error", d->srcno, 3 - d->srcno);
		/* nothing more can be delivered: drop what's pending and stop this direction */
		drop_pending(d);
		d->eof = true;
		schedule(d);
		return;
	}
	io_end(s, err);
	finish(s, 1);
}

/* ---- timers ---- */

/* A direction waiting out a pacing pause (or for its rate limit) is busy, not idle: neither
 * -t nor -T may end the session meanwhile (OpenBSD nc's -w counts only after its -i sleep). */
static bool pausing(const struct session *s)
{
	return s->d[0].pause_timer || s->d[1].pause_timer || s->d[0].rate_timer || s->d[1].rate_timer;
}

static void closing_timer_cb(struct loop *lp, void *arg)
{
	struct session *s = arg;
	s->close_timer = NULL;
	enter(s);
	if (pausing(s))
		activity(s);
	double idle = loop_now() - s->last;
	if (idle + 1e-4 >= s->cfg.closing_timeout) {
		if (log_enabled(LOG_I))
			logmsg(LOG_I, "closing timeout expired");
		finish(s, 0);
	} else {
		s->close_timer = loop_timer_add(lp, s->cfg.closing_timeout - idle, closing_timer_cb, s);
	}
	leave(s);
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
	enter(s);
	if (pausing(s))
		activity(s);
	double idle = loop_now() - s->last;
	if (idle + 1e-4 >= s->cfg.inactivity_timeout) {
		logmsg(LOG_N, "inactivity timeout triggered");
		session_info_end(&s->info, "timeout", "no data for the inactivity timeout (-T)");
		finish(s, 0);
	} else {
		s->inact_timer = loop_timer_add(lp, s->cfg.inactivity_timeout - idle, inact_timer_cb, s);
	}
	leave(s);
}

/* From a timer or deferred call: pump d, finalizing the session if that ended it. */
static void pump_now(struct dir *d)
{
	struct session *s = d->s;
	enter(s);
	pump(d);
	leave(s);
}

static void ign_timer_cb(struct loop *lp, void *arg)
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
	activity(d->s);
	pump_now(d);
}

static void start_pause(struct dir *d, double seconds)
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
static bool rate_room(struct dir *d)
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

static void schedule(struct dir *d)
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
			finish(s, 1);
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
static void pass_eof(struct dir *d)
{
	struct session *s = d->s;
	if (d->shut)
		return;
	d->shut = true;
	buf_release(d);
	pipe_release(d);
	if (s->cfg.dir != RELAY_BOTH) {
		/* as socat: the write side is shut down (FIN, TLS close_notify) before the end */
		shut_write(d);
		finish(s, 0);
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
		if (o->active && !o->shut && bytes_held(o) > 0) {
			set_eof(o);
			start_closing(s);
			schedule(o);
			return;
		}
		finish(s, 0);
		return;
	}
	if (!o->active || o->shut) {
		/* the session ends now: a socket of ours is closed right away, and close() sends
		 * the same FIN (one syscall less a connection) */
		if (!close_says_it(d->dst))
			shut_write(d);
		finish(s, 0);
		return;
	}
	shut_write(d);
	start_closing(s);
}

/* ---- buffered path ---- */

static bool need_buffered(const struct session *s, const struct dir *d)
{
	const struct endpoint *src = d->src, *dst = d->dst;
	if (s->cfg.nosplice || s->cfg.dump_text || s->cfg.dump_hex || s->cfg.sniff_fd[d->n] >= 0 || capture_on())
		return true;
	if (d->pause_before_write > 0 || d->pause_after_write > 0)
		return true; /* a pause needs a block between its read and its write */
	if ((src->ops && src->ops->read) || (dst->ops && dst->ops->write))
		return true;
	if ((src->flags | dst->flags) & (EPF_DGRAM | EPF_NOSPLICE))
		return true;
	if (xform_lt_in(src->lineterm) != dst->lineterm || src->escape >= 0)
		return true;
	if (d->rf->fd == d->wf->fd)
		return true;
	return false;
}

/* Returns bytes now pending (>0), 0 when EOF was reached, -1 to stop (blocked, error),
 * -2 to go round again (nothing to write). */
static ssize_t fill_buf(struct dir *d)
{
	struct session *s = d->s;
	struct endpoint *src = d->src;
	bool from_pipe = d->pipelen > 0; /* leftovers of the splice path */
	if ((!from_pipe && !rready(d)) || (!d->wf->w && !d->wf->nopoll)) {
		buf_release(d); /* nothing in flight: an idle session holds no buffer */
		return -1;
	}
	if (!d->buf) {
		d->buf = buf_get(d->bufcap);
		if (!d->buf) {
			logmsg(LOG_E, "malloc(%zu): %s", d->bufcap, strerror(ENOMEM));
			finish(s, 1);
			return -1;
		}
	}
	size_t want = d->step;
	if (from_pipe) {
		if (want > d->pipelen)
			want = d->pipelen;
		ssize_t n = read(d->pipe[0], d->buf, want);
		if (n <= 0) { /* can't happen; don't spin */
			d->pipelen = 0;
			pipe_release(d);
			return -2;
		}
		d->pipelen -= (size_t)n;
		pipe_release(d);
		d->off = 0;
		d->len = (size_t)n;
		return n;
	}
	if (src->readbytes) {
		unsigned long long left = src->readbytes - d->nread;
		if (left < want)
			want = (size_t)left;
	}
	if (want > d->room)
		want = d->room;
	ssize_t n;
	if (src->ops && src->ops->read)
		n = src->ops->read(src, d->buf, want);
	else
		n = read(d->rf->fd, d->buf, want);
	if (n < 0) {
		int e = errno;
		if (e == EAGAIN || e == EWOULDBLOCK) {
			d->rf->r = false;
			buf_release(d);
			return -1;
		}
		if (e == EINTR)
			return -2;
		read_error(d, e, d->buf, want);
		buf_release(d);
		return -1;
	}
	bool dgram = src->flags & EPF_DGRAM;
	if (n == 0) {
		if (dgram && !(src->flags & EPF_NULL_EOF) && !(src->flags & EPF_ONESHOT)) {
			if (log_enabled(LOG_D))
				logmsg(LOG_D, "ignoring empty datagram on fd %d", d->rf->fd);
			return -2;
		}
		buf_release(d);
		if ((src->flags & EPF_IGNOREEOF) && !dgram) {
			if (log_enabled(LOG_D))
				logmsg(LOG_D, "socket %d (fd %d): ignoring EOF", d->srcno, d->rf->fd);
			d->ign_wait = true;
			d->ign_timer = loop_timer_add(s->lp, 1.0, ign_timer_cb, d);
			return -1;
		}
		set_stream_eof(d);
		return 0;
	}
	if (d->stream && (size_t)n < want && !src->ops) {
		if (!d->rf->hup && !d->rf->nopoll)
			d->rf->r = false; /* drained; the next arrival raises a new edge */
		/* The peer's FIN had arrived before this read (LOOP_RDHUP), and a short read empties
		 * a stream socket's queue: the next read could only return 0. Saving it also lets
		 * the last write carry our FIN along (MSG_MORE in flush_buf): on a connection that
		 * ends with a reply and a close, one system call and one packet less. */
		if (d->rf->rdhup && d->rf->is_sock && !(src->flags & EPF_IGNOREEOF))
			d->eof_next = true;
	}
	d->last_full = d->promote && (size_t)n == want;
	activity(s);
	size_t len = (size_t)n;
	if (src->escape >= 0) {
		unsigned char *p = memchr(d->buf, src->escape, len);
		if (p) {
			len = (size_t)(p - d->buf);
			set_eof(d);
		}
	}
	count_read(d, (size_t)n);
	if (src->flags & EPF_ONESHOT)
		set_eof(d);
	if (d->dst->lineterm == EP_LT_CRNL_OUT) {
		len = xform_lineterm(d->buf, len, src->lineterm, EP_LT_RAW);
		len = xform_crnl_out(d->buf, len, &d->lastc);
	} else if (xform_lt_in(src->lineterm) != d->dst->lineterm) {
		len = xform_lineterm(d->buf, len, src->lineterm, d->dst->lineterm);
	}
	if (len == 0) {
		buf_release(d);
		return -2;
	}
	if (s->cfg.sniff_fd[d->n] >= 0)
		write_all(s->cfg.sniff_fd[d->n], d->buf, len);
	if (s->cfg.dump_text || s->cfg.dump_hex)
		do_dump(d, d->buf, len);
	capture_session_data(s->cap, d->n, d->buf, len);
	d->off = 0;
	d->len = len;
	return (ssize_t)len;
}

/* socat's info line per block moved (-d -d -d); nothing on the hot path otherwise. */
static inline void log_transferred(const struct dir *d, size_t n)
{
	if (log_enabled(LOG_I))
		logmsg(LOG_I, "transferred %zu bytes from %d to %d", n, d->rf->fd, d->wf->fd);
}

/* The source ends after these bytes and our FIN goes out right after them (pump -> pass_eof
 * -> shutdown or close; not after a pacing pause): let it ride on them (MSG_MORE). */
static bool fin_follows(const struct dir *d)
{
	const struct endpoint *dst = d->dst;
	return d->eof_next && d->wf->own_sock && !(dst->flags & EPF_DGRAM) && dst->shut == EP_SHUT_DEFAULT &&
	       d->pause_after_write <= 0;
}

/* 1: all written; -1: blocked or error. */
static int flush_buf(struct dir *d)
{
	struct session *s = d->s;
	struct endpoint *dst = d->dst;
	while (d->off < d->len) {
		if (!d->wf->w && !d->wf->nopoll)
			return -1;
		size_t want = d->len - d->off;
		ssize_t n;
		if (dst->ops && dst->ops->write)
			n = dst->ops->write(dst, d->buf + d->off, want);
		else if (fin_follows(d))
			n = send(d->wf->fd, d->buf + d->off, want, MSG_MORE);
		else
			n = write(d->wf->fd, d->buf + d->off, want);
		if (n < 0) {
			int e = errno;
			if (e == EAGAIN || e == EWOULDBLOCK) {
				d->wf->w = false;
				return -1;
			}
			if (e == EINTR)
				continue;
			write_error(d, e, d->buf + d->off, want);
			return -1;
		}
		d->off += (size_t)n;
		d->bytes += (size_t)n;
		activity(s);
		if ((size_t)n < want && d->stream && !d->wf->nopoll && !dst->ops)
			d->wf->w = false; /* kernel buffer full; LOOP_OUT will follow */
	}
	d->packets++;
	log_transferred(d, d->len);
	d->off = d->len = 0;
	return 1;
}

/* ---- splice path ---- */

static void splice_fallback(struct dir *d, int err)
{
	if (log_enabled(LOG_I))
		logmsg(LOG_I, "splice() on fds %d->%d: %s; using read()/write()", d->rf->fd, d->wf->fd,
		       strerror(err));
	d->use_splice = false;
	d->direct = false;
	d->promote = false;
	pipe_release(d);
}

static size_t splice_want(struct dir *d)
{
	size_t want = d->s->cfg.bufsize_explicit ? d->step : (d->direct ? SPLICE_BUDGET / 4 : pipe_cap);
	if (d->src->readbytes) {
		unsigned long long left = d->src->readbytes - d->nread;
		if (left < want)
			want = (size_t)left;
	}
	return want < d->room ? want : d->room;
}

/* Direct: one end is a pipe. Returns bytes moved, 0 on EOF, -1 stop, -2 again. */
static ssize_t splice_direct(struct dir *d)
{
	struct session *s = d->s;
	if (!rready(d) || (!d->wf->w && !d->wf->nopoll))
		return -1;
	size_t want = splice_want(d);
	ssize_t n = splice(d->rf->fd, NULL, d->wf->fd, NULL, want, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n < 0) {
		int e = errno;
		if (e == EAGAIN) {
			/* Either side may be the reason. Ask both for their state now (a guess,
			 * e.g. from FIONREAD, can lose a wakeup when data arrives meanwhile); any
			 * later change raises a new edge. */
			if (d->rf->nopoll) {
				d->wf->w = false;
			} else if (d->wf->nopoll) {
				d->rf->r = false;
			} else {
				struct pollfd pf[2] = { { .fd = d->rf->fd, .events = POLLIN },
							{ .fd = d->wf->fd, .events = POLLOUT } };
				if (poll(pf, 2, 0) < 0)
					pf[0].revents = pf[1].revents = 0;
				d->rf->r = pf[0].revents != 0;
				d->wf->w = pf[1].revents != 0;
				if (d->rf->r && d->wf->w)
					return -2; /* changed meanwhile: try again (counts as a step) */
			}
			return -1;
		}
		if (e == EINTR)
			return -2;
		if (e == EINVAL || e == ENOSYS || e == EOPNOTSUPP) {
			splice_fallback(d, e);
			return -2;
		}
		if (e == EPIPE)
			write_error(d, e, NULL, want);
		else
			read_error(d, e, NULL, want);
		return -1;
	}
	if (n == 0) {
		if (d->src->flags & EPF_IGNOREEOF) {
			d->ign_wait = true;
			d->ign_timer = loop_timer_add(s->lp, 1.0, ign_timer_cb, d);
			return -1;
		}
		set_stream_eof(d);
		return 0;
	}
	activity(s);
	d->bytes += (size_t)n;
	d->packets++;
	log_transferred(d, (size_t)n);
	count_read(d, (size_t)n);
	return n;
}

/* Intermediate pipe, fill step (only called with the pipe empty). */
static ssize_t splice_fill(struct dir *d)
{
	struct session *s = d->s;
	if (!rready(d) || (!d->wf->w && !d->wf->nopoll))
		return -1;
	if (d->pipe[0] < 0 && pipe_get(d->pipe) < 0) {
		splice_fallback(d, errno);
		return -2;
	}
	size_t want = splice_want(d);
	ssize_t n = splice(d->rf->fd, NULL, d->pipe[1], NULL, want, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n < 0) {
		int e = errno;
		if (e == EAGAIN) {
			d->rf->r = false;
			pipe_release(d);
			return -1;
		}
		if (e == EINTR)
			return -2;
		if (e == EINVAL || e == ENOSYS || e == EOPNOTSUPP) {
			splice_fallback(d, e);
			return -2;
		}
		read_error(d, e, NULL, want);
		pipe_release(d);
		return -1;
	}
	if (n == 0) {
		pipe_release(d);
		if (d->src->flags & EPF_IGNOREEOF) {
			d->ign_wait = true;
			d->ign_timer = loop_timer_add(s->lp, 1.0, ign_timer_cb, d);
			return -1;
		}
		set_stream_eof(d);
		return 0;
	}
	/* A short splice does not mean the socket is drained (a short read would): the pipe runs
	 * out of slots first when the data sits in many small fragments. Waiting for an LOOP_IN
	 * edge then can wait for ever: if what is left fills the receive window, the sender stops,
	 * and the little we took may not reopen the window; nothing new arrives, no edge comes
	 * (1 GiB TCP -> UNIX stalled until the sender's zero-window probes, minutes under ASan).
	 * Only EAGAIN says the socket is empty. */
	activity(s);
	d->pipelen = (size_t)n;
	count_read(d, (size_t)n);
	return n;
}

/* Intermediate pipe, drain step: 1 drained, -1 blocked/error, -2 switched to buffered. */
static int splice_flush(struct dir *d)
{
	struct session *s = d->s;
	while (d->pipelen > 0) {
		if (!d->wf->w && !d->wf->nopoll)
			return -1;
		ssize_t n = splice(d->pipe[0], NULL, d->wf->fd, NULL, d->pipelen,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0) {
			int e = errno;
			if (e == EAGAIN) {
				d->wf->w = false;
				return -1;
			}
			if (e == EINTR)
				continue;
			if (e == EINVAL || e == ENOSYS || e == EOPNOTSUPP) {
				/* the bytes in the pipe are drained by fill_buf */
				splice_fallback(d, e);
				return -2;
			}
			write_error(d, e, NULL, d->pipelen);
			return -1;
		}
		if (n == 0)
			return -1;
		d->pipelen -= (size_t)n;
		d->bytes += (size_t)n;
		d->packets++;
		log_transferred(d, (size_t)n);
		activity(s);
	}
	pipe_release(d);
	return 1;
}

/* ---- the pump ---- */

static void pump(struct dir *d)
{
	struct session *s = d->s;
	if (!d->active || d->shut)
		return;
	unsigned steps = 0;
	size_t bytes = 0;
	size_t budget = d->use_splice ? SPLICE_BUDGET : BUDGET_BYTES;
	while (!s->finished) {
		if (d->pause_timer)
			return; /* pacing: the timer pumps again */
		/* 1. pending bytes first (back-pressure: no reading while they wait) */
		if (d->use_splice && d->pipelen > 0) {
			int r = splice_flush(d);
			if (r == -1)
				return;
			continue;
		}
		if (!d->use_splice && d->off < d->len) {
			if (flush_buf(d) < 0)
				return;
			if (d->pause_after_write > 0)
				start_pause(d, d->pause_after_write);
			continue;
		}
		if (d->promote && d->last_full && !d->use_splice) {
			buf_release(d);
			d->use_splice = true;
			d->promote = false;
			budget = SPLICE_BUDGET;
		}
		if (d->eof_next && !d->eof && d->off >= d->len)
			set_stream_eof(d);
		if (d->eof) {
			if (d->pipelen == 0) {
				pass_eof(d);
				return;
			}
		} else if (d->ign_wait) {
			return;
		}
		if (steps >= BUDGET_STEPS || bytes >= budget) {
			schedule(d);
			return;
		}
		if (!rate_room(d))
			return;
		ssize_t n;
		if (!d->use_splice)
			n = fill_buf(d);
		else if (d->direct)
			n = splice_direct(d);
		else
			n = splice_fill(d);
		if (n == -1)
			return;
		if (n > 0 && d->pause_before_write > 0)
			start_pause(d, d->pause_before_write);
		steps++;
		if (n > 0)
			bytes += (size_t)n;
	}
}

static void fd_cb(struct loop *lp, int fd, uint32_t ev, void *arg)
{
	(void)lp;
	(void)fd;
	struct fdst *f = arg;
	struct session *s = f->s;
	if (ev & (LOOP_IN | LOOP_HUP | LOOP_ERR | LOOP_RDHUP))
		f->r = true;
	if (ev & (LOOP_OUT | LOOP_HUP | LOOP_ERR))
		f->w = true;
	if (ev & (LOOP_HUP | LOOP_RDHUP | LOOP_ERR))
		f->hup = true;
	if ((ev & (LOOP_RDHUP | LOOP_ERR)) == LOOP_RDHUP)
		f->rdhup = true;
	enter(s);
	if (ev & (LOOP_HUP | LOOP_ERR)) {
		/* out_gone_ends: a write-only destination that reports an error or hangup ends
		 * its direction now (nc: stdout's reader has gone) */
		for (int i = 0; i < 2; i++) {
			struct dir *d = &s->d[i];
			if (d->active && !d->shut && !d->eof && d->wf == f && d->rf != f &&
			    s->d[!i].rf != f && s->cfg.out_gone_ends[i]) {
				if (log_enabled(LOG_I))
					logmsg(LOG_I, "fd %d is in error or hung up: socket %d to socket %d ends",
					       f->fd, d->srcno, 3 - d->srcno);
				drop_pending(d);
				d->eof = true;
			}
		}
	}
	for (int i = 0; i < 2; i++) {
		struct dir *d = &s->d[i];
		if (d->active && (d->rf == f || d->wf == f))
			pump(d);
	}
	leave(s);
}

/* ---- children ---- */

static void child_end(struct session *s, const char *how, int n)
{
	char t[64];
	snprintf(t, sizeof t, "the child process %s %d", how, n);
	session_info_end(&s->info, "error", t);
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
	enter(s);
	child_status(s, pid, st);
	start_closing(s);
	leave(s);
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
	enter(s);
	if (!s->d[0].active && !s->d[1].active)
		finish(s, 0);
	for (int i = 0; i < 2; i++)
		if (s->d[i].active)
			pump(&s->d[i]);
	leave(s);
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
	s->info.opened_mono = s->last;
	gettimeofday(&s->info.opened, NULL);

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
		if (loop_add_fd(lp, f->fd, LOOP_IN | LOOP_OUT | LOOP_RDHUP | LOOP_ET, fd_cb, f) == 0) {
			f->registered = true;
		} else if (errno == EPERM) {
			f->nopoll = true;
		} else {
			logmsg(LOG_E, "epoll_ctl(%d): %s", f->fd, strerror(errno));
			session_info_end(&s->info, "error", strerror(errno));
			s->status = 1;
			s->finished = true;
		}
	}
	for (int i = 0; i < 2; i++) {
		struct dir *d = &s->d[i];
		if (!d->active)
			continue;
		d->stream = !((d->src->flags | d->dst->flags) & EPF_DGRAM);
		d->use_splice = !need_buffered(s, d);
		d->direct = d->use_splice && (d->rf->is_pipe || d->wf->is_pipe);
		if (d->direct && !s->cfg.bufsize_explicit) {
			/* pipe -> pipe/socket: a bigger pipe means fewer wakeups per byte */
			if (d->rf->is_pipe && !(d->src->flags & EPF_PIPE_SIZED))
				grow_pipe(d->rf->fd);
			if (d->wf->is_pipe && !(d->dst->flags & EPF_PIPE_SIZED))
				grow_pipe(d->wf->fd);
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
	enter(s);
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

static void finalize(struct session *s)
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
		size_t held = bytes_held(d);
		if (held > 0)
			logmsg(LOG_W, "%zu byte%s read from socket %d %s not written to socket %d: the session ended first",
			       held, held == 1 ? "" : "s", d->srcno, held == 1 ? "was" : "were", 3 - d->srcno);
		if (d->buf) {
			d->off = d->len;
			buf_release(d);
		}
		if (d->pipe[0] >= 0) {
			if (d->pipelen) {
				close(d->pipe[0]);
				close(d->pipe[1]);
				d->pipe[0] = d->pipe[1] = -1;
			} else {
				pipe_put(d->pipe);
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
	session_info_settle(&s->info, s->status, (const struct endpoint *const *)s->ep);
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
	free(s);
}

void session_abort(struct session *s, int status)
{
	if (!s)
		return;
	session_info_end(&s->info, "signal", NULL);
	s->aborted = true;
	finish(s, status);
	if (s->depth == 0)
		finalize(s);
}

/* ---- for the watchers (session_info.h) ---- */

void session_watch_close(session_closed_fn fn, void *arg)
{
	closed_watcher = fn;
	closed_watcher_arg = arg;
}

struct session_info *session_info(struct session *s) { return &s->info; }

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
	session_info_end(&s->info, "closed", "closed through the control socket");
	session_abort(s, 0);
}
