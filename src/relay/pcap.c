/* Pure builders for --pcap: file and record headers, IPv4/IPv6 + TCP/UDP packets with their
 * checksums. Nothing here does I/O (relay/capture.c writes what these build). */
#include "relay/pcap.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffffu);
}

void pcap_file_header(unsigned char out[PCAP_FILE_HDR], uint32_t snaplen)
{
	/* native byte order: readers tell it from the magic number */
	uint32_t magic = 0xa1b2c3d4u, zero = 0, link = PCAP_LINKTYPE_RAW;
	uint16_t major = 2, minor = 4;
	memcpy(out, &magic, 4);
	memcpy(out + 4, &major, 2);
	memcpy(out + 6, &minor, 2);
	memcpy(out + 8, &zero, 4);   /* thiszone */
	memcpy(out + 12, &zero, 4);  /* sigfigs */
	memcpy(out + 16, &snaplen, 4);
	memcpy(out + 20, &link, 4);
}

void pcap_record_header(unsigned char out[PCAP_REC_HDR], const struct timeval *tv, uint32_t caplen,
			uint32_t origlen)
{
	uint32_t v[4] = { (uint32_t)tv->tv_sec, (uint32_t)tv->tv_usec, caplen, origlen };
	memcpy(out, v, sizeof v);
}

static uint32_t sum_add(const unsigned char *p, size_t len, uint32_t sum)
{
	uint64_t s = sum;
	size_t i = 0;
	for (; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < len)
		s += (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	return (uint32_t)s;
}

uint16_t pcap_checksum(const unsigned char *p, size_t len, uint32_t sum)
{
	return (uint16_t)~sum_add(p, len, sum);
}

/* The IP header for an l4len-byte transport segment; returns its size (20 or 40) and the
 * pseudo-header's partial checksum in *pseudo. */
static size_t ip_header(unsigned char *out, const struct pcap_flow *f, int from, size_t l4len, uint32_t *pseudo)
{
	unsigned char ph[40];
	size_t alen = f->family == AF_INET6 ? 16 : 4;
	memcpy(ph, f->addr[from], alen);
	memcpy(ph + alen, f->addr[!from], alen);
	if (f->family == AF_INET6) {
		memset(out, 0, 40);
		out[0] = 0x60;
		put16(out + 4, (uint32_t)l4len);
		out[6] = (unsigned char)f->proto;
		out[7] = 64; /* hop limit */
		memcpy(out + 8, ph, 32);
		unsigned char tail[8] = { 0 };
		put32(tail, (uint32_t)l4len);
		tail[7] = (unsigned char)f->proto;
		*pseudo = sum_add(tail, 8, sum_add(ph, 32, 0));
		return 40;
	}
	memset(out, 0, 20);
	out[0] = 0x45;
	put16(out + 2, (uint32_t)(20 + l4len));
	out[6] = 0x40; /* don't fragment */
	out[8] = 64;   /* TTL */
	out[9] = (unsigned char)f->proto;
	memcpy(out + 12, ph, 8);
	put16(out + 10, pcap_checksum(out, 20, 0));
	unsigned char tail[4] = { 0, (unsigned char)f->proto, 0, 0 };
	put16(tail + 2, (uint32_t)l4len);
	*pseudo = sum_add(tail, 4, sum_add(ph, 8, 0));
	return 20;
}

size_t pcap_build_packet(unsigned char *out, struct pcap_flow *f, int from, unsigned flags, const void *data,
			 size_t len)
{
	int tcp = f->proto == IPPROTO_TCP;
	size_t max = tcp ? PCAP_TCP_MSS : PCAP_UDP_MAX;
	if (len > max)
		len = max;
	size_t l4hdr = tcp ? 20 : 8, l4len = l4hdr + len;
	uint32_t pseudo;
	size_t iph = ip_header(out, f, from, l4len, &pseudo);
	unsigned char *l4 = out + iph;
	memset(l4, 0, l4hdr);
	put16(l4, f->port[from]);
	put16(l4 + 2, f->port[!from]);
	if (len)
		memcpy(l4 + l4hdr, data, len);
	if (tcp) {
		put32(l4 + 4, f->seq[from]);
		if (flags & PCAP_TCP_ACK)
			put32(l4 + 8, f->seq[!from]);
		l4[12] = 5 << 4; /* data offset: 5 words, no options */
		l4[13] = (unsigned char)flags;
		put16(l4 + 14, 65535); /* window */
		put16(l4 + 16, pcap_checksum(l4, l4len, pseudo));
		f->seq[from] += (uint32_t)len + !!(flags & PCAP_TCP_SYN) + !!(flags & PCAP_TCP_FIN);
	} else {
		put16(l4 + 4, (uint32_t)l4len);
		uint16_t c = pcap_checksum(l4, l4len, pseudo);
		put16(l4 + 6, c ? c : 0xffffu); /* 0 means "no checksum" in UDP */
	}
	return iph + l4len;
}
