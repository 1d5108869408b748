/* Socket address parsing, resolution, ranges and printing (see sockaddr.h). */
#include "xio/sockaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vm_sockets.h>

#include "common/log.h"

#define SETERR(...) do { if (err && errlen) snprintf(err, errlen, __VA_ARGS__); } while (0)

void sa_list_free(struct sa_list *l)
{
	free(l->a);
	l->a = NULL;
	l->n = 0;
}

int sa_list_add(struct sa_list *l, const struct sockaddr *sa, socklen_t len)
{
	if (len > sizeof(union sockaddr_any))
		return -1;
	for (size_t i = 0; i < l->n; i++)
		if (l->a[i].len == len && !memcmp(&l->a[i].u, sa, len))
			return 0;
	struct sa_addr *na = realloc(l->a, (l->n + 1) * sizeof *na);
	if (!na)
		return -1;
	l->a = na;
	memset(&na[l->n], 0, sizeof na[l->n]);
	memcpy(&na[l->n].u, sa, len);
	na[l->n].len = len;
	l->n++;
	return 0;
}

int sa_split_hostport(const char *text, char *host, size_t hostlen, char *port, size_t portlen,
		      char *err, size_t errlen)
{
	const char *h = text, *hend, *p = NULL;
	if (!text)
		text = h = "";
	if (*text == '[') {
		const char *rb = strchr(text, ']');
		if (!rb) {
			SETERR("missing ']' in \"%s\"", text);
			return -1;
		}
		h = text; /* keep brackets; sa_resolve strips them */
		hend = rb + 1;
		if (*hend == ':')
			p = hend + 1;
		else if (*hend) {
			SETERR("unexpected text after ']' in \"%s\"", text);
			return -1;
		}
	} else {
		const char *c = strchr(text, ':');
		if (c && strchr(c + 1, ':')) {
			/* several colons, no brackets: a bare IPv6 address */
			hend = text + strlen(text);
		} else if (c) {
			hend = c;
			p = c + 1;
		} else {
			hend = text + strlen(text);
		}
	}
	size_t hl = (size_t)(hend - h);
	if (hl >= hostlen) {
		SETERR("host name too long in \"%s\"", text);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = 0;
	const char *pv = p ? p : "";
	if (strlen(pv) >= portlen) {
		SETERR("port too long in \"%s\"", text);
		return -1;
	}
	strcpy(port, pv);
	return 0;
}

bool sa_hostport_empty_port(const char *text)
{
	size_t n = text ? strlen(text) : 0;

	if (!n || text[n - 1] != ':')
		return false;
	if (text[0] == '[')
		return n >= 2 && text[n - 2] == ']';
	return strchr(text, ':') == text + n - 1; /* "host:"; several colons: a bare IPv6 address */
}

int sa_parse_port(const char *text, const char *proto, uint16_t *port, char *err, size_t errlen)
{
	if (!text || !*text) {
		*port = 0;
		return 0;
	}
	if (isdigit((unsigned char)text[0])) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(text, &end, 0);
		if (errno || *end || v > 65535) {
			SETERR("invalid port \"%s\"", text);
			return -1;
		}
		*port = (uint16_t)v;
		return 0;
	}
	struct servent se, *res = NULL;
	char buf[1024];
	if (getservbyname_r(text, proto ? proto : "tcp", &se, buf, sizeof buf, &res) == 0 && res) {
		*port = ntohs((uint16_t)res->s_port);
		return 0;
	}
	SETERR("unknown service \"%s\" (protocol %s)", text, proto ? proto : "tcp");
	return -1;
}

