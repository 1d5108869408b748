/* ss_main: parse the command line, then one NETLINK_SOCK_DIAG dump per table and family, in ss's
 * order (netlink, packet, unix, raw, udp, tcp, dccp, sctp, vsock, tipc, xdp, mptcp), each reply
 * parsed, filtered and handed to the text or JSON printer. */

#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/packet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <linux/vm_sockets_diag.h>
#include <linux/xdp_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "ss/ss.h"
#include "ss/ss_int.h"

#ifndef SOCK_DESTROY
#define SOCK_DESTROY 21
#endif
#define MAGIC_SEQ 123456
#define TCPDIAG_GETSOCK 18
#define DCCPDIAG_GETSOCK 19

/* ---------- buffered stdout ---------- */
static char obuf[1 << 16];
static size_t olen;

void ss_out_flush(void)
{
	size_t off = 0;
	while (off < olen) {
		ssize_t n = write(STDOUT_FILENO, obuf + off, olen - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	olen = 0;
}

void ss_out_write(const char *p, size_t n)
{
	while (n) {
		if (olen == sizeof obuf)
			ss_out_flush();
		size_t k = sizeof obuf - olen < n ? sizeof obuf - olen : n;
		memcpy(obuf + olen, p, k);
		olen += k;
		p += k;
		n -= k;
	}
}

/* ---------- netlink ---------- */
static unsigned char rbuf[1 << 18] __attribute__((aligned(8)));

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	int sz = 32768, rcv = 1 << 20, one = 1;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1;
	}
	return fd;
}

struct dumpctx {
	const struct ss_opts *o;
	int db;
	int protocol;
	FILE *raw_out;       /* -D */
	int kill_fd;         /* -K */
	long hidden_owner;   /* -p: printed without a known owner */
};

static struct dumpctx *cur_ctx;

/* Send req, receive and dispatch until DONE. Returns 0, or -errno. */
static int nl_dump(int fd, const void *req, size_t len, ss_msg_cb cb, void *arg, FILE *raw_out)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	if (sendto(fd, req, len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, rbuf, sizeof rbuf, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		if (raw_out) {
			/* -D: copy the dump messages themselves, DONE included, like ss */
			const unsigned char *p = rbuf;
			size_t left = (size_t)n;
			while (left >= sizeof(struct nlmsghdr)) {
				struct nlmsghdr h;
				memcpy(&h, p, sizeof h);
				if (h.nlmsg_len < sizeof h || h.nlmsg_len > left)
					break;
				fwrite(p, 1, NLMSG_ALIGN(h.nlmsg_len) <= left ? NLMSG_ALIGN(h.nlmsg_len) : h.nlmsg_len, raw_out);
				size_t step = NLMSG_ALIGN(h.nlmsg_len);
				if (step >= left)
					break;
				p += step;
				left -= step;
			}
		}
		int r = ss_walk_messages(rbuf, (size_t)n, MAGIC_SEQ, cb, arg);
		if (r == 1)
			return 0;
		if (r < 0)
			return r;
	}
}

static void emit(const struct ss_opts *o, const struct ss_sock *s)
{
	if (o->show_users && cur_ctx && s->ino) {
		const struct ss_user *u;
		int n;
		ss_procmap_lookup(s->ino, &u, &n);
		if (!n)
			cur_ctx->hidden_owner++;
	}
	o->printer->sock(o, s);
}

