/* Minimal TAP producer for C unit tests (run under prove). */
#ifndef DUCT_TAP_H
#define DUCT_TAP_H

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_n, tap_failed;

/* What the code under test writes to stderr (expected error lines, from us or from forked
 * children) goes to the TAP stream as "# " diagnostics, not raw to the terminal: fd 2 is an
 * unlinked temporary file (append mode), drained before every result line, so an error shows
 * next to the check that provoked it. A crash drains it from the signal handler (sanitizer
 * reports end in abort()). TAP_RAW_STDERR=1 in the environment leaves stderr alone. */
static int tap_err_fd = -1;
static off_t tap_err_off;
static pid_t tap_err_owner;

/* async-signal-safe: read(2)/write(2) only; prefixes each line with "# " */
static void tap_err_drain_raw(void)
{
	char buf[4096];
	ssize_t n;
	int bol = 1;
	if (tap_err_fd < 0 || getpid() != tap_err_owner)
		return;
	while ((n = pread(tap_err_fd, buf, sizeof buf, tap_err_off)) > 0) {
		ssize_t i, start = 0;
		tap_err_off += n;
		for (i = 0; i < n; i++) {
			if (bol && write(1, "# ", 2) < 0)
				return;
			bol = 0;
			if (buf[i] == '\n') {
				if (write(1, buf + start, (size_t)(i + 1 - start)) < 0)
					return;
				start = i + 1;
				bol = 1;
			}
		}
		if (start < n && write(1, buf + start, (size_t)(n - start)) < 0)
			return;
	}
	if (!bol && write(1, "\n", 1) < 0)
		return;
}

static inline void tap_err_drain(void)
{
	fflush(stderr);
	fflush(stdout);
	tap_err_drain_raw();
}

/* installed with SA_RESETHAND: the re-raised signal takes its default action */
static void tap_err_on_crash(int sig)
{
	tap_err_drain_raw();
	raise(sig);
}

__attribute__((constructor)) static void tap_err_capture(void)
{
	static const int crash[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	const char *raw = getenv("TAP_RAW_STDERR");
	const char *dir = getenv("TMPDIR");
	struct sigaction sa;
	int fd;
	if (raw && *raw && strcmp(raw, "0"))
		return;
	fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return; /* no capture: errors stay on stderr */
	fflush(stderr);
	if (dup2(fd, 2) < 0) {
		close(fd);
		return;
	}
	/* fd 2 and tap_err_fd share one open file description: O_APPEND is set on both */
	fcntl(2, F_SETFL, fcntl(2, F_GETFL) | O_APPEND);
	tap_err_fd = fd;
	tap_err_owner = getpid();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tap_err_on_crash;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
		sigaction(crash[i], &sa, NULL);
	atexit(tap_err_drain);
}

static inline void tap_plan(int n)
{
	tap_err_drain();
	printf("1..%d\n", n);
}

static inline int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	tap_err_drain();
	tap_n++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;
	tap_err_drain();
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define tap_is_str(got, want, ...)                                                          \
	do {                                                                                 \
		const char *g_ = (got), *w_ = (want);                                        \
		if (!tap_ok(g_ && w_ ? !strcmp(g_, w_) : g_ == w_, __VA_ARGS__))             \
			tap_diag("got \"%s\", want \"%s\"", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

#define tap_is_int(got, want, ...)                                                 \
	do {                                                                        \
		long long g_ = (long long)(got), w_ = (long long)(want);            \
		if (!tap_ok(g_ == w_, __VA_ARGS__))                                 \
			tap_diag("got %lld, want %lld", g_, w_);                    \
	} while (0)

/* Print the plan at the end ("done_testing") and return the exit status. */
static inline int tap_done(void)
{
	tap_err_drain();
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
