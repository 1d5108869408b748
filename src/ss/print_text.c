/* ss's text table: cells are buffered per row, then every column is sized to its widest cell
 * (header included). On a terminal the spare width is spread over the columns the way ss 6.1
 * does it; when stdout is not a terminal the table is compact. Left-aligned cells are padded on
 * the right, so rows carry trailing blanks, exactly like ss. */
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/packet_diag.h>
#include <net/if.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ss/ss_int.h"
#include "ss/tcpinfo.h"

enum { COL_NETID, COL_STATE, COL_RECVQ, COL_SENDQ, COL_ADDR, COL_SERV, COL_RADDR, COL_RSERV, COL_PROC, COL_MAX };

struct column {
	bool right;
	const char *ldelim;
	const char *header;
	bool disabled;
	size_t max_len;
	int width;
};

static struct column columns[COL_MAX] = {
	{ false, "", "Netid", false, 0, 0 },
	{ false, " ", "State", false, 0, 0 },
	{ false, " ", "Recv-Q", false, 0, 0 },
	{ false, " ", "Send-Q", false, 0, 0 },
	{ true, " ", "Local Address:", false, 0, 0 },
	{ false, "", "Port", false, 0, 0 },
	{ true, " ", "Peer Address:", false, 0, 0 },
	{ false, "", "Port", false, 0, 0 },
	{ false, "", "Process", false, 0, 0 },
};

/* Row storage: all cell text in one growing buffer; per row COL_MAX (offset,len) pairs. */
static char *text;
static size_t text_len, text_cap;
static uint32_t (*cells)[COL_MAX][2];
static size_t nrows, rows_cap;
static int screen_width = 80;
static bool is_tty;

/* the row being built */
static char cur[COL_MAX][4096];
static size_t curlen[COL_MAX];
static char *bigproc;            /* Process cells can get long (-i, -p with many users) */
static size_t bigproc_len, bigproc_cap;
static int curcol;

static void cell_set(int col)
{
	curcol = col;
}

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;
	char tmp[4096];
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof tmp)
		n = sizeof tmp - 1;
	if (curcol == COL_PROC) {
		if (bigproc_len + (size_t)n + 1 > bigproc_cap) {
			bigproc_cap = (bigproc_len + (size_t)n + 1) * 2;
			bigproc = realloc(bigproc, bigproc_cap);
			if (!bigproc)
				abort();
		}
		memcpy(bigproc + bigproc_len, tmp, (size_t)n);
		bigproc_len += (size_t)n;
		return;
	}
	size_t room = sizeof cur[0] - 1 - curlen[curcol];
	if ((size_t)n > room)
		n = (int)room;
	memcpy(cur[curcol] + curlen[curcol], tmp, (size_t)n);
	curlen[curcol] += (size_t)n;
}

static void text_append(const char *p, size_t n, uint32_t *off)
{
	if (text_len + n > text_cap) {
		text_cap = (text_len + n) * 2 + 65536;
		text = realloc(text, text_cap);
		if (!text)
			abort();
	}
	memcpy(text + text_len, p, n);
	*off = (uint32_t)text_len;
	text_len += n;
}

/* ss sizes a column when a cell is closed, and the very last cell before rendering is never
 * closed: the final row's Process cell does not count towards that column's width. */
static size_t pending_proc;

static void row_commit(void)
{
	if (pending_proc > columns[COL_PROC].max_len)
		columns[COL_PROC].max_len = pending_proc;
	pending_proc = 0;
	if (nrows == rows_cap) {
		rows_cap = rows_cap ? rows_cap * 2 : 1024;
		cells = realloc(cells, rows_cap * sizeof *cells);
		if (!cells)
			abort();
	}
	for (int c = 0; c < COL_MAX; c++) {
		const char *p = c == COL_PROC ? bigproc : cur[c];
		size_t n = c == COL_PROC ? bigproc_len : curlen[c];
		uint32_t off = 0;
		if (n)
			text_append(p, n, &off);
		cells[nrows][c][0] = off;
		cells[nrows][c][1] = (uint32_t)n;
		if (c == COL_PROC)
			pending_proc = n;
		else if (!columns[c].disabled && n > columns[c].max_len)
			columns[c].max_len = n;
		curlen[c] = 0;
	}
	bigproc_len = 0;
	nrows++;
	curcol = 0;
	/* keep memory bounded on huge listings, as ss renders in batches */
	if (text_len > (size_t)48 << 20)
		ss_text_flush();
}

void ss_text_init(const struct ss_opts *o)
{
	unsigned dbs = o->dbs, st = o->states;
	columns[COL_NETID].disabled = !(dbs & (dbs - 1));
	columns[COL_STATE].disabled = !(st & (st - 1));
	is_tty = isatty(STDOUT_FILENO);
	if (is_tty) {
		struct winsize w;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) != -1 && w.ws_col > 0)
			screen_width = w.ws_col;
	}
}

void ss_text_header(void)
{
	for (int c = 0; c < COL_MAX; c++) {
		cell_set(c);
		out("%s", columns[c].header);
	}
	row_commit();
}