int sa_parse_pf(const char *text, char *err, size_t errlen)
{
	if (!text)
		return AF_UNSPEC;
	if (!strcasecmp(text, "ip4") || !strcasecmp(text, "ipv4") || !strcasecmp(text, "inet") ||
	    !strcmp(text, "4"))
		return AF_INET;
	if (!strcasecmp(text, "ip6") || !strcasecmp(text, "ipv6") || !strcasecmp(text, "inet6") ||
	    !strcmp(text, "6"))
		return AF_INET6;
	if (!strcasecmp(text, "unix") || !strcasecmp(text, "local"))
		return AF_UNIX;
	if (!strcasecmp(text, "vsock"))
		return AF_VSOCK;
	if (isdigit((unsigned char)text[0])) {
		char *end;
		long v = strtol(text, &end, 0);
		if (!*end && v >= 0 && v < 64) {
			/* socat takes 2 and 10 as the families, and 4/6 as the versions */
			return (int)v;
		}
	}
	SETERR("unknown protocol family \"%s\" (ip4, ip6, unix or a number)", text);
	return -1;
}

/* Strip [brackets] into buf. */
static const char *unbracket(const char *host, char *buf, size_t buflen)
{
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < buflen) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = 0;
		return buf;
	}
	return host;
}

static void sort_pref(struct sa_list *l, int pref_ipv)
{
	if (pref_ipv != 4 && pref_ipv != 6)
		return;
	int first = pref_ipv == 4 ? AF_INET : AF_INET6;
	/* stable partition */
	struct sa_addr *tmp = malloc(l->n * sizeof *tmp);
	if (!tmp)
		return;
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->a[i].u.sa.sa_family == first)
			tmp[k++] = l->a[i];
	for (size_t i = 0; i < l->n; i++)
		if (l->a[i].u.sa.sa_family != first)
			tmp[k++] = l->a[i];
	memcpy(l->a, tmp, l->n * sizeof *tmp);
	free(tmp);
}

bool sa_needs_resolver(const char *host)
{
	char hb[512];
	const char *h = unbracket(host ? host : "", hb, sizeof hb);
	unsigned char a[16];
	return *h && inet_pton(AF_INET, h, a) != 1 && inet_pton(AF_INET6, h, a) != 1;
}

