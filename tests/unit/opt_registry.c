/* Unit tests for the option registry: tables, lookup, value parsing, dalan, group check,
 * taking, and the generic applier on real descriptors (socketpair, pipe, tmp file, pty). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

#include "opt/opt.h"
#include "tap.h"

static char err[512];

/* ---- tables ---- */

struct seen {
	const char *names[2048];
	int n, dups, canon, aliases;
};

static void collect(const char *name, const struct opt_def *def, bool is_alias, void *arg)
{
	struct seen *s = arg;
	(void)def;
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			s->dups++;
	if (s->n < 2048)
		s->names[s->n++] = name;
	if (is_alias)
		s->aliases++;
	else
		s->canon++;
}

static bool lower_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-' || *s == '_'))
			return false;
	return true;
}

static void test_tables(void)
{
	int bad_name = 0, bad_phase = 0, bad_type = 0, bad_how = 0, no_id = 0, no_fn = 0, no_help = 0;
	int dup_id = 0, rows = 0, bad_const = 0;
	static unsigned char idseen[OPT_ID_COUNT];
	struct seen s = { .n = 0 };

	for (const struct opt_table *t = opt_tables(); t->family; t++)
		for (const struct opt_def *d = t->rows; d->name; d++) {
			rows++;
			if (!lower_name(d->name)) {
				bad_name++;
				tap_diag("bad name %s", d->name);
			}
			for (const char *const *a = d->aliases; a && *a; a++)
				if (!lower_name(*a)) {
					bad_name++;
					tap_diag("bad alias %s", *a);
				}
			if ((int)d->phase < 0 || d->phase >= PH_COUNT)
				bad_phase++;
			if ((int)d->type < 0 || d->type >= OT_COUNT)
				bad_type++;
			if ((int)d->how < OH_NONE || d->how > OH_FUNC)
				bad_how++;
			if (d->how == OH_NONE && d->id == OPT_NONE) {
				no_id++;
				tap_diag("%s: taken by code but has no id", d->name);
			}
			if (d->how == OH_FUNC && !d->apply)
				no_fn++;
			if (!d->help || !*d->help)
				no_help++;
			if (d->id != OPT_NONE) {
				if ((int)d->id <= 0 || d->id >= OPT_ID_COUNT || idseen[d->id]++) {
					dup_id++;
					tap_diag("%s: duplicate or bad id %d", d->name, d->id);
				}
			}
			/* termios speeds and flags must name the TERMIOS group */
			if (d->how >= OH_TERMIOS_FLAG && d->how <= OH_TERMIOS_CC && !(d->groups & G(TERMIOS)))
				bad_const++;
		}
	tap_ok(bad_name == 0, "all names and aliases are lower case [a-z0-9-]");
	tap_ok(bad_phase == 0, "all phases < PH_COUNT");
	tap_ok(bad_type == 0, "all types < OT_COUNT");
	tap_ok(bad_how == 0, "all hows valid");
	tap_ok(no_id == 0, "every OH_NONE row has an id");
	tap_ok(no_fn == 0, "every OH_FUNC row has an apply function");
	tap_ok(no_help == 0, "every row has a help line");
	tap_ok(dup_id == 0, "ids are unique");
	tap_ok(bad_const == 0, "termios rows are in group TERMIOS");
	opt_foreach(collect, &s);
	tap_ok(s.dups == 0, "no duplicate names or aliases across tables (%d dups)", s.dups);
	tap_is_int(s.canon, rows, "opt_foreach visits every canonical row once");
	tap_ok(s.canon >= 400, "at least 400 canonical options (%d)", s.canon);
	tap_ok(s.n >= 700, "at least 700 names incl. aliases (%d)", s.n);
	tap_is_int(opt_count_canonical(), s.canon, "opt_count_canonical");
	tap_is_int(opt_count_names(), s.n, "opt_count_names");
	tap_diag("%d canonical, %d aliases", s.canon, s.aliases);

	/* every name looks itself up; ids round trip */
	int miss = 0, idbad = 0;
	for (int i = 0; i < s.n; i++)
		if (!opt_lookup(s.names[i]))
			miss++;
	tap_ok(miss == 0, "every name is found by opt_lookup");
	for (const struct opt_table *t = opt_tables(); t->family; t++)
		for (const struct opt_def *d = t->rows; d->name; d++)
			if (d->id != OPT_NONE && opt_by_id(d->id) != d)
				idbad++;
	tap_ok(idbad == 0, "opt_by_id finds every row with an id");
	tap_ok(opt_by_id(OPT_NONE) == NULL && opt_by_id(OPT_ID_COUNT) == NULL, "opt_by_id out of range is NULL");

	/* termios group has the full set */
	int nterm = 0;
	for (const struct opt_table *t = opt_tables(); t->family; t++)
		for (const struct opt_def *d = t->rows; d->name; d++)
			if (d->groups == G(TERMIOS))
				nterm++;
	tap_is_int(nterm, 127, "127 TERMIOS options");
}

