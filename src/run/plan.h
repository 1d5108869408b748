/* A relay plan: what both front ends (socat's command line in src/cli/, nc's flags in src/nc/)
 * produce, and what run.c executes: open address 1, then for each endpoint it delivers open
 * address 2 and start a session; fork listeners deliver many, each a session in the loop. */
#ifndef DUCT_PLAN_H
#define DUCT_PLAN_H

#include <signal.h>
#include <stdbool.h>

#include "relay/session.h"
#include "xio/xio.h"

struct plan_hooks;

/* -S's default (bit n stands for signal n): the signals that end a run, logged, with status
 * 128+signal, as socat's default 0x89de. Those someone sends to stop a program (HUP: its
 * terminal went away; INT, QUIT: the keyboard; TERM: kill's default) and those a crash raises
 * (ILL, ABRT, BUS, FPE, SEGV). Left out: USR1 (the loop logs statistics), PIPE (ignored: a
 * write reports EPIPE), CHLD (child reaping), ALRM, USR2 and the rest (their default action). */
#define RUN_CATCH_MASK_DEFAULT                                                                   \
	(1ul << SIGHUP | 1ul << SIGINT | 1ul << SIGQUIT | 1ul << SIGILL | 1ul << SIGABRT |        \
	 1ul << SIGBUS | 1ul << SIGFPE | 1ul << SIGSEGV | 1ul << SIGTERM)

struct run_plan {
	const char *addr_text[2];     /* the two addresses as given */
	struct addr_spec *spec[2];
	struct xio_bi bi[2];
	struct relay_config relay;
	/* -r/-R names with something to expand ($$, $TIMESTAMP, $<PREFIX>_PEERADDR...): each
	 * session opens its own files (relay.sniff_fd is then -1). NULL: none, or opened once. */
	const char *sniff_name[2];
	struct xio_globals xg;
	const char *lockfile;         /* -L / -W */
	bool lock_wait;
	bool dump_fds;                /* -D */
	unsigned long catch_mask;     /* -S; RUN_CATCH_MASK_DEFAULT */
	const char *session_log;      /* --session-log=FILE ("-": stderr), NULL: none */
	const char *control_path;     /* --control=PATH, NULL: none */
	/* Optional front-end callbacks (nc prints its own messages). */
	const struct plan_hooks *hooks;
	void *hooks_arg;
};

struct plan_hooks {
	/* An endpoint of address idx (1 or 2) was opened (nc: "Connection received on ..."). */
	void (*opened)(void *arg, int idx, struct endpoint *ep);
	/* Opening address idx failed. */
	void (*failed)(void *arg, int idx);
	/* Address idx (a server) is bound and listening, before its first accept or datagram
	 * (nc: "Listening on ..." only once the bind worked). */
	void (*listening)(void *arg, int idx, const struct sockaddr *sa, socklen_t len);
	/* A system call ("bind", "listen", "connect") failed for good while opening address idx.
	 * When set, the engine logs its own line at info level only: the front end reports it
	 * (nc: "nc: Address already in use"). failed() follows as usual. */
	void (*open_error)(void *arg, int idx, const char *call, int err, const struct sockaddr *sa, socklen_t len);
	/* A listener of address idx turned a peer away before reading a byte (range=, allow=,
	 * deny=, ...): why is "range", "allow", "deny", "sourceport" or "lowport". */
	void (*refused)(void *arg, int idx, const struct sockaddr *sa, socklen_t len, const char *why);
};

void run_plan_init(struct run_plan *p);
/* Parse and resolve p->addr_text[0..1] into spec/bi. Error printed; returns -1. */
int run_plan_resolve(struct run_plan *p);
/* Execute; returns the process exit status (0, 1, 128+signal...). */
int run_plan_run(struct run_plan *p);
void run_plan_free(struct run_plan *p);

#endif
