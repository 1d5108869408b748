/* ss command line: options (GNU getopt, permuting), state words, then the filter expression. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "ss/ss_int.h"

/* duct ss -h: the flags in our words (iproute2's help text is GPL); same flags, same meaning */
static const char usage_text[] =
"Usage: ss [OPTION]... [FILTER]\n"
"List the sockets of this host (or of a network namespace), as iproute2's ss does.\n"
"\n"
"Which sockets\n"
"  -t, -u, -w, -x        TCP, UDP, raw, UNIX domain       -0, --packet   AF_PACKET\n"
"  -S, -d, -M            SCTP, DCCP, MPTCP                --vsock --tipc --xdp\n"
"  -4, -6                IPv4 only, IPv6 only\n"
"  -f, --family=F        inet, inet6, link, unix, netlink, vsock, tipc or xdp\n"
"  -A, --query=LIST      socket tables by name, comma-separated: all, inet, tcp, mptcp,\n"
"                        udp, raw, unix, unix_dgram, unix_stream, unix_seqpacket, packet,\n"
"                        packet_raw, packet_dgram, netlink, dccp, sctp, vsock_stream,\n"
"                        vsock_dgram, tipc, xdp (also --socket=LIST)\n"
"  -a, --all             listening and non-listening ones   -l, --listening  listeners only\n"
"  -N, --net=NAME        look inside the named network namespace\n"
"\n"
"What to show of each\n"
"  -n, --numeric         port numbers, not service names   -r, --resolve  host names\n"
"  -p, --processes       the processes holding it          -T, --threads  and threads\n"
"  -e, --extended        uid, inode, cookie and more        -o, --options  timers\n"
"  -m, --memory          socket memory                      -i, --info     TCP internals\n"
"  -b, --bpf             attached BPF filters               --tos          TOS and priority\n"
"      --cgroup          the cgroup                         --inet-sockopt IP socket options\n"
"      --tipcinfo        TIPC details\n"
"  -Z, -z, --context(s)  SELinux contexts of the process (-z: and of the socket)\n"
"  -s, --summary         counts per protocol instead of a list\n"
"  -H, --no-header       no column titles                   -O, --oneline  one line each\n"
"\n"
"Other actions\n"
"  -E, --events          print sockets as they close, until interrupted\n"
"  -K, --kill            close the matching sockets and show them (root)\n"
"  -D, --diag=FILE       write the raw TCP diag replies to FILE\n"
"  -F, --filter=FILE     read the FILTER from FILE\n"
"  -V, --version         the version              -h, --help  this text\n"
"\n"
"FILTER is [state STATE]... [EXPRESSION]. STATE is a TCP state (established, syn-sent,\n"
"syn-recv, fin-wait-1, fin-wait-2, time-wait, closed, close-wait, last-ack, listening,\n"
"closing) or a set of them: all, connected (all but listening and closed), synchronized\n"
"(connected but syn-sent), bucket (syn-recv, time-wait), big (all but those two).\n"
"EXPRESSION compares addresses and ports, e.g. 'dport = :443 or sport = :ssh',\n"
"'dst 10.0.0.0/8', 'sport gt :1024'; and, or, not and parentheses combine them.\n";

static const char json_help[] =
"\n  -j, --json            (duct) one JSON array of the sockets, the same fields\n"
"      --duct=PATH       (duct) the sessions of a duct relay run with --control=PATH:\n"
"                        number, age, idle time, bytes each way, addresses\n";

static int usage_exit(void)
{
	fputs(usage_text, stderr);
	return 255;
}

static unsigned default_db_states(int db)
{
	switch (db) {
	case UDP_DB: case RAW_DB: return 1u << SS_ESTABLISHED;
	case UNIX_DG_DB: case PACKET_DG_DB: case PACKET_R_DB: case NETLINK_DB: case XDP_DB:
		return 1u << SS_CLOSE;
	default: return SS_CONN;
	}
}

static uint64_t default_db_families(int db)
{
	switch (db) {
	case UNIX_DG_DB: case UNIX_ST_DB: case UNIX_SQ_DB: return FAMILY_MASK(AF_UNIX);
	case PACKET_DG_DB: case PACKET_R_DB: return FAMILY_MASK(AF_PACKET);
	case NETLINK_DB: return FAMILY_MASK(AF_NETLINK);
	case VSOCK_ST_DB: case VSOCK_DG_DB: return FAMILY_MASK(AF_VSOCK);
	case TIPC_DB: return FAMILY_MASK(AF_TIPC);
	case XDP_DB: return FAMILY_MASK(AF_XDP);
	default: return FAMILY_MASK(AF_INET) | FAMILY_MASK(AF_INET6);
	}
}

