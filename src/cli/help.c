/* -V prints the version and the compiled feature list as "#define WITH_X 1" / "#undef WITH_X"
 * lines (scripts test features that way); -h lists every address type with its parameters
 * and groups, -hh adds every option, -hhh every alias, each list sorted, in socat's layout. */
#include "cli/help.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "common/log.h"
#include "common/version.h"
#include "opt/opt.h"
#include "xio/xio.h"

/* Feature name -> what must exist for it to be compiled in: an address keyword, or an option
 * name when prefixed with '='. NULL: never (features duct doesn't have). */
static const struct { const char *feature; const char *needs; } features[] = {
	{ "HELP", "" }, { "STATS", "" }, { "STDIO", "STDIO" }, { "FDNUM", "FD" }, { "FILE", "OPEN" },
	{ "CREAT", "CREATE" }, { "GOPEN", "GOPEN" }, { "TERMIOS", "=b9600" }, { "PIPE", "PIPE" },
	{ "SOCKETPAIR", "SOCKETPAIR" }, { "UNIX", "UNIX-CONNECT" }, { "ABSTRACT_UNIXSOCKET", "ABSTRACT-CONNECT" },
	{ "IP4", "TCP4" }, { "IP6", "TCP6" }, { "RAWIP", "IP-SENDTO" }, { "GENERICSOCKET", "SOCKET-CONNECT" },
	{ "INTERFACE", "INTERFACE" }, { "TCP", "TCP" }, { "UDP", "UDP" }, { "SCTP", "SCTP" }, { "DCCP", "DCCP" },
	{ "UDPLITE", "UDPLITE" }, { "LISTEN", "TCP-LISTEN" }, { "POSIXMQ", "POSIXMQ-READ" }, { "SOCKS4", "SOCKS4" },
	{ "SOCKS4A", "SOCKS4A" }, { "SOCKS5", "SOCKS5" }, { "VSOCK", "VSOCK-CONNECT" }, { "NAMESPACES", "=netns" },
	{ "PROXY", "PROXY" }, { "SYSTEM", "SYSTEM" }, { "SHELL", "SHELL" }, { "EXEC", "EXEC" },
	{ "READLINE", "READLINE" }, { "TUN", "TUN" }, { "PTY", "PTY" }, { "OPENSSL", "OPENSSL" }, { "FIPS", NULL },
	{ "LIBWRAP", NULL }, { "SYCLS", "" }, { "FILAN", "" }, { "RETRY", "=retry" }, { "DEVTESTS", NULL },
};

static int have(const char *needs)
{
	if (!needs)
		return 0;
	if (!*needs)
		return 1;
	if (*needs == '=')
		return opt_lookup(needs + 1) != NULL;
	return xio_find(needs) != NULL;
}

void help_version(FILE *out)
{
	struct utsname u;
	uname(&u);
	fprintf(out, "%s by the duct authors - MIT licence; a socat-compatible socket relay\n", log_progname());
	fprintf(out, "%s version %s on %s %s\n", log_progname(), DUCT_VERSION, __DATE__, __TIME__);
	fprintf(out, "   running on %s version %s, release %s, machine %s\n", u.sysname, u.version, u.release,
		u.machine);
	fputs("features:\n", out);
	for (size_t i = 0; i < sizeof features / sizeof features[0]; i++) {
		if (have(features[i].needs))
			fprintf(out, "  #define WITH_%s 1\n", features[i].feature);
		else
			fprintf(out, "  #undef WITH_%s\n", features[i].feature);
	}
	fputs("  #define WITH_MSGLEVEL 0 /*debug*/\n", out);
	fputs("  #define WITH_DEFAULT_IPV 4\n", out);
}

static const char *const usage_lines[] = {
	"      -V     print version and feature information to stdout, and exit",
	"      -h|-?  print a help text describing command line options and addresses",
	"      -hh    like -h, plus a list of all common address option names",
	"      -hhh   like -hh, plus a list of all available address option names",
	"      -d[ddd]         increase verbosity (use up to 4 times; 2 are recommended)",
	"      -d0|1|2|3|4     set verbosity level (0: Errors; 4 all including Debug)",
	"      -D     analyze file descriptors before loop",
	"      --experimental  enable experimental features",
	"      --statistics    output transfer statistics on exit",
	"      -ly[facility]  log to syslog, using facility (default is daemon)",
	"      -lf<logfile>   log to file",
	"      -ls            log to stderr (default if no other log)",
	"      -lm[facility]  mixed log mode (stderr during initialization, then syslog)",
	"      -lp<progname>  set the program name used for logging and vars",
	"      -lu            use microseconds for logging timestamps",
	"      -lh            add hostname to log messages",
	"      -v     verbose text dump of data traffic",
	"      -x     verbose hexadecimal dump of data traffic",
	"      -r <file>      raw dump of data flowing from left to right",
	"      -R <file>      raw dump of data flowing from right to left",
	"      -b<size_t>     set data buffer size (default: sized by the engine; socat uses 8192)",
	"      -s     sloppy (continue on error)",
	"      -S<sigmask>    log these signals, override default",
	"      -t<timeout>    wait seconds before closing second channel",
	"      -T<timeout>    total inactivity timeout in seconds",
	"      -u     unidirectional mode (left to right)",
	"      -U     unidirectional mode (right to left)",
	"      -g     do not check option groups",
	"      -L <lockfile>  try to obtain lock, or fail",
	"      -W <lockfile>  try to obtain lock, or wait",
	"      -0     do not prefer an IP version",
	"      -4     prefer IPv4 if version is not explicitly specified",
	"      -6     prefer IPv6 if version is not explicitly specified",
	"      --fork-process  serve fork sessions in a process each (socat's classic way)",
	"      --workers <n>   run n listener processes sharing the port (SO_REUSEPORT)",
	"      --no-splice     never use splice(2); move all data through buffers",
};

