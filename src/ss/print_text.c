/* ss's per-socket text formats: each family's row, cell by cell, into the table of columns.c
 * (state, queues, addresses and ports, then the Process cell with -p, -o, -e, -m, -i, ...). */
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/packet_diag.h>
#include <net/if.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ss/columns.h"
#include "ss/ss_int.h"
#include "ss/tcpinfo.h"

void ss_text_init(const struct ss_opts *o)
{
	unsigned dbs = o->dbs, st = o->states;
	ss_table_init(!(dbs & (dbs - 1)), !(st & (st - 1)));
}

void ss_text_header(void)
{
	ss_table_header();
}

void ss_text_flush(void)
{
	ss_table_flush();
}

/* ---------------- per-socket formatting ---------------- */

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

/* the address cell (the current column) and its port cell after it */
static void addr_print(const char *addr, const char *delim, const char *port, const char *ifname)
{
	int col = ss_cell_current();
	if (ifname)
		ss_cellf("%s%%%s%s", addr, ifname, delim);
	else
		ss_cellf("%s%s", addr, delim);
	ss_cell(col + 1);
	ss_cellf("%s", port);
	ss_cell(col + 2);
}

static void state_print(const struct ss_sock *s)
{
	ss_cell(COL_NETID);
	ss_cellf("%s", ss_netid_name(s));
	ss_cell(COL_STATE);
	ss_cellf("%s", ss_state_names[s->state]);
	ss_cell(COL_RECVQ);
	ss_cellf("%-6lld", s->rq);
	ss_cell(COL_SENDQ);
	ss_cellf("%-6lld", s->wq);
	ss_cell(COL_ADDR);
}

static void users_print(const struct ss_opts *o, const struct ss_sock *s)
{
	if (!o->show_users)
		return;
	static char buf[65536];
	if (ss_procmap_format(s->ino, buf, sizeof buf) > 0)
		ss_cellf(" users:(%s)", buf);
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
			ss_cellf(" mem:(r%u,w%u,f%u,t%u)", s->meminfo[0], s->meminfo[1], s->meminfo[2], s->meminfo[3]);
		return;
	}
	uint32_t m[9] = { 0 };
	memcpy(m, s->skmem, sizeof m);
	/* the first seven always (zero when the kernel sent fewer), backlog and drops when sent */
	unsigned n = s->nskmem > SS_SKMEM_MAX ? SS_SKMEM_MAX : s->nskmem < 7 ? 7 : s->nskmem;
	ss_cellf(" skmem:(");
	for (unsigned i = 0; i < n; i++)
		ss_cellf("%s%s%u", i ? "," : "", ss_skmem_fields[i].text, m[i]);
	ss_cellf(")");
}

