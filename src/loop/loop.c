/* Event loop: epoll + timer min-heap + deferred work + signalfd (signals and child reaping).
 * No allocation per event: tables grow geometrically and are reused; timers come from a
 * freelist. Events are dispatched through a per-fd table with a generation counter so that an
 * event for an fd that was removed (and possibly reused) during the same iteration is dropped. */
#include "loop/loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

_Static_assert(LOOP_IN == EPOLLIN && LOOP_OUT == EPOLLOUT && LOOP_ERR == EPOLLERR && LOOP_HUP == EPOLLHUP &&
		       LOOP_RDHUP == EPOLLRDHUP && LOOP_ET == EPOLLET,
	       "loop.h's event bits are epoll's: they are passed to it and back unchanged");

struct fdrec {
	loop_fd_fn fn;
	void *arg;
	uint32_t gen;
	bool used;
};

struct loop_timer {
	double when;
	size_t idx;            /* position in heap; SIZE_MAX when not queued */
	loop_timer_fn fn;
	void *arg;
	struct loop_timer *next_free;
};

struct deferred {
	loop_timer_fn fn;
	void *arg;
};

struct child_watch {
	pid_t pid;
	loop_child_fn fn;
	void *arg;
};

struct sig_watch {
	int signo;
	loop_signal_fn fn;
	void *arg;
};

/* Children reaped while nobody watched them: a late loop_watch_child still gets the status. */
#define REAPED_RING 64
struct reaped {
	pid_t pid;
	int status;
};

struct loop {
	int epfd;
	int sigfd;
	sigset_t sigmask;       /* signals routed through sigfd */
	struct fdrec *fds;
	size_t fdcap, nfds;
	struct loop_timer **heap;
	size_t nheap, heapcap;
	struct loop_timer *free_timers;
	struct deferred *dq[2];  /* dq[cur] receives new work; the other is being run */
	size_t dqlen[2], dqcap[2];
	int dqcur;
	struct child_watch *children;
	size_t nchildren, childcap;
	struct sig_watch *sigs;
	size_t nsigs, sigcap;
	struct reaped reaped[REAPED_RING];
	unsigned reaped_next;
	bool stop;
};

static sigset_t orig_mask;
static bool orig_mask_saved;

static double woke_at; /* loop_now() when epoll_wait last returned, 0 before */

double loop_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double loop_woke_at(void)
{
	return woke_at > 0 ? woke_at : loop_now();
}

static int grow(void **p, size_t *cap, size_t need, size_t elsize)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * elsize);
	if (!q)
		return -1;
	memset((char *)q + *cap * elsize, 0, (n - *cap) * elsize);
	*p = q;
	*cap = n;
	return 0;
}