int sa_resolve(const char *host, const char *port, int family, int pref_ipv, int socktype,
	       int protocol, int flags, struct sa_list *out, char *err, size_t errlen)
{
	char hb[512];
	uint16_t pn = 0;
	const char *pname = protocol == IPPROTO_UDP || protocol == IPPROTO_UDPLITE ||
					    socktype == SOCK_DGRAM ? "udp" :
			    protocol == IPPROTO_SCTP ? "sctp" : protocol == IPPROTO_DCCP ? "dccp" : "tcp";
	if (sa_parse_port(port, pname, &pn, err, errlen) < 0)
		return -1;
	out->a = NULL;
	out->n = 0;
	if (!host)
		host = "";
	const char *h = unbracket(host, hb, sizeof hb);
	if (!*h) {
		if (!(flags & SA_PASSIVE)) {
			SETERR("empty host name");
			return -1;
		}
		int fam = family;
		if (fam == AF_UNSPEC)
			fam = pref_ipv == 4 ? AF_INET : AF_INET6;
		union sockaddr_any u;
		memset(&u, 0, sizeof u);
		if (fam == AF_INET) {
			u.in4.sin_family = AF_INET;
			u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
			u.in4.sin_port = htons(pn);
			return sa_list_add(out, &u.sa, sizeof u.in4);
		}
		u.in6.sin6_family = AF_INET6;
		u.in6.sin6_addr = in6addr_any;
		u.in6.sin6_port = htons(pn);
		return sa_list_add(out, &u.sa, sizeof u.in6);
	}
	/* Literals without the resolver. */
	union sockaddr_any u;
	memset(&u, 0, sizeof u);
	if (family != AF_INET6 && inet_pton(AF_INET, h, &u.in4.sin_addr) == 1) {
		u.in4.sin_family = AF_INET;
		u.in4.sin_port = htons(pn);
		return sa_list_add(out, &u.sa, sizeof u.in4);
	}
	if (family != AF_INET && inet_pton(AF_INET6, h, &u.in6.sin6_addr) == 1) {
		u.in6.sin6_family = AF_INET6;
		u.in6.sin6_port = htons(pn);
		return sa_list_add(out, &u.sa, sizeof u.in6);
	}
	if (family == AF_INET6 && inet_pton(AF_INET, h, &u.in4.sin_addr) == 1) {
		/* an IPv4 literal for an IPv6 socket: the mapped form */
		u.in6.sin6_family = AF_INET6;
		memset(&u.in6.sin6_addr, 0, sizeof u.in6.sin6_addr);
		u.in6.sin6_addr.s6_addr[10] = 0xff;
		u.in6.sin6_addr.s6_addr[11] = 0xff;
		struct in_addr a4;
		inet_pton(AF_INET, h, &a4);
		memcpy(&u.in6.sin6_addr.s6_addr[12], &a4, 4);
		u.in6.sin6_port = htons(pn);
		return sa_list_add(out, &u.sa, sizeof u.in6);
	}
	if (flags & SA_NUMERIC) {
		SETERR("\"%s\" is not a numeric address", h);
		return -1;
	}
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = socktype == SOCK_RAW ? 0 : socktype;
	hints.ai_protocol = socktype == SOCK_RAW ? 0 : protocol;
	if (flags & SA_ADDRCONFIG)
		hints.ai_flags |= AI_ADDRCONFIG;
	if ((flags & SA_V4MAPPED) && family == AF_INET6)
		hints.ai_flags |= AI_V4MAPPED;
	if (flags & SA_ALL)
		hints.ai_flags |= AI_ALL;
	int rc = getaddrinfo(h, NULL, &hints, &res);
	if (rc == EAI_BADFLAGS || (rc == EAI_SOCKTYPE && hints.ai_socktype)) {
		hints.ai_socktype = 0;
		hints.ai_protocol = 0;
		rc = getaddrinfo(h, NULL, &hints, &res);
	}
	if (rc != 0) {
		SETERR("getaddrinfo(\"%s\", \"%s\", {%d,%d,%d,%d}, {}): %s", h, port && *port ? port : "NULL",
		       hints.ai_flags, family, socktype, protocol,
		       rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (ai->ai_addrlen > sizeof(union sockaddr_any))
			continue;
		union sockaddr_any v;
		memset(&v, 0, sizeof v);
		memcpy(&v, ai->ai_addr, ai->ai_addrlen);
		sa_set_port(&v.sa, pn);
		sa_list_add(out, &v.sa, ai->ai_family == AF_INET ? sizeof v.in4 : sizeof v.in6);
	}
	freeaddrinfo(res);
	if (!out->n) {
		SETERR("getaddrinfo(\"%s\"): no address of the requested family", h);
		return -1;
	}
	if (family == AF_UNSPEC)
		sort_pref(out, pref_ipv);
	return 0;
}

int sa_unix(const char *path, bool abstract, bool tight, struct sa_addr *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	size_t n = strlen(path);
	size_t room = sizeof out->u.un.sun_path - (abstract ? 1 : 0);
	if (n > room || (!abstract && n == room && !tight)) {
		SETERR("socket path too long (%zu bytes, at most %zu): \"%s\"", n, room, path);
		return -1;
	}
	out->u.un.sun_family = AF_UNIX;
	if (abstract) {
		out->u.un.sun_path[0] = 0;
		memcpy(out->u.un.sun_path + 1, path, n);
		out->len = tight ? (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)
				 : (socklen_t)sizeof out->u.un;
	} else {
		memcpy(out->u.un.sun_path, path, n);
		out->len = tight ? (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)
				 : (socklen_t)sizeof out->u.un;
	}
	return 0;
}

static int parse_u32(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!s || !*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int sa_vsock(const char *cid, const char *port, struct sa_addr *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct sockaddr_vm *vm = (struct sockaddr_vm *)&out->u;
	vm->svm_family = AF_VSOCK;
	unsigned long c = VMADDR_CID_ANY, p = VMADDR_PORT_ANY;
	if (cid && *cid && parse_u32(cid, UINT32_MAX, &c) < 0) {
		SETERR("invalid VSOCK cid \"%s\"", cid);
		return -1;
	}
	if (port && *port && parse_u32(port, UINT32_MAX, &p) < 0) {
		SETERR("invalid VSOCK port \"%s\"", port);
		return -1;
	}
	vm->svm_cid = (unsigned)c;
	vm->svm_port = (unsigned)p;
	out->len = sizeof *vm;
	return 0;
}

int sa_parse_bind(int domain, const char *text, int pref_ipv, int socktype, int protocol,
		  const char *proto_name, bool abstract, struct sa_addr *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (domain == AF_UNIX)
		return sa_unix(text, abstract, true, out, err, errlen);
	if (domain == AF_VSOCK) {
		char c[64], p[64];
		if (sa_split_hostport(text, c, sizeof c, p, sizeof p, err, errlen) < 0)
			return -1;
		return sa_vsock(c, p, out, err, errlen);
	}
	if (domain == AF_INET || domain == AF_INET6 || domain == AF_UNSPEC) {
		char h[512], p[128];
		if (sa_hostport_empty_port(text)) {
			SETERR("empty port/service after the ':' in \"%s\"; give HOST or HOST:PORT", text);
			return -1;
		}
		if (sa_split_hostport(text, h, sizeof h, p, sizeof p, err, errlen) < 0)
			return -1;
		struct sa_list l = {0};
		(void)proto_name;
		if (sa_resolve(h, p, domain, pref_ipv, socktype, protocol, SA_PASSIVE, &l, err, errlen) < 0)
			return -1;
		*out = l.a[0];
		sa_list_free(&l);
		return 0;
	}
	/* Other domains: the family followed by dalan-free raw text is not supported here;
	 * generic sockets pass their own bytes. */
	SETERR("bind: unsupported address family %d", domain);
	return -1;
}

static int mask_from_bits(unsigned char *mask, int nbytes, long bits)
{
	if (bits < 0 || bits > nbytes * 8)
		return -1;
	memset(mask, 0, 16);
	for (int i = 0; i < nbytes; i++) {
		long b = bits - i * 8;
		mask[i] = b >= 8 ? 0xff : b <= 0 ? 0 : (unsigned char)(0xff << (8 - b));
	}
	return 0;
}

int sa_range_parse(const char *text, int family_hint, struct sa_range *r, char *err, size_t errlen)
{
	char buf[512];
	memset(r, 0, sizeof *r);
	if (!text || !*text || strlen(text) >= sizeof buf) {
		SETERR("range: empty or too long value");
		return -1;
	}
	strcpy(buf, text);
	char *addr = buf, *bits = NULL, *maskp = NULL;
	if (buf[0] == '[') {
		char *rb = strchr(buf, ']');
		if (!rb) {
			SETERR("range \"%s\": missing ']'", text);
			return -1;
		}
		*rb = 0;
		addr = buf + 1;
		if (rb[1] == '/')
			bits = rb + 2;
		else if (rb[1] == ':')
			maskp = rb + 2;
		else if (rb[1]) {
			SETERR("range \"%s\": unexpected text after ']'", text);
			return -1;
		}
	} else {
		char *sl = strchr(buf, '/');
		if (sl) {
			*sl = 0;
			bits = sl + 1;
		} else {
			char *c = strchr(buf, ':');
			if (c && !strchr(c + 1, ':')) {
				*c = 0;
				maskp = c + 1;
			}
		}
	}
	struct sa_list l = {0};
	int fam = family_hint == AF_INET || family_hint == AF_INET6 ? family_hint : AF_UNSPEC;
	/* an explicit literal decides the family */
	struct in_addr t4;
	struct in6_addr t6;
	if (inet_pton(AF_INET, addr, &t4) == 1)
		fam = AF_INET;
	else if (inet_pton(AF_INET6, addr, &t6) == 1)
		fam = AF_INET6;
	char e2[256];
	if (sa_resolve(addr, NULL, fam, 4, 0, 0, 0, &l, e2, sizeof e2) < 0) {
		SETERR("range \"%s\": %s", text, e2);
		return -1;
	}
	r->family = l.a[0].u.sa.sa_family;
	int nbytes = r->family == AF_INET ? 4 : 16;
	if (r->family == AF_INET)
		memcpy(r->addr, &l.a[0].u.in4.sin_addr, 4);
	else
		memcpy(r->addr, &l.a[0].u.in6.sin6_addr, 16);
	sa_list_free(&l);
	if (bits) {
		char *end;
		errno = 0;
		long b = strtol(bits, &end, 10);
		if (!*bits || *end || errno || mask_from_bits(r->mask, nbytes, b) < 0) {
			SETERR("range \"%s\": invalid prefix length \"%s\"", text, bits);
			return -1;
		}
	} else if (maskp) {
		if (r->family == AF_INET && inet_pton(AF_INET, maskp, r->mask) == 1) {
			/* ok */
		} else if (r->family == AF_INET6 && inet_pton(AF_INET6, maskp, r->mask) == 1) {
			/* ok */
		} else {
			char *end;
			long b = strtol(maskp, &end, 10);
			if (!*maskp || *end || mask_from_bits(r->mask, nbytes, b) < 0) {
				SETERR("range \"%s\": invalid mask \"%s\"", text, maskp);
				return -1;
			}
		}
	} else {
		mask_from_bits(r->mask, nbytes, nbytes * 8);
	}
	for (int i = 0; i < nbytes; i++)
		r->addr[i] &= r->mask[i];
	return 0;
}

bool sa_range_match(const struct sa_range *r, const struct sockaddr *sa, socklen_t len)
{
	const unsigned char *a = NULL;
	int nbytes = 0;
	if (sa && r->family == AF_UNSPEC) {
		/* raw: an unnamed peer (len 0 or the family only) has all bytes 0 */
		const unsigned char *b = (const unsigned char *)sa + sizeof(sa_family_t);
		size_t have = len > sizeof(sa_family_t) ? len - sizeof(sa_family_t) : 0;
		for (size_t i = 0; i < r->rawlen && i < SA_RAW_MAX; i++)
			if (((i < have ? b[i] : 0) & r->mask[i]) != r->addr[i])
				return false;
		return true;
	}
	if (!sa || len < sizeof(sa_family_t))
		return false;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
		if (r->family != AF_INET)
			return false;
		a = (const unsigned char *)&s->sin_addr;
		nbytes = 4;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
		if (r->family == AF_INET) {
			if (!IN6_IS_ADDR_V4MAPPED(&s->sin6_addr))
				return false;
			a = s->sin6_addr.s6_addr + 12;
			nbytes = 4;
		} else {
			a = s->sin6_addr.s6_addr;
			nbytes = 16;
		}
	} else {
		return false;
	}
	for (int i = 0; i < nbytes; i++)
		if ((a[i] & r->mask[i]) != r->addr[i])
			return false;
	return true;
}

int sa_port(const struct sockaddr *sa, socklen_t len)
{
	if (!sa || len < sizeof(sa_family_t))
		return -1;
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	if (sa->sa_family == AF_VSOCK)
		return (int)((const struct sockaddr_vm *)sa)->svm_port;
	return -1;
}

void sa_set_port(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

bool sa_is_any(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

bool sa_peer_text(int fd, const char *unnamed_text, char *buf, size_t buflen)
{
	union sockaddr_any pa;
	socklen_t pl = sizeof pa;
	if (getpeername(fd, &pa.sa, &pl) != 0)
		return false;
	char a[256];
	sa_addr_text(&pa.sa, pl, a, sizeof a);
	int port = sa_port(&pa.sa, pl);
	if (port >= 0)
		snprintf(buf, buflen, "%s:%d", a, port);
	else
		snprintf(buf, buflen, "%s", a[0] ? a : unnamed_text);
	return true;
}

char *sa_addr_text(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen)
{
	if (!buflen)
		return buf;
	buf[0] = 0;
	if (!sa || len < sizeof(sa_family_t))
		return buf;
	switch (sa->sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)buflen);
		break;
	case AF_INET6: {
		const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		snprintf(buf, buflen, "[%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x:%02x%02x]",
			 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
			 b[13], b[14], b[15]);
		break;
	}
	case AF_UNIX: {
		const struct sockaddr_un *s = (const struct sockaddr_un *)sa;
		size_t off = offsetof(struct sockaddr_un, sun_path);
		size_t plen = len > off ? len - off : 0;
		if (plen == 0)
			break;
		if (s->sun_path[0] == 0)
			snprintf(buf, buflen, "%.*s", (int)(plen - 1), s->sun_path + 1);
		else
			snprintf(buf, buflen, "%.*s", (int)strnlen(s->sun_path, plen), s->sun_path);
		break;
	}
	case AF_VSOCK:
		snprintf(buf, buflen, "%u", ((const struct sockaddr_vm *)sa)->svm_cid);
		break;
	default:
		break;
	}
	return buf;
}

const char *sa_family_name(int family)
{
	switch (family) {
	case AF_INET: return "IPv4";
	case AF_INET6: return "IPv6";
	case AF_UNIX: return "UNIX";
	case AF_VSOCK: return "VSOCK";
	case AF_PACKET: return "PACKET";
	default: return "socket";
	}
}

/* ---- peer lists ---- */

static int rl_push(struct sa_rangelist *l, const struct sa_range *r)
{
	struct sa_range *n = realloc(l->r, (l->n + 1) * sizeof *n);
	if (!n)
		return -1;
	l->r = n;
	l->r[l->n++] = *r;
	return 0;
}

/* One element: a range, or "a.b.c.x-y" (each address of the span). */
static int rl_add_one(struct sa_rangelist *l, const char *item, char *err, size_t errlen)
{
	struct sa_range r;
	const char *dash = strrchr(item, '-'), *dot = strrchr(item, '.');
	unsigned a, b, c, lo, hi;
	char tail;
	if (dash && dot && dash > dot && sscanf(item, "%u.%u.%u.%u-%u%c", &a, &b, &c, &lo, &hi, &tail) == 5) {
		if (a > 255 || b > 255 || c > 255 || lo > 255 || hi > 255 || lo > hi) {
			SETERR("peer list: bad address span \"%s\"", item);
			return -1;
		}
		for (unsigned x = lo; x <= hi; x++) {
			char one[32];
			snprintf(one, sizeof one, "%u.%u.%u.%u", a, b, c, x);
			if (sa_range_parse(one, AF_INET, &r, err, errlen) < 0 || rl_push(l, &r) < 0)
				return -1;
		}
		return 0;
	}
	if (sa_range_parse(item, AF_UNSPEC, &r, err, errlen) < 0)
		return -1;
	if (rl_push(l, &r) < 0) {
		SETERR("peer list: out of memory");
		return -1;
	}
	return 0;
}

int sa_rangelist_add(struct sa_rangelist *l, const char *text, char *err, size_t errlen)
{
	char *copy = strdup(text ? text : "");
	if (!copy) {
		SETERR("peer list: out of memory");
		return -1;
	}
	int rc = 0, items = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, "|, \t\r\n", &save); t && rc == 0; t = strtok_r(NULL, "|, \t\r\n", &save)) {
		rc = rl_add_one(l, t, err, errlen);
		items++;
	}
	free(copy);
	if (rc == 0 && !items) {
		SETERR("peer list: no network given");
		return -1;
	}
	return rc;
}

int sa_rangelist_load(struct sa_rangelist *l, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		SETERR("%s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		line[strcspn(line, "#\r\n")] = '\0';
		if (line[strspn(line, " \t")])
			rc = sa_rangelist_add(l, line, err, errlen);
	}
	fclose(f);
	return rc;
}

bool sa_rangelist_match(const struct sa_rangelist *l, const struct sockaddr *sa, socklen_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (sa_range_match(&l->r[i], sa, len))
			return true;
	return false;
}

void sa_rangelist_free(struct sa_rangelist *l)
{
	free(l->r);
	l->r = NULL;
	l->n = 0;
}
