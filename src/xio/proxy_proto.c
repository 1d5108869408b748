/* The PROXY protocol, versions 1 and 2 (see proxy_proto.h). */
#include "xio/proxy_proto.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

static const unsigned char v2sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };
static const char v1pre[] = "PROXY ";

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A decimal port: digits only, no leading zero (but "0"), at most 65535. */
static bool parse_port(const char *s, uint16_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

static bool set_ip(union sockaddr_any *a, socklen_t *alen, int fam, const char *text, uint16_t port)
{
	memset(a, 0, sizeof *a);
	if (fam == AF_INET) {
		if (inet_pton(AF_INET, text, &a->in4.sin_addr) != 1)
			return false;
		a->in4.sin_family = AF_INET;
		a->in4.sin_port = htons(port);
		*alen = sizeof a->in4;
	} else {
		if (inet_pton(AF_INET6, text, &a->in6.sin6_addr) != 1)
			return false;
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons(port);
		*alen = sizeof a->in6;
	}
	return true;
}

static int parse_v1(const unsigned char *buf, size_t len, struct pp_hdr *h, char *err, size_t errlen)
{
	size_t lim = len < PP_V1_MAX ? len : PP_V1_MAX;
	size_t nl = 0;
	bool found = false;
	for (size_t i = 0; i < lim; i++) {
		if (buf[i] == '\n') {
			nl = i;
			found = true;
			break;
		}
		/* the line is printable ASCII; a CR only right before the LF */
		if ((buf[i] < 0x20 || buf[i] > 0x7e) && !(buf[i] == '\r' && (i + 1 == len || buf[i + 1] == '\n')))
			return fail(err, errlen, "PROXY v1 header holds a control or non-ASCII byte (0x%02x) at offset %zu",
				    buf[i], i);
	}
	if (!found) {
		if (len >= PP_V1_MAX)
			return fail(err, errlen, "PROXY v1 header longer than %d bytes", PP_V1_MAX);
		return 0;
	}
	if (nl < 1 || buf[nl - 1] != '\r')
		return fail(err, errlen, "PROXY v1 header ends in a bare LF (CRLF expected)");
	char line[PP_V1_MAX + 1];
	memcpy(line, buf, nl - 1);
	line[nl - 1] = 0;
	/* fields separated by single spaces */
	char *f[8];
	int n = 0;
	char *p = line;
	while (n < 8) {
		f[n++] = p;
		char *sp = strchr(p, ' ');
		if (!sp)
			break;
		*sp = 0;
		p = sp + 1;
	}
	memset(h, 0, sizeof *h);
	h->version = 1;
	if (n >= 2 && !strcmp(f[1], "UNKNOWN")) {
		h->local = true;
		return (int)nl + 1;
	}
	int fam;
	if (n >= 2 && !strcmp(f[1], "TCP4"))
		fam = AF_INET;
	else if (n >= 2 && !strcmp(f[1], "TCP6"))
		fam = AF_INET6;
	else
		return fail(err, errlen, "PROXY v1 header: protocol \"%s\" (TCP4, TCP6 or UNKNOWN expected)",
			    n >= 2 ? f[1] : "");
	if (n != 6)
		return fail(err, errlen, "PROXY v1 header: %d fields after the protocol (4 expected: source, destination, their ports)",
			    n - 2);
	uint16_t sp, dp;
	if (!parse_port(f[4], &sp) || !parse_port(f[5], &dp))
		return fail(err, errlen, "PROXY v1 header: bad port \"%s\" or \"%s\"", f[4], f[5]);
	if (!set_ip(&h->src, &h->srclen, fam, f[2], sp) || !set_ip(&h->dst, &h->dstlen, fam, f[3], dp))
		return fail(err, errlen, "PROXY v1 header: bad %s address \"%s\" or \"%s\"", f[1], f[2], f[3]);
	return (int)nl + 1;
}

static void set_unix(union sockaddr_any *a, socklen_t *alen, const unsigned char *path)
{
	memset(a, 0, sizeof *a);
	a->un.sun_family = AF_UNIX;
	memcpy(a->un.sun_path, path, 108);
	size_t n = path[0] ? strnlen(a->un.sun_path, 108) : 1 + strnlen(a->un.sun_path + 1, 107);
	*alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

/* The v2 address block of TCP/UDP over IPv4 (alen 4) or IPv6 (16): source and destination
 * addresses, then their ports, all in network order as the sockaddrs keep them. */
static void take_ip_pair(const unsigned char *a, size_t alen, void *src, void *dst, void *sport, void *dport)
{
	memcpy(src, a, alen);
	memcpy(dst, a + alen, alen);
	memcpy(sport, a + 2 * alen, 2);
	memcpy(dport, a + 2 * alen + 2, 2);
}

static int parse_v2(const unsigned char *buf, size_t len, struct pp_hdr *h, char *err, size_t errlen)
{
	if (len > 12 && (buf[12] >> 4) != 2)
		return fail(err, errlen, "PROXY v2 header: version %d (2 expected)", buf[12] >> 4);
	if (len > 12 && (buf[12] & 0x0f) > 1)
		return fail(err, errlen, "PROXY v2 header: command %d (LOCAL or PROXY expected)", buf[12] & 0x0f);
	if (len < PP_V2_FIXED)
		return 0;
	size_t body = ((size_t)buf[14] << 8) | buf[15];
	if (body > PP_V2_MAX_BODY)
		return fail(err, errlen, "PROXY v2 header: length %zu over the %d accepted", body, PP_V2_MAX_BODY);
	unsigned fam = buf[13] >> 4, tp = buf[13] & 0x0f;
	if (fam > 3 || tp > 2)
		return fail(err, errlen, "PROXY v2 header: unknown address family/protocol byte 0x%02x", buf[13]);
	size_t need = fam == 1 ? 12 : fam == 2 ? 36 : fam == 3 ? 216 : 0;
	bool local = (buf[12] & 0x0f) == 0;
	if (!local && body < need)
		return fail(err, errlen, "PROXY v2 header: length %zu too short for its addresses (%zu bytes)", body, need);
	if (len < PP_V2_FIXED + body)
		return 0;
	memset(h, 0, sizeof *h);
	h->version = 2;
	const unsigned char *a = buf + PP_V2_FIXED;
	if (local || fam == 0) {
		h->local = true;
	} else if (fam == 1) {
		h->src.in4.sin_family = h->dst.in4.sin_family = AF_INET;
		take_ip_pair(a, 4, &h->src.in4.sin_addr, &h->dst.in4.sin_addr, &h->src.in4.sin_port, &h->dst.in4.sin_port);
		h->srclen = h->dstlen = sizeof h->src.in4;
	} else if (fam == 2) {
		h->src.in6.sin6_family = h->dst.in6.sin6_family = AF_INET6;
		take_ip_pair(a, 16, &h->src.in6.sin6_addr, &h->dst.in6.sin6_addr, &h->src.in6.sin6_port,
			     &h->dst.in6.sin6_port);
		h->srclen = h->dstlen = sizeof h->src.in6;
	} else {
		set_unix(&h->src, &h->srclen, a);
		set_unix(&h->dst, &h->dstlen, a + 108);
	}
	return (int)(PP_V2_FIXED + body);
}

int pp_parse(const unsigned char *buf, size_t len, struct pp_hdr *h, char *err, size_t errlen)
{
	if (len == 0)
		return 0;
	if (buf[0] == v2sig[0]) {
		size_t n = len < sizeof v2sig ? len : sizeof v2sig;
		if (memcmp(buf, v2sig, n))
			return fail(err, errlen, "no PROXY header (neither \"PROXY \" nor the v2 signature)");
		return parse_v2(buf, len, h, err, errlen);
	}
	size_t n = len < sizeof v1pre - 1 ? len : sizeof v1pre - 1;
	if (memcmp(buf, v1pre, n))
		return fail(err, errlen, "no PROXY header (neither \"PROXY \" nor the v2 signature)");
	return parse_v1(buf, len, h, err, errlen);
}

/* ---- building ---- */

/* IPv4-mapped IPv6 becomes IPv4, so a dual-stack listener's peers travel as TCP4. */
static void normalize(const struct sockaddr *sa, socklen_t len, union sockaddr_any *out, socklen_t *olen)
{
	memset(out, 0, sizeof *out);
	*olen = 0;
	if (!sa || len < sizeof(sa_family_t) || len > sizeof *out)
		return;
	memcpy(out, sa, len);
	*olen = len;
	if (sa->sa_family == AF_INET6 && len >= sizeof out->in6 && IN6_IS_ADDR_V4MAPPED(&out->in6.sin6_addr)) {
		struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_port = out->in6.sin6_port };
		memcpy(&v4.sin_addr, out->in6.sin6_addr.s6_addr + 12, 4);
		memset(out, 0, sizeof *out);
		out->in4 = v4;
		*olen = sizeof v4;
	}
}

static void to_v6(union sockaddr_any *a, socklen_t *alen)
{
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_port = a->in4.sin_port };
	v6.sin6_addr.s6_addr[10] = v6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(v6.sin6_addr.s6_addr + 12, &a->in4.sin_addr, 4);
	memset(a, 0, sizeof *a);
	a->in6 = v6;
	*alen = sizeof v6;
}