static void test_lookup(void)
{
	const struct opt_def *d;

	d = opt_lookup("fork");
	tap_ok(d && !strcmp(d->name, "fork") && d->id == OPT_FORK, "lookup fork");
	d = opt_lookup("REUSEADDR");
	tap_ok(d && !strcmp(d->name, "so-reuseaddr") && d->type == OT_INT_NULL, "lookup REUSEADDR (alias, upper case)");
	d = opt_lookup("B9600");
	tap_ok(d && d->type == OT_CONST && d->how == OH_TERMIOS_SPEED, "lookup B9600");
	d = opt_lookup("Creat");
	tap_ok(d && !strcmp(d->name, "o-create"), "lookup creat -> o-create");
	d = opt_lookup("O_CREATE");
	tap_ok(d && !strcmp(d->name, "o-create"), "lookup O_CREATE");
	tap_ok(opt_lookup("nosuchoption") == NULL, "unknown name");
	tap_ok(opt_lookup("") == NULL && opt_lookup(NULL) == NULL, "empty / NULL name");
	char longname[300];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	tap_ok(opt_lookup(longname) == NULL, "very long name");
	d = opt_lookup("bind");
	tap_ok(d && d->phase == PH_BIND && d->type == OT_STRING && d->groups == G(SOCKET), "bind: SOCKET, BIND, STRING");
	d = opt_lookup("connect-timeout");
	tap_ok(d && d->phase == PH_PASTSOCKET && d->type == OT_TIMEVAL, "connect-timeout real phase PASTSOCKET");
	d = opt_lookup("chdir");
	tap_ok(d && d->groups == 0 && opt_lookup("cd") == d, "chdir has no group, alias cd");
	d = opt_lookup("umask");
	tap_ok(d && d->groups == 0 && d->phase == PH_INIT, "umask: no group, INIT");
	d = opt_lookup("sourceport");
	tap_ok(d && d->groups == GRP_IPAPP, "sourceport in IPAPP");
	d = opt_lookup("alpn");
	tap_ok(d && d->id == OPT_TLS_ALPN, "alpn");
	d = opt_lookup("no-ticket");
	tap_ok(d && d->id == OPT_TLS_NO_TICKET, "no-ticket");
	d = opt_lookup("handshake-timeout");
	tap_ok(d && d->id == OPT_HANDSHAKE_TIMEOUT && d->type == OT_TIMEVAL, "handshake-timeout");
	d = opt_lookup("end-close");
	tap_ok(d && d->phase == PH_OFFSET, "end-close phase OFFSET");
	tap_is_str(opt_phase_name(PH_PASTACCEPT), "PASTACCEPT", "phase name");
	tap_is_str(opt_type_name(OT_INT_INT_BIN), "INT:INT:BIN", "type name");
	tap_is_str(opt_group_name(GB_SOCKET), "SOCKET", "group name");
	char gs[128];
	opt_groups_str(G(FD) | G(SOCKET) | G(UDPLITE), false, gs, sizeof(gs));
	tap_is_str(gs, "FD,SOCKET,UDPLITE", "opt_groups_str");
	opt_groups_str(G(FD) | G(SOCKET) | G(UDPLITE), true, gs, sizeof(gs));
	tap_is_str(gs, "FD,SOCKET", "opt_groups_str for help drops bits >= 32");
	tap_is_str(opt_suggest("frok"), "fork", "suggest frok -> fork");
	tap_is_str(opt_suggest("reuseadr"), "reuseaddr", "suggest reuseadr -> reuseaddr");
	tap_ok(opt_suggest("zzzzzzzzzzzz") == NULL, "no suggestion for nonsense");
}

/* ---- values ---- */

static int pv(const char *name, const char *text, struct opt_value *v)
{
	const struct opt_def *d = opt_lookup(name);
	memset(v, 0, sizeof(*v));
	v->typed_name = name;
	if (!d) {
		snprintf(err, sizeof(err), "no such option %s", name);
		return -2;
	}
	return opt_parse_value(d, text, v, err, sizeof(err));
}

static void vfree(struct opt_value *v)
{
	free(v->s);
	free(v->bin);
	v->s = NULL;
	v->bin = NULL;
}

#define GOOD(name, text, cond, desc)                                                      \
	do {                                                                              \
		struct opt_value v_;                                                      \
		int r_ = pv(name, text, &v_);                                             \
		struct opt_value *v = &v_;                                                \
		(void)v;                                                                  \
		if (!tap_ok(r_ == 0 && (cond), "%s", desc))                               \
			tap_diag("rc %d err %s", r_, err);                                \
		vfree(&v_);                                                               \
	} while (0)

#define BAD(name, text, phrase, desc)                                                      \
	do {                                                                               \
		struct opt_value v_;                                                       \
		int r_ = pv(name, text, &v_);                                              \
		if (!tap_ok(r_ == -1 && strstr(err, phrase) && !strchr(err, '\n'), "%s", desc)) \
			tap_diag("rc %d err %s", r_, err);                                 \
		vfree(&v_);                                                                \
	} while (0)