static void calc_width(void)
{
	bool first = true;
	for (int i = 0; i < COL_MAX; i++) {
		struct column *c = &columns[i];
		if (c->disabled) {
			c->width = 0;
			continue;
		}
		if (!first && c->max_len)
			c->width = (int)(c->max_len + strlen(c->ldelim));
		else
			c->width = (int)c->max_len;
		if (is_tty && c->width > screen_width)
			c->width = screen_width;
		if (c->width)
			first = false;
	}
	if (!is_tty)
		return;

	int len = 0, linecols = 0, eol = -1;
	for (int i = 0; i < COL_MAX; i++) {
		struct column *c = &columns[i];
		if (!c->width)
			continue;
		linecols++;
		len += c->width;
		bool last = true;
		for (int j = i + 1; j < COL_MAX; j++)
			if (columns[j].width) {
				last = false;
				break;
			}
		if (!last && len < screen_width)
			continue;
		if (len != screen_width) {
			if (len > screen_width) {
				len -= c->width;
				i--;
				linecols--;
			}
			int pad = screen_width - len;
			int spacing = linecols ? pad / linecols : 0;
			int rem = linecols ? pad % linecols : 0;
			for (int t = i; t > eol; t--) {
				if (!columns[t].width)
					continue;
				columns[t].width += spacing;
				if (rem) {
					columns[t].width++;
					rem--;
				}
			}
		}
		eol = i;
		len = 0;
		linecols = 0;
	}
}

static char spaces[256];

static void pad(int n)
{
	while (n > 0) {
		int k = n > (int)sizeof spaces ? (int)sizeof spaces : n;
		ss_out_write(spaces, (size_t)k);
		n -= k;
	}
}

void ss_text_flush(void)
{
	if (!nrows)
		return;
	if (!spaces[0])
		memset(spaces, ' ', sizeof spaces);
	pending_proc = 0;
	calc_width();
	for (size_t r = 0; r < nrows; r++) {
		bool started = false;
		for (int i = 0; i < COL_MAX; i++) {
			struct column *f = &columns[i];
			if (f->disabled)
				continue;
			if (!started && !f->width) /* ss skips leading empty columns */
				continue;
			int printed = 0;
			if (started) {
				size_t dl = strlen(f->ldelim);
				ss_out_write(f->ldelim, dl);
				printed = (int)dl;
			}
			started = true;
			uint32_t off = cells[r][i][0], n = cells[r][i][1];
			if (f->width && f->right) {
				int s = f->width - (int)n - printed;
				if (s > 0) {
					pad(s);
					printed += s;
				}
			}
			ss_out_write(text + off, n);
			printed += (int)n;
			if (f->width && !f->right)
				pad(f->width - printed);
		}
		ss_out_write("\n", 1);
	}
	nrows = 0;
	text_len = 0;
}

/* ---------------- per-socket formatting ---------------- */

const char *const ss_state_names[SS_MAX] = {
	"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
	"UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
};

const char *ss_netid_name(const struct ss_sock *s)
{
	switch (s->family) {
	case AF_UNIX:
		return s->type == SOCK_STREAM ? "u_str" : s->type == SOCK_SEQPACKET ? "u_seq"
		     : s->type == SOCK_DGRAM ? "u_dgr" : "???";
	case AF_INET:
	case AF_INET6:
		switch (s->type) {
		case 0: return "raw";
		case IPPROTO_UDP: return "udp";
		case IPPROTO_TCP: return s->db == MPTCP_DB ? "mptcp" : "tcp";
		case IPPROTO_MPTCP: return "mptcp";
		case IPPROTO_SCTP: return "sctp";
		case IPPROTO_DCCP: return "dccp";
		case IPPROTO_ICMPV6: return "icmp6";
		}
		return s->db == RAW_DB ? "raw" : "???";
	case AF_PACKET: return s->type == SOCK_RAW ? "p_raw" : "p_dgr";
	case AF_NETLINK: return "nl";
	case AF_VSOCK: return s->type == SOCK_STREAM ? "v_str" : s->type == SOCK_DGRAM ? "v_dgr"
	                    : s->type == SOCK_SEQPACKET ? "v_seq" : "???";
	case AF_XDP: return "xdp";
	case AF_TIPC: return "ti_??";
	}
	return "unknown";
}

static const char *proto_for_services(const struct ss_sock *s)
{
	switch (s->db) {
	case UDP_DB: return "udp";
	case DCCP_DB: return "dccp";
	case SCTP_DB: return "sctp";
	case RAW_DB: return "raw";
	default: return "tcp";
	}
}

