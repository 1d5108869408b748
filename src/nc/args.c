/* nc's command line into struct nc_opts. Written from the observed behaviour of nc.openbsd
 * (Debian 1.219) and ncat 7.93, not from their sources. The flags are rows of one table per
 * dialect (what each takes and sets); getopt reads the command line by them, and one step
 * after the loop checks the operands and the combinations by the dialect's rules. */
#include "nc/args.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---- the flags: one table per dialect ---- */

/* What a flag does with its argument: returns NC_PARSE_OK to go on, or the result to stop
 * with (help, version, an error with err set). */
typedef enum nc_parse_result (*nc_flag_fn)(struct nc_opts *o, const char *arg, char *err, size_t errlen);

enum nc_set {
	SET_TRUE,     /* a bool field becomes true */
	SET_ARG,      /* a string field becomes the argument */
	SET_FN,       /* fn decides (numbers checked, several fields) */
	SET_NOTHING,  /* read before the loop (--ncat) */
};

struct nc_flag {
	char c;               /* the short flag (-l), or 0 for a long option */
	const char *name;     /* the long option (--listen), or NULL for a short flag */
	bool arg;             /* takes an argument */
	enum nc_set set;
	size_t field;         /* SET_TRUE: a bool, SET_ARG: a const char * in struct nc_opts */
	bool tls;             /* also turns TLS on (the --ssl-* options) */
	nc_flag_fn fn;        /* SET_FN */
};

#define ON(ch, nm, f) { ch, nm, false, SET_TRUE, offsetof(struct nc_opts, f), false, NULL }
#define ARG(ch, nm, f) { ch, nm, true, SET_ARG, offsetof(struct nc_opts, f), false, NULL }
#define TLS_ARG(nm, f) { 0, nm, true, SET_ARG, offsetof(struct nc_opts, f), true, NULL }
#define FN(ch, nm, a, f) { ch, nm, a, SET_FN, 0, false, f }
#define FLAGS_END { 0, NULL, false, SET_NOTHING, 0, false, NULL }

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

/* A number in [lo, hi] for an OpenBSD flag, or NC_PARSE_ERROR with "<what> <why>: <arg>". */
static enum nc_parse_result obsd_num(const char *arg, long long lo, long long hi, const char *what, long long *out,
				     char *err, size_t errlen)
{
	const char *why;
	*out = to_num(arg, lo, hi, &why);
	if (!why)
		return NC_PARSE_OK;
	seterr(err, errlen, "%s %s: %s", what, why, arg);
	return NC_PARSE_ERROR;
}