static void test_values(void)
{
	/* CONST */
	GOOD("raw", NULL, v->i == 1 && !v->has_value, "CONST without value");
	BAD("raw", "1", "no value permitted for option \"raw\"", "CONST refuses a value");
	/* BOOL */
	GOOD("fork", NULL, v->i == 1, "BOOL without value is 1");
	BAD("fork", "", "missing numerical value of option \"fork=\"", "BOOL empty is refused (not 1)");
	GOOD("fork", "0", v->i == 0, "BOOL 0");
	GOOD("fork", "1", v->i == 1, "BOOL 1");
	BAD("fork", "yes", "missing numerical value of option \"fork=yes\"", "BOOL rejects words");
	BAD("fork", "1x", "trailing garbage in numerical arg of option \"fork\"", "BOOL trailing garbage");
	BAD("o-trunc", "2", "is not a boolean (expected 0 or 1", "BOOL refuses 2");
	BAD("o-trunc", "-1", "is not a boolean (expected 0 or 1", "BOOL refuses -1");
	GOOD("o-trunc", "0x1", v->i == 1, "BOOL 0x1 is 1");
	/* INT */
	GOOD("backlog", NULL, v->i == 1, "INT without value is 1");
	GOOD("backlog", "0x10", v->i == 16, "INT hex");
	GOOD("ip-mtu", "-5", v->i == -5, "INT negative");
	BAD("backlog", "-5", "option \"backlog\": value \"-5\" is negative", "INT count refuses negative");
	BAD("max-children", "-1", "option \"max-children\": value \"-1\" is negative", "max-children refuses negative");
	GOOD("max-children", "0", v->i == 0, "max-children 0");
	BAD("max-children", "", "missing numerical value of option \"max-children=\"", "max-children empty");
	GOOD("backlog", "010", v->i == 8, "INT octal (base 0)");
	BAD("backlog", "5x", "trailing garbage in numerical arg of option \"backlog\"", "INT trailing garbage");
	BAD("backlog", "99999999999", "out of range", "INT out of range");
	BAD("backlog", "", "missing numerical value of option \"backlog=\": value required", "INT empty");
	/* INT/NULL */
	GOOD("reuseaddr", NULL, v->i == 1 && !v->null_value, "INT/NULL without value is 1");
	GOOD("reuseaddr", "", v->null_value && v->has_value, "INT/NULL empty is null");
	GOOD("reuseaddr", "0", v->i == 0 && !v->null_value, "INT/NULL 0");
	/* BYTE */
	GOOD("vmin", "255", v->i == 255, "BYTE 255");
	GOOD("vmin", NULL, v->i == 1, "BYTE without value is 1");
	BAD("vmin", "256", "out of range", "BYTE 256");
	BAD("vmin", "-1", "out of range", "BYTE -1");
	/* UINT */
	GOOD("retry", "4294967295", v->i == 4294967295LL, "UINT max");
	GOOD("retry", NULL, v->i == 1, "UINT without value is 1");
	BAD("retry", "-1", "out of range", "UINT negative");
	/* USHORT */
	GOOD("sourceport", "65535", v->i == 65535, "USHORT max");
	BAD("sourceport", "65536", "out of range", "USHORT 65536");
	BAD("sourceport", NULL, "option \"sourceport\": value required", "USHORT needs a value");
	/* SIZE */
	GOOD("readbytes", "1000000", v->i == 1000000, "SIZE_T");
	BAD("readbytes", "1k", "trailing garbage", "SIZE_T garbage");
	/* OFF64 */
	GOOD("lseek", "100", v->i == 100, "OFF64_T");
	GOOD("ftruncate", NULL, v->i == 1, "OFF64_T without value is 1 (socat's documented bug)");
	/* MODE */
	GOOD("perm", "644", v->i == 0644, "MODE octal without 0");
	GOOD("perm", "0600", v->i == 0600, "MODE octal with 0");
	BAD("perm", "0999", "octal", "MODE rejects 9");
	BAD("perm", NULL, "value required", "MODE needs a value");
	/* UID / GID */
	GOOD("user", "0", v->i == 0, "UID number");
	GOOD("user", "root", v->i == 0 && v->s && !strcmp(v->s, "root"), "UID name");
	BAD("user", "no-such-user-xyz", "unknown user", "UID unknown name");
	GOOD("group", "0", v->i == 0, "GID number");
	GOOD("group", "root", v->i == 0, "GID name");
	BAD("group", "no-such-group-xyz", "unknown group", "GID unknown name");
	/* STRING */
	GOOD("bind", "127.0.0.1:80", v->s && !strcmp(v->s, "127.0.0.1:80"), "STRING");
	GOOD("bind", "", v->s && !*v->s, "STRING empty");
	BAD("bind", NULL, "option \"bind\": value required", "STRING needs a value");
	/* STRING-NULL */
	GOOD("unix-bind-tempname", NULL, v->s == NULL, "STRING-NULL absent");
	GOOD("unix-bind-tempname", "/tmp/xXXXXXX", v->s && !strcmp(v->s, "/tmp/xXXXXXX"), "STRING-NULL value");
	/* BIN */
	GOOD("ip-options", "x0102ff", v->binlen == 3 && v->bin[2] == 0xff, "BIN hex");
	BAD("ip-options", "x012", "dalan", "BIN odd hex digits");
	/* TIMEVAL / TIMESPEC */
	GOOD("connect-timeout", "1.5", v->ts.tv_sec == 1 && v->ts.tv_nsec == 500000000 && v->d == 1.5, "TIMEVAL 1.5");
	GOOD("interval", "0.001", v->ts.tv_sec == 0 && v->ts.tv_nsec == 1000000, "TIMESPEC 0.001");
	BAD("connect-timeout", "1.5s", "trailing garbage in numerical arg of option \"connect-timeout\"", "TIMEVAL garbage");
	BAD("connect-timeout", "-1", "not a valid number of seconds", "TIMEVAL negative");
	BAD("connect-timeout", "nan", "seconds", "TIMEVAL nan");
	BAD("connect-timeout", NULL, "value required", "TIMEVAL needs a value");
	/* LINGER */
	GOOD("linger", "7", v->ints[0] == 1 && v->ints[1] == 7, "LINGER");
	BAD("linger", "x", "missing numerical value of option \"linger=x\"", "LINGER not a number");
	BAD("linger", "1x", "trailing garbage", "LINGER garbage");
	/* INT:INT:BIN etc */
	GOOD("setsockopt", "1:2:x01000000", v->ints[0] == 1 && v->ints[1] == 2 && v->binlen == 4, "INT:INT:BIN");
	GOOD("setsockopt-int", "6:1:1", v->ints[0] == 6 && v->ints[1] == 1 && v->ints[2] == 1, "INT:INT:INT");
	GOOD("setsockopt-string", "1:25:eth0:1", v->ints[1] == 25 && v->s && !strcmp(v->s, "eth0:1"), "INT:INT:STRING keeps colons in the string");
	BAD("setsockopt", "1:2", "too few", "INT:INT:BIN missing data");
	BAD("setsockopt", "1x:2:x00", "trailing garbage in numerical arg", "INT:INT:BIN garbage");
	BAD("setsockopt-int", "1:2:3:4", "trailing garbage", "INT:INT:INT extra field");
	GOOD("ioctl-intp", "0x541B:0", v->ints[0] == 0x541B && v->ints[1] == 0, "INT:INTP");
	GOOD("ioctl-int", "0x80045430:1", (unsigned)v->ints[0] == 0x80045430u, "INT:INT allows large ioctl requests");
	GOOD("ioctl-bin", "1:x0000", v->binlen == 2, "INT:BIN");
	GOOD("ioctl-string", "1:abc", v->s && !strcmp(v->s, "abc"), "INT:STRING");
	GOOD("peercred", "1:2:3", v->ints[2] == 3, "INT[3]");
	/* IP4NAME / IP4SOCK / MREQN / GENERIC kept as strings */
	GOOD("ip-multicast-if", "127.0.0.1", v->s && !strcmp(v->s, "127.0.0.1"), "IP4NAME");
	GOOD("res-nsaddr", "1.2.3.4:53", v->s && !strcmp(v->s, "1.2.3.4:53"), "IP4SOCK");
	GOOD("ip-add-membership", "224.1.2.3:eth0", v->s && !strcmp(v->s, "224.1.2.3:eth0"), "MREQN");
	GOOD("ip-add-source-membership", "232.1.1.1:1.2.3.4:5.6.7.8", v->s != NULL, "MREQ-SOURCE");
	GOOD("ipv6-join-source-group", "[ff3e::1]:eth0:[::1]", v->s != NULL, "GENERIC");
	BAD("ip-add-membership", NULL, "value required", "MREQN needs a value");
	/* ispeed UINT, escape INT */
	GOOD("escape", "0x1d", v->i == 0x1d, "escape hex");
}

