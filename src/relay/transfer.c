/* The engine's data path: the pump that moves one direction's bytes, with its two paths
 * (buffered: read -> escape cut -> readbytes -> line terminators -> sniff -> dump -> write;
 * splice: direct or through a pooled pipe), the per-wakeup budget, and what an I/O error
 * means. The session's life around it (EOF passing, timers, the end) is in session.c;
 * session.c's top comment describes the engine as a whole. */
#include "relay/session_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "relay/capture.h"
#include "relay/dump.h"
#include "relay/rate.h"
#include "relay/transform.h"

#define BUDGET_STEPS      64
#define BUDGET_BYTES      (256u * 1024u)
#define SPLICE_BUDGET     (1024u * 1024u)

/* ---- accounting, dumps and I/O errors ---- */

/* n bytes read in one call: the readbytes= and readpackets= limits (buffered and spliced). */
static void count_read(struct dir *d, size_t n)
{
	d->nread += n;
	rate_spend(d->rate, d->s->rate_all, n);
	if (d->src->readbytes && d->nread >= d->src->readbytes)
		sess_set_eof(d);
	if (d->src->readpackets && ++d->data_reads >= d->src->readpackets)
		sess_set_eof(d);
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
	session_info_end(s->info, err == ECONNRESET || err == EPIPE ? "reset" : "error", strerror(err));
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
		sess_schedule(d); /* the caller stops here; no new edge will come to pass the EOF on */
		return;
	}
	if (v == RELAY_IO_REPORTED) {
		sess_finish(s, 1);
		return;
	}
	logmsg(LOG_E, "read(%d, %p, %zu): %s", d->rf->fd, bufp, len, strerror(err));
	if (s->cfg.sloppy) {
		logmsg(LOG_N, "socket %d to socket %d is in error", d->srcno, 3 - d->srcno);
		d->eof = true;
		sess_schedule(d);
		return;
	}
	io_end(s, err);
	sess_finish(s, 1);
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
	if (s->cfg.out_gone_ends[d->n] && err == EPIPE && sess_bytes_held(d) == 0) {
		/* the reader went before anything was lost (a splice tried before the error
		 * was polled): as the hangup would have ended it */
		if (log_enabled(LOG_I))
			logmsg(LOG_I, "fd %d: %s: socket %d to socket %d ends", d->wf->fd, strerror(err),
			       d->srcno, 3 - d->srcno);
		d->eof = true;
		sess_schedule(d);
		return;
	}
	enum relay_io_verdict v = io_verdict(s, 3 - d->srcno, true, err);
	if (v == RELAY_IO_REPORTED) {
		io_end(s, err);
		sess_finish(s, 1);
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
		sess_schedule(d);
		return;
	}
	io_end(s, err);
	sess_finish(s, 1);
}

/* ---- buffered path ---- */

