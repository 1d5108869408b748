/* nc's command line into struct nc_opts. Written from the observed behaviour of nc.openbsd
 * (Debian 1.219) and ncat 7.93, not from their sources. */
#include "nc/args.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char nc_usage_text[] =
	"usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n"
	"\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]\n"
	"\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n"
	"\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n"
	"\t  [destination] [port]\n";

/* duct nc -h: the flags described in our words (the usage lines above stay nc.openbsd's: its
 * usage errors are compared byte for byte). */
const char nc_help_text[] =
	"Usage: nc [FLAG]... HOST PORT   or   nc -l [FLAG]... [HOST] PORT\n"
	"Connect to HOST PORT, or listen with -l, and copy stdin to the network and the network to\n"
	"stdout. PORT may be a range LOW-HIGH (with -z: each port in turn).\n"
	"\n"
	"What to open\n"
	"\t-l\t\tlisten and serve one connection; with -k one after another\n"
	"\t-u\t\tUDP datagrams instead of TCP     -U  a UNIX socket path instead of HOST PORT\n"
	"\t-Z\t\tDCCP                              -4, -6  only IPv4, only IPv6\n"
	"\t-s ADDR\t\tthe local address to send from    -p PORT  the local port\n"
	"\t-n\t\ttake HOST and PORT as numbers; resolve nothing\n"
	"\t-x ADDR[:P]\tgo through a proxy; -X 4|5|connect picks SOCKS4, SOCKS5 (the default)\n"
	"\t\t\tor HTTP CONNECT; -P USER sends a user name to the HTTP proxy\n"
	"\t-z\t\tonly report whether the ports accept (with -v), send nothing\n"
	"\n"
	"When to stop\n"
	"\t-N\t\tafter stdin ends, shut down our sending side of the socket\n"
	"\t-q SECS\t\tafter stdin ends, wait SECS, then quit (negative: wait forever)\n"
	"\t-w SECS\t\tgive up a connect, or an idle connection, after SECS\n"
	"\t-W COUNT\tquit after receiving COUNT packets\n"
	"\t-d\t\tdo not read stdin\n"
	"\n"
	"Shaping the data\n"
	"\t-C\t\tsend CRLF at line ends              -t  answer TELNET negotiation\n"
	"\t-i SECS\t\twait SECS between lines sent (and between ports with -z)\n"
	"\t-I, -O LEN\tthe socket's receive, send buffer size\n"
	"\t-T TOS\t\tthe IP type of service: a number or a name (lowdelay, af11, ...)\n"
	"\t-M TTL\t\tthe outgoing TTL or hop limit   -m TTL  drop packets that arrive with less\n"
	"\t-b -D -S -F -r\tallow broadcast, SO_DEBUG, TCP MD5 signatures, pass the socket's fd\n"
	"\t\t\tto stdout, random port order\n"
	"\t-v\t\tsay what happened on stderr (-vv more)\n"
	"\t-V RTABLE\trouting table (not on Linux: refused)\n"
	"\t-h\t\tthis text\n"
	"\n"
	"From traditional nc and ncat: -e PROG and -c CMD run a program on the connection,\n"
	"-o FILE writes a hex dump; ncat's long options (--exec, --sh-exec, --keep-open, --ssl,\n"
	"--proxy, --allow, --deny, --broker, --chat ...) work under any name (`duct ncat -h`).\n"
	"-u -z -vv names each UDP port open (it answered), closed (ICMP unreachable) or\n"
	"open|filtered (silence); --udp-strict makes the exit status say which.\n"
	"Each run is two duct addresses on duct's engine: `man duct` has them.\n";

