/* Unit tests for the PROXY protocol parser and builder (src/xio/proxy_proto.c). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/un.h>

#include "tap.h"
#include "xio/proxy_proto.h"

static int parse_s(const char *s, struct pp_hdr *h, char *err)
{
	return pp_parse((const unsigned char *)s, strlen(s), h, err, 200);
}

static const char *addr_text(const union sockaddr_any *a, char *buf)
{
	char t[INET6_ADDRSTRLEN] = "?";
	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->in4.sin_addr, t, sizeof t);
		sprintf(buf, "%s:%u", t, ntohs(a->in4.sin_port));
	} else if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, t, sizeof t);
		sprintf(buf, "[%s]:%u", t, ntohs(a->in6.sin6_port));
	} else if (a->sa.sa_family == AF_UNIX) {
		sprintf(buf, "unix:%s", a->un.sun_path);
	} else {
		sprintf(buf, "none");
	}
	return buf;
}

/* Every proper prefix of a valid header asks for more; the whole parses to its length. */
static bool prefixes_need_more(const unsigned char *b, size_t n)
{
	struct pp_hdr h;
	char err[200];
	for (size_t k = 0; k < n; k++)
		if (pp_parse(b, k, &h, err, sizeof err) != 0)
			return false;
	return pp_parse(b, n, &h, err, sizeof err) == (int)n;
}