static unsigned af_dbs(int af)
{
	switch (af) {
	case AF_INET: case AF_INET6: return INET_DBM;
	case AF_UNIX: return UNIX_DBM;
	case AF_PACKET: return PACKET_DBM;
	case AF_NETLINK: return 1u << NETLINK_DB;
	case AF_VSOCK: return VSOCK_DBM;
	case AF_TIPC: return 1u << TIPC_DB;
	case AF_XDP: return 1u << XDP_DB;
	}
	return 0;
}

static unsigned af_states(int af)
{
	switch (af) {
	case AF_PACKET: case AF_NETLINK: case AF_XDP: return 1u << SS_CLOSE;
	default: return SS_CONN;
	}
}

struct argstate {
	struct ss_opts *o;
	bool do_default;
};

static void af_set(struct argstate *a, int af)
{
	a->o->states |= af_states(af);
	a->o->families |= FAMILY_MASK(af);
	a->do_default = false;
	a->o->preferred_family = af;
}

static void db_set(struct argstate *a, int db, bool enable)
{
	if (enable) {
		a->o->states |= default_db_states(db);
		a->o->dbs |= 1u << db;
	} else {
		a->o->dbs &= ~(1u << db);
	}
	a->do_default = false;
}

static int db_parse(struct argstate *a, const char *s)
{
	static const struct { const char *name; int dbs[16]; } tbl[] = {
		{ "all", { UDP_DB, DCCP_DB, TCP_DB, MPTCP_DB, RAW_DB, UNIX_ST_DB, UNIX_DG_DB, UNIX_SQ_DB,
		           PACKET_R_DB, PACKET_DG_DB, NETLINK_DB, SCTP_DB, VSOCK_ST_DB, VSOCK_DG_DB, XDP_DB, -1 } },
		{ "inet", { UDP_DB, DCCP_DB, TCP_DB, MPTCP_DB, SCTP_DB, RAW_DB, -1 } },
		{ "udp", { UDP_DB, -1 } }, { "dccp", { DCCP_DB, -1 } }, { "tcp", { TCP_DB, -1 } },
		{ "mptcp", { MPTCP_DB, -1 } }, { "sctp", { SCTP_DB, -1 } }, { "raw", { RAW_DB, -1 } },
		{ "unix", { UNIX_ST_DB, UNIX_DG_DB, UNIX_SQ_DB, -1 } },
		{ "unix_stream", { UNIX_ST_DB, -1 } }, { "u_str", { UNIX_ST_DB, -1 } },
		{ "unix_dgram", { UNIX_DG_DB, -1 } }, { "u_dgr", { UNIX_DG_DB, -1 } },
		{ "unix_seqpacket", { UNIX_SQ_DB, -1 } }, { "u_seq", { UNIX_SQ_DB, -1 } },
		{ "packet", { PACKET_R_DB, PACKET_DG_DB, -1 } },
		{ "packet_raw", { PACKET_R_DB, -1 } }, { "p_raw", { PACKET_R_DB, -1 } },
		{ "packet_dgram", { PACKET_DG_DB, -1 } }, { "p_dgr", { PACKET_DG_DB, -1 } },
		{ "netlink", { NETLINK_DB, -1 } },
		{ "vsock", { VSOCK_ST_DB, VSOCK_DG_DB, -1 } },
		{ "vsock_stream", { VSOCK_ST_DB, -1 } }, { "v_str", { VSOCK_ST_DB, -1 } },
		{ "vsock_dgram", { VSOCK_DG_DB, -1 } }, { "v_dgr", { VSOCK_DG_DB, -1 } },
		{ "tipc", { TIPC_DB, -1 } }, { "xdp", { XDP_DB, -1 } },
	};
	bool enable = true;
	if (s[0] == '!') {
		enable = false;
		s++;
	}
	for (size_t i = 0; i < sizeof tbl / sizeof tbl[0]; i++) {
		if (strcmp(s, tbl[i].name))
			continue;
		for (const int *d = tbl[i].dbs; *d >= 0; d++)
			db_set(a, *d, enable);
		return 0;
	}
	return -1;
}

