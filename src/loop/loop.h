/* A small event loop in the manner of Redis's ae.c: epoll for fds, a timer heap, child
 * reaping and signals through signalfd. One loop drives every session of the process. */
#ifndef DUCT_LOOP_H
#define DUCT_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;
struct loop_timer;

/* The event bits of loop_add_fd, loop_mod_fd and the fd callbacks: the loop's own names, so
 * its users need not know that it runs on epoll (loop.c checks they keep epoll's values). */
#define LOOP_IN    0x001u     /* readable (or a listener has a connection) */
#define LOOP_OUT   0x004u     /* writable (or a nonblocking connect has ended) */
#define LOOP_ERR   0x008u     /* an error is pending (always reported) */
#define LOOP_HUP   0x010u     /* hung up (always reported) */
#define LOOP_RDHUP 0x2000u    /* the peer has shut down its writing side: its FIN is in */
#define LOOP_ET    (1u << 31) /* edge-triggered: report a change once, not a state each round */

/* events: LOOP_IN, LOOP_OUT, LOOP_ERR, LOOP_HUP, LOOP_RDHUP bits as they happened. */
typedef void (*loop_fd_fn)(struct loop *lp, int fd, uint32_t events, void *arg);
typedef void (*loop_timer_fn)(struct loop *lp, void *arg);
typedef void (*loop_child_fn)(struct loop *lp, pid_t pid, int status, void *arg);
typedef void (*loop_signal_fn)(struct loop *lp, int signo, void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *lp);

/* Register fd (edge-triggered when events has LOOP_ET; pass what you want). Returns -1
 * with errno EPERM for fds epoll can't watch (regular files, /dev/null): such fds are
 * always ready and the caller must not wait for them. */
int loop_add_fd(struct loop *lp, int fd, uint32_t events, loop_fd_fn fn, void *arg);
int loop_mod_fd(struct loop *lp, int fd, uint32_t events);
void loop_del_fd(struct loop *lp, int fd);
/* Like loop_del_fd without the epoll_ctl call, for an fd the caller closes right away and
 * holds the only reference to (closing it removes it from the epoll set; events still queued
 * for it are dropped by the generation check). Saves a syscall per fd on session teardown. */
void loop_forget_fd(struct loop *lp, int fd);

/* One-shot timers, in seconds (fractions allowed). Once a timer has fired its handle is
 * invalid (the callback should forget it); cancel only timers that have not fired. */
struct loop_timer *loop_timer_add(struct loop *lp, double seconds, loop_timer_fn fn, void *arg);
void loop_timer_cancel(struct loop *lp, struct loop_timer *t);
/* Run fn once at the next iteration, before waiting (work that is ready without an event). */
void loop_defer(struct loop *lp, loop_timer_fn fn, void *arg);
/* Drop queued (not yet run) deferred calls matching fn and arg (before freeing arg). */
void loop_defer_cancel(struct loop *lp, loop_timer_fn fn, void *arg);

/* Call fn when the child exits (status as from waitpid). Children not watched are reaped
 * silently. */
int loop_watch_child(struct loop *lp, pid_t pid, loop_child_fn fn, void *arg);
/* (If the child was already reaped by the loop, fn is called right away from inside
 * loop_watch_child.) Stop watching: the child will be reaped silently. */
void loop_unwatch_child(struct loop *lp, pid_t pid);
/* SIGCHLD (from loop_new) and loop_on_signal signals are blocked process-wide for the
 * signalfd; the mask is inherited through fork and exec. Call this in a forked child before
 * exec (or before running its own loop-less code) to restore the original signal mask. */
void loop_child_after_fork(void);
/* Deliver signo through the loop (blocked and read from a signalfd). */
int loop_on_signal(struct loop *lp, int signo, loop_signal_fn fn, void *arg);

/* Monotonic time in seconds. */
double loop_now(void);
/* loop_now() as of the current wakeup (one clock read per epoll_wait, not one per read and
 * write): for activity stamps, whose timeouts count in seconds */
double loop_woke_at(void);

/* Run until loop_stop() or until nothing is registered (no fds, timers, deferred work or
 * watched children). Returns 0. */
int loop_run(struct loop *lp);
void loop_stop(struct loop *lp);
/* In a freshly forked child that serves one session on its own (classic fork, options that
 * need a process): close every fd the parent's loop watched except those in keep[] (nkeep),
 * forget timers, deferred work and child watchers, and give the loop a new epoll instance
 * and signalfd (signal handlers stay registered). Kept fds stay open but are no longer
 * registered (register them again). */
int loop_after_fork(struct loop *lp, const int *keep, size_t nkeep);
/* Can the loop watch fd at all? False for fds epoll refuses (regular files, /dev/null): they
 * are always ready, and loop_add_fd would fail with EPERM. */
bool loop_can_watch(int fd);
/* How many fds are registered (for tests and leak checks). */
size_t loop_nfds(const struct loop *lp);

#endif