/* -K: destroy one socket, described by its dump reply. Returns true if it was destroyed. */
static bool kill_one(int fd, const struct inet_diag_msg *r, int protocol, int raw_protocol)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
		struct nlattr a;
		uint32_t proto;
	} req;
	memset(&req, 0, sizeof req);
	req.nlh.nlmsg_len = sizeof req.nlh + sizeof req.r;
	req.nlh.nlmsg_type = SOCK_DESTROY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nlh.nlmsg_seq = MAGIC_SEQ;
	req.r.sdiag_family = r->idiag_family;
	req.r.sdiag_protocol = (uint8_t)(protocol == IPPROTO_RAW ? raw_protocol : protocol);
	req.r.id = r->id;
	if (protocol == IPPROTO_RAW) {
		req.a.nla_len = 8;
		req.a.nla_type = INET_DIAG_REQ_PROTOCOL;
		req.proto = (uint32_t)raw_protocol;
		req.r.sdiag_protocol = IPPROTO_RAW;
		req.nlh.nlmsg_len += 8;
	}
	req.r.idiag_states = ~0u;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	if (sendto(fd, &req, req.nlh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
		return false;
	unsigned char buf[4096];
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	if (n < (ssize_t)(sizeof(struct nlmsghdr) + sizeof(struct nlmsgerr)))
		return false;
	struct nlmsgerr e;
	memcpy(&e, buf + sizeof(struct nlmsghdr), sizeof e);
	if (e.error == 0)
		return true;
	if (e.error != -ENOENT && e.error != -EOPNOTSUPP)
		fprintf(stderr, "SOCK_DESTROY answers: %s\n", strerror(-e.error));
	return false;
}

static int inet_cb(const void *body, size_t len, void *arg)
{
	struct dumpctx *c = arg;
	struct ss_sock s;
	if (c->raw_out)
		return 0;
	if (ss_parse_inet(body, len, c->protocol == IPPROTO_MPTCP ? IPPROTO_MPTCP : c->protocol, &s))
		return 0;
	s.db = c->db;
	if (c->db == RAW_DB && s.type == IPPROTO_RAW && c->protocol == IPPROTO_RAW)
		s.type = 0; /* netid "raw" */
	if (c->db == RAW_DB)
		s.type = 0;
	if (c->db == MPTCP_DB)
		s.type = IPPROTO_MPTCP;
	if (!(c->o->states & (1u << s.state)))
		return 0;
	if (c->o->filter && !ss_filter_run(c->o->filter, &s))
		return 0;
	if (c->kill_fd >= 0) {
		struct inet_diag_msg r;
		memcpy(&r, body, sizeof r);
		if (!kill_one(c->kill_fd, &r, c->protocol, s.raw_protocol))
			return 0;
	}
	emit(c->o, &s);
	return 0;
}

static void print_nlerr(int err, bool suppress)
{
	if (err == -ENOENT || err == -EOPNOTSUPP)
		return;
	if (!suppress)
		fprintf(stderr, "RTNETLINK answers: %s\n", strerror(-err));
}

static int legacy_dump(int fd, int protocol, struct dumpctx *c)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req r;
	} req;
	memset(&req, 0, sizeof req);
	req.nlh.nlmsg_len = sizeof req;
	req.nlh.nlmsg_type = protocol == IPPROTO_TCP ? TCPDIAG_GETSOCK : DCCPDIAG_GETSOCK;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = MAGIC_SEQ;
	req.r.idiag_family = AF_INET;
	req.r.idiag_states = c->o->states;
	int r = nl_dump(fd, &req, sizeof req, inet_cb, c, c->raw_out);
	if (r < 0)
		print_nlerr(r, false);
	return r;
}

