/* The endpoint interface: what the transfer engine needs from an opened address. The engine
 * never includes an address family; families fill this in (src/xio/) and hand it over. */
#ifndef DUCT_ENDPOINT_H
#define DUCT_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum ep_shut {
	EP_SHUT_DEFAULT, /* socket: shutdown(SHUT_WR); separate write fd: close it; else nothing */
	EP_SHUT_DOWN,    /* shut-down */
	EP_SHUT_CLOSE,   /* shut-close */
	EP_SHUT_NONE,    /* shut-none */
	EP_SHUT_NULL,    /* shut-null: send an empty datagram */
};

enum ep_lineterm { EP_LT_RAW, EP_LT_CR, EP_LT_CRNL,
	EP_LT_CRNL_OUT /* crnl-out: LF written as CRLF, input untouched (nc -C) */ };

/* Flags */
#define EPF_READ       0x0001u /* data may be read from rfd */
#define EPF_WRITE      0x0002u /* data may be written to wfd */
#define EPF_DGRAM      0x0004u /* one read = one packet; never spliced; writes keep boundaries */
#define EPF_NOSPLICE   0x0008u /* force the buffered path (ops, tty, ...) */
#define EPF_ONESHOT    0x0010u /* RECVFROM: after one packet the read side is at EOF */
#define EPF_RNOPOLL    0x0020u /* rfd can't be polled (regular file): always ready */
#define EPF_WNOPOLL    0x0040u /* wfd can't be polled: always ready */
#define EPF_IGNOREEOF  0x0080u /* ignoreeof: EOF means "no data yet", re-poll every 1 s */
#define EPF_NULL_EOF   0x0100u /* an empty datagram is EOF (else ignored) */
#define EPF_END_CLOSE  0x0200u /* end-close: close only, no shutdown, no killing the child */
#define EPF_ISTTY      0x0400u
#define EPF_EOF_ENDS   0x0800u /* eof-ends: EOF read here (passed on) ends the whole session */
#define EPF_SOCKET     0x1000u /* rfd/wfd is a socket (the engine skips fstat); set by the socket
			   family for the sockets it made or accepted */
#define EPF_RD_EOF     0x2000u /* nothing unread to drain before close: a read on rfd returned 0
			   (stream EOF), or another process owns the connection now */
#define EPF_RD_LATER   0x4000u /* rfd is a socket this process has just connected: no input can be
			   there yet that registering it with epoll won't report (skip the trial read) */
#define EPF_PTY_CHILD  0x8000u /* rfd is the master of the pty the child's stdio is on: at the end
			   the child gets SIGTERM before the master closes (as socat), else it
			   reads EIO or gets the hangup and exits on it, not on our signal */
#define EPF_COOL_WRITE 0x10000u /* cool-write: EPIPE/ECONNRESET writing here is a notice, and only
			   this direction ends (socat: "socket N to socket M is in error", exit 0) */
#define EPF_POLLABLE   0x20000u /* rfd/wfd can be watched with epoll although fstat calls it a regular
			   file (a POSIX message queue): the engine does not take it for one */
#define EPF_PIPE_SIZED 0x40000u /* the user chose the size of the pipe(s) (f-setpipe-sz): the engine
			   does not grow them for splicing */

struct endpoint;

/* Optional hooks for addresses where a bare fd isn't enough (TLS, SOCKS framing, RECVFROM
 * replies, READLINE...). NULL members fall back to read(2)/write(2)/the shut rule/close(2). */
struct endpoint_ops {
	/* Return bytes, 0 for EOF, or -1 with errno (EAGAIN when it would block). */
	ssize_t (*read)(struct endpoint *ep, void *buf, size_t len);
	ssize_t (*write)(struct endpoint *ep, const void *buf, size_t len);
	int (*shutdown_write)(struct endpoint *ep);
	/* Bytes buffered inside the layer that can be read without the fd being readable. */
	size_t (*pending)(struct endpoint *ep);
	/* Release everything the address owns (fds included). Called once. It must not do
	 * protocol I/O (no TLS close_notify, no proxy goodbye): a listener that hands a
	 * connection to a per-connection process closes its own copy with it. Half-closing
	 * belongs in shutdown_write. */
	void (*close)(struct endpoint *ep);
};

struct ep_unlink;

/* What a family knows about how its side of a session went, for the session log
 * (--session-log) and the control socket: the family fills it in when it learns it, the
 * engine reads it when the session ends. Empty strings: nothing to say. */
struct ep_report {
	char end_reason[24];    /* the protocol's own end: "tls-alert", "ws-close:1001" */
	char error[160];        /* the text that goes with it ("alert 42 (bad certificate)") */
	char peer_subject[256]; /* TLS: the peer certificate's subject */
};

struct endpoint {
	int rfd, wfd;              /* -1 when that direction is absent; may be equal */
	unsigned flags;            /* EPF_* */
	enum ep_shut shut;
	enum ep_lineterm lineterm;
	unsigned long long readbytes; /* 0: unlimited */
	unsigned long long readpackets; /* reads that returned data before this side is at EOF
					   (nc -W), 0: unlimited */
	unsigned long long rate_limit; /* rate-limit=: bytes per second read, 0: unlimited */
	int escape;                /* byte that acts as EOF on input, -1: none */
	pid_t child;               /* EXEC/SYSTEM child or 0; engine reports its exit */
	const struct endpoint_ops *ops;
	void *ctx;                 /* the family's private state */
	struct ep_unlink *unlink_at_close; /* paths removed at close (socket files, links, FIFOs) */
	char **env;                /* NULL-terminated "NAME=value" exported to children opened
				      for the same session (peer/sock addresses), prefix applied */
	char desc[48];             /* e.g. "socket", "pipe", "file" for messages */
	struct ep_report *report;  /* what the family reports, NULL until it does (endpoint_report) */
	/* called once by endpoint_close (not endpoint_close_shared: another process goes on
	   serving), e.g. a listener's per-client count (max-per-ip) */
	void (*on_close)(void *arg);
	void *on_close_arg;
};

struct endpoint *endpoint_new(void);
/* ep's report, made on first use (most endpoints never report anything); never NULL. */
struct ep_report *endpoint_report(struct endpoint *ep);
/* Close fds (or ops->close), signal and forget the child, unlink files, free. */
void endpoint_close(struct endpoint *ep);
/* close(fd), reading away unread input on a stream socket first (no RST, no lost data) */
void endpoint_close_fd(int fd);
/* endpoint_close for a copy whose fds another process goes on serving (--fork-process):
 * no reading away of unread input, which belongs to that process */
void endpoint_close_shared(struct endpoint *ep);
/* Attach a "NAME=value" pair to ep->env (NAME gets the program prefix: DUCT_PEERADDR). */
void endpoint_setenv(struct endpoint *ep, const char *name, const char *value);
/* Remove path at close, but only if it is still the file it is now (lstat identity): a file
 * put in its place meanwhile is left alone, with a warning. */
void endpoint_add_unlink(struct endpoint *ep, const char *path);
/* Drop the list without removing anything (a copy whose files belong to another process). */
void endpoint_forget_unlinks(struct endpoint *ep);

#endif
