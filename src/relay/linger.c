/* Lingering close: a stream socket closed while its send queue still holds bytes the peer has
 * not acknowledged is kept open (write side shut down, input read and discarded) until the
 * queue is empty, the peer closes, or the peer stops reading for a while.
 *
 * Why: once a socket is closed, any byte that still arrives from the peer (a TLS session
 * ticket sent late, a greeting, the peer's own close_notify) makes the kernel answer with an
 * RST and throw away everything still queued for sending. `duct -u FILE OPENSSL:peer` lost
 * the last megabyte that way whenever the server's tickets came in after the close. Reading
 * until the queue is empty keeps the kernel from ever seeing unread input on a closed socket
 * while our data is still in flight.
 *
 * In a running relay the lingering sockets live in the event loop (a fork listener keeps
 * serving meanwhile); at exit linger_finish() waits for the rest with poll(). */
#include "relay/linger.h"

#include <errno.h>
#include <linux/sockios.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "loop/loop.h"

#define LINGER_TICK 0.01 /* how often the send queues are looked at, seconds */

struct lingering {
	int fd;
	int queued;        /* bytes in the send queue at the last look */
	double progress;   /* when the queue last shrank */
	struct lingering *next;
};

static struct loop *linger_loop;
static double linger_stall = 10.0;
static struct lingering *lingering;
static struct loop_timer *linger_timer;

static int send_queue(int fd)
{
	int n = 0;
	if (ioctl(fd, SIOCOUTQ, &n) < 0)
		return 0;
	return n;
}

/* Read and discard what the peer sent: 1 while the peer is still there, 0 once it has closed
 * (or the connection is gone). */
static int discard_input(int fd)
{
	char buf[16384];
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (r > 0)
			continue;
		if (r < 0 && errno == EINTR)
			continue;
		return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? 1 : 0;
	}
}

/* 1: keep lingering; 0: done (the caller closes) */
static int look(struct lingering *l, double now)
{
	if (!discard_input(l->fd))
		return 0;
	int q = send_queue(l->fd);
	if (q == 0)
		return 0;
	if (q < l->queued)
		l->progress = now;
	l->queued = q;
	if (now - l->progress >= linger_stall) {
		logmsg(LOG_W, "closing socket %d with %d bytes not delivered: the peer has read nothing for %g s",
		       l->fd, q, linger_stall);
		return 0;
	}
	return 1;
}

static void drop(struct lingering *l)
{
	if (linger_loop)
		loop_del_fd(linger_loop, l->fd);
	close(l->fd);
	free(l);
}

static void sweep(double now)
{
	for (struct lingering **pp = &lingering; *pp;) {
		struct lingering *l = *pp;
		if (look(l, now)) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		drop(l);
	}
}

static void tick(struct loop *lp, void *arg)
{
	(void)arg;
	linger_timer = NULL;
	sweep(loop_now());
	if (lingering)
		linger_timer = loop_timer_add(lp, LINGER_TICK, tick, NULL);
}

static void readable(struct loop *lp, int fd, uint32_t events, void *arg)
{
	(void)lp;
	(void)fd;
	(void)events;
	struct lingering *l = arg;
	if (look(l, loop_now()))
		return;
	for (struct lingering **pp = &lingering; *pp; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	drop(l);
}

void linger_start(struct loop *lp, double stall_seconds)
{
	linger_loop = lp;
	if (stall_seconds > 0)
		linger_stall = stall_seconds;
}

bool linger_take(int fd)
{
	int queued = linger_loop ? send_queue(fd) : 0;
	if (queued == 0)
		return false;
	struct lingering *l = calloc(1, sizeof *l);
	if (!l)
		return false;
	if (shutdown(fd, SHUT_WR) < 0 && errno != ENOTCONN) {
		free(l);
		return false;
	}
	l->fd = fd;
	l->queued = queued;
	l->progress = loop_now();
	if (loop_add_fd(linger_loop, fd, LOOP_IN | LOOP_RDHUP | LOOP_ET, readable, l) < 0) {
		free(l);
		return false;
	}
	l->next = lingering;
	lingering = l;
	if (!linger_timer)
		linger_timer = loop_timer_add(linger_loop, LINGER_TICK, tick, NULL);
	if (log_enabled(LOG_I))
		logmsg(LOG_I, "socket %d closes once the peer has its last %d bytes", fd, l->queued);
	return true;
}

static bool stop_pending(const sigset_t *stop_on)
{
	sigset_t pend, both;
	if (!stop_on || sigpending(&pend) < 0)
		return false;
	sigandset(&both, &pend, stop_on);
	return !sigisemptyset(&both);
}

static void drop_all(bool close_them)
{
	while (lingering) {
		struct lingering *l = lingering;
		lingering = l->next;
		if (close_them)
			drop(l);
		else
			free(l);
	}
}

void linger_finish(bool wait, const sigset_t *stop_on)
{
	if (linger_timer && linger_loop)
		loop_timer_cancel(linger_loop, linger_timer);
	linger_timer = NULL;
	while (wait && lingering && !stop_pending(stop_on)) {
		/* one poll over all of them; the tick bounds how long a queue goes unchecked */
		size_t n = 0;
		for (struct lingering *l = lingering; l; l = l->next)
			n++;
		struct pollfd *pf = calloc(n, sizeof *pf);
		if (!pf)
			break;
		size_t i = 0;
		for (struct lingering *l = lingering; l; l = l->next)
			pf[i++] = (struct pollfd){ .fd = l->fd, .events = POLLIN | POLLRDHUP };
		poll(pf, n, (int)(LINGER_TICK * 1000));
		free(pf);
		sweep(loop_now());
	}
	drop_all(true);
	linger_loop = NULL;
}

void linger_forget(void)
{
	/* a forked child: the fds were closed with the parent's loop registrations */
	drop_all(false);
	linger_timer = NULL;
}
