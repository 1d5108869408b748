/* nc's own texts. Written from observed output of nc.openbsd 1.219 and ncat 7.93. */
#include "nc/messages.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "common/log.h"
#include "common/version.h"

static void vline(const struct nc_opts *o, bool fatal, const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (o && o->dialect == NC_NCAT)
		fprintf(stderr, "Ncat: %s%s\n", msg, fatal ? " QUITTING." : "");
	else if (fatal)
		fprintf(stderr, "%s: %s\n", log_progname(), msg);
	else
		fprintf(stderr, "%s\n", msg);
	fflush(stderr);
}

void nc_err(const struct nc_opts *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(o, true, fmt, ap);
	va_end(ap);
}

void nc_note(const struct nc_opts *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(o, false, fmt, ap);
	va_end(ap);
}

const char *nc_service_name(uint16_t port, const char *proto, bool numeric, char *buf, size_t len)
{
	struct servent *se = numeric ? NULL : getservbyport(htons(port), proto);
	snprintf(buf, len, "%s", se ? se->s_name : "*");
	return buf;
}

char *nc_numeric_host(const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen)
{
	buf[0] = '\0';
	if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
		size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
		if (n > sizeof un->sun_path)
			n = sizeof un->sun_path;
		if (n && un->sun_path[0] == '\0') {
			snprintf(buf, buflen, "@%.*s", (int)(n - 1), un->sun_path + 1);
		} else {
			snprintf(buf, buflen, "%.*s", (int)strnlen(un->sun_path, n), un->sun_path);
		}
		return buf;
	}
	if (getnameinfo(sa, len, buf, (socklen_t)buflen, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(buf, buflen, "?");
	return buf;
}

char *nc_host_label(const char *host, const struct sockaddr *sa, socklen_t len, char *buf, size_t buflen)
{
	char ip[INET6_ADDRSTRLEN + 8];
	nc_numeric_host(sa, len, ip, sizeof ip);
	if (host && strcmp(host, ip))
		snprintf(buf, buflen, "%s (%s)", host, ip);
	else
		snprintf(buf, buflen, "%s", ip);
	return buf;
}

char *nc_reverse_name(const struct sockaddr *sa, socklen_t len, bool numeric, char *buf, size_t buflen)
{
	if (numeric || getnameinfo(sa, len, buf, (socklen_t)buflen, NULL, 0, NI_NAMEREQD) != 0)
		nc_numeric_host(sa, len, buf, buflen);
	return buf;
}

int nc_fmt_succeeded(char *buf, size_t len, const char *label, uint16_t port, const char *proto, const char *svc)
{
	return snprintf(buf, len, "Connection to %s %u port [%s/%s] succeeded!", label, (unsigned)port, proto, svc);
}

int nc_fmt_connect_failed(char *buf, size_t len, const char *label, uint16_t port, const char *proto, int err)
{
	return snprintf(buf, len, "connect to %s port %u (%s) failed: %s", label, (unsigned)port, proto, strerror(err));
}

int nc_fmt_timed_out(char *buf, size_t len, const char *label, uint16_t port, const char *proto)
{
	return snprintf(buf, len, "connect to %s port %u (%s) timed out: %s", label, (unsigned)port, proto,
			strerror(EINPROGRESS));
}

void nc_ncat_version_line(const struct nc_opts *o)
{
	nc_note(o, "Version %s ( duct, ncat 7.93 compatible )", DUCT_VERSION);
}

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
