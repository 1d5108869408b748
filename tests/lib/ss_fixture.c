/* ss_fixture: create a fixed set of sockets for the ss differential test, then wait.
 * Meant to run inside a fresh network namespace (fixed ports are safe there).
 * Usage: ss_fixture DIR   (unix socket paths go under DIR)
 * Prints "ready" on stdout once everything is set up, then sleeps until a signal
 * (SIGTERM/SIGKILL) ends it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/if_packet.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "ss_fixture: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int tcp_listen4(const char *ip, int port, int backlog)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (s < 0) die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	inet_pton(AF_INET, ip, &a.sin_addr);
	if (bind(s, (void *)&a, sizeof a) || listen(s, backlog)) die("tcp4 listen");
	return s;
}

static int tcp_listen6(const char *ip, int port, int backlog, int v6only)
{
	int s = socket(AF_INET6, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	if (s < 0) die("socket6");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	if (bind(s, (void *)&a, sizeof a) || listen(s, backlog)) die("tcp6 listen");
	return s;
}

static int tcp_connect4(const char *ip, int port, int lport)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (s < 0) die("socket");
	if (lport) {
		struct sockaddr_in l = { .sin_family = AF_INET, .sin_port = htons(lport) };
		inet_pton(AF_INET, "127.0.0.1", &l.sin_addr);
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(s, (void *)&l, sizeof l)) die("bind client");
	}
	inet_pton(AF_INET, ip, &a.sin_addr);
	if (connect(s, (void *)&a, sizeof a)) die("connect4");
	return s;
}

static int tcp_connect6(const char *ip, int port, int lport)
{
	int s = socket(AF_INET6, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	if (s < 0) die("socket6");
	if (lport) {
		struct sockaddr_in6 l = { .sin6_family = AF_INET6, .sin6_port = htons(lport) };
		inet_pton(AF_INET6, "::1", &l.sin6_addr);
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(s, (void *)&l, sizeof l)) die("bind client6");
	}
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	if (connect(s, (void *)&a, sizeof a)) die("connect6");
	return s;
}

static int udp4(const char *ip, int port, const char *peer, int pport)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (s < 0) die("udp socket");
	inet_pton(AF_INET, ip, &a.sin_addr);
	if (bind(s, (void *)&a, sizeof a)) die("udp bind");
	if (peer) {
		struct sockaddr_in p = { .sin_family = AF_INET, .sin_port = htons(pport) };
		inet_pton(AF_INET, peer, &p.sin_addr);
		if (connect(s, (void *)&p, sizeof p)) die("udp connect");
	}
	return s;
}

static int udp6(const char *ip, int port, int v6only)
{
	int s = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	if (s < 0) die("udp6 socket");
	setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	if (bind(s, (void *)&a, sizeof a)) die("udp6 bind");
	return s;
}

static socklen_t un_addr(struct sockaddr_un *a, const char *dir, const char *name, int abstract, int unlink_it)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	if (abstract) {
		size_t n = strlen(name);
		memcpy(a->sun_path + 1, name, n);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	}
	snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", dir, name);
	if (unlink_it)
		unlink(a->sun_path);
	return (socklen_t)sizeof *a;
}

static int unix_listen(int type, const char *dir, const char *name, int abstract, int backlog)
{
	struct sockaddr_un a;
	socklen_t l = un_addr(&a, dir, name, abstract, 1);
	int s = socket(AF_UNIX, type, 0);
	if (s < 0) die("unix socket");
	if (bind(s, (void *)&a, l)) die("unix bind");
	if ((type == SOCK_STREAM || type == SOCK_SEQPACKET) && listen(s, backlog)) die("unix listen");
	return s;
}

static int unix_connect(int type, const char *dir, const char *name, int abstract)
{
	struct sockaddr_un a;
	socklen_t l = un_addr(&a, dir, name, abstract, 0);
	int s = socket(AF_UNIX, type, 0);
	if (s < 0) die("unix socket");
	if (connect(s, (void *)&a, l)) die("unix connect");
	return s;
}

static void sendall(int s, size_t n)
{
	char buf[4096];
	memset(buf, 'x', sizeof buf);
	while (n) {
		ssize_t w = send(s, buf, n < sizeof buf ? n : sizeof buf, 0);
		if (w <= 0) die("send");
		n -= (size_t)w;
	}
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	int one = 1;
	signal(SIGPIPE, SIG_IGN);

	/* TCP listeners, IPv4 and IPv6 */
	int l8080 = tcp_listen4("127.0.0.1", 8080, 10);
	int l5432 = tcp_listen4("0.0.0.0", 5432, 128);
	int l9090 = tcp_listen4("127.0.0.1", 9090, 511);
	int l8443 = tcp_listen6("::1", 8443, 128, 1);
	int l6000 = tcp_listen6("::", 6000, 64, 0);   /* v6only=0: shows as * */
	int l6001 = tcp_listen6("::", 6001, 32, 1);   /* v6only=1: shows as [::] */
	(void)l8080; (void)l6000; (void)l6001;

	/* Established pairs with queued bytes */
	int c1 = tcp_connect4("127.0.0.1", 9090, 40001);
	int a1 = accept(l9090, NULL, NULL);
	if (a1 < 0) die("accept");
	sendall(c1, 1000);                              /* a1 Recv-Q 1000 */
	int c2 = tcp_connect4("127.0.0.1", 5432, 40002);
	int a2 = accept(l5432, NULL, NULL);
	if (a2 < 0) die("accept");
	sendall(a2, 77);                                /* c2 Recv-Q 77 */
	setsockopt(c2, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
	int c3 = tcp_connect4("127.0.0.1", 5432, 40003); /* left in the accept queue */
	(void)c3;
	int c4 = tcp_connect6("::1", 8443, 40004);
	int a4 = accept(l8443, NULL, NULL);
	if (a4 < 0) die("accept6");
	sendall(c4, 300);
	sendall(a4, 5);
	shutdown(a4, SHUT_WR);                          /* half-closed: FIN-WAIT-2 / CLOSE-WAIT */

	/* UDP, IPv4 and IPv6 */
	int u1 = udp4("127.0.0.1", 8053, NULL, 0);
	int u2 = udp4("0.0.0.0", 5353, NULL, 0);
	int u3 = udp4("127.0.0.1", 40053, "127.0.0.1", 8053); /* connected: ESTAB */
	send(u3, "abcd", 4, 0);                          /* u1 Recv-Q (memory) */
	int u4 = udp6("::1", 8054, 1);
	int u5 = udp6("::", 8055, 0);
	(void)u1; (void)u2; (void)u4; (void)u5;

	/* unix: stream listener with a connection holding queued bytes, datagram, socketpairs */
	int us = unix_listen(SOCK_STREAM, dir, "fixture.sock", 0, 16);
	int uc = unix_connect(SOCK_STREAM, dir, "fixture.sock", 0);
	int ua = accept(us, NULL, NULL);
	if (ua < 0) die("unix accept");
	sendall(uc, 77);
	int ud = unix_listen(SOCK_DGRAM, dir, "fixture.dgram", 0, 0);
	int udc = socket(AF_UNIX, SOCK_DGRAM, 0);
	{
		struct sockaddr_un a;
		socklen_t l;
		memset(&a, 0, sizeof a);
		a.sun_family = AF_UNIX;
		snprintf(a.sun_path, sizeof a.sun_path, "%s/fixture.dgram", dir);
		l = (socklen_t)sizeof a;
		if (sendto(udc, "hello", 5, 0, (void *)&a, l) != 5) die("unix sendto");
	}
	(void)ud;
	int uab = unix_listen(SOCK_STREAM, dir, "duct-ss-abstract", 1, 5);
	int uabc = unix_connect(SOCK_STREAM, dir, "duct-ss-abstract", 1); /* pending in queue */
	(void)uab; (void)uabc;
	int useq = unix_listen(SOCK_SEQPACKET, dir, "fixture.seq", 0, 8);
	(void)useq;
	int sp[2], spd[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp)) die("socketpair");
	sendall(sp[0], 11);
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, spd)) die("socketpair dgram");

	/* rarer kinds: raw IP, packet, MPTCP (when the kernel has it), device/mark/tos listeners */
	int r1 = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	int r2 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	int p1 = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	int p2 = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (r1 < 0 || r2 < 0 || p1 < 0 || p2 < 0) die("raw/packet socket");
	{
		struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
		                          .sll_ifindex = (int)if_nametoindex("lo") };
		if (bind(p2, (void *)&ll, sizeof ll)) die("packet bind");
	}
	int m1 = socket(AF_INET, SOCK_STREAM, 262 /* IPPROTO_MPTCP */);
	if (m1 >= 0) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7777) };
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		if (bind(m1, (void *)&a, sizeof a) || listen(m1, 4)) {
			close(m1);
			m1 = -1;
		}
	}
	if (m1 >= 0) {
		int m2 = socket(AF_INET, SOCK_STREAM, 262);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7777) };
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		if (m2 >= 0 && !connect(m2, (void *)&a, sizeof a))
			(void)accept(m1, NULL, NULL);
	}
	{
		int d = socket(AF_INET, SOCK_STREAM, 0), mark = 7, tos = 0x10;
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7779) };
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		if (setsockopt(d, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3) || bind(d, (void *)&a, sizeof a) || listen(d, 3))
			die("device listener");
		int mk = socket(AF_INET, SOCK_STREAM, 0);
		a.sin_port = htons(7780);
		setsockopt(mk, SOL_SOCKET, SO_MARK, &mark, sizeof mark);
		setsockopt(mk, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
		if (bind(mk, (void *)&a, sizeof a) || listen(mk, 2))
			die("mark listener");
	}

	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