static void tabs_to(FILE *out, size_t len, size_t width)
{
	size_t n = len < width ? (width - len + 7) / 8 : 0;
	for (size_t i = 0; i <= n; i++)
		fputc('\t', out);
}

struct name_entry {
	const char *name;
	const void *target; /* handler or opt_def */
	int alias;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct name_entry *)a)->name, ((const struct name_entry *)b)->name);
}

static void print_addresses(FILE *out, int level)
{
	const struct xio_handler *const *hs = xio_handlers();
	size_t n = 0, cap = 64;
	struct name_entry *v = malloc(cap * sizeof *v);
	for (size_t i = 0; v && hs[i]; i++) {
		for (int k = -1; k < 0 || (level >= 3 && hs[i]->aliases && hs[i]->aliases[k]); k++) {
			if (n == cap) {
				struct name_entry *nv = realloc(v, (cap *= 2) * sizeof *v);
				if (!nv)
					break;
				v = nv;
			}
			v[n].name = k < 0 ? hs[i]->name : hs[i]->aliases[k];
			v[n].target = hs[i];
			v[n].alias = k >= 0;
			n++;
		}
	}
	if (!v)
		return;
	qsort(v, n, sizeof *v, cmp_entry);
	for (size_t i = 0; i < n; i++) {
		const struct xio_handler *h = v[i].target;
		if (!strcmp(v[i].name, "-") && level < 3)
			continue;
		char head[160];
		if (v[i].alias) {
			snprintf(head, sizeof head, "      %s", v[i].name);
			fputs(head, out);
			tabs_to(out, strlen(v[i].name), 40);
			fprintf(out, "is an alias name for %s\n", h->name);
			continue;
		}
		snprintf(head, sizeof head, "%s%s", h->name, h->usage ? h->usage : "");
		char groups[256];
		opt_groups_str(h->groups, true, groups, sizeof groups);
		fprintf(out, "      %s", head);
		tabs_to(out, strlen(head), 40);
		fprintf(out, "groups=%s\n", groups);
	}
	if (level >= 3) {
		fputs("         <num> is a short form for fd:<num>\n", out);
		fputs("         <filename> is a short form for gopen:<filename>\n", out);
	}
	free(v);
}

struct opt_collect {
	struct name_entry *v;
	size_t n, cap;
	int level;
};

static void collect_opt(const char *name, const struct opt_def *def, bool is_alias, void *arg)
{
	struct opt_collect *c = arg;
	if (is_alias && c->level < 3)
		return;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 512;
		struct name_entry *nv = realloc(c->v, ncap * sizeof *nv);
		if (!nv)
			return;
		c->v = nv;
		c->cap = ncap;
	}
	c->v[c->n++] = (struct name_entry){ name, def, is_alias };
}

static void print_options(FILE *out, int level)
{
	struct opt_collect c = { .level = level };
	opt_foreach(collect_opt, &c);
	qsort(c.v, c.n, sizeof *c.v, cmp_entry);
	fputs("   opts:\n      <opt>{,<opts>}:\n   opt:\n", out);
	for (size_t i = 0; i < c.n; i++) {
		char line[512];
		opt_help_line(c.v[i].target, c.v[i].name, c.v[i].alias, line, sizeof line);
		fprintf(out, "%s\n", line);
	}
	free(c.v);
}

void help_usage(FILE *out, int level)
{
	fprintf(out, "%s by the duct authors - MIT licence; a socat-compatible socket relay\n", log_progname());
	fprintf(out, "Usage:\n%s [options] <bi-address> <bi-address>\n   options:\n", log_progname());
	for (size_t i = 0; i < sizeof usage_lines / sizeof usage_lines[0]; i++)
		fprintf(out, "%s\n", usage_lines[i]);
	fputs("   bi-address:  /* is an address that may act both as data sync and source */\n"
	      "      <single-address>\n"
	      "      <single-address>!!<single-address>\n"
	      "   single-address:\n"
	      "      <address-head>[,<opts>]\n"
	      "   address-head:\n",
	      out);
	print_addresses(out, level);
	if (level >= 2)
		print_options(out, level);
}