static void details_print(const struct ss_sock *s)
{
	if (s->uid)
		ss_cellf(" uid:%u", s->uid);
	ss_cellf(" ino:%u", s->ino);
	ss_cellf(" sk:%llx", (unsigned long long)s->cookie);
	if (s->mark)
		ss_cellf(" fwmark:0x%x", s->mark);
	if (s->cgroup_id)
		ss_cellf(" cgroup:%s", ss_cgroup_path(s->cgroup_id));
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
		ss_cellf(" tcp-ulp-%s", (const char *)tb[1]);
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
				ss_cellf(" flags:%s", caps);
		}
		if (m[1] && m[2] && m[9] && m[10])
			ss_cellf(" token:%04x(id:%hhu)/%04x(id:%hhu)", nla_u32(m[1], ml[1]), (unsigned char)m[9][0],
			    nla_u32(m[2], ml[2]), (unsigned char)m[10][0]);
		if (m[4])
			ss_cellf(" seq:%llx", (unsigned long long)nla_u64(m[4], ml[4]));
		if (m[5])
			ss_cellf(" sfseq:%x", nla_u32(m[5], ml[5]));
		if (m[6])
			ss_cellf(" ssnoff:%x", nla_u32(m[6], ml[6]));
		if (m[7])
			ss_cellf(" maplen:%x", nla_u32(m[7], ml[7]) & 0xffff);
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
	if (m.subflows) ss_cellf(" subflows:%d", m.subflows);
	if (m.add_addr_signal) ss_cellf(" add_addr_signal:%d", m.add_addr_signal);
	if (m.add_addr_accepted) ss_cellf(" add_addr_accepted:%d", m.add_addr_accepted);
	if (m.subflows_max) ss_cellf(" subflows_max:%d", m.subflows_max);
	if (m.add_addr_signal_max) ss_cellf(" add_addr_signal_max:%d", m.add_addr_signal_max);
	if (m.add_addr_accepted_max) ss_cellf(" add_addr_accepted_max:%d", m.add_addr_accepted_max);
	if (m.flags & 1) ss_cellf(" fallback");
	if (m.flags & 2) ss_cellf(" remote_key");
	if (m.token) ss_cellf(" token:%x", m.token);
	if (m.write_seq) ss_cellf(" write_seq:%llx", (unsigned long long)m.write_seq);
	if (m.snd_una) ss_cellf(" snd_una:%llx", (unsigned long long)m.snd_una);
	if (m.rcv_nxt) ss_cellf(" rcv_nxt:%llx", (unsigned long long)m.rcv_nxt);
}

