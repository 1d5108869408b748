/* Internal to the socket machinery (socket.h), split by role: socket.c (the open, its life cycle,
 * option phases, socket creation and bind, endpoints and the hand-over), socket_client.c (connect and
 * the datagram clients), socket_listen.c (listen, accept and the delivery of each connection),
 * socket_dgram.c (the datagram endpoint layer, UDP-LISTEN, *-RECVFROM, *-RECV) and socket_opts.c
 * (option intake). Not for the families: they use socket.h. */
#ifndef DUCT_XIO_SOCKET_INT_H
#define DUCT_XIO_SOCKET_INT_H

#include <stdbool.h>
#include <sys/socket.h>

#include "common/text_size.h"
#include "xio/conn_rate.h"
#include "xio/core.h"
#include "xio/listener.h"
#include "xio/per_ip.h"
#include "xio/socket.h"

#define ACCEPT_BATCH 64
#define DGRAM_MAX 65536

struct sk {
	struct xio_open *op;
	struct sk_req rq;
	struct opt_list tmpl;      /* before the per-socket phases */
	struct opt_list conn_tmpl; /* servers: after the listener's phases */
	bool have_conn_tmpl;
	int fd;                    /* connecting / listening / receiving socket */
	bool polling;              /* fd is registered in the loop */
	bool listening;            /* a server socket is ready to accept/receive */
	size_t cand;               /* connect candidate */
	int unix_stage;            /* UNIX-CLIENT: 0 stream, 1 dgram, 2 seqpacket */
	/* options */
	char *bind_text;
	struct sk_filter f;        /* range, allow/deny, sourceport, lowport */
	int send_proxy;            /* send-proxy: PROXY protocol version, 0: none */
	bool fork;
	long long retries;
	bool forever;
	double interval;
	double connect_timeout;    /* 0: none */
	double accept_timeout;     /* 0: none */
	int backlog;
	bool tight;                /* unix-tightsocklen */
	bool bind_tempname;
	char *tempname_tmpl;
	/* state */
	struct loop_timer *timer;  /* retry, connect timeout, client-fork interval, emfile */
	struct loop_timer *atimer; /* accept-timeout */
	bool paused_children;
	bool paused_emfile;
	struct conn_rate crate;     /* max-conn-rate= */
	bool paused_rate;           /* ... this second's connections are used up */
	struct loop_timer *rtimer;  /* ... until it fires */
	struct per_ip *perip;       /* max-per-ip=, NULL: none */
	bool emfile_warned;
	bool path_created;         /* we bound rq.path: ours to remove */
	dev_t path_dev;            /* ... the socket file we made there (removed only if still it) */
	ino_t path_ino;
	char *client_path;         /* UNIX client bound to this path (removed at close) */
	struct listener_life life; /* failing, delivering, the open call (listener.h) */
	bool unix_eagain;          /* UNIX connect got EAGAIN: try again on the timer */
	double unix_deadline;
	unsigned char *dgbuf;
	bool announced;            /* on_listening was called */
	struct resolve_job *resolving; /* rq.name being looked up */
	int netns_fd;              /* netns=: the namespace every socket of this open is made in
				      (later attempts too, when xio_open_start has switched back);
				      -1: none */
	/* the failed call behind the next sk_fail, for on_open_error (err 0: none) */
	const char *fail_call;
	int fail_err;
	struct sa_addr fail_addr;
};

#define DGF_SENDTO  0x01 /* write = sendto(peer) */
#define DGF_PEERONLY 0x02 /* read: only datagrams from peer (address and port) */
#define DGF_RANGE   0x04 /* read: only datagrams in range / sourceport / lowport */
#define DGF_PREREAD 0x08 /* one datagram was read already (RECVFROM) */
#define DGF_ANC     0x10 /* read with recvmsg and report the ancillary data (RECV) */

struct dg_ctx {
	unsigned flags;
	union sockaddr_any peer;
	socklen_t peerlen;
	unsigned char *pkt;
	size_t pktlen;
	bool pkt_ready;
	bool has_range;
	struct sa_range range;
	int sourceport;
	bool lowport;
	bool raw_ip;
	struct endpoint_ops ops;
};

