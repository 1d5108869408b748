/* --pcap's packet builder (relay/pcap.c): header layouts, checksums that verify, sequence
 * numbers, MSS and datagram bounds. Checked end to end against tcpdump/tshark in
 * tests/observe_pcap.t. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "relay/pcap.h"
#include "tap.h"

static unsigned get16(const unsigned char *p) { return (unsigned)(p[0] << 8 | p[1]); }
static uint32_t get32(const unsigned char *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

static void flow4(struct pcap_flow *f, int proto)
{
	memset(f, 0, sizeof *f);
	f->family = AF_INET;
	f->proto = proto;
	inet_pton(AF_INET, "127.0.0.1", f->addr[0]);
	inet_pton(AF_INET, "10.1.2.3", f->addr[1]);
	f->port[0] = 40000;
	f->port[1] = 80;
	f->seq[0] = 1000;
	f->seq[1] = 0xfffffff0u; /* wraps */
}

/* The transport checksum recomputed over the pseudo-header and segment: 0 when it verifies. */
static uint16_t verify_l4(const unsigned char *pkt, int v6)
{
	size_t iph = v6 ? 40 : 20;
	size_t l4len = v6 ? get16(pkt + 4) : get16(pkt + 2) - 20;
	unsigned char ph[40];
	size_t n;
	if (v6) {
		memcpy(ph, pkt + 8, 32);
		memset(ph + 32, 0, 8);
		ph[34] = (unsigned char)(l4len >> 8);
		ph[35] = (unsigned char)l4len;
		ph[39] = pkt[6];
		n = 40;
	} else {
		memcpy(ph, pkt + 12, 8);
		ph[8] = 0;
		ph[9] = pkt[9];
		ph[10] = (unsigned char)(l4len >> 8);
		ph[11] = (unsigned char)l4len;
		n = 12;
	}
	unsigned char *all = malloc(n + l4len);
	memcpy(all, ph, n);
	memcpy(all + n, pkt + iph, l4len);
	uint16_t c = pcap_checksum(all, n + l4len, 0);
	free(all);
	return c;
}

static void test_headers(void)
{
	unsigned char h[PCAP_FILE_HDR], r[PCAP_REC_HDR];
	pcap_file_header(h, 1500);
	uint32_t v;
	memcpy(&v, h, 4);
	tap_ok(v == 0xa1b2c3d4u, "file header: magic in native order");
	memcpy(&v, h + 16, 4);
	tap_ok(v == 1500, "file header: snaplen");
	memcpy(&v, h + 20, 4);
	tap_ok(v == PCAP_LINKTYPE_RAW, "file header: LINKTYPE_RAW");
	struct timeval tv = { .tv_sec = 1700000000, .tv_usec = 123456 };
	pcap_record_header(r, &tv, 60, 100);
	uint32_t w[4];
	memcpy(w, r, 16);
	tap_ok(w[0] == 1700000000 && w[1] == 123456 && w[2] == 60 && w[3] == 100, "record header: time, caplen, origlen");
}