int main(void)
{
	struct pp_hdr h;
	char err[200], t1[200], t2[200];
	unsigned char b[PP_MAX];

	/* ---- v1 ---- */
	const char *v1 = "PROXY TCP4 127.0.0.9 127.0.0.1 40000 8080\r\nGET / HTTP/1.0\r\n";
	int n = parse_s(v1, &h, err);
	tap_is_int(n, 43, "v1 TCP4 parses to the end of its line, not the data after it");
	tap_is_int(h.version, 1, "v1 version");
	tap_ok(!h.local, "v1 TCP4 is not local");
	tap_is_str(addr_text(&h.src, t1), "127.0.0.9:40000", "v1 source");
	tap_is_str(addr_text(&h.dst, t2), "127.0.0.1:8080", "v1 destination");
	tap_ok(prefixes_need_more((const unsigned char *)v1, 43), "v1: every prefix needs more");
	n = parse_s("PROXY TCP6 ::1 2001:db8::5 1 65535\r\n", &h, err);
	tap_ok(n > 0, "v1 TCP6 parses");
	tap_is_str(addr_text(&h.src, t1), "[::1]:1", "v1 TCP6 source");
	tap_is_str(addr_text(&h.dst, t2), "[2001:db8::5]:65535", "v1 TCP6 destination");
	n = parse_s("PROXY UNKNOWN\r\n", &h, err);
	tap_ok(n == 15 && h.local, "v1 UNKNOWN: keep the real peer");
	n = parse_s("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n", &h, err);
	tap_ok(n > 0 && h.local, "v1 UNKNOWN with addresses: ignored");

	static const char *const bad1[] = {
		"GET / HTTP/1.1\r\n",
		"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n",
		"PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",
		"PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n",
		"PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n",
		"PROXY TCP4 1.2.3.400 5.6.7.8 1 2\r\n",
		"PROXY TCP4 ::1 5.6.7.8 1 2\r\n",
		"PROXY TCP6 1.2.3.4 ::1 1 2\r\n",
		"PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n",
		"PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n",
		"PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n",
		"PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n",
		"PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n",
		"PROXY\r\n",
		"proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n",
	};
	for (size_t i = 0; i < sizeof bad1 / sizeof bad1[0]; i++) {
		err[0] = 0;
		n = parse_s(bad1[i], &h, err);
		tap_ok(n == -1 && err[0], "v1 refused: %.*s -> %s", (int)strcspn(bad1[i], "\r\n"), bad1[i], err);
	}
	char longv1[300];
	memset(longv1, 0, sizeof longv1);
	strcpy(longv1, "PROXY TCP6 ");
	memset(longv1 + 11, 'f', 200);
	tap_is_int(parse_s(longv1, &h, err), -1, "v1 longer than 107 bytes without a LF: refused");
	tap_ok(strstr(err, "107") != NULL, "... and the message says the limit: %s", err);
	longv1[50] = 0;
	tap_is_int(parse_s(longv1, &h, err), 0, "a 50-byte v1 beginning: needs more");
	tap_is_int(pp_parse((const unsigned char *)"PRO", 3, &h, err, sizeof err), 0, "\"PRO\": needs more");
	tap_is_int(pp_parse((const unsigned char *)"PRX", 3, &h, err, sizeof err), -1, "\"PRX\": refused at once");
	tap_is_int(pp_parse((const unsigned char *)"", 0, &h, err, sizeof err), 0, "nothing yet: needs more");

	/* ---- v2 built, parsed back ---- */
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(40000) };
	struct sockaddr_in d4 = { .sin_family = AF_INET, .sin_port = htons(8080) };
	inet_pton(AF_INET, "127.0.0.9", &s4.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &d4.sin_addr);
	n = pp_build(2, (struct sockaddr *)&s4, sizeof s4, (struct sockaddr *)&d4, sizeof d4, b, sizeof b);
	tap_is_int(n, 28, "v2 IPv4 header is 16 + 12 bytes");
	tap_ok(b[12] == 0x21 && b[13] == 0x11 && b[14] == 0 && b[15] == 12, "v2 IPv4: PROXY, INET/STREAM, length 12");
	tap_ok(prefixes_need_more(b, 28), "v2: every prefix needs more");
	tap_is_int(pp_parse(b, 28, &h, err, sizeof err), 28, "v2 IPv4 parses back");
	tap_ok(h.version == 2 && !h.local, "v2 version and command");
	tap_is_str(addr_text(&h.src, t1), "127.0.0.9:40000", "v2 source");
	tap_is_str(addr_text(&h.dst, t2), "127.0.0.1:8080", "v2 destination");

	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(1) };
	struct sockaddr_in6 d6 = { .sin6_family = AF_INET6, .sin6_port = htons(2) };
	inet_pton(AF_INET6, "2001:db8::1", &s6.sin6_addr);
	inet_pton(AF_INET6, "::1", &d6.sin6_addr);
	n = pp_build(2, (struct sockaddr *)&s6, sizeof s6, (struct sockaddr *)&d6, sizeof d6, b, sizeof b);
	tap_is_int(n, 52, "v2 IPv6 header is 16 + 36 bytes");
	tap_is_int(pp_parse(b, (size_t)n, &h, err, sizeof err), 52, "v2 IPv6 parses back");
	tap_is_str(addr_text(&h.src, t1), "[2001:db8::1]:1", "v2 IPv6 source");
	n = pp_build(1, (struct sockaddr *)&s6, sizeof s6, (struct sockaddr *)&d6, sizeof d6, b, sizeof b);
	b[n] = 0;
	tap_is_str((char *)b, "PROXY TCP6 2001:db8::1 ::1 1 2\r\n", "v1 built for IPv6");
	n = pp_build(1, (struct sockaddr *)&s4, sizeof s4, (struct sockaddr *)&d4, sizeof d4, b, sizeof b);
	b[n] = 0;
	tap_is_str((char *)b, "PROXY TCP4 127.0.0.9 127.0.0.1 40000 8080\r\n", "v1 built for IPv4");

	/* mixed families: the IPv4 one is mapped; a v4-mapped pair travels as IPv4 */
	n = pp_build(1, (struct sockaddr *)&s4, sizeof s4, (struct sockaddr *)&d6, sizeof d6, b, sizeof b);
	b[n] = 0;
	tap_is_str((char *)b, "PROXY TCP6 ::ffff:127.0.0.9 ::1 40000 2\r\n", "v1 mixed families: TCP6, source mapped");
	struct sockaddr_in6 m6 = { .sin6_family = AF_INET6, .sin6_port = htons(7) };
	inet_pton(AF_INET6, "::ffff:10.0.0.1", &m6.sin6_addr);
	n = pp_build(1, (struct sockaddr *)&m6, sizeof m6, (struct sockaddr *)&d4, sizeof d4, b, sizeof b);
	b[n] = 0;
	tap_is_str((char *)b, "PROXY TCP4 10.0.0.1 127.0.0.1 7 8080\r\n", "v1: a v4-mapped source travels as TCP4");

	/* no addresses: UNKNOWN / UNSPEC */
	n = pp_build(1, NULL, 0, NULL, 0, b, sizeof b);
	b[n] = 0;
	tap_is_str((char *)b, "PROXY UNKNOWN\r\n", "v1 without addresses: UNKNOWN");
	n = pp_build(2, NULL, 0, (struct sockaddr *)&d4, sizeof d4, b, sizeof b);
	tap_ok(n == 16 && b[12] == 0x21 && b[13] == 0, "v2 without a source: PROXY, UNSPEC, length 0");
	tap_ok(pp_parse(b, 16, &h, err, sizeof err) == 16 && h.local, "... parsed: keep the real peer");

	/* UNIX */
	struct sockaddr_un su = { .sun_family = AF_UNIX }, du = { .sun_family = AF_UNIX };
	strcpy(su.sun_path, "/tmp/client.sock");
	strcpy(du.sun_path, "/run/server.sock");
	n = pp_build(2, (struct sockaddr *)&su, sizeof su, (struct sockaddr *)&du, sizeof du, b, sizeof b);
	tap_is_int(n, 16 + 216, "v2 UNIX header is 16 + 216 bytes");
	tap_ok(pp_parse(b, (size_t)n, &h, err, sizeof err) == n && h.src.sa.sa_family == AF_UNIX, "v2 UNIX parses back");
	tap_is_str(h.src.un.sun_path, "/tmp/client.sock", "v2 UNIX source path");
	tap_is_str(h.dst.un.sun_path, "/run/server.sock", "v2 UNIX destination path");
	n = pp_build(1, (struct sockaddr *)&su, sizeof su, (struct sockaddr *)&du, sizeof du, b, sizeof b);
	b[n] = 0;
	tap_is_str((char *)b, "PROXY UNKNOWN\r\n", "v1 cannot carry UNIX: UNKNOWN");

	/* LOCAL, TLVs, lying and broken v2 */
	n = pp_build(2, (struct sockaddr *)&s4, sizeof s4, (struct sockaddr *)&d4, sizeof d4, b, sizeof b);
	b[12] = 0x20;
	tap_ok(pp_parse(b, 28, &h, err, sizeof err) == 28 && h.local, "v2 LOCAL: accepted, real peer kept");
	b[12] = 0x21;
	b[15] = 12 + 7; /* a 7-byte TLV after the addresses */
	memcpy(b + 28, "\x04\x00\x04" "abcd", 7);
	tap_is_int(pp_parse(b, 35, &h, err, sizeof err), 35, "v2 with a TLV: the whole length is consumed");
	tap_is_int(pp_parse(b, 34, &h, err, sizeof err), 0, "v2 with a TLV, one byte short: needs more");
	b[15] = 4;
	tap_is_int(pp_parse(b, 28, &h, err, sizeof err), -1, "v2 length shorter than its IPv4 addresses: refused");
	tap_ok(strstr(err, "too short") != NULL, "... %s", err);
	b[14] = 0xff;
	b[15] = 0xff;
	tap_is_int(pp_parse(b, 16, &h, err, sizeof err), -1, "v2 length 65535: refused, not waited for");
	b[14] = 0;
	b[15] = 12;
	b[12] = 0x11;
	tap_is_int(pp_parse(b, 28, &h, err, sizeof err), -1, "v2 version 1 in the version byte: refused");
	b[12] = 0x22;
	tap_is_int(pp_parse(b, 13, &h, err, sizeof err), -1, "v2 command 2: refused as soon as seen");
	b[12] = 0x21;
	b[13] = 0x41;
	tap_is_int(pp_parse(b, 28, &h, err, sizeof err), -1, "v2 family 4: refused");
	b[13] = 0x11;
	b[5] = 'x';
	tap_is_int(pp_parse(b, 28, &h, err, sizeof err), -1, "v2 signature broken: refused");
	tap_is_int(pp_parse(b, 5, &h, err, sizeof err), 0, "... but its first 5 bytes need more");
	tap_is_int(pp_build(2, (struct sockaddr *)&s4, sizeof s4, (struct sockaddr *)&d4, sizeof d4, b, 20), -1,
		   "v2 build into a short buffer: -1");
	tap_is_int(pp_build(1, (struct sockaddr *)&s4, sizeof s4, (struct sockaddr *)&d4, sizeof d4, b, 10), -1,
		   "v1 build into a short buffer: -1");
	return tap_done();
}
