/* The engine's inside, shared by its pieces and by nobody else (src/relay/ only): the state of
 * a session (struct session, its two directions, its fds, its children) and the functions the
 * pieces call across files, all named sess_*.
 *   session.c   the session's life: start, EOF passing and shutdown, timers, children, the end
 *   transfer.c  the data path: the pump, the buffered and splice paths, dumps, I/O errors
 *   pool.c      the process-wide buffer freelist and pipe pool
 * What runs per read or write and is tiny is static inline here, so the split costs the hot
 * path no calls. */
#ifndef DUCT_RELAY_SESSION_INT_H
#define DUCT_RELAY_SESSION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop/loop.h"
#include "relay/endpoint.h"
#include "relay/session.h"
#include "relay/session_info.h"

struct rate_bucket;
struct capture_session;

/* One distinct fd of a session, registered once however many directions use it. */
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

/* One direction: d[0] moves address 1's input to address 2, d[1] the other way. */
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

/* An address's child process: watched during the session, given a grace time after it. */
struct childw {
	struct session *s;
	int idx;
	pid_t pid;                 /* set once the session has ended and waits for the child */
	struct loop_timer *grace;  /* then: SIGTERM when it fires */
	bool waiting;
	bool signalled;            /* we sent it SIGTERM at the end (pty child): its death is ours */
};

/* Two endpoints, the two directions between them, their fds and children. */
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
	struct session_info *info; /* for the session log and the control socket (session_info_new) */
	struct capture_session *cap; /* --pcap: this session's legs, NULL: none */
	struct session *prev, *next;
};

/* ---- pool.c ---- */

/* A buffer of cap bytes (page aligned), from the freelist or new; NULL: out of memory. */
unsigned char *sess_buf_get(size_t cap);
void sess_buf_put(unsigned char *b, size_t cap);
/* An empty nonblocking pipe, from the pool or new (grown to PIPE_SIZE); -1: errno says. */
int sess_pipe_get(int p[2]);
void sess_pipe_put(int p[2]);
void sess_grow_pipe(int fd);
/* The largest size a pooled pipe was given: what one splice step into it may take. */
size_t sess_pipe_cap(void);

/* ---- session.c ---- */

void sess_finalize(struct session *s);
void sess_set_eof(struct dir *d);
void sess_set_stream_eof(struct dir *d);
void sess_schedule(struct dir *d);
void sess_pass_eof(struct dir *d);
void sess_start_pause(struct dir *d, double seconds);
bool sess_rate_room(struct dir *d);
void sess_ign_timer_cb(struct loop *lp, void *arg);

/* ---- transfer.c ---- */

bool sess_need_buffered(const struct session *s, const struct dir *d);
void sess_pump(struct dir *d);
void sess_fd_cb(struct loop *lp, int fd, uint32_t ev, void *arg);

/* ---- small and hot: inline ---- */

static inline void sess_finish(struct session *s, int status)
{
	if (status && !s->status)
		s->status = status;
	s->finished = true;
}

/* enter/leave bracket every entry from the loop: the session is finalized only once nothing
 * of it is on the stack. */
static inline void sess_enter(struct session *s) { s->depth++; }
static inline void sess_leave(struct session *s)
{
	if (--s->depth == 0 && s->finished)
		sess_finalize(s);
}

static inline void sess_activity(struct session *s)
{
	double t = loop_woke_at(); /* older than s->last if the session started after the wakeup */
	if (t > s->last)
		s->last = t;
}

static inline bool sess_rready(const struct dir *d)
{
	if (d->rf->r || d->rf->nopoll)
		return true;
	const struct endpoint_ops *o = d->src->ops;
	if (o && o->pending && o->pending(d->src) > 0)
		return true;
	return false;
}

static inline void sess_buf_release(struct dir *d)
{
	if (d->buf && d->off >= d->len) {
		sess_buf_put(d->buf, d->bufcap);
		d->buf = NULL;
		d->off = d->len = 0;
	}
}

/* Bytes read from d's source and not yet written to its destination. */
static inline size_t sess_bytes_held(const struct dir *d)
{
	return (d->len > d->off ? d->len - d->off : 0) + d->pipelen;
}

static inline void sess_pipe_release(struct dir *d)
{
	if (d->pipe[0] >= 0 && d->pipelen == 0)
		sess_pipe_put(d->pipe);
}

#endif
