/* -j / --json: one JSON array, one object per socket. Numbers are JSON numbers; states, netids,
 * addresses and names are strings. Ports are always numeric (0 = unbound/any). */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "ss/ss_int.h"
#include "ss/tcpinfo.h"

static int count;

static void w(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void w(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ss_out_write(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void str(const char *s)
{
	char buf[8];
	ss_out_write("\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf[0] = '\\';
			buf[1] = (char)*p;
			ss_out_write(buf, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(buf, sizeof buf, "\\u%04x", *p);
			ss_out_write(buf, 6);
		} else {
			ss_out_write((const char *)p, 1);
		}
	}
	ss_out_write("\"", 1);
}

static void key(const char *k)
{
	w(",\"%s\":", k);
}

void ss_json_begin(void)
{
	count = 0;
	ss_out_write("[", 1);
}

void ss_json_end(void)
{
	ss_out_write(count ? "\n]\n" : "]\n", count ? 3 : 2);
}

static void json_begin(const struct ss_opts *o)
{
	ss_json_begin();
}

/* With -s the array is the value of "sockets" in the summary's object, which closes here. */
static void json_end(const struct ss_opts *o)
{
	if (o->summary)
		ss_out_write(count ? "\n]}\n" : "]}\n", count ? 4 : 3);
	else
		ss_json_end();
}

static void json_event_end(void)
{
}

static void json_inet_addr(const struct ss_addr *a)
{
	char b[INET6_ADDRSTRLEN];
	inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET, a->data, b, sizeof b);
	str(b);
}

static void tcpinfo_json(const struct ss_sock *s)
{
	struct ss_tcp_info ti;
	memset(&ti, 0, sizeof ti);
	memcpy(&ti, s->tcpinfo, s->tcpinfo_len < sizeof ti ? s->tcpinfo_len : sizeof ti);
	key("tcp_info");
	w("{\"ca_state\":%u,\"retransmits\":%u,\"probes\":%u,\"backoff\":%u,\"options\":%u",
	  ti.tcpi_ca_state, ti.tcpi_retransmits, ti.tcpi_probes, ti.tcpi_backoff, ti.tcpi_options);
	if (s->cong && s->cong[0]) {
		key("cong");
		str(s->cong);
	}
	w(",\"snd_wscale\":%u,\"rcv_wscale\":%u,\"rto_ms\":%g,\"ato_ms\":%g,\"mss\":%u,\"rcv_mss\":%u",
	  ti.tcpi_wscale & 0xf, ti.tcpi_wscale >> 4, ti.tcpi_rto / 1000.0, ti.tcpi_ato / 1000.0, ti.tcpi_snd_mss,
	  ti.tcpi_rcv_mss);
	w(",\"unacked\":%u,\"sacked\":%u,\"lost\":%u,\"retrans\":%u,\"total_retrans\":%u", ti.tcpi_unacked,
	  ti.tcpi_sacked, ti.tcpi_lost, ti.tcpi_retrans, ti.tcpi_total_retrans);
	w(",\"rtt_ms\":%g,\"rttvar_ms\":%g,\"pmtu\":%u,\"rcv_ssthresh\":%u,\"snd_ssthresh\":%u,\"cwnd\":%u,\"advmss\":%u,\"reordering\":%u",
	  ti.tcpi_rtt / 1000.0, ti.tcpi_rttvar / 1000.0, ti.tcpi_pmtu, ti.tcpi_rcv_ssthresh, ti.tcpi_snd_ssthresh,
	  ti.tcpi_snd_cwnd, ti.tcpi_advmss, ti.tcpi_reordering);
	w(",\"last_data_sent_ms\":%u,\"last_data_recv_ms\":%u,\"last_ack_recv_ms\":%u", ti.tcpi_last_data_sent,
	  ti.tcpi_last_data_recv, ti.tcpi_last_ack_recv);
	w(",\"bytes_sent\":%llu,\"bytes_retrans\":%llu,\"bytes_acked\":%llu,\"bytes_received\":%llu",
	  (unsigned long long)ti.tcpi_bytes_sent, (unsigned long long)ti.tcpi_bytes_retrans,
	  (unsigned long long)ti.tcpi_bytes_acked, (unsigned long long)ti.tcpi_bytes_received);
	w(",\"segs_out\":%u,\"segs_in\":%u,\"data_segs_out\":%u,\"data_segs_in\":%u,\"notsent\":%u,\"min_rtt_ms\":%g,\"snd_wnd\":%u}",
	  ti.tcpi_segs_out, ti.tcpi_segs_in, ti.tcpi_data_segs_out, ti.tcpi_data_segs_in, ti.tcpi_notsent_bytes,
	  ti.tcpi_min_rtt == ~0u ? 0.0 : ti.tcpi_min_rtt / 1000.0, ti.tcpi_snd_wnd);
}

void ss_json_sock(const struct ss_opts *o, const struct ss_sock *s)
{
	char ifn[IF_NAMESIZE + 1];
	ss_out_write(count ? ",\n" : "\n", count ? 2 : 1);
	count++;
	w("{\"netid\":");
	str(ss_netid_name(s));
	key("state");
	str(ss_state_names[s->state]);
	w(",\"recv_q\":%lld,\"send_q\":%lld", s->rq, s->wq);

	switch (s->family) {
	case AF_INET:
	case AF_INET6:
		key("family");
		str(s->family == AF_INET ? "inet" : "inet6");
		key("local_address");
		json_inet_addr(&s->local);
		w(",\"local_port\":%ld", s->lport);
		if (s->iface) {
			key("interface");
			if (if_indextoname(s->iface, ifn))
				str(ifn);
			else
				w("%u", s->iface);
		}
		key("peer_address");
		json_inet_addr(&s->remote);
		w(",\"peer_port\":%ld", s->rport);
		if (s->v6only >= 0)
			w(",\"v6only\":%d", s->v6only);
		break;
	case AF_UNIX:
		key("family");
		str("unix");
		key("local_address");
		if (s->name)
			str(s->name);
		else
			w("null");
		w(",\"local_port\":%ld,\"peer_address\":null,\"peer_port\":%ld", s->lport, s->rport);
		break;
	case AF_NETLINK:
		key("family");
		str("netlink");
		w(",\"protocol\":%d,\"portid\":%ld", s->prot, s->lport);
		break;
	case AF_PACKET:
		key("family");
		str("packet");
		w(",\"protocol\":%d,\"ifindex\":%u", s->prot, s->iface);
		break;
	case AF_VSOCK:
		key("family");
		str("vsock");
		w(",\"local_cid\":%u,\"local_port\":%ld,\"peer_cid\":%u,\"peer_port\":%ld", s->vs_lcid, s->lport,
		  s->vs_rcid, s->rport);
		break;
	default:
		break;
	}
	w(",\"ino\":%u", s->ino);

	if (o->show_users) {
		const struct ss_user *u;
		int n, idx = ss_procmap_lookup(s->ino, NULL, &n);
		key("users");
		w("[");
		bool first = true;
		while (idx >= 0 && (idx = ss_procmap_next(idx, s->ino, &u), u)) {
			w("%s{\"name\":", first ? "" : ",");
			str(u->comm);
			w(",\"pid\":%d", u->pid);
			if (u->tid)
				w(",\"tid\":%d", u->tid);
			w(",\"fd\":%d}", u->fd);
			first = false;
		}
		w("]");
	}
	if (o->show_options && s->timer && (s->family == AF_INET || s->family == AF_INET6)) {
		key("timer");
		w("{\"name\":");
		str(ss_timer_name(s->timer));
		w(",\"expires_ms\":%u,\"retrans\":%d}", s->expires, s->retrans);
	}
	if (o->show_details) {
		if (s->has_uid)
			w(",\"uid\":%u", s->uid);
		w(",\"cookie\":\"%llx\"", (unsigned long long)s->cookie);
		if (s->mark)
			w(",\"fwmark\":%u", s->mark);
		if (s->has_cgroup) {
			key("cgroup");
			str(ss_cgroup_path(s->cgroup_id));
		}
		if (s->shutdown >= 0) {
			char sh[4];
			key("shutdown");
			str(ss_shutdown_name(s->shutdown, sh));
		}
		if (s->has_vfs)
			w(",\"vfs_ino\":%u,\"vfs_dev\":\"%u/%u\"", s->vfs_ino, major(s->vfs_dev), minor(s->vfs_dev));
		if (s->has_icons) {
			key("pending");
			w("[");
			for (unsigned i = 0; i < s->nicons; i++) {
				uint32_t v;
				memcpy(&v, (const unsigned char *)s->icons + 4 * i, 4);
				w("%s%u", i ? "," : "", v);
			}
			w("]");
		}
	}
	if (o->show_tos) {
		if (s->tos >= 0)
			w(",\"tos\":%d", s->tos);
		if (s->tclass >= 0)
			w(",\"tclass\":%d", s->tclass);
		if (s->class_id >= 0)
			w(",\"class_id\":%lld", s->class_id);
	}
	if (o->show_cgroup && s->has_cgroup && !o->show_details) {
		key("cgroup");
		str(ss_cgroup_path(s->cgroup_id));
	}
	if (o->show_mem && s->has_skmem) {
		key("skmem");
		w("{");
		for (unsigned i = 0; i < s->nskmem && i < SS_SKMEM_MAX; i++)
			w("%s\"%s\":%u", i ? "," : "", ss_skmem_fields[i].json, s->skmem[i]);
		w("}");
	}
	if (o->show_tcpinfo && s->tcpinfo && (s->family == AF_INET || s->family == AF_INET6))
		tcpinfo_json(s);
	w("}");
}

const struct ss_printer ss_json_printer = {
	.begin = json_begin, .sock = ss_json_sock, .event_end = json_event_end, .end = json_end,
};
