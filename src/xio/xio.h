/* Address families. Each src/xio/<family>.c exports one or more handler structs (keyword,
 * aliases, parameters, groups, open steps, and endpoint hooks where a bare fd isn't enough);
 * src/xio/handlers.c lists them all in one table, the way curl lists its protocol handlers. */
#ifndef DUCT_XIO_H
#define DUCT_XIO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "addr/addr.h"
#include "opt/opt.h"
#include "relay/endpoint.h"
#include "loop/loop.h"
#include "xio/process.h"

enum xio_dir { XIO_RDONLY = 1, XIO_WRONLY = 2, XIO_RDWR = 3 };

/* Handler flags */
#define XH_MULTI        0x01u /* may deliver many endpoints (listeners, clients with fork) */
#define XH_EXPERIMENTAL 0x02u /* needs --experimental */
#define XH_NEEDS_TTY    0x04u
#define XH_PEER_INFO    0x08u /* reads the other address's peer info (env_in), as programs do */
#define XH_IN_PROCESS   0x10u /* the other end of its endpoint is served inside this process (hubs):
				 a program that replaces the process (nofork) can't take it over */

/* Process-wide settings from the command line that families need. */
struct xio_globals {
	int ipv;                /* preferred IP version: 4 (default), 6, or 0 (-0) */
	int listen_ipv;         /* SOCAT_DEFAULT_LISTEN_IP (4 or 6): the IP version of a listen,
				   recv or recvfrom address without pf= or a host (socat 1.8);
				   0: as ipv. -4/-6/-0 override it */
	bool experimental;      /* --experimental */
	bool nogroupcheck;      /* -g */
	bool classic_fork;      /* --fork-process: a process per connection, as socat */
	int workers;            /* --workers N: SO_REUSEPORT listener processes */
	bool session_process;   /* this process serves one session a listener forked off
				   (--fork-process, su=, chroot= ...): the listener is the parent */
	bool shared_fds;        /* address 2 opens for one of several sessions served in this
				   process (fork without a process of its own): an inherited fd
				   (STDIO, FD:N) is used through a copy, as a forked child has
				   one, so the session's end leaves the fd for the next one */
	bool peer_env;          /* the other address starts a program: export peer and local
				   addresses (<PREFIX>_PEERADDR ...) for it; else skip (a
				   getsockname per connection) */
	/* Front-end notifications (the runner fills them from the plan's hooks; NULL: none).
	 * on_listening: a server address (index 1 or 2) is bound (and listening), once, before
	 * its first accept or datagram. on_open_error: a system call (call = "bind", "listen",
	 * "connect") failed for good while opening; when set, the engine logs its own error
	 * line at info level only and the front end reports the failure in its own words. */
	void (*on_listening)(void *arg, int index, const struct sockaddr *sa, socklen_t len);
	void (*on_open_error)(void *arg, int index, const char *call, int err, const struct sockaddr *sa,
			      socklen_t len);
	/* on_refused: a listener turned a peer away (range, allow/deny lists, sourceport,
	 * lowport); why names the rule. The engine's own line is a warning. */
	void (*on_refused)(void *arg, int index, const struct sockaddr *sa, socklen_t len, const char *why);
	void *hook_arg;
};

struct xio_open;
/* Called by a handler for each endpoint it produces (once, or once per connection with
 * fork). ep == NULL: the open failed; the error was logged; status says the exit code. */
typedef void (*xio_deliver_fn)(struct xio_open *op, struct endpoint *ep, int status);