static void test_tcp4(void)
{
	static unsigned char pkt[PCAP_PKT_MAX];
	struct pcap_flow f;
	flow4(&f, IPPROTO_TCP);
	size_t n = pcap_build_packet(pkt, &f, 0, PCAP_TCP_SYN, NULL, 0);
	tap_ok(n == 40 && pkt[0] == 0x45 && pkt[9] == IPPROTO_TCP, "SYN: 20-byte IPv4 + 20-byte TCP");
	tap_ok(pcap_checksum(pkt, 20, 0) == 0, "IPv4 header checksum verifies");
	tap_ok(get16(pkt + 20) == 40000 && get16(pkt + 22) == 80, "ports from side 0 to side 1");
	tap_ok(get32(pkt + 24) == 1000 && get32(pkt + 28) == 0 && pkt[33] == PCAP_TCP_SYN, "SYN: seq, no ack");
	tap_ok(f.seq[0] == 1001, "SYN takes one sequence number");
	n = pcap_build_packet(pkt, &f, 1, PCAP_TCP_SYN | PCAP_TCP_ACK, NULL, 0);
	tap_ok(get32(pkt + 28) == 1001 && !memcmp(pkt + 12, "\x0a\x01\x02\x03", 4), "SYN-ACK: acks side 0, from side 1's address");
	tap_ok(f.seq[1] == 0xfffffff1u, "SYN-ACK advances side 1");
	const char msg[] = "hello, world";
	n = pcap_build_packet(pkt, &f, 0, PCAP_TCP_PSH | PCAP_TCP_ACK, msg, 12);
	tap_ok(n == 52 && get16(pkt + 2) == 52 && !memcmp(pkt + 40, msg, 12), "data: total length, payload");
	tap_ok(verify_l4(pkt, 0) == 0, "TCP checksum verifies (even length)");
	n = pcap_build_packet(pkt, &f, 1, PCAP_TCP_PSH | PCAP_TCP_ACK, msg, 11);
	tap_ok(verify_l4(pkt, 0) == 0, "TCP checksum verifies (odd length)");
	tap_ok(f.seq[1] == 0xfffffff1u + 11 && f.seq[0] == 1013, "sequence numbers advance by the data, wrapping");
	static unsigned char big[PCAP_TCP_MSS + 100];
	memset(big, 0xab, sizeof big);
	n = pcap_build_packet(pkt, &f, 0, PCAP_TCP_ACK, big, sizeof big);
	tap_ok(n == 40 + PCAP_TCP_MSS && get16(pkt + 2) == 65535, "a segment stops at the MSS, total length 65535");
	tap_ok(verify_l4(pkt, 0) == 0, "TCP checksum verifies at the MSS");
	n = pcap_build_packet(pkt, &f, 0, PCAP_TCP_FIN | PCAP_TCP_ACK, NULL, 0);
	tap_ok(f.seq[0] == 1013 + PCAP_TCP_MSS + 1 && pkt[33] == (PCAP_TCP_FIN | PCAP_TCP_ACK), "FIN takes one sequence number");
}

static void test_v6_udp(void)
{
	static unsigned char pkt[PCAP_PKT_MAX];
	struct pcap_flow f;
	flow4(&f, IPPROTO_TCP);
	f.family = AF_INET6;
	inet_pton(AF_INET6, "::1", f.addr[0]);
	inet_pton(AF_INET6, "fe80::1", f.addr[1]);
	size_t n = pcap_build_packet(pkt, &f, 1, PCAP_TCP_PSH | PCAP_TCP_ACK, "abc", 3);
	tap_ok(n == 63 && pkt[0] == 0x60 && get16(pkt + 4) == 23 && pkt[6] == IPPROTO_TCP, "IPv6: version, payload length, next header");
	tap_ok(!memcmp(pkt + 8, f.addr[1], 16) && !memcmp(pkt + 24, f.addr[0], 16), "IPv6: source and destination");
	tap_ok(verify_l4(pkt, 1) == 0, "TCP over IPv6 checksum verifies");

	flow4(&f, IPPROTO_UDP);
	n = pcap_build_packet(pkt, &f, 0, 0, "ping", 4);
	tap_ok(n == 32 && pkt[9] == IPPROTO_UDP && get16(pkt + 24) == 12, "UDP/IPv4: lengths");
	tap_ok(verify_l4(pkt, 0) == 0 && get16(pkt + 26) != 0, "UDP checksum verifies, never 0");
	tap_ok(f.seq[0] == 1000, "UDP leaves the sequence numbers alone");
	static unsigned char big[70000];
	n = pcap_build_packet(pkt, &f, 0, 0, big, sizeof big);
	tap_ok(n == 20 + 8 + PCAP_UDP_MAX && get16(pkt + 2) == 65535, "a datagram is cut at 65507 bytes");
	f.family = AF_INET6;
	n = pcap_build_packet(pkt, &f, 1, 0, "pong!", 5);
	tap_ok(n == 53 && pkt[6] == IPPROTO_UDP && verify_l4(pkt, 1) == 0, "UDP/IPv6 checksum verifies");
}

int main(void)
{
	tap_plan(26);
	test_headers();
	test_tcp4();
	test_v6_udp();
	return tap_failed != 0;
}
