/* The /proc/net/{tcp,udp,raw}{,6} path: used when the kernel has no sock_diag module for a table
 * (raw_diag is often missing) or when PROC_ROOT / PROC_NET_* is set, as ss does. Like ss, rows
 * from this path carry only the basic columns (and -p owners). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ss/ss_int.h"

/* One data line (after the header). Returns 0 on success. Pure. */
int ss_parse_proc_inet_line(const char *line, int family, struct ss_sock *s)
{
	memset(s, 0, sizeof *s);
	s->v6only = s->shutdown = s->tos = s->tclass = -1;
	s->class_id = -1;
	s->family = family;
	s->local.family = s->remote.family = family;
	const char *p = strchr(line, ':');
	if (!p)
		return -1;
	p++;
	unsigned lport, rport, state;
	unsigned tx, rx, tr, uid;
	unsigned long long when;
	unsigned long ino;
	int n;
	if (family == AF_INET) {
		n = sscanf(p, " %8x:%x %8x:%x %x %x:%x %x:%llx %*x %u %*d %lu", &s->local.data[0], &lport,
		           &s->remote.data[0], &rport, &state, &tx, &rx, &tr, &when, &uid, &ino);
		s->local.bitlen = s->remote.bitlen = 32;
	} else {
		n = sscanf(p, " %8x%8x%8x%8x:%x %8x%8x%8x%8x:%x %x %x:%x %x:%llx %*x %u %*d %lu", &s->local.data[0],
		           &s->local.data[1], &s->local.data[2], &s->local.data[3], &lport, &s->remote.data[0],
		           &s->remote.data[1], &s->remote.data[2], &s->remote.data[3], &rport, &state, &tx, &rx, &tr,
		           &when, &uid, &ino);
		n -= 6;
		s->local.bitlen = s->remote.bitlen = 128;
	}
	if (n < 11)
		return -1;
	s->lport = lport;
	s->rport = rport;
	s->state = state < SS_MAX ? (int)state : SS_UNKNOWN;
	s->wq = tx;
	s->rq = rx;
	s->timer = (int)tr;
	s->expires = (uint32_t)(when * 10); /* USER_HZ ticks -> ms */
	s->uid = uid;
	s->has_uid = true;
	s->ino = (uint32_t)ino;
	return 0;
}

static FILE *open_table(const char *env, const char *name)
{
	const char *p = getenv(env);
	if (p)
		return fopen(p, "r");
	const char *root = getenv("PROC_ROOT");
	char path[512];
	snprintf(path, sizeof path, "%s/net/%s", root ? root : "/proc", name);
	return fopen(path, "r");
}

bool ss_proc_forced(int db)
{
	if (getenv("PROC_ROOT"))
		return true;
	switch (db) {
	case TCP_DB: return getenv("PROC_NET_TCP") || getenv("PROC_NET_TCP6");
	case UDP_DB: return getenv("PROC_NET_UDP") || getenv("PROC_NET_UDP6");
	case RAW_DB: return getenv("PROC_NET_RAW") || getenv("PROC_NET_RAW6");
	}
	return false;
}

int ss_proc_inet_show(const struct ss_opts *o, int db, void (*emit)(const struct ss_opts *, const struct ss_sock *))
{
	static const struct { int db; const char *env4, *name4, *env6, *name6; } tab[] = {
		{ TCP_DB, "PROC_NET_TCP", "tcp", "PROC_NET_TCP6", "tcp6" },
		{ UDP_DB, "PROC_NET_UDP", "udp", "PROC_NET_UDP6", "udp6" },
		{ RAW_DB, "PROC_NET_RAW", "raw", "PROC_NET_RAW6", "raw6" },
	};
	size_t t;
	for (t = 0; t < sizeof tab / sizeof tab[0]; t++)
		if (tab[t].db == db)
			break;
	if (t == sizeof tab / sizeof tab[0])
		return -1;
	struct ss_opts basic = *o;
	basic.show_options = basic.show_details = basic.show_mem = basic.show_tcpinfo = false;
	basic.show_tos = basic.show_cgroup = basic.show_inet_sockopt = false;
	int found = 0;
	for (int fam = 0; fam < 2; fam++) {
		int family = fam ? AF_INET6 : AF_INET;
		if (o->preferred_family == (fam ? AF_INET : AF_INET6))
			continue;
		FILE *f = fam ? open_table(tab[t].env6, tab[t].name6) : open_table(tab[t].env4, tab[t].name4);
		if (!f)
			continue;
		found = 1;
		char line[512];
		if (!fgets(line, sizeof line, f)) {
			fclose(f);
			continue;
		}
		while (fgets(line, sizeof line, f)) {
			struct ss_sock s;
			if (ss_parse_proc_inet_line(line, family, &s))
				continue;
			s.db = db;
			s.type = db == UDP_DB ? 17 : db == TCP_DB ? 6 : 0;
			s.v6only = 0;
			if (!(o->states & (1u << s.state)))
				continue;
			if (o->filter && !ss_filter_run(o->filter, &s))
				continue;
			emit(&basic, &s);
		}
		fclose(f);
	}
	return found ? 0 : -1;
}
