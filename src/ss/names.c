/* The names both printers use (text and JSON): socket states, netids, timers, the shutdown
 * arrows and the socket memory fields, so the two outputs cannot drift apart. */
#include <stdio.h>

#include "ss/ss_int.h"

const char *const ss_state_names[SS_MAX] = {
	"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
	"UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
};

const struct ss_skmem_field ss_skmem_fields[SS_SKMEM_MAX] = {
	{ "r", "rmem_alloc" }, { "rb", "rcvbuf" }, { "t", "wmem_alloc" }, { "tb", "sndbuf" },
	{ "f", "fwd_alloc" }, { "w", "wmem_queued" }, { "o", "optmem" }, { "bl", "backlog" },
	{ "d", "drops" },
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

const char *ss_timer_name(int timer)
{
	static const char *const names[] = { "off", "on", "keepalive", "timewait", "persist", "unknown" };
	return names[timer > 4 || timer < 0 ? 5 : timer];
}

const char *ss_shutdown_name(int shutdown, char buf[4])
{
	buf[0] = shutdown & 1 ? '-' : '<';
	buf[1] = '-';
	buf[2] = shutdown & 2 ? '-' : '>';
	buf[3] = 0;
	return buf;
}