/* duct ncat -h (and nc's --help under the ncat name): ncat's options in our words */
const char nc_ncat_help_text[] =
	"duct ncat - connect or listen, and relay stdin/stdout or a program over TCP, UDP, UNIX\n"
	"sockets and TLS. Usage: ncat [OPTION]... [HOST] [PORT]\n"
	"Times are seconds unless they end in ms, s, m or h (500ms, 2m).\n"
	"\n"
	"Where\n"
	"  -l, --listen               wait for connections instead of making one\n"
	"  -k, --keep-open            with -l: serve connection after connection (several at once)\n"
	"  -m, --max-conns N          with -k: at most N connections at a time\n"
	"  -u, --udp                  UDP datagrams         -U, --unixsock  a UNIX socket path\n"
	"  -4, -6                     IPv4 only, IPv6 only  -n, --nodns     resolve no names\n"
	"  -s, --source ADDR          local address to connect from\n"
	"  -p, --source-port PORT     local port (with -l: the port to listen on)\n"
	"  -w, --wait TIME            give up a connect after TIME\n"
	"  -i, --idle-timeout TIME    end a connection idle for TIME\n"
	"  -z                         only test whether the port accepts\n"
	"\n"
	"What runs on the connection\n"
	"  -e, --exec PROG            run PROG with the connection as its stdin and stdout\n"
	"  -c, --sh-exec CMD          the same with CMD given to /bin/sh\n"
	"      --broker               with -l: pass what each client sends to all the others\n"
	"      --chat                 the same, each line marked with the sender's name\n"
	"      --send-only            only send; quit when stdin ends\n"
	"      --recv-only            only receive\n"
	"      --no-shutdown          keep the connection open both ways after stdin ends\n"
	"  -C, --crlf                 send CRLF at line ends\n"
	"  -t, --telnet               answer TELNET negotiation\n"
	"  -d, --delay TIME           pause TIME between writes\n"
	"\n"
	"Who may connect\n"
	"      --allow HOST[,HOST]    only these clients (names, addresses or ADDR/BITS)\n"
	"      --allowfile FILE       the same, one entry a line\n"
	"      --deny HOST[,HOST]     never these clients; --denyfile FILE one a line\n"
	"\n"
	"Proxies and TLS\n"
	"      --proxy HOST[:PORT]    go through a proxy; --proxy-type http|socks4|socks5\n"
	"                             (with -l and no --proxy: be that proxy for every client)\n"
	"      --proxy-auth USER:PASS credentials for it; --proxy-dns local|remote|both|none\n"
	"      --ssl                  TLS, as client or (with -l) server\n"
	"      --ssl-cert FILE        our certificate (PEM); --ssl-key FILE its key\n"
	"      --ssl-verify           check the server's certificate and name\n"
	"      --ssl-trustfile FILE   the CAs to trust (PEM)\n"
	"      --ssl-ciphers LIST     OpenSSL cipher list\n"
	"      --ssl-servername NAME  the name to send as SNI\n"
	"      --ssl-alpn LIST        ALPN protocols to offer\n"
	"\n"
	"Logs and output\n"
	"  -v, --verbose              say what happens on stderr (repeat for more)\n"
	"  -o, --output FILE          write the session's data to FILE\n"
	"  -x, --hex-dump FILE        the same as a hex dump\n"
	"      --append-output        append to those files instead of replacing them\n"
	"      --udp-strict           UDP -z: the exit status says open, closed or silent (duct)\n"
	"  -h, --help                 this text          --version  the version\n";

/* A strtonum(3) work-alike: base 10, whole string, "invalid"/"too small"/"too large". */
static long long to_num(const char *s, long long lo, long long hi, const char **why)
{
	char *end;
	*why = NULL;
	if (lo > hi || !s || !*s) {
		*why = "invalid";
		return 0;
	}
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end) {
		*why = "invalid";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < lo) {
		*why = "too small";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > hi) {
		*why = "too large";
		return 0;
	}
	return v;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int nc_port_parse(const char *s, const char *proto, char *err, size_t errlen)
{
	const char *why;
	long long v = to_num(s, 1, 65535, &why);
	if (!why)
		return (int)v;
	if (strcmp(why, "invalid")) {
		seterr(err, errlen, "port number %s: %s", why, s);
		return -1;
	}
	if (*s) {
		struct servent *se = getservbyname(s, proto ? proto : "tcp");
		if (se)
			return ntohs((uint16_t)se->s_port);
	}
	seterr(err, errlen, "port number invalid: %s", s);
	return -1;
}