static enum nc_parse_result set_ipv4(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->family = 4;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_ipv6(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->family = 6;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_help(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->help = true;
	return NC_PARSE_HELP;
}

static enum nc_parse_result set_version(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->version = true;
	return NC_PARSE_VERSION;
}

static enum nc_parse_result set_verbose(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->verbose++;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_rcvbuf(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	long long v;
	if (obsd_num(arg, 1, 65536LL << 14, "TCP receive window", &v, err, errlen))
		return NC_PARSE_ERROR;
	o->rcvbuf = (int)v;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_sndbuf(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	long long v;
	if (obsd_num(arg, 1, 65536LL << 14, "TCP send window", &v, err, errlen))
		return NC_PARSE_ERROR;
	o->sndbuf = (int)v;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_interval(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	long long v;
	if (obsd_num(arg, 0, UINT_MAX, "interval", &v, err, errlen))
		return NC_PARSE_ERROR;
	o->interval = (double)v;
	return NC_PARSE_OK;
}

/* -M and -m: "ttl is too large", without the argument */
static enum nc_parse_result ttl_value(const char *arg, const char *what, int *dst, char *err, size_t errlen)
{
	const char *why;
	long long v = to_num(arg, 0, 255, &why);
	if (why) {
		seterr(err, errlen, "%s is %s", what, why);
		return NC_PARSE_ERROR;
	}
	*dst = (int)v;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_ttl(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	return ttl_value(arg, "ttl", &o->ttl, err, errlen);
}

static enum nc_parse_result set_minttl(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	return ttl_value(arg, "minttl", &o->minttl, err, errlen);
}

static enum nc_parse_result set_quit(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	long long v;
	if (obsd_num(arg, INT_MIN, INT_MAX, "quit timer", &v, err, errlen))
		return NC_PARSE_ERROR;
	o->quit = v < 0 ? -1 : (int)v;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_tos(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->tos = nc_parse_tos(arg);
	if (o->tos < 0) {
		seterr(err, errlen, "illegal tos value %s", arg);
		return NC_PARSE_ERROR;
	}
	return NC_PARSE_OK;
}

static enum nc_parse_result set_rtable(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	seterr(err, errlen, "no alternate routing table support available");
	return NC_PARSE_ERROR;
}

static enum nc_parse_result set_recvlimit(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	long long v;
	if (obsd_num(arg, 1, INT_MAX, "receive limit", &v, err, errlen))
		return NC_PARSE_ERROR;
	o->recvlimit = (int)v;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_timeout(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	long long v;
	if (obsd_num(arg, 0, INT_MAX / 1000, "timeout", &v, err, errlen))
		return NC_PARSE_ERROR;
	o->timeout = (double)v;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_proxy_proto(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	if (strcasecmp(arg, "connect") && strcmp(arg, "4") && strcmp(arg, "5")) {
		seterr(err, errlen, "unsupported proxy protocol");
		return NC_PARSE_ERROR;
	}
	o->proxy_proto = arg;
	return NC_PARSE_OK;
}

/* -e and -c: the last one given runs */
static enum nc_parse_result set_exec(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->exec_prog = arg;
	o->sh_cmd = NULL;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_sh_exec(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->sh_cmd = arg;
	o->exec_prog = NULL;
	return NC_PARSE_OK;
}

/* traditional -o: a hex dump in its own format */
static enum nc_parse_result set_hexdump_plain(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->hexdump_file = arg;
	o->hexdump_ncat = false;
	return NC_PARSE_OK;
}

/* ncat -x, --hex-dump: a hex dump in ncat's format */
static enum nc_parse_result set_hexdump_ncat(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->hexdump_file = arg;
	o->hexdump_ncat = true;
	return NC_PARSE_OK;
}

static enum nc_parse_result set_delay(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	return ncat_time("-d delay", arg, &o->delay, err, errlen);
}

static enum nc_parse_result set_idle_timeout(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	return ncat_time("-i", arg, &o->idle_timeout, err, errlen);
}

static enum nc_parse_result set_wait(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	return ncat_time("-w", arg, &o->wait, err, errlen);
}

static enum nc_parse_result set_max_conns(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	const char *why;
	long long v = to_num(arg, 1, INT_MAX, &why);
	if (why) {
		seterr(err, errlen, "Invalid maximum number of connections (must be at least 1): %s", arg);
		return NC_PARSE_ERROR;
	}
	o->max_conns = (int)v;
	return NC_PARSE_OK;
}

/* --allow and --deny: one more entry, up to NC_MAX_LIST of each */
static enum nc_parse_result add_host(const char **list, size_t *n, const char *arg, char *err, size_t errlen)
{
	if (!list_add(list, n, arg)) {
		seterr(err, errlen, "too many --allow/--deny options");
		return NC_PARSE_ERROR;
	}
	return NC_PARSE_OK;
}

static enum nc_parse_result set_allow(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	return add_host(o->allow, &o->nallow, arg, err, errlen);
}

static enum nc_parse_result set_deny(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	return add_host(o->deny, &o->ndeny, arg, err, errlen);
}

/* --proxy-type and --proxy-dns: one of the words, or ncat's "Invalid <what> "arg"." */
static enum nc_parse_result one_word(const char *arg, const char *const *words, const char *what, const char **dst,
				     char *err, size_t errlen)
{
	for (; *words; words++)
		if (!strcmp(arg, *words)) {
			*dst = arg;
			return NC_PARSE_OK;
		}
	seterr(err, errlen, "Invalid %s \"%s\".", what, arg);
	return NC_PARSE_ERROR;
}

static enum nc_parse_result set_proxy_type(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	static const char *const types[] = { "http", "socks4", "socks5", NULL };
	return one_word(arg, types, "proxy type", &o->proxy_type, err, errlen);
}

static enum nc_parse_result set_proxy_dns(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	static const char *const kinds[] = { "local", "remote", "both", "none", NULL };
	return one_word(arg, kinds, "proxy DNS type", &o->proxy_dns, err, errlen);
}

/* --chat is a broker that names the sender */
static enum nc_parse_result set_chat(struct nc_opts *o, const char *arg, char *err, size_t errlen)
{
	o->chat = true;
	o->broker = true;
	return NC_PARSE_OK;
}

/* OpenBSD nc's flags (Debian 1.219). */
static const struct nc_flag openbsd_flags[] = {
	FN('4', NULL, false, set_ipv4), FN('6', NULL, false, set_ipv6), ON('b', NULL, broadcast),
	ON('C', NULL, crlf), ON('D', NULL, so_debug), ON('d', NULL, no_stdin), ON('F', NULL, pass_fd),
	FN('h', NULL, false, set_help), FN('I', NULL, true, set_rcvbuf), FN('i', NULL, true, set_interval),
	ON('k', NULL, keep), ON('l', NULL, listen), FN('M', NULL, true, set_ttl),
	FN('m', NULL, true, set_minttl), ON('N', NULL, shut_on_eof), ON('n', NULL, numeric),
	FN('O', NULL, true, set_sndbuf), ARG('P', NULL, proxy_user), ARG('p', NULL, source_port),
	FN('q', NULL, true, set_quit), ON('r', NULL, randomize), ON('S', NULL, md5sig), ARG('s', NULL, source),
	FN('T', NULL, true, set_tos), ON('t', NULL, telnet), ON('U', NULL, unix_sock), ON('u', NULL, udp),
	FN('V', NULL, true, set_rtable), FN('v', NULL, false, set_verbose), FN('W', NULL, true, set_recvlimit),
	FN('w', NULL, true, set_timeout), FN('X', NULL, true, set_proxy_proto), ARG('x', NULL, proxy),
	ON('Z', NULL, dccp), ON('z', NULL, zero),
	FLAGS_END,
};

/* Traditional nc's extras, taken under the OpenBSD name too. */
static const struct nc_flag traditional_flags[] = {
	FN('c', NULL, true, set_sh_exec), FN('e', NULL, true, set_exec), FN('o', NULL, true, set_hexdump_plain),
	FLAGS_END,
};

/* ncat's short flags where they differ from OpenBSD's or add to them (the rest are OpenBSD's:
 * duct's ncat takes those too). */
static const struct nc_flag ncat_flags[] = {
	FN('c', NULL, true, set_sh_exec), FN('d', NULL, true, set_delay), FN('e', NULL, true, set_exec),
	FN('i', NULL, true, set_idle_timeout), ON('k', NULL, keep_open), FN('m', NULL, true, set_max_conns),
	ARG('o', NULL, output_file), FN('w', NULL, true, set_wait), FN('x', NULL, true, set_hexdump_ncat),
	FLAGS_END,
};

/* ncat's long options: taken under either name (and --ncat, read before the loop). */
static const struct nc_flag long_flags[] = {
	FN(0, "exec", true, set_exec), FN(0, "sh-exec", true, set_sh_exec), ON(0, "keep-open", keep_open),
	FN(0, "max-conns", true, set_max_conns), FN(0, "allow", true, set_allow), ARG(0, "allowfile", allowfile),
	FN(0, "deny", true, set_deny), ARG(0, "denyfile", denyfile), ON(0, "ssl", ssl),
	TLS_ARG("ssl-cert", ssl_cert), TLS_ARG("ssl-key", ssl_key),
	{ 0, "ssl-verify", false, SET_TRUE, offsetof(struct nc_opts, ssl_verify), true, NULL },
	TLS_ARG("ssl-trustfile", ssl_trustfile), TLS_ARG("ssl-servername", ssl_servername),
	TLS_ARG("ssl-alpn", ssl_alpn), TLS_ARG("ssl-ciphers", ssl_ciphers), ARG(0, "proxy", proxy),
	FN(0, "proxy-type", true, set_proxy_type), ARG(0, "proxy-auth", proxy_auth),
	FN(0, "proxy-dns", true, set_proxy_dns), ON(0, "send-only", send_only), ON(0, "recv-only", recv_only),
	ON(0, "no-shutdown", no_shutdown), ON(0, "broker", broker), FN(0, "chat", false, set_chat),
	ON(0, "crlf", crlf), ARG(0, "output", output_file), FN(0, "hex-dump", true, set_hexdump_ncat),
	ON(0, "append-output", append_output), FN(0, "idle-timeout", true, set_idle_timeout),
	FN(0, "wait", true, set_wait), FN(0, "delay", true, set_delay), FN(0, "version", false, set_version),
	FN(0, "help", false, set_help), ON(0, "udp", udp), ON(0, "unixsock", unix_sock), ON(0, "listen", listen),
	FN(0, "verbose", false, set_verbose), ON(0, "nodns", numeric), ARG(0, "source", source),
	ARG(0, "source-port", source_port), ON(0, "telnet", telnet), ON(0, "udp-strict", udp_strict),
	{ 0, "ncat", false, SET_NOTHING, 0, false, NULL },
	FLAGS_END,
};

#define NLONG (sizeof long_flags / sizeof long_flags[0] - 1)

/* The short-flag tables of each dialect, the first that has a flag decides its meaning. */
static const struct nc_flag *const openbsd_dialect[] = { openbsd_flags, traditional_flags, NULL };
static const struct nc_flag *const ncat_dialect[] = { ncat_flags, openbsd_flags, NULL };

static const struct nc_flag *const *dialect_tables(enum nc_dialect d)
{
	return d == NC_NCAT ? ncat_dialect : openbsd_dialect;
}

static const struct nc_flag *short_flag(enum nc_dialect d, int c)
{
	for (const struct nc_flag *const *t = dialect_tables(d); *t; t++)
		for (const struct nc_flag *f = *t; f->c || f->name; f++)
			if (f->c == c)
				return f;
	return NULL;
}

void nc_dialect_flags_foreach(enum nc_dialect d, void (*fn)(const char *flag, bool takes_value, void *arg),
			      void *arg)
{
	for (int c = 1; c < 256; c++) {
		const struct nc_flag *f = short_flag(d, c);
		char flag[3] = { '-', (char)c, 0 };
		if (f)
			fn(flag, f->arg, arg);
	}
	for (const struct nc_flag *f = long_flags; f->name; f++) {
		char flag[64];
		snprintf(flag, sizeof flag, "--%s", f->name);
		fn(flag, f->arg, arg);
	}
}

/* Completion's order: digits, then each letter upper case first (-C -c -D -d). */
static int completion_order(int c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A' + 'a') * 2;
	return c * 2 + (c >= 'a' && c <= 'z');
}

void nc_flags_foreach(void (*fn)(const char *flag, bool takes_value, void *arg), void *arg)
{
	/* every short flag of either dialect; it takes a value where either dialect gives it one */
	for (int k = 0; k < 512; k++) {
		for (int c = 1; c < 256; c++) {
			if (completion_order(c) != k)
				continue;
			const struct nc_flag *a = short_flag(NC_OPENBSD, c), *b = short_flag(NC_NCAT, c);
			char flag[3] = { '-', (char)c, 0 };
			if (a || b)
				fn(flag, (a && a->arg) || (b && b->arg), arg);
		}
	}
	for (const struct nc_flag *f = long_flags; f->name; f++) {
		char flag[64];
		snprintf(flag, sizeof flag, "--%s", f->name);
		fn(flag, f->arg, arg);
	}
}

/* getopt's view of a dialect: ":" (report a missing argument as ':') and each short flag,
 * and the long options, whose value is 256 + the row. No "+": GNU getopt permutes, as
 * nc.openbsd on Debian does (`nc host port -v` works). */
static void getopt_tables(enum nc_dialect d, char *optstring, size_t len, struct option *longs)
{
	size_t n = 0;
	optstring[n++] = ':';
	for (int c = 1; c < 256; c++) {
		const struct nc_flag *f = short_flag(d, c);
		if (f && n + 3 < len) {
			optstring[n++] = (char)c;
			if (f->arg)
				optstring[n++] = ':';
		}
	}
	optstring[n] = '\0';
	for (size_t i = 0; i < NLONG; i++)
		longs[i] = (struct option){ long_flags[i].name, long_flags[i].arg ? required_argument : no_argument,
					    NULL, 256 + (int)i };
	longs[NLONG] = (struct option){ NULL, 0, NULL, 0 };
}

/* Apply one flag's row. */
static enum nc_parse_result apply_flag(const struct nc_flag *f, struct nc_opts *o, const char *arg, char *err,
				       size_t errlen)
{
	/* the rows name their fields by offset: a bool for SET_TRUE, a const char * for SET_ARG */
	char *field = (char *)o + f->field;
	switch (f->set) {
	case SET_TRUE: *(bool *)field = true; break;
	case SET_ARG: *(const char **)field = arg; break;
	case SET_FN: return f->fn(o, arg, err, errlen);
	case SET_NOTHING: break;
	}
	if (f->tls)
		o->ssl = true;
	return NC_PARSE_OK;
}

/* ---- the operands and the checks after the loop ---- */

/* ncat: [host] [port], one port only, 31337 by default. */
static enum nc_parse_result ncat_operands(struct nc_opts *o, int nargs, char **args, char *err, size_t errlen)
{
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
	const char *why;
	(void)to_num(port, 0, 65535, &why);
	if (why) {
		seterr(err, errlen, "Invalid port number \"%s\".", port);
		return NC_PARSE_ERROR;
	}
	o->ports[o->nports++] = port;
	return NC_PARSE_OK;
}

/* OpenBSD's rules for the positional arguments (observed). */
static enum nc_parse_result openbsd_operands(struct nc_opts *o, int nargs, char **args, char *err, size_t errlen)
{
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
	return NC_PARSE_OK;
}

/* OpenBSD's flags that do not go together, and duct's proxy server (-l --proxy-type). */
static enum nc_parse_result openbsd_checks(struct nc_opts *o, char *err, size_t errlen)
{
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
		const char *what = o->udp ? "UDP mode" : o->listen ? "listen" : o->unix_sock ? "unix sockets"
			: o->source ? "local source address" : NULL;
		if (what) {
			seterr(err, errlen, "no proxy support for %s", what);
			return NC_PARSE_ERROR;
		}
	}
	return NC_PARSE_OK;
}

/* The step after the flags: the operands by the dialect's rules, then the combinations. */
static enum nc_parse_result validate(struct nc_opts *o, int nargs, char **args, char *err, size_t errlen)
{
	if (o->quit >= 0)
		o->shut_on_eof = true;
	if (o->dialect == NC_NCAT)
		return ncat_operands(o, nargs, args, err, errlen);
	enum nc_parse_result r = openbsd_operands(o, nargs, args, err, errlen);
	return r != NC_PARSE_OK ? r : openbsd_checks(o, err, errlen);
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

/* getopt's '?' and ':' in nc.openbsd's words (GNU getopt's, which it prints). */
static enum nc_parse_result usage_error(int c, char **argv, char *err, size_t errlen)
{
	if (c == ':') {
		if (optopt && optopt < 256)
			seterr(err, errlen, "option requires an argument -- '%c'", optopt);
		else
			seterr(err, errlen, "option '%s' requires an argument", argv[optind - 1]);
	} else {
		if (optopt && optopt < 256)
			seterr(err, errlen, "invalid option -- '%c'", optopt);
		else
			seterr(err, errlen, "unrecognized option '%s'", argv[optind - 1]);
	}
	return NC_PARSE_USAGE;
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
	char optstring[256];
	struct option longs[NLONG + 1];
	getopt_tables(dialect, optstring, sizeof optstring, longs);
	opterr = 0;
	optind = 0;
	int c, li;
	while ((c = getopt_long(argc, argv, optstring, longs, &li)) != -1) {
		const struct nc_flag *f = c >= 256 && c < 256 + (int)NLONG ? &long_flags[c - 256]
					  : c != ':' && c != '?' ? short_flag(dialect, c) : NULL;
		if (!f)
			return usage_error(c, argv, err, errlen);
		enum nc_parse_result r = apply_flag(f, o, optarg, err, errlen);
		if (r != NC_PARSE_OK)
			return r;
	}
	return validate(o, argc - optind, argv + optind, err, errlen);
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
