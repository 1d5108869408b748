/* Unit tests for nc's pure parts: flag parsing for both dialects, port lists, durations,
 * TOS keywords, address escaping, and the two hex dump formats. */
#include <stdlib.h>
#include <string.h>

#include "nc/args.h"
#include "nc/hexdump.h"
#include "tap.h"

static enum nc_parse_result parse(enum nc_dialect d, struct nc_opts *o, char *err, size_t n, const char *line)
{
	static char buf[1024];
	static char *argv[64];
	int argc = 0;
	snprintf(buf, sizeof buf, "%s", line);
	argv[argc++] = (char *)"nc";
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && argc < 63; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	return nc_parse_args(argc, argv, d, o, err, n);
}

#define P(line) parse(NC_OPENBSD, &o, err, sizeof err, line)
#define PN(line) parse(NC_NCAT, &o, err, sizeof err, line)

/* ---- the dialects' flag tables ---- */

struct flag_list {
	char flags[128][24];
	bool takes[128];
	int n;
};

static void collect_flag(const char *flag, bool takes_value, void *arg)
{
	struct flag_list *l = arg;
	if (l->n < 128) {
		snprintf(l->flags[l->n], sizeof l->flags[0], "%s", flag);
		l->takes[l->n++] = takes_value;
	}
}

/* A value each flag takes without complaint. */
static const char *good_value(const char *flag)
{
	if (!strcmp(flag, "-X"))
		return "5";
	if (!strcmp(flag, "--proxy-type"))
		return "http";
	if (!strcmp(flag, "--proxy-dns"))
		return "local";
	return "1";
}

/* Every flag of a dialect's tables is taken by that dialect (with its value where it has
 * one), and refused as getopt words it when its value is missing. */
static void test_dialect_flags(enum nc_dialect d, const char *dname)
{
	struct flag_list l = { .n = 0 };
	struct nc_opts o;
	char err[256], line[128];
	int taken = 0, missing_ok = 0, with_value = 0;

	nc_dialect_flags_foreach(d, collect_flag, &l);
	for (int i = 0; i < l.n; i++) {
		const char *f = l.flags[i];
		snprintf(line, sizeof line, "%s%s%s host 80", f, l.takes[i] ? " " : "", l.takes[i] ? good_value(f) : "");
		enum nc_parse_result r = parse(d, &o, err, sizeof err, line);
		bool ok = r != NC_PARSE_USAGE;
		if (!strcmp(f, "-V"))
			ok = r == NC_PARSE_ERROR && !strcmp(err, "no alternate routing table support available");
		if (ok)
			taken++;
		else
			tap_diag("%s: %s refused (%d: %s)", dname, line, r, err);
		if (!l.takes[i])
			continue;
		with_value++;
		char want[64];
		if (f[1] == '-')
			snprintf(want, sizeof want, "option '%s' requires an argument", f);
		else
			snprintf(want, sizeof want, "option requires an argument -- '%c'", f[1]);
		snprintf(line, sizeof line, "host 80 %s", f);
		r = parse(d, &o, err, sizeof err, line);
		if (r == NC_PARSE_USAGE && !strcmp(err, want))
			missing_ok++;
		else
			tap_diag("%s: %s without a value: %d %s", dname, f, r, err);
	}
	tap_ok(l.n > 70 && taken == l.n, "%s: each of its %d flags is taken", dname, l.n);
	tap_ok(with_value > 30 && missing_ok == with_value, "%s: each of its %d flags with a value wants one", dname,
	       with_value);
}