/* The congestion control's own numbers (dctcp, bbr) and the send rate it allows. */
static void congestion_print(const struct ss_opts *o, const struct ss_sock *s, const struct ss_tcp_info *ti)
{
	char b1[64];
	if (s->dctcp) {
		struct { uint16_t enabled, ce_state; uint32_t alpha, ab_ecn, ab_tot; } d = { 0 };
		memcpy(&d, s->dctcp, s->dctcp_len < sizeof d ? s->dctcp_len : sizeof d);
		if (d.enabled)
			ss_cellf(" dctcp:(ce_state:%u,alpha:%u,ab_ecn:%u,ab_tot:%u)", d.ce_state, d.alpha, d.ab_ecn, d.ab_tot);
		else
			ss_cellf(" dctcp:fallback_mode");
	}
	if (s->bbr) {
		struct { uint32_t bw_lo, bw_hi, min_rtt, pacing_gain, cwnd_gain; } b = { 0 };
		memcpy(&b, s->bbr, s->bbr_len < sizeof b ? s->bbr_len : sizeof b);
		uint64_t bw = ((uint64_t)b.bw_hi << 32) | b.bw_lo;
		ss_cellf(" bbr:(bw:%sbps,mrtt:%g", sprint_bw(b1, sizeof b1, (double)bw * 8.0, o->numeric),
		    (double)b.min_rtt / 1000.0);
		if (b.pacing_gain)
			ss_cellf(",pacing_gain:%g", (double)b.pacing_gain / 256.0);
		if (b.cwnd_gain)
			ss_cellf(",cwnd_gain:%g", (double)b.cwnd_gain / 256.0);
		ss_cellf(")");
	}
	double rtt = (double)ti->tcpi_rtt;
	if (s->vegas && s->vegas_len >= 16) {
		struct { uint32_t enabled, rttcnt, rtt, minrtt; } v;
		memcpy(&v, s->vegas, sizeof v);
		if (v.enabled && v.rtt && v.rtt != 0x7fffffff)
			rtt = v.rtt;
	}
	if (rtt > 0 && ti->tcpi_snd_mss && ti->tcpi_snd_cwnd)
		ss_cellf(" send %sbps", sprint_bw(b1, sizeof b1,
		    (double)ti->tcpi_snd_cwnd * (double)ti->tcpi_snd_mss * 8000000. / rtt, o->numeric));
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
		if (ti.tcpi_options & 1) ss_cellf(" ts");
		if (ti.tcpi_options & 2) ss_cellf(" sack");
		if (ti.tcpi_options & 8) ss_cellf(" ecn");
		if (ti.tcpi_options & 16) ss_cellf(" ecnseen");
		if (ti.tcpi_options & 32) ss_cellf(" fastopen");
	}
	if (s->cong && s->cong[0])
		ss_cellf(" %.15s", s->cong);
	if (ti.tcpi_options & 4)
		ss_cellf(" wscale:%d,%d", ti.tcpi_wscale & 0xf, ti.tcpi_wscale >> 4);
	if (ti.tcpi_rto && ti.tcpi_rto != 3000000)
		ss_cellf(" rto:%g", (double)ti.tcpi_rto / 1000);
	if (ti.tcpi_backoff)
		ss_cellf(" backoff:%u", ti.tcpi_backoff);
	if (ti.tcpi_rtt)
		ss_cellf(" rtt:%g/%g", (double)ti.tcpi_rtt / 1000, (double)ti.tcpi_rttvar / 1000);
	if (ti.tcpi_ato)
		ss_cellf(" ato:%g", (double)ti.tcpi_ato / 1000);
	if (ti.tcpi_snd_mss)
		ss_cellf(" mss:%d", (int)ti.tcpi_snd_mss);
	if (ti.tcpi_pmtu)
		ss_cellf(" pmtu:%u", ti.tcpi_pmtu);
	if (ti.tcpi_rcv_mss)
		ss_cellf(" rcvmss:%d", (int)ti.tcpi_rcv_mss);
	if (ti.tcpi_advmss)
		ss_cellf(" advmss:%d", (int)ti.tcpi_advmss);
	if (ti.tcpi_snd_cwnd)
		ss_cellf(" cwnd:%u", ti.tcpi_snd_cwnd);
	if (ti.tcpi_snd_ssthresh < 0xFFFF && ti.tcpi_snd_ssthresh)
		ss_cellf(" ssthresh:%d", (int)ti.tcpi_snd_ssthresh);
	if (ti.tcpi_bytes_sent)
		ss_cellf(" bytes_sent:%llu", (unsigned long long)ti.tcpi_bytes_sent);
	if (ti.tcpi_bytes_retrans)
		ss_cellf(" bytes_retrans:%llu", (unsigned long long)ti.tcpi_bytes_retrans);
	if (ti.tcpi_bytes_acked)
		ss_cellf(" bytes_acked:%llu", (unsigned long long)ti.tcpi_bytes_acked);
	if (ti.tcpi_bytes_received)
		ss_cellf(" bytes_received:%llu", (unsigned long long)ti.tcpi_bytes_received);
	if (ti.tcpi_segs_out)
		ss_cellf(" segs_out:%u", ti.tcpi_segs_out);
	if (ti.tcpi_segs_in)
		ss_cellf(" segs_in:%u", ti.tcpi_segs_in);
	if (ti.tcpi_data_segs_out)
		ss_cellf(" data_segs_out:%u", ti.tcpi_data_segs_out);
	if (ti.tcpi_data_segs_in)
		ss_cellf(" data_segs_in:%u", ti.tcpi_data_segs_in);

	congestion_print(o, s, &ti);
	if (ti.tcpi_last_data_sent)
		ss_cellf(" lastsnd:%u", ti.tcpi_last_data_sent);
	if (ti.tcpi_last_data_recv)
		ss_cellf(" lastrcv:%u", ti.tcpi_last_data_recv);
	if (ti.tcpi_last_ack_recv)
		ss_cellf(" lastack:%u", ti.tcpi_last_ack_recv);
	if (ti.tcpi_pacing_rate && ti.tcpi_pacing_rate != ~0ULL) {
		ss_cellf(" pacing_rate %sbps", sprint_bw(b1, sizeof b1, (double)ti.tcpi_pacing_rate * 8., o->numeric));
		if (ti.tcpi_max_pacing_rate && ti.tcpi_max_pacing_rate != ~0ULL)
			ss_cellf("/%sbps", sprint_bw(b1, sizeof b1, (double)ti.tcpi_max_pacing_rate * 8., o->numeric));
	}
	if (ti.tcpi_delivery_rate)
		ss_cellf(" delivery_rate %sbps", sprint_bw(b1, sizeof b1, (double)ti.tcpi_delivery_rate * 8., o->numeric));
	if (ti.tcpi_delivered)
		ss_cellf(" delivered:%u", ti.tcpi_delivered);
	if (ti.tcpi_delivered_ce)
		ss_cellf(" delivered_ce:%u", ti.tcpi_delivered_ce);
	if (ti.tcpi_delivery_rate_app_limited & 1)
		ss_cellf(" app_limited");
	if (ti.tcpi_busy_time) {
		ss_cellf(" busy:%llums", (unsigned long long)ti.tcpi_busy_time / 1000);
		if (ti.tcpi_rwnd_limited)
			ss_cellf(" rwnd_limited:%llums(%.1f%%)", (unsigned long long)ti.tcpi_rwnd_limited / 1000,
			    100.0 * (double)ti.tcpi_rwnd_limited / (double)ti.tcpi_busy_time);
		if (ti.tcpi_sndbuf_limited)
			ss_cellf(" sndbuf_limited:%llums(%.1f%%)", (unsigned long long)ti.tcpi_sndbuf_limited / 1000,
			    100.0 * (double)ti.tcpi_sndbuf_limited / (double)ti.tcpi_busy_time);
	}
	if (ti.tcpi_unacked)
		ss_cellf(" unacked:%u", ti.tcpi_unacked);
	if (ti.tcpi_retrans || ti.tcpi_total_retrans)
		ss_cellf(" retrans:%u/%u", ti.tcpi_retrans, ti.tcpi_total_retrans);
	if (ti.tcpi_lost)
		ss_cellf(" lost:%u", ti.tcpi_lost);
	if (ti.tcpi_sacked && s->state != SS_LISTEN)
		ss_cellf(" sacked:%u", ti.tcpi_sacked);
	if (ti.tcpi_dsack_dups)
		ss_cellf(" dsack_dups:%u", ti.tcpi_dsack_dups);
	if (ti.tcpi_fackets)
		ss_cellf(" fackets:%u", ti.tcpi_fackets);
	if (ti.tcpi_reordering != 3)
		ss_cellf(" reordering:%d", (int)ti.tcpi_reordering);
	if (ti.tcpi_reord_seen)
		ss_cellf(" reord_seen:%d", (int)ti.tcpi_reord_seen);
	if (ti.tcpi_rcv_rtt)
		ss_cellf(" rcv_rtt:%g", (double)ti.tcpi_rcv_rtt / 1000);
	if (ti.tcpi_rcv_space)
		ss_cellf(" rcv_space:%d", (int)ti.tcpi_rcv_space);
	if (ti.tcpi_rcv_ssthresh)
		ss_cellf(" rcv_ssthresh:%u", ti.tcpi_rcv_ssthresh);
	if (ti.tcpi_notsent_bytes)
		ss_cellf(" notsent:%u", ti.tcpi_notsent_bytes);
	if (ti.tcpi_min_rtt && ti.tcpi_min_rtt != ~0U)
		ss_cellf(" minrtt:%g", (double)ti.tcpi_min_rtt / 1000);
	if (ti.tcpi_rcv_ooopack)
		ss_cellf(" rcv_ooopack:%u", ti.tcpi_rcv_ooopack);
	if (ti.tcpi_snd_wnd)
		ss_cellf(" snd_wnd:%u", ti.tcpi_snd_wnd);
	if (s->ulp)
		ulp_print(s);
}

