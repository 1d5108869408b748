/* accept-proxy and send-proxy: the PROXY protocol (proxy_proto.h) on socket addresses. */
#ifndef DUCT_XIO_PROXY_HEADER_H
#define DUCT_XIO_PROXY_HEADER_H

#include "xio/xio.h"

/* A listener's open: without accept-proxy (taken here) it is plain(op); with it, plain runs
 * as the transport of a handshake layer (layer.h) that reads a PROXY header from every
 * connection delivered before anything else, and takes range=, allow=, deny=, sourceport= and
 * lowport= to check the client the header names instead of the connecting peer. */
int pp_accept_open(struct xio_open *op, int (*plain)(struct xio_open *op));

/* send-proxy: write a version 1 or 2 header on fd, a stream socket that has just connected,
 * naming the peer and local address of the session's first address (op->env_in:
 * <PREFIX>_PEERADDR/_PEERPORT, _SOCKADDR/_SOCKPORT); without them "PROXY UNKNOWN" or v2
 * UNSPEC. Returns 0, or -1 (logged). */
int pp_send_header(struct xio_open *op, int fd, int version);

#endif