bool sess_need_buffered(const struct session *s, const struct dir *d)
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
	if ((!from_pipe && !sess_rready(d)) || (!d->wf->w && !d->wf->nopoll)) {
		sess_buf_release(d); /* nothing in flight: an idle session holds no buffer */
		return -1;
	}
	if (!d->buf) {
		d->buf = sess_buf_get(d->bufcap);
		if (!d->buf) {
			logmsg(LOG_E, "malloc(%zu): %s", d->bufcap, strerror(ENOMEM));
			sess_finish(s, 1);
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
			sess_pipe_release(d);
			return -2;
		}
		d->pipelen -= (size_t)n;
		sess_pipe_release(d);
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
			sess_buf_release(d);
			return -1;
		}
		if (e == EINTR)
			return -2;
		read_error(d, e, d->buf, want);
		sess_buf_release(d);
		return -1;
	}
	bool dgram = src->flags & EPF_DGRAM;
	if (n == 0) {
		if (dgram && !(src->flags & EPF_NULL_EOF) && !(src->flags & EPF_ONESHOT)) {
			if (log_enabled(LOG_D))
				logmsg(LOG_D, "ignoring empty datagram on fd %d", d->rf->fd);
			return -2;
		}
		sess_buf_release(d);
		if ((src->flags & EPF_IGNOREEOF) && !dgram) {
			if (log_enabled(LOG_D))
				logmsg(LOG_D, "socket %d (fd %d): ignoring EOF", d->srcno, d->rf->fd);
			d->ign_wait = true;
			d->ign_timer = loop_timer_add(s->lp, 1.0, sess_ign_timer_cb, d);
			return -1;
		}
		sess_set_stream_eof(d);
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
	sess_activity(s);
	size_t len = (size_t)n;
	if (src->escape >= 0) {
		unsigned char *p = memchr(d->buf, src->escape, len);
		if (p) {
			len = (size_t)(p - d->buf);
			sess_set_eof(d);
		}
	}
	count_read(d, (size_t)n);
	if (src->flags & EPF_ONESHOT)
		sess_set_eof(d);
	if (d->dst->lineterm == EP_LT_CRNL_OUT) {
		len = xform_lineterm(d->buf, len, src->lineterm, EP_LT_RAW);
		len = xform_crnl_out(d->buf, len, &d->lastc);
	} else if (xform_lt_in(src->lineterm) != d->dst->lineterm) {
		len = xform_lineterm(d->buf, len, src->lineterm, d->dst->lineterm);
	}
	if (len == 0) {
		sess_buf_release(d);
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
		sess_activity(s);
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
	sess_pipe_release(d);
}

/* A splice failed with e: true (the caller answers -2, "try again") when it was interrupted,
 * or when these fds can't splice at all (the direction takes the buffered path from now on). */
static bool splice_again(struct dir *d, int e)
{
	if (e == EINTR)
		return true;
	if (e == EINVAL || e == ENOSYS || e == EOPNOTSUPP) {
		splice_fallback(d, e);
		return true;
	}
	return false;
}

static size_t splice_want(struct dir *d)
{
	size_t want = d->s->cfg.bufsize_explicit ? d->step : (d->direct ? SPLICE_BUDGET / 4 : sess_pipe_cap());
	if (d->src->readbytes) {
		unsigned long long left = d->src->readbytes - d->nread;
		if (left < want)
			want = (size_t)left;
	}
	return want < d->room ? want : d->room;
}

/* A splice from the source said 0: its end, or under ignoreeof a look again in 1 s (-1). */
static ssize_t splice_read_eof(struct dir *d)
{
	if (d->src->flags & EPF_IGNOREEOF) {
		d->ign_wait = true;
		d->ign_timer = loop_timer_add(d->s->lp, 1.0, sess_ign_timer_cb, d);
		return -1;
	}
	sess_set_stream_eof(d);
	return 0;
}

/* Direct: one end is a pipe. Returns bytes moved, 0 on EOF, -1 stop, -2 again. */
static ssize_t splice_direct(struct dir *d)
{
	struct session *s = d->s;
	if (!sess_rready(d) || (!d->wf->w && !d->wf->nopoll))
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
		if (splice_again(d, e))
			return -2;
		if (e == EPIPE)
			write_error(d, e, NULL, want);
		else
			read_error(d, e, NULL, want);
		return -1;
	}
	if (n == 0)
		return splice_read_eof(d);
	sess_activity(s);
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
	if (!sess_rready(d) || (!d->wf->w && !d->wf->nopoll))
		return -1;
	if (d->pipe[0] < 0 && sess_pipe_get(d->pipe) < 0) {
		splice_fallback(d, errno);
		return -2;
	}
	size_t want = splice_want(d);
	ssize_t n = splice(d->rf->fd, NULL, d->pipe[1], NULL, want, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n < 0) {
		int e = errno;
		if (e == EAGAIN) {
			d->rf->r = false;
			sess_pipe_release(d);
			return -1;
		}
		if (splice_again(d, e))
			return -2;
		read_error(d, e, NULL, want);
		sess_pipe_release(d);
		return -1;
	}
	if (n == 0) {
		sess_pipe_release(d);
		return splice_read_eof(d);
	}
	/* A short splice does not mean the socket is drained (a short read would): the pipe runs
	 * out of slots first when the data sits in many small fragments. Waiting for an LOOP_IN
	 * edge then can wait for ever: if what is left fills the receive window, the sender stops,
	 * and the little we took may not reopen the window; nothing new arrives, no edge comes
	 * (1 GiB TCP -> UNIX stalled until the sender's zero-window probes, minutes under ASan).
	 * Only EAGAIN says the socket is empty. */
	sess_activity(s);
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
		sess_activity(s);
	}
	sess_pipe_release(d);
	return 1;
}

/* ---- the pump ---- */

void sess_pump(struct dir *d)
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
				sess_start_pause(d, d->pause_after_write);
			continue;
		}
		if (d->promote && d->last_full && !d->use_splice) {
			sess_buf_release(d);
			d->use_splice = true;
			d->promote = false;
			budget = SPLICE_BUDGET;
		}
		if (d->eof_next && !d->eof && d->off >= d->len)
			sess_set_stream_eof(d);
		if (d->eof) {
			if (d->pipelen == 0) {
				sess_pass_eof(d);
				return;
			}
		} else if (d->ign_wait) {
			return;
		}
		if (steps >= BUDGET_STEPS || bytes >= budget) {
			sess_schedule(d);
			return;
		}
		if (!sess_rate_room(d))
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
			sess_start_pause(d, d->pause_before_write);
		steps++;
		if (n > 0)
			bytes += (size_t)n;
	}
}

void sess_fd_cb(struct loop *lp, int fd, uint32_t ev, void *arg)
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
	sess_enter(s);
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
			sess_pump(d);
	}
	sess_leave(s);
}
