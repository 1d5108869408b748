/* sock_diag replies -> struct ss_sock. The parsers here are pure: they read a message body of a
 * given length and never touch anything else, so they can be unit-tested and fuzzed. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/packet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <linux/vm_sockets_diag.h>
#include <linux/xdp_diag.h>
#include <string.h>
#include <sys/socket.h>

#include "ss/ss_int.h"

struct attr {
	const unsigned char *p;
	unsigned len;
	bool present;
};

#define MAXATTR 40

/* Collect rtattrs (struct nlattr layout) of a region into tab[type]. Malformed tails are ignored. */
void ss_parse_attrs_raw(const unsigned char *p, size_t len, const unsigned char **ptr, unsigned *lens, unsigned max);
static void parse_attrs(const unsigned char *p, size_t len, struct attr *tab, unsigned max)
{
	memset(tab, 0, sizeof(*tab) * (max + 1));
	while (len >= 4) {
		uint16_t alen, type;
		memcpy(&alen, p, 2);
		memcpy(&type, p + 2, 2);
		type &= NLA_TYPE_MASK;
		if (alen < 4 || alen > len)
			break;
		if (type <= max) {
			tab[type].p = p + 4;
			tab[type].len = alen - 4u;
			tab[type].present = true;
		}
		size_t step = (alen + 3u) & ~3u;
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
}

static uint32_t get_u32(const struct attr *a)
{
	uint32_t v = 0;
	memcpy(&v, a->p, a->len < 4 ? a->len : 4);
	return v;
}

static uint64_t get_u64(const struct attr *a)
{
	uint64_t v = 0;
	memcpy(&v, a->p, a->len < 8 ? a->len : 8);
	return v;
}

static uint8_t get_u8(const struct attr *a)
{
	return a->len ? a->p[0] : 0;
}

static void sock_defaults(struct ss_sock *s)
{
	memset(s, 0, sizeof *s);
	s->v6only = -1;
	s->shutdown = -1;
	s->tos = s->tclass = -1;
	s->class_id = -1;
	s->lport = s->rport = 0;
}

/* The start of every family's parser: s reset, the fixed message copied into r (the netlink
 * attributes follow it), the family set (also on both addresses when addr_family). */
static int sock_begin(struct ss_sock *s, const void *body, size_t len, void *r, size_t rlen, int family,
		      bool addr_family)
{
	sock_defaults(s);
	if (len < rlen)
		return -1;
	memcpy(r, body, rlen);
	s->family = family;
	if (addr_family)
		s->local.family = s->remote.family = family;
	return 0;
}

static void skmem_from(struct ss_sock *s, const struct attr *a)
{
	unsigned n = a->len / 4;
	if (n > 9)
		n = 9;
	memcpy(s->skmem, a->p, n * 4);
	s->nskmem = n;
	s->has_skmem = true;
}

int ss_parse_inet(const void *body, size_t len, int protocol, struct ss_sock *s)
{
	struct inet_diag_msg r;
	struct attr tb[MAXATTR + 1];

	sock_defaults(s);
	if (len < sizeof r)
		return -1;
	memcpy(&r, body, sizeof r);
	s->family = r.idiag_family;
	s->type = protocol;
	s->state = r.idiag_state;
	s->timer = r.idiag_timer;
	s->retrans = r.idiag_retrans;
	s->lport = ntohs(r.id.idiag_sport);
	s->rport = ntohs(r.id.idiag_dport);
	s->local.family = s->remote.family = r.idiag_family;
	if (r.idiag_family == AF_INET6) {
		memcpy(s->local.data, r.id.idiag_src, 16);
		memcpy(s->remote.data, r.id.idiag_dst, 16);
		s->local.bitlen = s->remote.bitlen = 128;
	} else {
		s->local.data[0] = r.id.idiag_src[0];
		s->remote.data[0] = r.id.idiag_dst[0];
		s->local.bitlen = s->remote.bitlen = 32;
	}
	s->iface = r.id.idiag_if;
	s->cookie = (uint64_t)r.id.idiag_cookie[0] | ((uint64_t)r.id.idiag_cookie[1] << 32);
	s->expires = r.idiag_expires;
	s->rq = r.idiag_rqueue;
	s->wq = r.idiag_wqueue;
	s->uid = r.idiag_uid;
	s->has_uid = true;
	s->ino = r.idiag_inode;
	if (s->state >= SS_MAX)
		s->state = SS_UNKNOWN;

	parse_attrs((const unsigned char *)body + sizeof r, len - sizeof r, tb, MAXATTR);
	if (tb[INET_DIAG_PROTOCOL].present)
		s->type = get_u8(&tb[INET_DIAG_PROTOCOL]);
	s->raw_protocol = s->type;
	if (tb[INET_DIAG_SKV6ONLY].present)
		s->v6only = get_u8(&tb[INET_DIAG_SKV6ONLY]);
	if (tb[INET_DIAG_SHUTDOWN].present)
		s->shutdown = get_u8(&tb[INET_DIAG_SHUTDOWN]);
	if (tb[INET_DIAG_MARK].present)
		s->mark = get_u32(&tb[INET_DIAG_MARK]);
	if (tb[INET_DIAG_CGROUP_ID].present) {
		s->cgroup_id = get_u64(&tb[INET_DIAG_CGROUP_ID]);
		s->has_cgroup = true;
	}
	if (tb[INET_DIAG_TOS].present)
		s->tos = get_u8(&tb[INET_DIAG_TOS]);
	if (tb[INET_DIAG_TCLASS].present)
		s->tclass = get_u8(&tb[INET_DIAG_TCLASS]);
	if (tb[INET_DIAG_CLASS_ID].present)
		s->class_id = get_u32(&tb[INET_DIAG_CLASS_ID]);
	if (tb[INET_DIAG_SKMEMINFO].present)
		skmem_from(s, &tb[INET_DIAG_SKMEMINFO]);
	if (tb[INET_DIAG_MEMINFO].present && tb[INET_DIAG_MEMINFO].len >= 16) {
		memcpy(s->meminfo, tb[INET_DIAG_MEMINFO].p, 16);
		s->has_meminfo = true;
	}
	if (tb[INET_DIAG_INFO].present) {
		s->tcpinfo = tb[INET_DIAG_INFO].p;
		s->tcpinfo_len = tb[INET_DIAG_INFO].len;
	}
	if (tb[INET_DIAG_CONG].present && tb[INET_DIAG_CONG].len) {
		/* must be NUL-terminated inside the attribute */
		if (memchr(tb[INET_DIAG_CONG].p, 0, tb[INET_DIAG_CONG].len))
			s->cong = (const char *)tb[INET_DIAG_CONG].p;
	}
	if (tb[INET_DIAG_VEGASINFO].present) {
		s->vegas = tb[INET_DIAG_VEGASINFO].p;
		s->vegas_len = tb[INET_DIAG_VEGASINFO].len;
	}
	if (tb[INET_DIAG_DCTCPINFO].present) {
		s->dctcp = tb[INET_DIAG_DCTCPINFO].p;
		s->dctcp_len = tb[INET_DIAG_DCTCPINFO].len;
	}
	if (tb[INET_DIAG_BBRINFO].present) {
		s->bbr = tb[INET_DIAG_BBRINFO].p;
		s->bbr_len = tb[INET_DIAG_BBRINFO].len;
	}
	if (tb[INET_DIAG_ULP_INFO].present) {
		s->ulp = tb[INET_DIAG_ULP_INFO].p;
		s->ulp_len = tb[INET_DIAG_ULP_INFO].len;
	}
	if (tb[INET_DIAG_SOCKOPT].present) {
		s->sockopt = tb[INET_DIAG_SOCKOPT].p;
		s->sockopt_len = tb[INET_DIAG_SOCKOPT].len;
	}
	return 0;
}

int ss_parse_unix(const void *body, size_t len, struct ss_sock *s, char *namebuf, size_t namebuf_len)
{
	struct unix_diag_msg r;
	struct attr tb[UNIX_DIAG_MAX + 1 > 16 ? UNIX_DIAG_MAX + 1 : 16];

	sock_defaults(s);
	if (len < sizeof r || namebuf_len < 2)
		return -1;
	memcpy(&r, body, sizeof r);
	s->family = AF_UNIX;
	s->local.family = s->remote.family = AF_UNIX;
	s->type = r.udiag_type;
	s->state = r.udiag_state < SS_MAX ? r.udiag_state : SS_UNKNOWN;
	s->ino = r.udiag_ino;
	s->lport = r.udiag_ino;
	s->cookie = (uint64_t)r.udiag_cookie[0] | ((uint64_t)r.udiag_cookie[1] << 32);
	parse_attrs((const unsigned char *)body + sizeof r, len - sizeof r, tb, 15);

	if (tb[UNIX_DIAG_RQLEN].present && tb[UNIX_DIAG_RQLEN].len >= 8) {
		struct unix_diag_rqlen rq;
		memcpy(&rq, tb[UNIX_DIAG_RQLEN].p, sizeof rq);
		s->rq = rq.udiag_rqueue;
		s->wq = rq.udiag_wqueue;
	}
	if (tb[UNIX_DIAG_NAME].present) {
		size_t n = tb[UNIX_DIAG_NAME].len;
		if (n > namebuf_len - 1)
			n = namebuf_len - 1;
		memcpy(namebuf, tb[UNIX_DIAG_NAME].p, n);
		namebuf[n] = 0;
		if (n && namebuf[0] == 0) {
			for (size_t i = 0; i < n; i++)
				if (!namebuf[i])
					namebuf[i] = '@';
		}
		s->name = namebuf;
	}
	if (tb[UNIX_DIAG_PEER].present)
		s->rport = s->peer_ino = get_u32(&tb[UNIX_DIAG_PEER]);
	if (tb[UNIX_DIAG_MEMINFO].present)
		skmem_from(s, &tb[UNIX_DIAG_MEMINFO]);
	if (tb[UNIX_DIAG_SHUTDOWN].present)
		s->shutdown = get_u8(&tb[UNIX_DIAG_SHUTDOWN]);
	if (tb[UNIX_DIAG_VFS].present && tb[UNIX_DIAG_VFS].len >= 8) {
		struct unix_diag_vfs v;
		memcpy(&v, tb[UNIX_DIAG_VFS].p, sizeof v);
		s->has_vfs = true;
		s->vfs_ino = v.udiag_vfs_ino;
		s->vfs_dev = v.udiag_vfs_dev;
	}
	if (tb[UNIX_DIAG_ICONS].present) {
		s->has_icons = true;
		s->icons = (const uint32_t *)(const void *)tb[UNIX_DIAG_ICONS].p;
		s->nicons = tb[UNIX_DIAG_ICONS].len / 4;
	}
	if (tb[UNIX_DIAG_UID].present) {
		s->uid = get_u32(&tb[UNIX_DIAG_UID]);
		s->has_uid = true;
	}
	return 0;
}

int ss_parse_packet(const void *body, size_t len, struct ss_sock *s)
{
	struct packet_diag_msg r;
	struct attr tb[16];

	if (sock_begin(s, body, len, &r, sizeof r, AF_PACKET, true) < 0)
		return -1;
	s->type = r.pdiag_type;
	s->prot = r.pdiag_num;
	s->ino = r.pdiag_ino;
	s->state = SS_CLOSE;
	s->cookie = (uint64_t)r.pdiag_cookie[0] | ((uint64_t)r.pdiag_cookie[1] << 32);
	parse_attrs((const unsigned char *)body + sizeof r, len - sizeof r, tb, 15);
	if (tb[PACKET_DIAG_MEMINFO].present) {
		skmem_from(s, &tb[PACKET_DIAG_MEMINFO]);
		s->rq = s->skmem[0];
	}
	if (tb[PACKET_DIAG_INFO].present && tb[PACKET_DIAG_INFO].len >= sizeof(struct packet_diag_info)) {
		struct packet_diag_info pi;
		memcpy(&pi, tb[PACKET_DIAG_INFO].p, sizeof pi);
		s->iface = pi.pdi_index;
		/* keep the info for -e: stash in tcpinfo slot */
		s->tcpinfo = tb[PACKET_DIAG_INFO].p;
		s->tcpinfo_len = tb[PACKET_DIAG_INFO].len;
	}
	if (tb[PACKET_DIAG_UID].present) {
		s->uid = get_u32(&tb[PACKET_DIAG_UID]);
		s->has_uid = true;
	}
	s->lport = s->iface;
	s->local.data[0] = (uint32_t)s->prot;
	return 0;
}

int ss_parse_netlink(const void *body, size_t len, struct ss_sock *s)
{
	struct netlink_diag_msg r;
	struct attr tb[16];

	if (sock_begin(s, body, len, &r, sizeof r, AF_NETLINK, true) < 0)
		return -1;
	s->type = r.ndiag_type;
	s->prot = r.ndiag_protocol;
	s->state = SS_CLOSE;
	s->ino = r.ndiag_ino;
	s->lport = (int32_t)r.ndiag_portid;
	s->rport = -1;
	s->local.data[0] = (uint32_t)s->prot;
	s->nl_dst_pid = (int)r.ndiag_dst_portid;
	s->nl_dst_group = r.ndiag_dst_group;
	s->nl_connected = r.ndiag_state == 2; /* NETLINK_CONNECTED */
	s->cookie = (uint64_t)r.ndiag_cookie[0] | ((uint64_t)r.ndiag_cookie[1] << 32);
	parse_attrs((const unsigned char *)body + sizeof r, len - sizeof r, tb, 15);
	if (tb[NETLINK_DIAG_MEMINFO].present) {
		skmem_from(s, &tb[NETLINK_DIAG_MEMINFO]);
		s->rq = s->skmem[0];
		s->wq = s->nskmem > 2 ? s->skmem[2] : 0;
	}
	if (tb[NETLINK_DIAG_GROUPS].present && tb[NETLINK_DIAG_GROUPS].len)
		s->groups = get_u32(&tb[NETLINK_DIAG_GROUPS]);
	return 0;
}

int ss_parse_vsock(const void *body, size_t len, struct ss_sock *s)
{
	struct vsock_diag_msg r;
	if (sock_begin(s, body, len, &r, sizeof r, AF_VSOCK, true) < 0)
		return -1;
	s->type = r.vdiag_type;
	s->state = r.vdiag_state < SS_MAX ? r.vdiag_state : SS_UNKNOWN;
	s->vs_lcid = r.vdiag_src_cid;
	s->vs_rcid = r.vdiag_dst_cid;
	s->local.data[0] = r.vdiag_src_cid;
	s->remote.data[0] = r.vdiag_dst_cid;
	s->lport = r.vdiag_src_port;
	s->rport = r.vdiag_dst_port;
	s->ino = r.vdiag_ino;
	s->shutdown = r.vdiag_shutdown;
	s->cookie = (uint64_t)r.vdiag_cookie[0] | ((uint64_t)r.vdiag_cookie[1] << 32);
	return 0;
}

int ss_parse_xdp(const void *body, size_t len, struct ss_sock *s)
{
	struct xdp_diag_msg r;
	struct attr tb[16];
	if (sock_begin(s, body, len, &r, sizeof r, AF_XDP, false) < 0)
		return -1;
	s->type = r.xdiag_type;
	s->state = SS_CLOSE;
	s->ino = r.xdiag_ino;
	s->cookie = (uint64_t)r.xdiag_cookie[0] | ((uint64_t)r.xdiag_cookie[1] << 32);
	s->xdp_queue = -1;
	parse_attrs((const unsigned char *)body + sizeof r, len - sizeof r, tb, 15);
	if (tb[XDP_DIAG_INFO].present && tb[XDP_DIAG_INFO].len >= 8) {
		struct xdp_diag_info xi;
		memcpy(&xi, tb[XDP_DIAG_INFO].p, sizeof xi);
		s->iface = xi.ifindex;
		s->xdp_queue = (int)xi.queue_id;
	}
	if (tb[XDP_DIAG_UID].present) {
		s->uid = get_u32(&tb[XDP_DIAG_UID]);
		s->has_uid = true;
	}
	if (tb[XDP_DIAG_MEMINFO].present)
		skmem_from(s, &tb[XDP_DIAG_MEMINFO]);
	return 0;
}

int ss_walk_messages(const void *buf, size_t len, uint32_t seq, ss_msg_cb cb, void *arg)
{
	const unsigned char *p = buf;
	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		memcpy(&h, p, sizeof h);
		if (h.nlmsg_len < sizeof h || h.nlmsg_len > len)
			return -EBADMSG;
		if (h.nlmsg_seq == seq) {
			if (h.nlmsg_type == NLMSG_DONE) {
				/* a dump can end with an error code as DONE's payload */
				int32_t e = 0;
				if (h.nlmsg_len >= sizeof h + sizeof e)
					memcpy(&e, p + sizeof h, sizeof e);
				return e < 0 ? e : 1;
			}
			if (h.nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr e;
				if (h.nlmsg_len < sizeof h + sizeof e)
					return -EBADMSG;
				memcpy(&e, p + sizeof h, sizeof e);
				return e.error < 0 ? e.error : -EPROTO;
			}
			int r = cb(p + sizeof h, h.nlmsg_len - sizeof h, arg);
			if (r < 0)
				return r;
		}
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/* Nested attributes for printers: ptr[type]/lens[type], NULL when absent. */
void ss_parse_attrs_raw(const unsigned char *p, size_t len, const unsigned char **ptr, unsigned *lens, unsigned max)
{
	struct attr tb[MAXATTR + 1];
	if (max > MAXATTR)
		max = MAXATTR;
	parse_attrs(p, len, tb, max);
	for (unsigned i = 0; i <= max; i++) {
		ptr[i] = tb[i].present ? tb[i].p : NULL;
		lens[i] = tb[i].len;
	}
}