static int inet_show(const struct ss_opts *o, int db, int protocol, FILE *raw_out)
{
	if (!(o->families & (FAMILY_MASK(AF_INET) | FAMILY_MASK(AF_INET6))))
		return 0;
	if (!raw_out && ss_proc_forced(db)) {
		struct dumpctx pc = { .o = o, .db = db, .kill_fd = -1 };
		cur_ctx = &pc;
		ss_proc_inet_show(o, db, emit);
		cur_ctx = NULL;
		return (int)pc.hidden_owner;
	}
	int fd = nl_open();
	if (fd < 0)
		return 0;
	struct dumpctx c = { .o = o, .db = db, .protocol = protocol, .raw_out = raw_out, .kill_fd = -1 };
	if (o->kill)
		c.kill_fd = nl_open();
	cur_ctx = &c;

	unsigned char *bc = NULL;
	int bclen = o->filter ? ss_filter_bytecode(o->filter, &bc) : 0;
	size_t reqlen = NLMSG_ALIGN(sizeof(struct nlmsghdr) + sizeof(struct inet_diag_req_v2)) +
	                (bclen ? NLA_HDRLEN + NLA_ALIGN(bclen) : 0) + (protocol > 255 ? NLA_HDRLEN + 4 : 0);
	unsigned char *req = calloc(1, reqlen);
	if (!req)
		abort();
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct inet_diag_req_v2 *r = (struct inet_diag_req_v2 *)(req + sizeof *nlh);
	nlh->nlmsg_len = (uint32_t)reqlen;
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = MAGIC_SEQ;
	r->sdiag_protocol = (uint8_t)(protocol & 0xff);
	if (protocol == IPPROTO_RAW)
		r->pad = IPPROTO_RAW; /* sdiag_raw_protocol: every raw protocol */
	r->idiag_states = o->states;
	if (o->show_mem)
		r->idiag_ext |= (1 << (INET_DIAG_MEMINFO - 1)) | (1 << (INET_DIAG_SKMEMINFO - 1));
	if (o->show_tcpinfo)
		r->idiag_ext |= (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_VEGASINFO - 1)) | (1 << (INET_DIAG_CONG - 1));
	if (o->show_tos)
		r->idiag_ext |= (1 << (INET_DIAG_TOS - 1)) | (1 << (INET_DIAG_TCLASS - 1));
	size_t off = NLMSG_ALIGN(sizeof *nlh + sizeof *r);
	if (bclen) {
		struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + bclen), .nla_type = INET_DIAG_REQ_BYTECODE };
		memcpy(req + off, &a, sizeof a);
		memcpy(req + off + NLA_HDRLEN, bc, (size_t)bclen);
		off += NLA_HDRLEN + NLA_ALIGN(bclen);
	}
	if (protocol > 255) {
		struct nlattr a = { .nla_len = NLA_HDRLEN + 4, .nla_type = INET_DIAG_REQ_PROTOCOL };
		uint32_t p = (uint32_t)protocol;
		memcpy(req + off, &a, sizeof a);
		memcpy(req + off + NLA_HDRLEN, &p, 4);
	}

	int fams[2], nf = 0;
	if (o->preferred_family == AF_INET6)
		fams[nf++] = AF_INET6;
	else {
		fams[nf++] = AF_INET;
		if (o->preferred_family != AF_INET)
			fams[nf++] = AF_INET6;
	}
	int err = 0;
	for (int i = 0; i < nf; i++) {
		r->sdiag_family = (uint8_t)fams[i];
		err = nl_dump(fd, req, reqlen, inet_cb, &c, raw_out);
		if (err == -EINVAL && bclen) {
			/* kernel refused our bytecode: filter in user space only */
			size_t plain = NLMSG_ALIGN(sizeof *nlh + sizeof *r);
			uint32_t save = nlh->nlmsg_len;
			nlh->nlmsg_len = (uint32_t)plain;
			if (protocol <= 255)
				err = nl_dump(fd, req, plain, inet_cb, &c, raw_out);
			nlh->nlmsg_len = save;
		}
		if (err < 0) {
			if (err != -ENOENT && err != -EOPNOTSUPP)
				print_nlerr(err, protocol > 255);
			if (protocol == IPPROTO_TCP || protocol == IPPROTO_DCCP)
				err = legacy_dump(fd, protocol, &c);
			if (err < 0 && !raw_out && (db == TCP_DB || db == UDP_DB || db == RAW_DB))
				ss_proc_inet_show(o, db, emit);
			break;
		}
	}
	free(req);
	free(bc);
	close(fd);
	if (c.kill_fd >= 0)
		close(c.kill_fd);
	cur_ctx = NULL;
	long hidden = c.hidden_owner;
	return (int)hidden;
}

/* One sock_diag dump of a kind other than inet: the family's request behind a netlink header,
 * the messages through cb, errors reported as ss does, owners hidden from -p counted. */
static long hidden_total;