const char *ss_service(long port, const struct ss_sock *s, bool numeric, char *buf, size_t len)
{
	if (port == 0)
		return "*";
	if (!numeric) {
		if (s->db == RAW_DB) {
			struct protoent *pe = getprotobynumber((int)port);
			if (pe)
				snprintf(buf, len, "%s", pe->p_name);
			else
				snprintf(buf, len, "ipproto-%ld", port);
			return buf;
		}
		if (!ss_is_ephemeral(port)) {
			static int opened;
			if (!opened) {
				setservent(1);
				opened = 1;
			}
			/* small cache: listings repeat the same ports */
			static struct { long port; int db; char name[64]; int hit; } cache[64];
			unsigned h = (unsigned)(port * 31 + s->db) & 63;
			if (cache[h].hit && cache[h].port == port && cache[h].db == s->db) {
				if (cache[h].name[0]) {
					snprintf(buf, len, "%s", cache[h].name);
					return buf;
				}
			} else {
				struct servent *se = getservbyport(htons((uint16_t)port), proto_for_services(s));
				cache[h].port = port;
				cache[h].db = s->db;
				cache[h].hit = 1;
				snprintf(cache[h].name, sizeof cache[h].name, "%s", se ? se->s_name : "");
				if (se) {
					snprintf(buf, len, "%s", se->s_name);
					return buf;
				}
			}
		}
	}
	snprintf(buf, len, "%ld", port);
	return buf;
}

void ss_format_host(const struct ss_sock *s, const struct ss_addr *a, bool resolve, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN + 8];
	if (a->family == AF_INET) {
		if (resolve) {
			struct sockaddr_in sin = { .sin_family = AF_INET };
			memcpy(&sin.sin_addr, a->data, 4);
			if (!getnameinfo((struct sockaddr *)&sin, sizeof sin, buf, (socklen_t)len, NULL, 0, NI_NAMEREQD))
				return;
		}
		inet_ntop(AF_INET, a->data, buf, (socklen_t)len);
		return;
	}
	static const uint32_t any[4];
	if (s->v6only != 1 && !memcmp(a->data, any, 16)) {
		snprintf(buf, len, "*");
		return;
	}
	if (resolve) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
		memcpy(&sin6.sin6_addr, a->data, 16);
		char h[NI_MAXHOST];
		if (!getnameinfo((struct sockaddr *)&sin6, sizeof sin6, h, sizeof h, NULL, 0, NI_NAMEREQD)) {
			if (strchr(h, ':'))
				snprintf(buf, len, "[%s]", h);
			else
				snprintf(buf, len, "%s", h);
			return;
		}
	}
	inet_ntop(AF_INET6, a->data, tmp, sizeof tmp);
	snprintf(buf, len, "[%s]", tmp);
}

static void addr_print(const char *addr, const char *delim, const char *port, const char *ifname)
{
	cell_set(curcol);
	if (ifname)
		out("%s%%%s%s", addr, ifname, delim);
	else
		out("%s%s", addr, delim);
	cell_set(curcol + 1);
	out("%s", port);
	cell_set(curcol + 1);
}

static void state_print(const struct ss_sock *s)
{
	cell_set(COL_NETID);
	out("%s", ss_netid_name(s));
	cell_set(COL_STATE);
	out("%s", ss_state_names[s->state]);
	cell_set(COL_RECVQ);
	out("%-6lld", s->rq);
	cell_set(COL_SENDQ);
	out("%-6lld", s->wq);
	cell_set(COL_ADDR);
}

static void users_print(const struct ss_opts *o, const struct ss_sock *s)
{
	if (!o->show_users)
		return;
	static char buf[65536];
	if (ss_procmap_format(s->ino, buf, sizeof buf) > 0)
		out(" users:(%s)", buf);
}

static const char *ms_timer(unsigned timeout)
{
	static char buf[64];
	int secs = (int)(timeout / 1000), minutes = secs / 60, msecs = (int)(timeout % 1000);
	secs %= 60;
	buf[0] = 0;
	if (minutes) {
		msecs = 0;
		snprintf(buf, sizeof buf - 16, "%dmin", minutes);
		if (minutes > 9)
			secs = 0;
	}
	if (secs) {
		if (secs > 9)
			msecs = 0;
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%d%s", secs, msecs ? "." : "sec");
	}
	if (msecs)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%03dms", msecs);
	return buf;
}

static void skmem_print(const struct ss_sock *s)
{
	if (!s->has_skmem) {
		if (s->has_meminfo)
			out(" mem:(r%u,w%u,f%u,t%u)", s->meminfo[0], s->meminfo[1], s->meminfo[2], s->meminfo[3]);
		return;
	}
	uint32_t m[9] = { 0 };
	memcpy(m, s->skmem, sizeof m);
	out(" skmem:(r%u,rb%u,t%u,tb%u,f%u,w%u,o%u", m[0], m[1], m[2], m[3], m[4], m[5], m[6]);
	if (s->nskmem >= 8)
		out(",bl%u", m[7]);
	if (s->nskmem >= 9)
		out(",d%u", m[8]);
	out(")");
}

static void details_print(const struct ss_sock *s)
{
	if (s->uid)
		out(" uid:%u", s->uid);
	out(" ino:%u", s->ino);
	out(" sk:%llx", (unsigned long long)s->cookie);
	if (s->mark)
		out(" fwmark:0x%x", s->mark);
	if (s->cgroup_id)
		out(" cgroup:%s", ss_cgroup_path(s->cgroup_id));
}

static const char *sprint_bw(char *buf, size_t len, double bw, bool numeric)
{
	if (numeric)
		snprintf(buf, len, "%.0f", bw);
	else if (bw >= 1e12)
		snprintf(buf, len, "%.3gT", bw / 1e12);
	else if (bw >= 1e9)
		snprintf(buf, len, "%.3gG", bw / 1e9);
	else if (bw >= 1e6)
		snprintf(buf, len, "%.3gM", bw / 1e6);
	else if (bw >= 1e3)
		snprintf(buf, len, "%.3gk", bw / 1e3);
	else
		snprintf(buf, len, "%g", bw);
	return buf;
}