static void test_dalan(void)
{
	unsigned char *b;
	size_t n;

	tap_ok(dalan_parse("x7f000001", &b, &n, err, sizeof(err)) == 0 && n == 4 && b[0] == 0x7f && b[3] == 1, "dalan hex");
	free(b);
	tap_ok(dalan_parse("\"ab\\n\"", &b, &n, err, sizeof(err)) == 0 && n == 3 && b[2] == '\n', "dalan string with escape");
	free(b);
	tap_ok(dalan_parse("'c'", &b, &n, err, sizeof(err)) == 0 && n == 1 && b[0] == 'c', "dalan char");
	free(b);
	tap_ok(dalan_parse("'\\t'", &b, &n, err, sizeof(err)) == 0 && n == 1 && b[0] == '\t', "dalan escaped char");
	free(b);
	int one = 1;
	tap_ok(dalan_parse("i1", &b, &n, err, sizeof(err)) == 0 && n == sizeof(int) && !memcmp(b, &one, sizeof(int)), "dalan i1 (host order)");
	free(b);
	short s = -2;
	tap_ok(dalan_parse("s-2", &b, &n, err, sizeof(err)) == 0 && n == 2 && !memcmp(b, &s, 2), "dalan s-2");
	free(b);
	tap_ok(dalan_parse("b255", &b, &n, err, sizeof(err)) == 0 && n == 1 && b[0] == 255, "dalan b255");
	free(b);
	long l = 0x1234;
	tap_ok(dalan_parse("l0x1234", &b, &n, err, sizeof(err)) == 0 && n == sizeof(long) && !memcmp(b, &l, sizeof(l)), "dalan l0x1234");
	free(b);
	tap_ok(dalan_parse("x01\"A\"'B'b2", &b, &n, err, sizeof(err)) == 0 && n == 4 && b[0] == 1 && b[1] == 'A' && b[2] == 'B' && b[3] == 2, "dalan concatenation");
	free(b);
	tap_ok(dalan_parse("", &b, &n, err, sizeof(err)) == 0 && n == 0, "dalan empty");
	free(b);
	tap_ok(dalan_parse("x", &b, &n, err, sizeof(err)) == -1 && strstr(err, "hex"), "dalan x alone");
	tap_ok(dalan_parse("x0g", &b, &n, err, sizeof(err)) == -1, "dalan bad hex");
	tap_ok(dalan_parse("\"abc", &b, &n, err, sizeof(err)) == -1 && strstr(err, "unterminated"), "dalan unterminated string");
	tap_ok(dalan_parse("'ab'", &b, &n, err, sizeof(err)) == -1, "dalan two chars in ''");
	tap_ok(dalan_parse("b256", &b, &n, err, sizeof(err)) == -1 && strstr(err, "range"), "dalan b256 out of range");
	tap_ok(dalan_parse("q1", &b, &n, err, sizeof(err)) == -1 && strstr(err, "unexpected 'q'"), "dalan unknown type");
	tap_ok(dalan_parse("i", &b, &n, err, sizeof(err)) == -1 && strstr(err, "expected a number"), "dalan i without number");
	tap_ok(!strchr(err, '\n'), "dalan errors are one line");
}

/* Every value type has a parser in value.c's table: no type, with or without a value, is
 * "unsupported"; past the table the message says so. */