static long scan_state(const char *st)
{
	static const char *const names[SS_MAX] = {
		"UNKNOWN", "established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2",
		"time-wait", "unconnected", "close-wait", "last-ack", "listening", "closing",
	};
	if (!strcasecmp(st, "close") || !strcasecmp(st, "closed"))
		return 1u << SS_CLOSE;
	if (!strcasecmp(st, "syn-rcv"))
		return 1u << SS_SYN_RECV;
	if (!strcasecmp(st, "all"))
		return SS_ALL;
	if (!strcasecmp(st, "connected"))
		return SS_ALL & ~((1u << SS_CLOSE) | (1u << SS_LISTEN));
	if (!strcasecmp(st, "synchronized"))
		return SS_ALL & ~((1u << SS_CLOSE) | (1u << SS_LISTEN) | (1u << SS_SYN_SENT));
	if (!strcasecmp(st, "bucket"))
		return (1u << SS_SYN_RECV) | (1u << SS_TIME_WAIT);
	if (!strcasecmp(st, "big"))
		return SS_ALL & ~((1u << SS_SYN_RECV) | (1u << SS_TIME_WAIT));
	for (int i = 0; i < SS_MAX; i++)
		if (!strcasecmp(st, names[i]))
			return 1L << i;
	fprintf(stderr, "ss: wrong state name: %s\n", st);
	return -1;
}

enum { OPT_TOS = 256, OPT_CGROUP, OPT_INET_SOCKOPT, OPT_TIPC, OPT_VSOCK, OPT_XDP, OPT_TIPCINFO, OPT_DUCT };

static char *read_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	if (!b)
		abort();
	size_t r;
	while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n < 2) {
			cap *= 2;
			b = realloc(b, cap);
			if (!b)
				abort();
		}
	}
	b[n] = 0;
	if (f != stdin)
		fclose(f);
	return b;
}

static const struct option longopts[] = {
	{ "numeric", 0, 0, 'n' }, { "resolve", 0, 0, 'r' }, { "options", 0, 0, 'o' },
	{ "extended", 0, 0, 'e' }, { "memory", 0, 0, 'm' }, { "info", 0, 0, 'i' },
	{ "processes", 0, 0, 'p' }, { "threads", 0, 0, 'T' }, { "bpf", 0, 0, 'b' },
	{ "events", 0, 0, 'E' }, { "dccp", 0, 0, 'd' }, { "tcp", 0, 0, 't' }, { "sctp", 0, 0, 'S' },
	{ "udp", 0, 0, 'u' }, { "raw", 0, 0, 'w' }, { "unix", 0, 0, 'x' }, { "tipc", 0, 0, OPT_TIPC },
	{ "vsock", 0, 0, OPT_VSOCK }, { "all", 0, 0, 'a' }, { "listening", 0, 0, 'l' },
	{ "ipv4", 0, 0, '4' }, { "ipv6", 0, 0, '6' }, { "packet", 0, 0, '0' },
	{ "family", 1, 0, 'f' }, { "socket", 1, 0, 'A' }, { "query", 1, 0, 'A' },
	{ "summary", 0, 0, 's' }, { "diag", 1, 0, 'D' }, { "filter", 1, 0, 'F' },
	{ "version", 0, 0, 'V' }, { "help", 0, 0, 'h' }, { "context", 0, 0, 'Z' },
	{ "contexts", 0, 0, 'z' }, { "net", 1, 0, 'N' }, { "tipcinfo", 0, 0, OPT_TIPCINFO },
	{ "tos", 0, 0, OPT_TOS }, { "cgroup", 0, 0, OPT_CGROUP }, { "kill", 0, 0, 'K' },
	{ "no-header", 0, 0, 'H' }, { "xdp", 0, 0, OPT_XDP }, { "mptcp", 0, 0, 'M' },
	{ "oneline", 0, 0, 'O' }, { "inet-sockopt", 0, 0, OPT_INET_SOCKOPT }, { "json", 0, 0, 'j' },
	{ "duct", 1, 0, OPT_DUCT }, { 0, 0, 0, 0 }
};
static const char optstring[] = "dhaletuwxnro460spTbEf:mMiA:D:F:vVzZN:KHSOj";

void ss_flags_foreach(void (*fn)(const char *flag, bool takes_value, void *arg), void *arg)
{
	for (const char *c = optstring; *c; c++) {
		if (*c == ':')
			continue;
		char flag[3] = { '-', *c, 0 };
		fn(flag, c[1] == ':', arg);
	}
	for (const struct option *lo = longopts; lo->name; lo++) {
		char flag[64];
		snprintf(flag, sizeof flag, "--%s", lo->name);
		fn(flag, lo->has_arg != 0, arg);
	}
}

