/* Unit tests for src/xio/ancillary.c: each control message socat 1.7.4 reports, decoded into
 * its log words and <PREFIX>_<name> values (formats checked against socat 1.7.4). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "tap.h"
#include "xio/ancillary.h"

static const char *fake_ifname(unsigned index, char *buf)
{
	if (index == 7) {
		strcpy(buf, "eth7");
		return buf;
	}
	return NULL;
}

/* A buffer aligned for cmsghdr. */
typedef union {
	struct cmsghdr h;
	unsigned char b[256];
} cbuf;

/* One control message of level/type with payload data in buf. */
static const struct cmsghdr *cmsg(cbuf *buf, int level, int type,
				  const void *data, size_t len)
{
	memset(buf, 0, sizeof *buf);
	buf->h.cmsg_level = level;
	buf->h.cmsg_type = type;
	buf->h.cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(&buf->h), data, len);
	return &buf->h;
}

static void field_is(const struct anc_msg *m, int i, const char *key, const char *env, const char *value)
{
	if (!tap_ok(i < m->nfields, "%s field %d present", m->name ? m->name : "?", i))
		return;
	tap_is_str(m->f[i].key, key, "%s key %d", m->name, i);
	tap_is_str(m->f[i].env, env, "%s env %d", m->name, i);
	tap_is_str(m->f[i].value, value, "%s %s", m->name, key);
}

int main(void)
{
	cbuf b;
	struct anc_msg m;
	setenv("TZ", "UTC0", 1);
	tzset();

	/* SO_TIMESTAMP: ctime's form, then zero-padded microseconds */
	struct timeval tv = { .tv_sec = 1796422411, .tv_usec = 4575 };
	anc_decode(cmsg(&b, SOL_SOCKET, SO_TIMESTAMP, &tv, sizeof tv), fake_ifname, &m);
	tap_is_str(m.name, "SCM_TIMESTAMP", "timestamp name");
	tap_is_int(m.nfields, 1, "timestamp: one value");
	field_is(&m, 0, "timestamp", "TIMESTAMP", "Fri Dec  4 22:13:31 2026, 004575 usecs");
	tap_is_str(m.summary, "", "timestamp: no notice line");

	/* IP_PKTINFO: interface, local and destination address, and socat's notice summary */
	struct in_pktinfo pi = { .ipi_ifindex = 7 };
	inet_pton(AF_INET, "10.0.0.1", &pi.ipi_spec_dst);
	inet_pton(AF_INET, "10.0.0.255", &pi.ipi_addr);
	anc_decode(cmsg(&b, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi), fake_ifname, &m);
	tap_is_str(m.name, "IP_PKTINFO", "pktinfo name");
	tap_is_int(m.nfields, 3, "pktinfo: three values");
	field_is(&m, 0, "if", "IP_IF", "eth7");
	field_is(&m, 1, "locaddr", "IP_LOCADDR", "10.0.0.1");
	field_is(&m, 2, "dstaddr", "IP_DSTADDR", "10.0.0.255");
	tap_is_str(m.summary, "interface \"eth7\", locaddr=10.0.0.1, dstaddr=10.0.0.255", "pktinfo notice");
	pi.ipi_ifindex = 99; /* gone meanwhile: an empty name, as socat */
	anc_decode(cmsg(&b, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi), fake_ifname, &m);
	field_is(&m, 0, "if", "IP_IF", "");

	/* IP_TTL is an int, IP_TOS one byte */
	int ttl = 33;
	anc_decode(cmsg(&b, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl), fake_ifname, &m);
	tap_is_str(m.name, "IP_TTL", "ttl name");
	field_is(&m, 0, "ttl", "IP_TTL", "33");
	tap_is_str(m.summary, "ttl=33", "ttl notice");
	unsigned char tos = 0x28;
	anc_decode(cmsg(&b, IPPROTO_IP, IP_TOS, &tos, 1), fake_ifname, &m);
	tap_is_str(m.name, "IP_TOS", "tos name");
	field_is(&m, 0, "tos", "IP_TOS", "40");
	tap_is_str(m.summary, "tos=40", "tos notice");

	/* ip-recvopts: the raw option bytes in hex */
	static const unsigned char opts[] = { 0x01, 0x01, 0x94, 0x04, 0x00, 0x00, 0x01, 0x00 };
	anc_decode(cmsg(&b, IPPROTO_IP, IP_RECVOPTS, opts, sizeof opts), fake_ifname, &m);
	tap_is_str(m.name, "IP_OPTIONS", "options name");
	field_is(&m, 0, "options", "IP_OPTIONS", "x0101940400000100");
	tap_is_str(m.summary, "", "options: no notice line");

	/* IPv6: destination address (socat's uncompressed form) and interface; hop limit; class */
	struct in6_pktinfo p6 = { .ipi6_ifindex = 7 };
	inet_pton(AF_INET6, "fe80::1", &p6.ipi6_addr);
	anc_decode(cmsg(&b, IPPROTO_IPV6, IPV6_PKTINFO, &p6, sizeof p6), fake_ifname, &m);
	tap_is_str(m.name, "IPV6_PKTINFO", "ipv6 pktinfo name");
	tap_is_int(m.nfields, 2, "ipv6 pktinfo: two values");
	field_is(&m, 0, "dstaddr", "IPV6_DSTADDR", "[fe80:0000:0000:0000:0000:0000:0000:0001]");
	field_is(&m, 1, "if", "IPV6_IF", "eth7");
	tap_is_str(m.summary, "", "ipv6 pktinfo: no notice line");
	int hl = 255;
	anc_decode(cmsg(&b, IPPROTO_IPV6, IPV6_HOPLIMIT, &hl, sizeof hl), fake_ifname, &m);
	field_is(&m, 0, "hoplimit", "IPV6_HOPLIMIT", "255");
	int tc = 0x28;
	anc_decode(cmsg(&b, IPPROTO_IPV6, IPV6_TCLASS, &tc, sizeof tc), fake_ifname, &m);
	field_is(&m, 0, "tclass", "IPV6_TCLASS", "x00000028");

	/* anything else: no name, nothing to export; short payloads are not read past */
	int x = 1;
	anc_decode(cmsg(&b, IPPROTO_IP, IP_RECVERR, &x, sizeof x), fake_ifname, &m);
	tap_ok(m.name == NULL && m.nfields == 0, "unknown message: nothing decoded");
	anc_decode(cmsg(&b, IPPROTO_IP, IP_PKTINFO, &pi, 4), fake_ifname, &m);
	tap_ok(m.name == NULL && m.nfields == 0, "short pktinfo: nothing decoded");
	anc_decode(cmsg(&b, SOL_SOCKET, SO_TIMESTAMP, &tv, 0), fake_ifname, &m);
	tap_ok(m.name == NULL && m.nfields == 0, "empty timestamp: nothing decoded");

	/* the hex form truncates to its buffer */
	char h[6];
	tap_is_str(anc_hex(opts, sizeof opts, h, sizeof h), "x0101", "hex truncated");
	tap_is_str(anc_hex(opts, 0, h, sizeof h), "x", "hex of nothing");

	return tap_done();
}
