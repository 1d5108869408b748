/* Unit tests for the ss face: filter grammar, user-space evaluation, inet_diag bytecode (run
 * through a model of the kernel's interpreter and audit), and the pure sock_diag reply parsers. */
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/unix_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ss/ss_int.h"
#include "tap.h"

static struct ss_filter *parse(const char *expr, int fam, char *err, size_t errlen)
{
	char *argv[1] = { (char *)expr };
	char **toks;
	int n = ss_filter_tokens_argv(1, argv, &toks);
	struct ss_parse_ctx ctx = { .preferred_family = fam, .dbs = (1u << TCP_DB) | (1u << UDP_DB) };
	struct ss_filter *f = NULL;
	int r = ss_filter_parse(toks, n, &ctx, &f);
	for (int i = 0; i < n; i++)
		free(toks[i]);
	free(toks);
	if (err)
		snprintf(err, errlen, "%s", r ? ctx.err : "");
	return r ? NULL : f;
}

static struct ss_sock inet4(const char *src, int sport, const char *dst, int dport)
{
	struct ss_sock s;
	memset(&s, 0, sizeof s);
	s.family = AF_INET;
	s.local.family = s.remote.family = AF_INET;
	inet_pton(AF_INET, src, s.local.data);
	inet_pton(AF_INET, dst, s.remote.data);
	s.lport = sport;
	s.rport = dport;
	s.v6only = s.shutdown = s.tos = s.tclass = -1;
	s.class_id = -1;
	return s;
}

static struct ss_sock inet6(const char *src, int sport, const char *dst, int dport)
{
	struct ss_sock s = inet4("0.0.0.0", sport, "0.0.0.0", dport);
	s.family = AF_INET6;
	s.local.family = s.remote.family = AF_INET6;
	inet_pton(AF_INET6, src, s.local.data);
	inet_pton(AF_INET6, dst, s.remote.data);
	return s;
}

/* ---- a model of net/ipv4/inet_diag.c: audit + run ---- */
static int audit(const unsigned char *bc, int len)
{
	const unsigned char *p = bc;
	int rem = len;
	while (rem > 0) {
		struct inet_diag_bc_op op;
		memcpy(&op, p, sizeof op);
		int min_len = 4;
		switch (op.code) {
		case INET_DIAG_BC_S_COND: case INET_DIAG_BC_D_COND: {
			struct inet_diag_hostcond hc;
			if (rem < 4 + (int)sizeof hc)
				return -1;
			memcpy(&hc, p + 4, sizeof hc);
			int alen = hc.family == AF_INET6 ? 16 : hc.family == AF_INET ? 4 : 0;
			min_len = 4 + (int)sizeof hc + alen;
			if (rem < min_len || hc.prefix_len > alen * 8)
				return -1;
			break;
		}
		case INET_DIAG_BC_S_GE: case INET_DIAG_BC_S_LE: case INET_DIAG_BC_D_GE: case INET_DIAG_BC_D_LE:
		case INET_DIAG_BC_S_EQ: case INET_DIAG_BC_D_EQ: case INET_DIAG_BC_DEV_COND:
			min_len = 8;
			break;
		case INET_DIAG_BC_MARK_COND: case INET_DIAG_BC_CGROUP_COND:
			min_len = 12;
			break;
		case INET_DIAG_BC_AUTO: case INET_DIAG_BC_JMP: case INET_DIAG_BC_NOP:
			break;
		default:
			return -1;
		}
		if (rem < min_len)
			return -1;
		if (op.code != INET_DIAG_BC_NOP) {
			if (op.no < min_len || op.no > rem + 4 || (op.no & 3))
				return -1;
		}
		if (op.yes < min_len || op.yes > rem + 4 || (op.yes & 3))
			return -1;
		p += op.yes;
		rem -= op.yes;
	}
	return rem == 0 ? 0 : -1;
}