static void test_dialect_tables(void)
{
	struct nc_opts o;
	char err[256];

	test_dialect_flags(NC_OPENBSD, "OpenBSD");
	test_dialect_flags(NC_NCAT, "ncat");
	/* letters in no table: getopt's words, in both dialects */
	tap_is_int(P("-a host 80"), NC_PARSE_USAGE, "OpenBSD: -a is in no table");
	tap_is_str(err, "invalid option -- 'a'", "... and getopt's words say so");
	tap_is_int(PN("-y host 80"), NC_PARSE_USAGE, "ncat: -y is in no table");
	tap_is_str(err, "invalid option -- 'y'", "... and getopt's words say so");
	tap_is_int(PN("--nosuch host 80"), NC_PARSE_USAGE, "an unknown long option");
	tap_is_str(err, "unrecognized option '--nosuch'", "... named as typed");
	/* the letters whose meaning is the dialect's */
	tap_is_int(P("-d host 80"), NC_PARSE_OK, "OpenBSD -d takes no value");
	tap_ok(o.no_stdin && o.delay == 0, "OpenBSD -d: stdin is not read");
	tap_is_int(PN("host 80 -d"), NC_PARSE_USAGE, "ncat -d wants a value");
	tap_is_int(PN("-d 2 host 80"), NC_PARSE_OK, "ncat -d 2");
	tap_ok(!o.no_stdin && o.delay == 2, "ncat -d: a delay");
	tap_is_int(P("-l -k 80"), NC_PARSE_OK, "OpenBSD -l -k");
	tap_ok(o.keep && !o.keep_open, "OpenBSD -k: one connection after another");
	tap_is_int(PN("-l -k 80"), NC_PARSE_OK, "ncat -l -k");
	tap_ok(o.keep_open && !o.keep, "ncat -k: several at once");
	tap_is_int(P("-m 7 host 80"), NC_PARSE_OK, "OpenBSD -m 7");
	tap_ok(o.minttl == 7 && o.max_conns == 0, "OpenBSD -m: the minimum TTL");
	tap_is_int(PN("-m 7 host 80"), NC_PARSE_OK, "ncat -m 7");
	tap_ok(o.max_conns == 7 && o.minttl == -1, "ncat -m: the most connections");
	tap_is_int(P("-o f host 80"), NC_PARSE_OK, "OpenBSD -o f");
	tap_ok(o.hexdump_file && !o.hexdump_ncat && !o.output_file, "OpenBSD -o: traditional nc's hex dump");
	tap_is_int(PN("-o f host 80"), NC_PARSE_OK, "ncat -o f");
	tap_ok(o.output_file && !o.hexdump_file, "ncat -o: the data as it is");
	tap_is_int(P("-x p:1 host 80"), NC_PARSE_OK, "OpenBSD -x p:1");
	tap_ok(o.proxy && !o.hexdump_file, "OpenBSD -x: a proxy");
	tap_is_int(PN("-x f host 80"), NC_PARSE_OK, "ncat -x f");
	tap_ok(o.hexdump_file && o.hexdump_ncat && !o.proxy, "ncat -x: ncat's hex dump");
	tap_is_int(P("-i 2 host 80"), NC_PARSE_OK, "OpenBSD -i 2");
	tap_ok(o.interval == 2 && o.idle_timeout < 0, "OpenBSD -i: the interval");
	tap_is_int(PN("-i 2 host 80"), NC_PARSE_OK, "ncat -i 2");
	tap_ok(o.idle_timeout == 2 && o.interval == 0, "ncat -i: the idle timeout");
	tap_is_int(P("-w 2 host 80"), NC_PARSE_OK, "OpenBSD -w 2");
	tap_ok(o.timeout == 2 && o.wait < 0, "OpenBSD -w: the timeout");
	tap_is_int(PN("-w 2 host 80"), NC_PARSE_OK, "ncat -w 2");
	tap_ok(o.wait == 2 && o.timeout < 0, "ncat -w: the connect wait");
	tap_is_int(PN("-w 0 host 80"), NC_PARSE_ERROR, "ncat -w 0");
	tap_is_str(err, "Invalid -w timeout \"0\" (must be greater than 0 and less than 2147483s).", "... in ncat's words");
	tap_is_int(P("-I 0 host 80"), NC_PARSE_ERROR, "OpenBSD -I 0");
	tap_is_str(err, "TCP receive window too small: 0", "... in OpenBSD's words");
}

