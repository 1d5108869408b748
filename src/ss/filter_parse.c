/* ss filter expression grammar -> AST. Pure apart from name lookups (services, hosts, devices).
 *   expr   := or
 *   or     := and { ("or"|"|"|"||") and }
 *   and    := unary { [("and"|"&"|"&&")] unary }
 *   unary  := ("not"|"!") unary | "(" or ")" | pred
 *   pred   := (dst|src) [=] HOST | (dport|sport) [OP] HOST | dev [=|!=] DEV
 *           | fwmark [=|!=] MARK[/MASK] | cgroup [=|!=] PATH | autobound */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "ss/ss_int.h"

enum tok {
	T_END, T_NOT, T_AND, T_OR, T_LP, T_RP, T_DST, T_SRC, T_DPORT, T_SPORT, T_DEV, T_FWMARK,
	T_CGROUP, T_GEQ, T_LEQ, T_NEQ, T_EQ, T_GT, T_LT, T_AUTO, T_WORD
};

struct parser {
	char **t;
	int n, i;
	struct ss_parse_ctx *ctx;
	int err;
	int depth;
};

#define MAX_DEPTH 256       /* nesting of "(" and "not" */
#define MAX_TOKENS 20000

static enum tok classify(const char *s)
{
	static const struct { const char *w; enum tok t; } tab[] = {
		{ "!", T_NOT }, { "not", T_NOT }, { "&", T_AND }, { "&&", T_AND }, { "and", T_AND },
		{ "|", T_OR }, { "||", T_OR }, { "or", T_OR }, { "(", T_LP }, { ")", T_RP },
		{ "dst", T_DST }, { "src", T_SRC }, { "dport", T_DPORT }, { "sport", T_SPORT },
		{ "dev", T_DEV }, { "fwmark", T_FWMARK }, { "cgroup", T_CGROUP },
		{ ">=", T_GEQ }, { "ge", T_GEQ }, { "geq", T_GEQ }, { "<=", T_LEQ }, { "le", T_LEQ },
		{ "leq", T_LEQ }, { "!=", T_NEQ }, { "ne", T_NEQ }, { "neq", T_NEQ }, { "=", T_EQ },
		{ "==", T_EQ }, { "eq", T_EQ }, { ">", T_GT }, { "gt", T_GT }, { "<", T_LT },
		{ "lt", T_LT }, { "autobound", T_AUTO },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (!strcmp(s, tab[i].w))
			return tab[i].t;
	return T_WORD;
}

static enum tok peek(struct parser *p)
{
	return p->i < p->n ? classify(p->t[p->i]) : T_END;
}

static void perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(struct parser *p, const char *fmt, ...)
{
	if (p->err)
		return;
	p->ctx->status = strncmp(fmt, "ss: bison", 9) ? 1 : 255;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->ctx->err, sizeof p->ctx->err, fmt, ap);
	va_end(ap);
	p->err = 1;
}

static struct ss_filter *node(enum ssf_type t)
{
	struct ss_filter *f = calloc(1, sizeof *f);
	if (!f)
		abort();
	f->type = t;
	f->host.port = -1;
	return f;
}

static struct ss_filter *node2(enum ssf_type t, struct ss_filter *a, struct ss_filter *b)
{
	struct ss_filter *f = node(t);
	f->a = a;
	f->b = b;
	return f;
}

void ss_filter_free(struct ss_filter *f)
{
	if (!f)
		return;
	ss_filter_free(f->a);
	ss_filter_free(f->b);
	free(f->host.pattern);
	free(f);
}

static int parse_int(const char *s, long *v)
{
	char *e;
	errno = 0;
	long x = strtol(s, &e, 0);
	if (!*s || *e || errno)
		return -1;
	*v = x;
	return 0;
}

