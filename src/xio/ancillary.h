/* Ancillary data of received datagrams (so-timestamp, ip-pktinfo, ip-recvttl, ip-recvtos,
 * ip-recvopts, ipv6-recvpktinfo, ipv6-recvhoplimit, ipv6-recvtclass): one control message
 * decoded into the values socat 1.7.4 logs and exports as <PREFIX>_<name>. Pure code, unit
 * tested (tests/unit/net_ancillary.c). */
#ifndef DUCT_XIO_ANCILLARY_H
#define DUCT_XIO_ANCILLARY_H

#include <stddef.h>
#include <sys/socket.h>

#define ANC_FIELDS 3

struct anc_field {
	const char *key; /* the word in the info line: "ttl" */
	const char *env; /* the variable after the prefix: "IP_TTL" */
	char value[128];
};

struct anc_msg {
	const char *name; /* "IP_TTL", "SCM_TIMESTAMP"; NULL: a message we do not decode */
	char summary[3 * 128 + 64]; /* socat's notice line after "Ancillary message: "; "": none */
	int nfields;
	struct anc_field f[ANC_FIELDS];
};

/* Interface index -> name (if_indextoname in production, a table in the unit test). */
typedef const char *(*anc_ifname_fn)(unsigned index, char *buf);

/* Decodes cm into out. Timestamps are local time (TZ). */
void anc_decode(const struct cmsghdr *cm, anc_ifname_fn ifname, struct anc_msg *out);

/* The control message's payload as socat's "x<hex>" (truncated to fit buf). */
char *anc_hex(const unsigned char *data, size_t len, char *buf, size_t buflen);

#endif