void ss_parse_attrs_raw(const unsigned char *p, size_t len, const unsigned char **ptr, unsigned *lens, unsigned max);

static uint32_t nla_u32(const unsigned char *p, unsigned len)
{
	uint32_t v = 0;
	memcpy(&v, p, len < 4 ? len : 4);
	return v;
}

static uint64_t nla_u64(const unsigned char *p, unsigned len)
{
	uint64_t v = 0;
	memcpy(&v, p, len < 8 ? len : 8);
	return v;
}

static void ulp_print(const struct ss_sock *s)
{
	const unsigned char *tb[4];
	unsigned tl[4];
	ss_parse_attrs_raw(s->ulp, s->ulp_len, tb, tl, 3);
	if (tb[1] && tl[1] && memchr(tb[1], 0, tl[1]))
		out(" tcp-ulp-%s", (const char *)tb[1]);
	if (tb[3]) {
		const unsigned char *m[12];
		unsigned ml[12];
		ss_parse_attrs_raw(tb[3], tl[3], m, ml, 11);
		if (m[8]) {
			uint32_t flags = nla_u32(m[8], ml[8]);
			char caps[16], *c = caps;
			static const char letters[] = "MmJjBbecv";
			for (int i = 0; i < 9; i++)
				if (flags & (1u << i))
					*c++ = letters[i];
			*c = 0;
			if (flags)
				out(" flags:%s", caps);
		}
		if (m[1] && m[2] && m[9] && m[10])
			out(" token:%04x(id:%hhu)/%04x(id:%hhu)", nla_u32(m[1], ml[1]), (unsigned char)m[9][0],
			    nla_u32(m[2], ml[2]), (unsigned char)m[10][0]);
		if (m[4])
			out(" seq:%llx", (unsigned long long)nla_u64(m[4], ml[4]));
		if (m[5])
			out(" sfseq:%x", nla_u32(m[5], ml[5]));
		if (m[6])
			out(" ssnoff:%x", nla_u32(m[6], ml[6]));
		if (m[7])
			out(" maplen:%x", nla_u32(m[7], ml[7]) & 0xffff);
	}
}

static void mptcp_info_print(const struct ss_sock *s)
{
	struct {
		uint8_t subflows, add_addr_signal, add_addr_accepted, subflows_max, add_addr_signal_max,
		        add_addr_accepted_max;
		uint32_t flags, token;
		uint64_t write_seq, snd_una, rcv_nxt;
	} m;
	memset(&m, 0, sizeof m);
	memcpy(&m, s->tcpinfo, s->tcpinfo_len < sizeof m ? s->tcpinfo_len : sizeof m);
	if (m.subflows) out(" subflows:%d", m.subflows);
	if (m.add_addr_signal) out(" add_addr_signal:%d", m.add_addr_signal);
	if (m.add_addr_accepted) out(" add_addr_accepted:%d", m.add_addr_accepted);
	if (m.subflows_max) out(" subflows_max:%d", m.subflows_max);
	if (m.add_addr_signal_max) out(" add_addr_signal_max:%d", m.add_addr_signal_max);
	if (m.add_addr_accepted_max) out(" add_addr_accepted_max:%d", m.add_addr_accepted_max);
	if (m.flags & 1) out(" fallback");
	if (m.flags & 2) out(" remote_key");
	if (m.token) out(" token:%x", m.token);
	if (m.write_seq) out(" write_seq:%llx", (unsigned long long)m.write_seq);
	if (m.snd_una) out(" snd_una:%llx", (unsigned long long)m.snd_una);
	if (m.rcv_nxt) out(" rcv_nxt:%llx", (unsigned long long)m.rcv_nxt);
}

