/* -V prints the version and the compiled feature list as "#define WITH_X 1" / "#undef WITH_X"
 * lines (scripts test features that way); -h lists every address type with its parameters
 * and groups, -hh adds every option, -hhh every alias, each list sorted; the rows keep socat's
 * layout (scripts parse them), the prose around them is ours. */
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

/* duct -h: our own words and layout (socat's text is GPL; only the -hh/-hhh rows keep
 * socat's row format, which scripts parse). Each group is what a user looks for. */
static const char intro_text[] =
	"%1$s %2$s - move bytes between two addresses: sockets, files, programs, terminals, TLS.\n"
	"Reads socat command lines; `%1$s nc` is netcat and `%1$s ss` lists sockets.\n"
	"\n"
	"Usage:\n"
	"  %1$s [OPTION]... ADDRESS ADDRESS   relay, socat's syntax\n"
	"  %1$s nc [FLAG]... [HOST] PORT      netcat (OpenBSD flags; ncat's long ones)  %1$s nc -h\n"
	"  %1$s ss [FLAG]... [FILTER]         socket listing as iproute2 ss, plus -j    %1$s ss -h\n"
	"  %1$s ctl PATH COMMAND              ask a relay run with --control=PATH\n"
	"\n"
	"ADDRESS is TYPE:PARAMETERS,OPTION,NAME=VALUE... (TCP-LISTEN:8080,fork,reuseaddr).\n"
	"Two one-way addresses joined as READ!!WRITE make one; `-` is stdin/stdout, a number N\n"
	"is FD:N, and a path alone is GOPEN:path.\n";

struct help_group {
	const char *title;
	const char *rows; /* "flag\tmeaning\n" lines */
};

static const struct help_group help_groups[] = {
	{ "What to print",
	  "-h, -?\tthis text; -hh adds every address type and the common options,\n"
	  "\t-hhh every option and alias (the rows socat scripts parse)\n"
	  "-V\tversion and the compiled-in features, as #define lines\n" },
	{ "Messages",
	  "-d ... -dddd\tone more level of detail each time (-d0..-d4 sets it); -dd is useful\n"
	  "-lf FILE\twrite messages to FILE      -ls   to stderr (the default)\n"
	  "-ly[FAC]\tto syslog (facility daemon)  -lm[FAC] stderr while opening, then syslog\n"
	  "-lp NAME\tthe name in messages and in the <NAME>_* variables of child programs\n"
	  "-lu, -lh\tmicroseconds in timestamps; the host name in each line\n"
	  "-D\tdescribe the open file descriptors before relaying\n"
	  "--statistics\tbyte and packet counts per direction at the end (and on SIGUSR1)\n" },
	{ "Seeing the data",
	  "-v, -x\tcopy what passes to stderr as text (-v) or hex (-x), with direction marks\n"
	  "-r FILE\tappend the bytes going from the first address to the second to FILE\n"
	  "-R FILE\tthe same for the other way; $$, $TIMESTAMP, $VAR expand per session\n"
	  "--pcap FILE\twrite what every session relays to FILE as TCP/UDP packets (tcpdump -r);\n"
	  "\t--pcap-snaplen N keeps at most N bytes of each (60..262144)\n" },
	{ "Direction and timing",
	  "-u, -U\tone way only: first to second (-u) or second to first (-U)\n"
	  "-t SECS\tafter one side ends, how long the other may still send (0.5)\n"
	  "-T SECS\tend a session that moved no data for SECS\n"
	  "-b BYTES\tthe most read or written at once (duct sizes buffers itself otherwise)\n"
	  "-s\tgo on after errors that would end the relay\n" },
	{ "Names, locks, signals",
	  "-4, -6, -0\tresolve names to IPv4 first, IPv6 first, or as the resolver says\n"
	  "-L FILE\ttake the UUCP lock file FILE or exit; -W FILE waits for it\n"
	  "-S MASK\tthe signals to log and end on, as a bit mask (default 0x89de)\n"
	  "-g\taccept options outside the address's groups\n"
	  "--experimental\tallow features marked experimental\n" },
	{ "duct's own",
	  "--fork-process\tserve each connection of a fork listener in its own process\n"
	  "--workers N\tN processes share each listening port (SO_REUSEPORT)\n"
	  "--no-splice\tcopy through buffers instead of splice(2)\n"
	  "--rate-limit RATE\n"
	  "\tall sessions together read at most RATE bytes/s (k, M, G)\n" },
	{ "Watching a running relay",
	  "--session-log FILE\n"
	  "\tone JSON line per session opened and closed (- for stderr)\n"
	  "--control PATH\ta UNIX socket (0600): sessions, stats, close N, reload\n" },
};

