/* The socket open machinery shared by every network family: socket() -> options by phase ->
 * bind -> connect (nonblocking, through the loop, with connect-timeout) or listen (accept loop
 * with fork/max-children/range/accept-timeout), the datagram servers (UDP-LISTEN's peek and
 * connect, *-RECVFROM one-shot sessions), the datagram clients (SENDTO, DATAGRAM), and the
 * retry machinery (retry/forever/interval on loop timers). Family files (tcp.c, udp.c, unix.c,
 * ...) parse their parameters into a struct sk_req and call sk_open(). */
#ifndef DUCT_XIO_SOCKET_H
#define DUCT_XIO_SOCKET_H

#include <stdbool.h>

#include "xio/resolver.h"
#include "xio/sockaddr.h"
#include "xio/xio.h"

/* handler->arg for families with variants: the address family in the low 16 bits, the
 * protocol (IPPROTO_UDPLITE, ...) above. */
#define XARG(fam, proto) ((fam) | ((proto) << 16))
#define XARG_FAM(a) ((a) & 0xffff)
#define XARG_PROTO(a) (((a) >> 16) & 0xffff)

enum sk_role {
	SK_CONNECT,     /* stream/seqpacket connect: TCP, UNIX-CONNECT, SCTP, DCCP, VSOCK, SOCKET- */
	SK_LISTEN,      /* listen + accept */
	SK_DG_CONNECT,  /* connect()ed datagram socket: UDP-CONNECT */
	SK_DG_SENDTO,   /* unconnected; send to the peer, take replies only from it */
	SK_DG_DATAGRAM, /* unconnected; send to the peer, take anything in range */
	SK_DG_RECVFROM, /* bound; one datagram per session, replies to its sender */
	SK_DG_RECV,     /* bound; read-only sink merging all senders */
	SK_DG_LISTEN,   /* UDP-LISTEN: the first sender becomes the connected peer */
};

struct sk_req {
	enum sk_role role;
	int domain;                  /* AF_INET, AF_INET6, AF_UNSPEC (IP: decided per address), AF_UNIX... */
	int type, protocol;
	struct sa_list peers;        /* connect/send targets, tried in order (owned) */
	struct sa_addr local;        /* LISTEN/RECV*: the address to bind */
	bool has_local;
	/* bind= and range= parsed by the family already (generic sockets: their raw notation);
	 * sk_open then leaves the options alone */
	struct sa_addr bind;
	bool has_bind;
	struct sa_range range;
	bool has_range;
	/* connect to a name looked up off the loop (sk_req_set_peers): peers are empty until
	 * the lookup is done; name's strings are owned */
	bool resolve_later;
	struct resolve_query name;
	const char *proto_name;      /* "tcp", "udp", "sctp", "dccp": for service names */
	const char *listen_word;     /* "UDP " in "listening on UDP AF=2 ..." ("" by default) */
	char *path;                  /* NAMED: the socket file this address binds (owned) */
	bool abstract;               /* UNIX abstract namespace (no file) */
	bool unlink_close;           /* remove path when the address closes */
	bool auto_reuseaddr;         /* SO_REUSEADDR=1 unless reuseaddr= was given (TCP listeners) */
	bool unix_client;            /* UNIX-CLIENT: stream, then datagram, then seqpacket */
	bool raw_ip;                 /* raw IP: no ports in addresses */
	int inherited_fd;            /* ACCEPT-FD: an inherited listening socket, else -1 */
	const char *desc;            /* endpoint description ("socket") */
	/* SK_DG_LISTEN: who may become the peer (NULL: the first sender, as UDP-LISTEN). Called
	 * when a datagram from a sender that range/allow/deny/sourceport let through waits on
	 * the listening socket fd: returns 1 with the sender to connect to in pa and pl, 0 when
	 * it answered or dropped what it read and more may wait, -1 when it has nothing to let
	 * through now (a datagram still queued wakes the loop again). The DTLS server's cookie
	 * exchange (dtls.c). */
	int (*dg_gate)(void *arg, int fd, union sockaddr_any *pa, socklen_t *pl);
	void *dg_gate_arg;
};

void sk_req_init(struct sk_req *rq, enum sk_role role, int domain, int type, int protocol);
void sk_req_free(struct sk_req *rq);
/* Fill rq->peers for a connect to host:port (rq's domain, type and protocol, op's resolver
 * options): a name is looked up when the open starts, in a thread (see resolver.h) if op
 * runs in a loop of many sessions; literals and per-connection processes resolve here.
 * Returns 0, or -1 with the error logged and rq freed. */
