/* -s: socket usage summary from /proc/net/sockstat{,6} and /proc/net/snmp (no enumeration). */
#include <stdlib.h>
#include <string.h>

#include "ss/ss_int.h"

struct sockstat {
	int socks, tcp_inuse, tcp_orphans, tcp_tws, tcp_total, tcp_mem;
	int udp, udplite, raw, frag, frag_mem;
	int tcp6, udp6, udplite6, raw6, frag6, frag6_mem;
};

static FILE *proc_open(const char *name, const char *env)
{
	const char *p = getenv(env);
	char path[512];
	if (p)
		return fopen(p, "r");
	const char *root = getenv("PROC_ROOT");
	snprintf(path, sizeof path, "%s/net/%s", root ? root : "/proc", name);
	return fopen(path, "r");
}

static void read_sockstat(struct sockstat *s)
{
	char line[512];
	FILE *f = proc_open("sockstat", "PROC_NET_SOCKSTAT");
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "sockets:", 8))
			sscanf(line, "sockets: used %d", &s->socks);
		else if (!strncmp(line, "TCP:", 4))
			sscanf(line, "TCP: inuse %d orphan %d tw %d alloc %d mem %d", &s->tcp_inuse, &s->tcp_orphans,
			       &s->tcp_tws, &s->tcp_total, &s->tcp_mem);
		else if (!strncmp(line, "UDP:", 4))
			sscanf(line, "UDP: inuse %d", &s->udp);
		else if (!strncmp(line, "UDPLITE:", 8))
			sscanf(line, "UDPLITE: inuse %d", &s->udplite);
		else if (!strncmp(line, "RAW:", 4))
			sscanf(line, "RAW: inuse %d", &s->raw);
		else if (!strncmp(line, "FRAG:", 5))
			sscanf(line, "FRAG: inuse %d memory %d", &s->frag, &s->frag_mem);
	}
	if (f)
		fclose(f);
	f = proc_open("sockstat6", "PROC_NET_SOCKSTAT6");
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "TCP6:", 5))
			sscanf(line, "TCP6: inuse %d", &s->tcp6);
		else if (!strncmp(line, "UDP6:", 5))
			sscanf(line, "UDP6: inuse %d", &s->udp6);
		else if (!strncmp(line, "UDPLITE6:", 9))
			sscanf(line, "UDPLITE6: inuse %d", &s->udplite6);
		else if (!strncmp(line, "RAW6:", 5))
			sscanf(line, "RAW6: inuse %d", &s->raw6);
		else if (!strncmp(line, "FRAG6:", 6))
			sscanf(line, "FRAG6: inuse %d memory %d", &s->frag6, &s->frag6_mem);
	}
	if (f)
		fclose(f);
}

static long curr_estab(void)
{
	char names[2048], vals[2048];
	long res = 0;
	FILE *f = proc_open("snmp", "PROC_NET_SNMP");
	if (!f)
		return 0;
	while (fgets(names, sizeof names, f)) {
		if (strncmp(names, "Tcp:", 4))
			continue;
		if (!fgets(vals, sizeof vals, f))
			break;
		char *sn, *sv, *pn = strtok_r(names, " \n", &sn), *pv = strtok_r(vals, " \n", &sv);
		while (pn && pv) {
			if (!strcmp(pn, "CurrEstab")) {
				res = strtol(pv, NULL, 10);
				break;
			}
			pn = strtok_r(NULL, " \n", &sn);
			pv = strtok_r(NULL, " \n", &sv);
		}
		break;
	}
	fclose(f);
	return res;
}

int ss_summary_json(void)
{
	struct sockstat s;
	memset(&s, 0, sizeof s);
	read_sockstat(&s);
	char buf[1024];
	int n = snprintf(buf, sizeof buf,
	                 "{\"total\":%d,\"tcp\":{\"total\":%d,\"estab\":%ld,\"closed\":%d,\"orphaned\":%d,\"timewait\":%d},"
	                 "\"transport\":{\"raw\":{\"total\":%d,\"ip\":%d,\"ipv6\":%d},\"udp\":{\"total\":%d,\"ip\":%d,\"ipv6\":%d},"
	                 "\"tcp\":{\"total\":%d,\"ip\":%d,\"ipv6\":%d},\"inet\":{\"total\":%d,\"ip\":%d,\"ipv6\":%d},"
	                 "\"frag\":{\"total\":%d,\"ip\":%d,\"ipv6\":%d}}}",
	                 s.socks, s.tcp_total + s.tcp_tws, curr_estab(), s.tcp_total - (s.tcp_inuse + s.tcp6 - s.tcp_tws),
	                 s.tcp_orphans, s.tcp_tws, s.raw + s.raw6, s.raw, s.raw6, s.udp + s.udp6, s.udp, s.udp6,
	                 s.tcp_inuse + s.tcp6, s.tcp_inuse, s.tcp6,
	                 s.raw + s.udp + s.tcp_inuse + s.raw6 + s.udp6 + s.tcp6, s.raw + s.udp + s.tcp_inuse,
	                 s.raw6 + s.udp6 + s.tcp6, s.frag + s.frag6, s.frag, s.frag6);
	ss_out_write(buf, (size_t)n);
	return 0;
}

int ss_summary(void)
{
	struct sockstat s;
	memset(&s, 0, sizeof s);
	read_sockstat(&s);
	long estab = curr_estab();
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "Total: %d\n", s.socks);
	ss_out_write(buf, (size_t)n);
	n = snprintf(buf, sizeof buf, "TCP:   %d (estab %ld, closed %d, orphaned %d, timewait %d)\n",
	             s.tcp_total + s.tcp_tws, estab, s.tcp_total - (s.tcp_inuse + s.tcp6 - s.tcp_tws),
	             s.tcp_orphans, s.tcp_tws);
	ss_out_write(buf, (size_t)n);
	n = snprintf(buf, sizeof buf, "\nTransport Total     IP        IPv6\n");
	ss_out_write(buf, (size_t)n);
	n = snprintf(buf, sizeof buf, "RAW\t  %-9d %-9d %-9d\n", s.raw + s.raw6, s.raw, s.raw6);
	ss_out_write(buf, (size_t)n);
	n = snprintf(buf, sizeof buf, "UDP\t  %-9d %-9d %-9d\n", s.udp + s.udp6, s.udp, s.udp6);
	ss_out_write(buf, (size_t)n);
	n = snprintf(buf, sizeof buf, "TCP\t  %-9d %-9d %-9d\n", s.tcp_inuse + s.tcp6, s.tcp_inuse, s.tcp6);
	ss_out_write(buf, (size_t)n);
	n = snprintf(buf, sizeof buf, "INET\t  %-9d %-9d %-9d\n",
	             s.raw + s.udp + s.tcp_inuse + s.raw6 + s.udp6 + s.tcp6, s.raw + s.udp + s.tcp_inuse,
	             s.raw6 + s.udp6 + s.tcp6);
	ss_out_write(buf, (size_t)n);
	n = snprintf(buf, sizeof buf, "FRAG\t  %-9d %-9d %-9d\n", s.frag + s.frag6, s.frag, s.frag6);
	ss_out_write(buf, (size_t)n);
	ss_out_write("\n", 1);
	return 0;
}