static void inet_print(const struct ss_opts *o, const struct ss_sock *s)
{
	char host[NI_MAXHOST + 8], port[64], ifn[IF_NAMESIZE + 1], sh[4];
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
	ss_cell(COL_ADDR);
	addr_print(host, ":", ss_service(s->lport, s, o->numeric, port, sizeof port), ifname);
	ss_format_host(s, &s->remote, o->resolve, host, sizeof host);
	ss_cell(COL_RADDR);
	addr_print(host, ":", ss_service(s->rport, s, o->numeric, port, sizeof port), NULL);
	ss_cell(COL_PROC);
	users_print(o, s);

	if (o->show_options && s->timer) {
		ss_cellf(" timer:(%s,%s,%d)", ss_timer_name(s->timer), ms_timer(s->expires), s->retrans);
	}
	if (o->show_details) {
		details_print(s);
		if (s->family == AF_INET6 && s->v6only >= 0)
			ss_cellf(" v6only:%u", (unsigned)s->v6only);
		if (s->shutdown >= 0)
			ss_cellf(" %s", ss_shutdown_name(s->shutdown, sh));
	}
	if (o->show_tos) {
		if (s->tos >= 0)
			ss_cellf(" tos:%#x", (unsigned)s->tos);
		if (s->tclass >= 0)
			ss_cellf(" tclass:%#x", (unsigned)s->tclass);
		if (s->class_id >= 0)
			ss_cellf(" class_id:%#x", (unsigned)s->class_id);
	}
	if (o->show_cgroup && s->has_cgroup)
		ss_cellf(" cgroup:%s", ss_cgroup_path(s->cgroup_id));
	if (o->show_inet_sockopt && s->sockopt && s->sockopt_len >= 2) {
		const unsigned char *b = s->sockopt;
		ss_cellf(o->oneline ? " inet-sockopt: (" : "\n\tinet-sockopt: (");
		ss_cellf("%s%s%s%s%s%s%s%s%s%s%s", b[0] & 1 ? " recverr" : "", b[0] & 2 ? " is_icsk" : "",
		    b[0] & 4 ? " freebind" : "", b[0] & 8 ? " hdrincl" : "", b[0] & 16 ? " mc_loop" : "",
		    b[0] & 32 ? " transparent" : "", b[0] & 64 ? " mc_all" : "", b[0] & 128 ? " nodefrag" : "",
		    b[1] & 1 ? " bind_addr_no_port" : "", b[1] & 2 ? " recverr_rfc4884" : "",
		    b[1] & 4 ? " defer_connect" : "");
		ss_cellf(")");
	}
	if (o->show_mem || (o->show_tcpinfo && s->type != IPPROTO_UDP)) {
		if (!o->oneline)
			ss_cellf("\n\t");
		skmem_print(s);
		tcpinfo_print(o, s);
	}
}

