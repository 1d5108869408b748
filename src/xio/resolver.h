/* Name resolution off the event loop. getaddrinfo() may wait seconds for a DNS server; inside
 * a fork listener's loop that would stall every session of the process (socat, forking per
 * connection, stalls only the new one). A name that needs the resolver is looked up in a
 * short-lived thread; the loop learns of the result through an eventfd. */
#ifndef DUCT_XIO_RESOLVER_H
#define DUCT_XIO_RESOLVER_H

#include "loop/loop.h"
#include "xio/sockaddr.h"

struct resolve_job;

/* peers: the addresses (the callee takes them over) or NULL with err set */
typedef void (*resolve_done_fn)(void *arg, struct sa_list *peers, const char *err);

/* What sa_resolve() takes. */
struct resolve_query {
	const char *host, *port;
	int family, pref_ipv, socktype, protocol, flags;
};

/* sa_resolve(q) here and now. */
int resolve_now(const struct resolve_query *q, struct sa_list *out, char *err, size_t errlen);

/* Start resolving q in a thread; done is called later from lp's loop (never from inside this
 * call). Returns NULL when no thread could be started (the caller resolves synchronously). */
struct resolve_job *resolve_start(struct loop *lp, const struct resolve_query *q, resolve_done_fn done,
				  void *arg);

/* done will not be called; the thread finishes on its own and frees the job. */
void resolve_cancel(struct resolve_job *j);

#endif
