/* A small event loop in the manner of Redis's ae.c: epoll for fds, a timer heap, child
 * reaping and signals through signalfd. One loop drives every session of the process. */
#ifndef DUCT_LOOP_H
#define DUCT_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;
struct loop_timer;

/* events: EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP bits as delivered by epoll. */
typedef void (*loop_fd_fn)(struct loop *lp, int fd, uint32_t events, void *arg);
typedef void (*loop_timer_fn)(struct loop *lp, void *arg);
typedef void (*loop_child_fn)(struct loop *lp, pid_t pid, int status, void *arg);
typedef void (*loop_signal_fn)(struct loop *lp, int signo, void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *lp);

/* Register fd (edge-triggered unless events lacks EPOLLET; pass what you want). Returns -1
 * with errno EPERM for fds epoll can't watch (regular files, /dev/null): such fds are
 * always ready and the caller must not wait for them. */
int loop_add_fd(struct loop *lp, int fd, uint32_t events, loop_fd_fn fn, void *arg);
int loop_mod_fd(struct loop *lp, int fd, uint32_t events);
void loop_del_fd(struct loop *lp, int fd);

/* One-shot timers, in seconds (fractions allowed). */
struct loop_timer *loop_timer_add(struct loop *lp, double seconds, loop_timer_fn fn, void *arg);
void loop_timer_cancel(struct loop *lp, struct loop_timer *t);
/* Run fn once at the next iteration, before waiting (work that is ready without an event). */
void loop_defer(struct loop *lp, loop_timer_fn fn, void *arg);

/* Call fn when the child exits (status as from waitpid). Children not watched are reaped
 * silently. */
int loop_watch_child(struct loop *lp, pid_t pid, loop_child_fn fn, void *arg);
/* Deliver signo through the loop (blocked and read from a signalfd). */
int loop_on_signal(struct loop *lp, int signo, loop_signal_fn fn, void *arg);

/* Monotonic time in seconds. */
double loop_now(void);

/* Run until loop_stop() or until nothing is registered (no fds, timers, deferred work or
 * watched children). Returns 0. */
int loop_run(struct loop *lp);
void loop_stop(struct loop *lp);
/* How many fds are registered (for tests and leak checks). */
size_t loop_nfds(const struct loop *lp);

#endif