static void test_value_types(void)
{
	static const char *const texts[] = { NULL, "1", "" };
	int missing = 0;

	for (int t = 0; t < OT_COUNT; t++) {
		struct opt_def d = { .name = "t", .type = (enum opt_type)t };
		for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
			struct opt_value v;
			memset(&v, 0, sizeof(v));
			err[0] = '\0';
			(void)opt_parse_value(&d, texts[k], &v, err, sizeof(err));
			if (strstr(err, "unsupported value type")) {
				tap_diag("type %s (%d) has no parser", opt_type_name((enum opt_type)t), t);
				missing++;
			}
			vfree(&v);
		}
	}
	tap_ok(missing == 0, "every value type below OT_COUNT has a parser");
	struct opt_def past = { .name = "t", .type = OT_COUNT };
	struct opt_value v;
	memset(&v, 0, sizeof(v));
	tap_ok(opt_parse_value(&past, "1", &v, err, sizeof(err)) == -1, "a type past the table is refused");
	tap_is_str(err, "option \"t\": unsupported value type", "... with its message");
	/* The dalan messages name the offset and quote the text. */
	unsigned char *b;
	size_t n;
	tap_ok(dalan_parse("x1", &b, &n, err, sizeof(err)) == -1, "dalan x1 is refused");
	tap_is_str(err, "dalan: expected pairs of hex digits after 'x' at offset 0 of \"x1\"", "... odd hex digits");
	tap_ok(dalan_parse("b1 'ab'", &b, &n, err, sizeof(err)) == -1, "dalan 'ab' is refused");
	tap_is_str(err, "dalan: '...' must hold exactly one character (offset 3 of \"b1 'ab'\")", "... two chars in ''");
	tap_ok(dalan_parse("x00 s70000", &b, &n, err, sizeof(err)) == -1, "dalan s70000 is refused");
	tap_is_str(err, "dalan: number out of range for 2 byte(s) at offset 5 of \"x00 s70000\"", "... out of range");
	tap_ok(dalan_parse("\"a\\q\" ?", &b, &n, err, sizeof(err)) == -1, "dalan ? is refused");
	tap_is_str(err, "dalan: unexpected '?' at offset 6 of \"\\\"a\\q\\\" ?\" (expected x<hex>, \"string\", 'c' or b/s/i/l<number>)",
		   "... unknown character");
}

/* ---- parse list / group check ---- */

/* n options as the families hand them to the registry (xio/xio.c, from the grammar's list) */
static const struct opt_pair *mk(int n, const char *const *names, const char *const *values)
{
	static struct opt_pair o[16];
	for (int i = 0; i < n; i++)
		o[i] = (struct opt_pair){ names[i], values[i], names[i] };
	return o;
}

static const uint64_t tcpl = G(FD) | G(SOCKET) | G(LISTEN) | G(CHILD) | G(RETRY) | G(RANGE) | G(IP4) | G(TCP);

static void test_parse_list(void)
{
	struct opt_list l;
	const char *n1[] = { "fork", "Reuseaddr", "bind", "chdir", "crnl", "su" };
	const char *v1[] = { NULL, NULL, "127.0.0.1", "/", NULL, "root" };

	tap_ok(opt_parse_list(mk(6, n1, v1), 6, "TCP4-LISTEN", tcpl, false, &l, err, sizeof(err)) == 0 && l.n == 6,
	       "accept fork,reuseaddr,bind,chdir(no group),crnl(APPL),su(PROCESS) on TCP4-LISTEN");
	if (l.n == 6)
		tap_is_str(l.v[1].typed_name, "Reuseaddr", "typed name kept");
	else
		tap_ok(0, "typed name kept");
	opt_list_free(&l);

	const char *n2[] = { "fork", "b9600" };
	const char *v2[] = { NULL, NULL };
	tap_ok(opt_parse_list(mk(2, n2, v2), 2, "TCP4-LISTEN", tcpl, false, &l, err, sizeof(err)) == -1 &&
		       strstr(err, "option \"b9600\" not supported with this address type \"TCP4-LISTEN\"") &&
		       strstr(err, "FD,SOCKET,LISTEN") && l.n == 0 && l.v == NULL,
	       "reject b9600 on TCP4-LISTEN naming the groups");
	tap_diag("%s", err);
	tap_ok(opt_parse_list(mk(2, n2, v2), 2, "TCP4-LISTEN", tcpl, true, &l, err, sizeof(err)) == 0 && l.n == 2,
	       "-g (nocheck) accepts it");
	opt_list_free(&l);

	const char *n3[] = { "frok" };
	const char *v3[] = { NULL };
	tap_ok(opt_parse_list(mk(1, n3, v3), 1, "TCP4-LISTEN", tcpl, false, &l, err, sizeof(err)) == -1 &&
		       strstr(err, "unknown option \"frok\"") && strstr(err, "did you mean \"fork\"?"),
	       "unknown option with suggestion");
	tap_diag("%s", err);

	const char *n4[] = { "fork", "bind" };
	const char *v4[] = { NULL, NULL };
	tap_ok(opt_parse_list(mk(2, n4, v4), 2, "TCP4-LISTEN", tcpl, false, &l, err, sizeof(err)) == -1 &&
		       strstr(err, "option \"bind\": value required"),
	       "bind without value");
	const char *n5[] = { "backlog" };
	const char *v5[] = { "5x" };
	tap_ok(opt_parse_list(mk(1, n5, v5), 1, "TCP4-LISTEN", tcpl, false, &l, err, sizeof(err)) == -1 &&
		       strstr(err, "trailing garbage in numerical arg of option \"backlog\""),
	       "backlog=5x");
	const char *n6[] = { "raw" };
	const char *v6[] = { "" };
	tap_ok(opt_parse_list(mk(1, n6, v6), 1, "FILE", G(FD) | G(TERMIOS), false, &l, err, sizeof(err)) == -1 &&
		       strstr(err, "no value permitted for option \"raw\""),
	       "raw= refused");
	tap_ok(opt_parse_list(mk(0, n6, v6), 0, "FILE", G(FD), false, &l, err, sizeof(err)) == 0 && l.n == 0, "no options");
}

/* ---- take ---- */