static int sigfd_update(struct loop *lp)
{
	if (!orig_mask_saved) {
		sigprocmask(SIG_SETMASK, NULL, &orig_mask);
		orig_mask_saved = true;
	}
	if (sigprocmask(SIG_BLOCK, &lp->sigmask, NULL) < 0)
		return -1;
	int fd = signalfd(lp->sigfd, &lp->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (lp->sigfd < 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = UINT64_MAX };
		if (epoll_ctl(lp->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			return -1;
		}
	}
	lp->sigfd = fd;
	return 0;
}

void loop_child_after_fork(void)
{
	if (orig_mask_saved)
		sigprocmask(SIG_SETMASK, &orig_mask, NULL);
}

struct loop *loop_new(void)
{
	struct loop *lp = calloc(1, sizeof *lp);
	if (!lp)
		return NULL;
	lp->epfd = epoll_create1(EPOLL_CLOEXEC);
	lp->sigfd = -1;
	if (lp->epfd < 0) {
		free(lp);
		return NULL;
	}
	sigemptyset(&lp->sigmask);
	sigaddset(&lp->sigmask, SIGCHLD);
	if (sigfd_update(lp) < 0) {
		close(lp->epfd);
		free(lp);
		return NULL;
	}
	return lp;
}

void loop_free(struct loop *lp)
{
	if (!lp)
		return;
	for (size_t i = 0; i < lp->nheap; i++)
		free(lp->heap[i]);
	while (lp->free_timers) {
		struct loop_timer *t = lp->free_timers;
		lp->free_timers = t->next_free;
		free(t);
	}
	free(lp->heap);
	free(lp->fds);
	free(lp->dq[0]);
	free(lp->dq[1]);
	free(lp->children);
	free(lp->sigs);
	if (lp->sigfd >= 0)
		close(lp->sigfd);
	close(lp->epfd);
	/* Signals stay blocked: unblocking could deliver a pending SIGCHLD/SIGTERM with its
	 * default action at a bad moment. Processes that need them back call
	 * loop_child_after_fork(). */
	free(lp);
}

/* ---- fds ---- */

int loop_add_fd(struct loop *lp, int fd, uint32_t events, loop_fd_fn fn, void *arg)
{
	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (grow((void **)&lp->fds, &lp->fdcap, (size_t)fd + 1, sizeof *lp->fds) < 0)
		return -1;
	struct fdrec *r = &lp->fds[fd];
	if (r->used) {
		errno = EEXIST;
		return -1;
	}
	uint32_t gen = r->gen + 1;
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)(unsigned)fd | (uint64_t)gen << 32 };
	if (epoll_ctl(lp->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		/* EEXIST: still registered from before a loop_forget_fd whose close was put off
		 * (a lingering socket); take the registration over */
		if (errno != EEXIST || epoll_ctl(lp->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
			return -1; /* EPERM for regular files and /dev/null */
	}
	r->gen = gen;
	r->fn = fn;
	r->arg = arg;
	r->used = true;
	lp->nfds++;
	return 0;
}

int loop_mod_fd(struct loop *lp, int fd, uint32_t events)
{
	if (fd < 0 || (size_t)fd >= lp->fdcap || !lp->fds[fd].used) {
		errno = ENOENT;
		return -1;
	}
	struct epoll_event ev = { .events = events,
				  .data.u64 = (uint64_t)(unsigned)fd | (uint64_t)lp->fds[fd].gen << 32 };
	return epoll_ctl(lp->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void loop_del_fd(struct loop *lp, int fd)
{
	if (fd < 0 || (size_t)fd >= lp->fdcap || !lp->fds[fd].used)
		return;
	epoll_ctl(lp->epfd, EPOLL_CTL_DEL, fd, NULL);
	lp->fds[fd].used = false;
	lp->fds[fd].fn = NULL;
	lp->fds[fd].arg = NULL;
	lp->nfds--;
}

void loop_forget_fd(struct loop *lp, int fd)
{
	if (fd < 0 || (size_t)fd >= lp->fdcap || !lp->fds[fd].used)
		return;
	lp->fds[fd].used = false;
	lp->fds[fd].fn = NULL;
	lp->fds[fd].arg = NULL;
	lp->nfds--;
}

size_t loop_nfds(const struct loop *lp) { return lp->nfds; }

/* ---- timers (binary min-heap on `when`) ---- */

static void heap_swap(struct loop *lp, size_t i, size_t j)
{
	struct loop_timer *t = lp->heap[i];
	lp->heap[i] = lp->heap[j];
	lp->heap[j] = t;
	lp->heap[i]->idx = i;
	lp->heap[j]->idx = j;
}

static void heap_up(struct loop *lp, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (lp->heap[p]->when <= lp->heap[i]->when)
			break;
		heap_swap(lp, i, p);
		i = p;
	}
}

static void heap_down(struct loop *lp, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < lp->nheap && lp->heap[l]->when < lp->heap[m]->when)
			m = l;
		if (r < lp->nheap && lp->heap[r]->when < lp->heap[m]->when)
			m = r;
		if (m == i)
			break;
		heap_swap(lp, i, m);
		i = m;
	}
}

static void heap_remove(struct loop *lp, size_t i)
{
	size_t last = lp->nheap - 1;
	if (i != last)
		heap_swap(lp, i, last);
	lp->heap[last]->idx = SIZE_MAX;
	lp->nheap--;
	if (i < lp->nheap) {
		heap_down(lp, i);
		heap_up(lp, i);
	}
}

struct loop_timer *loop_timer_add(struct loop *lp, double seconds, loop_timer_fn fn, void *arg)
{
	/* the heap is an array of pointers: its element size is a pointer's */
	if (grow((void **)&lp->heap, &lp->heapcap, lp->nheap + 1, sizeof *lp->heap) < 0) // NOLINT(bugprone-sizeof-expression)
		return NULL;
	struct loop_timer *t = lp->free_timers;
	if (t)
		lp->free_timers = t->next_free;
	else if (!(t = malloc(sizeof *t)))
		return NULL;
	if (seconds < 0)
		seconds = 0;
	t->when = loop_now() + seconds;
	t->fn = fn;
	t->arg = arg;
	t->next_free = NULL;
	t->idx = lp->nheap;
	lp->heap[lp->nheap++] = t;
	heap_up(lp, t->idx);
	return t;
}

static void timer_release(struct loop *lp, struct loop_timer *t)
{
	t->next_free = lp->free_timers;
	lp->free_timers = t;
}

void loop_timer_cancel(struct loop *lp, struct loop_timer *t)
{
	if (!t || t->idx == SIZE_MAX)
		return;
	heap_remove(lp, t->idx);
	timer_release(lp, t);
}

/* ---- deferred work ---- */

void loop_defer(struct loop *lp, loop_timer_fn fn, void *arg)
{
	int c = lp->dqcur;
	if (grow((void **)&lp->dq[c], &lp->dqcap[c], lp->dqlen[c] + 1, sizeof(struct deferred)) < 0)
		return;
	lp->dq[c][lp->dqlen[c]++] = (struct deferred){ fn, arg };
}

void loop_defer_cancel(struct loop *lp, loop_timer_fn fn, void *arg)
{
	for (int q = 0; q < 2; q++)
		for (size_t i = 0; i < lp->dqlen[q]; i++)
			if (lp->dq[q][i].fn == fn && lp->dq[q][i].arg == arg)
				lp->dq[q][i].fn = NULL;
}

static void run_deferred(struct loop *lp)
{
	int q = lp->dqcur;
	if (!lp->dqlen[q])
		return;
	lp->dqcur = !q;
	/* Work deferred while running goes to the other queue and runs next iteration. */
	for (size_t i = 0; i < lp->dqlen[q]; i++) {
		struct deferred d = lp->dq[q][i];
		if (d.fn) {
			lp->dq[q][i].fn = NULL;
			d.fn(lp, d.arg);
		}
	}
	lp->dqlen[q] = 0;
}

/* ---- children and signals ---- */

int loop_watch_child(struct loop *lp, pid_t pid, loop_child_fn fn, void *arg)
{
	/* Already reaped before anybody asked? Deliver now (from the caller's context). */
	for (unsigned i = 0; i < REAPED_RING; i++) {
		if (lp->reaped[i].pid == pid && pid > 0) {
			int st = lp->reaped[i].status;
			lp->reaped[i].pid = 0;
			fn(lp, pid, st, arg);
			return 0;
		}
	}
	if (grow((void **)&lp->children, &lp->childcap, lp->nchildren + 1, sizeof *lp->children) < 0)
		return -1;
	lp->children[lp->nchildren++] = (struct child_watch){ pid, fn, arg };
	return 0;
}

void loop_unwatch_child(struct loop *lp, pid_t pid)
{
	for (size_t i = 0; i < lp->nchildren; i++) {
		if (lp->children[i].pid == pid) {
			lp->children[i] = lp->children[--lp->nchildren];
			return;
		}
	}
}

int loop_on_signal(struct loop *lp, int signo, loop_signal_fn fn, void *arg)
{
	if (signo == SIGCHLD) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < lp->nsigs; i++) {
		if (lp->sigs[i].signo == signo) {
			lp->sigs[i].fn = fn;
			lp->sigs[i].arg = arg;
			return 0;
		}
	}
	if (grow((void **)&lp->sigs, &lp->sigcap, lp->nsigs + 1, sizeof *lp->sigs) < 0)
		return -1;
	lp->sigs[lp->nsigs++] = (struct sig_watch){ signo, fn, arg };
	sigaddset(&lp->sigmask, signo);
	return sigfd_update(lp);
}