/* the options named anywhere in the rows: "-d0..-d4" gives -d0, "-lm[FAC]" -lm */
void help_flags_foreach(void (*fn)(const char *flag, void *arg), void *arg)
{
	for (size_t g = 0; g < sizeof help_groups / sizeof help_groups[0]; g++) {
		const char *r = help_groups[g].rows;
		for (const char *p = r; *p; p++) {
			if (*p != '-' || (p > r && !strchr(" \t\n,(", p[-1])))
				continue;
			size_t n = 1;
			while (p[n] == '-' || p[n] == '?' || (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
			       (p[n] >= '0' && p[n] <= '9'))
				n++;
			if (n < 2 || p[1] == ' ' || (p[1] == '-' && n < 4))
				continue;
			char flag[32];
			snprintf(flag, sizeof flag, "%.*s", (int)n, p);
			fn(flag, arg);
			p += n - 1;
		}
	}
}

static const char examples_text[] =
	"\n"
	"Examples:\n"
	"  %1$s TCP-LISTEN:8080,fork,reuseaddr TCP:localhost:80     forward a port\n"
	"  %1$s - OPENSSL:example.org:443                            talk TLS from the terminal\n"
	"  %1$s PTY,link=/tmp/ttyV0,raw,echo=0 TCP:host:2000         a serial line over the net\n"
	"\n"
	"Every address type and option, with what it does: man %1$s\n";

/* "flag\tmeaning" rows, the meanings aligned; a row starting with a tab continues the last */
static void print_rows(FILE *out, const char *rows)
{
	while (*rows) {
		const char *nl = strchr(rows, '\n');
		size_t len = nl ? (size_t)(nl - rows) : strlen(rows);
		const char *tab = memchr(rows, '\t', len);
		size_t flen = tab ? (size_t)(tab - rows) : len;
		const char *text = tab ? tab + 1 : rows + len;
		int tlen = (int)(len - (size_t)(text - rows));
		fprintf(out, "  %-16.*s%.*s\n", (int)flen, rows, tlen, text);
		rows += len + (nl != NULL);
	}
}

static int cmp_str(const void *a, const void *b);

/* -h: the type names only, wrapped (-hh shows their parameters and groups) */
static void print_type_names(FILE *out)
{
	fputs("\nAddress types (-hh: with parameters and option groups):\n", out);
	const struct xio_handler *const *hs = xio_handlers();
	size_t n = 0;
	while (hs[n])
		n++;
	const char **names = malloc((n ? n : 1) * sizeof *names);
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		names[i] = hs[i]->name;
	qsort(names, n, sizeof *names, cmp_str);
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		size_t w = strlen(names[i]) + 1;
		if (col && col + w > 78) {
			fputc('\n', out);
			col = 0;
		}
		fprintf(out, "%s%s", col ? " " : "  ", names[i]);
		col += w + (col ? 0 : 1);
	}
	fputc('\n', out);
	free(names);
}

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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
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
	fprintf(out, "\nOptions (%s): name, the groups that take it, when it applies, its value\n",
		level >= 3 ? "all, with aliases" : "the common ones; -hhh for all");
	for (size_t i = 0; i < c.n; i++) {
		char line[512];
		opt_help_line(c.v[i].target, c.v[i].name, c.v[i].alias, line, sizeof line);
		fprintf(out, "%s\n", line);
	}
	free(c.v);
}

void help_usage(FILE *out, int level)
{
	const char *me = log_progname();
	fprintf(out, intro_text, me, DUCT_VERSION);
	for (size_t i = 0; i < sizeof help_groups / sizeof help_groups[0]; i++) {
		fprintf(out, "\n%s:\n", help_groups[i].title);
		print_rows(out, help_groups[i].rows);
	}
	if (level < 2) {
		print_type_names(out);
		fprintf(out, examples_text, me);
		return;
	}
	fputs("\nAddress types: TYPE:PARAMETERS, then the option groups it takes\n", out);
	print_addresses(out, level);
	print_options(out, level);
}