long nc_ports_expand(const char *const *args, size_t nargs, const char *proto, uint16_t **out,
		     char *err, size_t errlen)
{
	size_t cap = 16, n = 0;
	uint16_t *v = malloc(cap * sizeof *v);
	if (!v) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < nargs; i++) {
		const char *a = args[i];
		const char *dash = strchr(a, '-');
		int lo, hi;
		/* A range only when it starts with a digit: "x-5" is one (service) name. */
		if (dash && a[0] >= '0' && a[0] <= '9') {
			char lostr[64];
			size_t l = (size_t)(dash - a);
			if (l >= sizeof lostr)
				l = sizeof lostr - 1;
			memcpy(lostr, a, l);
			lostr[l] = '\0';
			hi = nc_port_parse(dash + 1, proto, err, errlen);
			if (hi < 0)
				goto fail;
			lo = nc_port_parse(lostr, proto, err, errlen);
			if (lo < 0)
				goto fail;
			if (lo > hi) {
				int t = lo;
				lo = hi;
				hi = t;
			}
		} else {
			lo = hi = nc_port_parse(a, proto, err, errlen);
			if (lo < 0)
				goto fail;
		}
		for (int p = lo; p <= hi; p++) {
			if (n == cap) {
				if (cap >= 1u << 20) {
					seterr(err, errlen, "too many ports");
					goto fail;
				}
				uint16_t *nv = realloc(v, cap * 2 * sizeof *v);
				if (!nv) {
					seterr(err, errlen, "out of memory");
					goto fail;
				}
				v = nv;
				cap *= 2;
			}
			v[n++] = (uint16_t)p;
		}
	}
	*out = v;
	return (long)n;
fail:
	free(v);
	return -1;
}

double nc_parse_duration(const char *s, bool suffixes)
{
	char *end;
	if (!s || !*s)
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || v < 0 || v != v)
		return -1;
	double mul = 1;
	if (*end && suffixes) {
		if (!strcmp(end, "ms"))
			mul = 0.001;
		else if (!strcmp(end, "s"))
			mul = 1;
		else if (!strcmp(end, "m"))
			mul = 60;
		else if (!strcmp(end, "h"))
			mul = 3600;
		else
			return -1;
	} else if (*end) {
		return -1;
	}
	return v * mul;
}

int nc_parse_tos(const char *s)
{
	static const struct { const char *k; int v; } kw[] = {
		{ "af11", 0x28 }, { "af12", 0x30 }, { "af13", 0x38 }, { "af21", 0x48 }, { "af22", 0x50 },
		{ "af23", 0x58 }, { "af31", 0x68 }, { "af32", 0x70 }, { "af33", 0x78 }, { "af41", 0x88 },
		{ "af42", 0x90 }, { "af43", 0x98 }, { "critical", 0xa0 }, { "cs0", 0x00 }, { "cs1", 0x20 },
		{ "cs2", 0x40 }, { "cs3", 0x60 }, { "cs4", 0x80 }, { "cs5", 0xa0 }, { "cs6", 0xc0 },
		{ "cs7", 0xe0 }, { "ef", 0xb8 }, { "inetcontrol", 0xc0 }, { "lowcost", 0x02 },
		{ "lowdelay", 0x10 }, { "netcontrol", 0xe0 }, { "reliability", 0x04 }, { "throughput", 0x08 },
	};
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
		if (!strcmp(s, kw[i].k))
			return kw[i].v;
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	long v = strtol(s, &end, 0);
	if (*end || errno || v < 0 || v > 255)
		return -1;
	return (int)v;
}

enum {
	LO_EXEC = 256, LO_SH_EXEC, LO_KEEP_OPEN, LO_MAX_CONNS, LO_ALLOW, LO_ALLOWFILE, LO_DENY,
	LO_DENYFILE, LO_SSL, LO_SSL_CERT, LO_SSL_KEY, LO_SSL_VERIFY, LO_SSL_TRUSTFILE,
	LO_SSL_SERVERNAME, LO_SSL_ALPN, LO_SSL_CIPHERS, LO_PROXY, LO_PROXY_TYPE, LO_PROXY_AUTH,
	LO_PROXY_DNS, LO_SEND_ONLY, LO_RECV_ONLY, LO_NO_SHUTDOWN, LO_BROKER, LO_CHAT, LO_CRLF,
	LO_OUTPUT, LO_HEX_DUMP, LO_APPEND_OUTPUT, LO_IDLE_TIMEOUT, LO_WAIT, LO_DELAY, LO_VERSION,
	LO_HELP, LO_UDP, LO_UNIXSOCK, LO_LISTEN, LO_VERBOSE, LO_NODNS, LO_SOURCE, LO_SOURCE_PORT,
	LO_UDP_STRICT, LO_NCAT, LO_TELNET,
};

