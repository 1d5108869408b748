/* Filter AST -> inet_diag bytecode (INET_DIAG_REQ_BYTECODE), and the same filter evaluated in
 * user space on each parsed socket (ss re-checks every reply; unix/packet/netlink are user space only).
 *
 * Bytecode blocks keep one invariant: a block of length L leaves at offset L when the condition
 * holds and at L+4 when it does not. AND concatenates (retargeting the first block's failure exits),
 * OR inserts an unconditional jump to the end after the first block, NOT appends a jump that swaps
 * the two exits. The kernel's audit follows the "yes" chain, so every op's yes is its own length. */
#include <arpa/inet.h>
#include <fnmatch.h>
#include <linux/inet_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ss/ss_int.h"

bool ss_is_ephemeral(long port)
{
	static int lo = -1, hi = -1;
	if (lo < 0) {
		FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
		lo = 1024;
		hi = 4999;
		if (f) {
			if (fscanf(f, "%d %d", &lo, &hi) != 2) {
				lo = 1024;
				hi = 4999;
			}
			fclose(f);
		}
	}
	return port >= lo && port <= hi;
}

/* 0 when the first bits of a and p agree (like memcmp). */
static int addr_match(const uint32_t *a, const uint32_t *p, int bits)
{
	int words = bits >> 5;
	bits &= 31;
	if (words && memcmp(a, p, (size_t)words * 4))
		return -1;
	if (bits) {
		uint32_t mask = htonl(0xffffffffu << (32 - bits));
		if ((a[words] ^ p[words]) & mask)
			return -1;
	}
	return 0;
}

static bool inet_match(const struct ss_addr *a, const struct ss_hostcond *h)
{
	if (!addr_match(a->data, h->data, h->bitlen))
		return true;
	if (h->family == AF_INET && a->family == AF_INET6 && a->data[0] == 0 && a->data[1] == 0 &&
	    a->data[2] == htonl(0xffff)) {
		uint32_t tmp[4] = { a->data[3], 0, 0, 0 };
		return !addr_match(tmp, h->data, h->bitlen);
	}
	return false;
}

static bool unix_match(const char *name, const struct ss_hostcond *h)
{
	if (!h->pattern)
		return true;
	return !fnmatch(h->pattern, name ? name : "", 0);
}

static bool hostcond(const struct ss_hostcond *h, const struct ss_sock *s, bool remote)
{
	const struct ss_addr *a = remote ? &s->remote : &s->local;
	long port = remote ? s->rport : s->lport;
	if (h->family == AF_UNIX)
		return unix_match(remote ? NULL : s->name, h);
	if (h->port != -1 && h->port != port)
		return false;
	if (h->bitlen) {
		if (h->family == AF_PACKET || h->family == AF_NETLINK || h->family == AF_VSOCK)
			return a->data[0] == h->data[0];
		return inet_match(a, h);
	}
	return true;
}

bool ss_filter_run(const struct ss_filter *f, const struct ss_sock *s)
{
	if (!f)
		return true;
	switch (f->type) {
	case SSF_S_AUTO:
		if (s->family == AF_UNIX) {
			const char *p = s->name;
			return p == NULL || (p[0] == '@' && strlen(p) == 6 && strspn(p + 1, "0123456789abcdef") == 5);
		}
		if (s->family == AF_PACKET)
			return s->lport == 0 && s->local.data[0] == 0;
		if (s->family == AF_NETLINK)
			return s->lport < 0;
		if (s->family == AF_VSOCK)
			return s->lport > 1023;
		return ss_is_ephemeral(s->lport);
	case SSF_DCOND:
		return hostcond(&f->host, s, true);
	case SSF_SCOND:
		return hostcond(&f->host, s, false);
	case SSF_D_GE: return s->rport >= f->host.port;
	case SSF_D_LE: return s->rport <= f->host.port;
	case SSF_S_GE: return s->lport >= f->host.port;
	case SSF_S_LE: return s->lport <= f->host.port;
	case SSF_DEVCOND: return s->iface == f->ifindex;
	case SSF_MARKMASK: return (s->mark & f->mask) == f->mark;
	case SSF_CGROUPCOND: return s->cgroup_id == f->cgroup_id;
	case SSF_AND: return ss_filter_run(f->a, s) && ss_filter_run(f->b, s);
	case SSF_OR: return ss_filter_run(f->a, s) || ss_filter_run(f->b, s);
	case SSF_NOT: return !ss_filter_run(f->a, s);
	}
	return false;
}

/* ---- bytecode ---- */
struct bc {
	unsigned char *p;
	int len;
};

static void put_op(unsigned char *at, int code, int yes, int no)
{
	struct inet_diag_bc_op op = { .code = (unsigned char)code, .yes = (unsigned char)yes, .no = (unsigned short)no };
	memcpy(at, &op, sizeof op);
}

static struct bc bc_alloc(int len)
{
	struct bc b = { calloc(1, (size_t)len), len };
	if (!b.p)
		abort();
	return b;
}

static int compile(const struct ss_filter *f, struct bc *out);

/* Ops in a block are walked by size; we record sizes so patching can find each op. */
static int op_size(const unsigned char *p)
{
	switch (p[0]) {
	case INET_DIAG_BC_S_COND:
	case INET_DIAG_BC_D_COND: {
		struct inet_diag_hostcond hc;
		memcpy(&hc, p + 4, sizeof hc);
		int alen = hc.family == AF_INET6 ? 16 : 4;
		return 4 + (int)sizeof hc + alen;
	}
	case INET_DIAG_BC_S_GE: case INET_DIAG_BC_S_LE: case INET_DIAG_BC_D_GE: case INET_DIAG_BC_D_LE:
	case INET_DIAG_BC_S_EQ: case INET_DIAG_BC_D_EQ: case INET_DIAG_BC_DEV_COND:
		return 8;
	case INET_DIAG_BC_MARK_COND:
		return 12;
	case INET_DIAG_BC_CGROUP_COND:
		return 12;
	default:
		return 4;
	}
}

