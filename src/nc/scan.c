/* -z: probing ports without transferring data. Many probes run at once on the event loop
 * (non-blocking connects, bounded parallelism); their messages are buffered per port and
 * printed in port order, so the output is the one OpenBSD nc prints probing one by one. */
#include "nc/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "nc/messages.h"
#include "loop/loop.h"
#include "xio/xio.h"

#define SCAN_MAX_PARALLEL 256

char nc_unix_tmp_sock[128], nc_unix_tmp_dir[64];

void nc_cleanup_tmp(void)
{
	if (nc_unix_tmp_sock[0])
		unlink(nc_unix_tmp_sock);
	if (nc_unix_tmp_dir[0])
		rmdir(nc_unix_tmp_dir);
	nc_unix_tmp_sock[0] = nc_unix_tmp_dir[0] = '\0';
}

enum udp_seen { UDP_NONE, UDP_OPEN, UDP_CLOSED, UDP_SILENT };

struct scan;

struct probe {
	struct scan *sc;
	uint16_t port;
	int fd;
	size_t ai;                  /* address being tried */
	struct loop_timer *timer;
	int ticks;                  /* UDP: probes sent after the first two */
	bool started, done;
	int result;                 /* 0 ok, 1 failed */
	enum udp_seen seen;
	char *msg;
	size_t msglen, msgcap;
};

struct scan_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

struct scan {
	const struct nc_opts *o;
	struct loop *lp;
	struct scan_addr *addrs;
	size_t naddrs;
	struct probe *p;
	size_t n, next_start, next_print, running, max_par;
	bool any_ok;
	bool fatal;
	int fatal_status;
	const char *proto;          /* "tcp" / "udp" */
	int udp_wait;               /* seconds of UDP probing (-w or 3) */
	struct loop_timer *interval_timer;
	bool keep_fd;               /* data mode: keep the connected socket */
	int kept_fd;
};