struct xio_handler {
	const char *name;             /* canonical keyword, upper case: "TCP4-LISTEN" */
	const char *const *aliases;   /* NULL-terminated, or NULL */
	const char *usage;            /* parameters for help and errors: ":<host>:<port>" */
	int min_params, max_params;
	uint64_t groups;              /* option groups (G(FD) | G(SOCKET) | ...) */
	unsigned dirs;                /* directions supported: XIO_RDONLY|XIO_WRONLY bits */
	int arg;                      /* variant: AF_INET, AF_INET6, AF_UNSPEC, protocol, ... */
	unsigned flags;               /* XH_* */
	/* Start opening. Return 0 when an endpoint was or will be delivered through op->deliver
	 * (immediately for simple opens, later from the loop for connects, accepts, handshakes),
	 * -1 when it failed (error logged). */
	int (*open)(struct xio_open *op);
	/* Stop delivering (listener shutdown, signal) and free op->priv. May be NULL. */
	void (*stop)(struct xio_open *op);
	/* The runner ended a session this open delivered (op->active dropped): a listener that
	 * paused at max-children resumes accepting. May be NULL. */
	void (*resume)(struct xio_open *op);
	const char *help;             /* one line for the man page */
};

/* A resolved single address: handler + spec + option template. */
struct xio_addr {
	const struct xio_handler *h;
	const struct addr_single *spec;
	struct opt_list opts;         /* parsed and group-checked; copied into each open */
};

/* A resolved (possibly dual READ!!WRITE) address. */
struct xio_bi {
	struct xio_addr half[2];
	bool dual;
	const char *text;
};

/* One open in progress. */
struct xio_open {
	const struct xio_handler *h;
	const struct addr_single *spec;
	const char *typed;            /* keyword as typed, for messages */
	struct opt_list opts;         /* this open's options (consumed as applied/taken) */
	unsigned dir;                 /* XIO_RDONLY/WRONLY/RDWR */
	int index;                    /* 1 or 2: position on the command line */
	struct loop *loop;
	const struct xio_globals *g;
	struct endpoint *client;      /* address 2: address 1's connection this open is for (the
					 runner's; an address may speak to it before the session:
					 SOCKS-SERVER), else NULL */
	char *const *env_in;          /* NAME=value pairs from the other address (peer info) for
					 children this open starts; may be NULL */
	const struct endpoint *peer;  /* address 2: the session's endpoint of address 1, whose fds
					 EXEC/SYSTEM nofork hands to its program; else NULL */
	bool is_child_session;        /* the listener's state, inherited by a per-connection
					 process (classic fork): the runner forked after delivery;
					 a stop() in such a child must close fds only and never
					 unlink socket files (addresses the child opens itself see
					 g->session_process instead) */
	xio_deliver_fn deliver;       /* what handlers call: restores the PH_INIT settings of an
					 open still on the stack, then calls deliver_to */
	xio_deliver_fn deliver_to;    /* the caller's */
	void *arg;                    /* the caller's */
	void *priv;                   /* the handler's */
	bool multi;                   /* set by the handler: more deliveries will follow (fork) */
	int max_children;             /* from max-children, 0: unlimited */
	unsigned active;              /* sessions from this open still alive (kept by the runner);
					 a listener stops accepting while active >= max_children */
	bool layered;                 /* priv is a struct layer wrapped around the socket machinery
					 (accept-proxy): sk_stop/sk_resume pass to layer_stop/_resume */
	bool needs_process;           /* set by the handler: sessions it delivers need their own
					 process (su, chroot, setuid... or classic fork) */
	/* PROCESS options (chroot, su, setuid, setsid, chdir, umask, netns), taken from opts by
	 * xio_open_start, which applies their INIT and EARLY parts around h->open. The LATE and
	 * LATE2 parts are applied by xio_finish (once), by EXEC/SYSTEM/SHELL in their child, or by
	 * the runner through xio_apply_process_late() in a per-session process. */
	struct proc_opts proc;
	bool proc_late_done;
};

/* The table (src/xio/handlers.c). */
const struct xio_handler *const *xio_handlers(void);
const struct xio_handler *xio_find(const char *keyword);  /* case-insensitive, aliases too */
const struct xio_handler *xio_suggest(const char *keyword); /* closest name, or NULL */

/* Resolve a parsed address: keyword -> handler, parameter count, option parse + group check.
 * On error writes one line to err (unknown address with a suggestion, the usage line on a
 * wrong parameter count, option errors) and returns -1. */