static void patch_block(unsigned char *a, int len, int reloc)
{
	int pos = 0;
	while (pos < len) {
		struct inet_diag_bc_op op;
		memcpy(&op, a + pos, sizeof op);
		if (op.yes == len + 4 - pos)
			op.yes = (unsigned char)(op.yes + reloc);
		if (op.no == len + 4 - pos)
			op.no = (unsigned short)(op.no + reloc);
		memcpy(a + pos, &op, sizeof op);
		pos += op_size(a + pos);
	}
}

static int compile_host(const struct ss_filter *f, struct bc *out, int code)
{
	const struct ss_hostcond *h = &f->host;
	if (h->family == AF_UNIX || h->family == AF_PACKET || h->family == AF_NETLINK || h->family == AF_VSOCK)
		return -1;
	int alen = h->family == AF_INET6 ? 16 : 4;
	int len = 4 + (int)sizeof(struct inet_diag_hostcond) + alen;
	*out = bc_alloc(len);
	put_op(out->p, code, len, len + 4);
	/* memset, not an initializer: the struct has padding after prefix_len, and those bytes go
	 * to the kernel (valgrind: "sendto(msg) points to uninitialised byte(s)") */
	struct inet_diag_hostcond hc;
	memset(&hc, 0, sizeof hc);
	hc.family = (unsigned char)h->family;
	hc.prefix_len = (unsigned char)h->bitlen;
	hc.port = (int)h->port;
	memcpy(out->p + 4, &hc, sizeof hc);
	memcpy(out->p + 4 + sizeof hc, h->data, (size_t)alen);
	return 0;
}

/* Both operands of AND/OR; on failure nothing is left allocated. */
static int compile_pair(const struct ss_filter *f, struct bc *a, struct bc *b)
{
	if (compile(f->a, a))
		return -1;
	if (compile(f->b, b)) {
		free(a->p);
		return -1;
	}
	return 0;
}

static int compile(const struct ss_filter *f, struct bc *out)
{
	struct bc a, b;
	switch (f->type) {
	case SSF_S_AUTO:
		*out = bc_alloc(4);
		put_op(out->p, INET_DIAG_BC_AUTO, 4, 8);
		return 0;
	case SSF_DCOND:
		return compile_host(f, out, INET_DIAG_BC_D_COND);
	case SSF_SCOND:
		return compile_host(f, out, INET_DIAG_BC_S_COND);
	case SSF_D_GE: case SSF_D_LE: case SSF_S_GE: case SSF_S_LE: {
		int code = f->type == SSF_D_GE ? INET_DIAG_BC_D_GE : f->type == SSF_D_LE ? INET_DIAG_BC_D_LE
		         : f->type == SSF_S_GE ? INET_DIAG_BC_S_GE : INET_DIAG_BC_S_LE;
		*out = bc_alloc(8);
		put_op(out->p, code, 8, 12);
		put_op(out->p + 4, 0, 0, (int)(uint16_t)f->host.port);
		return 0;
	}
	case SSF_DEVCOND:
		*out = bc_alloc(8);
		put_op(out->p, INET_DIAG_BC_DEV_COND, 8, 12);
		memcpy(out->p + 4, &f->ifindex, 4);
		return 0;
	case SSF_MARKMASK: {
		struct inet_diag_markcond mc = { .mark = f->mark, .mask = f->mask };
		*out = bc_alloc(12);
		put_op(out->p, INET_DIAG_BC_MARK_COND, 12, 16);
		memcpy(out->p + 4, &mc, sizeof mc);
		return 0;
	}
	case SSF_CGROUPCOND:
		*out = bc_alloc(12);
		put_op(out->p, INET_DIAG_BC_CGROUP_COND, 12, 16);
		memcpy(out->p + 4, &f->cgroup_id, 8);
		return 0;
	case SSF_AND:
		if (compile_pair(f, &a, &b))
			return -1;
		*out = bc_alloc(a.len + b.len);
		memcpy(out->p, a.p, (size_t)a.len);
		memcpy(out->p + a.len, b.p, (size_t)b.len);
		patch_block(out->p, a.len, b.len);
		free(a.p);
		free(b.p);
		return 0;
	case SSF_OR:
		if (compile_pair(f, &a, &b))
			return -1;
		*out = bc_alloc(a.len + b.len + 4);
		memcpy(out->p, a.p, (size_t)a.len);
		put_op(out->p + a.len, INET_DIAG_BC_JMP, 4, b.len + 4);
		memcpy(out->p + a.len + 4, b.p, (size_t)b.len);
		free(a.p);
		free(b.p);
		return 0;
	case SSF_NOT:
		if (compile(f->a, &a))
			return -1;
		*out = bc_alloc(a.len + 4);
		memcpy(out->p, a.p, (size_t)a.len);
		put_op(out->p + a.len, INET_DIAG_BC_JMP, 4, 8);
		free(a.p);
		return 0;
	}
	return -1;
}

int ss_filter_bytecode(const struct ss_filter *f, unsigned char **outp)
{
	struct bc b;
	*outp = NULL;
	if (!f || compile(f, &b))
		return 0;
	if (b.len > 0xffff - 64) {
		free(b.p);
		return 0;
	}
	*outp = b.p;
	return b.len;
}