static void probe_printf(struct probe *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void probe_printf(struct probe *pr, const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	size_t l = strlen(line);
	if (pr->msglen + l + 2 > pr->msgcap) {
		size_t cap = (pr->msgcap ? pr->msgcap * 2 : 256) + l;
		char *m = realloc(pr->msg, cap);
		if (!m)
			return;
		pr->msg = m;
		pr->msgcap = cap;
	}
	memcpy(pr->msg + pr->msglen, line, l);
	pr->msglen += l;
	pr->msg[pr->msglen++] = '\n';
}

/* "nc: " prefixed line (OpenBSD's warn/warnx) or a plain one. */
static void probe_err(struct probe *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void probe_err(struct probe *pr, const char *fmt, ...)
{
	char line[1100];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (pr->sc->o->dialect == NC_NCAT)
		probe_printf(pr, "Ncat: %s", line);
	else
		probe_printf(pr, "%s: %s", log_progname(), line);
}

static void start_more(struct scan *sc);

static void flush_done(struct scan *sc)
{
	while (sc->next_print < sc->n && sc->p[sc->next_print].done) {
		struct probe *pr = &sc->p[sc->next_print++];
		if (pr->msglen)
			fwrite(pr->msg, 1, pr->msglen, stderr);
		fflush(stderr);
		free(pr->msg);
		pr->msg = NULL;
	}
}

static void probe_close(struct probe *pr)
{
	if (pr->timer) {
		loop_timer_cancel(pr->sc->lp, pr->timer);
		pr->timer = NULL;
	}
	if (pr->fd >= 0) {
		loop_del_fd(pr->sc->lp, pr->fd);
		close(pr->fd);
		pr->fd = -1;
	}
}

static void interval_next(struct loop *lp, void *arg)
{
	struct scan *sc = arg;
	(void)lp;
	sc->interval_timer = NULL;
	start_more(sc);
}

static void probe_finish(struct probe *pr, int result)
{
	struct scan *sc = pr->sc;
	probe_close(pr);
	pr->done = true;
	pr->result = result;
	if (result == 0)
		sc->any_ok = true;
	sc->running--;
	flush_done(sc);
	if (sc->o->interval > 0 && sc->next_start < sc->n)
		sc->interval_timer = loop_timer_add(sc->lp, sc->o->interval, interval_next, sc);
	else
		start_more(sc);
	if (sc->next_print == sc->n)
		loop_stop(sc->lp);
}

static const char *host_of(const struct scan *sc)
{
	return sc->o->host;
}

static void label_of(struct probe *pr, char *buf, size_t len)
{
	const struct scan_addr *a = &pr->sc->addrs[pr->ai];
	nc_host_label(host_of(pr->sc), (const struct sockaddr *)&a->ss, a->len, buf, len);
}

static void report_success(struct probe *pr)
{
	struct scan *sc = pr->sc;
	const struct nc_opts *o = sc->o;
	if (!o->verbose)
		return;
	if (o->dialect == NC_NCAT) {
		char ip[INET6_ADDRSTRLEN + 8];
		const struct scan_addr *a = &sc->addrs[pr->ai];
		nc_numeric_host((const struct sockaddr *)&a->ss, a->len, ip, sizeof ip);
		probe_printf(pr, "Ncat: Connected to %s:%u.", ip, (unsigned)pr->port);
		if (o->udp)
			probe_printf(pr, "Ncat: UDP packet sent successfully");
		return;
	}
	char label[600], svc[64], line[800];
	label_of(pr, label, sizeof label);
	nc_service_name(pr->port, sc->proto, o->numeric, svc, sizeof svc);
	nc_fmt_succeeded(line, sizeof line, label, pr->port, sc->proto, svc);
	probe_printf(pr, "%s", line);
}

static void report_failure(struct probe *pr, int err, bool timed_out)
{
	struct scan *sc = pr->sc;
	const struct nc_opts *o = sc->o;
	if (o->dialect == NC_NCAT) {
		/* ncat reports a failed connect even without -v, except under plain -z. */
		if (o->verbose || sc->keep_fd)
			probe_printf(pr, "Ncat: %s.", timed_out ? "TIMEOUT" : strerror(err));
		return;
	}
	if (!o->verbose)
		return;
	char label[600], line[800];
	label_of(pr, label, sizeof label);
	if (timed_out)
		nc_fmt_timed_out(line, sizeof line, label, pr->port, sc->proto);
	else
		nc_fmt_connect_failed(line, sizeof line, label, pr->port, sc->proto, err);
	probe_err(pr, "%s", line);
}

static void try_address(struct probe *pr);

static void keep_or_finish(struct probe *pr)
{
	struct scan *sc = pr->sc;
	if (sc->keep_fd && sc->kept_fd < 0) {
		loop_del_fd(sc->lp, pr->fd);
		sc->kept_fd = pr->fd;
		pr->fd = -1;
	}
	probe_finish(pr, 0);
}

/* The current address failed: try the next one, or give up on the port. */
static void next_address(struct probe *pr)
{
	probe_close(pr);
	pr->ai++;
	if (pr->ai < pr->sc->naddrs)
		try_address(pr);
	else
		probe_finish(pr, 1);
}

static void apply_sockopts(const struct nc_opts *o, int fd, int family)
{
	int one = 1;
	if (o->so_debug)
		(void)setsockopt(fd, SOL_SOCKET, SO_DEBUG, &one, sizeof one);
	if (o->broadcast)
		(void)setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
	if (o->rcvbuf > 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o->rcvbuf, sizeof o->rcvbuf);
	if (o->sndbuf > 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &o->sndbuf, sizeof o->sndbuf);
	if (o->tos >= 0) {
		if (family == AF_INET6)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &o->tos, sizeof o->tos);
		else
			(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &o->tos, sizeof o->tos);
	}
	if (o->ttl >= 0) {
		if (family == AF_INET6)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &o->ttl, sizeof o->ttl);
		else
			(void)setsockopt(fd, IPPROTO_IP, IP_TTL, &o->ttl, sizeof o->ttl);
	}
	if (o->minttl >= 0 && family == AF_INET)
		(void)setsockopt(fd, IPPROTO_IP, IP_MINTTL, &o->minttl, sizeof o->minttl);
}

