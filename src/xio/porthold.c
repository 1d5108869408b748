/* Who holds a port? After bind() fails with EADDRINUSE the relay asks the kernel itself
 * (a minimal NETLINK_SOCK_DIAG dump of its own, separate from the ss face) for sockets on that
 * port, and scans /proc/PID/fd for the owners of their inodes. UNIX paths are looked up in
 * /proc/net/unix. The result is appended to the bind error message. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xio/socket.h"

#define MAX_INODES 16

struct hold {
	unsigned long inodes[MAX_INODES];
	int n;
	int time_wait;
};

enum { ST_ESTABLISHED = 1, ST_TIME_WAIT = 6, ST_CLOSE = 7, ST_LISTEN = 10 };

static void diag_dump(int family, int protocol, uint16_t port, bool stream, struct hold *h)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return;
	struct timeval tv = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	memset(&req, 0, sizeof req);
	req.nlh.nlmsg_len = sizeof req;
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = 1;
	req.r.sdiag_family = (unsigned char)family;
	req.r.sdiag_protocol = (unsigned char)protocol;
	req.r.idiag_states = stream ? ((1u << ST_LISTEN) | (1u << ST_TIME_WAIT) | (1u << ST_ESTABLISHED)) : ~0u;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return;
	}
	static char buf[32768] __attribute__((aligned(8)));
	for (int rounds = 0; rounds < 1000; rounds++) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			break;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR) {
				close(fd);
				return;
			}
			if (nh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
				continue;
			const struct inet_diag_msg *m = NLMSG_DATA(nh);
			if (ntohs(m->id.idiag_sport) != port)
				continue;
			if (m->idiag_state == ST_TIME_WAIT) {
				h->time_wait++;
				continue;
			}
			/* a stream port is held by its listener; datagram sockets by any bound one */
			if (stream && m->idiag_state != ST_LISTEN)
				continue;
			if (m->idiag_inode && h->n < MAX_INODES)
				h->inodes[h->n++] = m->idiag_inode;
		}
	}
	close(fd);
}

static void unix_inodes(const char *path, struct hold *h)
{
	FILE *f = fopen("/proc/net/unix", "re");
	if (!f)
		return;
	char line[4096];
	if (!fgets(line, sizeof line, f)) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof line, f)) {
		unsigned long inode;
		char p[4096] = "";
		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu %4095[^\n]", &inode, p) < 1)
			continue;
		char *q = p;
		while (*q == ' ')
			q++;
		if (!strcmp(q, path) && h->n < MAX_INODES)
			h->inodes[h->n++] = inode;
	}
	fclose(f);
}

/* Append " pid N (comm)" for every process holding one of the inodes. */
static size_t owners(const struct hold *h, char *buf, size_t buflen)
{
	size_t off = 0;
	int found = 0;
	DIR *proc = opendir("/proc");
	if (!proc)
		return 0;
	struct dirent *de;
	while ((de = readdir(proc)) && found < 4) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		char dpath[300];
		snprintf(dpath, sizeof dpath, "/proc/%s/fd", de->d_name);
		DIR *fds = opendir(dpath);
		if (!fds)
			continue;
		struct dirent *fe;
		bool hit = false;
		while (!hit && (fe = readdir(fds))) {
			if (fe->d_name[0] == '.')
				continue;
			char lpath[600], target[64];
			snprintf(lpath, sizeof lpath, "%s/%s", dpath, fe->d_name);
			ssize_t n = readlink(lpath, target, sizeof target - 1);
			if (n <= 8)
				continue;
			target[n] = 0;
			unsigned long ino;
			if (sscanf(target, "socket:[%lu]", &ino) != 1)
				continue;
			for (int i = 0; i < h->n; i++)
				if (h->inodes[i] == ino)
					hit = true;
		}
		closedir(fds);
		if (!hit)
			continue;
		char comm[64] = "?";
		char cpath[300];
		snprintf(cpath, sizeof cpath, "/proc/%s/comm", de->d_name);
		FILE *cf = fopen(cpath, "re");
		if (cf) {
			if (fgets(comm, sizeof comm, cf))
				comm[strcspn(comm, "\n")] = 0;
			fclose(cf);
		}
		int w = snprintf(buf + off, buflen - off, "%spid %s (%s)", found ? ", " : "", de->d_name, comm);
		if (w < 0 || (size_t)w >= buflen - off)
			break;
		off += (size_t)w;
		found++;
	}
	closedir(proc);
	return off;
}

void porthold_describe(int domain, int type, int protocol, const struct sockaddr *sa, socklen_t len,
		       char *buf, size_t buflen)
{
	if (!buflen)
		return;
	buf[0] = 0;
	struct hold h;
	memset(&h, 0, sizeof h);
	char who[400] = "";
	if (domain == AF_UNIX) {
		char path[sizeof(struct sockaddr_un)];
		sa_addr_text(sa, len, path, sizeof path);
		const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
		if (!path[0])
			return;
		if (un->sun_path[0] == 0) {
			char at[sizeof path + 1];
			snprintf(at, sizeof at, "@%s", path);
			unix_inodes(at, &h);
		} else {
			unix_inodes(path, &h);
		}
		if (h.n && owners(&h, who, sizeof who))
			snprintf(buf, buflen, " \xe2\x80\x94 \"%s\" is held by %s", path, who);
		else if (un->sun_path[0] != 0)
			snprintf(buf, buflen, " \xe2\x80\x94 the socket file \"%s\" exists (stale? use unlink-early)", path);
		return;
	}
	if (domain != AF_INET && domain != AF_INET6)
		return;
	int port = sa_port(sa, len);
	if (port <= 0)
		return;
	bool stream = type == SOCK_STREAM;
	int proto = protocol ? protocol : stream ? IPPROTO_TCP : IPPROTO_UDP;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_UDPLITE)
		return;
	diag_dump(AF_INET, proto, (uint16_t)port, stream, &h);
	diag_dump(AF_INET6, proto, (uint16_t)port, stream, &h);
	if (h.n && owners(&h, who, sizeof who))
		snprintf(buf, buflen, " \xe2\x80\x94 port %d is held by %s", port, who);
	else if (h.n)
		snprintf(buf, buflen, " \xe2\x80\x94 port %d is held by a socket of another user or namespace", port);
	else if (h.time_wait)
		snprintf(buf, buflen, " \xe2\x80\x94 %d socket%s in TIME_WAIT on port %d (reuseaddr lets you bind)",
			 h.time_wait, h.time_wait == 1 ? "" : "s", port);
}
