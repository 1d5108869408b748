/* The event loop: fds (edge-triggered), EPERM for regular files, timers in order, cancel,
 * defer and defer_cancel, signals via signalfd, child watching and silent reaping. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loop/loop.h"
#include "tap.h"

static char order[64];
static size_t norder;

static void tmark(struct loop *lp, void *arg)
{
	(void)lp;
	order[norder++] = *(const char *)arg;
}

static int fd_events;
static void on_fd(struct loop *lp, int fd, uint32_t ev, void *arg)
{
	(void)arg;
	fd_events++;
	if (ev & LOOP_IN) {
		char b[16];
		while (read(fd, b, sizeof b) > 0)
			;
	}
	loop_del_fd(lp, fd);
}

static int sig_got;
static void on_sig(struct loop *lp, int signo, void *arg)
{
	(void)lp;
	(void)arg;
	sig_got = signo;
}

static int child_st = -1;
static pid_t child_pid;
static void on_child(struct loop *lp, pid_t pid, int st, void *arg)
{
	(void)lp;
	(void)arg;
	child_pid = pid;
	child_st = st;
}

static void stopper(struct loop *lp, void *arg)
{
	(void)arg;
	loop_stop(lp);
}

static void redefer(struct loop *lp, void *arg)
{
	int *n = arg;
	if (++*n < 5)
		loop_defer(lp, redefer, arg);
}

int main(void)
{
	alarm(20);
	struct loop *lp = loop_new();
	tap_ok(lp != NULL, "loop_new");

	/* loop_run with nothing registered returns at once */
	double t0 = loop_now();
	tap_is_int(loop_run(lp), 0, "empty loop_run returns 0");
	tap_ok(loop_now() - t0 < 0.1, "empty loop returns at once");

	/* regular file: EPERM */
	char path[] = "/tmp/loop_XXXXXX";
	int rf = mkstemp(path);
	unlink(path);
	errno = 0;
	tap_ok(loop_add_fd(lp, rf, LOOP_IN | LOOP_ET, on_fd, NULL) == -1 && errno == EPERM, "regular file -> EPERM");
	close(rf);

	/* pipe readable */
	int p[2];
	if (pipe2(p, O_NONBLOCK) < 0)
		abort();
	tap_is_int(loop_add_fd(lp, p[0], LOOP_IN | LOOP_ET, on_fd, NULL), 0, "add pipe");
	tap_ok(loop_add_fd(lp, p[0], LOOP_IN, on_fd, NULL) == -1 && errno == EEXIST, "double add -> EEXIST");
	tap_is_int(loop_nfds(lp), 1, "one fd registered");
	if (write(p[1], "x", 1) != 1)
		abort();
	loop_run(lp);
	tap_ok(fd_events == 1 && loop_nfds(lp) == 0, "fd event dispatched, loop ended after del");
	close(p[0]);
	close(p[1]);

	/* timers in order, cancel */
	static const char A = 'a', B = 'b', C = 'c', D = 'd';
	loop_timer_add(lp, 0.03, tmark, (void *)&C);
	loop_timer_add(lp, 0.01, tmark, (void *)&A);
	struct loop_timer *tb = loop_timer_add(lp, 0.02, tmark, (void *)&B);
	loop_timer_add(lp, 0.02, tmark, (void *)&B);
	loop_timer_cancel(lp, tb);
	loop_defer(lp, tmark, (void *)&D);
	t0 = loop_now();
	loop_run(lp);
	order[norder] = 0;
	tap_is_str(order, "dabc", "defer first, timers in deadline order, cancelled one skipped");
	tap_ok(loop_now() - t0 >= 0.029, "timers waited");

	/* defer chains and cancel */
	int n = 0;
	loop_defer(lp, redefer, &n);
	loop_run(lp);
	tap_is_int(n, 5, "deferred work re-deferring runs on later iterations");
	norder = 0;
	loop_defer(lp, tmark, (void *)&A);
	loop_defer(lp, tmark, (void *)&B);
	loop_defer_cancel(lp, tmark, (void *)&A);
	loop_run(lp);
	order[norder] = 0;
	tap_is_str(order, "b", "loop_defer_cancel drops queued work");

	/* signals through signalfd */
	loop_on_signal(lp, SIGUSR1, on_sig, NULL);
	kill(getpid(), SIGUSR1);
	loop_timer_add(lp, 0.05, stopper, NULL);
	loop_run(lp);
	tap_is_int(sig_got, SIGUSR1, "SIGUSR1 delivered through the loop");

	/* child watching */
	pid_t pid = fork();
	if (!pid)
		_exit(7);
	loop_watch_child(lp, pid, on_child, NULL);
	loop_run(lp);
	tap_ok(child_pid == pid && WIFEXITED(child_st) && WEXITSTATUS(child_st) == 7, "watched child's status delivered");

	/* unwatched child reaped silently; a late watch still gets the status */
	pid = fork();
	if (!pid)
		_exit(9);
	pid_t other = fork();
	if (!other)
		_exit(0);
	loop_watch_child(lp, other, on_child, NULL);
	loop_run(lp); /* reaps both */
	struct timespec ts = { 0, 50000000 };
	nanosleep(&ts, NULL);
	loop_timer_add(lp, 0.05, stopper, NULL);
	loop_run(lp);
	tap_ok(waitpid(pid, NULL, WNOHANG) < 0, "unwatched child was reaped by the loop");
	child_st = -1;
	loop_watch_child(lp, pid, on_child, NULL);
	tap_ok(child_pid == pid && WEXITSTATUS(child_st) == 9, "late watch gets the reaped status");

	loop_free(lp);
	return tap_done();
}