/* -s / -p: bind the probe socket before connecting. */
static int bind_source(struct probe *pr, int fd, int family, int socktype)
{
	const struct nc_opts *o = pr->sc->o;
	if (!o->source && !o->source_port)
		return 0;
	int one = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct addrinfo hints = { .ai_family = family, .ai_socktype = socktype, .ai_flags = AI_PASSIVE };
	if (o->numeric)
		hints.ai_flags |= AI_NUMERICHOST;
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(o->source, o->source_port, &hints, &res);
	if (rc) {
		probe_err(pr, "getaddrinfo: %s", gai_strerror(rc));
		return -1;
	}
	int r = bind(fd, res->ai_addr, res->ai_addrlen);
	int e = errno;
	freeaddrinfo(res);
	if (r < 0) {
		probe_err(pr, "bind failed: %s", strerror(e));
		return -1;
	}
	return 0;
}

static void tcp_event(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct probe *pr = arg;
	(void)lp;
	int err = xio_connect_result(fd, events);
	if (err == 0) {
		report_success(pr);
		keep_or_finish(pr);
		return;
	}
	report_failure(pr, err, false);
	next_address(pr);
}

static void tcp_timeout(struct loop *lp, void *arg)
{
	struct probe *pr = arg;
	(void)lp;
	pr->timer = NULL;
	report_failure(pr, ETIMEDOUT, true);
	next_address(pr);
}

static void udp_done(struct probe *pr, enum udp_seen seen)
{
	struct scan *sc = pr->sc;
	const struct nc_opts *o = sc->o;
	pr->seen = seen;
	char ip[INET6_ADDRSTRLEN + 8];
	const struct scan_addr *a = &sc->addrs[pr->ai];
	nc_numeric_host((const struct sockaddr *)&a->ss, a->len, ip, sizeof ip);
	bool plain_open = seen == UDP_OPEN || (seen == UDP_SILENT && !o->udp_strict);
	if (plain_open)
		report_success(pr);
	else if (seen == UDP_CLOSED && o->dialect == NC_NCAT && o->verbose)
		probe_printf(pr, "Ncat: Connection refused.");
	/* What was actually seen: -vv, or -v under --udp-strict. */
	if (o->verbose >= 2 || (o->udp_strict && o->verbose)) {
		if (seen == UDP_OPEN)
			probe_err(pr, "UDP %s port %u: open (reply received)", ip, (unsigned)pr->port);
		else if (seen == UDP_CLOSED)
			probe_err(pr, "UDP %s port %u: closed (ICMP port unreachable)", ip, (unsigned)pr->port);
		else
			probe_err(pr, "UDP %s port %u: open|filtered (no reply within %d s)", ip, (unsigned)pr->port,
				  sc->udp_wait);
	}
	probe_finish(pr, seen == UDP_CLOSED ? 1 : 0);
}

