/* bench/helper: the small clients and servers the benchmarks need, the same for every tool
 * under test. Built by bench/lib.sh into $BENCH_BIN (cc -O2, no dependencies).
 *
 *   helper serve PORT|PATH        epoll server on 127.0.0.1:PORT (or a UNIX socket at PATH);
 *                                 runs until killed. A connection whose first byte is 'S'
 *                                 is a sink: an 8-byte length N follows, then N bytes, and
 *                                 the server answers one byte 'k' after the last one. Any
 *                                 other connection is echoed (small messages).
 *   helper send PORT|PATH BYTES   sink client: prints "<MB/s>" (10^6 bytes per second,
 *                                 from connect to the answer)
 *   helper ping PORT COUNT        1-byte ping-pong COUNT times over one connection; prints
 *                                 "<p50 us> <p99 us>"
 *   helper idle PORT N            opens N connections, checks each one relays (1 byte
 *                                 echoed), prints "ready N" and holds them until stdin
 *                                 closes or EOF; prints "failed K" for connections that
 *                                 did not make it
 *   helper tunnels PROXY PORT N SECS  opens N HTTP CONNECT tunnels through the proxy on
 *                                 127.0.0.1:PROXY to 127.0.0.1:PORT (an echo server), then
 *                                 1-byte ping-pong on all of them at once for SECS seconds;
 *                                 prints "<round trips per second>"
 *   helper gen BYTES              writes BYTES zero bytes to stdout in 1 MiB writes
 *   helper drain                  reads stdin to EOF in 1 MiB reads; prints "<MB/s> <bytes>"
 *                                 (from the first byte to EOF)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int is_path(const char *a) { return strchr(a, '/') != NULL; }

static int listen_on(const char *where)
{
	int fd;
	if (is_path(where)) {
		struct sockaddr_un su = { .sun_family = AF_UNIX };
		snprintf(su.sun_path, sizeof su.sun_path, "%s", where);
		unlink(where);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&su, sizeof su) < 0)
			die("bind");
	} else {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(where)) };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
			die("bind");
	}
	if (listen(fd, 4096) < 0)
		die("listen");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

static int connect_to(const char *where, int nonblock)
{
	int fd;
	int fl = SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0);
	if (is_path(where)) {
		struct sockaddr_un su = { .sun_family = AF_UNIX };
		snprintf(su.sun_path, sizeof su.sun_path, "%s", where);
		fd = socket(AF_UNIX, SOCK_STREAM | fl, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&su, sizeof su) < 0 && errno != EINPROGRESS) {
			close(fd);
			return -1;
		}
	} else {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(where)) };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM | fl, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
			close(fd);
			return -1;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return fd;
}

/* ---- servers (one epoll loop; per-connection state in a small table) ---- */

struct conn {
	int mode;                /* 0: first byte pending, 1: echo, 2: sink */
	unsigned long long need; /* sink: bytes still expected; ~0: header pending */
	unsigned char hdr[8];
	int hdrlen;
};

static int serve(const char *where)
{
	raise_nofile();
	int lfd = listen_on(where);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = lfd };
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	size_t cap = 1 << 16;
	struct conn *cs = calloc(cap, sizeof *cs);
	static unsigned char buf[1 << 20];
	struct epoll_event evs[256];
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == lfd) {
				for (;;) {
					int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
					if (c < 0)
						break;
					if ((size_t)c >= cap) {
						close(c);
						continue;
					}
					int one = 1;
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					cs[c] = (struct conn){ .need = ~0ULL };
					struct epoll_event e2 = { .events = EPOLLIN, .data.fd = c };
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &e2);
				}
				continue;
			}
			ssize_t r = read(fd, buf, sizeof buf);
			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				close(fd);
				continue;
			}
			struct conn *c = &cs[fd];
			size_t off = 0;
			if (c->mode == 0) {
				c->mode = buf[0] == 'S' ? 2 : 1;
				if (c->mode == 2)
					off = 1; /* the 'S' that starts a sink connection */
			}
			if (c->mode == 1) {
				(void)!write(fd, buf, (size_t)r); /* echo: small messages only */
				continue;
			}
			while (off < (size_t)r) {
				if (c->need == ~0ULL) {
					while (c->hdrlen < 8 && off < (size_t)r)
						c->hdr[c->hdrlen++] = buf[off++];
					if (c->hdrlen == 8) {
						memcpy(&c->need, c->hdr, 8);
						c->hdrlen = 0;
					}
					continue;
				}
				size_t take = (size_t)r - off;
				if (take > c->need)
					take = (size_t)c->need;
				c->need -= take;
				off += take;
				if (c->need == 0) {
					(void)!write(fd, "k", 1);
					c->need = ~0ULL;
				}
			}
		}
	}
	return 0;
}

/* ---- clients ---- */

static int wait_fd(int fd, short what, int ms)
{
	struct pollfd p = { .fd = fd, .events = what };
	return poll(&p, 1, ms);
}