/* ADDR[/LEN] for an inet family (fam may be AF_UNSPEC). */
static int parse_prefix(const char *s, int fam, struct ss_hostcond *h)
{
	char buf[256];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	int f = fam;
	if (f == AF_UNSPEC)
		f = strchr(buf, ':') ? AF_INET6 : AF_INET;
	memset(h->data, 0, sizeof h->data);
	if (!strcmp(buf, "any") || !strcmp(buf, "all") || !strcmp(buf, "default")) {
		h->family = f;
		h->bitlen = 0;
		return slash ? -1 : 0;
	}
	if (inet_pton(f, buf, h->data) != 1) {
		/* ss accepts short dotted forms like 127/8 */
		if (f != AF_INET)
			return -1;
		unsigned parts[4] = { 0 }, np = 0;
		const char *c = buf;
		while (*c && np < 4) {
			char *e;
			if (!isdigit((unsigned char)*c))
				return -1;
			unsigned long v = strtoul(c, &e, 10);
			if (v > 255)
				return -1;
			parts[np++] = (unsigned)v;
			c = e;
			if (*c == '.')
				c++;
			else if (*c)
				return -1;
		}
		if (*c || !np)
			return -1;
		uint8_t *b = (uint8_t *)h->data;
		for (unsigned i = 0; i < 4; i++)
			b[i] = (uint8_t)parts[i];
	}
	h->family = f;
	int maxlen = f == AF_INET ? 32 : 128;
	if (slash) {
		long l;
		if (parse_int(slash + 1, &l) || l < 0 || l > maxlen)
			return -1;
		h->bitlen = (int)l;
	} else {
		h->bitlen = maxlen;
	}
	return 0;
}