static void tcpinfo_print(const struct ss_opts *o, const struct ss_sock *s)
{
	struct ss_tcp_info ti;
	char b1[64];
	if (!s->tcpinfo)
		return;
	if (s->db == MPTCP_DB) {
		mptcp_info_print(s);
		return;
	}
	memset(&ti, 0, sizeof ti);
	memcpy(&ti, s->tcpinfo, s->tcpinfo_len < sizeof ti ? s->tcpinfo_len : sizeof ti);

	if (o->show_options) {
		if (ti.tcpi_options & 1) out(" ts");
		if (ti.tcpi_options & 2) out(" sack");
		if (ti.tcpi_options & 8) out(" ecn");
		if (ti.tcpi_options & 16) out(" ecnseen");
		if (ti.tcpi_options & 32) out(" fastopen");
	}
	if (s->cong && s->cong[0])
		out(" %.15s", s->cong);
	if (ti.tcpi_options & 4)
		out(" wscale:%d,%d", ti.tcpi_wscale & 0xf, ti.tcpi_wscale >> 4);
	if (ti.tcpi_rto && ti.tcpi_rto != 3000000)
		out(" rto:%g", (double)ti.tcpi_rto / 1000);
	if (ti.tcpi_backoff)
		out(" backoff:%u", ti.tcpi_backoff);
	if (ti.tcpi_rtt)
		out(" rtt:%g/%g", (double)ti.tcpi_rtt / 1000, (double)ti.tcpi_rttvar / 1000);
	if (ti.tcpi_ato)
		out(" ato:%g", (double)ti.tcpi_ato / 1000);
	if (ti.tcpi_snd_mss)
		out(" mss:%d", (int)ti.tcpi_snd_mss);
	if (ti.tcpi_pmtu)
		out(" pmtu:%u", ti.tcpi_pmtu);
	if (ti.tcpi_rcv_mss)
		out(" rcvmss:%d", (int)ti.tcpi_rcv_mss);
	if (ti.tcpi_advmss)
		out(" advmss:%d", (int)ti.tcpi_advmss);
	if (ti.tcpi_snd_cwnd)
		out(" cwnd:%u", ti.tcpi_snd_cwnd);
	if (ti.tcpi_snd_ssthresh < 0xFFFF && ti.tcpi_snd_ssthresh)
		out(" ssthresh:%d", (int)ti.tcpi_snd_ssthresh);
	if (ti.tcpi_bytes_sent)
		out(" bytes_sent:%llu", (unsigned long long)ti.tcpi_bytes_sent);
	if (ti.tcpi_bytes_retrans)
		out(" bytes_retrans:%llu", (unsigned long long)ti.tcpi_bytes_retrans);
	if (ti.tcpi_bytes_acked)
		out(" bytes_acked:%llu", (unsigned long long)ti.tcpi_bytes_acked);
	if (ti.tcpi_bytes_received)
		out(" bytes_received:%llu", (unsigned long long)ti.tcpi_bytes_received);
	if (ti.tcpi_segs_out)
		out(" segs_out:%u", ti.tcpi_segs_out);
	if (ti.tcpi_segs_in)
		out(" segs_in:%u", ti.tcpi_segs_in);
	if (ti.tcpi_data_segs_out)
		out(" data_segs_out:%u", ti.tcpi_data_segs_out);
	if (ti.tcpi_data_segs_in)
		out(" data_segs_in:%u", ti.tcpi_data_segs_in);

	if (s->dctcp) {
		struct { uint16_t enabled, ce_state; uint32_t alpha, ab_ecn, ab_tot; } d = { 0 };
		memcpy(&d, s->dctcp, s->dctcp_len < sizeof d ? s->dctcp_len : sizeof d);
		if (d.enabled)
			out(" dctcp:(ce_state:%u,alpha:%u,ab_ecn:%u,ab_tot:%u)", d.ce_state, d.alpha, d.ab_ecn, d.ab_tot);
		else
			out(" dctcp:fallback_mode");
	}
	if (s->bbr) {
		struct { uint32_t bw_lo, bw_hi, min_rtt, pacing_gain, cwnd_gain; } b = { 0 };
		memcpy(&b, s->bbr, s->bbr_len < sizeof b ? s->bbr_len : sizeof b);
		uint64_t bw = ((uint64_t)b.bw_hi << 32) | b.bw_lo;
		out(" bbr:(bw:%sbps,mrtt:%g", sprint_bw(b1, sizeof b1, (double)bw * 8.0, o->numeric),
		    (double)b.min_rtt / 1000.0);
		if (b.pacing_gain)
			out(",pacing_gain:%g", (double)b.pacing_gain / 256.0);
		if (b.cwnd_gain)
			out(",cwnd_gain:%g", (double)b.cwnd_gain / 256.0);
		out(")");
	}
	double rtt = (double)ti.tcpi_rtt;
	if (s->vegas && s->vegas_len >= 16) {
		struct { uint32_t enabled, rttcnt, rtt, minrtt; } v;
		memcpy(&v, s->vegas, sizeof v);
		if (v.enabled && v.rtt && v.rtt != 0x7fffffff)
			rtt = v.rtt;
	}
	if (rtt > 0 && ti.tcpi_snd_mss && ti.tcpi_snd_cwnd)
		out(" send %sbps", sprint_bw(b1, sizeof b1,
		    (double)ti.tcpi_snd_cwnd * (double)ti.tcpi_snd_mss * 8000000. / rtt, o->numeric));
	if (ti.tcpi_last_data_sent)
		out(" lastsnd:%u", ti.tcpi_last_data_sent);
	if (ti.tcpi_last_data_recv)
		out(" lastrcv:%u", ti.tcpi_last_data_recv);
	if (ti.tcpi_last_ack_recv)
		out(" lastack:%u", ti.tcpi_last_ack_recv);
	if (ti.tcpi_pacing_rate && ti.tcpi_pacing_rate != ~0ULL) {
		out(" pacing_rate %sbps", sprint_bw(b1, sizeof b1, (double)ti.tcpi_pacing_rate * 8., o->numeric));
		if (ti.tcpi_max_pacing_rate && ti.tcpi_max_pacing_rate != ~0ULL)
			out("/%sbps", sprint_bw(b1, sizeof b1, (double)ti.tcpi_max_pacing_rate * 8., o->numeric));
	}
	if (ti.tcpi_delivery_rate)
		out(" delivery_rate %sbps", sprint_bw(b1, sizeof b1, (double)ti.tcpi_delivery_rate * 8., o->numeric));
	if (ti.tcpi_delivered)
		out(" delivered:%u", ti.tcpi_delivered);
	if (ti.tcpi_delivered_ce)
		out(" delivered_ce:%u", ti.tcpi_delivered_ce);
	if (ti.tcpi_delivery_rate_app_limited & 1)
		out(" app_limited");
	if (ti.tcpi_busy_time) {
		out(" busy:%llums", (unsigned long long)ti.tcpi_busy_time / 1000);
		if (ti.tcpi_rwnd_limited)
			out(" rwnd_limited:%llums(%.1f%%)", (unsigned long long)ti.tcpi_rwnd_limited / 1000,
			    100.0 * (double)ti.tcpi_rwnd_limited / (double)ti.tcpi_busy_time);
		if (ti.tcpi_sndbuf_limited)
			out(" sndbuf_limited:%llums(%.1f%%)", (unsigned long long)ti.tcpi_sndbuf_limited / 1000,
			    100.0 * (double)ti.tcpi_sndbuf_limited / (double)ti.tcpi_busy_time);
	}
	if (ti.tcpi_unacked)
		out(" unacked:%u", ti.tcpi_unacked);
	if (ti.tcpi_retrans || ti.tcpi_total_retrans)
		out(" retrans:%u/%u", ti.tcpi_retrans, ti.tcpi_total_retrans);
	if (ti.tcpi_lost)
		out(" lost:%u", ti.tcpi_lost);
	if (ti.tcpi_sacked && s->state != SS_LISTEN)
		out(" sacked:%u", ti.tcpi_sacked);
	if (ti.tcpi_dsack_dups)
		out(" dsack_dups:%u", ti.tcpi_dsack_dups);
	if (ti.tcpi_fackets)
		out(" fackets:%u", ti.tcpi_fackets);
	if (ti.tcpi_reordering != 3)
		out(" reordering:%d", (int)ti.tcpi_reordering);
	if (ti.tcpi_reord_seen)
		out(" reord_seen:%d", (int)ti.tcpi_reord_seen);
	if (ti.tcpi_rcv_rtt)
		out(" rcv_rtt:%g", (double)ti.tcpi_rcv_rtt / 1000);
	if (ti.tcpi_rcv_space)
		out(" rcv_space:%d", (int)ti.tcpi_rcv_space);
	if (ti.tcpi_rcv_ssthresh)
		out(" rcv_ssthresh:%u", ti.tcpi_rcv_ssthresh);
	if (ti.tcpi_notsent_bytes)
		out(" notsent:%u", ti.tcpi_notsent_bytes);
	if (ti.tcpi_min_rtt && ti.tcpi_min_rtt != ~0U)
		out(" minrtt:%g", (double)ti.tcpi_min_rtt / 1000);
	if (ti.tcpi_rcv_ooopack)
		out(" rcv_ooopack:%u", ti.tcpi_rcv_ooopack);
	if (ti.tcpi_snd_wnd)
		out(" snd_wnd:%u", ti.tcpi_snd_wnd);
	if (s->ulp)
		ulp_print(s);
}