int xio_resolve(const struct addr_spec *spec, const struct xio_globals *g, struct xio_bi *out,
		char *err, size_t errlen);
void xio_bi_free(struct xio_bi *bi);
/* The address has send-proxy: it needs the other address's peer info too. */
bool xio_bi_sends_proxy(const struct xio_bi *bi);
/* The address runs a program (EXEC, SYSTEM, SHELL) or wants the peer's address (XH_PEER_INFO:
 * CHAT names its members by it): it gets the other address's peer info. */
bool xio_bi_starts_program(const struct xio_bi *bi);
/* The address runs its program in place of duct (EXEC/SYSTEM/SHELL with nofork): no session
 * follows its open; the program gets the other address's fds. */
bool xio_bi_nofork(const struct xio_bi *bi);

/* Start opening one single address (copying its option template). peer: for address 2, the
 * session's endpoint of address 1 (its env goes to the programs this open starts; op->peer
 * and op->client), else NULL. */
int xio_open_start(struct xio_open *op, const struct xio_addr *a, unsigned dir, int index,
		   struct loop *lp, const struct xio_globals *g, struct endpoint *peer,
		   xio_deliver_fn deliver, void *arg);
/* Stop a (multi-shot) open and free what it holds. */
void xio_open_stop(struct xio_open *op);

/* Shared helpers for families (src/xio/common.c). */
/* Apply the data-layer options (cr, crnl, ignoreeof, readbytes, readpackets, escape, shut-*,
 * end-close, null-eof) from op->opts onto ep. */
int xio_take_appl_opts(struct xio_open *op, struct endpoint *ep);
/* The first of those data-layer options present in l (not consumed), or NULL. */
const struct opt_value *xio_appl_opt_present(const struct opt_list *l);
/* Finish an open: apply LATE/LATE2 phases, check for unused options, deliver. */
void xio_finish(struct xio_open *op, struct endpoint *ep);
/* Mark the fd nonblocking and close-on-exec. */
int xio_fd_prepare(int fd);
/* How a nonblocking connect() on fd ended, once the loop reported events for it: 0 when it
 * is connected, else the errno (SO_ERROR; ECONNREFUSED when the loop saw only an error or a
 * hangup). One check for the socket family and nc's port scan. */
int xio_connect_result(int fd, uint32_t events);
/* Fill EPF_RNOPOLL/EPF_WNOPOLL/EPF_ISTTY/EPF_NOSPLICE from fstat of the fds. */
void xio_classify_fds(struct endpoint *ep);
/* Apply the LATE/LATE2 PROCESS options of op (chroot, setsid, then su/setuid/setgid) in the
 * calling process, once. xio_finish calls it, except when the delivered session is going to be
 * served by a forked process (op->multi && op->needs_process && !op->is_child_session): then
 * the runner calls it in that child after the fork. Returns -1 on failure (logged). */
int xio_apply_process_late(struct xio_open *op);
/* open(2) that may wait (a FIFO without a partner, a serial line without carrier) and that
 * the user must still be able to end with a signal: the loop keeps the terminating signals
 * blocked (it reads them from a signalfd), so they are let in for the call, which then fails
 * with EINTR. xio_interrupted_signal() says which signal ended it (0: none). */
int xio_open_interruptible(const char *path, int flags, mode_t mode);
int xio_interrupted_signal(void);
/* Sleep with the same signals let in: -1 (xio_interrupted_signal() set) when one ended it. */
int xio_sleep_interruptible(double seconds);
/* The control socket's reload: the allow=/deny= lists and allow-file=/deny-file= files (ncat
 * --allow/--deny and their files) of every listener in this process are read again; live
 * sessions go on. Returns how many filters were reloaded, or -1 with err set when one failed
 * (that one keeps its lists; the others are reloaded). */
int xio_reload_filters(char *err, size_t errlen);
/* "read-only", "write-only", "read-write" */
const char *xio_dir_mode(unsigned dir);

#endif