/* socket.c */
const char *sk_sainfo(const void *sa, socklen_t len, char *buf, unsigned buflen);
int sk_list_dup(const struct opt_list *from, struct opt_list *to);
void sk_apply(struct sk *s, enum opt_phase ph, int fd, const char *path, int *rc);
bool sk_is_dgram_type(int type);
void sk_unlink_own_socket(struct sk *s);
void sk_close_fd(struct sk *s);
void sk_drop_client_path(struct sk *s);
void sk_destroy(struct sk *s);
/* A step failed for good (logged, not to be retried): close the socket, fail the open; -1. */
int sk_give_up(struct sk *s);
void sk_set_fail(struct sk *s, const char *call, int err, const struct sockaddr *sa, socklen_t len);
/* A step failed: the next resolved address, else a retry after interval, else the end. */
void sk_fail(struct sk *s, bool retryable, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int sk_reset_opts(struct sk *s);
/* own: a socket made or accepted here (pollable, no tty, nobody else holds it) */
struct endpoint *sk_new_ep(struct xio_open *op, int fd, bool dgram, const char *desc, bool own);
void sk_export_env(const struct xio_open *op, struct endpoint *ep, int fd, const struct sockaddr *peer,
		   socklen_t peerlen);
/* Hand ep over; more: a fork listener or client goes on. False when s is gone (or must not
 * be touched): one-shot, stopped meanwhile, a per-connection process. */
bool sk_hand_over(struct sk *s, struct endpoint *ep, bool more);
/* fork servers: each connection gets a copy of the options after the listener's phases */
int sk_conn_opts_begin(struct sk *s, struct opt_list *saved);
void sk_conn_opts_end(struct sk *s, struct opt_list *saved, int swapped);
bool sk_children_full(struct sk *s);
/* The fd, or -1 (failed through sk_fail) or -2 (an option failed: the caller gives up). */
int sk_create_socket(struct sk *s, int family, int type, int protocol);
int sk_bind_logged(int fd, const struct sockaddr *sa, socklen_t len);
int sk_do_bind(struct sk *s, const struct sockaddr *sa, socklen_t len);
/* One try of the open by role: connect, or set up the server and wait. */
void sk_attempt(struct sk *s);

/* socket_client.c */
void sk_attempt_client(struct sk *s);
void sk_client_fork_next(struct loop *lp, void *arg);

/* socket_listen.c */
void sk_update_polling(struct sk *s);
void sk_arm_accept_timeout(struct sk *s);
bool sk_server_peer_ok(struct sk *s, const struct sockaddr *sa, socklen_t len, const char *what);
/* Create, bind, listen, watch: 0, or -1 (failed, handled). */
int sk_server_setup(struct sk *s);
void sk_pause_emfile(struct sk *s, int e);
void sk_pause_children(struct sk *s);
/* An accepted (or UDP-LISTEN's connected) socket c becomes a session: false when the
 * listener is gone. */
bool sk_serve_conn(struct sk *s, int c, const union sockaddr_any *pa, socklen_t pl, bool dgram);
/* The one delivery path of the servers (accept, UDP-LISTEN, *-RECVFROM, *-RECV): deliver ep
 * and end the listener (one-shot: returns false), or deliver ep, give the listener back its
 * own options (saved, swapped: sk_conn_opts_begin) and keep listening (fork: true unless the
 * listener is gone meanwhile). */
bool sk_deliver_conn(struct sk *s, struct endpoint *ep, struct opt_list *saved, int swapped);
/* No endpoint could be made for a connection (the caller closed what it had): a one-shot
 * listener fails (false), a fork listener goes on (true). */
bool sk_conn_failed(struct sk *s, struct opt_list *saved, int swapped);

/* socket_dgram.c */
struct dg_ctx *sk_dg_attach(struct endpoint *ep, unsigned flags);
void sk_on_dgram_ready(struct loop *lp, int fd, uint32_t events, void *arg);
void sk_recv_deliver(struct sk *s);

/* socket_opts.c */
int sk_take_common(struct sk *s);
void sk_fix_unix_lengths(struct sk *s);

#endif
