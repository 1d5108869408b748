/* Socket addresses for the network families: parsing "host:port", "[v6]:port", service names,
 * resolution with a preferred IP version, UNIX/abstract paths, VSOCK, ranges (peer filters),
 * printing and the PEERADDR/SOCKADDR environment export. Pure code, unit tested. */
#ifndef DUCT_XIO_SOCKADDR_H
#define DUCT_XIO_SOCKADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;
	struct sockaddr_storage ss;
};

struct sa_addr {
	union sockaddr_any u;
	socklen_t len;
};

struct sa_list {
	struct sa_addr *a;
	size_t n;
};
void sa_list_free(struct sa_list *l);
int sa_list_add(struct sa_list *l, const struct sockaddr *sa, socklen_t len);

/* Split "host:port", "[v6]:port", "[v6]", "host" (port may be absent: *port = "").
 * "::1" without brackets and with several colons is taken as a bare IPv6 host when
 * allow_bare_v6 is set. Returns 0, or -1 with err (too long, unbalanced bracket). */
/* "host:" or "[v6]:": a port separator with nothing after it (refused as "empty port") */
bool sa_hostport_empty_port(const char *text);
int sa_split_hostport(const char *text, char *host, size_t hostlen, char *port, size_t portlen,
		      char *err, size_t errlen);

/* Port number or service name ("http"); proto "tcp", "udp", ... for getservbyname. */
int sa_parse_port(const char *text, const char *proto, uint16_t *port, char *err, size_t errlen);

/* Family to use for an address: explicit handler family (AF_INET/AF_INET6) wins, then pf=
 * ("ip4", "ip6", "inet", "inet6", "unix" or a number), then AF_UNSPEC. Returns the family or
 * -1 with err for an unknown pf value. */
int sa_parse_pf(const char *text, char *err, size_t errlen);

/* Resolution flags */
#define SA_PASSIVE   0x01  /* empty host: the any address */
#define SA_NUMERIC   0x02  /* no DNS */
#define SA_V4MAPPED  0x04
#define SA_ADDRCONFIG 0x08
#define SA_ALL       0x10
#define SA_THIS_THREAD 0x20 /* res-* options set this thread's resolver state (_res is per thread):
				 resolve here, not in a lookup thread */

/* host is a name, not empty and not an IP literal: sa_resolve() would ask the resolver */
bool sa_needs_resolver(const char *host);
/* Resolve host + port (port may be NULL/"": 0). family: AF_INET, AF_INET6 or AF_UNSPEC;
 * pref_ipv: 4, 6 or 0 (order of the results when family is AF_UNSPEC: preferred first,
 * getaddrinfo order for 0). Host "[v6]" brackets are stripped. socktype/protocol select the
 * service namespace. Results are unique. Returns 0 or -1 with err ("getaddrinfo(...): ..."). */
int sa_resolve(const char *host, const char *port, int family, int pref_ipv, int socktype,
	       int protocol, int flags, struct sa_list *out, char *err, size_t errlen);

/* Build a UNIX address: abstract names get a leading NUL; tight: length covers the name only
 * (socat's unix-tightsocklen, default), else the whole struct. Returns -1 when too long. */
int sa_unix(const char *path, bool abstract, bool tight, struct sa_addr *out, char *err, size_t errlen);

/* VSOCK "<cid>:<port>" or "[cid][:port]" for bind. */
int sa_vsock(const char *cid, const char *port, struct sa_addr *out, char *err, size_t errlen);

/* Parse a bind= value for a domain: IP "[host][:port]", UNIX path, VSOCK "[cid][:port]",
 * or (other domains) dalan bytes after the family. ipv as for sa_resolve. */
int sa_parse_bind(int domain, const char *text, int pref_ipv, int socktype, int protocol,
		  const char *proto_name, bool abstract, struct sa_addr *out, char *err, size_t errlen);

/* Peer ranges: "a.b.c.d/bits", "a.b.c.d:mask", "[v6]/bits", "host/bits", or a bare address
 * (all bits). IPv4 ranges also match IPv4-mapped IPv6 peers. A raw range (family AF_UNSPEC,
 * generic sockets' "<address>:<mask>" in dalan, parsed by generic_socket.c) compares the first
 * rawlen bytes after the peer's sa_family, masked (bytes the peer's address lacks count as 0). */
#define SA_RAW_MAX (sizeof(struct sockaddr_storage) - sizeof(sa_family_t))
struct sa_range {
	int family;               /* AF_INET, AF_INET6, or AF_UNSPEC: raw */
	unsigned char addr[SA_RAW_MAX]; /* masked already */
	unsigned char mask[SA_RAW_MAX];
	size_t rawlen;            /* raw: bytes compared */
};
int sa_range_parse(const char *text, int family_hint, struct sa_range *r, char *err, size_t errlen);
bool sa_range_match(const struct sa_range *r, const struct sockaddr *sa, socklen_t len);

/* Peer lists (allow=, deny=, allow-file=, deny-file=): any number of ranges as above, plus
 * IPv4 last-octet spans "10.0.0.1-5" (Nmap style), separated by '|', ',' or white space; in
 * files one or more per line, '#' starts a comment. */
struct sa_rangelist {
	struct sa_range *r;
	size_t n;
};
int sa_rangelist_add(struct sa_rangelist *l, const char *text, char *err, size_t errlen);
int sa_rangelist_load(struct sa_rangelist *l, const char *path, char *err, size_t errlen);
bool sa_rangelist_match(const struct sa_rangelist *l, const struct sockaddr *sa, socklen_t len);
void sa_rangelist_free(struct sa_rangelist *l);

/* Port of an IP socket address (host order), -1 for other families. */
int sa_port(const struct sockaddr *sa, socklen_t len);
/* Set the port of an IP socket address. */
void sa_set_port(struct sockaddr *sa, uint16_t port);
bool sa_is_any(const struct sockaddr *sa);

/* The address part as socat exports it: "127.0.0.1", "[0000:...:0001]" (uncompressed),
 * the path for UNIX ("" when unnamed). */
char *sa_addr_text(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen);
/* The peer of socket fd as "ADDR:PORT" (IP) or "ADDR" (others, unnamed: unnamed_text), for
 * messages. false (buf untouched) when getpeername fails. */
bool sa_peer_text(int fd, const char *unnamed_text, char *buf, size_t buflen);

/* socket(2) type names for messages. */
const char *sa_family_name(int family);

#endif