static void diag_dump(const struct ss_opts *o, const void *r, size_t rlen, ss_msg_cb cb)
{
	int fd = nl_open();
	if (fd < 0)
		return;
	struct {
		struct nlmsghdr nlh;
		unsigned char r[64]; /* room for every *_diag_req */
	} req;
	if (rlen > sizeof req.r) {
		close(fd);
		return;
	}
	memset(&req, 0, sizeof req);
	req.nlh.nlmsg_len = (unsigned)(NLMSG_HDRLEN + rlen);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = MAGIC_SEQ;
	memcpy(req.r, r, rlen);
	struct dumpctx c = { .o = o, .kill_fd = -1 };
	cur_ctx = &c;
	int err = nl_dump(fd, &req, req.nlh.nlmsg_len, cb, &c, NULL);
	if (err < 0)
		print_nlerr(err, false);
	hidden_total += c.hidden_owner;
	cur_ctx = NULL;
	close(fd);
}

/* The tail the per-kind dump callbacks share: the kind's table (db; -1: none of ours), with
 * KEEP_DB checked against -A; the state filter (KEEP_STATE, kinds that have states); the
 * filter expression; then the row (KEEP_OWNERS: counted for the -p footer). */
enum { KEEP_DB = 1, KEEP_STATE = 2, KEEP_OWNERS = 4 };
static int keep_row(struct dumpctx *c, struct ss_sock *s, int db, unsigned how)
{
	if (db < 0 || ((how & KEEP_DB) && !(c->o->dbs & (1u << db))))
		return 0;
	s->db = db;
	if ((how & KEEP_STATE) && !(c->o->states & (1u << s->state)))
		return 0;
	if (c->o->filter && !ss_filter_run(c->o->filter, s))
		return 0;
	if (how & KEEP_OWNERS)
		emit(c->o, s);
	else
		c->o->printer->sock(c->o, s);
	return 0;
}

static int unix_cb(const void *body, size_t len, void *arg)
{
	struct dumpctx *c = arg;
	struct ss_sock s;
	char name[256];
	if (ss_parse_unix(body, len, &s, name, sizeof name))
		return 0;
	int db = s.type == SOCK_STREAM ? UNIX_ST_DB : s.type == SOCK_DGRAM ? UNIX_DG_DB
	       : s.type == SOCK_SEQPACKET ? UNIX_SQ_DB : -1;
	return keep_row(c, &s, db, KEEP_DB | KEEP_STATE | KEEP_OWNERS);
}

static void unix_show(const struct ss_opts *o)
{
	if (!(o->families & FAMILY_MASK(AF_UNIX)))
		return;
	struct unix_diag_req r = { .sdiag_family = AF_UNIX, .udiag_states = o->states,
				   .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN };
	if (o->show_mem)
		r.udiag_show |= UDIAG_SHOW_MEMINFO;
	if (o->show_details)
		r.udiag_show |= UDIAG_SHOW_VFS | UDIAG_SHOW_ICONS;
	diag_dump(o, &r, sizeof r, unix_cb);
}

static int packet_cb(const void *body, size_t len, void *arg)
{
	struct dumpctx *c = arg;
	struct ss_sock s;
	if (ss_parse_packet(body, len, &s))
		return 0;
	return keep_row(c, &s, s.type == SOCK_RAW ? PACKET_R_DB : PACKET_DG_DB, KEEP_DB | KEEP_OWNERS);
}

static void packet_show(const struct ss_opts *o)
{
	if (!(o->families & FAMILY_MASK(AF_PACKET)) || !(o->states & (1u << SS_CLOSE)))
		return;
	struct packet_diag_req r = { .sdiag_family = AF_PACKET,
				     .pdiag_show = PACKET_SHOW_INFO | PACKET_SHOW_MEMINFO | PACKET_SHOW_FILTER |
						   PACKET_SHOW_RING_CFG | PACKET_SHOW_FANOUT };
	diag_dump(o, &r, sizeof r, packet_cb);
}

static int netlink_cb(const void *body, size_t len, void *arg)
{
	struct dumpctx *c = arg;
	struct ss_sock s;
	if (ss_parse_netlink(body, len, &s))
		return 0;
	return keep_row(c, &s, NETLINK_DB, 0);
}

