/* Decoding of received control messages (see ancillary.h). */
#include "xio/ancillary.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "xio/sockaddr.h"

char *anc_hex(const unsigned char *data, size_t len, char *buf, size_t buflen)
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;
	if (buflen == 0)
		return buf;
	if (buflen > 1)
		buf[o++] = 'x';
	for (size_t i = 0; i < len && o + 2 < buflen; i++) {
		buf[o++] = digits[data[i] >> 4];
		buf[o++] = digits[data[i] & 15];
	}
	buf[o] = 0;
	return buf;
}

static struct anc_field *field(struct anc_msg *m, const char *key, const char *env)
{
	struct anc_field *f = &m->f[m->nfields++];
	f->key = key;
	f->env = env;
	f->value[0] = 0;
	return f;
}

static size_t payload_len(const struct cmsghdr *cm)
{
	return cm->cmsg_len > CMSG_LEN(0) ? cm->cmsg_len - CMSG_LEN(0) : 0;
}

/* An int-sized payload; a shorter one (IP_TOS is one byte) is read as that byte. */
static int payload_int(const struct cmsghdr *cm)
{
	size_t n = payload_len(cm);
	if (n >= sizeof(int)) {
		int v;
		memcpy(&v, CMSG_DATA(cm), sizeof v);
		return v;
	}
	return n ? *(const unsigned char *)CMSG_DATA(cm) : 0;
}

/* ctime's form without its newline, then the microseconds: socat's SOCAT_TIMESTAMP. */
static void timestamp_text(const struct timeval *tv, char *buf, size_t buflen)
{
	struct tm tm;
	time_t t = tv->tv_sec;
	char tb[64] = "";
	if (localtime_r(&t, &tm))
		strftime(tb, sizeof tb, "%a %b %e %H:%M:%S %Y", &tm);
	snprintf(buf, buflen, "%s, %06ld usecs", tb, (long)tv->tv_usec);
}

static void ifname_into(anc_ifname_fn ifname, unsigned idx, char *buf, size_t buflen)
{
	char nb[IF_NAMESIZE + 1] = "";
	const char *n = ifname ? ifname(idx, nb) : NULL;
	snprintf(buf, buflen, "%s", n ? n : "");
}

void anc_decode(const struct cmsghdr *cm, anc_ifname_fn ifname, struct anc_msg *out)
{
	memset(out, 0, sizeof *out);
	size_t n = payload_len(cm);
	const unsigned char *data = CMSG_DATA(cm);
	if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_TIMESTAMP && n >= sizeof(struct timeval)) {
		struct timeval tv;
		memcpy(&tv, data, sizeof tv);
		out->name = "SCM_TIMESTAMP";
		struct anc_field *f = field(out, "timestamp", "TIMESTAMP");
		timestamp_text(&tv, f->value, sizeof f->value);
	} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO && n >= sizeof(struct in_pktinfo)) {
		struct in_pktinfo pi;
		memcpy(&pi, data, sizeof pi);
		out->name = "IP_PKTINFO";
		struct anc_field *fi = field(out, "if", "IP_IF");
		struct anc_field *fl = field(out, "locaddr", "IP_LOCADDR");
		struct anc_field *fd = field(out, "dstaddr", "IP_DSTADDR");
		ifname_into(ifname, (unsigned)pi.ipi_ifindex, fi->value, sizeof fi->value);
		inet_ntop(AF_INET, &pi.ipi_spec_dst, fl->value, sizeof fl->value);
		inet_ntop(AF_INET, &pi.ipi_addr, fd->value, sizeof fd->value);
		snprintf(out->summary, sizeof out->summary, "interface \"%s\", locaddr=%s, dstaddr=%s", fi->value,
			 fl->value, fd->value);
	} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL && n > 0) {
		out->name = "IP_TTL";
		struct anc_field *f = field(out, "ttl", "IP_TTL");
		snprintf(f->value, sizeof f->value, "%d", payload_int(cm));
		snprintf(out->summary, sizeof out->summary, "ttl=%s", f->value);
	} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TOS && n > 0) {
		out->name = "IP_TOS";
		struct anc_field *f = field(out, "tos", "IP_TOS");
		snprintf(f->value, sizeof f->value, "%u", (unsigned)data[0]);
		snprintf(out->summary, sizeof out->summary, "tos=%s", f->value);
	} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVOPTS) {
		/* the kernel delivers them as type IP_RECVOPTS; socat names them IP_OPTIONS */
		out->name = "IP_OPTIONS";
		struct anc_field *f = field(out, "options", "IP_OPTIONS");
		anc_hex(data, n, f->value, sizeof f->value);
	} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO &&
		   n >= sizeof(struct in6_pktinfo)) {
		struct in6_pktinfo pi;
		memcpy(&pi, data, sizeof pi);
		out->name = "IPV6_PKTINFO";
		struct anc_field *fd = field(out, "dstaddr", "IPV6_DSTADDR");
		struct anc_field *fi = field(out, "if", "IPV6_IF");
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = pi.ipi6_addr };
		sa_addr_text((const struct sockaddr *)&a, sizeof a, fd->value, sizeof fd->value);
		ifname_into(ifname, pi.ipi6_ifindex, fi->value, sizeof fi->value);
	} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT && n > 0) {
		out->name = "IPV6_HOPLIMIT";
		struct anc_field *f = field(out, "hoplimit", "IPV6_HOPLIMIT");
		snprintf(f->value, sizeof f->value, "%d", payload_int(cm));
	} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_TCLASS && n > 0) {
		out->name = "IPV6_TCLASS";
		struct anc_field *f = field(out, "tclass", "IPV6_TCLASS");
		snprintf(f->value, sizeof f->value, "x%08x", (unsigned)payload_int(cm));
	}
}