static void test_take(void)
{
	struct opt_list l, c;
	const char *n[] = { "backlog", "fork", "backlog", "bind", "connect-timeout", "perm" };
	const char *v[] = { "3", NULL, "9", "1.2.3.4", "2.5", "0600" };
	long long x = 0;
	bool b = false;
	const char *s = NULL;
	double d = 0;

	tap_ok(opt_parse_list(mk(6, n, v), 6, "TCP", tcpl | G(NAMED), false, &l, err, sizeof(err)) == 0, "parse for take");
	tap_ok(opt_present(&l, OPT_BACKLOG) && !l.v[0].used, "opt_present does not consume");
	tap_ok(opt_list_copy(&l, &c) == 0 && c.n == l.n && c.v[3].s != l.v[3].s && !strcmp(c.v[3].s, "1.2.3.4"), "opt_list_copy deep copies");
	tap_ok(opt_take_int(&l, OPT_BACKLOG, &x) && x == 9, "last occurrence wins");
	tap_ok(l.v[0].used && l.v[2].used, "all occurrences marked used");
	tap_ok(opt_take_bool(&l, OPT_FORK, &b) && b, "take bool");
	tap_ok(opt_take_str(&l, OPT_BIND, &s) && s && !strcmp(s, "1.2.3.4"), "take str");
	tap_ok(opt_take_time(&l, OPT_CONNECT_TIMEOUT, &d) && d == 2.5, "take time");
	tap_ok(!opt_take_int(&l, OPT_MAX_CHILDREN, &x), "absent option");
	tap_ok(opt_check_unused(&l, "TCP") == -1, "perm still unused -> error");
	tap_ok(opt_take(&l, OPT_PERM) != NULL && opt_check_unused(&l, "TCP") == 0, "all used -> ok");
	tap_ok(!c.v[0].used && opt_check_unused(&c, "TCP") == -1, "copy is independent");
	opt_list_free(&l);
	opt_list_free(&c);
	tap_ok(l.v == NULL && l.n == 0, "free resets");
}

/* ---- apply ---- */

static int parse_opts(struct opt_list *l, int n, const char *const *names, const char *const *values)
{
	int rc = opt_parse_list(mk(n, names, values), (size_t)n, "TEST", ~UINT64_C(0), true, l, err, sizeof(err));
	if (rc)
		tap_diag("parse: %s", err);
	return rc;
}

static int sockint(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);
	if (getsockopt(fd, level, name, &v, &len) < 0)
		return -1;
	return v;
}

static void test_apply_socket(void)
{
	struct opt_list l;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct opt_apply_ctx ctx = { .fd = fd, .addrname = "TCP" };

	const char *n[] = { "reuseaddr", "nodelay", "keepalive", "linger", "rcvtimeo", "sndbuf", "sndbuf", "tos" };
	const char *v[] = { NULL, NULL, "1", "3", "1.25", "10000", "20000", "16" };
	tap_ok(parse_opts(&l, 8, n, v) == 0, "parse socket options");
	tap_ok(opt_apply_phase(&l, PH_PREBIND, &ctx) == 0 && sockint(fd, SOL_SOCKET, SO_REUSEADDR) == 1, "PREBIND applies so-reuseaddr");
	tap_ok(sockint(fd, IPPROTO_TCP, TCP_NODELAY) == 0, "PASTSOCKET not yet applied");
	tap_ok(opt_apply_phase(&l, PH_PASTSOCKET, &ctx) == 0, "PASTSOCKET applies");
	tap_ok(sockint(fd, IPPROTO_TCP, TCP_NODELAY) == 1, "tcp-nodelay set");
	struct linger lg;
	socklen_t len = sizeof(lg);
	tap_ok(getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) == 0 && lg.l_onoff && lg.l_linger == 3, "so-linger set");
	struct timeval tv;
	len = sizeof(tv);
	tap_ok(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0 && tv.tv_sec == 1 && tv.tv_usec >= 240000 && tv.tv_usec <= 260000, "so-rcvtimeo 1.25 s");
	int sb = sockint(fd, SOL_SOCKET, SO_SNDBUF);
	tap_ok(sb >= 20000 * 2 - 1000 || sb == 40000, "last sndbuf wins (%d)", sb);
	tap_ok(l.v[5].used && l.v[6].used, "both sndbuf occurrences marked used");
	tap_ok(sockint(fd, IPPROTO_IP, IP_TOS) == 16, "ip-tos set");
	tap_ok(sockint(fd, SOL_SOCKET, SO_KEEPALIVE) == 0, "keepalive (phase FD) not applied in PASTSOCKET");
	tap_ok(opt_apply_phase(&l, PH_FD, &ctx) == 0 && sockint(fd, SOL_SOCKET, SO_KEEPALIVE) == 1, "keepalive applied in FD");
	tap_ok(opt_check_unused(&l, "TCP") == 0, "nothing left unused");
	opt_list_free(&l);
	close(fd);

	/* reuseaddr= (empty) does nothing; reuseaddr=0 clears */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ctx.fd = fd;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	const char *n2[] = { "reuseaddr" };
	const char *v2[] = { "" };
	tap_ok(parse_opts(&l, 1, n2, v2) == 0 && opt_present(&l, OPT_REUSEADDR), "reuseaddr= parsed, present");
	tap_ok(opt_apply_phase(&l, PH_PREBIND, &ctx) == 0 && sockint(fd, SOL_SOCKET, SO_REUSEADDR) == 1 && l.v[0].used,
	       "reuseaddr= applies nothing and is used");
	opt_list_free(&l);
	/* generic setsockopt applied once per occurrence, in CONNECTED */
	const char *n3[] = { "setsockopt", "setsockopt-int" };
	const char *v3[] = { "1:2:x00000000", "6:1:1" };
	int zero = 0;
	(void)zero;
	tap_ok(parse_opts(&l, 2, n3, v3) == 0 && opt_apply_phase(&l, PH_CONNECTED, &ctx) == 0, "generic setsockopt applied");
	tap_ok(sockint(fd, SOL_SOCKET, SO_REUSEADDR) == 0 && sockint(fd, IPPROTO_TCP, TCP_NODELAY) == 1,
	       "setsockopt=1:2:x00000000 cleared reuseaddr, setsockopt-int=6:1:1 set nodelay");
	opt_list_free(&l);
	/* setsockopt failure is reported */
	const char *n4[] = { "setsockopt-int" };
	const char *v4[] = { "9999:9999:1" };
	tap_ok(parse_opts(&l, 1, n4, v4) == 0 && opt_apply_phase(&l, PH_CONNECTED, &ctx) == -1, "bad setsockopt fails");
	opt_list_free(&l);
	close(fd);

	/* socketpair: so-rcvbuf */
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		ctx.fd = sv[0];
		const char *n5[] = { "rcvbuf" };
		const char *v5[] = { "8192" };
		tap_ok(parse_opts(&l, 1, n5, v5) == 0 && opt_apply_phase(&l, PH_PASTSOCKET, &ctx) == 0 &&
			       sockint(sv[0], SOL_SOCKET, SO_RCVBUF) >= 8192,
		       "so-rcvbuf on a socketpair");
		opt_list_free(&l);
		close(sv[0]);
		close(sv[1]);
	} else
		tap_ok(0, "socketpair");
	/* no fd yet */
	ctx.fd = -1;
	const char *n6[] = { "nodelay" };
	const char *v6[] = { NULL };
	tap_ok(parse_opts(&l, 1, n6, v6) == 0 && opt_apply_phase(&l, PH_PASTSOCKET, &ctx) == -1, "no fd -> error");
	opt_list_free(&l);
}