static void netlink_show(const struct ss_opts *o)
{
	if (!(o->families & FAMILY_MASK(AF_NETLINK)) || !(o->states & (1u << SS_CLOSE)))
		return;
	struct netlink_diag_req r = { .sdiag_family = AF_NETLINK, .sdiag_protocol = NDIAG_PROTO_ALL,
				      .ndiag_show = NDIAG_SHOW_GROUPS | NDIAG_SHOW_MEMINFO };
	diag_dump(o, &r, sizeof r, netlink_cb);
}

static int vsock_cb(const void *body, size_t len, void *arg)
{
	struct dumpctx *c = arg;
	struct ss_sock s;
	if (ss_parse_vsock(body, len, &s))
		return 0;
	return keep_row(c, &s, s.type == SOCK_STREAM ? VSOCK_ST_DB : VSOCK_DG_DB, KEEP_DB | KEEP_STATE | KEEP_OWNERS);
}

static void vsock_show(const struct ss_opts *o)
{
	if (!(o->families & FAMILY_MASK(AF_VSOCK)))
		return;
	struct vsock_diag_req r = { .sdiag_family = AF_VSOCK, .vdiag_states = o->states };
	diag_dump(o, &r, sizeof r, vsock_cb);
}

static int xdp_cb(const void *body, size_t len, void *arg)
{
	struct dumpctx *c = arg;
	struct ss_sock s;
	if (ss_parse_xdp(body, len, &s))
		return 0;
	return keep_row(c, &s, XDP_DB, KEEP_OWNERS);
}

static void xdp_show(const struct ss_opts *o)
{
	if (!(o->families & FAMILY_MASK(AF_XDP)) || !(o->states & (1u << SS_CLOSE)))
		return;
	struct xdp_diag_req r = { .sdiag_family = AF_XDP,
				  .xdiag_show = XDP_SHOW_INFO | XDP_SHOW_RING_CFG | XDP_SHOW_UMEM | XDP_SHOW_MEMINFO |
						XDP_SHOW_STATS };
	diag_dump(o, &r, sizeof r, xdp_cb);
}

/* -E: print inet sockets as the kernel destroys them. */
static int events_cb(const void *body, size_t len, void *arg)
{
	const struct ss_opts *o = arg;
	struct ss_sock s;
	struct inet_diag_msg r;
	if (len < sizeof r)
		return 0;
	memcpy(&r, body, sizeof r);
	int proto = IPPROTO_TCP;
	if (ss_parse_inet(body, len, proto, &s))
		return 0;
	s.state = SS_CLOSE;
	s.db = s.type == IPPROTO_UDP ? UDP_DB : TCP_DB;
	if (!(o->dbs & (1u << s.db)))
		return 0;
	if (o->filter && !ss_filter_run(o->filter, &s))
		return 0;
	o->printer->sock(o, &s);
	o->printer->event_end();
	ss_out_flush();
	return 0;
}

static int follow_events(const struct ss_opts *o)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		perror("Cannot open netlink socket");
		return 1;
	}
	unsigned groups = 0;
	if (o->dbs & (1u << TCP_DB))
		groups |= (1u << (SKNLGRP_INET_TCP_DESTROY - 1)) | (1u << (SKNLGRP_INET6_TCP_DESTROY - 1));
	if (o->dbs & (1u << UDP_DB))
		groups |= (1u << (SKNLGRP_INET_UDP_DESTROY - 1)) | (1u << (SKNLGRP_INET6_UDP_DESTROY - 1));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa)) {
		perror("Cannot bind netlink socket");
		close(fd);
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, rbuf, sizeof rbuf, 0);
		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			break;
		}
		const unsigned char *p = rbuf;
		size_t left = (size_t)n;
		while (left >= sizeof(struct nlmsghdr)) {
			struct nlmsghdr h;
			memcpy(&h, p, sizeof h);
			if (h.nlmsg_len < sizeof h || h.nlmsg_len > left)
				break;
			if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY)
				events_cb(p + sizeof h, h.nlmsg_len - sizeof h, (void *)o);
			size_t step = NLMSG_ALIGN(h.nlmsg_len);
			if (step >= left)
				break;
			p += step;
			left -= step;
		}

	}
	close(fd);
	return 0;
}

