/* socat's command line: global options, then exactly two addresses -> a relay plan.
 *
 * Parsing rules (socat's): options are taken while the next word starts with '-'; a word that
 * is exactly "-" or starts with "-," "-:" or "-!!" is the first address (STDIO). Single-letter
 * flags are never merged ("-vx" is refused). Options with a value take it glued ("-b4096") or
 * as the next word ("-b 4096"); -ly and -lm take their facility glued only. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli/help.h"
#include "common/log.h"
#include "opt/opt.h"
#include "relay/rate.h"
#include "relay/capture.h"
#include "relay/pcap.h"
#include "run/plan.h"
#include "run/sniff.h"

#define USE_H "; use option \"-h\" for help"

struct cli_state {
	struct run_plan *p;
	int dcount;          /* number of -d seen (socat 1.8: 0 and 1 both mean warnings) */
	int dlevel;          /* -dN given explicitly: -1 if not */
	int help;            /* 1..3 for -h/-hh/-hhh */
	bool version;
	const char *sniff[2];
	const char *pcap;    /* --pcap FILE */
	uint32_t snaplen;    /* --pcap-snaplen, 0: the default */
};

/* The value of an option that takes one: glued to the flag, or the next word. */
static const char *take_value(int *i, int argc, char **argv, size_t flaglen)
{
	const char *w = argv[*i];
	if (w[flaglen])
		return w + flaglen;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* -b: a size in bytes. Messages carry socat's words ("missing numerical value", "trailing
 * garbage in numerical arg", "buffer size option (-b) to big") so scripts grepping them work. */
static int parse_size(const char *flag, const char *v, size_t *out)
{
	const size_t max = (SIZE_MAX - 1) / 2;
	const char *p = v ? v : "";
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	bool neg = *p == '-';
	if (neg)
		p++;
	if (!(*p >= '0' && *p <= '9')) {
		ERR("parseopts(): missing numerical value of option \"%s\": expected a size in bytes (e.g. %s 65536), got \"%s\"" USE_H,
		    flag, flag, v ? v : "");
		return -1;
	}
	errno = 0;
	unsigned long long n = strtoull(p, &end, 0);
	if (*end) {
		ERR("parseopts(): trailing garbage in numerical arg of option \"%s\": \"%s\" (expected a size in bytes, e.g. %s 65536)",
		    flag, v, flag);
		return -1;
	}
	if (neg || errno == ERANGE || n > max) {
		ERR("buffer size option (%s) to big - \"%s\"%s (max is %zu; expected a size in bytes, e.g. %s 65536)", flag,
		    v, neg ? " is negative" : "", max, flag);
		return -1;
	}
	if (n == 0) {
		ERR("option %s: block size %llu out of range (1..%zu)", flag, n, max);
		return -1;
	}
	*out = (size_t)n;
	return 0;
}

static int parse_secs(const char *flag, const char *v, double *out)
{
	char *end;
	if (!v || !*v) {
		ERR("parseopts(): missing numerical value of option \"%s\"", flag);
		return -1;
	}
	errno = 0;
	double d = strtod(v, &end);
	if (end == v) {
		ERR("parseopts(): missing numerical value of option \"%s\": expected seconds (e.g. %s 1.5), got \"%s\"",
		    flag, flag, v);
		return -1;
	}
	if (*end || errno) {
		ERR("parseopts(): trailing garbage in numerical arg of option \"%s\": expected seconds (e.g. %s 1.5), got \"%s\"",
		    flag, flag, v);
		return -1;
	}
	*out = d;
	return 0;
}

static int set_debug_level(struct cli_state *st, const char *w)
{
	/* -d, -dd, -ddd, -dddd, or -d0..-d4 */
	const char *rest = w + 2;
	if (!*rest) {
		st->dcount++;
		return 0;
	}
	if (rest[0] >= '0' && rest[0] <= '4' && !rest[1]) {
		st->dlevel = rest[0] - '0';
		st->dcount = 0;
		return 0;
	}
	size_t n = strspn(rest, "d");
	if (!rest[n]) {
		st->dcount += (int)n + 1;
		return 0;
	}
	ERR("unknown option \"%s\"; -d takes -d, -dd, -ddd, -dddd or -d0 .. -d4" USE_H, w);
	return -1;
}

static enum log_level debug_to_level(const struct cli_state *st)
{
	static const enum log_level by_n[] = { LOG_E, LOG_W, LOG_N, LOG_I, LOG_D };
	if (st->dlevel >= 0)
		return by_n[st->dlevel];
	int n = st->dcount < 1 ? 1 : st->dcount > 4 ? 4 : st->dcount;
	return by_n[n];
}

static int parse_log_facility(const char *w, const char *flag)
{
	const char *fac = w + strlen(flag);
	if (!*fac)
		return LOG_DAEMON;
	int f = log_facility_by_name(fac);
	if (f < 0)
		ERR("option %s: unknown syslog facility \"%s\" (try daemon, user, local0 .. local7)", flag, fac);
	return f;
}

/* --NAME=VALUE or --NAME VALUE (l is the word after "--", n the length of NAME): a non-empty
 * VALUE into *out. Returns 1, or -1 (printed). */
static int long_value(int *i, int argc, char **argv, const char *l, size_t n, const char *what, const char **out)
{
	const char *v = l[n] == '=' ? l + n + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
	if (!v || !*v) {
		ERR("option --%.*s: expected %s, got nothing; e.g. --%.*s=/run/duct.%s", (int)n, l, what, (int)n, l,
		    n == 7 ? "sock" : "log");
		return -1;
	}
	*out = v;
	return 1;
}

/* --pcap FILE, --pcap=FILE, --pcap-snaplen N, --pcap-snaplen=N (l: after the dashes). */
static int parse_pcap(struct cli_state *st, const char *l, int *i, int argc, char **argv)
{
	bool snap = !strncmp(l, "pcap-snaplen", 12);
	size_t n = snap ? 12 : 4;
	if (l[n] && l[n] != '=') {
		ERR("unknown option \"--%s\"" USE_H, l);
		return -1;
	}
	const char *v = l[n] == '=' ? l + n + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
	if (!snap) {
		if (!v || !*v) {
			ERR("option --pcap requires a file name (e.g. --pcap=relay.pcap)" USE_H);
			return -1;
		}
		st->pcap = v;
		return 1;
	}
	unsigned long long s;
	if (!v || parse_ulong_str(v, &s) < 0 || s < PCAP_SNAPLEN_MIN || s > PCAP_SNAPLEN_DEFAULT) {
		ERR("option --pcap-snaplen: expected a number of bytes per packet %u..%u, got \"%s\"",
		    PCAP_SNAPLEN_MIN, PCAP_SNAPLEN_DEFAULT, v ? v : "");
		return -1;
	}
	st->snaplen = (uint32_t)s;
	return 1;
}

/* Options a single word can be. Returns 1 when the word is consumed, 0 when it isn't an
 * option (first address), -1 on error. */
/* duct's own long options (--NAME, --NAME=VALUE, --NAME VALUE; w is the whole word). */
static int parse_long(struct cli_state *st, int *i, int argc, char **argv, const char *w)
{
	struct run_plan *p = st->p;
	const char *l = w + 2;
	if (!strcmp(l, "statistics")) { p->relay.statistics = true; return 1; }
	if (!strcmp(l, "experimental")) { p->xg.experimental = true; return 1; }
	if (!strcmp(l, "help")) { st->help = 1; return 1; }
	if (!strcmp(l, "version")) { st->version = true; return 1; }
	if (!strcmp(l, "fork-process")) { p->xg.classic_fork = true; return 1; }
	if (!strcmp(l, "no-splice")) { p->relay.nosplice = true; return 1; }
	if (!strncmp(l, "session-log", 11) && (l[11] == '=' || !l[11]))
		return long_value(i, argc, argv, l, 11, "FILE (or - for stderr)", &p->session_log);
	if (!strncmp(l, "control", 7) && (l[7] == '=' || !l[7]))
		return long_value(i, argc, argv, l, 7, "PATH of the control socket to create", &p->control_path);
	if (!strncmp(l, "workers", 7) && (l[7] == '=' || !l[7])) {
		const char *v = l[7] == '=' ? l + 8 : (*i + 1 < argc ? argv[++*i] : NULL);
		unsigned long long n;
		if (!v || parse_ulong_str(v, &n) < 0 || n < 1 || n > 256) {
			ERR("option --workers: expected a number of processes 1..256, got \"%s\"", v ? v : "");
			return -1;
		}
		p->xg.workers = (int)n;
		return 1;
	}
	if (!strncmp(l, "rate-limit", 10) && (l[10] == '=' || !l[10])) {
		const char *v = l[10] == '=' ? l + 11 : (*i + 1 < argc ? argv[++*i] : NULL);
		char why[96];
		if (!v || rate_parse(v, &p->relay.rate_limit, why, sizeof why) < 0) {
			ERR("option --rate-limit: %s, got \"%s\"", v ? why : "expected bytes per second (e.g. 1M)", v ? v : "");
			return -1;
		}
		return 1;
	}
	if (!strncmp(l, "pcap", 4) && (l[4] == '=' || !l[4] || !strncmp(l + 4, "-snaplen", 8)))
		return parse_pcap(st, l, i, argc, argv);
	ERR("unknown option \"%s\"" USE_H, w);
	return -1;
}

static int parse_one(struct cli_state *st, int *i, int argc, char **argv)
{
	struct run_plan *p = st->p;
	const char *w = argv[*i];

	if (w[0] != '-' || !w[1] || w[1] == ',' || w[1] == ':' || !strncmp(w, "-!!", 3))
		return 0;

	if (w[1] == '-')
		return parse_long(st, i, argc, argv, w);

	char c = w[1];
	const char *v;
	switch (c) {
	case 'V':
		if (w[2]) break;
		st->version = true;
		return 1;
	case 'h':
	case '?': {
		size_t n = strspn(w + 1, c == 'h' ? "h" : "?");
		if (w[1 + n] || n > 3) break;
		st->help = (int)n;
		return 1;
	}
	case 'd':
		return set_debug_level(st, w) < 0 ? -1 : 1;
	case 'D': if (w[2]) break; p->dump_fds = true; return 1;
	case 'v': if (w[2]) break; p->relay.dump_text = true; return 1;
	case 'x': if (w[2]) break; p->relay.dump_hex = true; return 1;
	case 's': if (w[2]) break; p->relay.sloppy = true; return 1;
	case 'u':
	case 'U':
		if (w[2]) break;
		if (p->relay.dir != RELAY_BOTH && p->relay.dir != (c == 'u' ? RELAY_LEFT_TO_RIGHT : RELAY_RIGHT_TO_LEFT)) {
			ERR("-U and -u must not be combined");
			return -1;
		}
		p->relay.dir = c == 'u' ? RELAY_LEFT_TO_RIGHT : RELAY_RIGHT_TO_LEFT;
		return 1;
	case 'g': if (w[2]) break; p->xg.nogroupcheck = true; return 1;
	case '4': case '6': case '0':
		if (w[2]) break;
		p->xg.ipv = c - '0';
		p->xg.listen_ipv = 0; /* the option wins over SOCAT_DEFAULT_LISTEN_IP */
		return 1;
	case 'b':
		v = take_value(i, argc, argv, 2);
		if (!v) { ERR("option -b requires an argument" USE_H); return -1; }
		if (parse_size("-b", v, &p->relay.bufsize) < 0) return -1;
		p->relay.bufsize_explicit = true;
		return 1;
	case 't':
	case 'T': {
		char flag[3] = { '-', c, 0 };
		v = take_value(i, argc, argv, 2);
		if (!v) { ERR("option %s requires an argument" USE_H, flag); return -1; }
		return parse_secs(flag, v, c == 't' ? &p->relay.closing_timeout : &p->relay.inactivity_timeout) < 0 ? -1 : 1;
	}
	case 'S': {
		unsigned long long m;
		v = take_value(i, argc, argv, 2);
		if (!v) { ERR("option -S requires an argument" USE_H); return -1; }
		if (parse_ulong_str(v, &m) < 0) {
			ERR("option -S: expected a signal bit mask (e.g. 0x89de), got \"%s\"", v);
			return -1;
		}
		p->catch_mask = (unsigned long)m;
		return 1;
	}
	case 'r':
	case 'R': {
		char flag[3] = { '-', c, 0 };
		v = take_value(i, argc, argv, 2);
		if (!v) { ERR("option %s requires an argument" USE_H, flag); return -1; }
		st->sniff[c == 'r' ? 0 : 1] = v;
		return 1;
	}
	case 'L':
	case 'W': {
		char flag[3] = { '-', c, 0 };
		v = take_value(i, argc, argv, 2);
		if (!v) { ERR("option %s requires an argument" USE_H, flag); return -1; }
		p->lockfile = v;
		p->lock_wait = c == 'W';
		return 1;
	}
	case 'l':
		switch (w[2]) {
		case 'y': {
			int f = parse_log_facility(w, "-ly");
			if (f < 0) return -1;
			log_use_syslog(f);
			return 1;
		}
		case 'm': {
			int f = parse_log_facility(w, "-lm");
			if (f < 0) return -1;
			log_cfg()->facility = f;
			log_cfg()->target = LOGT_MIXED;
			return 1;
		}
		case 'f':
			v = take_value(i, argc, argv, 3);
			if (!v) { ERR("option -lf requires an argument" USE_H); return -1; }
			if (log_open_file(v) < 0) {
				ERR("option -lf: cannot open log file \"%s\": %s", v, strerror(errno));
				return -1;
			}
			return 1;
		case 'p':
			v = take_value(i, argc, argv, 3);
			if (!v) { ERR("option -lp requires an argument" USE_H); return -1; }
			log_set_progname(v);
			return 1;
		case 's': if (w[3]) break; log_cfg()->target = LOGT_STDERR; return 1;
		case 'u': if (w[3]) break; log_cfg()->micros = true; return 1;
		case 'h': if (w[3]) break; log_cfg()->hostname = true; return 1;
		}
		break;
	}

	/* A letter that exists but with junk glued on, e.g. "-vx": socat's wording. */
	if (w[2] && strchr("VDvxsuUg460", c) && strchr("VhdDvxsuUg460lbtTSrRLW?", w[2])) {
		fprintf(stderr, "Do not merge single character options, i.e. use \"-%c -%c\" instead of \"%s\"\n", c,
			w[2], w);
		return -1;
	}
	ERR("unknown option \"%s\"" USE_H, w);
	return -1;
}

/* socat -d -d ends an error exit with "N exit(N)", also when the command line or an address
 * was wrong and nothing ran. */
static int early_exit(const struct cli_state *st, int status)
{
	log_cfg()->min_level = debug_to_level(st);
	if (status)
		NOTE("exit(%d)", status);
	return status;
}

int cli_main(int argc, char **argv)
{
	struct run_plan plan;
	struct cli_state st = { .p = &plan, .dlevel = -1 };
	run_plan_init(&plan);

	int i = 1;
	for (; i < argc; i++) {
		int r = parse_one(&st, &i, argc, argv);
		if (r < 0)
			return early_exit(&st, 1);
		if (r == 0)
			break;
	}
	log_cfg()->min_level = debug_to_level(&st);
	log_cfg()->level_given = st.dcount > 0 || st.dlevel >= 0;

	if (st.version) {
		help_version(stdout);
		return 0;
	}
	if (st.help) {
		help_usage(stdout, st.help);
		return 0;
	}

	int naddr = argc - i;
	if (naddr != 2) {
		ERR("exactly 2 addresses required (there are %d); use option \"-h\" for help", naddr);
		return early_exit(&st, 1);
	}
	for (int k = 0; k < 2; k++) {
		if (st.sniff[k] && sniff_name_varies(st.sniff[k])) {
			plan.sniff_name[k] = st.sniff[k]; /* expanded and opened for each session */
		} else if (st.sniff[k]) {
			struct timeval now;
			gettimeofday(&now, NULL);
			plan.relay.sniff_fd[k] = sniff_open(k ? "-R" : "-r", st.sniff[k], &now, NULL, 0);
			if (plan.relay.sniff_fd[k] < 0)
				return early_exit(&st, 1);
		}
	}
	/* before resolving: the nofork check refuses a capture it would make useless */
	if (st.snaplen && !st.pcap) {
		ERR("option --pcap-snaplen: only with --pcap=FILE (it bounds the packets written there)");
		return early_exit(&st, 1);
	}
	if (st.pcap && capture_open(st.pcap, st.snaplen ? st.snaplen : PCAP_SNAPLEN_DEFAULT) < 0)
		return early_exit(&st, 1);
	if (plan.control_path && plan.xg.workers > 1) {
		ERR("option --control: one control socket can't answer for %d worker processes; use --workers 1 or leave --control out",
		    plan.xg.workers);
		return early_exit(&st, 1);
	}
	plan.addr_text[0] = argv[i];
	plan.addr_text[1] = argv[i + 1];
	if (run_plan_resolve(&plan) < 0) {
		run_plan_free(&plan);
		return early_exit(&st, 1);
	}
	int status = run_plan_run(&plan);
	run_plan_free(&plan);
	return status;
}