static const struct option long_opts[] = {
	{ "exec", required_argument, NULL, LO_EXEC },
	{ "sh-exec", required_argument, NULL, LO_SH_EXEC },
	{ "keep-open", no_argument, NULL, LO_KEEP_OPEN },
	{ "max-conns", required_argument, NULL, LO_MAX_CONNS },
	{ "allow", required_argument, NULL, LO_ALLOW },
	{ "allowfile", required_argument, NULL, LO_ALLOWFILE },
	{ "deny", required_argument, NULL, LO_DENY },
	{ "denyfile", required_argument, NULL, LO_DENYFILE },
	{ "ssl", no_argument, NULL, LO_SSL },
	{ "ssl-cert", required_argument, NULL, LO_SSL_CERT },
	{ "ssl-key", required_argument, NULL, LO_SSL_KEY },
	{ "ssl-verify", no_argument, NULL, LO_SSL_VERIFY },
	{ "ssl-trustfile", required_argument, NULL, LO_SSL_TRUSTFILE },
	{ "ssl-servername", required_argument, NULL, LO_SSL_SERVERNAME },
	{ "ssl-alpn", required_argument, NULL, LO_SSL_ALPN },
	{ "ssl-ciphers", required_argument, NULL, LO_SSL_CIPHERS },
	{ "proxy", required_argument, NULL, LO_PROXY },
	{ "proxy-type", required_argument, NULL, LO_PROXY_TYPE },
	{ "proxy-auth", required_argument, NULL, LO_PROXY_AUTH },
	{ "proxy-dns", required_argument, NULL, LO_PROXY_DNS },
	{ "send-only", no_argument, NULL, LO_SEND_ONLY },
	{ "recv-only", no_argument, NULL, LO_RECV_ONLY },
	{ "no-shutdown", no_argument, NULL, LO_NO_SHUTDOWN },
	{ "broker", no_argument, NULL, LO_BROKER },
	{ "chat", no_argument, NULL, LO_CHAT },
	{ "crlf", no_argument, NULL, LO_CRLF },
	{ "output", required_argument, NULL, LO_OUTPUT },
	{ "hex-dump", required_argument, NULL, LO_HEX_DUMP },
	{ "append-output", no_argument, NULL, LO_APPEND_OUTPUT },
	{ "idle-timeout", required_argument, NULL, LO_IDLE_TIMEOUT },
	{ "wait", required_argument, NULL, LO_WAIT },
	{ "delay", required_argument, NULL, LO_DELAY },
	{ "version", no_argument, NULL, LO_VERSION },
	{ "help", no_argument, NULL, LO_HELP },
	{ "udp", no_argument, NULL, LO_UDP },
	{ "unixsock", no_argument, NULL, LO_UNIXSOCK },
	{ "listen", no_argument, NULL, LO_LISTEN },
	{ "verbose", no_argument, NULL, LO_VERBOSE },
	{ "nodns", no_argument, NULL, LO_NODNS },
	{ "source", required_argument, NULL, LO_SOURCE },
	{ "source-port", required_argument, NULL, LO_SOURCE_PORT },
	{ "telnet", no_argument, NULL, LO_TELNET },
	{ "udp-strict", no_argument, NULL, LO_UDP_STRICT },
	{ "ncat", no_argument, NULL, LO_NCAT },
	{ NULL, 0, NULL, 0 },
};

/* ncat's short flags are a superset of nc.openbsd's (-d takes a delay there) */
static const char ncat_optstring[] = "+:46bCc:Dd:e:FhI:i:klM:m:NnO:o:P:p:q:rSs:T:tUuV:vW:w:X:x:Zz";
static const char openbsd_optstring[] = "+:46bCc:Dde:FhI:i:klM:m:NnO:o:P:p:q:rSs:T:tUuV:vW:w:X:x:Zz";

void nc_flags_foreach(void (*fn)(const char *flag, bool takes_value, void *arg), void *arg)
{
	for (const char *c = ncat_optstring; *c; c++) {
		if (*c == '+' || *c == ':')
			continue;
		char flag[3] = { '-', *c, 0 };
		fn(flag, c[1] == ':', arg);
	}
	for (const struct option *lo = long_opts; lo->name; lo++) {
		char flag[64];
		snprintf(flag, sizeof flag, "--%s", lo->name);
		fn(flag, lo->has_arg != no_argument, arg);
	}
}