/* -f FAMILY. Returns -1 to go on, else the exit status. */
static int family_arg(struct argstate *a, const char *arg)
{
	if (!strcmp(arg, "inet")) af_set(a, AF_INET);
	else if (!strcmp(arg, "inet6")) af_set(a, AF_INET6);
	else if (!strcmp(arg, "link")) af_set(a, AF_PACKET);
	else if (!strcmp(arg, "unix")) af_set(a, AF_UNIX);
	else if (!strcmp(arg, "netlink")) af_set(a, AF_NETLINK);
	else if (!strcmp(arg, "tipc")) af_set(a, AF_TIPC);
	else if (!strcmp(arg, "vsock")) af_set(a, AF_VSOCK);
	else if (!strcmp(arg, "xdp")) af_set(a, AF_XDP);
	else if (!strcmp(arg, "help")) {
		fputs(usage_text, stdout);
		return 0;
	} else {
		fprintf(stderr, "ss: \"%s\" is invalid family\n", arg);
		return usage_exit();
	}
	return -1;
}

/* -A TABLE[,TABLE...]: the first -A replaces the default tables. Returns -1 to go on, else
 * the exit status. */
static int tables_arg(struct argstate *a, const char *arg, unsigned *state_filter, bool *saw_query)
{
	if (!*saw_query) {
		a->o->dbs = 0;
		*state_filter = *state_filter ? *state_filter : SS_CONN;
		*saw_query = true;
		a->do_default = false;
	}
	char *copy = strdup(arg), *p = copy, *p1;
	if (!copy)
		abort();
	do {
		p1 = strchr(p, ',');
		if (p1)
			*p1 = 0;
		if (db_parse(a, p)) {
			fprintf(stderr, "ss: \"%s\" is illegal socket table id\n", p);
			free(copy);
			return usage_exit();
		}
		if (p1)
			p = p1 + 1;
	} while (p1);
	free(copy);
	return -1;
}

/* The leading "state STATE" and "exclude STATE" words: the first sets the states from none
 * (state) or all (exclude). Returns -1 to go on, else the exit status. */
static int state_words(int *pargc, char ***pargv, unsigned *state_filter)
{
	int argc = *pargc;
	char **argv = *pargv;
	bool saw_states = false;

	while (argc > 0) {
		bool excl = !strcmp(*argv, "exclude") || !strcmp(*argv, "excl");
		if (!excl && strcmp(*argv, "state"))
			break;
		if (argc < 2) {
			fprintf(stderr, "Command line is not complete. Try option \"help\"\n");
			return 255;
		}
		argc--, argv++;
		if (!saw_states)
			*state_filter = excl ? SS_ALL : 0;
		long st = scan_state(*argv);
		if (st < 0)
			return 255;
		if (excl)
			*state_filter &= ~(unsigned)st;
		else
			*state_filter |= (unsigned)st;
		saw_states = true;
		argc--, argv++;
	}
	*pargc = argc;
	*pargv = argv;
	return -1;
}

/* merge defaults: families of selected tables, tables of selected families */
static void merge_defaults(struct ss_opts *o)
{
	for (int db = 0; db < MAX_DB; db++) {
		if (!(o->dbs & (1u << db)))
			continue;
		if (!(default_db_families(db) & o->families))
			o->families |= default_db_families(db);
	}
	for (int af = 0; af < 64; af++) {
		if (!(o->families & FAMILY_MASK(af)))
			continue;
		if (!(af_dbs(af) & o->dbs))
			o->dbs |= af_dbs(af);
	}
}

/* The filter expression: from -F FILE or the remaining words. Returns -1 to go on, else the
 * exit status. */
static int expression(struct argstate *a, int argc, char **argv)
{
	struct ss_opts *o = a->o;
	char **toks;
	int ntoks;
	if (o->filter_file) {
		char *text = read_file(o->filter_file);
		if (!text) {
			perror("fopen filter file");
			return 255;
		}
		ntoks = ss_filter_tokens_text(text, &toks);
		free(text);
	} else {
		ntoks = ss_filter_tokens_argv(argc, argv, &toks);
	}
	struct ss_parse_ctx ctx = { .preferred_family = o->preferred_family, .dbs = o->dbs };
	int r = ss_filter_parse(toks, ntoks, &ctx, &o->filter);
	for (int i = 0; i < ntoks; i++)
		free(toks[i]);
	free(toks);
	if (r) {
		fprintf(stderr, "%s\n", ctx.err);
		return ctx.status == 1 ? 1 : usage_exit();
	}
	if (ctx.families_changed) {
		unsigned keep = o->states;
		o->families = 0;
		af_set(a, ctx.forced_family);
		o->states = keep;
	}
	return -1;
}

