/* A session: two open endpoints and the two directions between them, with socat's transfer
 * semantics (EOF passing and half-close, -t closing wait, -T inactivity, -u/-U, line
 * terminator conversion, -v/-x dumps, -r/-R sniffing, statistics). Many sessions share one
 * loop. Plain stream-to-stream directions move data with splice(2). */
#ifndef DUCT_SESSION_H
#define DUCT_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "relay/endpoint.h"
#include "loop/loop.h"

enum relay_dir { RELAY_BOTH = 0, RELAY_LEFT_TO_RIGHT = 1 /* -u */, RELAY_RIGHT_TO_LEFT = 2 /* -U */ };

enum relay_io_verdict { RELAY_IO_DEFAULT, RELAY_IO_EOF, RELAY_IO_REPORTED };

struct relay_config {
	size_t bufsize;            /* -b; 0 = engine's default */
	bool bufsize_explicit;     /* -b given: every read/write/splice step at most bufsize */
	double closing_timeout;    /* -t, default 0.5 */
	double inactivity_timeout; /* -T, < 0: none */
	enum relay_dir dir;
	bool dump_text;            /* -v */
	bool dump_hex;             /* -x */
	int sniff_fd[2];           /* -r (left->right) and -R (right->left) raw copies, -1: none */
	bool sniff_owned[2];       /* the session closes that sniff_fd at its end (a file of its own) */
	bool statistics;           /* --statistics */
	bool sloppy;               /* -s */
	bool nosplice;             /* debugging/benchmark switch: force the buffered path */
	/* --rate-limit: bytes per second read by all sessions of this process together, 0: no
	 * limit (a --fork-process child has a limit of its own) */
	unsigned long long rate_limit;
	/* Pacing, per direction ([0]: address 1 -> 2, [1]: 2 -> 1, as sniff_fd), in seconds,
	 * 0: none. A block read waits pause_before_write before it is written (ncat -d); after
	 * a block is written the direction reads nothing for pause_after_write (OpenBSD nc -i).
	 * Paced directions take the buffered path; the loop's timers wait, nothing blocks. */
	double pause_before_write[2];
	double pause_after_write[2];
	/* A read from (writing false) or a write to (writing true) address idx (1 or 2) failed
	 * with err. NULL, or RELAY_IO_DEFAULT: socat's error line and the end (exit 1). A front
	 * end with its own rules answers RELAY_IO_EOF (no more data that way, quietly: nc.openbsd
	 * on a reset connection) or RELAY_IO_REPORTED (it printed the message; end with 1). */
	enum relay_io_verdict (*io_error)(void *arg, int idx, bool writing, int err);
	/* Per direction (index as sniff_fd): an error or hangup reported on its destination fd
	 * (a write-only fd: the reader of a pipe has gone, a tty hung up) ends that direction at
	 * once, as EOF, dropping what it holds, instead of waiting for a write to fail. nc.openbsd
	 * and ncat poll stdout and stop reading the network when it goes. */
	bool out_gone_ends[2];
	void *io_error_arg;
};
void relay_config_defaults(struct relay_config *c);

struct session;

/* status: 0 normal end (EOF handled, inactivity timeout), 1 error (logged), or the value
 * the engine settled on from a child's exit (1 when an EXEC child exited non-zero). */
typedef void (*session_done_fn)(struct session *s, int status, void *arg);

/* Takes ownership of both endpoints (closed when the session ends). a = first address. */
struct session *session_start(struct loop *lp, const struct relay_config *cfg, struct endpoint *a,
			      struct endpoint *b, session_done_fn done, void *arg);
/* End a session now (signal, shutdown): close both sides, call done with status. */
void session_abort(struct session *s, int status);
/* Log the per-direction statistics (--statistics, SIGUSR1). */
void session_log_statistics(const struct session *s);
/* Number of sessions alive in this process. */
size_t session_count(void);
void session_foreach(void (*fn)(struct session *s, void *arg), void *arg);

#endif