static void reap_children(struct loop *lp)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid <= 0)
			break;
		bool found = false;
		for (size_t i = 0; i < lp->nchildren; i++) {
			if (lp->children[i].pid == pid) {
				struct child_watch w = lp->children[i];
				lp->children[i] = lp->children[--lp->nchildren];
				w.fn(lp, pid, st, w.arg);
				found = true;
				break;
			}
		}
		if (!found) {
			lp->reaped[lp->reaped_next] = (struct reaped){ pid, st };
			lp->reaped_next = (lp->reaped_next + 1) % REAPED_RING;
		}
	}
}

static void read_signals(struct loop *lp)
{
	struct signalfd_siginfo si[16];
	for (;;) {
		ssize_t n = read(lp->sigfd, si, sizeof si);
		if (n <= 0)
			break;
		bool chld = false;
		for (size_t k = 0; k < (size_t)n / sizeof si[0]; k++) {
			int signo = (int)si[k].ssi_signo;
			if (signo == SIGCHLD) {
				chld = true;
				continue;
			}
			for (size_t i = 0; i < lp->nsigs; i++)
				if (lp->sigs[i].signo == signo && lp->sigs[i].fn)
					lp->sigs[i].fn(lp, signo, lp->sigs[i].arg);
		}
		if (chld)
			reap_children(lp);
	}
	/* A SIGCHLD that arrived before the mask was set is not queued: reap anyway when the
	 * loop has watchers (cheap, WNOHANG). */
}

