/* The pcap file format and synthesized IPv4/IPv6 + TCP/UDP packets, as pure functions
 * (buffers in, bytes out) for --pcap. Internal to the engine (relay/capture.c writes them);
 * exposed for unit tests. */
#ifndef DUCT_RELAY_PCAP_H
#define DUCT_RELAY_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#define PCAP_LINKTYPE_RAW 101     /* each record is one IP packet, version from its first nibble */
#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16
#define PCAP_SNAPLEN_DEFAULT 262144u
#define PCAP_SNAPLEN_MIN 60u      /* room for an IPv6 + TCP header */
/* TCP payload per segment: 65535 - 20 (IPv4) - 20 (TCP); with IPv6 the payload length field
 * (TCP header + data) is then 65515, within its 16 bits as well. */
#define PCAP_TCP_MSS 65495u
#define PCAP_UDP_MAX 65507u       /* 65535 - 20 (IPv4) - 8 (UDP) */
#define PCAP_PKT_MAX (40u + 20u + PCAP_TCP_MSS) /* largest packet pcap_build_packet makes */

#define PCAP_TCP_FIN 0x01u
#define PCAP_TCP_SYN 0x02u
#define PCAP_TCP_PSH 0x08u
#define PCAP_TCP_ACK 0x10u

/* One synthesized connection (or UDP flow): side 0 and side 1, their addresses and ports, and
 * for TCP the next sequence number each side sends. */
struct pcap_flow {
	int family;             /* AF_INET or AF_INET6 */
	int proto;              /* IPPROTO_TCP or IPPROTO_UDP */
	unsigned char addr[2][16]; /* network order; IPv4 uses the first 4 bytes */
	uint16_t port[2];       /* host order */
	uint32_t seq[2];
};

/* The 24-byte file header (native byte order, microsecond timestamps, LINKTYPE_RAW). */
void pcap_file_header(unsigned char out[PCAP_FILE_HDR], uint32_t snaplen);
/* A 16-byte record header: caplen bytes of an origlen-byte packet stored. */
void pcap_record_header(unsigned char out[PCAP_REC_HDR], const struct timeval *tv, uint32_t caplen,
			uint32_t origlen);
/* RFC 1071 checksum over len bytes, starting from the partial sum sum (0 at the start);
 * returns the folded, complemented 16-bit value. */
uint16_t pcap_checksum(const unsigned char *p, size_t len, uint32_t sum);
/* One packet from side from to the other side: IP header, TCP (flags PCAP_TCP_*; the ACK
 * number is the other side's next sequence number when PCAP_TCP_ACK is set) or UDP header
 * (flags ignored), then len bytes of data (at most PCAP_TCP_MSS, PCAP_UDP_MAX for UDP),
 * checksums filled in. Advances f->seq[from] by len (+1 for SYN, +1 for FIN). out holds
 * PCAP_PKT_MAX bytes. Returns the packet's length. */
size_t pcap_build_packet(unsigned char *out, struct pcap_flow *f, int from, unsigned flags, const void *data,
			 size_t len);

#endif