/* Send one probe datagram; returns false when the port turned out closed. */
static bool udp_send(struct probe *pr)
{
	if (send(pr->fd, "X", 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == ECONNREFUSED)
		return false;
	return true;
}

static void udp_event(struct loop *lp, int fd, uint32_t events, void *arg)
{
	struct probe *pr = arg;
	char buf[2048];
	(void)lp;
	(void)events;
	ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	if (r >= 0) {
		udp_done(pr, UDP_OPEN);
		return;
	}
	if (errno == ECONNREFUSED)
		udp_done(pr, UDP_CLOSED);
	else if (errno != EAGAIN && errno != EINTR)
		udp_done(pr, UDP_SILENT);
}

static void udp_tick(struct loop *lp, void *arg)
{
	struct probe *pr = arg;
	pr->timer = NULL;
	if (pr->ticks >= pr->sc->udp_wait) {
		udp_done(pr, UDP_SILENT);
		return;
	}
	pr->ticks++;
	if (!udp_send(pr)) {
		udp_done(pr, UDP_CLOSED);
		return;
	}
	pr->timer = loop_timer_add(lp, 1.0, udp_tick, pr);
}

static void try_address(struct probe *pr)
{
	struct scan *sc = pr->sc;
	const struct nc_opts *o = sc->o;
	struct scan_addr *a = &sc->addrs[pr->ai];
	int family = a->ss.ss_family;
	int fd = socket(family, (o->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		probe_err(pr, "socket: %s", strerror(errno));
		next_address(pr);
		return;
	}
	pr->fd = fd;
	apply_sockopts(o, fd, family);
	if (bind_source(pr, fd, family, o->udp ? SOCK_DGRAM : SOCK_STREAM) < 0) {
		next_address(pr);
		return;
	}
	((struct sockaddr_in *)&a->ss)->sin_port = htons(pr->port); /* same offset for in6 */
	int r = connect(fd, (struct sockaddr *)&a->ss, a->len);
	if (o->udp) {
		if (r < 0) {
			report_failure(pr, errno, false);
			next_address(pr);
			return;
		}
		if (sc->keep_fd) {
			report_success(pr);
			keep_or_finish(pr);
			return;
		}
		/* OpenBSD sends nothing without -v and calls the port open. */
		if (!o->verbose && !o->udp_strict && o->dialect != NC_NCAT) {
			probe_finish(pr, 0);
			return;
		}
		if (!udp_send(pr) || !udp_send(pr)) {
			udp_done(pr, UDP_CLOSED);
			return;
		}
		loop_add_fd(sc->lp, fd, LOOP_IN, udp_event, pr);
		pr->timer = loop_timer_add(sc->lp, 1.0, udp_tick, pr);
		return;
	}
	if (r == 0) {
		report_success(pr);
		keep_or_finish(pr);
		return;
	}
	if (errno != EINPROGRESS) {
		report_failure(pr, errno, false);
		next_address(pr);
		return;
	}
	if (loop_add_fd(sc->lp, fd, LOOP_OUT, tcp_event, pr) < 0) {
		report_failure(pr, errno, false);
		next_address(pr);
		return;
	}
	double to = o->dialect == NC_NCAT ? o->wait : o->timeout;
	if (to > 0)
		pr->timer = loop_timer_add(sc->lp, to, tcp_timeout, pr);
}

static void start_more(struct scan *sc)
{
	while (sc->next_start < sc->n && sc->running < sc->max_par && !sc->interval_timer) {
		struct probe *pr = &sc->p[sc->next_start++];
		pr->started = true;
		sc->running++;
		pr->ai = 0;
		try_address(pr);
		if (sc->o->interval > 0)
			break;
	}
}

/* -U -z and -uU -z: one connect to a path. */
static int scan_unix(const struct nc_opts *o, bool keep, int *fd_out)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	const char *path = o->unix_path;
	size_t pl = strlen(path);
	if (pl >= sizeof un.sun_path) {
		nc_err(o, "%s: %s", path, strerror(ENAMETOOLONG));
		return 1;
	}
	memcpy(un.sun_path, path, pl);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + pl + 1);
	if (path[0] == '@') {
		un.sun_path[0] = '\0';
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + pl);
	}
	int fd = socket(AF_UNIX, (o->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		nc_err(o, "socket: %s", strerror(errno));
		return 1;
	}
	char tmpdir[64] = "", bound[sizeof un.sun_path] = "";
	int status = 0;
	if (o->udp) {
		/* A datagram client needs its own address for replies, as OpenBSD nc makes. */
		if (o->source) {
			snprintf(bound, sizeof bound, "%s", o->source);
		} else {
			snprintf(tmpdir, sizeof tmpdir, "/tmp/nc-XXXXXX");
			if (!mkdtemp(tmpdir)) {
				nc_err(o, "mkdtemp: %s", strerror(errno));
				close(fd);
				return 1;
			}
			snprintf(bound, sizeof bound, "%s/recv.sock", tmpdir);
		}
		struct sockaddr_un b = { .sun_family = AF_UNIX };
		snprintf(b.sun_path, sizeof b.sun_path, "%s", bound);
		if (bind(fd, (struct sockaddr *)&b, sizeof b) < 0) {
			nc_err(o, "%s: %s", bound, strerror(errno));
			status = 1;
			goto out;
		}
		if (o->verbose && o->dialect != NC_NCAT)
			fprintf(stderr, "Bound on %s\n", bound);
	}
	if (connect(fd, (struct sockaddr *)&un, len) < 0) {
		if (o->dialect == NC_NCAT)
			nc_note(o, "%s.", strerror(errno));
		else
			nc_err(o, "%s: %s", path, strerror(errno));
		status = 1;
		goto out;
	}
	if (o->verbose && o->dialect == NC_NCAT)
		nc_note(o, "Connected to %s.", path);
	if (keep) {
		*fd_out = fd;
		fd = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	/* A kept datagram client keeps its bound name until exit (nc_cleanup_tmp). */
	if (keep && status == 0 && tmpdir[0]) {
		snprintf(nc_unix_tmp_sock, sizeof nc_unix_tmp_sock, "%s", bound);
		snprintf(nc_unix_tmp_dir, sizeof nc_unix_tmp_dir, "%s", tmpdir);
		return status;
	}
	if (bound[0] && !o->source)
		unlink(bound);
	if (tmpdir[0])
		rmdir(tmpdir);
	return status;
}

static int resolve(struct scan *sc, uint16_t first_port)
{
	const struct nc_opts *o = sc->o;
	struct addrinfo hints = { .ai_family = o->family == 4 ? AF_INET : o->family == 6 ? AF_INET6 : AF_UNSPEC,
				  .ai_socktype = o->udp ? SOCK_DGRAM : SOCK_STREAM,
				  .ai_protocol = o->udp ? IPPROTO_UDP : IPPROTO_TCP };
	if (o->numeric)
		hints.ai_flags |= AI_NUMERICHOST;
	char port[8];
	snprintf(port, sizeof port, "%u", (unsigned)first_port);
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(o->host, port, &hints, &res);
	if (rc) {
		if (o->dialect == NC_NCAT)
			nc_err(o, "Could not resolve hostname \"%s\": %s.", o->host, gai_strerror(rc));
		else
			nc_err(o, "getaddrinfo for host \"%s\" port %s: %s", o->host, port, gai_strerror(rc));
		return -1;
	}
	size_t n = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
		n++;
	sc->addrs = calloc(n ? n : 1, sizeof *sc->addrs);
	if (!sc->addrs) {
		freeaddrinfo(res);
		nc_err(o, "out of memory");
		return -1;
	}
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof sc->addrs[0].ss)
			continue;
		memcpy(&sc->addrs[sc->naddrs].ss, ai->ai_addr, ai->ai_addrlen);
		sc->addrs[sc->naddrs++].len = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	return sc->naddrs ? 0 : -1;
}