static int family_of(const union sockaddr_any *a, socklen_t len)
{
	if (!len)
		return AF_UNSPEC;
	if (a->sa.sa_family == AF_INET && len >= sizeof a->in4)
		return AF_INET;
	if (a->sa.sa_family == AF_INET6 && len >= sizeof a->in6)
		return AF_INET6;
	if (a->sa.sa_family == AF_UNIX)
		return AF_UNIX;
	return AF_UNSPEC;
}

int pp_build(int version, const struct sockaddr *src, socklen_t srclen, const struct sockaddr *dst,
	     socklen_t dstlen, unsigned char *out, size_t outlen)
{
	union sockaddr_any s, d;
	socklen_t sl, dl;
	normalize(src, srclen, &s, &sl);
	normalize(dst, dstlen, &d, &dl);
	int sf = family_of(&s, sl), df = family_of(&d, dl);
	if (sf == AF_INET && df == AF_INET6)
		to_v6(&s, &sl), sf = AF_INET6;
	else if (sf == AF_INET6 && df == AF_INET)
		to_v6(&d, &dl), df = AF_INET6;
	int fam = sf == df ? sf : AF_UNSPEC;
	if (version == 1) {
		char a1[INET6_ADDRSTRLEN], a2[INET6_ADDRSTRLEN];
		int n;
		if (fam == AF_INET) {
			inet_ntop(AF_INET, &s.in4.sin_addr, a1, sizeof a1);
			inet_ntop(AF_INET, &d.in4.sin_addr, a2, sizeof a2);
			n = snprintf((char *)out, outlen, "PROXY TCP4 %s %s %u %u\r\n", a1, a2, ntohs(s.in4.sin_port),
				     ntohs(d.in4.sin_port));
		} else if (fam == AF_INET6) {
			inet_ntop(AF_INET6, &s.in6.sin6_addr, a1, sizeof a1);
			inet_ntop(AF_INET6, &d.in6.sin6_addr, a2, sizeof a2);
			n = snprintf((char *)out, outlen, "PROXY TCP6 %s %s %u %u\r\n", a1, a2, ntohs(s.in6.sin6_port),
				     ntohs(d.in6.sin6_port));
		} else {
			n = snprintf((char *)out, outlen, "PROXY UNKNOWN\r\n");
		}
		return n < 0 || (size_t)n >= outlen ? -1 : n;
	}
	size_t body = fam == AF_INET ? 12 : fam == AF_INET6 ? 36 : fam == AF_UNIX ? 216 : 0;
	if (outlen < PP_V2_FIXED + body)
		return -1;
	memcpy(out, v2sig, sizeof v2sig);
	out[12] = 0x21; /* version 2, PROXY */
	out[13] = fam == AF_INET ? 0x11 : fam == AF_INET6 ? 0x21 : fam == AF_UNIX ? 0x31 : 0x00;
	out[14] = (unsigned char)(body >> 8);
	out[15] = (unsigned char)(body & 0xff);
	unsigned char *a = out + PP_V2_FIXED;
	if (fam == AF_INET) {
		memcpy(a, &s.in4.sin_addr, 4);
		memcpy(a + 4, &d.in4.sin_addr, 4);
		memcpy(a + 8, &s.in4.sin_port, 2);
		memcpy(a + 10, &d.in4.sin_port, 2);
	} else if (fam == AF_INET6) {
		memcpy(a, &s.in6.sin6_addr, 16);
		memcpy(a + 16, &d.in6.sin6_addr, 16);
		memcpy(a + 32, &s.in6.sin6_port, 2);
		memcpy(a + 34, &d.in6.sin6_port, 2);
	} else if (fam == AF_UNIX) {
		memset(a, 0, 216);
		size_t off = offsetof(struct sockaddr_un, sun_path);
		if (sl > off)
			memcpy(a, s.un.sun_path, sl - off > 108 ? 108 : sl - off);
		if (dl > off)
			memcpy(a + 108, d.un.sun_path, dl - off > 108 ? 108 : dl - off);
	}
	return (int)(PP_V2_FIXED + body);
}