/* ---- run ---- */

void loop_stop(struct loop *lp) { lp->stop = true; }

static bool loop_has_work(const struct loop *lp)
{
	return lp->nfds || lp->nheap || lp->dqlen[0] || lp->dqlen[1] || lp->nchildren;
}

int loop_run(struct loop *lp)
{
	struct epoll_event evs[64];
	lp->stop = false;
	if (lp->nchildren)
		reap_children(lp);
	while (!lp->stop && loop_has_work(lp)) {
		int timeout = -1;
		if (lp->dqlen[lp->dqcur]) {
			timeout = 0;
		} else if (lp->nheap) {
			double d = lp->heap[0]->when - loop_now();
			if (d <= 0)
				timeout = 0;
			else if (d > 2e6)
				timeout = 2000000000;
			else
				timeout = (int)(d * 1000.0) + 1;
		}
		int n = epoll_wait(lp->epfd, evs, 64, timeout);
		woke_at = loop_now();
		if (n < 0) {
			if (errno == EINTR)
				n = 0;
			else
				return -1;
		}
		for (int i = 0; i < n && !lp->stop; i++) {
			uint64_t u = evs[i].data.u64;
			if (u == UINT64_MAX) {
				read_signals(lp);
				continue;
			}
			int fd = (int)(uint32_t)u;
			uint32_t gen = (uint32_t)(u >> 32);
			if ((size_t)fd >= lp->fdcap)
				continue;
			struct fdrec *r = &lp->fds[fd];
			if (!r->used || r->gen != gen || !r->fn)
				continue;
			r->fn(lp, fd, evs[i].events, r->arg);
		}
		if (lp->stop)
			break;
		if (lp->nheap) {
			double now = loop_now();
			while (lp->nheap && lp->heap[0]->when <= now && !lp->stop) {
				struct loop_timer *t = lp->heap[0];
				heap_remove(lp, 0);
				loop_timer_fn fn = t->fn;
				void *arg = t->arg;
				timer_release(lp, t);
				fn(lp, arg);
			}
		}
		if (!lp->stop)
			run_deferred(lp);
	}
	return 0;
}

int loop_after_fork(struct loop *lp, const int *keep, size_t nkeep)
{
	/* The epoll instance and signalfd are shared with the parent: never touch them (an
	 * EPOLL_CTL_DEL here would unregister the parent's fds too); just close our copies. */
	for (size_t fd = 0; fd < lp->fdcap; fd++) {
		if (!lp->fds[fd].used)
			continue;
		bool kept = false;
		for (size_t k = 0; k < nkeep; k++)
			if (keep[k] == (int)fd)
				kept = true;
		if (!kept)
			close((int)fd);
		lp->fds[fd].used = false;
		lp->fds[fd].fn = NULL;
		lp->fds[fd].arg = NULL;
	}
	lp->nfds = 0;
	while (lp->nheap) {
		struct loop_timer *t = lp->heap[--lp->nheap];
		t->idx = SIZE_MAX;
		timer_release(lp, t);
	}
	lp->dqlen[0] = lp->dqlen[1] = 0;
	lp->nchildren = 0;
	memset(lp->reaped, 0, sizeof lp->reaped);
	close(lp->epfd);
	lp->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lp->epfd < 0)
		return -1;
	if (lp->sigfd >= 0)
		close(lp->sigfd);
	lp->sigfd = -1;
	return sigfd_update(lp);
}

bool loop_can_watch(int fd)
{
	int efd = epoll_create1(EPOLL_CLOEXEC);
	if (efd < 0)
		return true;
	struct epoll_event ev = { .events = EPOLLIN };
	bool ok = epoll_ctl(efd, EPOLL_CTL_ADD, fd, &ev) == 0 || errno != EPERM;
	close(efd);
	return ok;
}