static void unix_print(const struct ss_opts *o, const struct ss_sock *s)
{
	char port[32], rport[32], sh[4];
	state_print(s);
	snprintf(port, sizeof port, "%ld", s->lport);
	snprintf(rport, sizeof rport, "%ld", s->rport);
	ss_cell(COL_ADDR);
	addr_print(s->name ? s->name : "*", " ", port, NULL);
	ss_cell(COL_RADDR);
	addr_print("*", " ", rport, NULL);
	ss_cell(COL_PROC);
	users_print(o, s);
	if (o->show_mem)
		skmem_print(s);
	if (o->show_details) {
		if (s->shutdown >= 0)
			ss_cellf(" %s", ss_shutdown_name(s->shutdown, sh));
		if (s->has_vfs)
			ss_cellf(" ino:%u dev:%u/%u", s->vfs_ino, major(s->vfs_dev), minor(s->vfs_dev));
		if (s->has_icons) {
			ss_cellf(" peers:");
			for (unsigned i = 0; i < s->nicons; i++) {
				uint32_t v;
				memcpy(&v, (const unsigned char *)s->icons + 4 * i, 4);
				ss_cellf(" %u", v);
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
	ss_cell(COL_ADDR);
	addr_print(addr, ":", port, NULL);
	ss_cell(COL_RADDR);
	addr_print("", "*", "", NULL);
	ss_cell(COL_PROC);
	users_print(o, s);
	if (o->show_details) {
		details_print(s);
		if (s->tcpinfo && s->tcpinfo_len >= sizeof(struct packet_diag_info)) {
			struct packet_diag_info pi;
			memcpy(&pi, s->tcpinfo, sizeof pi);
			ss_cellf("\n\tver:%d", (int)pi.pdi_version);
			ss_cellf(" cpy_thresh:%d", (int)pi.pdi_copy_thresh);
			ss_cellf(" flags( ");
			if (pi.pdi_flags & PDI_RUNNING) ss_cellf("running ");
			if (pi.pdi_flags & PDI_AUXDATA) ss_cellf("auxdata ");
			if (pi.pdi_flags & PDI_ORIGDEV) ss_cellf("origdev ");
			if (pi.pdi_flags & PDI_VNETHDR) ss_cellf("vnethdr ");
			if (pi.pdi_flags & PDI_LOSS) ss_cellf("loss ");
			ss_cellf(")");
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
	ss_cell(COL_ADDR);
	addr_print(pname, ":", proc, NULL);
	ss_cell(COL_RADDR);
	if (s->nl_connected) {
		char g[32], p[32];
		snprintf(g, sizeof g, "%u", s->nl_dst_group);
		snprintf(p, sizeof p, "%d", s->nl_dst_pid);
		addr_print(g, ":", p, NULL);
	} else {
		addr_print("", "*", "", NULL);
	}
	ss_cell(COL_PROC);
	if (o->show_details)
		ss_cellf(" sk=%llx cb=%llx groups=0x%08x", 0ULL, 0ULL, s->groups);
	if (o->show_mem) {
		ss_cellf("\t");
		skmem_print(s);
	}
}

static void vsock_print(const struct ss_opts *o, const struct ss_sock *s)
{
	char a[16], p[16];
	state_print(s);
	ss_cell(COL_ADDR);
	if (s->vs_lcid == ~0u) snprintf(a, sizeof a, "*"); else snprintf(a, sizeof a, "%u", s->vs_lcid);
	if ((uint32_t)s->lport == ~0u) snprintf(p, sizeof p, "*"); else snprintf(p, sizeof p, "%u", (unsigned)s->lport);
	addr_print(a, ":", p, NULL);
	ss_cell(COL_RADDR);
	if (s->vs_rcid == ~0u) snprintf(a, sizeof a, "*"); else snprintf(a, sizeof a, "%u", s->vs_rcid);
	if ((uint32_t)s->rport == ~0u) snprintf(p, sizeof p, "*"); else snprintf(p, sizeof p, "%u", (unsigned)s->rport);
	addr_print(a, ":", p, NULL);
	ss_cell(COL_PROC);
	users_print(o, s);
}

static void xdp_print(const struct ss_opts *o, const struct ss_sock *s)
{
	char ifn[IF_NAMESIZE + 8], q[16];
	state_print(s);
	ss_cell(COL_ADDR);
	if (s->iface) {
		if (!if_indextoname(s->iface, ifn))
			snprintf(ifn, sizeof ifn, "%u", s->iface);
		snprintf(q, sizeof q, "q%d", s->xdp_queue);
		addr_print(ifn, ":", q, NULL);
	} else {
		addr_print("", "*", "", NULL);
	}
	ss_cell(COL_RADDR);
	addr_print("", "*", "", NULL);
	ss_cell(COL_PROC);
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
	ss_row_end();
}

static void text_begin(const struct ss_opts *o)
{
	ss_text_init(o);
	if (o->show_header)
		ss_text_header();
}

static void text_end(const struct ss_opts *o)
{
	ss_text_flush();
}

const struct ss_printer ss_text_printer = {
	.begin = text_begin, .sock = ss_text_sock, .event_end = ss_text_flush, .end = text_end,
};