static void test_apply_fd(void)
{
	struct opt_list l;
	int p[2];
	struct opt_apply_ctx ctx = { .fd = -1, .addrname = "PIPE" };

	if (pipe(p) < 0) {
		tap_ok(0, "pipe");
		return;
	}
	ctx.fd = p[0];
	const char *n[] = { "nonblock", "cloexec", "ioctl-void", "pipesz" };
	const char *v[] = { NULL, "1", "0x5450", "65536" }; /* 0x5450 = FIONCLEX */
	tap_ok(parse_opts(&l, 4, n, v) == 0, "parse fd options");
	tap_ok(opt_apply_phase(&l, PH_FD, &ctx) == 0, "FD phase applies");
	tap_ok(fcntl(p[0], F_GETFL) & O_NONBLOCK, "o-nonblock set O_NONBLOCK");
	tap_ok(!(fcntl(p[0], F_GETFD) & FD_CLOEXEC), "ioctl-void FIONCLEX cleared cloexec (FD phase)");
	tap_ok(fcntl(p[0], F_GETPIPE_SZ) >= 65536, "f-setpipe-sz");
	tap_ok(opt_apply_phase(&l, PH_LATE, &ctx) == 0 && (fcntl(p[0], F_GETFD) & FD_CLOEXEC), "cloexec set in LATE");
	opt_list_free(&l);
	const char *n2[] = { "nonblock", "ioctl-intp" };
	const char *v2[] = { "0", "0x541B:0" }; /* FIONREAD */
	tap_ok(parse_opts(&l, 2, n2, v2) == 0 && opt_apply_phase(&l, PH_FD, &ctx) == 0 && !(fcntl(p[0], F_GETFL) & O_NONBLOCK),
	       "nonblock=0 clears, ioctl-intp FIONREAD works");
	opt_list_free(&l);
	/* termios on a pipe is an error naming the address */
	struct termios t;
	ctx.termios = &t;
	const char *n3[] = { "b9600" };
	const char *v3[] = { NULL };
	tap_ok(parse_opts(&l, 1, n3, v3) == 0 && opt_apply_phase(&l, PH_FD, &ctx) == -1, "termios on a pipe fails");
	opt_list_free(&l);
	close(p[0]);
	close(p[1]);
}