static void inet_print(const struct ss_opts *o, const struct ss_sock *s)
{
	char host[NI_MAXHOST + 8], port[64], ifn[IF_NAMESIZE + 1];
	state_print(s);
	ss_format_host(s, &s->local, o->resolve, host, sizeof host);
	const char *ifname = NULL;
	if (s->iface) {
		ifname = if_indextoname(s->iface, ifn);
		if (!ifname) {
			snprintf(ifn, sizeof ifn, "if%u", s->iface);
			ifname = ifn;
		}
	}
	curcol = COL_ADDR;
	addr_print(host, ":", ss_service(s->lport, s, o->numeric, port, sizeof port), ifname);
	ss_format_host(s, &s->remote, o->resolve, host, sizeof host);
	curcol = COL_RADDR;
	addr_print(host, ":", ss_service(s->rport, s, o->numeric, port, sizeof port), NULL);
	cell_set(COL_PROC);
	users_print(o, s);

	if (o->show_options && s->timer) {
		static const char *const tmr[] = { "off", "on", "keepalive", "timewait", "persist", "unknown" };
		int t = s->timer > 4 ? 5 : s->timer;
		out(" timer:(%s,%s,%d)", tmr[t], ms_timer(s->expires), s->retrans);
	}
	if (o->show_details) {
		details_print(s);
		if (s->family == AF_INET6 && s->v6only >= 0)
			out(" v6only:%u", (unsigned)s->v6only);
		if (s->shutdown >= 0)
			out(" %c-%c", s->shutdown & 1 ? '-' : '<', s->shutdown & 2 ? '-' : '>');
	}
	if (o->show_tos) {
		if (s->tos >= 0)
			out(" tos:%#x", (unsigned)s->tos);
		if (s->tclass >= 0)
			out(" tclass:%#x", (unsigned)s->tclass);
		if (s->class_id >= 0)
			out(" class_id:%#x", (unsigned)s->class_id);
	}
	if (o->show_cgroup && s->has_cgroup)
		out(" cgroup:%s", ss_cgroup_path(s->cgroup_id));
	if (o->show_inet_sockopt && s->sockopt && s->sockopt_len >= 2) {
		const unsigned char *b = s->sockopt;
		out(o->oneline ? " inet-sockopt: (" : "\n\tinet-sockopt: (");
		out("%s%s%s%s%s%s%s%s%s%s%s", b[0] & 1 ? " recverr" : "", b[0] & 2 ? " is_icsk" : "",
		    b[0] & 4 ? " freebind" : "", b[0] & 8 ? " hdrincl" : "", b[0] & 16 ? " mc_loop" : "",
		    b[0] & 32 ? " transparent" : "", b[0] & 64 ? " mc_all" : "", b[0] & 128 ? " nodefrag" : "",
		    b[1] & 1 ? " bind_addr_no_port" : "", b[1] & 2 ? " recverr_rfc4884" : "",
		    b[1] & 4 ? " defer_connect" : "");
		out(")");
	}
	if (o->show_mem || (o->show_tcpinfo && s->type != IPPROTO_UDP)) {
		if (!o->oneline)
			out("\n\t");
		skmem_print(s);
		tcpinfo_print(o, s);
	}
}