static int scan_core(const struct nc_opts *o, const char *const *port_args, size_t nport_args, bool keep,
		     int *fd_out);

int nc_scan(const struct nc_opts *o)
{
	if (o->unix_sock)
		return scan_unix(o, false, NULL);
	if (o->proxy) {
		nc_err(o, "-z through a proxy is not supported by duct nc yet");
		return 1;
	}
	return scan_core(o, o->ports, o->nports, false, NULL);
}

int nc_connect(const struct nc_opts *o, const char *port_arg, int *fd_out)
{
	*fd_out = -1;
	if (o->unix_sock)
		return scan_unix(o, true, fd_out);
	return scan_core(o, &port_arg, 1, true, fd_out);
}

static int scan_core(const struct nc_opts *o, const char *const *port_args, size_t nport_args, bool keep,
		     int *fd_out)
{
	const char *proto = o->udp ? "udp" : "tcp";
	uint16_t *ports = NULL;
	char err[256];
	long np = nc_ports_expand(port_args, nport_args, proto, &ports, err, sizeof err);
	if (np < 0) {
		if (o->dialect == NC_NCAT)
			nc_err(o, "Invalid port number. %s", err);
		else
			nc_err(o, "%s", err);
		return o->dialect == NC_NCAT ? 2 : 1;
	}
	if (np == 0) {
		free(ports);
		return 1;
	}
	if (o->randomize) {
		unsigned seed;
		if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
			seed = (unsigned)time(NULL) ^ (unsigned)getpid();
		srandom(seed);
		for (long i = np - 1; i > 0; i--) {
			long j = random() % (i + 1);
			uint16_t t = ports[i];
			ports[i] = ports[j];
			ports[j] = t;
		}
	}
	struct scan sc = { .o = o, .proto = proto, .keep_fd = keep, .kept_fd = -1 };
	sc.udp_wait = o->timeout >= 0 ? (int)o->timeout : 3;
	if (o->dialect == NC_NCAT)
		sc.udp_wait = 2;
	if (resolve(&sc, ports[0]) < 0) {
		free(ports);
		free(sc.addrs);
		return o->dialect == NC_NCAT ? 2 : 1;
	}
	if (o->dialect == NC_NCAT && o->verbose && !keep)
		nc_ncat_version_line(o);
	sc.n = (size_t)np;
	sc.p = calloc(sc.n, sizeof *sc.p);
	sc.lp = loop_new();
	if (!sc.p || !sc.lp) {
		nc_err(o, "out of memory");
		free(ports);
		free(sc.p);
		free(sc.addrs);
		if (sc.lp)
			loop_free(sc.lp);
		return 1;
	}
	for (size_t i = 0; i < sc.n; i++) {
		sc.p[i].sc = &sc;
		sc.p[i].port = ports[i];
		sc.p[i].fd = -1;
	}
	free(ports);
	/* Bounded parallelism: a fixed cap, and the fd limit. A fixed source port (-p) or an
	 * interval (-i) means one probe at a time, as the original. */
	sc.max_par = SCAN_MAX_PARALLEL;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < SCAN_MAX_PARALLEL + 32)
		sc.max_par = rl.rlim_cur > 48 ? (size_t)rl.rlim_cur - 32 : 16;
	if (o->source_port || o->interval > 0)
		sc.max_par = 1;
	start_more(&sc);
	if (sc.next_print < sc.n)
		loop_run(sc.lp);
	for (size_t i = 0; i < sc.n; i++) {
		probe_close(&sc.p[i]);
		free(sc.p[i].msg);
	}
	if (sc.interval_timer)
		loop_timer_cancel(sc.lp, sc.interval_timer);
	int status;
	if (o->udp) {
		if (o->udp_strict) {
			bool any_open = false, any_silent = false;
			for (size_t i = 0; i < sc.n; i++) {
				any_open |= sc.p[i].seen == UDP_OPEN;
				any_silent |= sc.p[i].seen == UDP_SILENT;
			}
			status = any_open ? 0 : any_silent ? 2 : 1;
		} else {
			/* OpenBSD: the status of the last port probed. */
			status = sc.p[sc.n - 1].result;
		}
	} else {
		status = sc.any_ok ? 0 : 1;
	}
	free(sc.p);
	free(sc.addrs);
	loop_free(sc.lp);
	if (keep) {
		*fd_out = sc.kept_fd;
		return sc.kept_fd >= 0 ? 0 : 1;
	}
	return status;
}
