/* The PROXY protocol (HAProxy's proxy-protocol.txt, versions 1 and 2): parse the header a load
 * balancer puts in front of a connection, and build one. Pure functions: no I/O, no logging. */
#ifndef DUCT_XIO_PROXY_PROTO_H
#define DUCT_XIO_PROXY_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "xio/sockaddr.h"

#define PP_V1_MAX 107            /* the longest v1 line, CRLF included */
#define PP_V2_FIXED 16           /* signature, version/command, family, length */
#define PP_V2_MAX_BODY 2048      /* what we accept after the fixed part (addresses + TLVs) */
#define PP_MAX (PP_V2_FIXED + PP_V2_MAX_BODY)

struct pp_hdr {
	int version;             /* 1 or 2 */
	bool local;              /* v2 LOCAL, or v1 UNKNOWN: keep the real peer */
	union sockaddr_any src, dst;  /* the client and the address it connected to (!local) */
	socklen_t srclen, dstlen;
};

/* Parse a header at the start of buf[0..len). Returns the header's length (> 0) when a whole
 * valid header is there (h filled), 0 when what is there is a valid beginning of a header and
 * more bytes are needed, -1 when it is no header (err says why). Never reads past len, never
 * asks for more than PP_MAX bytes in all. */
int pp_parse(const unsigned char *buf, size_t len, struct pp_hdr *h, char *err, size_t errlen);

/* Build a header naming src as the client and dst as the address it connected to. version 1
 * or 2. An address family the version cannot carry (or a NULL src/dst) gives "PROXY
 * UNKNOWN" (v1) or the PROXY command with family UNSPEC (v2). Returns the length written,
 * or -1 when out is too small (PP_MAX always suffices). */
int pp_build(int version, const struct sockaddr *src, socklen_t srclen, const struct sockaddr *dst,
	     socklen_t dstlen, unsigned char *out, size_t outlen);

#endif