static void opts_defaults(struct nc_opts *o, enum nc_dialect d)
{
	memset(o, 0, sizeof *o);
	o->dialect = d;
	o->ttl = o->minttl = -1;
	o->quit = -1;
	o->tos = -1;
	o->timeout = -1;
	o->idle_timeout = -1;
	o->wait = -1;
}

/* ncat's time error text. */
static enum nc_parse_result ncat_time(const char *flag, const char *arg, double *dst, char *err, size_t errlen)
{
	double v = nc_parse_duration(arg, true);
	if (v <= 0 || v >= 2147483) {
		seterr(err, errlen, "Invalid %s timeout \"%s\" (must be greater than 0 and less than 2147483s).", flag, arg);
		return NC_PARSE_ERROR;
	}
	*dst = v;
	return NC_PARSE_OK;
}

static bool list_add(const char **list, size_t *n, const char *v)
{
	if (*n >= NC_MAX_LIST)
		return false;
	list[(*n)++] = v;
	return true;
}

enum nc_parse_result nc_parse_args(int argc, char **argv, enum nc_dialect dialect, struct nc_opts *o,
				   char *err, size_t errlen)
{
	/* `duct nc --ncat ...`: ncat's dialect for the whole command line. */
	for (int i = 1; i < argc && argv[i]; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--ncat"))
			dialect = NC_NCAT;
	}
	opts_defaults(o, dialect);
	if (err && errlen)
		err[0] = '\0';
	const bool ncat = dialect == NC_NCAT;
	const char *optstring = ncat ? ncat_optstring : openbsd_optstring;
	/* GNU getopt permutes (nc.openbsd on Debian does: `nc host port -v` works); the "+" above
	 * is removed again below, it only keeps optstring readable for both. */
	optstring++;
	opterr = 0;
	optind = 0;
	const char *why;
	long long v;
	int c, li;
	while ((c = getopt_long(argc, argv, optstring, long_opts, &li)) != -1) {
		switch (c) {
		case '4': o->family = 4; break;
		case '6': o->family = 6; break;
		case 'b': o->broadcast = true; break;
		case 'C': case LO_CRLF: o->crlf = true; break;
		case 'c': case LO_SH_EXEC: o->sh_cmd = optarg; o->exec_prog = NULL; break;
		case 'e': case LO_EXEC: o->exec_prog = optarg; o->sh_cmd = NULL; break;
		case 'D': o->so_debug = true; break;
		case 'd':
			if (ncat) {
				if (ncat_time("-d delay", optarg, &o->delay, err, errlen))
					return NC_PARSE_ERROR;
			} else {
				o->no_stdin = true;
			}
			break;
		case LO_DELAY:
			if (ncat_time("-d delay", optarg, &o->delay, err, errlen))
				return NC_PARSE_ERROR;
			break;
		case 'F': o->pass_fd = true; break;
		case 'h': case LO_HELP: o->help = true; return NC_PARSE_HELP;
		case 'I':
		case 'O': {
			v = to_num(optarg, 1, 65536LL << 14, &why);
			if (why) {
				seterr(err, errlen, "TCP %s window %s: %s", c == 'I' ? "receive" : "send", why, optarg);
				return NC_PARSE_ERROR;
			}
			if (c == 'I')
				o->rcvbuf = (int)v;
			else
				o->sndbuf = (int)v;
			break;
		}
		case 'i':
			if (ncat) {
				if (ncat_time("-i", optarg, &o->idle_timeout, err, errlen))
					return NC_PARSE_ERROR;
			} else {
				v = to_num(optarg, 0, UINT_MAX, &why);
				if (why) {
					seterr(err, errlen, "interval %s: %s", why, optarg);
					return NC_PARSE_ERROR;
				}
				o->interval = (double)v;
			}
			break;
		case LO_IDLE_TIMEOUT:
			if (ncat_time("-i", optarg, &o->idle_timeout, err, errlen))
				return NC_PARSE_ERROR;
			break;
		case 'k':
			if (ncat)
				o->keep_open = true;
			else
				o->keep = true;
			break;
		case LO_KEEP_OPEN: o->keep_open = true; break;
		case 'l': case LO_LISTEN: o->listen = true; break;
		case 'M':
			v = to_num(optarg, 0, 255, &why);
			if (why) {
				seterr(err, errlen, "ttl is %s", why);
				return NC_PARSE_ERROR;
			}
			o->ttl = (int)v;
			break;
		case 'm':
			if (ncat) {
				goto maxconns;
			}
			v = to_num(optarg, 0, 255, &why);
			if (why) {
				seterr(err, errlen, "minttl is %s", why);
				return NC_PARSE_ERROR;
			}
			o->minttl = (int)v;
			break;
		case LO_MAX_CONNS:
		maxconns:
			v = to_num(optarg, 1, INT_MAX, &why);
			if (why) {
				seterr(err, errlen, "Invalid maximum number of connections (must be at least 1): %s", optarg);
				return NC_PARSE_ERROR;
			}
			o->max_conns = (int)v;
			break;
		case 'N': o->shut_on_eof = true; break;
		case 'n': case LO_NODNS: o->numeric = true; break;
		case 'o':
			if (ncat) {
				o->output_file = optarg;
			} else {
				o->hexdump_file = optarg;
				o->hexdump_ncat = false;
			}
			break;
		case LO_OUTPUT: o->output_file = optarg; break;
		case LO_HEX_DUMP: o->hexdump_file = optarg; o->hexdump_ncat = true; break;
		case 'P': o->proxy_user = optarg; break;
		case 'p': case LO_SOURCE_PORT: o->source_port = optarg; break;
		case 'q':
			v = to_num(optarg, INT_MIN, INT_MAX, &why);
			if (why) {
				seterr(err, errlen, "quit timer %s: %s", why, optarg);
				return NC_PARSE_ERROR;
			}
			o->quit = v < 0 ? -1 : (int)v;
			break;
		case 'r': o->randomize = true; break;
		case 'S': o->md5sig = true; break;
		case 's': case LO_SOURCE: o->source = optarg; break;
		case 'T':
			o->tos = nc_parse_tos(optarg);
			if (o->tos < 0) {
				seterr(err, errlen, "illegal tos value %s", optarg);
				return NC_PARSE_ERROR;
			}
			break;
		case 't': case LO_TELNET: o->telnet = true; break;
		case 'U': case LO_UNIXSOCK: o->unix_sock = true; break;
		case 'u': case LO_UDP: o->udp = true; break;
		case 'V':
			seterr(err, errlen, "no alternate routing table support available");
			return NC_PARSE_ERROR;
		case 'v': case LO_VERBOSE: o->verbose++; break;
		case 'W':
			v = to_num(optarg, 1, INT_MAX, &why);
			if (why) {
				seterr(err, errlen, "receive limit %s: %s", why, optarg);
				return NC_PARSE_ERROR;
			}
			o->recvlimit = (int)v;
			break;
		case 'w':
			if (ncat) {
				if (ncat_time("-w", optarg, &o->wait, err, errlen))
					return NC_PARSE_ERROR;
				break;
			}
			v = to_num(optarg, 0, INT_MAX / 1000, &why);
			if (why) {
				seterr(err, errlen, "timeout %s: %s", why, optarg);
				return NC_PARSE_ERROR;
			}
			o->timeout = (double)v;
			break;
		case LO_WAIT:
			if (ncat_time("-w", optarg, &o->wait, err, errlen))
				return NC_PARSE_ERROR;
			break;
		case 'X':
			if (strcasecmp(optarg, "connect") && strcmp(optarg, "4") && strcmp(optarg, "5")) {
				seterr(err, errlen, "unsupported proxy protocol");
				return NC_PARSE_ERROR;
			}
			o->proxy_proto = optarg;
			break;
		case 'x':
			if (ncat) {
				o->hexdump_file = optarg;
				o->hexdump_ncat = true;
			} else {
				o->proxy = optarg;
			}
			break;
		case 'Z': o->dccp = true; break;
		case 'z': o->zero = true; break;
		case LO_ALLOW:
		case LO_DENY:
			if (!(c == LO_ALLOW ? list_add(o->allow, &o->nallow, optarg) : list_add(o->deny, &o->ndeny, optarg))) {
				seterr(err, errlen, "too many --allow/--deny options");
				return NC_PARSE_ERROR;
			}
			break;
		case LO_ALLOWFILE: o->allowfile = optarg; break;
		case LO_DENYFILE: o->denyfile = optarg; break;
		case LO_SSL: o->ssl = true; break;
		case LO_SSL_CERT: o->ssl_cert = optarg; o->ssl = true; break;
		case LO_SSL_KEY: o->ssl_key = optarg; o->ssl = true; break;
		case LO_SSL_VERIFY: o->ssl_verify = true; o->ssl = true; break;
		case LO_SSL_TRUSTFILE: o->ssl_trustfile = optarg; o->ssl = true; break;
		case LO_SSL_SERVERNAME: o->ssl_servername = optarg; o->ssl = true; break;
		case LO_SSL_ALPN: o->ssl_alpn = optarg; o->ssl = true; break;
		case LO_SSL_CIPHERS: o->ssl_ciphers = optarg; o->ssl = true; break;
		case LO_PROXY: o->proxy = optarg; break;
		case LO_PROXY_TYPE:
			if (strcmp(optarg, "http") && strcmp(optarg, "socks4") && strcmp(optarg, "socks5")) {
				seterr(err, errlen, "Invalid proxy type \"%s\".", optarg);
				return NC_PARSE_ERROR;
			}
			o->proxy_type = optarg;
			break;
		case LO_PROXY_AUTH: o->proxy_auth = optarg; break;
		case LO_PROXY_DNS:
			if (strcmp(optarg, "local") && strcmp(optarg, "remote") && strcmp(optarg, "both") && strcmp(optarg, "none")) {
				seterr(err, errlen, "Invalid proxy DNS type \"%s\".", optarg);
				return NC_PARSE_ERROR;
			}
			o->proxy_dns = optarg;
			break;
		case LO_SEND_ONLY: o->send_only = true; break;
		case LO_RECV_ONLY: o->recv_only = true; break;
		case LO_NO_SHUTDOWN: o->no_shutdown = true; break;
		case LO_BROKER: o->broker = true; break;
		case LO_CHAT: o->chat = true; o->broker = true; break;
		case LO_APPEND_OUTPUT: o->append_output = true; break;
		case LO_VERSION: o->version = true; return NC_PARSE_VERSION;
		case LO_UDP_STRICT: o->udp_strict = true; break;
		case LO_NCAT: break;
		case ':':
			if (optopt && optopt < 256)
				seterr(err, errlen, "option requires an argument -- '%c'", optopt);
			else
				seterr(err, errlen, "option '%s' requires an argument", argv[optind - 1]);
			return NC_PARSE_USAGE;
		case '?':
		default:
			if (optopt && optopt < 256)
				seterr(err, errlen, "invalid option -- '%c'", optopt);
			else
				seterr(err, errlen, "unrecognized option '%s'", argv[optind - 1]);
			return NC_PARSE_USAGE;
		}
	}
	int nargs = argc - optind;
	char **args = argv + optind;
	if (o->quit >= 0)
		o->shut_on_eof = true;

	if (ncat) {
		/* ncat: [host] [port], one port only, 31337 by default. */
		if (o->unix_sock) {
			if (nargs < 1 && !o->listen) {
				seterr(err, errlen, "You have to specify path to a socket to connect to.");
				return NC_PARSE_ERROR;
			}
			if (nargs > 1) {
				seterr(err, errlen, "Got more than one port specification: %s %s.", args[0], args[1]);
				return NC_PARSE_ERROR;
			}
			o->unix_path = nargs ? args[0] : NULL;
			if (!o->unix_path) {
				seterr(err, errlen, "You have to specify path to a socket to listen on.");
				return NC_PARSE_ERROR;
			}
			return NC_PARSE_OK;
		}
		if (o->listen && o->source) {
			seterr(err, errlen, "-l and -s are incompatible.  Specify the address and port to bind to like you would a host to connect to.");
			return NC_PARSE_ERROR;
		}
		if (nargs > 2) {
			seterr(err, errlen, "Got more than one port specification: %s %s.", args[1], args[2]);
			return NC_PARSE_ERROR;
		}
		const char *port = NULL;
		if (nargs == 2) {
			o->host = args[0];
			port = args[1];
		} else if (nargs == 1) {
			/* A lone number in listen mode is the port. */
			const char *p = args[0];
			bool digits = *p != '\0';
			for (const char *q = p; *q; q++)
				if (*q < '0' || *q > '9')
					digits = false;
			if (o->listen && digits)
				port = p;
			else
				o->host = p;
		}
		if (!o->host && !o->listen) {
			seterr(err, errlen, "You must specify a host to connect to.");
			return NC_PARSE_ERROR;
		}
		if (!port && o->listen && o->source_port)
			port = o->source_port;
		if (!port)
			port = "31337";
		const char *why2;
		(void)to_num(port, 0, 65535, &why2);
		if (why2) {
			seterr(err, errlen, "Invalid port number \"%s\".", port);
			return NC_PARSE_ERROR;
		}
		o->ports[o->nports++] = port;
		return NC_PARSE_OK;
	}

	/* OpenBSD's rules for the positional arguments (observed). */
	if (o->unix_sock && nargs == 1) {
		o->unix_path = args[0];
	} else if (nargs == 0) {
		if (o->listen && o->unix_sock) {
			seterr(err, errlen, "missing socket pathname");
			return NC_PARSE_ERROR;
		}
		if (o->listen && !o->source_port) {
			seterr(err, errlen, "missing port number");
			return NC_PARSE_ERROR;
		}
		if (!o->listen)
			return NC_PARSE_USAGE;
		o->host = o->source;
		o->ports[o->nports++] = o->source_port;
	} else if (nargs == 1) {
		if (!o->listen) {
			seterr(err, errlen, "missing port number");
			return NC_PARSE_ERROR;
		}
		if (o->source_port || o->source)
			return NC_PARSE_USAGE;
		o->ports[o->nports++] = args[0];
	} else {
		if (o->unix_sock) {
			seterr(err, errlen, "cannot use port with -U");
			return NC_PARSE_ERROR;
		}
		if (o->listen && (o->source_port || o->source || nargs > 2))
			return NC_PARSE_USAGE;
		o->host = args[0];
		for (int i = 1; i < nargs; i++)
			if (!list_add(o->ports, &o->nports, args[i])) {
				seterr(err, errlen, "too many port arguments");
				return NC_PARSE_ERROR;
			}
	}
	if (o->listen && o->zero) {
		seterr(err, errlen, "cannot use -z and -l");
		return NC_PARSE_ERROR;
	}
	if (o->keep && !o->listen) {
		seterr(err, errlen, "must use -l with -k");
		return NC_PARSE_ERROR;
	}
	if (o->unix_sock && o->pass_fd) {
		seterr(err, errlen, "cannot use -F and -U");
		return NC_PARSE_ERROR;
	}
	if (o->listen && o->proxy_type && !o->proxy) {
		/* ncat -l --proxy-type http serves as an HTTP proxy; duct serves SOCKS too */
		if (strcmp(o->proxy_type, "http") && strcmp(o->proxy_type, "socks4") && strcmp(o->proxy_type, "socks5")) {
			seterr(err, errlen, "Invalid proxy type \"%s\" (http, socks4 or socks5)", o->proxy_type);
			return NC_PARSE_ERROR;
		}
		if (o->udp || o->unix_sock || o->exec_prog || o->sh_cmd || o->chat || o->broker) {
			seterr(err, errlen, "--proxy-type with -l serves a proxy over TCP: it cannot go with -u, -U, -e, -c, --chat or --broker");
			return NC_PARSE_ERROR;
		}
		if (o->proxy_auth && (!strcmp(o->proxy_type, "socks4") || !strchr(o->proxy_auth, ':'))) {
			seterr(err, errlen, "--proxy-auth with -l needs USER:PASSWORD and HTTP or SOCKS5 (SOCKS4 carries no password)");
			return NC_PARSE_ERROR;
		}
	}
	if (o->proxy && !o->proxy_type) {
		if (o->udp) {
			seterr(err, errlen, "no proxy support for UDP mode");
			return NC_PARSE_ERROR;
		}
		if (o->listen) {
			seterr(err, errlen, "no proxy support for listen");
			return NC_PARSE_ERROR;
		}
		if (o->unix_sock) {
			seterr(err, errlen, "no proxy support for unix sockets");
			return NC_PARSE_ERROR;
		}
		if (o->source) {
			seterr(err, errlen, "no proxy support for local source address");
			return NC_PARSE_ERROR;
		}
	}
	return NC_PARSE_OK;
}

/* Escape a parameter for socat's address grammar: every grammar character gets a "\". */
size_t nc_addr_escape(const char *s, char *out, size_t len)
{
	size_t n = 0;
	for (; *s; s++) {
		if (strchr("\\:,!\"'()[]{}= ", *s)) {
			if (n + 1 < len)
				out[n] = '\\';
			n++;
		}
		if (n + 1 < len)
			out[n] = *s;
		n++;
	}
	if (len)
		out[n < len ? n : len - 1] = '\0';
	return n;
}
