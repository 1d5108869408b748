/* Handshake layers: an address whose open is "a transport open, then a handshake on each
 * delivered connection" (TLS, DTLS, SOCKS4/4A/5, HTTP CONNECT).
 *
 * The layer runs the transport machinery (sk_open & co.) on an inner struct xio_open whose
 * deliveries come back here; each delivered connection gets a nonblocking handshake driven by
 * loop fd events and bounded by handshake-timeout; when it completes the final endpoint goes
 * to the caller's deliver. A `fork` listener therefore keeps accepting while any number of
 * handshakes are in flight, all in one process.
 *
 * op->priv holds the struct layer; the inner open's priv holds the transport state. */
#ifndef DUCT_XIO_LAYER_H
#define DUCT_XIO_LAYER_H

#include <stdbool.h>
#include <stdint.h>

#include "xio/resolver.h"
#include "xio/socket.h"

#define LAYER_DEFAULT_TIMEOUT 60.0

struct layer;
struct lconn;

enum lstep {
	LSTEP_READ,  /* wait until the fd is readable, then call step again */
	LSTEP_WRITE, /* wait until writable */
	LSTEP_BOTH,  /* either */
	LSTEP_WAIT,  /* only a layer timer or a kick will call step again (DTLS retransmission,
			a name still being looked up) */
	LSTEP_DONE,  /* handshake complete: deliver c->ep */
	LSTEP_FAIL,  /* failed; the error was logged */
};

struct layer_vt {
	const char *what;                 /* "TLS handshake", "SOCKS5 handshake": for messages */
	/* Set up per-connection state on c (c->ep is the transport endpoint, c->fd its fd).
	 * Returns 0, or -1 (logged). */
	int (*begin)(struct lconn *c);
	/* Make progress; events are what the loop reported (0 on the first call and on timers). */
	enum lstep (*step)(struct lconn *c, uint32_t events);
	/* Free the per-connection state (c->st) when the handshake does not complete, or after
	 * done when the state is not handed over to the endpoint. May be NULL. */
	void (*drop)(struct lconn *c);
	/* Free the per-open configuration. May be NULL. */
	void (*free_cfg)(void *cfg);
};

struct lconn {
	struct layer *L;
	struct endpoint *ep;  /* transport endpoint (owned until delivered) */
	int fd;
	void *st;             /* the handshake's state */
	struct loop_timer *timer;  /* handshake-timeout */
	struct loop_timer *ltimer; /* layer's own timer (layer_conn_timer) */
	uint32_t events;      /* registered events, 0: not registered */
	bool kicked;          /* a layer_conn_kick() is queued */
	bool awaits_lookup;   /* stepped into LSTEP_WAIT for the layer's lookup */
	double started;
	char peer[320];       /* "127.0.0.1:443" for messages */
	struct lconn *prev, *next;
};

struct layer {
	struct xio_open *op;    /* the caller's open */
	struct xio_open inner;  /* the transport open */
	const struct layer_vt *vt;
	void *cfg;
	double timeout;         /* handshake-timeout, seconds */
	unsigned inflight;
	struct lconn *conns;
	bool inner_done;        /* the transport delivers no more */
	bool inner_layered;     /* the transport is itself a layer (WebSocket over TLS): stopped
				   and resumed with layer_stop/layer_resume, not sk_stop/sk_resume */
	int depth;              /* calls out to the runner in progress */
	bool dead;              /* stopped while depth > 0: free on the way out */
	/* A client whose handshake fails is opened again, as socat does, under its retry=,
	 * forever and interval: the transport open and a copy of its options are kept. */
	int (*inner_open)(struct xio_open *inner, void *arg);
	void *inner_arg;
	bool client;                   /* layer_retry_failed_handshakes() */
	struct opt_list saved_opts;
	long long retries;
	bool forever;
	double interval;
	struct loop_timer *retry_timer;
	/* layer_lookup_start(): the lookup in flight, then its addresses (kept for retries) */
	struct resolve_job *lookup;
	struct sa_list looked_up;
	void (*lookup_failed)(struct layer *L, const char *err);
};

/* Create a layer for op: takes handshake-timeout from op->opts (so take every option of your
 * own before or after, but before layer_run), moves op->opts to the inner open. */
struct layer *layer_new(struct xio_open *op, const struct layer_vt *vt, void *cfg);
/* Run the transport open (e.g. ipstream_connect_open(&L->inner, ...)). On failure the layer
 * is freed (cfg with it) and -1 returned. */
int layer_run(struct layer *L, int (*inner_open)(struct xio_open *inner, void *arg), void *arg);
/* A client: a failed handshake opens the transport again under retry=/forever/interval
 * (call before layer_run). */
void layer_retry_failed_handshakes(struct layer *L);
/* Free a layer that was never run. */
void layer_discard(struct layer *L);

/* Handler hooks for every layered family. */
void layer_stop(struct xio_open *op);
void layer_resume(struct xio_open *op);

/* Schedule a call of step(c, 0) after seconds (replaces a pending one); 0 cancels. */
void layer_conn_timer(struct lconn *c, double seconds);

/* Call step(c, 0) from the loop soon (not from inside this call). */
void layer_conn_kick(struct lconn *c);

/* A name the handshake itself needs (the SOCKS4 target, proxy-resolve's target): unless
 * sk_lookup_in_place() says to look it up here and now (call it before layer_new),
 * layer_lookup_start() (after layer_new, before layer_run) starts the lookup in a
 * thread, in parallel with the transport's connect; a failed lookup calls failed(L, err)
 * (which logs) and fails the open with status 1, even while the handshake has not begun.
 * Returns 0, or -1 when it failed at once (failed was called; layer_discard L). */
int layer_lookup_start(struct layer *L, const struct resolve_query *q,
		       void (*failed)(struct layer *L, const char *err));
/* For step: true with the addresses looked up; false while the lookup runs (return
 * LSTEP_WAIT: step is called again when they are there). */
bool layer_lookup_ready(struct lconn *c, const struct sa_list **addrs);

/* No handshake-timeout from now on (SOCKS5 BIND waiting for its peer). */
void layer_conn_untimed(struct lconn *c);

/* Transport helper: a TCP connect (SK_CONNECT, with the address's ip/socket/retry/fork
 * options) to host:port; port may be a service name. For inner_open callbacks. */
int layer_tcp_connect(struct xio_open *inner, const char *host, const char *port);

/* Messages: "<typed>: " prefix. */
const char *layer_name(const struct lconn *c);

#endif
