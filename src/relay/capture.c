/* The --pcap writer: one capture file per process, whole records with one write(2) each on an
 * O_APPEND descriptor, so --fork-process children that inherit it add their own sessions'
 * records without tearing each other's. A leg is one socket endpoint of a session, with its
 * getsockname/getpeername addresses; an endpoint that is not an IPv4/IPv6 socket with a peer
 * (stdio, exec, file, UNIX socket, unconnected datagram socket) has no leg and is not
 * captured. Which side opened a TCP leg is not known to the engine: the synthesized SYN
 * comes from the peer of address 1 (usually a listener) and from the local side of address 2
 * (usually a connect). */
#include "relay/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/log.h"
#include "relay/pcap.h"

static int cap_fd = -1;
static uint32_t cap_snaplen = PCAP_SNAPLEN_DEFAULT;
static const char *cap_path;
static unsigned char *cap_rec; /* record header + one packet */

struct leg {
	bool on;
	int local;              /* the side of flow that is this process's socket */
	struct pcap_flow flow;
};

struct capture_session {
	struct leg leg[2];
};

bool capture_on(void) { return cap_fd >= 0; }

static void capture_stop(const char *why, int err)
{
	WARN("--pcap %s: %s%s%s; capture stopped, the sessions go on", cap_path, why, err ? ": " : "",
	     err ? strerror(err) : "");
	close(cap_fd);
	cap_fd = -1;
}

/* One whole write or the capture ends (a short write on a full disk, EAGAIN on a pipe
 * nobody drains fast enough). */
static void cap_write(const void *p, size_t n)
{
	ssize_t w = write(cap_fd, p, n);
	if (w == (ssize_t)n)
		return;
	if (w >= 0)
		capture_stop("short write (disk full?)", 0);
	else if (errno == EAGAIN)
		capture_stop("the reader can't keep up", 0);
	else
		capture_stop("write failed", errno);
}

int capture_open(const char *path, uint32_t snaplen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0) {
		ERR("option --pcap: cannot open \"%s\" for writing: %s (choose a writable file)", path, strerror(errno));
		return -1;
	}
	cap_rec = malloc(PCAP_REC_HDR + PCAP_PKT_MAX);
	if (!cap_rec) {
		close(fd);
		ERR("option --pcap: out of memory");
		return -1;
	}
	cap_fd = fd;
	cap_path = path;
	cap_snaplen = snaplen;
	unsigned char hdr[PCAP_FILE_HDR];
	pcap_file_header(hdr, snaplen);
	cap_write(hdr, sizeof hdr);
	return 0;
}

static void emit(struct leg *l, int from, unsigned flags, const unsigned char *p, size_t n)
{
	if (cap_fd < 0)
		return;
	size_t len = pcap_build_packet(cap_rec + PCAP_REC_HDR, &l->flow, from, flags, p, n);
	uint32_t caplen = len < cap_snaplen ? (uint32_t)len : cap_snaplen;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	pcap_record_header(cap_rec, &tv, caplen, (uint32_t)len);
	cap_write(cap_rec, PCAP_REC_HDR + caplen);
}

static void set_side(struct pcap_flow *f, int side, const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		memcpy(f->addr[side], &s6->sin6_addr, 16);
		f->port[side] = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		memcpy(f->addr[side], &s4->sin_addr, 4);
		f->port[side] = ntohs(s4->sin_port);
	}
}

/* The leg of endpoint ep (idx 0: address 1, whose peer opened it; 1: address 2, whose local
 * side did). False: not an IP socket with a peer, not captured. */
static bool leg_init(struct leg *l, const struct endpoint *ep, int idx)
{
	int fd = ep->rfd >= 0 ? ep->rfd : ep->wfd;
	struct sockaddr_storage me, peer;
	socklen_t ml = sizeof me, pl = sizeof peer;
	int type;
	socklen_t tl = sizeof type;
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&me, &ml) < 0 ||
	    (me.ss_family != AF_INET && me.ss_family != AF_INET6) ||
	    getpeername(fd, (struct sockaddr *)&peer, &pl) < 0 || peer.ss_family != me.ss_family ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 || (type != SOCK_STREAM && type != SOCK_DGRAM)) {
		DBG("--pcap: address %d (%s) is not a connected IP socket, not captured", idx + 1, ep->desc);
		return false;
	}
	l->on = true;
	l->local = idx == 0 ? 1 : 0;
	l->flow.family = me.ss_family;
	l->flow.proto = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	set_side(&l->flow, l->local, &me);
	set_side(&l->flow, !l->local, &peer);
	l->flow.seq[0] = 0x10000000u * (uint32_t)(idx + 1);
	l->flow.seq[1] = 0x50000000u * (uint32_t)(idx + 1);
	return true;
}

struct capture_session *capture_session_new(const struct endpoint *a, const struct endpoint *b)
{
	if (cap_fd < 0)
		return NULL;
	struct capture_session *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	const struct endpoint *ep[2] = { a, b };
	bool any = false;
	for (int i = 0; i < 2; i++) {
		struct leg *l = &c->leg[i];
		if (!leg_init(l, ep[i], i))
			continue;
		any = true;
		if (l->flow.proto != IPPROTO_TCP)
			continue;
		emit(l, 0, PCAP_TCP_SYN, NULL, 0);
		emit(l, 1, PCAP_TCP_SYN | PCAP_TCP_ACK, NULL, 0);
		emit(l, 0, PCAP_TCP_ACK, NULL, 0);
	}
	if (!any) {
		free(c);
		return NULL;
	}
	return c;
}

void capture_session_data(struct capture_session *c, int dir, const void *p, size_t n)
{
	if (!c || cap_fd < 0)
		return;
	/* the leg the bytes came in on first, then the one they went out on */
	for (int k = 0; k < 2; k++) {
		int i = dir == 0 ? k : 1 - k;
		struct leg *l = &c->leg[i];
		if (!l->on)
			continue;
		int from = dir == i ? !l->local : l->local; /* read from endpoint i: its peer sent it */
		const unsigned char *q = p;
		size_t left = n;
		do {
			size_t max = l->flow.proto == IPPROTO_TCP ? PCAP_TCP_MSS : PCAP_UDP_MAX;
			size_t take = left < max ? left : max;
			emit(l, from, PCAP_TCP_PSH | PCAP_TCP_ACK, q, take);
			q += take;
			left -= take;
		} while (left && l->flow.proto == IPPROTO_TCP); /* a datagram: one packet, cut */
	}
}

void capture_session_end(struct capture_session *c)
{
	if (!c)
		return;
	for (int i = 0; i < 2; i++) {
		struct leg *l = &c->leg[i];
		if (!l->on || l->flow.proto != IPPROTO_TCP)
			continue;
		emit(l, 0, PCAP_TCP_FIN | PCAP_TCP_ACK, NULL, 0);
		emit(l, 1, PCAP_TCP_FIN | PCAP_TCP_ACK, NULL, 0);
		emit(l, 0, PCAP_TCP_ACK, NULL, 0);
	}
	free(c);
}