static int do_send(const char *where, unsigned long long total)
{
	double t0 = now();
	int fd = connect_to(where, 0);
	if (fd < 0)
		die("connect");
	static unsigned char buf[256 * 1024];
	buf[0] = 'S';
	memcpy(buf + 1, &total, 8);
	if (write(fd, buf, 9) != 9)
		die("write");
	memset(buf, 0, 9);
	unsigned long long left = total;
	while (left > 0) {
		size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
		ssize_t w = write(fd, buf, n);
		if (w <= 0)
			die("write");
		left -= (unsigned long long)w;
	}
	char k;
	if (read(fd, &k, 1) != 1)
		die("read answer");
	double t = now() - t0;
	printf("%.1f\n", (double)total / t / 1e6);
	close(fd);
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int do_ping(const char *where, int count)
{
	int fd = connect_to(where, 0);
	if (fd < 0)
		die("connect");
	double *t = malloc(sizeof *t * (size_t)count);
	char c = 'x';
	for (int i = -100; i < count; i++) { /* 100 warm-up rounds */
		double t0 = now();
		if (write(fd, &c, 1) != 1)
			die("write");
		if (read(fd, &c, 1) != 1)
			die("read");
		if (i >= 0)
			t[i] = now() - t0;
	}
	qsort(t, (size_t)count, sizeof *t, cmp_d);
	printf("%.1f %.1f\n", t[count / 2] * 1e6, t[(size_t)((double)count * 0.99)] * 1e6);
	return 0;
}

static int do_tunnels(const char *proxy, const char *port, int n, double secs)
{
	raise_nofile();
	struct pollfd *p = calloc((size_t)n, sizeof *p);
	char req[128];
	int rl = snprintf(req, sizeof req, "CONNECT 127.0.0.1:%s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n\r\n", port, port);
	for (int i = 0; i < n; i++) {
		int fd = connect_to(proxy, 0);
		if (fd < 0 || write(fd, req, (size_t)rl) != rl)
			die("connect through the proxy");
		/* the answer head, a byte at a time (it is short, and nothing may be read past it) */
		char h[512];
		size_t k = 0;
		while (k < sizeof h - 1 && read(fd, h + k, 1) == 1) {
			k++;
			if (k >= 4 && !memcmp(h + k - 4, "\r\n\r\n", 4))
				break;
		}
		h[k] = 0;
		if (strncmp(h, "HTTP/1.", 7) || strncmp(h + 9, "200", 3))
			die("CONNECT refused");
		p[i].fd = fd;
		p[i].events = POLLIN;
		if (write(fd, "x", 1) != 1)
			die("write");
	}
	unsigned long long rounds = 0;
	double t0 = now(), end = t0 + secs;
	while (now() < end) {
		int r = poll(p, (nfds_t)n, 1000);
		if (r < 0 && errno != EINTR)
			die("poll");
		for (int i = 0; i < n && r > 0; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char c;
			if (read(p[i].fd, &c, 1) != 1 || write(p[i].fd, &c, 1) != 1)
				die("tunnel closed");
			rounds++;
		}
	}
	printf("%.0f\n", (double)rounds / (now() - t0));
	return 0;
}

static int do_idle(const char *where, int n)
{
	raise_nofile();
	int *fds = malloc(sizeof *fds * (size_t)n);
	int ok = 0, failed = 0;
	const int batch = 200; /* connections in flight at once */
	for (int base = 0; base < n; base += batch) {
		int m = n - base < batch ? n - base : batch;
		for (int i = 0; i < m; i++)
			fds[base + i] = connect_to(where, 1);
		for (int i = 0; i < m; i++) {
			int fd = fds[base + i];
			if (fd < 0)
				continue;
			if (wait_fd(fd, POLLOUT, 5000) <= 0 || write(fd, "i", 1) != 1) {
				close(fd);
				fds[base + i] = -1;
			}
		}
		for (int i = 0; i < m; i++) {
			int fd = fds[base + i];
			char c;
			if (fd >= 0 && wait_fd(fd, POLLIN, 5000) > 0 && read(fd, &c, 1) == 1) {
				ok++;
			} else {
				if (fd >= 0)
					close(fd);
				fds[base + i] = -1;
				failed++;
			}
		}
	}
	printf("ready %d\n", ok);
	if (failed)
		printf("failed %d\n", failed);
	fflush(stdout);
	char b[64];
	while (read(0, b, sizeof b) > 0)
		;
	return 0;
}

static int do_gen(unsigned long long total)
{
	static unsigned char buf[1 << 20];
	signal(SIGPIPE, SIG_DFL);
	while (total > 0) {
		size_t n = total < sizeof buf ? (size_t)total : sizeof buf;
		ssize_t w = write(1, buf, n);
		if (w <= 0)
			return 1;
		total -= (unsigned long long)w;
	}
	return 0;
}

static int do_drain(void)
{
	static unsigned char buf[1 << 20];
	unsigned long long got = 0;
	double t0 = 0;
	for (;;) {
		ssize_t r = read(0, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (!got)
			t0 = now();
		got += (unsigned long long)r;
	}
	double t = now() - t0;
	printf("%.1f %llu\n", got && t > 0 ? (double)got / t / 1e6 : 0.0, got);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 3 && !strcmp(argv[1], "serve"))
		return serve(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "send"))
		return do_send(argv[2], strtoull(argv[3], NULL, 0));
	if (argc >= 4 && !strcmp(argv[1], "ping"))
		return do_ping(argv[2], atoi(argv[3]));
	if (argc >= 6 && !strcmp(argv[1], "tunnels"))
		return do_tunnels(argv[2], argv[3], atoi(argv[4]), atof(argv[5]));
	if (argc >= 4 && !strcmp(argv[1], "idle"))
		return do_idle(argv[2], atoi(argv[3]));
	if (argc >= 3 && !strcmp(argv[1], "gen"))
		return do_gen(strtoull(argv[2], NULL, 0));
	if (argc >= 2 && !strcmp(argv[1], "drain"))
		return do_drain();
	fprintf(stderr, "usage: see bench/helper.c\n");
	return 2;
}