static int bits_match(const uint32_t *a, const uint32_t *b, int bits)
{
	int words = bits / 32;
	if (words && memcmp(a, b, (size_t)words * 4))
		return 0;
	bits %= 32;
	if (bits) {
		uint32_t m = htonl(0xffffffffu << (32 - bits));
		if ((a[words] ^ b[words]) & m)
			return 0;
	}
	return 1;
}

static int run(const unsigned char *bc, int len, const struct ss_sock *s)
{
	const unsigned char *p = bc;
	while (len > 0) {
		struct inet_diag_bc_op op;
		memcpy(&op, p, sizeof op);
		int yes = 1;
		struct inet_diag_bc_op arg;
		switch (op.code) {
		case INET_DIAG_BC_NOP: break;
		case INET_DIAG_BC_JMP: yes = 0; break;
		case INET_DIAG_BC_S_GE: memcpy(&arg, p + 4, 4); yes = s->lport >= arg.no; break;
		case INET_DIAG_BC_S_LE: memcpy(&arg, p + 4, 4); yes = s->lport <= arg.no; break;
		case INET_DIAG_BC_D_GE: memcpy(&arg, p + 4, 4); yes = s->rport >= arg.no; break;
		case INET_DIAG_BC_D_LE: memcpy(&arg, p + 4, 4); yes = s->rport <= arg.no; break;
		case INET_DIAG_BC_AUTO: yes = ss_is_ephemeral(s->lport); break;
		case INET_DIAG_BC_S_COND: case INET_DIAG_BC_D_COND: {
			struct inet_diag_hostcond hc;
			uint32_t addr[4] = { 0 };
			memcpy(&hc, p + 4, sizeof hc);
			memcpy(addr, p + 4 + sizeof hc, hc.family == AF_INET6 ? 16 : 4);
			bool src = op.code == INET_DIAG_BC_S_COND;
			long port = src ? s->lport : s->rport;
			const struct ss_addr *a = src ? &s->local : &s->remote;
			if (hc.port != -1 && hc.port != port) {
				yes = 0;
				break;
			}
			if (hc.prefix_len) {
				if (hc.family != AF_UNSPEC && hc.family != s->family) {
					/* v4-mapped */
					if (hc.family == AF_INET && s->family == AF_INET6 && a->data[0] == 0 &&
					    a->data[1] == 0 && a->data[2] == htonl(0xffff))
						yes = bits_match(&a->data[3], addr, hc.prefix_len);
					else
						yes = 0;
				} else {
					yes = bits_match(a->data, addr, hc.prefix_len);
				}
			}
			break;
		}
		default: return -1;
		}
		int step = yes ? op.yes : op.no;
		p += step;
		len -= step;
	}
	return len == 0;
}

static void check_bc(const char *expr, const struct ss_sock *socks, int n)
{
	struct ss_filter *f = parse(expr, AF_UNSPEC, NULL, 0);
	if (!tap_ok(f != NULL, "parse: %s", expr))
		return;
	unsigned char *bc = NULL;
	int len = ss_filter_bytecode(f, &bc);
	tap_ok(len > 0 && audit(bc, len) == 0, "bytecode passes the kernel audit: %s", expr);
	int agree = 1;
	for (int i = 0; i < n; i++)
		if (run(bc, len, &socks[i]) != (int)ss_filter_run(f, &socks[i]))
			agree = 0;
	tap_ok(agree, "bytecode and user-space evaluation agree on %d sockets: %s", n, expr);
	free(bc);
	ss_filter_free(f);
}

static void put_attr(unsigned char *buf, size_t *off, int type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = (uint16_t)type };
	memcpy(buf + *off, &a, sizeof a);
	memcpy(buf + *off + NLA_HDRLEN, data, len);
	*off += NLA_ALIGN(NLA_HDRLEN + len);
}

static int count_cb(const void *body, size_t len, void *arg)
{
	(void)body;
	(void)len;
	(*(int *)arg)++;
	return 0;
}