static void unix_print(const struct ss_opts *o, const struct ss_sock *s)
{
	char port[32], rport[32];
	state_print(s);
	snprintf(port, sizeof port, "%ld", s->lport);
	snprintf(rport, sizeof rport, "%ld", s->rport);
	curcol = COL_ADDR;
	addr_print(s->name ? s->name : "*", " ", port, NULL);
	curcol = COL_RADDR;
	addr_print("*", " ", rport, NULL);
	cell_set(COL_PROC);
	users_print(o, s);
	if (o->show_mem)
		skmem_print(s);
	if (o->show_details) {
		if (s->shutdown >= 0)
			out(" %c-%c", s->shutdown & 1 ? '-' : '<', s->shutdown & 2 ? '-' : '>');
		if (s->has_vfs)
			out(" ino:%u dev:%u/%u", s->vfs_ino, major(s->vfs_dev), minor(s->vfs_dev));
		if (s->has_icons) {
			out(" peers:");
			for (unsigned i = 0; i < s->nicons; i++) {
				uint32_t v;
				memcpy(&v, (const unsigned char *)s->icons + 4 * i, 4);
				out(" %u", v);
			}
		}
	}
}

static const char *ll_proto(int prot, bool numeric, char *buf, size_t len)
{
	static const struct { int id; const char *name; } tab[] = {
		{ 0x0001, "802_3" }, { 0x0002, "ax25" }, { 0x0003, "all" }, { 0x0004, "802_2" },
		{ 0x0005, "snap" }, { 0x0800, "ip" }, { 0x0806, "arp" }, { 0x8035, "rarp" },
		{ 0x86DD, "ipv6" }, { 0x8100, "802.1Q" }, { 0x88A8, "802.1ad" }, { 0x8847, "mpls_uc" },
		{ 0x8848, "mpls_mc" }, { 0x888E, "eapol" }, { 0x88CC, "lldp" }, { 0x8863, "pppoe_disc" },
		{ 0x8864, "pppoe_sess" }, { 0x0806, "arp" }, { 0x88F7, "ptp" },
	};
	for (size_t i = 0; !numeric && i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].id == prot)
			return tab[i].name;
	snprintf(buf, len, "[%d]", prot);
	return buf;
}

static void packet_print(const struct ss_opts *o, const struct ss_sock *s)
{
	char pbuf[32], ifn[IF_NAMESIZE + 8];
	const char *addr, *port;
	state_print(s);
	addr = s->prot == 3 ? "*" : ll_proto(ntohs(htons((uint16_t)s->prot)), o->numeric, pbuf, sizeof pbuf);
	if (s->iface == 0)
		port = "*";
	else if (!(port = if_indextoname(s->iface, ifn))) {
		snprintf(ifn, sizeof ifn, "if%u", s->iface);
		port = ifn;
	}
	curcol = COL_ADDR;
	addr_print(addr, ":", port, NULL);
	curcol = COL_RADDR;
	addr_print("", "*", "", NULL);
	cell_set(COL_PROC);
	users_print(o, s);
	if (o->show_details) {
		details_print(s);
		if (s->tcpinfo && s->tcpinfo_len >= sizeof(struct packet_diag_info)) {
			struct packet_diag_info pi;
			memcpy(&pi, s->tcpinfo, sizeof pi);
			out("\n\tver:%d", (int)pi.pdi_version);
			out(" cpy_thresh:%d", (int)pi.pdi_copy_thresh);
			out(" flags( ");
			if (pi.pdi_flags & PDI_RUNNING) out("running ");
			if (pi.pdi_flags & PDI_AUXDATA) out("auxdata ");
			if (pi.pdi_flags & PDI_ORIGDEV) out("origdev ");
			if (pi.pdi_flags & PDI_VNETHDR) out("vnethdr ");
			if (pi.pdi_flags & PDI_LOSS) out("loss ");
			out(")");
		}
	}
	if (o->show_mem)
		skmem_print(s);
}