int ss_parse_args(int argc, char **argv, struct ss_opts *o)
{
	struct argstate a = { .o = o, .do_default = true };
	unsigned state_filter = 0;
	bool saw_query = false;
	int ch, r;

	memset(o, 0, sizeof *o);
	o->show_header = true;
	o->preferred_family = AF_UNSPEC;
	optind = 0;
	opterr = 1;
	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (ch) {
		case 'n': o->numeric = true; break;
		case 'r': o->resolve = true; break;
		case 'o': o->show_options = true; break;
		case 'e': o->show_options = true; o->show_details = true; break;
		case 'm': o->show_mem = true; break;
		case 'i': o->show_tcpinfo = true; break;
		case 'p': o->show_users = true; break;
		case 'T': o->show_users = true; o->show_threads = true; break;
		case 'b': o->show_options = true; o->show_bpf = true; break;
		case 'E': o->events = true; break;
		case 'd': db_set(&a, DCCP_DB, true); break;
		case 't': db_set(&a, TCP_DB, true); break;
		case 'M': db_set(&a, MPTCP_DB, true); break;
		case 'S': db_set(&a, SCTP_DB, true); break;
		case 'u': db_set(&a, UDP_DB, true); break;
		case 'w': db_set(&a, RAW_DB, true); break;
		case 'x': af_set(&a, AF_UNIX); break;
		case OPT_VSOCK: af_set(&a, AF_VSOCK); break;
		case OPT_TIPC: af_set(&a, AF_TIPC); break;
		case OPT_DUCT: o->duct = optarg; break;
		case OPT_XDP: af_set(&a, AF_XDP); break;
		case 'a': state_filter = SS_ALL; break;
		case 'l': state_filter = (1u << SS_LISTEN) | (1u << SS_CLOSE); break;
		case '4': af_set(&a, AF_INET); break;
		case '6': af_set(&a, AF_INET6); break;
		case '0': af_set(&a, AF_PACKET); break;
		case 'f':
			if ((r = family_arg(&a, optarg)) >= 0)
				return r;
			break;
		case 'A':
			if ((r = tables_arg(&a, optarg, &state_filter, &saw_query)) >= 0)
				return r;
			break;
		case 's': o->summary = true; break;
		case 'D': o->dump_file = optarg; break;
		case 'F': o->filter_file = optarg; break;
		case 'v': case 'V': printf("ss utility, iproute2-6.1.0\n"); return 0;
		case 'h': fputs(usage_text, stdout); fputs(json_help, stdout); return 0;
		case 'z': case 'Z':
			fprintf(stderr, "ss: SELinux is not enabled.\n");
			return 1;
		case 'N': o->netns = optarg; break;
		case 'K': o->kill = true; break;
		case 'H': o->show_header = false; break;
		case 'O': o->oneline = true; break;
		case OPT_TOS: o->show_tos = true; break;
		case OPT_CGROUP: o->show_cgroup = true; break;
		case OPT_INET_SOCKOPT: o->show_inet_sockopt = true; break;
		case OPT_TIPCINFO: o->tipcinfo = true; break;
		case 'j': o->json = true; break;
		default:
			return usage_exit();
		}
	}
	argc -= optind;
	argv += optind;

	o->table_requested = !(a.do_default && argc == 0 && o->summary);

	if ((r = state_words(&argc, &argv, &state_filter)) >= 0)
		return r;

	if (a.do_default) {
		state_filter = state_filter ? state_filter : SS_CONN;
		db_parse(&a, "all");
	}
	if (state_filter)
		o->states = state_filter;

	merge_defaults(o);

	if (!o->table_requested)
		return -1;

	if (o->dbs == 0) {
		fprintf(stderr, "ss: no socket tables to show with such filter.\n");
		return 0;
	}
	if (o->families == 0) {
		fprintf(stderr, "ss: no families to show with such filter.\n");
		return 0;
	}
	if (o->states == 0) {
		fprintf(stderr, "ss: no socket states to show with such filter.\n");
		return 0;
	}

	return expression(&a, argc, argv);
}