int main(void)
{
	char err[256];
	struct ss_sock socks[] = {
		inet4("127.0.0.1", 5432, "127.0.0.1", 40001), inet4("127.0.0.1", 40001, "127.0.0.1", 5432),
		inet4("10.1.2.3", 8080, "0.0.0.0", 0), inet4("192.168.1.5", 22, "10.0.0.9", 51515),
		inet6("::1", 8443, "::", 0), inet6("::ffff:127.0.0.1", 9090, "::1", 443),
		inet6("fe80::1", 53, "fe80::2", 53), inet4("127.0.0.1", 9091, "127.0.0.1", 9090),
	};
	int ns = (int)(sizeof socks / sizeof socks[0]);

	/* grammar */
	struct ss_filter *f = parse("( dport = :5432 or sport = :5432 )", AF_UNSPEC, err, sizeof err);
	tap_ok(f && f->type == SSF_OR && f->a->type == SSF_DCOND && f->a->host.port == 5432, "or of two port conditions");
	ss_filter_free(f);
	f = parse("sport = :8080 dport != :1", AF_UNSPEC, err, sizeof err);
	tap_ok(f && f->type == SSF_AND && f->b->type == SSF_NOT, "juxtaposition is AND; != is NOT(=)");
	ss_filter_free(f);
	f = parse("not sport > :10 || dst 10/8 && src 127.0.0.1", AF_UNSPEC, err, sizeof err);
	tap_ok(f && f->type == SSF_OR && f->a->type == SSF_NOT && f->b->type == SSF_AND, "precedence: not > and > or");
	tap_ok(f && f->a->a->type == SSF_NOT && f->a->a->a->type == SSF_S_LE, "> compiles to NOT(<=)");
	ss_filter_free(f);
	f = parse("sport=:9090", AF_UNSPEC, err, sizeof err);
	tap_ok(!f && strstr(err, "inet prefix is expected"), "'sport=:9090' is an error like ss");
	f = parse("( sport = :1", AF_UNSPEC, err, sizeof err);
	tap_ok(!f, "unbalanced parenthesis is an error");
	f = parse("dport = :nosuchservice_xyz", AF_UNSPEC, err, sizeof err);
	tap_ok(!f && strstr(err, "does not look like a port"), "unknown service name");
	f = parse("dport = :ssh", AF_UNSPEC, err, sizeof err);
	tap_ok(f && f->host.port == 22, "service names resolve (ssh = 22)");
	ss_filter_free(f);
	f = parse("src [::1]:8443", AF_UNSPEC, err, sizeof err);
	tap_ok(f && f->host.family == AF_INET6 && f->host.bitlen == 128 && f->host.port == 8443, "bracketed IPv6 with port");
	ss_filter_free(f);
	f = parse("dst 127.0.0.0/8", AF_UNSPEC, err, sizeof err);
	tap_ok(f && f->host.family == AF_INET && f->host.bitlen == 8 && f->host.port == -1, "prefix length");
	tap_ok(f && ss_filter_run(f, &socks[0]) && !ss_filter_run(f, &socks[3]), "prefix matches 127.0.0.1 only");
	ss_filter_free(f);
	f = parse("src /tmp/demo/*", AF_UNIX, err, sizeof err);
	struct ss_sock us;
	memset(&us, 0, sizeof us);
	us.family = AF_UNIX;
	us.name = "/tmp/demo/fixture.sock";
	tap_ok(f && f->host.family == AF_UNIX && ss_filter_run(f, &us), "unix path glob matches");
	us.name = "/run/other";
	tap_ok(f && !ss_filter_run(f, &us), "unix path glob rejects others");
	ss_filter_free(f);
	f = parse("fwmark = 0x10/0xf0", AF_UNSPEC, err, sizeof err);
	tap_ok(f && f->type == SSF_MARKMASK && f->mark == 0x10 && f->mask == 0xf0, "fwmark with mask");
	ss_filter_free(f);
	f = parse("dev = 1", AF_UNSPEC, err, sizeof err);
	tap_ok(f && f->type == SSF_DEVCOND && f->ifindex == 1, "dev by index");
	ss_filter_free(f);
	f = parse("src inet:127.0.0.1 and autobound", AF_UNSPEC, err, sizeof err);
	tap_ok(f && f->b->type == SSF_S_AUTO, "autobound");
	ss_filter_free(f);

	/* bytecode vs user space */
	check_bc("sport = :5432", socks, ns);
	check_bc("( dport = :5432 or sport = :5432 )", socks, ns);
	check_bc("dst 127.0.0.0/8 and not sport = :9091", socks, ns);
	check_bc("sport >= :1024 and sport <= :9090", socks, ns);
	check_bc("sport > :1024 or dport < :100", socks, ns);
	check_bc("! ( src [::1] or src 10.0.0.0/8 ) and ! dport = :0", socks, ns);
	check_bc("src 127.0.0.1", socks, ns);
	check_bc("( sport = :22 or sport = :53 ) ( dport = :51515 or dport = :53 or dport = :443 )", socks, ns);
	check_bc("not not not sport = :8080", socks, ns);

	/* inet reply parser */
	unsigned char buf[512];
	memset(buf, 0, sizeof buf);
	struct inet_diag_msg m;
	memset(&m, 0, sizeof m);
	m.idiag_family = AF_INET6;
	m.idiag_state = 10;
	m.id.idiag_sport = htons(8443);
	inet_pton(AF_INET6, "::1", m.id.idiag_src);
	m.id.idiag_cookie[0] = 0x1087;
	m.idiag_rqueue = 3;
	m.idiag_wqueue = 128;
	m.idiag_inode = 817104;
	memcpy(buf, &m, sizeof m);
	size_t off = sizeof m;
	uint8_t one = 1, sh = 2;
	put_attr(buf, &off, INET_DIAG_SKV6ONLY, &one, 1);
	put_attr(buf, &off, INET_DIAG_SHUTDOWN, &sh, 1);
	uint32_t skmem[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	put_attr(buf, &off, INET_DIAG_SKMEMINFO, skmem, sizeof skmem);
	put_attr(buf, &off, INET_DIAG_CONG, "cubic", 6);
	struct ss_sock s;
	tap_is_int(ss_parse_inet(buf, off, IPPROTO_TCP, &s), 0, "inet reply parses");
	tap_ok(s.family == AF_INET6 && s.state == SS_LISTEN && s.lport == 8443 && s.rq == 3 && s.wq == 128, "inet header fields");
	tap_ok(s.ino == 817104 && s.cookie == 0x1087 && s.v6only == 1 && s.shutdown == 2, "inet ino/cookie/v6only/shutdown");
	tap_ok(s.has_skmem && s.nskmem == 9 && s.skmem[8] == 9 && s.cong && !strcmp(s.cong, "cubic"), "inet skmem and cong");
	tap_is_int(ss_parse_inet(buf, sizeof m - 1, IPPROTO_TCP, &s), -1, "short inet reply is rejected");
	size_t bad = off;
	buf[sizeof m] = 0xff; /* corrupt first attribute length: parser must not overrun */
	buf[sizeof m + 1] = 0xff;
	tap_is_int(ss_parse_inet(buf, bad, IPPROTO_TCP, &s), 0, "corrupt attributes are ignored, not overrun");
	tap_ok(s.v6only == -1, "corrupt attribute region yields no attributes");

	/* unix reply parser: abstract name, NULs shown as '@' */
	memset(buf, 0, sizeof buf);
	struct unix_diag_msg um;
	memset(&um, 0, sizeof um);
	um.udiag_family = AF_UNIX;
	um.udiag_type = SOCK_STREAM;
	um.udiag_state = 10;
	um.udiag_ino = 10148;
	memcpy(buf, &um, sizeof um);
	off = sizeof um;
	put_attr(buf, &off, UNIX_DIAG_NAME, "\0duct\0x", 7);
	uint32_t peer = 99;
	put_attr(buf, &off, UNIX_DIAG_PEER, &peer, 4);
	struct unix_diag_rqlen rq = { 1, 5 };
	put_attr(buf, &off, UNIX_DIAG_RQLEN, &rq, sizeof rq);
	uint32_t icons[2] = { 10149, 10150 };
	put_attr(buf, &off, UNIX_DIAG_ICONS, icons, sizeof icons);
	char name[64];
	tap_is_int(ss_parse_unix(buf, off, &s, name, sizeof name), 0, "unix reply parses");
	tap_is_str(s.name, "@duct@x", "abstract name rendered with @");
	tap_ok(s.rport == 99 && s.rq == 1 && s.wq == 5 && s.nicons == 2 && s.lport == 10148, "unix peer/queues/icons");

	/* message walker */
	unsigned char mb[256];
	memset(mb, 0, sizeof mb);
	struct nlmsghdr h = { .nlmsg_len = NLMSG_LENGTH(8), .nlmsg_type = 20, .nlmsg_seq = 7 };
	memcpy(mb, &h, sizeof h);
	memcpy(mb + NLMSG_ALIGN(h.nlmsg_len), &h, sizeof h);
	struct nlmsghdr d = { .nlmsg_len = NLMSG_LENGTH(4), .nlmsg_type = NLMSG_DONE, .nlmsg_seq = 7 };
	memcpy(mb + 2 * NLMSG_ALIGN(h.nlmsg_len), &d, sizeof d);
	int cnt = 0;
	tap_is_int(ss_walk_messages(mb, 2 * NLMSG_ALIGN(h.nlmsg_len) + d.nlmsg_len, 7, count_cb, &cnt), 1, "walker sees DONE");
	tap_is_int(cnt, 2, "walker delivers both messages");
	struct nlmsghdr e = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct nlmsgerr)), .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = 7 };
	struct nlmsgerr ne = { .error = -2 };
	memcpy(mb, &e, sizeof e);
	memcpy(mb + sizeof e, &ne, sizeof ne);
	tap_is_int(ss_walk_messages(mb, e.nlmsg_len, 7, count_cb, &cnt), -2, "walker returns the netlink error");
	struct nlmsghdr big = { .nlmsg_len = 4096, .nlmsg_type = 20, .nlmsg_seq = 7 };
	memcpy(mb, &big, sizeof big);
	tap_ok(ss_walk_messages(mb, 64, 7, count_cb, &cnt) < 0, "walker rejects a length past the buffer");

	/* /proc/net fallback lines */
	tap_is_int(ss_parse_proc_inet_line("  19: 0100007F:1F90 00000000:0000 0A 00000002:00000003 00:00000000 00000000  1000        0 328314 2 0000000036b74cf2 0", AF_INET, &s), 0, "proc v4 line parses");
	tap_ok(s.lport == 8080 && s.state == SS_LISTEN && s.wq == 2 && s.rq == 3 && s.uid == 1000 && s.ino == 328314, "proc v4 fields");
	char a4[16];
	inet_ntop(AF_INET, s.local.data, a4, sizeof a4);
	tap_is_str(a4, "127.0.0.1", "proc v4 address in host word order");
	tap_is_int(ss_parse_proc_inet_line("   96: 00000000000000000000000001000000:003A 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 328313 2 0000000051472c7c 0", AF_INET6, &s), 0, "proc v6 line parses");
	char a6[64];
	inet_ntop(AF_INET6, s.local.data, a6, sizeof a6);
	tap_ok(!strcmp(a6, "::1") && s.lport == 58 && s.state == SS_CLOSE, "proc v6 fields (%s)", a6);
	tap_is_int(ss_parse_proc_inet_line("garbage", AF_INET, &s), -1, "proc garbage rejected");

	/* -F file tokens: '#' and '0' lines skipped */
	char **toks;
	int n = ss_filter_tokens_text("# comment\nsport = :22\n0 ignored\n or dport = :80\n", &toks);
	tap_is_int(n, 7, "filter file tokens");
	for (int i = 0; i < n; i++)
		free(toks[i]);
	free(toks);

	tap_plan(tap_n);
	return tap_failed ? 1 : 0;
}