static void test_apply_file(void)
{
	struct opt_list l;
	char path[] = "/tmp/duct-opt-XXXXXX";
	int fd = mkstemp(path);
	struct opt_apply_ctx ctx = { .fd = -1, .path = path, .addrname = "OPEN", .open_mode = 0666 };
	struct stat st;

	if (fd < 0) {
		tap_ok(0, "mkstemp");
		return;
	}
	const char *n[] = { "creat", "excl", "wronly", "append", "perm", "perm-late", "lseek", "ftruncate", "flock-ex-nb", "setlk-wr", "unlink-late" };
	const char *v[] = { NULL, NULL, NULL, NULL, "0640", "0604", "5", "10", NULL, NULL, NULL };
	tap_ok(parse_opts(&l, 11, n, v) == 0, "parse file options");
	tap_ok(opt_apply_phase(&l, PH_OPEN, &ctx) == 0 &&
		       ctx.open_flags == (O_CREAT | O_EXCL | O_WRONLY) && ctx.open_mode == 0640,
	       "PH_OPEN collects O_CREAT|O_EXCL|O_WRONLY and perm as open mode");
	const char *n0[] = { "rdwr" };
	const char *v0[] = { NULL };
	struct opt_list l0;
	tap_ok(parse_opts(&l0, 1, n0, v0) == 0 && opt_apply_phase(&l0, PH_OPEN, &ctx) == 0 &&
		       (ctx.open_flags & O_ACCMODE) == O_RDWR,
	       "o-rdwr replaces the access mode");
	opt_list_free(&l0);
	ctx.fd = fd;
	tap_ok(opt_apply_phase(&l, PH_PASTOPEN, &ctx) == 0 && access(path, F_OK) != 0, "unlink-late removed the entry");
	ctx.path = NULL; /* entry gone: perm applies to the fd */
	tap_ok(opt_apply_phase(&l, PH_FD, &ctx) == 0, "FD phase (perm, locks)");
	tap_ok(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640, "perm via fchmod");
	{
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		int fd2 = open(proc, O_RDONLY);
		tap_ok(fd2 >= 0 && flock(fd2, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK, "flock-ex-nb holds the lock");
		if (fd2 >= 0)
			close(fd2);
	}
	tap_ok(opt_apply_phase(&l, PH_LATE, &ctx) == 0, "LATE phase (append, perm-late, lseek, ftruncate)");
	tap_ok(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0604 && st.st_size == 10, "perm-late and ftruncate");
	tap_ok(lseek(fd, 0, SEEK_CUR) == 5, "lseek64-set");
	tap_ok(fcntl(fd, F_GETFL) & O_APPEND, "append via fcntl");
	tap_ok(opt_check_unused(&l, "OPEN") == 0, "all file options used");
	opt_list_free(&l);
	close(fd);
	unlink(path);
}

static void test_apply_termios(void)
{
	int m, s;
	struct termios t, got;
	struct opt_list l;

	if (openpty(&m, &s, NULL, NULL, NULL) < 0) {
		tap_ok(1, "# SKIP openpty unavailable");
		return;
	}
	struct opt_apply_ctx ctx = { .fd = s, .addrname = "PTY", .termios = &t };
	const char *n[] = { "b19200", "raw", "echo", "vmin", "cs7", "parenb", "ospeed", "crdly", "vintr", "tiocsctty" };
	const char *v[] = { NULL, NULL, "0", "5", NULL, NULL, "38400", "1", "0x03", NULL };
	tap_ok(parse_opts(&l, 10, n, v) == 0, "parse termios options");
	tap_ok(opt_apply_phase(&l, PH_FD, &ctx) == 0 && ctx.termios_dirty, "FD phase builds the termios");
	/* a pty forces CS8, no parity and one speed: check what we built, then what the kernel kept */
	if (!tap_ok(cfgetospeed(&t) == B38400, "speeds (b19200, then ospeed=38400)"))
		tap_diag("i=%o o=%o", (unsigned)cfgetispeed(&t), (unsigned)cfgetospeed(&t));
	tap_ok((t.c_cflag & CSIZE) == CS7 && (t.c_cflag & PARENB), "cs7, parenb");
	tap_ok(opt_apply_termios_commit(&ctx) == 0 && !ctx.termios_dirty, "commit");
	tap_ok(tcgetattr(s, &got) == 0, "tcgetattr");
	tap_ok(!(got.c_lflag & (ECHO | ICANON | ISIG)), "raw + echo=0");
	tap_ok(got.c_cc[VMIN] == 5 && got.c_cc[VINTR] == 3, "vmin=5 and vintr after raw");
	tap_ok((got.c_oflag & CRDLY) == CR1, "crdly=1");
	tap_ok(!l.v[9].used, "tiocsctty (LATE2, taken by code) not applied in FD");
	opt_list_free(&l);
	const char *n4[] = { "b9600" };
	const char *v4[] = { NULL };
	tap_ok(parse_opts(&l, 1, n4, v4) == 0 && opt_apply_phase(&l, PH_FD, &ctx) == 0 && opt_apply_termios_commit(&ctx) == 0 &&
		       tcgetattr(s, &got) == 0 && cfgetospeed(&got) == B9600 && cfgetispeed(&got) == B9600,
	       "b9600 sets both speeds on the tty");
	opt_list_free(&l);
	const char *n2[] = { "sane", "cfmakeraw" };
	const char *v2[] = { NULL, NULL };
	tap_ok(parse_opts(&l, 2, n2, v2) == 0 && opt_apply_phase(&l, PH_FD, &ctx) == 0 && opt_apply_termios_commit(&ctx) == 0 &&
		       tcgetattr(s, &got) == 0 && !(got.c_lflag & ECHO),
	       "sane then cfmakeraw");
	opt_list_free(&l);
	ctx.termios = NULL;
	const char *n3[] = { "icanon" };
	tap_ok(parse_opts(&l, 1, n3, v2) == 0 && opt_apply_phase(&l, PH_FD, &ctx) == -1, "no termios buffer -> error");
	opt_list_free(&l);
	close(m);
	close(s);
}

static void test_help(void)
{
	char buf[256];
	const struct opt_def *d = opt_lookup("bind");

	opt_help_line(d, "bind", false, buf, sizeof(buf));
	tap_is_str(buf, "      bind\t\t\tgroups=SOCKET\t\tphase=BIND\t\ttype=STRING", "help line for bind");
	d = opt_lookup("reuseaddr");
	opt_help_line(d, "reuseaddr", true, buf, sizeof(buf));
	tap_is_str(buf, "      reuseaddr\t\tis an alias for so-reuseaddr", "help line for an alias");
	d = opt_lookup("sourceport");
	opt_help_line(d, "sourceport", false, buf, sizeof(buf));
	tap_is_str(buf, "      sourceport\t\tgroups=UDP,TCP,SCTP,DCCP,UDPLITEphase=LATE\t\ttype=UNSIGNED-SHORT",
		   "long group list runs into phase=");
	opt_help_line(d, "sourceport", false, buf, 10);
	tap_ok(strlen(buf) == 9, "help line truncates safely");
	d = opt_lookup("cert");
	opt_help_line(d, "openssl-certificate", false, buf, sizeof(buf));
	tap_ok(strstr(buf, "phase=SPECIFIC") != NULL, "PH_SPEC prints as SPECIFIC");
}

int main(void)
{
	test_tables();
	test_lookup();
	test_values();
	test_dalan();
	test_value_types();
	test_parse_list();
	test_take();
	test_apply_socket();
	test_apply_fd();
	test_apply_file();
	test_apply_termios();
	test_help();
	return tap_done();
}