int sk_req_set_peers(struct xio_open *op, struct sk_req *rq, const char *host, const char *port);
/* The same choice for a name looked up apart from a connect (the SOCKS4 target): true when
 * it is looked up here and now (see resolver.h), with op's res-* options left in place. */
bool sk_lookup_in_place(const struct xio_open *op, const char *host);

/* The family for an IP address: the handler's (AF_INET/AF_INET6), else pf=, else AF_UNSPEC.
 * Takes pf. Returns -1 (logged) on a bad pf value. */
int sk_ip_family(struct xio_open *op, int handler_family);
/* Resolution flags from ai-* options and the role (takes them); -1 (logged) when a res-*
 * option cannot be applied. */
int sk_resolve_flags(struct xio_open *op, bool passive);
/* Take and apply the res-* resolver options: 1 when one was given (they change this thread's
 * resolver state only: the lookup must stay in this thread), 0 when none, -1 (logged) when
 * res-nsaddr names no address. */
int sk_take_resolver_opts(struct xio_open *op);

/* Run the open; takes ownership of rq's allocations (rq itself may be on the stack).
 * Returns 0 when an endpoint was or will be delivered, -1 (logged) on failure. */
int sk_open(struct xio_open *op, struct sk_req *rq);
/* handler stop/resume hooks for every family using sk_open */
void sk_stop(struct xio_open *op);
void sk_resume(struct xio_open *op);

/* Who a server lets in: range=, allow=/allow-file=, deny=/deny-file=, sourceport=, lowport=. */
struct sk_filter {
	bool has_range;
	struct sa_range range;
	struct sa_rangelist allow, deny; /* n == 0: none */
	int sourceport;                  /* -1: none */
	bool lowport;
	struct sk_filter_src *src;       /* what allow and deny were built from, for reload */
	size_t nsrc;
	struct sk_filter *next_live;     /* filter_reload.c's list of the filters with sources */
};
/* Take those options from op->opts into f (family_hint for range=). -1 (logged) on a bad value. */
int sk_filter_take(struct xio_open *op, struct sk_filter *f, int family_hint);
/* true when sa passes f; else the refusal is logged ("refusing <what> from ...") and reported
 * to the front end (g->on_refused). */
bool sk_filter_ok(struct xio_open *op, const struct sk_filter *f, const struct sockaddr *sa, socklen_t len,
		  const char *what);
void sk_filter_free(struct sk_filter *f);
/* filter_reload.c: record one allow/deny source of f (a file name or an inline list) so that
 * xio_reload_filters() can build the lists again; forget them all (sk_filter_free does). */
void sk_filter_remember(struct sk_filter *f, bool file, bool deny, const char *text);
void sk_filter_forget(struct sk_filter *f);

/* Log an address-level error: "<typed>: <what>". */
void sk_addr_error(struct xio_open *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Set op->needs_process when the sessions of a multi-shot open need their own process. */
void sk_check_process_opts(struct xio_open *op);

/* Give an fd as a plain socket endpoint (ACCEPT-FD accepted sockets, TUN, INTERFACE). */
struct endpoint *sk_make_endpoint(struct xio_open *op, int fd, const char *desc, bool dgram);

/* tcp.c: IP stream connect/listen shared by TCP, SCTP and DCCP (params host:port / port). */
int ipstream_connect_open(struct xio_open *op, int type, int protocol, const char *pname);
int ipstream_listen_open(struct xio_open *op, int type, int protocol, const char *pname);
/* The local address of an IP server: bind= host (its port ignored) or the any address of the
 * family chosen from the handler, pf= and -4/-6/-0. Takes bind. */
int sk_ip_local(struct xio_open *op, int fam, const char *port, int type, int protocol, struct sa_addr *out);

/* interface.c: take the iff-* options and set those flags on interface ifname
 * (SIOCGIFFLAGS/SIOCSIFFLAGS). Returns -1 (logged) on failure. */
int iface_take_flags(struct xio_open *op, const char *ifname);
struct ifreq;
/* interface.c: a socket for interface ioctls and ifr zeroed with ifname in it; -1 (logged). */
int iface_ioctl_socket(const char *ifname, struct ifreq *ifr);
/* Apply the phases from..to (inclusive) of op->opts on fd/path; -1 when an option failed. */
int sk_apply_phases(struct xio_open *op, enum opt_phase from, enum opt_phase to, int fd, const char *path);

/* porthold.c: who holds a local port/path? Writes " — port 8080 is held by pid 1234 (socat)"
 * (or a TIME_WAIT hint) into buf; empty when nothing is known. */
void porthold_describe(int domain, int type, int protocol, const struct sockaddr *sa, socklen_t len,
		       char *buf, size_t buflen);

#endif