static int netns_switch(const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "/var/run/netns/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "Cannot open network namespace \"%s\": %s\n", name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "setting the network namespace \"%s\" failed: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int ss_main(int argc, char **argv)
{
	struct ss_opts o;
	int r = ss_parse_args(argc, argv, &o);
	if (r >= 0) {
		ss_out_flush();
		fflush(stdout);
		return r;
	}
	if (o.duct)
		return ss_duct_sessions(o.duct, &o);
	o.printer = o.json ? &ss_json_printer : &ss_text_printer;
	if (o.netns && netns_switch(o.netns))
		return 1;
	if (o.summary) {
		if (o.json) {
			/* -j -s: {"summary":{...}} alone, or {"summary":{...},"sockets":[...]} */
			ss_out_write("{\"summary\":", 11);
			ss_summary_json();
			if (!o.table_requested) {
				ss_out_write("}\n", 2);
				ss_out_flush();
				return 0;
			}
			ss_out_write(",\"sockets\":", 11);
		} else {
			ss_summary();
		}
		ss_out_flush();
		if (!o.table_requested)
			return 0;
	}
	if (o.dump_file) {
		if (!(o.dbs & (1u << TCP_DB))) {
			fprintf(stderr, "ss: tcpdiag dump requested and no tcp in filter.\n");
			return 0;
		}
		FILE *f = stdout;
		if (o.dump_file[0] != '-') {
			f = fopen(o.dump_file, "w");
			if (!f) {
				perror("fopen dump file");
				return 255;
			}
		}
		struct ss_opts plain = o;
		plain.filter = NULL;
		inet_show(&plain, TCP_DB, IPPROTO_TCP, f);
		fflush(f);
		if (f != stdout)
			fclose(f);
		return 0;
	}

	if (o.show_users)
		ss_procmap_build(o.show_threads);
	o.printer->begin(&o);
	if (o.events)
		return follow_events(&o); /* the header goes out with the first event */
	if (o.dbs & (1u << NETLINK_DB))
		netlink_show(&o);
	if (o.dbs & PACKET_DBM)
		packet_show(&o);
	if (o.dbs & UNIX_DBM)
		unix_show(&o);
	if (o.dbs & (1u << RAW_DB))
		hidden_total += inet_show(&o, RAW_DB, IPPROTO_RAW, NULL);
	if (o.dbs & (1u << UDP_DB))
		hidden_total += inet_show(&o, UDP_DB, IPPROTO_UDP, NULL);
	if (o.dbs & (1u << TCP_DB))
		hidden_total += inet_show(&o, TCP_DB, IPPROTO_TCP, NULL);
	if (o.dbs & (1u << DCCP_DB))
		hidden_total += inet_show(&o, DCCP_DB, IPPROTO_DCCP, NULL);
	if (o.dbs & (1u << SCTP_DB))
		hidden_total += inet_show(&o, SCTP_DB, IPPROTO_SCTP, NULL);
	if (o.dbs & VSOCK_DBM)
		vsock_show(&o);
	if (o.dbs & (1u << XDP_DB))
		xdp_show(&o);
	if (o.dbs & (1u << MPTCP_DB))
		hidden_total += inet_show(&o, MPTCP_DB, IPPROTO_MPTCP, NULL);

	o.printer->end(&o);
	ss_out_flush();
	if (o.show_users && ss_procmap_unreadable() > 0 && hidden_total > 0)
		fprintf(stderr, "ss: %ld socket%s shown without process: could not read /proc/PID/fd of %d process%s "
		        "(permission denied; run as root to see every owner)\n",
		        hidden_total, hidden_total == 1 ? "" : "s", ss_procmap_unreadable(),
		        ss_procmap_unreadable() == 1 ? "" : "es");
	ss_filter_free(o.filter);
	return 0;
}
