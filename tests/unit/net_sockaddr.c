/* Unit tests for src/xio/sockaddr.c: host:port splitting, ports and services, resolution
 * order, UNIX/abstract/VSOCK addresses, ranges, printing. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "common/log.h"
#include "xio/sockaddr.h"

static void split(const char *in, int rc, const char *host, const char *port)
{
	char h[256], p[64], err[200];
	int r = sa_split_hostport(in, h, sizeof h, p, sizeof p, err, sizeof err);
	tap_is_int(r, rc, "split \"%s\" rc", in);
	if (r == 0 && rc == 0) {
		tap_is_str(h, host, "split \"%s\" host", in);
		tap_is_str(p, port, "split \"%s\" port", in);
	}
}

static void port(const char *in, const char *proto, int want)
{
	uint16_t p = 0;
	char err[200];
	int r = sa_parse_port(in, proto, &p, err, sizeof err);
	if (want < 0)
		tap_ok(r < 0, "port \"%s\" rejected (%s)", in, err);
	else
		tap_ok(r == 0 && p == want, "port \"%s\" = %d (got %u)", in, want, p);
}

static void info(const struct sa_addr *a, const char *want, const char *what)
{
	char b[200];
	sockaddr_info(&a->u.sa, a->len, b, sizeof b);
	tap_is_str(b, want, "%s", what);
}

static void range(const char *r, const char *peer, bool want)
{
	struct sa_range rg;
	char err[200];
	if (!tap_ok(sa_range_parse(r, AF_UNSPEC, &rg, err, sizeof err) == 0, "range %s parses", r)) {
		tap_diag("%s", err);
		return;
	}
	struct sa_list l = { 0 };
	sa_resolve(peer, "1", AF_UNSPEC, 4, 0, 0, SA_NUMERIC, &l, err, sizeof err);
	tap_ok(l.n && sa_range_match(&rg, &l.a[0].u.sa, l.a[0].len) == want, "range %s %s %s", r,
	       want ? "matches" : "refuses", peer);
	sa_list_free(&l);
}

int main(void)
{
	char err[300], b[300];

	/* host:port */
	split("localhost:80", 0, "localhost", "80");
	split("127.0.0.1:8080", 0, "127.0.0.1", "8080");
	split("[::1]:443", 0, "[::1]", "443");
	split("[::1]", 0, "[::1]", "");
	split("::1", 0, "::1", "");
	split(":5555", 0, "", "5555");
	split("host", 0, "host", "");
	split("[::1", -1, NULL, NULL);
	split("[::1]x", -1, NULL, NULL);

	/* ports and services */
	port("80", "tcp", 80);
	port("0", "tcp", 0);
	port("65535", "udp", 65535);
	port("65536", "tcp", -1);
	port("80x", "tcp", -1);
	port("0x50", "tcp", 80);
	port("", "tcp", 0);
	port("no-such-service-xyz", "tcp", -1);
	{
		uint16_t p = 0;
		/* /etc/services may be missing in minimal images: only check when it resolves */
		if (sa_parse_port("http", "tcp", &p, err, sizeof err) == 0)
			tap_is_int(p, 80, "service http = 80");
		else
			tap_ok(1, "# skip service names: no /etc/services");
	}

	/* pf */
	tap_is_int(sa_parse_pf("ip4", err, sizeof err), AF_INET, "pf ip4");
	tap_is_int(sa_parse_pf("ip6", err, sizeof err), AF_INET6, "pf ip6");
	tap_is_int(sa_parse_pf("inet6", err, sizeof err), AF_INET6, "pf inet6");
	tap_is_int(sa_parse_pf("unix", err, sizeof err), AF_UNIX, "pf unix");
	tap_is_int(sa_parse_pf("bogus", err, sizeof err), -1, "pf bogus rejected");

	/* resolution */
	struct sa_list l = { 0 };
	tap_ok(sa_resolve("127.0.0.1", "80", AF_UNSPEC, 4, SOCK_STREAM, 0, 0, &l, err, sizeof err) == 0 && l.n == 1,
	       "resolve 127.0.0.1");
	if (l.n)
		info(&l.a[0], "AF=2 127.0.0.1:80", "127.0.0.1:80 printed");
	sa_list_free(&l);
	tap_ok(sa_resolve("[::1]", "8080", AF_UNSPEC, 4, SOCK_STREAM, 0, 0, &l, err, sizeof err) == 0 && l.n == 1,
	       "resolve [::1]");
	if (l.n)
		info(&l.a[0], "AF=10 [0000:0000:0000:0000:0000:0000:0000:0001]:8080", "[::1] printed uncompressed");
	sa_list_free(&l);
	tap_ok(sa_resolve("127.0.0.1", "80", AF_INET6, 4, SOCK_STREAM, 0, 0, &l, err, sizeof err) == 0 && l.n == 1 &&
		       l.a[0].u.sa.sa_family == AF_INET6,
	       "IPv4 literal for an IPv6 socket is mapped");
	if (l.n)
		info(&l.a[0], "AF=10 [0000:0000:0000:0000:0000:ffff:7f00:0001]:80", "mapped form printed");
	sa_list_free(&l);
	tap_ok(sa_resolve("::1", "80", AF_INET, 4, SOCK_STREAM, 0, SA_NUMERIC, &l, err, sizeof err) < 0,
	       "IPv6 literal refused for IPv4");
	sa_list_free(&l);
	tap_ok(sa_resolve("", "8080", AF_UNSPEC, 4, SOCK_STREAM, 0, SA_PASSIVE, &l, err, sizeof err) == 0 && l.n == 1,
	       "passive any, -4");
	if (l.n)
		info(&l.a[0], "AF=2 0.0.0.0:8080", "passive any is 0.0.0.0");
	sa_list_free(&l);
	tap_ok(sa_resolve("", "8080", AF_UNSPEC, 0, SOCK_STREAM, 0, SA_PASSIVE, &l, err, sizeof err) == 0 && l.n == 1 &&
		       l.a[0].u.sa.sa_family == AF_INET6,
	       "passive any, -0: IPv6 (dual stack)");
	sa_list_free(&l);
	tap_ok(sa_resolve("", "80", AF_UNSPEC, 4, SOCK_STREAM, 0, 0, &l, err, sizeof err) < 0, "empty host refused for connect");
	sa_list_free(&l);
	if (sa_resolve("localhost", "22", AF_UNSPEC, 6, SOCK_STREAM, 0, 0, &l, err, sizeof err) == 0 && l.n > 1) {
		tap_is_int(l.a[0].u.sa.sa_family, AF_INET6, "localhost with -6: IPv6 first");
		sa_list_free(&l);
		sa_resolve("localhost", "22", AF_UNSPEC, 4, SOCK_STREAM, 0, 0, &l, err, sizeof err);
		tap_is_int(l.a[0].u.sa.sa_family, AF_INET, "localhost with -4: IPv4 first");
	} else {
		tap_ok(1, "# skip localhost has one address here");
		tap_ok(1, "# skip");
	}
	sa_list_free(&l);
	tap_ok(sa_resolve("nonexistent.invalid", "80", AF_UNSPEC, 4, SOCK_STREAM, 0, 0, &l, err, sizeof err) < 0 &&
		       strstr(err, "getaddrinfo(\"nonexistent.invalid\""),
	       "unknown host: getaddrinfo message");
	sa_list_free(&l);

	/* UNIX */
	struct sa_addr a;
	tap_ok(sa_unix("/tmp/x.sock", false, true, &a, err, sizeof err) == 0, "unix path");
	tap_is_int(a.len, offsetof(struct sockaddr_un, sun_path) + 11, "tight length = family + path");
	info(&a, "AF=1 \"/tmp/x.sock\"", "unix printed");
	tap_ok(sa_unix("/tmp/x.sock", false, false, &a, err, sizeof err) == 0 && a.len == sizeof(struct sockaddr_un),
	       "untight length = whole struct");
	tap_ok(sa_unix("name", true, true, &a, err, sizeof err) == 0 && a.u.un.sun_path[0] == 0 &&
		       a.len == offsetof(struct sockaddr_un, sun_path) + 5,
	       "abstract: leading NUL, tight length");
	sa_addr_text(&a.u.sa, a.len, b, sizeof b);
	tap_is_str(b, "name", "abstract name text");
	char longp[200];
	memset(longp, 'a', sizeof longp - 1);
	longp[sizeof longp - 1] = 0;
	tap_ok(sa_unix(longp, false, true, &a, err, sizeof err) < 0, "too long unix path refused");

	/* VSOCK */
	tap_ok(sa_vsock("2", "1234", &a, err, sizeof err) == 0 && a.len > 0, "vsock 2:1234");
	tap_is_int(sa_port(&a.u.sa, a.len), 1234, "vsock port");
	tap_ok(sa_vsock("x", "1", &a, err, sizeof err) < 0, "vsock bad cid");

	/* bind values */
	tap_ok(sa_parse_bind(AF_INET, "127.0.0.1:5555", 4, SOCK_STREAM, 0, "tcp", false, &a, err, sizeof err) == 0,
	       "bind=127.0.0.1:5555");
	info(&a, "AF=2 127.0.0.1:5555", "bind printed");
	tap_ok(sa_parse_bind(AF_INET6, "[::1]:0", 4, SOCK_STREAM, 0, "tcp", false, &a, err, sizeof err) == 0 &&
		       a.u.sa.sa_family == AF_INET6,
	       "bind=[::1]:0");
	tap_ok(sa_parse_bind(AF_INET, ":7000", 4, SOCK_STREAM, 0, "tcp", false, &a, err, sizeof err) == 0, "bind=:7000");
	info(&a, "AF=2 0.0.0.0:7000", "bind port only is the any address");
	tap_ok(sa_parse_bind(AF_UNIX, "/tmp/c.sock", 4, SOCK_STREAM, 0, NULL, false, &a, err, sizeof err) == 0 &&
		       a.u.sa.sa_family == AF_UNIX,
	       "bind unix path");

	/* ranges */
	range("127.0.0.0/8", "127.0.0.1", true);
	range("127.0.0.0/8", "10.0.0.1", false);
	range("10.0.0.0:255.0.0.0", "10.1.2.3", true);
	range("10.0.0.0:255.0.0.0", "11.1.2.3", false);
	range("192.168.1.5", "192.168.1.5", true);
	range("192.168.1.5", "192.168.1.6", false);
	range("[::1]/128", "::1", true);
	range("[::1]/128", "::2", false);
	range("[fe80::]/10", "fe80::1", true);
	range("127.0.0.1/32", "::ffff:127.0.0.1", true);
	range("0.0.0.0/0", "8.8.8.8", true);
	range("127.0.0.0/8", "::1", false);
	{
		struct sa_range rg;
		tap_ok(sa_range_parse("10.0.0.0/33", AF_UNSPEC, &rg, err, sizeof err) < 0, "range /33 refused");
		tap_ok(sa_range_parse("[::1]/129", AF_UNSPEC, &rg, err, sizeof err) < 0, "range v6 /129 refused");
		tap_ok(sa_range_parse("10.0.0.0/x", AF_UNSPEC, &rg, err, sizeof err) < 0, "range /x refused");
		tap_ok(sa_range_parse("", AF_UNSPEC, &rg, err, sizeof err) < 0, "empty range refused");
		tap_ok(sa_range_parse("[::1", AF_UNSPEC, &rg, err, sizeof err) < 0, "unbalanced bracket refused");
	}
	{
		/* raw ranges (generic sockets): bytes after the family, masked; missing bytes are 0 */
		struct sa_range rg;
		memset(&rg, 0, sizeof rg);
		rg.family = AF_UNSPEC;
		rg.rawlen = 3;
		memcpy(rg.addr, "\0d\0", 3);
		memcpy(rg.mask, "\xff\xff\x00", 3);
		struct sa_addr ua;
		tap_ok(sa_unix("duct-x", true, true, &ua, err, sizeof err) == 0 && sa_range_match(&rg, &ua.u.sa, ua.len),
		       "raw range \\0d matches abstract \\0duct-x");
		tap_ok(sa_unix("eh", true, true, &ua, err, sizeof err) == 0 && !sa_range_match(&rg, &ua.u.sa, ua.len),
		       "raw range \\0d refuses abstract \\0eh");
		tap_ok(!sa_range_match(&rg, &ua.u.sa, sizeof(sa_family_t)), "raw range \\0d refuses an unnamed peer");
		rg.addr[1] = 0;
		tap_ok(sa_range_match(&rg, &ua.u.sa, 0), "raw range of zeros matches an unnamed peer (no address)");
	}
	{
		/* peer lists: several networks, spans, and the separators */
		struct sa_rangelist rl = { 0 };
		tap_ok(sa_rangelist_add(&rl, "10.0.0.0/8|192.168.1.5-7, [::1]", err, sizeof err) == 0 && rl.n == 5,
		       "peer list: network, 3-address span, v6 address");
		l.n = 0;
		const char *probe[] = { "10.9.8.7", "192.168.1.6", "192.168.1.8", "::1", "127.0.0.1" };
		const bool want[] = { true, true, false, true, false };
		for (int i = 0; i < 5; i++) {
			l.n = 0;
			sa_resolve(probe[i], "1", AF_UNSPEC, 4, 0, 0, SA_NUMERIC, &l, err, sizeof err);
			tap_ok(l.n && sa_rangelist_match(&rl, &l.a[0].u.sa, l.a[0].len) == want[i], "peer list %s %s", probe[i],
			       want[i] ? "matches" : "does not match");
			sa_list_free(&l);
		}
		tap_ok(sa_rangelist_add(&rl, "1.2.3.9-4", err, sizeof err) < 0, "peer list: reversed span refused");
		tap_ok(sa_rangelist_add(&rl, " | ", err, sizeof err) < 0, "peer list: empty list refused");
		sa_rangelist_free(&rl);
	}

	/* env text */
	sa_resolve("[::1]", "80", AF_UNSPEC, 4, SOCK_STREAM, 0, 0, &l, err, sizeof err);
	sa_addr_text(&l.a[0].u.sa, l.a[0].len, b, sizeof b);
	tap_is_str(b, "[0000:0000:0000:0000:0000:0000:0000:0001]", "PEERADDR form of ::1 (socat's)");
	sa_list_free(&l);
	sa_resolve("10.1.2.3", "80", AF_UNSPEC, 4, SOCK_STREAM, 0, 0, &l, err, sizeof err);
	sa_addr_text(&l.a[0].u.sa, l.a[0].len, b, sizeof b);
	tap_is_str(b, "10.1.2.3", "PEERADDR form of an IPv4 address");
	tap_ok(!sa_is_any(&l.a[0].u.sa), "10.1.2.3 is not the any address");
	sa_set_port(&l.a[0].u.sa, 99);
	tap_is_int(sa_port(&l.a[0].u.sa, l.a[0].len), 99, "set port");
	sa_list_free(&l);

	return tap_done();
}