static int resolve_host(const char *s, int fam, struct ss_hostcond *h, bool allowed)
{
	if (!allowed)
		return -1;
	struct addrinfo hints = { .ai_family = fam }, *res = NULL;
	if (getaddrinfo(s, NULL, &hints, &res) || !res)
		return -1;
	memset(h->data, 0, sizeof h->data);
	if (res->ai_family == AF_INET) {
		memcpy(h->data, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
		h->bitlen = 32;
	} else {
		memcpy(h->data, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
		h->bitlen = 128;
	}
	h->family = res->ai_family;
	freeaddrinfo(res);
	return 0;
}

static int parse_port(struct parser *p, const char *port, long *out)
{
	long v;
	if (!parse_int(port, &v)) {
		*out = v;
		return 0;
	}
	struct servent *su = NULL, *st = NULL;
	if (p->ctx->dbs & (1u << UDP_DB)) {
		struct servent *e = getservbyname(port, "udp");
		if (e) {
			static struct servent copy;
			copy = *e;
			su = &copy;
		}
	}
	if (p->ctx->dbs & (1u << TCP_DB))
		st = getservbyname(port, "tcp");
	if (su && st && su->s_port != st->s_port) {
		perr(p, "Error: ambiguous port \"%s\".\nCannot parse dst/src address.", port);
		return -1;
	}
	if (!su)
		su = st;
	if (!su) {
		perr(p, "Error: \"%s\" does not look like a port.\nCannot parse dst/src address.", port);
		return -1;
	}
	*out = ntohs((uint16_t)su->s_port);
	return 0;
}

/* netlink and vsock: "ADDR[:PORT]", both numbers or '*' (any); port_zero_name is a word that
 * stands for port 0 (netlink's "kernel") or NULL. addr is modified (split at the colon). */
static int parse_numeric_host(struct parser *p, char *addr, const char *port_zero_name, struct ss_hostcond *h)
{
	char *port = strchr(addr, ':');
	long v;
	if (port) {
		*port++ = 0;
		if (*port && strcmp(port, "*")) {
			if (port_zero_name && !strcmp(port, port_zero_name))
				v = 0;
			else if (parse_int(port, &v))
				goto bad;
			h->port = v;
		}
	}
	if (*addr && strcmp(addr, "*")) {
		if (parse_int(addr, &v))
			goto bad;
		h->bitlen = 32;
		h->data[0] = (uint32_t)v;
	}
	return 0;
bad:
	perr(p, "Cannot parse dst/src address.");
	return -1;
}

static int parse_host(struct parser *p, const char *word, bool is_port, struct ss_hostcond *h)
{
	char buf[512];
	char *addr = buf, *port = NULL;
	int fam = p->ctx->preferred_family;

	if (strlen(word) >= sizeof buf) {
		perr(p, "Error: an inet prefix is expected rather than \"%s\".\nCannot parse dst/src address.", word);
		return -1;
	}
	strcpy(buf, word);
	memset(h, 0, sizeof *h);
	h->port = -1;

	if (fam == AF_UNIX || !strncmp(addr, "unix:", 5)) {
		if (!strncmp(addr, "unix:", 5))
			addr += 5;
		h->family = AF_UNIX;
		h->pattern = strdup(addr);
		h->bitlen = 8 * (int)strlen(addr);
		fam = AF_UNIX;
		goto out;
	}
	if (fam == AF_PACKET || !strncmp(addr, "link:", 5)) {
		if (!strncmp(addr, "link:", 5))
			addr += 5;
		h->family = AF_PACKET;
		port = strchr(addr, ':');
		if (port) {
			*port++ = 0;
			if (*port && strcmp(port, "*")) {
				long v;
				if (parse_int(port, &v)) {
					unsigned idx = if_nametoindex(port);
					if (!idx) {
						perr(p, "Cannot parse dst/src address.");
						return -1;
					}
					v = idx;
				}
				h->port = v;
			}
		}
		if (*addr && strcmp(addr, "*")) {
			long v;
			if (parse_int(addr, &v)) {
				struct { const char *n; long v; } protos[] = {
					{ "ip", 0x0800 }, { "arp", 0x0806 }, { "ipv6", 0x86dd }, { "all", 0x0003 },
					{ "802_3", 0x0001 }, { "802_2", 0x0004 }, { "vlan", 0x8100 },
				};
				v = -1;
				for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
					if (!strcmp(protos[i].n, addr))
						v = protos[i].v;
				if (v < 0) {
					perr(p, "Cannot parse dst/src address.");
					return -1;
				}
			}
			h->bitlen = 32;
			h->data[0] = (uint32_t)v;
		}
		fam = AF_PACKET;
		goto out;
	}
	if (fam == AF_NETLINK || !strncmp(addr, "netlink:", 8)) {
		if (parse_numeric_host(p, addr + (strncmp(addr, "netlink:", 8) ? 0 : 8), "kernel", h) < 0)
			return -1;
		h->family = fam = AF_NETLINK;
		goto out;
	}
	if (fam == AF_VSOCK || !strncmp(addr, "vsock:", 6)) {
		if (parse_numeric_host(p, addr + (strncmp(addr, "vsock:", 6) ? 0 : 6), NULL, h) < 0)
			return -1;
		h->family = fam = AF_VSOCK;
		goto out;
	}

	if (!strncmp(addr, "inet:", 5)) {
		addr += 5;
		fam = AF_INET;
	} else if (!strncmp(addr, "inet6:", 6)) {
		addr += 6;
		fam = AF_INET6;
	}
	if (addr[0] == '[') {
		addr++;
		port = strchr(addr, ']');
		if (!port) {
			perr(p, "Error: an inet prefix is expected rather than \"%s\".\nCannot parse dst/src address.", word);
			return -1;
		}
		*port++ = 0;
	} else if (addr[0] == '*') {
		port = addr + 1;
	} else {
		char *from = strchr(addr, '/');
		port = strrchr(from ? from : addr, ':');
	}
	if (is_port)
		port = addr;
	if (port && *port) {
		if (*port == ':')
			*port++ = 0;
		if (*port && *port != '*') {
			if (parse_port(p, port, &h->port))
				return -1;
		}
	}
	if (!is_port && *addr && *addr != '*') {
		if (parse_prefix(addr, fam, h) && resolve_host(addr, fam, h, !p->ctx->no_dns)) {
			perr(p, "Error: an inet prefix is expected rather than \"%s\".\nCannot parse dst/src address.", addr);
			return -1;
		}
		if (fam == AF_UNSPEC)
			fam = AF_UNSPEC; /* a plain address does not restrict the families */
	} else {
		h->family = fam;
	}
out:
	if (fam != AF_UNSPEC) {
		p->ctx->families_changed = 1;
		p->ctx->forced_family = fam;
	}
	return 0;
}

static struct ss_filter *p_or(struct parser *p);

static const char *take_word(struct parser *p, const char *what)
{
	if (p->i >= p->n) {
		perr(p, "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.");
		(void)what;
		return NULL;
	}
	return p->t[p->i++];
}

static struct ss_filter *p_hostpred(struct parser *p, bool dst)
{
	if (peek(p) == T_EQ)
		p->i++;
	const char *w = take_word(p, "address");
	if (!w)
		return NULL;
	struct ss_filter *f = node(dst ? SSF_DCOND : SSF_SCOND);
	if (parse_host(p, w, false, &f->host)) {
		ss_filter_free(f);
		return NULL;
	}
	return f;
}

static struct ss_filter *p_portpred(struct parser *p, bool dst)
{
	enum tok op = peek(p);
	if (op == T_GEQ || op == T_LEQ || op == T_NEQ || op == T_EQ || op == T_GT || op == T_LT)
		p->i++;
	else
		op = T_EQ;
	const char *w = take_word(p, "port");
	if (!w)
		return NULL;
	struct ss_hostcond h;
	if (parse_host(p, w, true, &h))
		return NULL;
	struct ss_filter *f;
	switch (op) {
	case T_GEQ: f = node(dst ? SSF_D_GE : SSF_S_GE); break;
	case T_LEQ: f = node(dst ? SSF_D_LE : SSF_S_LE); break;
	case T_GT:  f = node2(SSF_NOT, node(dst ? SSF_D_LE : SSF_S_LE), NULL); break;
	case T_LT:  f = node2(SSF_NOT, node(dst ? SSF_D_GE : SSF_S_GE), NULL); break;
	case T_NEQ: f = node2(SSF_NOT, node(dst ? SSF_DCOND : SSF_SCOND), NULL); break;
	default:    f = node(dst ? SSF_DCOND : SSF_SCOND); break;
	}
	struct ss_filter *leaf = f->type == SSF_NOT ? f->a : f;
	leaf->host = h;
	return f;
}

static int eq_or_neq(struct parser *p)
{
	enum tok t = peek(p);
	if (t == T_EQ) {
		p->i++;
		return 0;
	}
	if (t == T_NEQ) {
		p->i++;
		return 1;
	}
	return 0;
}

static struct ss_filter *maybe_not(struct ss_filter *f, int neg)
{
	return neg ? node2(SSF_NOT, f, NULL) : f;
}

static struct ss_filter *p_unary(struct parser *p)
{
	enum tok t = peek(p);
	struct ss_filter *f;
	if ((t == T_NOT || t == T_LP) && p->depth >= MAX_DEPTH) {
		perr(p, "ss: bison bellows (while parsing filter): \"memory exhausted!\" Sorry.");
		return NULL;
	}
	switch (t) {
	case T_NOT:
		p->i++;
		p->depth++;
		f = p_unary(p);
		p->depth--;
		return f ? node2(SSF_NOT, f, NULL) : NULL;
	case T_LP:
		p->i++;
		p->depth++;
		f = p_or(p);
		p->depth--;
		if (!f)
			return NULL;
		if (peek(p) != T_RP) {
			ss_filter_free(f);
			perr(p, "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.");
			return NULL;
		}
		p->i++;
		return f;
	case T_DST: case T_SRC:
		p->i++;
		return p_hostpred(p, t == T_DST);
	case T_DPORT: case T_SPORT:
		p->i++;
		return p_portpred(p, t == T_DPORT);
	case T_AUTO:
		p->i++;
		return node(SSF_S_AUTO);
	case T_DEV: {
		p->i++;
		int neg = eq_or_neq(p);
		const char *w = take_word(p, "device");
		if (!w)
			return NULL;
		long v;
		unsigned idx;
		if (!parse_int(w, &v))
			idx = (unsigned)v;
		else if (!(idx = if_nametoindex(w))) {
			perr(p, "Cannot parse device.");
			return NULL;
		}
		f = node(SSF_DEVCOND);
		f->ifindex = idx;
		return maybe_not(f, neg);
	}
	case T_FWMARK: {
		p->i++;
		int neg = eq_or_neq(p);
		const char *w = take_word(p, "mark");
		if (!w)
			return NULL;
		char buf[64];
		snprintf(buf, sizeof buf, "%s", w);
		char *sl = strchr(buf, '/');
		unsigned long mark, mask = 0xffffffffu;
		char *e;
		if (sl)
			*sl = 0;
		errno = 0;
		mark = strtoul(buf, &e, 0);
		if (!*buf || *e || errno || mark > 0xffffffffu) {
			perr(p, "Cannot parse mark %s.", w);
			return NULL;
		}
		if (sl) {
			mask = strtoul(sl + 1, &e, 0);
			if (!sl[1] || *e || mask > 0xffffffffu) {
				perr(p, "Cannot parse mark %s.", w);
				return NULL;
			}
		}
		f = node(SSF_MARKMASK);
		f->mark = (uint32_t)mark;
		f->mask = (uint32_t)mask;
		return maybe_not(f, neg);
	}
	case T_CGROUP: {
		p->i++;
		int neg = eq_or_neq(p);
		const char *w = take_word(p, "cgroup path");
		if (!w)
			return NULL;
		uint64_t id = 0;
		FILE *m = fopen("/proc/self/mounts", "r");
		char line[1024], mnt[512] = "";
		while (m && fgets(line, sizeof line, m)) {
			char dev[256], dir[512], type[64];
			if (sscanf(line, "%255s %511s %63s", dev, dir, type) == 3 && !strcmp(type, "cgroup2")) {
				snprintf(mnt, sizeof mnt, "%s", dir);
				break;
			}
		}
		if (m)
			fclose(m);
		char path[1100];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", mnt, w[0] == '/' ? w + 1 : w);
		if (!*mnt || stat(path, &st)) {
			perr(p, "Failed to get cgroup2 ID: No such file or directory\nCannot parse cgroup %s.", w);
			return NULL;
		}
		id = st.st_ino;
		f = node(SSF_CGROUPCOND);
		f->cgroup_id = id;
		return maybe_not(f, neg);
	}
	case T_END:
		perr(p, "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.");
		return NULL;
	default: {
		/* ss's lexer turns every other word into a host condition first, so a word that
		 * is not a valid host reports that, and a valid one is a syntax error. */
		struct ss_hostcond h;
		if (t == T_WORD && parse_host(p, p->t[p->i], false, &h))
			return NULL;
		if (t == T_WORD)
			free(h.pattern);
		perr(p, "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.");
		return NULL;
	}
	}
}

static bool starts_unary(enum tok t)
{
	return t == T_NOT || t == T_LP || t == T_DST || t == T_SRC || t == T_DPORT || t == T_SPORT ||
	       t == T_DEV || t == T_FWMARK || t == T_CGROUP || t == T_AUTO;
}

static struct ss_filter *p_and(struct parser *p)
{
	struct ss_filter *l = p_unary(p);
	while (l) {
		enum tok t = peek(p);
		if (t == T_AND)
			p->i++;
		else if (!starts_unary(t))
			break;
		struct ss_filter *r = p_unary(p);
		if (!r) {
			ss_filter_free(l);
			return NULL;
		}
		l = node2(SSF_AND, l, r);
	}
	return l;
}

static struct ss_filter *p_or(struct parser *p)
{
	struct ss_filter *l = p_and(p);
	while (l && peek(p) == T_OR) {
		p->i++;
		struct ss_filter *r = p_and(p);
		if (!r) {
			ss_filter_free(l);
			return NULL;
		}
		l = node2(SSF_OR, l, r);
	}
	return l;
}

int ss_filter_parse(char **toks, int ntoks, struct ss_parse_ctx *ctx, struct ss_filter **out)
{
	struct parser p = { .t = toks, .n = ntoks, .ctx = ctx };
	*out = NULL;
	ctx->err[0] = 0;
	if (ntoks == 0)
		return 0;
	if (ntoks > MAX_TOKENS) {
		snprintf(ctx->err, sizeof ctx->err, "ss: bison bellows (while parsing filter): \"memory exhausted!\" Sorry.");
		ctx->status = 255;
		return -1;
	}
	struct ss_filter *f = p_or(&p);
	if (f && p.i < p.n) {
		ss_filter_free(f);
		f = NULL;
		perr(&p, "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.");
	}
	if (!f) {
		if (!ctx->err[0])
			snprintf(ctx->err, sizeof ctx->err, "ss: bison bellows (while parsing filter): \"syntax error!\" Sorry.");
		return -1;
	}
	*out = f;
	return 0;
}

static int push(char ***v, int *n, int *cap, const char *s, size_t len)
{
	if (*n + 1 >= *cap) {
		*cap = *cap ? *cap * 2 : 16;
		char **nv = realloc(*v, (size_t)*cap * sizeof **v);
		if (!nv)
			abort();
		*v = nv;
	}
	char *c = malloc(len + 1);
	if (!c)
		abort();
	memcpy(c, s, len);
	c[len] = 0;
	(*v)[(*n)++] = c;
	(*v)[*n] = NULL;
	return 0;
}

static void split_into(const char *s, size_t len, char ***v, int *n, int *cap)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		size_t st = i;
		while (i < len && !isspace((unsigned char)s[i]))
			i++;
		if (i > st)
			push(v, n, cap, s + st, i - st);
	}
}

int ss_filter_tokens_argv(int argc, char **argv, char ***toks)
{
	char **v = NULL;
	int n = 0, cap = 0;
	for (int i = 0; i < argc; i++)
		split_into(argv[i], strlen(argv[i]), &v, &n, &cap);
	if (!v)
		v = calloc(1, sizeof *v);
	*toks = v;
	return n;
}

int ss_filter_tokens_text(const char *text, char ***toks)
{
	char **v = NULL;
	int n = 0, cap = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len && p[0] != '#' && p[0] != '0')
			split_into(p, len, &v, &n, &cap);
		p += len;
		if (*p == '\n')
			p++;
	}
	if (!v)
		v = calloc(1, sizeof *v);
	*toks = v;
	return n;
}