int main(void)
{
	struct nc_opts o;
	char err[256];

	/* the seeds' command lines */
	tap_is_int(P("-l -p 4545"), NC_PARSE_OK, "-l -p PORT");
	tap_ok(o.listen && o.nports == 1 && !strcmp(o.ports[0], "4545") && !o.host, "-l -p: port, no host");
	tap_is_int(P("-4 -vz 127.0.0.1 8080"), NC_PARSE_OK, "-4 -vz");
	tap_ok(o.family == 4 && o.zero && o.verbose == 1 && !strcmp(o.host, "127.0.0.1"), "-4 -vz fields");
	tap_is_int(P("-6 -vz ::1 8080"), NC_PARSE_OK, "-6 -vz ::1");
	tap_is_int(P("-4 -u -vz 127.0.0.1 123"), NC_PARSE_OK, "-u -vz");
	tap_ok(o.udp, "udp set");
	tap_is_int(P("-U -z /tmp/stream.sock"), NC_PARSE_OK, "-U -z path");
	tap_is_str(o.unix_path, "/tmp/stream.sock", "unix path");
	tap_is_int(P("-uU -z /tmp/datagram.sock"), NC_PARSE_OK, "-uU -z path");
	tap_ok(o.udp && o.unix_sock, "-uU flags");
	tap_is_int(P("-l -p 4545 -o file"), NC_PARSE_OK, "-o FILE (traditional)");
	tap_ok(o.hexdump_file && !strcmp(o.hexdump_file, "file") && !o.hexdump_ncat, "-o is a traditional hex dump");
	tap_is_int(P("-N 10.0.0.1 80"), NC_PARSE_OK, "-N");
	tap_ok(o.shut_on_eof, "-N sets shutdown");
	tap_is_int(P("127.0.0.1 80 -v"), NC_PARSE_OK, "options after operands (GNU permutation)");
	tap_ok(o.verbose == 1, "-v after operands");

	/* listen forms */
	tap_is_int(P("-l 9000"), NC_PARSE_OK, "-l PORT");
	tap_is_str(o.ports[0], "9000", "-l PORT port");
	tap_is_int(P("-l 127.0.0.1 9000"), NC_PARSE_OK, "-l HOST PORT");
	tap_is_str(o.host, "127.0.0.1", "-l HOST PORT host");
	tap_is_int(P("-l -p 5 127.0.0.1 7"), NC_PARSE_USAGE, "-l -p PORT HOST PORT is a usage error");
	tap_is_int(P("-l -p 5 127.0.0.1"), NC_PARSE_USAGE, "-l -p PORT HOST is a usage error");
	tap_is_int(P("-l -s 127.0.0.1 9000"), NC_PARSE_USAGE, "-l -s ADDR PORT is a usage error");
	tap_is_int(P("-s 127.0.0.1 -l -p 9000"), NC_PARSE_OK, "-s ADDR -l -p PORT");
	tap_is_str(o.host, "127.0.0.1", "-s becomes the listen host");
	tap_is_int(P("-l"), NC_PARSE_ERROR, "-l without port");
	tap_is_str(err, "missing port number", "missing port message");
	tap_is_int(P("-lU"), NC_PARSE_ERROR, "-lU without path");
	tap_is_str(err, "missing socket pathname", "missing pathname message");
	tap_is_int(P("-lz 4"), NC_PARSE_ERROR, "-l with -z");
	tap_is_str(err, "cannot use -z and -l", "-z -l message");
	tap_is_int(P("-k 127.0.0.1 5"), NC_PARSE_ERROR, "-k without -l");
	tap_is_str(err, "must use -l with -k", "-k message");
	tap_is_int(P("-U /tmp/x 5"), NC_PARSE_ERROR, "-U with a port");
	tap_is_str(err, "cannot use port with -U", "-U port message");
	tap_is_int(P(""), NC_PARSE_USAGE, "no arguments");
	tap_is_int(P("127.0.0.1"), NC_PARSE_ERROR, "host only");
	tap_is_str(err, "missing port number", "host only message");
	tap_is_int(P("-x foo -u 1 2"), NC_PARSE_ERROR, "proxy with UDP");
	tap_is_str(err, "no proxy support for UDP mode", "proxy UDP message");

	/* option errors, byte for byte */
	tap_is_int(P("-Q"), NC_PARSE_USAGE, "bad option");
	tap_is_str(err, "invalid option -- 'Q'", "bad option message");
	tap_is_int(P("-w"), NC_PARSE_USAGE, "missing argument");
	tap_is_str(err, "option requires an argument -- 'w'", "missing argument message");
	P("-w abc 1 2");
	tap_is_str(err, "timeout invalid: abc", "-w invalid");
	P("-w 99999999999 1 2");
	tap_is_str(err, "timeout too large: 99999999999", "-w too large");
	P("-q abc 1 2");
	tap_is_str(err, "quit timer invalid: abc", "-q invalid");
	tap_is_int(P("-q -5 1 2"), NC_PARSE_OK, "-q negative is 'never'");
	tap_ok(o.quit == -1 && !o.shut_on_eof, "-q -5 leaves -N off");
	tap_is_int(P("-q 0 1 2"), NC_PARSE_OK, "-q 0");
	tap_ok(o.quit == 0 && o.shut_on_eof, "-q 0 implies -N");
	P("-i -1 1 2");
	tap_is_str(err, "interval too small: -1", "-i too small");
	P("-I 0 1 2");
	tap_is_str(err, "TCP receive window too small: 0", "-I too small");
	P("-O x 1 2");
	tap_is_str(err, "TCP send window invalid: x", "-O invalid");
	P("-M 256 1 2");
	tap_is_str(err, "ttl is too large", "-M too large");
	P("-m x 1 2");
	tap_is_str(err, "minttl is invalid", "-m invalid");
	P("-W 0 1 2");
	tap_is_str(err, "receive limit too small: 0", "-W too small");
	P("-T foo 1 2");
	tap_is_str(err, "illegal tos value foo", "-T bad keyword");
	P("-X 7 -x a 1 2");
	tap_is_str(err, "unsupported proxy protocol", "-X bad");
	P("-V 3 1 2");
	tap_is_str(err, "no alternate routing table support available", "-V");

	/* traditional extras */
	tap_is_int(P("-l -p 4545 -e /bin/cat"), NC_PARSE_OK, "-e");
	tap_is_str(o.exec_prog, "/bin/cat", "-e prog");
	tap_is_int(P("-c echo 1 2"), NC_PARSE_OK, "-c");
	tap_is_str(o.sh_cmd, "echo", "-c cmd");

	/* ncat long options in the OpenBSD dialect */
	tap_is_int(P("--sh-exec cat -l -p 5 --keep-open --max-conns 4 --allow 127.0.0.1 --deny 10.0.0.0/8"), NC_PARSE_OK,
		   "ncat long options");
	tap_ok(o.keep_open && o.max_conns == 4 && o.nallow == 1 && o.ndeny == 1 && !strcmp(o.sh_cmd, "cat"),
	       "long option fields");
	tap_is_int(P("--ssl --ssl-verify --ssl-servername x --proxy p:1080 --proxy-type socks5 h 1"), NC_PARSE_OK,
		   "ssl and proxy options");
	tap_ok(o.ssl && o.ssl_verify && !strcmp(o.proxy_type, "socks5"), "ssl/proxy fields");
	tap_is_int(P("--proxy-type gopher h 1"), NC_PARSE_ERROR, "bad proxy type");
	tap_is_int(P("--idle-timeout 500ms h 1"), NC_PARSE_OK, "--idle-timeout with suffix");
	tap_ok(o.idle_timeout > 0.49 && o.idle_timeout < 0.51, "500ms");
	tap_is_int(P("--bogus"), NC_PARSE_USAGE, "unknown long option");
	tap_is_str(err, "unrecognized option '--bogus'", "unknown long option message");
	tap_is_int(P("--udp-strict -u -z h 1"), NC_PARSE_OK, "--udp-strict");
	tap_ok(o.udp_strict, "--udp-strict set");
	tap_is_int(P("-h"), NC_PARSE_HELP, "-h");

	/* ncat dialect: letters that differ */
	tap_is_int(PN("-k -l 5"), NC_PARSE_OK, "ncat -k -l PORT");
	tap_ok(o.keep_open && !o.keep, "ncat -k is keep-open");
	tap_is_int(PN("-i 2 h 1"), NC_PARSE_OK, "ncat -i");
	tap_ok(o.idle_timeout == 2 && o.interval == 0, "ncat -i is idle timeout");
	tap_is_int(PN("-d 1 h 1"), NC_PARSE_OK, "ncat -d takes a delay");
	tap_ok(o.delay == 1 && !o.no_stdin, "ncat -d is delay");
	tap_is_int(PN("-x f -o g h 1"), NC_PARSE_OK, "ncat -x/-o");
	tap_ok(o.hexdump_ncat && !strcmp(o.hexdump_file, "f") && !strcmp(o.output_file, "g"), "ncat -x hex, -o raw");
	tap_is_int(PN("-m 3 -l 5"), NC_PARSE_OK, "ncat -m");
	tap_ok(o.max_conns == 3, "ncat -m is max-conns");
	tap_is_int(PN("h 1-2"), NC_PARSE_ERROR, "ncat port range");
	tap_is_str(err, "Invalid port number \"1-2\".", "ncat range message");
	tap_is_int(PN("h 1 2"), NC_PARSE_ERROR, "ncat two ports");
	tap_is_str(err, "Got more than one port specification: 1 2.", "ncat two ports message");
	tap_is_int(PN(""), NC_PARSE_ERROR, "ncat no host");
	tap_is_str(err, "You must specify a host to connect to.", "ncat no host message");
	tap_is_int(PN("-l"), NC_PARSE_OK, "ncat -l alone");
	tap_is_str(o.ports[0], "31337", "ncat default port");
	tap_is_int(PN("-l -s 127.0.0.1 -p 5"), NC_PARSE_ERROR, "ncat -l -s");
	tap_is_int(PN("-w x h 1"), NC_PARSE_ERROR, "ncat -w invalid");
	tap_is_str(err, "Invalid -w timeout \"x\" (must be greater than 0 and less than 2147483s).", "ncat -w message");
	tap_is_int(parse(NC_OPENBSD, &o, err, sizeof err, "--ncat -k -l 5"), NC_PARSE_OK, "--ncat switches dialect");
	tap_ok(o.dialect == NC_NCAT && o.keep_open, "--ncat -k");

	/* ports */
	tap_is_int(nc_port_parse("8080", "tcp", err, sizeof err), 8080, "port number");
	tap_is_int(nc_port_parse("http", "tcp", err, sizeof err), 80, "service name");
	tap_is_int(nc_port_parse("99999", "tcp", err, sizeof err), -1, "too large");
	tap_is_str(err, "port number too large: 99999", "too large message");
	tap_is_int(nc_port_parse("0", "tcp", err, sizeof err), -1, "zero");
	tap_is_str(err, "port number too small: 0", "zero message");
	tap_is_int(nc_port_parse("0x10", "tcp", err, sizeof err), -1, "hex is invalid");
	tap_is_str(err, "port number invalid: 0x10", "hex message");
	tap_is_int(nc_port_parse("010", "tcp", err, sizeof err), 10, "leading zero is decimal");
	{
		const char *a[] = { "9-3", "http", "20" };
		uint16_t *v = NULL;
		long n = nc_ports_expand(a, 3, "tcp", &v, err, sizeof err);
		tap_is_int(n, 9, "range + service + port count");
		tap_ok(n == 9 && v[0] == 3 && v[6] == 9 && v[7] == 80 && v[8] == 20, "order: range ascending, then as given");
		free(v);
		const char *b[] = { "5-x" };
		tap_is_int(nc_ports_expand(b, 1, "tcp", &v, err, sizeof err), -1, "bad range end");
		tap_is_str(err, "port number invalid: x", "bad range end message");
		const char *c[] = { "x-5" };
		nc_ports_expand(c, 1, "tcp", &v, err, sizeof err);
		tap_is_str(err, "port number invalid: x-5", "non-digit start is one name");
		const char *d[] = { "1-65535" };
		tap_is_int(nc_ports_expand(d, 1, "tcp", &v, err, sizeof err), 65535, "full range");
		free(v);
	}

	/* durations, tos */
	tap_ok(nc_parse_duration("2", false) == 2, "duration plain");
	tap_ok(nc_parse_duration("2s", false) < 0, "suffix refused without ncat");
	tap_ok(nc_parse_duration("1m", true) == 60, "minutes");
	tap_ok(nc_parse_duration("x", true) < 0, "bad duration");
	tap_is_int(nc_parse_tos("lowdelay"), 0x10, "tos lowdelay");
	tap_is_int(nc_parse_tos("af41"), 0x88, "tos af41");
	tap_is_int(nc_parse_tos("0x20"), 0x20, "tos hex");
	tap_is_int(nc_parse_tos("300"), -1, "tos too large");

	/* escaping for the address grammar */
	{
		char out[128];
		nc_addr_escape("echo a,b:c!!d", out, sizeof out);
		tap_is_str(out, "echo\\ a\\,b\\:c\\!\\!d", "escape grammar characters");
		nc_addr_escape("/bin/cat", out, sizeof out);
		tap_is_str(out, "/bin/cat", "plain path untouched");
	}

	/* hex dumps (netcat-and-ss.md A.8) */
	{
		const char *req = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
		char *out = malloc(nc_hexdump_bound(strlen(req)));
		unsigned long off = 0;
		size_t n = nc_hexdump_trad(out, (const unsigned char *)req, strlen(req), true, &off);
		out[n] = '\0';
		tap_is_str(out,
			   "> 00000000 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 30 0d 0a # GET / HTTP/1.0..\n"
			   "> 00000010 48 6f 73 74 3a 20 31 32 37 2e 30 2e 30 2e 31 0d # Host: 127.0.0.1.\n"
			   "> 00000020 0a 0d 0a                                        # ...\n",
			   "traditional -o format");
		tap_is_int(off, 35, "offset advanced per direction");
		unsigned long roff = 0;
		n = nc_hexdump_trad(out, (const unsigned char *)"late\n", 5, false, &roff);
		out[n] = '\0';
		tap_is_str(out, "< 00000000 6c 61 74 65 0a                                  # late.\n", "received line");
		n = nc_hexdump_ncat(out, (const unsigned char *)req, strlen(req));
		out[n] = '\0';
		tap_is_str(out,
			   "0000   47 45 54 20 2f 20 48 54  54 50 2f 31 2e 30 0d 0a  GET./.HTTP/1.0..\n"
			   "0010   48 6f 73 74 3a 20 31 32  37 2e 30 2e 30 2e 31 0d  Host:.127.0.0.1.\n"
			   "0020   0a 0d 0a                                          ...             \n",
			   "ncat -x format");
		free(out);
	}
	test_dialect_tables();
	return tap_done();
}