static void netlink_print(const struct ss_opts *o, const struct ss_sock *s)
{
	static const char *const names[] = {
		"rtnl", "unused", "usersock", "fw", "tcpdiag", "nflog", "xfrm", "selinux", "iscsi",
		"audit", "fiblookup", "connector", "nft", "ip6fw", "dec-rt", "uevent", "genl", NULL,
		"scsi-trans", "ecryptfs", "rdma", "crypto", "smc",
	};
	char pbuf[32], proc[128];
	const char *pname;
	state_print(s);
	if (!o->numeric) {
		if (s->prot >= 0 && s->prot < (int)(sizeof names / sizeof names[0]) && names[s->prot])
			pname = names[s->prot];
		else {
			snprintf(pbuf, sizeof pbuf, "0x%x", s->prot);
			pname = pbuf;
		}
	} else {
		snprintf(pbuf, sizeof pbuf, "%d", s->prot);
		pname = pbuf;
	}
	int pid = (int)s->lport;
	if (pid == -1) {
		snprintf(proc, sizeof proc, "*");
	} else if (!o->numeric) {
		bool done = false;
		if (!pid) {
			snprintf(proc, sizeof proc, "kernel");
			done = true;
		} else if (pid > 0) {
			char path[64], buf[512];
			const char *root = getenv("PROC_ROOT");
			snprintf(path, sizeof path, "%s/%d/stat", root ? root : "/proc", pid);
			FILE *f = fopen(path, "r");
			if (f) {
				size_t n = fread(buf, 1, sizeof buf - 1, f);
				fclose(f);
				buf[n] = 0;
				char *op = strchr(buf, '(');
				if (op) {
					char *cp = strchr(op + 1, ')');
					size_t l = cp ? (size_t)(cp - op - 1) : strlen(op + 1);
					if (l > 63)
						l = 63;
					if (l) {
						snprintf(proc, sizeof proc, "%.*s/%d", (int)l, op + 1, pid);
						done = true;
					}
				}
			}
		}
		if (!done)
			snprintf(proc, sizeof proc, "%d", pid);
	} else {
		snprintf(proc, sizeof proc, "%d", pid);
	}
	curcol = COL_ADDR;
	addr_print(pname, ":", proc, NULL);
	curcol = COL_RADDR;
	if (s->nl_connected) {
		char g[32], p[32];
		snprintf(g, sizeof g, "%u", s->nl_dst_group);
		snprintf(p, sizeof p, "%d", s->nl_dst_pid);
		addr_print(g, ":", p, NULL);
	} else {
		addr_print("", "*", "", NULL);
	}
	cell_set(COL_PROC);
	if (o->show_details)
		out(" sk=%llx cb=%llx groups=0x%08x", 0ULL, 0ULL, s->groups);
	if (o->show_mem) {
		out("\t");
		skmem_print(s);
	}
}

static void vsock_print(const struct ss_opts *o, const struct ss_sock *s)
{
	char a[16], p[16];
	state_print(s);
	curcol = COL_ADDR;
	if (s->vs_lcid == ~0u) snprintf(a, sizeof a, "*"); else snprintf(a, sizeof a, "%u", s->vs_lcid);
	if ((uint32_t)s->lport == ~0u) snprintf(p, sizeof p, "*"); else snprintf(p, sizeof p, "%u", (unsigned)s->lport);
	addr_print(a, ":", p, NULL);
	curcol = COL_RADDR;
	if (s->vs_rcid == ~0u) snprintf(a, sizeof a, "*"); else snprintf(a, sizeof a, "%u", s->vs_rcid);
	if ((uint32_t)s->rport == ~0u) snprintf(p, sizeof p, "*"); else snprintf(p, sizeof p, "%u", (unsigned)s->rport);
	addr_print(a, ":", p, NULL);
	cell_set(COL_PROC);
	users_print(o, s);
}

static void xdp_print(const struct ss_opts *o, const struct ss_sock *s)
{
	char ifn[IF_NAMESIZE + 8], q[16];
	state_print(s);
	curcol = COL_ADDR;
	if (s->iface) {
		if (!if_indextoname(s->iface, ifn))
			snprintf(ifn, sizeof ifn, "%u", s->iface);
		snprintf(q, sizeof q, "q%d", s->xdp_queue);
		addr_print(ifn, ":", q, NULL);
	} else {
		addr_print("", "*", "", NULL);
	}
	curcol = COL_RADDR;
	addr_print("", "*", "", NULL);
	cell_set(COL_PROC);
	users_print(o, s);
	if (o->show_details)
		details_print(s);
	if (o->show_mem)
		skmem_print(s);
}

void ss_text_sock(const struct ss_opts *o, const struct ss_sock *s)
{
	switch (s->family) {
	case AF_INET: case AF_INET6: inet_print(o, s); break;
	case AF_UNIX: unix_print(o, s); break;
	case AF_PACKET: packet_print(o, s); break;
	case AF_NETLINK: netlink_print(o, s); break;
	case AF_VSOCK: vsock_print(o, s); break;
	case AF_XDP: xdp_print(o, s); break;
	default: return;
	}
	row_commit();
}
